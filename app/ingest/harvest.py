"""OAI-PMH harvesting over HTTP (`bzpeer harvest`): arXiv's `ListRecords`, page by page.

The client is deliberately thin; everything about records is someone else's job:

* `formats.oai.parse_oai_page` reads each response (records, resumptionToken, OAI errors,
  broken XML);
* the pages' records stream, as one generator, into ONE `Pipeline.run`, so batching,
  idempotency (content hashes), the errors file, resume after a crash (the run's
  fingerprint is the request: base URL, prefix, set, from, until) and the end-of-run
  refresh are the pipeline's, exactly as for `bzpeer ingest`.

What this module owns is the protocol and the network:

* The first request carries `verb=ListRecords&metadataPrefix=...` plus `set`, `from` and
  `until` when given; every follow-up carries only `verb` and `resumptionToken`, as OAI-PMH
  requires (resumptionToken is an exclusive argument).
* `503` (and `429`) with `Retry-After` (seconds or an HTTP date) sleeps that long: this is
  arXiv's documented flow control, not a failure. Connection errors, timeouts, other 5xx
  and a page that arrives broken (`malformedResponse`: truncated or corrupt XML) are retried
  with exponential backoff. Each page gets `max_retries` retries; then `HarvestError`.
  A broken page's partial records are dropped, never ingested: the retry brings them whole.
* OAI protocol errors (`badArgument`, `badResumptionToken`, `cannotDisseminateFormat`, ...)
  are not transient, so they fail at once with the repository's own message.
  `noRecordsMatch` is an empty, successful harvest.
* Incremental harvesting: `HarvestState` keeps, per (base URL, prefix, set), the latest
  record datestamp reached. A run without `from_date` starts from that day again (arXiv
  datestamps are days, so records later on the same day may have been missed; seeing the
  day's other records again is harmless because ingestion is idempotent). The state is
  written only after the pipeline finished, so a failed harvest leaves it untouched.

`sleep` and `client` are injectable so tests replay real responses from a local server
without waiting.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Final

import httpx
from sqlalchemy import ColumnElement, Connection, Engine, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.core.settings import Settings
from app.ingest.formats.oai import MALFORMED_RESPONSE, NO_RECORDS_MATCH, OaiPage, parse_oai_page
from app.ingest.pipeline import Pipeline, RunSummary
from app.ingest.records import DeletedRecord, ParseResult, WorkRecord
from app.models import HarvestState

__all__ = [
    "METADATA_PREFIXES",
    "HarvestError",
    "HarvestResult",
    "harvest",
    "harvest_fingerprint",
    "parse_oai_date",
    "retry_after_seconds",
]

log = logging.getLogger(__name__)

# The metadata formats the OAI parser understands (it recognises each from the record).
METADATA_PREFIXES: Final = ("arXiv", "arXivRaw", "oai_dc")
USER_AGENT: Final = "bzpeer-harvester/0.1 (OAI-PMH; +https://github.com/bzpeer)"
# Statuses worth asking again: the server is busy or briefly broken, the request was fine.
_RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
# A misconfigured server must not park the harvester for days; max_retries still bounds
# the total, so a server that keeps saying "later" ends the run with HarvestError.
MAX_RETRY_AFTER: Final = 3600.0
MAX_BACKOFF: Final = 300.0


class HarvestError(RuntimeError):
    """The harvest could not be completed. Harvest state was not advanced; records of
    batches committed before the failure stay, and rerunning the same harvest resumes."""


@dataclass
class HarvestResult:
    pages: int  # OAI responses taken (retried attempts not counted)
    records: int  # records received, bad ones included (they went to the errors file)
    retries: int  # requests sent again, over all pages
    last_datestamp: date | None  # latest record datestamp seen by this run
    summary: RunSummary
    from_date: date | None = None  # the `from` actually sent (given, or the stored state)
    url: str = ""  # the first request
    state_updated: bool = False  # whether HarvestState now holds last_datestamp


def parse_oai_date(value: str) -> date:
    """`YYYY-MM-DD` (arXiv's OAI granularity); a full `...THH:MM:SSZ` is cut to its day."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        if len(text) > 10 and text[10] == "T":
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    raise ValueError(f"not an OAI-PMH date (YYYY-MM-DD): {value!r}")


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP date, RFC 9110).

    None when absent or unreadable (the caller falls back to its own backoff); a date in
    the past means "now" (0).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def harvest_fingerprint(
    base_url: str, prefix: str, set_spec: str | None, from_date: date | None, until: date | None
) -> str:
    """Identity of a harvest request: a rerun of a failed one resumes its pipeline run."""
    parts = (
        base_url,
        prefix,
        set_spec or "",
        from_date.isoformat() if from_date else "",
        until.isoformat() if until else "",
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _as_day(value: date | None) -> date | None:
    # datetime is a date subclass; OAI at day granularity wants the day only.
    return value.date() if isinstance(value, datetime) else value


class _Client:
    """Fetches pages with retries and streams their records, counting as it goes."""

    def __init__(
        self,
        client: httpx.Client,
        base_url: str,
        *,
        sleep: Callable[[float], object],
        max_retries: int,
        backoff: float,
    ) -> None:
        self.client = client
        self.base_url = base_url
        self.sleep = sleep
        self.max_retries = max_retries
        self.backoff = backoff
        self.pages = 0
        self.records = 0
        self.retries = 0
        self.last_datestamp: date | None = None

    def url(self, params: dict[str, str]) -> str:
        return str(httpx.URL(self.base_url).copy_merge_params(params))

    def records_of(self, first: dict[str, str]) -> Iterator[ParseResult]:
        params = first
        tokens: set[str] = set()
        while True:
            page = self._fetch(params)
            self.pages += 1
            for record in page.records:
                self.records += 1
                stamp = record.datestamp if isinstance(record, WorkRecord | DeletedRecord) else None
                if stamp is not None and (
                    self.last_datestamp is None or stamp > self.last_datestamp
                ):
                    self.last_datestamp = stamp
                yield record
            token = page.resumption_token
            if not page.has_more or token is None:
                return
            if token in tokens:
                # A server handing back a token it already gave would loop forever.
                raise HarvestError(f"{self.base_url} repeated resumptionToken {token!r}")
            tokens.add(token)
            params = {"verb": "ListRecords", "resumptionToken": token}

    def _fetch(self, params: dict[str, str]) -> OaiPage:
        attempt = 0
        while True:
            outcome, wait = self._attempt(params)
            if isinstance(outcome, OaiPage):
                return outcome
            problem = outcome
            attempt += 1
            if attempt > self.max_retries:
                raise HarvestError(
                    f"giving up on {self.url(params)} after {attempt} attempts "
                    f"({self.max_retries} retries): {problem}"
                )
            if wait is None:
                wait = min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF)
            log.warning(
                "harvest: %s from %s; retry %d/%d in %.1f s",
                problem,
                self.url(params),
                attempt,
                self.max_retries,
                wait,
            )
            self.retries += 1
            self.sleep(wait)

    def _attempt(self, params: dict[str, str]) -> tuple[OaiPage | str, float | None]:
        """One request: the page, or (why it should be retried, how long the server asked
        us to wait). Raises HarvestError for what no retry can fix."""
        try:
            response = self.client.get(self.base_url, params=params)
        except httpx.TransportError as exc:  # connection refused/reset, timeouts, ...
            return f"{type(exc).__name__}: {exc}", None
        status = response.status_code
        if status in _RETRY_STATUSES:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            return f"HTTP {status}", min(wait, MAX_RETRY_AFTER) if wait is not None else None
        page = parse_oai_page(response.content)
        if status >= 300 and (page.error_code in (None, MALFORMED_RESPONSE)):
            raise HarvestError(f"HTTP {status} from {self.url(params)}")
        if page.error_code == MALFORMED_RESPONSE:
            return f"malformed response: {page.error_message}", None
        if page.failed:
            raise HarvestError(
                f"OAI-PMH error {page.error_code} from {self.url(params)}: {page.error_message}"
            )
        if page.error_code == NO_RECORDS_MATCH:
            log.info("harvest: noRecordsMatch for %s", self.url(params))
        return page, None


