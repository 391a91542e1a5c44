"""Field parsers shared by the format parsers: arXiv ids, arXiv's dates, categories, and
the last check every record passes before it leaves a parser (`fit_for_storage`).

Each function validates as it parses and raises `ValueError` with a message fit for a
`RecordError.reason`; the format parsers catch it per record, so one bad field costs one
record, never the run.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Final, Protocol

from app.ingest.records import WorkRecord

__all__ = [
    "MAX_VERSION",
    "STORED_WIDTHS",
    "BinaryReader",
    "fit_for_storage",
    "parse_arxiv_date",
    "parse_arxiv_id",
    "parse_iso_date",
    "parse_iso_datetime",
    "parse_version_label",
    "split_categories",
]


class BinaryReader(Protocol):
    """What the parsers need from a stream: `open(path, "rb")`, `gzip.open`, `BytesIO`."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


# New style (April 2007 on): YYMM.NNNN until 1412, YYMM.NNNNN from 1501.
# Old style: archive[.SUBJ]/YYMMNNN, archive being lowercase words joined by "-".
_NEW_ID: Final = re.compile(r"^(\d{2})(\d{2})\.(\d{4,5})$")
_OLD_ID: Final = re.compile(r"^([a-z]+(?:-[a-z]+)*)(?:\.[A-Za-z]{2})?/(\d{2})(\d{2})(\d{3})$")
_VERSION_SUFFIX: Final = re.compile(r"v(\d+)$")
_ID_PREFIXES: Final = re.compile(
    r"^(?:oai:arxiv\.org:|arxiv:|https?://(?:export\.)?arxiv\.org/abs/)", re.IGNORECASE
)


# arXiv's most revised papers have a few dozen versions; anything past this is damage, and
# past 2**31 it no longer fits the integer column it is stored in.
MAX_VERSION: Final = 9999


def parse_arxiv_id(raw: str) -> tuple[str, int | None]:
    """`"0704.0001v2"` -> `("0704.0001", 2)`; `"math.AG/0101001"` -> `("math/0101001", None)`.

    Accepts (and removes) `arXiv:`, `oai:arXiv.org:` and abs-URL prefixes and a version
    suffix. The subject class of an old-style id is dropped, as arXiv's canonical id
    omits it. Raises `ValueError` for anything that is not a real arXiv id, including
    impossible months and the wrong number of digits for the id's date.
    """
    s = _ID_PREFIXES.sub("", raw.strip())
    version: int | None = None
    vm = _VERSION_SUFFIX.search(s)
    if vm is not None:
        version = int(vm.group(1))
        if not 1 <= version <= MAX_VERSION:
            raise ValueError(f"malformed arXiv id {raw.strip()[:60]!r}: version {version}")
        s = s[: vm.start()]
    m = _NEW_ID.match(s)
    if m is not None:
        yymm, number = int(m.group(1) + m.group(2)), m.group(3)
        if not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"malformed arXiv id {raw!r}: month {m.group(2)}")
        if yymm < 704 or (yymm < 1501 and len(number) != 4) or (yymm >= 1501 and len(number) != 5):
            raise ValueError(f"malformed arXiv id {raw!r}: wrong number length for {yymm:04d}")
        return s, version
    m = _OLD_ID.match(s)
    if m is not None:
        if not 1 <= int(m.group(3)) <= 12:
            raise ValueError(f"malformed arXiv id {raw!r}: month {m.group(3)}")
        return f"{m.group(1)}/{m.group(2)}{m.group(3)}{m.group(4)}", version
    raise ValueError(f"malformed arXiv id {raw!r}")


_MONTHS: Final = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
# "Mon, 2 Apr 2007 19:18:42 GMT" (RFC 2822 as arXiv writes it). The weekday is optional
# and not checked: it is redundant, and a wrong one does not make the date unknown.
_RFC2822: Final = re.compile(
    r"^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(GMT|UTC|UT|Z|[+-]\d{4})?\s*$"
)


