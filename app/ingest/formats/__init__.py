"""Parsers from arXiv metadata files to `app.ingest.records`, and format detection.

One entry point for the pipeline and the CLI: `iter_records(path)` opens a file (plain or
gzip-compressed), works out its format from its first bytes, and yields `WorkRecord`,
`DeletedRecord` or `RecordError` from the matching parser:

* `SourceFormat.SNAPSHOT`: JSON Lines bulk snapshot -> `formats.snapshot`;
* `SourceFormat.OAI_ARXIV` / `OAI_ARXIV_RAW` / `OAI_DC`: saved OAI-PMH responses ->
  `formats.oai` (which recognises the metadata format per record, so the three share
  one parser);
* `SourceFormat.ATOM`: arXiv API feeds -> `formats.atom`.

Live harvesting uses `formats.oai.parse_oai_page` / `formats.atom.parse_atom_feed` on
response bodies instead.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from app.ingest.formats.atom import iter_atom_file
from app.ingest.formats.common import BinaryReader
from app.ingest.formats.oai import iter_oai_file
from app.ingest.formats.snapshot import iter_snapshot
from app.ingest.records import ParseResult, RecordError, SourceFormat

__all__ = [
    "SNIFF_BYTES",
    "ReadPosition",
    "Sniffed",
    "UnknownFormatError",
    "detect_format",
    "is_gzip",
    "iter_records",
    "open_input",
    "sniff",
]

SNIFF_BYTES: Final = 8192  # enough for an XML prolog, the OAI <request> and a first line
_GZIP_MAGIC: Final = b"\x1f\x8b"
_BOM: Final = b"\xef\xbb\xbf"
_ROOT: Final = re.compile(rb"<(?:[\w.-]+:)?(OAI-PMH|feed)[\s>/]")
_PREFIX: Final = re.compile(rb"""metadataPrefix\s*=\s*["']([^"']+)["']""")
_BY_PREFIX: Final = {
    b"arXiv": SourceFormat.OAI_ARXIV,
    b"arXivRaw": SourceFormat.OAI_ARXIV_RAW,
    b"oai_dc": SourceFormat.OAI_DC,
}
_RAW_ELEMENT: Final = re.compile(rb"<(?:[\w.-]+:)?arXivRaw[\s>]")
_DC_ELEMENT: Final = re.compile(rb"<oai_dc:dc[\s>]|/OAI/2\.0/oai_dc/")


class UnknownFormatError(ValueError):
    """The bytes look like none of the supported formats."""


@dataclass(frozen=True, slots=True)
class Sniffed:
    format: SourceFormat
    gzipped: bool  # the caller must wrap the stream in gzip before parsing


def is_gzip(head: bytes) -> bool:
    return head.startswith(_GZIP_MAGIC)


def _gunzip_prefix(head: bytes) -> bytes:
    """As much of a gzip stream's content as the first bytes decompress to."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
    except zlib.error:
        return b""


def _detect_plain(head: bytes, filename: str) -> SourceFormat:
    body = head.removeprefix(_BOM).lstrip()
    if body.startswith(b"{"):
        return SourceFormat.SNAPSHOT
    if body.startswith(b"<"):
        root = _ROOT.search(body)
        if root is not None and root.group(1) == b"feed":
            return SourceFormat.ATOM
        if root is not None:
            prefix = _PREFIX.search(body)
            if prefix is not None and prefix.group(1) in _BY_PREFIX:
                return _BY_PREFIX[prefix.group(1)]
            if _RAW_ELEMENT.search(body):
                return SourceFormat.OAI_ARXIV_RAW
            if _DC_ELEMENT.search(body):
                return SourceFormat.OAI_DC
            # The OAI parser recognises each record's format itself.
            return SourceFormat.OAI_ARXIV
    name = filename.lower().removesuffix(".gz")
    if not body and name.endswith((".jsonl", ".json", ".ndjson")):
        return SourceFormat.SNAPSHOT  # an empty snapshot is still a snapshot
    raise UnknownFormatError(
        f"{filename or 'input'}: not a JSON Lines snapshot, OAI-PMH response or Atom feed"
    )


def sniff(head: bytes, filename: str = "") -> Sniffed:
    """Format of a file from its first bytes (`SNIFF_BYTES` is plenty) and whether it
    is gzip-compressed. For gzip input the decompressed start is examined. Raises
    `UnknownFormatError`."""
    gz = is_gzip(head)
    return Sniffed(_detect_plain(_gunzip_prefix(head) if gz else head, filename), gz)


def detect_format(head: bytes, filename: str = "") -> SourceFormat:
    """The `SourceFormat` of content starting with `head`: a `{` line is a snapshot, an
    `OAI-PMH` root an OAI response (format from `metadataPrefix`, else from the
    metadata elements), a `feed` root an Atom feed. Gzip input is recognised by its
    magic bytes and sniffed through; use `is_gzip`/`sniff` to learn that the stream
    needs `gzip` wrapping. Raises `UnknownFormatError`."""
    return sniff(head, filename).format


class ReadPosition:
    """How far `iter_records` has read into its file, in bytes of the file as stored (the
    compressed position for .gz), for a progress bar whose total is the file size.

    Asked for now and then (once per batch), not on every read, so it costs nothing on
    the parsing path. Parsers read ahead a little, so it may lead the records slightly.
    """

    def __init__(self) -> None:
        self._handle: BinaryIO | None = None
        self._final = 0

    def bytes_read(self) -> int:
        handle = self._handle
        if handle is None or handle.closed:
            return self._final
        return handle.tell()

    def _attach(self, handle: BinaryIO) -> None:
        self._handle = handle

    def _detach(self) -> None:
        if self._handle is not None and not self._handle.closed:
            self._final = self._handle.tell()
        self._handle = None


def iter_records(
    path: Path, fmt: SourceFormat | None = None, *, position: ReadPosition | None = None
) -> Iterator[ParseResult]:
    """All results in a file, plain or .gz (detected by content, not name).

    A file whose format cannot be recognised yields one `RecordError("file", ...)`;
    OSError from opening the file propagates (a missing file is the caller's problem,
    not the data's). `position`, if given, follows the reading.
    """
    with open_input(path, position) as (stream, head):
        if fmt is None:
            try:
                fmt = sniff(head, path.name).format
            except UnknownFormatError as exc:
                yield RecordError("file", str(exc))
                return
        if fmt is SourceFormat.SNAPSHOT:
            yield from iter_snapshot(stream)
        elif fmt is SourceFormat.ATOM:
            yield from iter_atom_file(stream)
        else:
            yield from iter_oai_file(stream)


@contextmanager
def open_input(
    path: Path, position: ReadPosition | None = None
) -> Iterator[tuple[BinaryReader, bytes]]:
    """The file's content as a binary stream (gunzipped when it is gzip, by its magic
    bytes) and its first `SNIFF_BYTES` as stored; `position`, if given, follows the
    reading. OSError from opening the file propagates."""
    with path.open("rb") as raw:
        if position is not None:
            position._attach(raw)
        try:
            head = raw.read(SNIFF_BYTES)
            raw.seek(0)
            stream: BinaryReader = gzip.GzipFile(fileobj=raw, mode="rb") if is_gzip(head) else raw
            yield stream, head
        finally:
            if position is not None:
                position._detach()