def _state_key(base_url: str, prefix: str, set_spec: str | None) -> tuple[ColumnElement[bool], ...]:
    return (
        HarvestState.base_url == base_url,
        HarvestState.metadata_prefix == prefix,
        HarvestState.set_spec == (set_spec or ""),  # "" not NULL: NULLs defeat the unique key
    )


def _stored_datestamp(
    engine: Engine, base_url: str, prefix: str, set_spec: str | None
) -> date | None:
    with engine.connect() as connection:
        return connection.scalar(
            select(HarvestState.last_datestamp).where(*_state_key(base_url, prefix, set_spec))
        )


def _store_datestamp(
    connection: Connection, base_url: str, prefix: str, set_spec: str | None, value: date
) -> None:
    """Insert or update the state row in one statement (ON CONFLICT on both databases)."""
    row = {
        "base_url": base_url,
        "metadata_prefix": prefix,
        "set_spec": set_spec or "",
        "last_datestamp": value,
        "updated_at": datetime.now(UTC),
    }
    conflict = ["base_url", "metadata_prefix", "set_spec"]
    dialect = connection.dialect.name
    if dialect == "postgresql":
        pg = postgresql.insert(HarvestState).values(row)
        connection.execute(
            pg.on_conflict_do_update(
                index_elements=conflict,
                set_={"last_datestamp": value, "updated_at": row["updated_at"]},
            )
        )
    elif dialect == "sqlite":
        lite = sqlite.insert(HarvestState).values(row)
        connection.execute(
            lite.on_conflict_do_update(
                index_elements=conflict,
                set_={"last_datestamp": value, "updated_at": row["updated_at"]},
            )
        )
    else:  # not a supported database, but stay correct if one appears
        done = connection.execute(
            update(HarvestState)
            .where(*_state_key(base_url, prefix, set_spec))
            .values(last_datestamp=value, updated_at=row["updated_at"])
        )
        if not done.rowcount:
            connection.execute(insert(HarvestState).values(row))


