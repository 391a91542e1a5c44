"""arXiv bulk metadata snapshot (Kaggle `arxiv-metadata-oai-snapshot.json`): JSON Lines.

One JSON object per line with arXiv's snapshot keys (`id`, `submitter`, `authors`,
`title`, `comments`, `journal-ref`, `doi`, `report-no`, `categories`, `license`,
`abstract`, `versions`, `update_date`, `authors_parsed`). The full file has millions of
lines, so `iter_snapshot` streams: one line in memory at a time, parsed with orjson, and
every line yields exactly one result (blank lines yield nothing). A bad line becomes a
`RecordError("line N", reason)` and the stream goes on; nothing here raises on input.

Authors come from `authors_parsed` (arXiv's own split, already Unicode) when it is
present and well-formed, matched back to the raw `authors` string for each name's raw
text and numbered affiliations; otherwise the raw string is parsed
(`app.ingest.names.parse_author_string`), as for the `.abs`-converted files, which have
no `authors_parsed`.

Text fields are stored with layout whitespace (hard line breaks, indentation) collapsed
and LaTeX kept; `app.ingest.text.latex_to_plain` gives the search form.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Final

import orjson

from app.ingest.enrich import split_dois
from app.ingest.formats.common import (
    BinaryReader,
    fit_for_storage,
    parse_arxiv_date,
    parse_arxiv_id,
    parse_iso_date,
    parse_version_label,
    split_categories,
)
from app.ingest.names import decode_latex, names_from_parsed, parse_author_string
from app.ingest.records import (
    ParsedName,
    ParseResult,
    RecordError,
    SourceFormat,
    WorkRecord,
    WorkVersion,
)
from app.ingest.text import collapse_ws, strip_or_none

# The fields of a snapshot record, in the order arXiv's bulk dump writes them.
SNAPSHOT_FIELDS: Final = (
    "id",
    "submitter",
    "authors",
    "title",
    "comments",
    "journal-ref",
    "doi",
    "report-no",
    "categories",
    "license",
    "abstract",
    "versions",
    "update_date",
    "authors_parsed",
)

__all__ = [
    "MAX_LINE_BYTES",
    "SNAPSHOT_FIELDS",
    "iter_snapshot",
    "iter_snapshot_lines",
    "parse_snapshot_line",
]

# A real snapshot line is a few KB (the largest, with thousands of authors, ~1 MB).
# Longer lines are rejected without being held in memory.
MAX_LINE_BYTES: Final = 8 * 1024 * 1024
_BOM: Final = b"\xef\xbb\xbf"


class _BadField(ValueError):
    """A field with the wrong type or an unparseable value; becomes a RecordError."""


def _type_name(v: object) -> str:
    return "null" if v is None else type(v).__name__


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    v = obj.get(key)
    if v is None or isinstance(v, str):
        return v
    raise _BadField(f"{key}: expected a string or null, got {_type_name(v)}")


def _versions(obj: dict[str, Any]) -> list[WorkVersion]:
    raw = obj.get("versions")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _BadField(f"versions: expected a list, got {_type_name(raw)}")
    by_number: dict[int, WorkVersion] = {}
    for i, v in enumerate(raw):
        if not isinstance(v, dict):
            raise _BadField(f"versions[{i}]: expected an object, got {_type_name(v)}")
        label, created = v.get("version"), v.get("created")
        if not isinstance(label, str) or not isinstance(created, str):
            raise _BadField(f"versions[{i}]: 'version' and 'created' must be strings")
        try:
            number = parse_version_label(label)
            when = parse_arxiv_date(created)
        except ValueError as exc:
            raise _BadField(f"versions[{i}]: {exc}") from None
        by_number.setdefault(number, WorkVersion(number, when))
    return [by_number[n] for n in sorted(by_number)]


def _well_formed_parsed(v: object) -> list[list[str]] | None:
    """`authors_parsed` if it is a non-empty list of string lists with a name in each."""
    if not isinstance(v, list) or not v:
        return None
    for entry in v:
        if (
            not isinstance(entry, list)
            or not entry
            or not all(isinstance(p, str) for p in entry)
            or not (entry[0].strip() or (len(entry) > 1 and entry[1].strip()))
        ):
            return None
    return v


def _authors(obj: dict[str, Any]) -> list[ParsedName]:
    raw = _opt_str(obj, "authors") or ""
    parsed = _well_formed_parsed(obj.get("authors_parsed"))
    if parsed is not None:
        return names_from_parsed(parsed, raw)
    return parse_author_string(raw)


def _record(obj: dict[str, Any], position: str) -> WorkRecord:
    title_raw = obj.get("title")
    if not isinstance(title_raw, str):
        raise _BadField(f"title: expected a string, got {_type_name(title_raw)}")
    title = collapse_ws(title_raw)
    if not title:
        raise _BadField("title is empty")
    categories_raw = obj.get("categories")
    if not isinstance(categories_raw, str):
        raise _BadField(f"categories: expected a string, got {_type_name(categories_raw)}")
    categories = split_categories(categories_raw)
    if not categories:
        raise _BadField("categories is empty")

    versions = _versions(obj)
    updated: date | None = None
    update_date = _opt_str(obj, "update_date")
    if update_date:
        try:
            updated = parse_iso_date(update_date)
        except ValueError as exc:
            raise _BadField(f"update_date: {exc}") from None
    submitter = _opt_str(obj, "submitter")
    record = WorkRecord(
        arxiv_id="",  # set by the caller, which validated it
        title=title,
        abstract=collapse_ws(_opt_str(obj, "abstract") or ""),
        authors=_authors(obj),
        categories=categories,
        versions=versions,
        created=versions[0].created.date() if versions else None,
        updated=updated,
        dois=split_dois(_opt_str(obj, "doi")),
        journal_ref=strip_or_none(_opt_str(obj, "journal-ref")),
        comments=strip_or_none(_opt_str(obj, "comments")),
        report_no=strip_or_none(_opt_str(obj, "report-no")),
        license=strip_or_none(_opt_str(obj, "license")),
        submitter=decode_latex(submitter) if submitter else None,
        position=position,
        source_format=SourceFormat.SNAPSHOT,
    )
    try:
        return fit_for_storage(record)
    except ValueError as exc:
        raise _BadField(str(exc)) from None


def _without_nul(value: Any) -> Any:
    """`value` with NUL characters removed from every string in it, keys included."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def _json_error(line: bytes, exc: orjson.JSONDecodeError) -> str:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as ude:
        return f"invalid UTF-8 at byte {ude.start} (file not UTF-8 encoded?)"
    return f"invalid JSON: {exc}"