def parse_arxiv_date(raw: str) -> datetime:
    """arXiv's version date, `"Mon, 2 Apr 2007 19:18:42 GMT"` -> aware UTC datetime.

    Raises `ValueError` for other shapes and impossible dates (`31 Feb 2007`).
    """
    m = _RFC2822.match(raw)
    if m is None:
        raise ValueError(f"not an RFC 2822 date: {raw!r}")
    day, mon, year, hh, mm, ss, tz = m.groups()
    month = _MONTHS.get(mon.capitalize())
    if month is None:
        raise ValueError(f"unknown month in date {raw!r}")
    tzinfo: timezone = UTC
    if tz and tz[0] in "+-":
        sign = 1 if tz[0] == "+" else -1
        tzinfo = timezone(sign * timedelta(hours=int(tz[1:3]), minutes=int(tz[3:5])))
    try:
        dt = datetime(int(year), month, int(day), int(hh), int(mm), int(ss or 0), tzinfo=tzinfo)
    except ValueError as exc:
        raise ValueError(f"impossible date {raw!r}: {exc}") from None
    return dt.astimezone(UTC)


_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(raw: str) -> date:
    """`"2008-11-26"` -> date; raises `ValueError` for other shapes or impossible dates."""
    s = raw.strip()
    if not _ISO_DATE.match(s):
        raise ValueError(f"not a YYYY-MM-DD date: {raw!r}")
    try:
        return date.fromisoformat(s)
    except ValueError as exc:
        raise ValueError(f"impossible date {raw!r}: {exc}") from None


def parse_iso_datetime(raw: str) -> datetime:
    """`"2016-01-18T15:33:12Z"` / `"2025-10-17T00:00:00-04:00"` -> aware UTC datetime.

    A bare date is midnight UTC; a time without zone is taken as UTC (OAI-PMH requires
    UTC). Raises `ValueError` otherwise.
    """
    s = raw.strip()
    if _ISO_DATE.match(s):
        return datetime.combine(parse_iso_date(s), datetime.min.time(), tzinfo=UTC)
    if len(s) < 16 or s[4] != "-" or s[10] not in "Tt ":
        raise ValueError(f"not an ISO 8601 date-time: {raw!r}")
    try:
        dt = datetime.fromisoformat(s)
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date-time: {raw!r}: {exc}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


_VERSION_LABEL: Final = re.compile(r"^\s*[vV](\d+)\s*$")


def parse_version_label(raw: str) -> int:
    """`"v2"` -> 2; raises `ValueError` for anything else (`"2"`, `"v0"`, `"vx"`)."""
    m = _VERSION_LABEL.match(raw)
    if m is None or not 1 <= int(m.group(1)) <= MAX_VERSION:
        raise ValueError(f"bad version label {raw[:60]!r}")
    return int(m.group(1))


def split_categories(raw: str) -> list[str]:
    """`"hep-ph math.CO hep-ph"` -> `["hep-ph", "math.CO"]`: primary first, no duplicates."""
    return list(dict.fromkeys(raw.split()))


# Widths of the columns these fields are written to as they are (`app.models.works.Work`;
# the pure parsers import no database code, and tests/ingest/test_fuzz_parsers.py checks
# the two agree). PostgreSQL refuses a longer value, and with it the whole batch.
STORED_WIDTHS: Final = {
    "doi": 255,
    "license": 255,
    "submitter": 500,
    "category": 64,  # the primary category has its own column
    "categories": 500,  # all codes, space-joined
}


def fit_for_storage(record: WorkRecord) -> WorkRecord:
    """Make a parsed record safe to write, or raise `ValueError` saying why it cannot be.

    Hostile or damaged input must cost one record, not a batch refused by the database:
    DOIs too long to be real are dropped (a work without a DOI is still a work), an
    over-long submitter name is cut (it is display text), and a licence or category list
    that does not fit is an error, since cutting a code or URL would store a wrong one.
    NUL characters are the snapshot parser's business (JSON can carry them, XML cannot).
    """
    if any(len(d) > STORED_WIDTHS["doi"] for d in record.dois):
        record.dois = [d for d in record.dois if len(d) <= STORED_WIDTHS["doi"]]
    if record.submitter is not None and len(record.submitter) > STORED_WIDTHS["submitter"]:
        record.submitter = record.submitter[: STORED_WIDTHS["submitter"]].rstrip()
    if record.license is not None and len(record.license) > STORED_WIDTHS["license"]:
        raise ValueError(f"license: longer than {STORED_WIDTHS['license']} characters")
    for code in record.categories:
        if len(code) > STORED_WIDTHS["category"]:
            raise ValueError(
                f"categories: {code[:40]!r}... is not a category code "
                f"(longer than {STORED_WIDTHS['category']} characters)"
            )
    if len(" ".join(record.categories)) > STORED_WIDTHS["categories"]:
        raise ValueError(
            f"categories: {len(record.categories)} codes, longer than "
            f"{STORED_WIDTHS['categories']} characters together"
        )
    return record