def _advance_state(
    engine: Engine,
    base_url: str,
    prefix: str,
    set_spec: str | None,
    from_date: date | None,
    reached: date | None,
) -> bool:
    """Record the datestamp reached, if this run makes "everything up to it" true."""
    if reached is None:
        return False  # nothing seen (noRecordsMatch): keep what is stored
    with engine.begin() as connection:
        stored = connection.scalar(
            select(HarvestState.last_datestamp).where(*_state_key(base_url, prefix, set_spec))
        )
        if stored is not None and from_date is not None and from_date > stored:
            # An explicit --from after the stored day leaves a gap (stored, from) that was
            # never harvested: moving the state past it would lose that gap for good.
            log.warning("harvest: state kept at %s, the run started later (%s)", stored, from_date)
            return False
        # Never move backwards: re-harvesting an old window says nothing about newer days.
        value = max(stored, reached) if stored is not None else reached
        _store_datestamp(connection, base_url, prefix, set_spec, value)
        return True


def harvest(
    engine: Engine,
    settings: Settings,
    *,
    base_url: str,
    prefix: str = "arXiv",
    set_spec: str | None = None,
    from_date: date | None = None,
    until_date: date | None = None,
    client: httpx.Client | None = None,
    sleep: Callable[[float], object] = time.sleep,
    max_retries: int = 5,
    on_progress: Callable[[int], None] | None = None,
    errors_path: Path | None = None,
    timeout: float = 60.0,
    backoff: float = 1.0,
    batch_size: int | None = None,
) -> HarvestResult:
    """Harvest `ListRecords` from `base_url` into the database; see the module docstring.

    `from_date` None means incremental (from the stored datestamp, or everything when
    nothing is stored). `client` is used as given (and left open); without one, a client
    with `timeout` seconds is made and closed here. Raises HarvestError when the repository
    answers with an OAI error or a page cannot be had within `max_retries` retries.
    """
    if max_retries < 0:
        raise ValueError("max_retries must be >= 0")
    from_day = _as_day(from_date)
    until_day = _as_day(until_date)
    if from_day is not None and until_day is not None and from_day > until_day:
        raise ValueError(f"from ({from_day}) is after until ({until_day})")
    if from_day is None:
        from_day = _stored_datestamp(engine, base_url, prefix, set_spec)
        if from_day is not None and until_day is not None and from_day > until_day:
            raise HarvestError(
                f"the stored harvest state is already at {from_day}, after until "
                f"({until_day}): nothing to harvest incrementally; give from_date"
            )

    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    if set_spec:
        params["set"] = set_spec
    if from_day is not None:
        params["from"] = from_day.isoformat()
    if until_day is not None:
        params["until"] = until_day.isoformat()

    own_client = client is None
    http = client or httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,  # export.arxiv.org has moved hosts before
        headers={"User-Agent": USER_AGENT},
    )
    oai = _Client(http, base_url, sleep=sleep, max_retries=max_retries, backoff=backoff)
    url = oai.url(params)
    try:
        pipeline = Pipeline(
            engine,
            settings,
            source=url,
            fmt=f"oai-{prefix}",
            fingerprint=harvest_fingerprint(base_url, prefix, set_spec, from_day, until_day),
            errors_path=errors_path,
            batch_size=batch_size,
            on_progress=on_progress,
        )
        summary = pipeline.run(oai.records_of(params))
    finally:
        if own_client:
            http.close()
    updated = _advance_state(engine, base_url, prefix, set_spec, from_day, oai.last_datestamp)
    return HarvestResult(
        pages=oai.pages,
        records=oai.records,
        retries=oai.retries,
        last_datestamp=oai.last_datestamp,
        summary=summary,
        from_date=from_day,
        url=url,
        state_updated=updated,
    )