def parse_snapshot_line(line: bytes, position: str) -> ParseResult | None:
    """One snapshot line -> WorkRecord or RecordError; None for a blank line."""
    line = line.strip()
    if not line:
        return None
    if line.startswith(_BOM):
        line = line[len(_BOM) :]
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return RecordError(position, _json_error(line, exc))
    if not isinstance(obj, dict):
        return RecordError(position, f"expected a JSON object, got {_type_name(obj)}")
    if b"\\u0000" in line:
        # JSON may escape a NUL; PostgreSQL text cannot hold one and would refuse the whole
        # batch. It carries no meaning in metadata, so it goes (checked on the raw bytes:
        # real lines never contain the escape, so the walk is almost never paid for).
        obj = _without_nul(obj)
    raw_id = obj.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        what = "missing" if raw_id is None else f"not a non-empty string ({_type_name(raw_id)})"
        return RecordError(position, f"id is {what}")
    try:
        arxiv_id, _version = parse_arxiv_id(raw_id)
    except ValueError as exc:
        return RecordError(position, str(exc))
    try:
        record = _record(obj, position)
    except _BadField as exc:
        return RecordError(position, str(exc), arxiv_id)
    except Exception as exc:  # a parser bug must cost one record, not the whole ingest
        return RecordError(position, f"unexpected error: {exc!r}", arxiv_id)
    record.arxiv_id = arxiv_id
    return record


def iter_snapshot(stream: BinaryReader) -> Iterator[ParseResult]:
    """Stream a snapshot (JSON Lines, binary; wrap .gz in `gzip.open` first).

    Yields one WorkRecord or RecordError per non-blank line, position `"line N"`
    (1-based). Lines longer than `MAX_LINE_BYTES` are skipped with a RecordError. Read
    errors of the stream itself (a truncated gzip member) end the iteration with a
    RecordError naming the line reached.
    """
    for item in iter_snapshot_lines(stream):
        if isinstance(item, RecordError):
            yield item
            continue
        result = parse_snapshot_line(*item)
        if result is not None:
            yield result


def iter_snapshot_lines(stream: BinaryReader) -> Iterator[tuple[bytes, str] | RecordError]:
    """The reading half of `iter_snapshot`: each line with its position, unparsed, and the
    errors of reading itself (overlong lines, a broken stream), in input order. Parsing
    every `(line, position)` with `parse_snapshot_line` gives exactly `iter_snapshot`."""
    lineno = 0
    while True:
        try:
            chunk = stream.readline(MAX_LINE_BYTES + 1)
        except (OSError, EOFError) as exc:
            yield RecordError(f"line {lineno + 1}", f"read error: {exc}")
            return
        if not chunk:
            return
        lineno += 1
        position = f"line {lineno}"
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            # Drain the rest of the overlong line in bounded pieces.
            try:
                while (more := stream.readline(MAX_LINE_BYTES)) and not more.endswith(b"\n"):
                    pass
            except (OSError, EOFError) as exc:
                yield RecordError(position, f"read error: {exc}")
                return
            yield RecordError(position, f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        yield chunk, position
