"""`bzpeer harvest` against a local OAI-PMH server that replays real arXiv responses.

The server (stdlib `ThreadingHTTPServer` on 127.0.0.1, a free port) reads the real
ListRecords files in `../shared/data/arxiv` in place and pages their record elements the
way arXiv's OAI-PMH does: a `<resumptionToken cursor=".." completeListSize="..">` with a
token on every page but the last, whose resumptionToken is empty but still carries cursor
and completeListSize. Tokens look like arXiv's legacy ones (`<list id>|<next record>`), so
the `|` has to survive URL encoding. It honours `from` / `until` / `set` by the records'
header datestamps and setSpecs, answers an empty selection with the real `noRecordsMatch`
response, and serves faults once on request: `503` + `Retry-After: 2`, a truncated page, or
a page that keeps failing with `500`.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app
from app.core.settings import Settings, get_settings
from app.ingest.formats.oai import parse_oai_page
from app.ingest.harvest import (
    HarvestError,
    HarvestResult,
    harvest,
    parse_oai_date,
    retry_after_seconds,
)
from app.ingest.records import WorkRecord
from app.models import HarvestState, IngestRun, Work

PHYSICS = "oai-arXiv-listrecords-invenio-oaiharvester-set-physics.xml"
CS = "oai-arXiv-listrecords-invenio-oaiharvester-set-cs.xml"
NO_MATCH = "oai-arXiv-listrecords-invenio-oaiharvester-error-noRecordsMatch.xml"
ID_DOES_NOT_EXIST = "oai-arXiv-getrecord-inspire-next-error-idDoesNotExist-1305.9999.xml"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
LIST_ID = "4342418"  # the shape of arXiv's legacy tokens: "<list id>|<next record, 1-based>"
DAY = date(2015, 1, 16)  # every record in both samples carries this datestamp


def _q(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


@dataclass
class Replay:
    """The server's script and its log: real records, paged like arXiv, faults on demand."""

    data: Path
    listing: str = PHYSICS
    page_size: int = 50
    # page index -> faults served (one per request) before that page is served properly:
    # "503" (with Retry-After: 2), "truncated" (the good page cut short), "500".
    faults: dict[int, list[str]] = field(default_factory=dict)
    failing_page: int | None = None  # this page answers 500 for as long as it is set
    replace_with: str | None = None  # serve this real file instead of any listing
    damage_record: int | None = None  # drop <metadata> from this record (0-based)
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    _selected: list[Any] = field(default_factory=list)

    def records(self) -> tuple[Any, list[Any]]:
        root = etree.parse(str(self.data / self.listing)).getroot()
        return root, root.findall(f"{_q('ListRecords')}/{_q('record')}")

    def respond(self, query: str) -> tuple[int, dict[str, str], bytes]:
        parsed = parse_qs(query, keep_blank_values=True)
        assert all(len(v) == 1 for v in parsed.values()), f"repeated argument in {query}"
        params = {k: v[0] for k, v in parsed.items()}
        self.requests.append(params)
        if self.replace_with is not None:
            return 200, {}, (self.data / self.replace_with).read_bytes()
        root, records = self.records()
        if "resumptionToken" in params:
            list_id, _, next_record = params["resumptionToken"].partition("|")
            assert list_id == LIST_ID, params
            start = int(next_record) - 1
        else:
            start = 0
            self._selected = [r for r in records if self._matches(r, params)]
            if not self._selected:
                return 200, {}, (self.data / NO_MATCH).read_bytes()
        index = start // self.page_size
        if self.failing_page == index:
            return 500, {}, b"Internal Server Error"
        pending = self.faults.get(index, [])
        fault = pending.pop(0) if pending else None
        if fault == "503":
            return 503, {"Retry-After": "2"}, b"<html><body>Retry after 2 seconds</body></html>"
        if fault == "500":
            return 500, {}, b"Internal Server Error"
        body = self._page(root, start, params)
        if fault == "truncated":
            body = body[: len(body) * 3 // 5]  # breaks off inside a record
        return 200, {}, body

    @staticmethod
    def _matches(record: Any, params: dict[str, str]) -> bool:
        header = record.find(_q("header"))
        stamp = header.findtext(_q("datestamp")).strip()[:10]
        sets = [s.text.strip() for s in header.findall(_q("setSpec"))]
        wanted = params.get("set")
        return (
            (wanted is None or any(s == wanted or s.startswith(wanted + ":") for s in sets))
            and stamp >= params.get("from", "0000-00-00")
            and stamp <= params.get("until", "9999-99-99")
        )

    def _page(self, original: Any, start: int, params: dict[str, str]) -> bytes:
        root = etree.Element(original.tag, original.attrib, nsmap=original.nsmap)
        root.text = "\n"
        for name in ("responseDate", "request"):
            element = copy.deepcopy(original.find(_q(name)))
            root.append(element)
        request = root.find(_q("request"))
        request.attrib.clear()
        request.attrib.update(params)  # OAI-PMH echoes the request's own arguments
        listing = etree.SubElement(root, _q("ListRecords"))
        listing.text = "\n"
        chosen = self._selected[start : start + self.page_size]
        for n, record in enumerate(chosen, start=start):
            element = copy.deepcopy(record)
            if n == self.damage_record:
                element.remove(element.find(_q("metadata")))
            listing.append(element)
        total = len(self._selected)
        if total > self.page_size:  # a list that fits one response carries no token
            token = etree.SubElement(
                listing, _q("resumptionToken"), cursor=str(start), completeListSize=str(total)
            )
            token.tail = "\n"
            end = start + len(chosen)
            if end < total:
                token.text = f"{LIST_ID}|{end + 1}"
        listing.tail = "\n"
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _handler(replay: Replay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                status, headers, body = replay.respond(urlsplit(self.path).query)
            except Exception as exc:  # a broken script must fail the test, not hang it
                status, headers, body = 599, {}, repr(exc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest's output clean

    return Handler


@pytest.fixture
def replay(arxiv_data: Path) -> Iterator[Replay]:
    script = Replay(arxiv_data)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    script.url = f"http://{host!s}:{port}/oai2"
    yield script
    server.shutdown()
    server.server_close()
    thread.join()


class Sleeps(list[float]):
    """Stands in for time.sleep: remembers how long the harvester wanted to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _harvest(engine: Engine, settings: Settings, replay: Replay, **kwargs: Any) -> HarvestResult:
    kwargs.setdefault("set_spec", "physics")
    kwargs.setdefault("sleep", Sleeps())
    return harvest(engine, settings, base_url=replay.url, **kwargs)


def _state(engine: Engine) -> list[tuple[str, str, date | None]]:
    with Session(engine) as s:
        return [
            (r.metadata_prefix, r.set_spec, r.last_datestamp)
            for r in s.scalars(select(HarvestState))
        ]


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        return {
            table: c.scalar(text(f"SELECT COUNT(*) FROM {table}")) or 0
            for table in ("works", "authors", "authorships", "coauthor_edges", "work_topics")
        }


def _real_works(arxiv_data: Path, listing: str) -> list[WorkRecord]:
    page = parse_oai_page((arxiv_data / listing).read_bytes())
    return [r for r in page.records if isinstance(r, WorkRecord)]


@pytest.mark.parametrize(
    ("listing", "set_spec", "page_size"), [(PHYSICS, "physics", 50), (CS, "cs", 20)]
)
def test_paged_harvest_with_503_and_a_truncated_page(
    fresh_engine: Engine,
    settings: Settings,
    replay: Replay,
    arxiv_data: Path,
    tmp_path: Path,
    listing: str,
    set_spec: str,
    page_size: int,
) -> None:
    expected = _real_works(arxiv_data, listing)
    replay.listing = listing
    replay.page_size = page_size
    replay.faults = {1: ["503"], 2: ["truncated"]}
    sleeps = Sleeps()
    errors = tmp_path / "errors.jsonl"

    result = _harvest(
        fresh_engine,
        settings,
        replay,
        set_spec=set_spec,
        from_date=date(2015, 1, 16),
        until_date=date(2015, 1, 18),
        sleep=sleeps,
        errors_path=errors,
    )

    # Three pages, each record once; the 503 and the broken page were retried.
    assert result.pages == 3
    assert result.records == len(expected)
    assert result.retries == 2
    assert sleeps == [2, 1]  # Retry-After: 2, then the first backoff step
    summary = result.summary
    assert summary.works_inserted == len(expected) == len({w.arxiv_id for w in expected})
    assert summary.records_skipped == 0
    assert not errors.exists()  # the truncated page's partial records were never ingested
    with Session(fresh_engine) as s:
        ids = s.scalars(select(Work.arxiv_id)).all()
    assert sorted(ids) == sorted(w.arxiv_id for w in expected)
    counts = _counts(fresh_engine)
    assert counts["authorships"] == sum(len(w.authors) for w in expected)

    # The first request asks for the list; follow-ups carry only the token (OAI-PMH).
    first, *rest = replay.requests
    assert first == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": set_spec,
        "from": "2015-01-16",
        "until": "2015-01-18",
    }
    tokens = [f"{LIST_ID}|{page_size + 1}"] * 2 + [f"{LIST_ID}|{2 * page_size + 1}"] * 2
    assert rest == [{"verb": "ListRecords", "resumptionToken": t} for t in tokens]

    assert result.last_datestamp == DAY == max(w.datestamp for w in expected if w.datestamp)
    assert result.state_updated
    assert _state(fresh_engine) == [("arXiv", set_spec, DAY)]
    with Session(fresh_engine) as s:
        run = s.scalars(select(IngestRun)).one()
    assert (run.status, run.format, run.source) == ("done", "oai-arXiv", result.url)
    assert result.url.startswith(replay.url + "?verb=ListRecords&metadataPrefix=arXiv")


def test_second_harvest_is_incremental_and_changes_nothing(
    fresh_engine: Engine, settings: Settings, replay: Replay
) -> None:
    _harvest(fresh_engine, settings, replay, from_date=date(2015, 1, 16))
    before = _counts(fresh_engine)
    replay.requests.clear()

    again = _harvest(fresh_engine, settings, replay)  # no from_date: the stored state

    assert again.from_date == DAY
    assert replay.requests[0] == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": "physics",
        "from": "2015-01-16",
    }
    assert again.records == 150
    assert again.summary.works_unchanged == 150
    assert again.summary.works_inserted == again.summary.works_updated == 0
    assert again.summary.authors_created == 0
    assert _counts(fresh_engine) == before
    assert _state(fresh_engine) == [("arXiv", "physics", DAY)]


def test_no_records_match_is_an_empty_successful_harvest(
    fresh_engine: Engine, settings: Settings, replay: Replay
) -> None:
    # Nothing in the sample is dated after the 16th: the server answers with the real
    # noRecordsMatch response.
    result = _harvest(fresh_engine, settings, replay, from_date=date(2015, 1, 17))

    assert (result.pages, result.records, result.retries) == (1, 0, 0)
    assert result.summary.records_read == 0
    assert result.last_datestamp is None
    assert not result.state_updated
    assert _counts(fresh_engine)["works"] == 0
    assert _state(fresh_engine) == []  # nothing reached, nothing to remember


def _set_state(engine: Engine, base_url: str, day: date) -> None:
    with Session(engine) as s, s.begin():
        s.execute(text("DELETE FROM harvest_states"))
        s.add(
            HarvestState(
                base_url=base_url, metadata_prefix="arXiv", set_spec="cs", last_datestamp=day
            )
        )


def test_state_never_jumps_a_gap_nor_moves_back(
    fresh_engine: Engine, settings: Settings, replay: Replay
) -> None:
    replay.listing = CS
    # Stored: the 10th. An explicit --from the 16th leaves the 11th..15th unharvested, so
    # the state must stay where it is (the next incremental run covers the gap).
    _set_state(fresh_engine, replay.url, date(2015, 1, 10))
    gap = _harvest(fresh_engine, settings, replay, set_spec="cs", from_date=DAY)
    assert gap.last_datestamp == DAY
    assert not gap.state_updated
    assert _state(fresh_engine) == [("arXiv", "cs", date(2015, 1, 10))]
    # Stored: February. Re-harvesting January says nothing about February: no step back.
    _set_state(fresh_engine, replay.url, date(2015, 2, 1))
    old = _harvest(fresh_engine, settings, replay, set_spec="cs", from_date=date(2015, 1, 1))
    assert old.state_updated
    assert _state(fresh_engine) == [("arXiv", "cs", date(2015, 2, 1))]


def test_exhausted_retries_fail_clearly_and_store_no_state(
    fresh_engine: Engine, settings: Settings, replay: Replay
) -> None:
    replay.failing_page = 1
    sleeps = Sleeps()
    with pytest.raises(HarvestError, match=r"giving up on .*resumptionToken=4342418%7C51") as exc:
        _harvest(
            fresh_engine,
            settings,
            replay,
            from_date=DAY,
            sleep=sleeps,
            max_retries=3,
            batch_size=20,
        )
    assert "after 4 attempts (3 retries): HTTP 500" in str(exc.value)
    assert sleeps == [1, 2, 4]  # exponential backoff
    assert len(replay.requests) == 1 + 4

    # Page 0's committed batches stay (and are resumable); the state did not move.
    assert _counts(fresh_engine)["works"] == 40
    assert _state(fresh_engine) == []
    with Session(fresh_engine) as s:
        run = s.scalars(select(IngestRun)).one()
    assert (run.status, run.checkpoint) == ("failed", 40)

    # The same harvest again resumes that run and ends as one clean run would.
    replay.failing_page = None
    resumed = _harvest(fresh_engine, settings, replay, from_date=DAY, batch_size=20)
    assert resumed.summary.resumed_from == 40
    assert _counts(fresh_engine)["works"] == 150
    with Session(fresh_engine) as s:
        assert s.scalar(select(func.count(func.distinct(Work.arxiv_id)))) == 150
    assert _state(fresh_engine) == [("arXiv", "physics", DAY)]


def test_an_oai_protocol_error_fails_at_once(
    fresh_engine: Engine, settings: Settings, replay: Replay
) -> None:
    replay.replace_with = ID_DOES_NOT_EXIST  # a real arXiv error response
    sleeps = Sleeps()
    with pytest.raises(HarvestError, match="OAI-PMH error idDoesNotExist"):
        _harvest(fresh_engine, settings, replay, sleep=sleeps)
    assert sleeps == []  # retrying cannot fix a protocol error
    assert len(replay.requests) == 1
    assert _state(fresh_engine) == []


def test_retry_after_and_dates() -> None:
    now = datetime(2015, 10, 21, 7, 27, 30, tzinfo=UTC)
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds(" 120 ") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 30.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    assert parse_oai_date("2015-01-16") == DAY
    assert parse_oai_date("2015-01-16T23:59:59Z") == DAY
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_oai_date("2015-01-16junk")


@pytest.fixture
def cli_env(database_url: str) -> Iterator[Callable[[list[str]], Any]]:
    """Run `bzpeer ...` in-process against the test database (settings are cached)."""

    def invoke(args: list[str]) -> Any:
        get_settings.cache_clear()
        return CliRunner().invoke(
            app, args, env={"BZPEER_DATABASE_URL": database_url, "BZPEER_LOG_JSON": "false"}
        )

    yield invoke
    get_settings.cache_clear()


def test_cli_harvest_prints_the_summary(
    fresh_engine: Engine, replay: Replay, cli_env: Callable[[list[str]], Any], tmp_path: Path
) -> None:
    args = ["harvest", "--base-url", replay.url, "--set", "physics", "--from", "2015-01-16"]
    result = cli_env([*args, "--errors", str(tmp_path / "errors.jsonl")])
    assert result.exit_code == 0, result.output
    assert "works inserted" in result.output
    assert "150" in result.output
    assert "3 page(s), 150 record(s), 0 retries; datestamp reached: 2015-01-16" in result.output
    assert _counts(fresh_engine)["works"] == 150
    assert _state(fresh_engine) == [("arXiv", "physics", DAY)]

    # Without --from it goes on from the stored day; --quiet prints nothing.
    replay.requests.clear()
    quiet = cli_env(["harvest", "--base-url", replay.url, "--set", "physics", "--quiet"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output == ""
    assert replay.requests[0]["from"] == "2015-01-16"


def test_cli_harvest_exits_3_when_records_are_skipped(
    fresh_engine: Engine, replay: Replay, cli_env: Callable[[list[str]], Any], tmp_path: Path
) -> None:
    replay.damage_record = 60  # a record with no <metadata>, on the second page
    errors = tmp_path / "errors.jsonl"
    args = ["harvest", "--base-url", replay.url, "--set", "physics", "--from", "2015-01-16"]
    result = cli_env([*args, "--quiet", "--errors", str(errors)])
    assert result.exit_code == 3, result.output
    assert _counts(fresh_engine)["works"] == 149
    report = errors.read_text().splitlines()
    assert len(report) == 1
    assert "record has no <metadata>" in report[0]


def test_cli_rejects_bad_arguments(cli_env: Callable[[list[str]], Any]) -> None:
    bad_prefix = cli_env(["harvest", "--base-url", "http://127.0.0.1:9/oai", "--prefix", "mods"])
    assert bad_prefix.exit_code == 2
    assert "must be one of arXiv, arXivRaw, oai_dc" in bad_prefix.output
    backwards = ["--from", "2015-02-01", "--until", "2015-01-01"]
    reversed_window = cli_env(["harvest", "--base-url", "http://127.0.0.1:9/oai", *backwards])
    assert reversed_window.exit_code == 2
