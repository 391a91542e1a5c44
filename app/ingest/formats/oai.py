"""arXiv OAI-PMH responses (`export.arxiv.org/oai2`): ListRecords / GetRecord pages.

Three metadata formats are understood, recognised per record from the metadata element
itself (so a file needs no side information):

* `arXiv`: structured authors (`<keyname>`, `<forenames>`, `<suffix>`, repeated
  `<affiliation>`), `<created>` / `<updated>` dates, no version list;
* `arXivRaw` (schema `arXivRaw.xsd`): `<version version="vN"><date>` elements with
  RFC 2822 dates, and the free-text `<authors>` string, parsed like the snapshot's;
* `oai_dc` (Dublin Core): `dc:creator` as `Last, First`; `dc:subject` as display names
  mapped to category codes (falling back to the header's sets); the first
  `dc:description` is the abstract, one starting `Comment:` is the comments;
  `dc:identifier` gives the abs URL (-> id), `doi:...` and a journal reference;
  `dc:date`s are the version dates.

`<header status="deleted">` becomes a `DeletedRecord`. Element text is whitespace-
collapsed (arXiv and some re-serialisers pretty-print). Namespaced and un-namespaced
documents parse alike.

Failure handling, per the ingest contract (never raise on input):
* a record that cannot be read -> `RecordError("record N (line L)", reason)`, the rest go on;
* an OAI `<error>` -> `OaiPage.error_code` / `error_message`; `noRecordsMatch` is an
  empty result, not a failure (`OaiPage.failed` is False for it);
* XML that breaks off or is corrupt -> every record completed before the damage is kept,
  a `RecordError` gives the line, and `error_code` is set to the local code
  `malformedResponse` (not an OAI-PMH code) so a harvester retries the page instead of
  taking a truncated page without its resumptionToken for the end of the list.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from app.ingest.enrich import split_dois
from app.ingest.formats.categories import category_from_set_spec, category_from_subject
from app.ingest.formats.common import (
    BinaryReader,
    fit_for_storage,
    parse_arxiv_date,
    parse_arxiv_id,
    parse_iso_date,
    parse_iso_datetime,
    parse_version_label,
    split_categories,
)
from app.ingest.formats.xmlutil import (
    children,
    first_child,
    iter_xml,
    localname,
    text_of,
)
from app.ingest.names import (
    decode_latex,
    name_from_inverted,
    parse_author_string,
    structured_name,
)
from app.ingest.records import (
    DeletedRecord,
    ParsedName,
    ParseResult,
    RecordError,
    SourceFormat,
    WorkRecord,
    WorkVersion,
)
from app.ingest.text import collapse_ws, latex_to_plain, strip_or_none

__all__ = ["MALFORMED_RESPONSE", "NO_RECORDS_MATCH", "OaiPage", "iter_oai_file", "parse_oai_page"]

NO_RECORDS_MATCH: Final = "noRecordsMatch"
MALFORMED_RESPONSE: Final = "malformedResponse"  # local code: the XML itself is broken
_RECORD_PARENTS: Final = frozenset({"ListRecords", "GetRecord"})


@dataclass(slots=True)
class OaiPage:
    """One OAI-PMH response: its records and what the harvester needs to go on."""

    records: list[ParseResult] = field(default_factory=list)
    resumption_token: str | None = None  # None on the last page (or a broken one)
    cursor: int | None = None
    complete_list_size: int | None = None
    error_code: str | None = None  # OAI error code, or MALFORMED_RESPONSE
    error_message: str | None = None
    response_date: datetime | None = None
    verb: str | None = None
    metadata_prefix: str | None = None

    @property
    def failed(self) -> bool:
        """True when the page must not be trusted (OAI error other than noRecordsMatch,
        or broken XML): retry it rather than move on."""
        return self.error_code is not None and self.error_code != NO_RECORDS_MATCH

    @property
    def has_more(self) -> bool:
        return self.resumption_token is not None and not self.failed


class _BadRecord(ValueError):
    """A record that cannot be turned into a WorkRecord; carries the id if known."""

    def __init__(self, reason: str, source_id: str | None = None) -> None:
        super().__init__(reason)
        self.source_id = source_id


def _text(el: Any | None) -> str:
    return collapse_ws(text_of(el))


def _opt(el: Any | None) -> str | None:
    return strip_or_none(text_of(el)) if el is not None else None


def _int_attr(el: Any, name: str) -> int | None:
    v = el.get(name)
    if v is None:
        return None
    try:
        return int(str(v).strip())
    except ValueError:
        return None


def _day(raw: str, what: str, source_id: str | None) -> date:
    """An OAI date at day granularity; a full date-time is accepted and truncated."""
    try:
        return parse_iso_date(raw) if len(raw) <= 10 else parse_iso_datetime(raw).date()
    except ValueError as exc:
        raise _BadRecord(f"{what}: {exc}", source_id) from None


def _by_name(el: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for c in el:
        name = localname(c)
        if name:
            out.setdefault(name, []).append(c)
    return out


def _first_text(fields: dict[str, list[Any]], name: str) -> str | None:
    els = fields.get(name)
    return _opt(els[0]) if els else None


def _categories(raw: str | None, set_specs: list[str], source_id: str) -> list[str]:
    categories = split_categories(raw) if raw else []
    if not categories:
        # No category list: fall back to the coarse archives of the header's sets.
        categories = list(
            dict.fromkeys(c for s in set_specs if (c := category_from_set_spec(s)) is not None)
        )
    if not categories:
        raise _BadRecord("no categories and no setSpec", source_id)
    return categories


def _title(raw: str | None, source_id: str) -> str:
    if not raw:
        raise _BadRecord("missing title", source_id)
    return raw


def _metadata_id(fields: dict[str, list[Any]], header_id: str) -> str:
    raw = _first_text(fields, "id")
    if not raw:
        return header_id
    try:
        return parse_arxiv_id(raw)[0]
    except ValueError as exc:
        raise _BadRecord(f"<id>: {exc}", header_id) from None


def _from_arxiv(payload: Any, header_id: str, set_specs: list[str]) -> WorkRecord:
    """metadataPrefix=arXiv."""
    f = _by_name(payload)
    arxiv_id = _metadata_id(f, header_id)
    authors: list[ParsedName] = []
    for authors_el in f.get("authors", [])[:1]:
        for a in children(authors_el, "author"):
            affiliations = tuple(
                dict.fromkeys(
                    latex_to_plain(t) for x in children(a, "affiliation") if (t := _text(x))
                )
            )
            name = structured_name(
                _text(first_child(a, "keyname")),
                _text(first_child(a, "forenames")),
                _text(first_child(a, "suffix")),
                affiliations,
            )
            if name is not None:
                authors.append(name)
    created = _first_text(f, "created")
    updated = _first_text(f, "updated")
    return WorkRecord(
        arxiv_id=arxiv_id,
        title=_title(_first_text(f, "title"), arxiv_id),
        abstract=_first_text(f, "abstract") or "",
        authors=authors,
        categories=_categories(_first_text(f, "categories"), set_specs, arxiv_id),
        created=_day(created, "created", arxiv_id) if created else None,
        updated=_day(updated, "updated", arxiv_id) if updated else None,
        dois=split_dois(_first_text(f, "doi")),
        journal_ref=_first_text(f, "journal-ref"),
        comments=_first_text(f, "comments"),
        report_no=_first_text(f, "report-no"),
        license=_first_text(f, "license"),
        acm_class=_first_text(f, "acm-class"),
        msc_class=_first_text(f, "msc-class"),
    )


def _from_arxiv_raw(payload: Any, header_id: str, set_specs: list[str]) -> WorkRecord:
    """metadataPrefix=arXivRaw (see schemas/arXivRaw.xsd)."""
    f = _by_name(payload)
    arxiv_id = _metadata_id(f, header_id)
    by_number: dict[int, WorkVersion] = {}
    for v in f.get("version", []):
        try:
            number = parse_version_label(str(v.get("version") or ""))
            when = parse_arxiv_date(_text(first_child(v, "date")))
        except ValueError as exc:
            raise _BadRecord(f"<version>: {exc}", arxiv_id) from None
        by_number.setdefault(number, WorkVersion(number, when))
    versions = [by_number[n] for n in sorted(by_number)]
    submitter = _first_text(f, "submitter")
    return WorkRecord(
        arxiv_id=arxiv_id,
        title=_title(_first_text(f, "title"), arxiv_id),
        abstract=_first_text(f, "abstract") or "",
        authors=parse_author_string(text_of(f["authors"][0])) if "authors" in f else [],
        categories=_categories(_first_text(f, "categories"), set_specs, arxiv_id),
        versions=versions,
        created=versions[0].created.date() if versions else None,
        # Same meaning as the arXiv format's <updated>: the latest version, if revised.
        updated=versions[-1].created.date() if len(versions) > 1 else None,
        dois=split_dois(_first_text(f, "doi")),
        journal_ref=_first_text(f, "journal-ref"),
        comments=_first_text(f, "comments"),
        report_no=_first_text(f, "report-no"),
        license=_first_text(f, "license"),
        submitter=decode_latex(submitter) if submitter else None,
        acm_class=_first_text(f, "acm-class"),
        msc_class=_first_text(f, "msc-class"),
    )


_COMMENT_PREFIX: Final = "comment:"


def _from_oai_dc(payload: Any, header_id: str, set_specs: list[str]) -> WorkRecord:
    """metadataPrefix=oai_dc (Dublin Core)."""
    f = _by_name(payload)
    arxiv_id = header_id
    dois: list[str] = []
    other_ids: list[str] = []
    for el in f.get("identifier", []):
        ident = _text(el)
        if not ident:
            continue
        if "arxiv.org/abs/" in ident.lower():
            try:
                arxiv_id = parse_arxiv_id(ident)[0]
            except ValueError as exc:
                raise _BadRecord(f"dc:identifier: {exc}", header_id) from None
        elif ident.lower().startswith(("doi:", "10.", "https://doi.org/", "http://dx.doi.org/")):
            dois.extend(split_dois(ident))
        elif not ident.lower().startswith(("http://", "https://")):
            other_ids.append(ident)  # arXiv puts the journal reference here
    abstract = ""
    comments: str | None = None
    for el in f.get("description", []):
        text = _text(el)
        if text.lower().startswith(_COMMENT_PREFIX):
            comments = text[len(_COMMENT_PREFIX) :].strip() or comments
        elif not abstract:
            abstract = text
    categories = [
        c for el in f.get("subject", []) if (c := category_from_subject(_text(el))) is not None
    ]
    days = sorted({_day(d, "dc:date", arxiv_id) for el in f.get("date", []) if (d := _text(el))})
    authors = [n for el in f.get("creator", []) if (n := name_from_inverted(_text(el)))]
    return WorkRecord(
        arxiv_id=arxiv_id,
        title=_title(_first_text(f, "title"), arxiv_id),
        abstract=abstract,
        authors=authors,
        categories=list(dict.fromkeys(categories)) or _categories(None, set_specs, arxiv_id),
        created=days[0] if days else None,
        updated=days[-1] if len(days) > 1 else None,
        dois=dois,
        journal_ref=other_ids[0] if other_ids else None,
        comments=comments,
    )


_FORMATS: Final = {"arXiv": _from_arxiv, "arXivRaw": _from_arxiv_raw, "dc": _from_oai_dc}
_SOURCE_FORMATS: Final = {
    "arXiv": SourceFormat.OAI_ARXIV,
    "arXivRaw": SourceFormat.OAI_ARXIV_RAW,
    "dc": SourceFormat.OAI_DC,
}


def _parse_record(el: Any, position: str) -> ParseResult:
    header = first_child(el, "header")
    if header is None:
        raise _BadRecord("record has no <header>")
    ident = _text(first_child(header, "identifier"))
    if not ident:
        raise _BadRecord("header has no <identifier>")
    try:
        header_id = parse_arxiv_id(ident)[0]
    except ValueError as exc:
        raise _BadRecord(f"header identifier: {exc}") from None
    stamp = _text(first_child(header, "datestamp"))
    datestamp = _day(stamp, "datestamp", header_id) if stamp else None
    if str(header.get("status") or "").strip() == "deleted":
        return DeletedRecord(header_id, datestamp, position)
    metadata = first_child(el, "metadata")
    payload = next((c for c in metadata if localname(c)), None) if metadata is not None else None
    if payload is None:
        raise _BadRecord("record has no <metadata>", header_id)
    kind = localname(payload)
    parse = _FORMATS.get(kind)
    if parse is None:
        raise _BadRecord(f"unsupported metadata format <{kind}>", header_id)
    set_specs = [s for el_ in children(header, "setSpec") if (s := _text(el_))]
    record = parse(payload, header_id, set_specs)
    record.datestamp = datestamp
    record.position = position
    record.source_format = _SOURCE_FORMATS[kind]
    try:
        return fit_for_storage(record)
    except ValueError as exc:
        raise _BadRecord(str(exc), record.arxiv_id) from None


class _OaiReader:
    """Walks one response, yielding records as they complete and filling `page`."""

    def __init__(self) -> None:
        self.page = OaiPage()

    def _set_malformed(self, message: str) -> None:
        self.page.error_code = MALFORMED_RESPONSE
        self.page.error_message = message
        self.page.resumption_token = None  # a token from a broken page is not trusted

    def _header_element(self, name: str, el: Any) -> None:
        page = self.page
        if name == "responseDate":
            try:
                page.response_date = parse_iso_datetime(_text(el))
            except ValueError:
                page.response_date = None
        elif name == "request":
            page.verb = el.get("verb")
            page.metadata_prefix = el.get("metadataPrefix")
        elif name == "error":
            code = str(el.get("code") or "unknown")
            message = _text(el)
            if page.error_code is None:
                page.error_code = code
                page.error_message = message
            else:
                page.error_message = f"{page.error_message}; {code}: {message}"

    def records(self, source: BinaryReader) -> Iterator[ParseResult]:
        root: Any = None
        n = 0
        try:
            for event, el in iter_xml(source):
                if event == "start":
                    if root is None:
                        root = el
                        if localname(el) != "OAI-PMH":
                            reason = f"not an OAI-PMH response (root <{localname(el)}>)"
                            self._set_malformed(reason)
                            yield RecordError("document", reason)
                            return
                    continue
                name = localname(el)
                parent = el.getparent()
                parent_name = localname(parent) if parent is not None else ""
                if name == "record" and parent_name in _RECORD_PARENTS:
                    n += 1
                    yield self._record(el, n)
                    # Bounded memory on big files: drop the finished record and its
                    # predecessors from the tree being built.
                    el.clear()
                    while el.getprevious() is not None:
                        del parent[0]
                elif name == "resumptionToken" and parent_name in ("ListRecords",):
                    self.page.resumption_token = _text(el) or None
                    self.page.cursor = _int_attr(el, "cursor")
                    self.page.complete_list_size = _int_attr(el, "completeListSize")
                elif parent is not None and parent is root:
                    self._header_element(name, el)
        except etree.XMLSyntaxError as exc:
            line = getattr(exc, "lineno", None) or "?"
            reason = f"XML not well-formed after {n} complete record(s): {exc}"
            self._set_malformed(reason)
            yield RecordError(f"line {line}", reason)
        except Exception as exc:  # encoding errors and the like: same treatment
            reason = f"unreadable XML after {n} complete record(s): {exc!r}"
            self._set_malformed(reason)
            yield RecordError("document", reason)

    @staticmethod
    def _record(el: Any, n: int) -> ParseResult:
        line = el.sourceline
        position = f"record {n} (line {line})" if line else f"record {n}"
        try:
            return _parse_record(el, position)
        except _BadRecord as exc:
            return RecordError(position, str(exc), exc.source_id)
        except Exception as exc:  # a parser bug must cost one record, not the page
            return RecordError(position, f"unexpected error: {exc!r}")


def parse_oai_page(data: bytes) -> OaiPage:
    """Parse one OAI-PMH response body. Never raises; see the module docstring."""
    reader = _OaiReader()
    reader.page.records = list(reader.records(io.BytesIO(data)))
    return reader.page


def iter_oai_file(stream: BinaryReader) -> Iterator[ParseResult]:
    """Stream the records of a saved OAI-PMH response (plain or via `gzip.open`).

    An OAI `<error>` other than noRecordsMatch ends the stream with a
    `RecordError("document", ...)`; broken XML yields its RecordError where it occurs.
    """
    reader = _OaiReader()
    yield from reader.records(stream)
    page = reader.page
    if page.failed and page.error_code != MALFORMED_RESPONSE:
        yield RecordError("document", f"OAI-PMH error {page.error_code}: {page.error_message}")
