"""arXiv API query results (`export.arxiv.org/api/query`): Atom 1.0 feeds.

Each `<entry>` is one paper in its latest version:

* `<id>` is the versioned abs URL (`http://arxiv.org/abs/2510.14968v1`) -> `arxiv_id` and
  the version number;
* `<published>` is the v1 date and `<updated>` the date of that latest version, so
  `versions` holds v1 and, when the entry is a later version, that one (intermediate
  versions are not in the feed);
* `arxiv:primary_category` comes first in `categories`, then the `<category term>`s;
* `arxiv:comment`, `arxiv:journal_ref`, `arxiv:doi` (or a `title="doi"` link);
* `<author><name>` with optional `arxiv:affiliation`s, names in display order.

The API reports errors as an entry whose id is under `/api/errors`; that becomes
`AtomPage.error_message` and a `RecordError`. Like the OAI parser, this never raises
on input and keeps every entry completed before broken XML.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from app.ingest.enrich import split_dois
from app.ingest.formats.common import (
    BinaryReader,
    fit_for_storage,
    parse_arxiv_id,
    parse_iso_datetime,
)
from app.ingest.formats.xmlutil import (
    children,
    first_child,
    iter_xml,
    localname,
    text_of,
)
from app.ingest.names import parse_person_name
from app.ingest.records import (
    ParsedName,
    ParseResult,
    RecordError,
    SourceFormat,
    WorkRecord,
    WorkVersion,
)
from app.ingest.text import collapse_ws, latex_to_plain, strip_or_none

__all__ = ["AtomPage", "iter_atom_file", "parse_atom_feed"]

_API_ERROR_MARK: Final = "/api/errors"


@dataclass(slots=True)
class AtomPage:
    """One API response: entries plus the OpenSearch paging numbers."""

    records: list[ParseResult] = field(default_factory=list)
    total_results: int | None = None
    start_index: int | None = None
    items_per_page: int | None = None
    updated: datetime | None = None
    error_message: str | None = None  # an API error entry, or broken XML


class _BadEntry(ValueError):
    def __init__(self, reason: str, source_id: str | None = None) -> None:
        super().__init__(reason)
        self.source_id = source_id


def _text(el: Any | None) -> str:
    return collapse_ws(text_of(el))


def _int(el: Any | None) -> int | None:
    try:
        return int(_text(el))
    except ValueError:
        return None


def _when(el: Any | None, what: str, source_id: str) -> datetime | None:
    raw = _text(el)
    if not raw:
        return None
    try:
        return parse_iso_datetime(raw)
    except ValueError as exc:
        raise _BadEntry(f"<{what}>: {exc}", source_id) from None


def _entry(el: Any, position: str) -> WorkRecord:
    raw_id = _text(first_child(el, "id"))
    if not raw_id:
        raise _BadEntry("entry has no <id>")
    try:
        arxiv_id, version = parse_arxiv_id(raw_id)
    except ValueError as exc:
        raise _BadEntry(f"<id>: {exc}") from None
    title = _text(first_child(el, "title"))
    if not title:
        raise _BadEntry("missing title", arxiv_id)
    published = _when(first_child(el, "published"), "published", arxiv_id)
    updated = _when(first_child(el, "updated"), "updated", arxiv_id)
    versions: list[WorkVersion] = []
    if published is not None:
        versions.append(WorkVersion(1, published))
    if version is not None and version > 1 and updated is not None:
        versions.append(WorkVersion(version, updated))

    categories: list[str] = []
    primary = first_child(el, "primary_category")
    if primary is not None and (term := str(primary.get("term") or "").strip()):
        categories.append(term)
    for c in children(el, "category"):
        if term := str(c.get("term") or "").strip():
            categories.append(term)
    categories = list(dict.fromkeys(categories))
    if not categories:
        raise _BadEntry("no categories", arxiv_id)

    authors: list[ParsedName] = []
    for a in children(el, "author"):
        affiliations = tuple(
            dict.fromkeys(latex_to_plain(t) for x in children(a, "affiliation") if (t := _text(x)))
        )
        name = parse_person_name(_text(first_child(a, "name")), affiliations)
        if name is not None:
            authors.append(name)

    dois = split_dois(_text(first_child(el, "doi")))
    if not dois:
        for link in children(el, "link"):
            if str(link.get("title") or "") == "doi":
                dois = split_dois(str(link.get("href") or ""))
    record = WorkRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=_text(first_child(el, "summary")),
        authors=authors,
        categories=categories,
        versions=versions,
        created=published.date() if published else None,
        updated=updated.date() if updated else None,
        dois=dois,
        journal_ref=strip_or_none(_text(first_child(el, "journal_ref"))),
        comments=strip_or_none(_text(first_child(el, "comment"))),
        position=position,
        source_format=SourceFormat.ATOM,
    )
    try:
        return fit_for_storage(record)
    except ValueError as exc:
        raise _BadEntry(str(exc), arxiv_id) from None


class _AtomReader:
    def __init__(self) -> None:
        self.page = AtomPage()

    def records(self, source: BinaryReader) -> Iterator[ParseResult]:
        root: Any = None
        n = 0
        try:
            for event, el in iter_xml(source):
                if event == "start":
                    if root is None:
                        root = el
                        if localname(el) != "feed":
                            reason = f"not an Atom feed (root <{localname(el)}>)"
                            self.page.error_message = reason
                            yield RecordError("document", reason)
                            return
                    continue
                parent = el.getparent()
                if parent is None or parent is not root:
                    continue
                name = localname(el)
                if name == "entry":
                    n += 1
                    yield self._record(el, n)
                    el.clear()
                    while el.getprevious() is not None:
                        del parent[0]
                elif name == "totalResults":
                    self.page.total_results = _int(el)
                elif name == "startIndex":
                    self.page.start_index = _int(el)
                elif name == "itemsPerPage":
                    self.page.items_per_page = _int(el)
                elif name == "updated":
                    try:
                        self.page.updated = parse_iso_datetime(_text(el))
                    except ValueError:
                        self.page.updated = None
        except etree.XMLSyntaxError as exc:
            line = getattr(exc, "lineno", None) or "?"
            reason = f"XML not well-formed after {n} complete entries: {exc}"
            self.page.error_message = reason
            yield RecordError(f"line {line}", reason)
        except Exception as exc:
            reason = f"unreadable XML after {n} complete entries: {exc!r}"
            self.page.error_message = reason
            yield RecordError("document", reason)

    def _record(self, el: Any, n: int) -> ParseResult:
        line = el.sourceline
        # The line as well as the number: entries can be pages long, and a person fixing the
        # file opens it at a line.
        position = f"entry {n} (line {line})" if line else f"entry {n}"
        if _API_ERROR_MARK in _text(first_child(el, "id")):
            message = _text(first_child(el, "summary")) or "unknown API error"
            self.page.error_message = message
            return RecordError(position, f"arXiv API error: {message}")
        try:
            return _entry(el, position)
        except _BadEntry as exc:
            return RecordError(position, str(exc), exc.source_id)
        except Exception as exc:  # a parser bug must cost one entry, not the page
            return RecordError(position, f"unexpected error: {exc!r}")


def parse_atom_feed(data: bytes) -> AtomPage:
    """Parse one API response body. Never raises."""
    reader = _AtomReader()
    reader.page.records = list(reader.records(io.BytesIO(data)))
    return reader.page


def iter_atom_file(stream: BinaryReader) -> Iterator[ParseResult]:
    """Stream the entries of a saved API response (plain or via `gzip.open`)."""
    yield from _AtomReader().records(stream)
