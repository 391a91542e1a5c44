"""Citation exports of a work: BibTeX and CSL-JSON (what Zotero and pandoc read)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from app.works.schemas import WorkOut

_CSL_TYPES = {
    "article": "article-journal",
    "conference-paper": "paper-conference",
    "book-chapter": "chapter",
    "book": "book",
    "thesis": "thesis",
    "report": "report",
    "erratum": "article-journal",
    "review": "review",
}
_BIB_TYPES = {
    "article": "article",
    "conference-paper": "inproceedings",
    "book-chapter": "incollection",
    "book": "book",
    "thesis": "phdthesis",
    "report": "techreport",
}


def _family_given(display_name: str) -> tuple[str, str]:
    family, _, given = display_name.rpartition(" ")
    return (given, family) if family else (display_name, "")


def citation_key(work: WorkOut) -> str:
    first = work.authorships[0].display_name if work.authorships else "anon"
    family = _family_given(first)[0]
    ascii_family = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z]", "", ascii_family).lower() or "anon"
    return f"{stem}{work.year or ''}_{work.ids.arxiv.replace('/', '_')}"


def _bib_escape(value: str) -> str:
    # Titles keep their LaTeX (it is what BibTeX wants); only bare braces need balancing.
    return (
        " ".join(value.split())
        if value.count("{") == value.count("}")
        else " ".join(value.replace("{", "").replace("}", "").split())
    )


def to_bibtex(work: WorkOut) -> str:
    entry_type = _BIB_TYPES.get(work.type, "misc")
    fields: list[tuple[str, str]] = [
        ("title", "{" + _bib_escape(work.title) + "}"),
        ("author", " and ".join(a.display_name for a in work.authorships)),
    ]
    if work.year:
        fields.append(("year", str(work.year)))
    if work.venue:
        key = "booktitle" if entry_type == "inproceedings" else "journal"
        fields.append((key, _bib_escape(work.venue)))
    if work.ids.doi:
        fields.append(("doi", work.ids.doi))
    fields += [
        ("eprint", work.ids.arxiv),
        ("archivePrefix", "arXiv"),
    ]
    if work.primary_category:
        fields.append(("primaryClass", work.primary_category))
    fields.append(("url", work.abs_url))
    body = ",\n".join(
        f"  {k} = {{{v}}}" if not v.startswith("{") else f"  {k} = {v}" for k, v in fields
    )
    return f"@{entry_type}{{{citation_key(work)},\n{body}\n}}\n"


def to_csl_json(work: WorkOut) -> list[dict[str, Any]]:
    item: dict[str, Any] = {
        "id": work.id,
        "type": _CSL_TYPES.get(work.type, "article"),
        "title": work.title,
        "author": [
            {"family": fam, "given": giv} if giv else {"literal": fam}
            for fam, giv in (_family_given(a.display_name) for a in work.authorships)
        ],
        "abstract": work.abstract.strip(),
        "URL": work.abs_url,
        "number": work.ids.arxiv,
        "publisher": "arXiv",
    }
    if work.publication_date:
        d = work.publication_date
        item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
    if work.ids.doi:
        item["DOI"] = work.ids.doi
    if work.venue:
        item["container-title"] = work.venue
    return [item]
