"""The ingestion pipeline: parsed records in, works/authors/topics/edges/counts out.

Cross-domain on purpose (it writes works, authors, institutions and topics), so it lives
here rather than in any one domain. The shape of a run:

1. Records arrive from a parser (`app.ingest.formats`) as `WorkRecord`, `DeletedRecord` or
   `RecordError`; errors go to the errors file with their position and the run goes on.
2. Records are taken in batches. Each batch is one transaction: works inserted or updated,
   authorships resolved to author records (`app.ingest.disambiguation`), topics and
   institutions linked, and the run's checkpoint advanced. A kill between batches loses
   nothing; a rerun of the same input skips the batches already committed.
3. A record whose content hash is unchanged is left alone, so a re-ingest changes nothing.
4. At the end, `app.ingest.refresh` brings counts, topic profiles, coauthor edges and
   affiliations up to date for the authors the run touched, in set-based SQL.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, NamedTuple, TextIO

import orjson
from sqlalchemy import Connection, Engine, bindparam, insert, select, text, update

from app.core.database import bulk_working_memory
from app.core.search import index_recent_works
from app.core.settings import Settings
from app.ingest import bulk
from app.ingest.disambiguation import (
    AuthorProfile,
    CandidateBlock,
    Mention,
    decide,
    mentions_for_work,
    profile_from_mention,
    update_profile,
)
from app.ingest.enrich import (
    is_withdrawn,
    publication_date,
    split_dois,
    venue_from_journal_ref,
    work_type,
)
from app.ingest.names import ascii_fold
from app.ingest.records import (
    DeletedRecord,
    ParseResult,
    RecordError,
    StoredWork,
    WorkRecord,
    WorkVersion,
    fields_not_carried,
    merge_stored,
)
from app.ingest.refresh import refresh_after_run
from app.ingest.text import latex_to_plain
from app.models import Author, Authorship, IngestRun, Topic, Work
from app.topics.sync import sync_taxonomy
from app.trust.service import recompute as recompute_trust

log = logging.getLogger(__name__)

WORK_COLUMNS = (
    "id",
    "arxiv_id",
    "arxiv_version",
    "doi",
    "dois",
    "title",
    "title_plain",
    "abstract",
    "abstract_plain",
    "type",
    "publication_date",
    "year",
    "venue",
    "journal_ref",
    "comments",
    "report_no",
    "license",
    "submitter",
    "primary_category",
    "categories",
    "versions",
    "source_updated",
    "is_withdrawn",
    "is_deleted",
    "authors_count",
    "content_hash",
    "created_at",
    "updated_at",
)
AUTHOR_COLUMNS = (
    "id",
    "display_name",
    "family_name",
    "name_key",
    "search_names",
    "is_collaboration",
    "open_to_collaborate",
    "affiliation_provenance",
    "claim_status",
    "verification_level",
    "trust_score",
    "works_count",
    "followers_count",
    "topics_count",
    "coauthors_count",
    "close_collaborators_count",
    "first_year",
    "last_year",
    "created_at",
    "updated_at",
)
AUTHORSHIP_COLUMNS = (
    "work_id",
    "position",
    "author_id",
    "raw_name",
    "display_name",
    "affiliations",
)


@dataclass
class RunSummary:
    run_id: int = 0
    source: str = ""
    records_read: int = 0
    works_inserted: int = 0
    works_updated: int = 0
    works_unchanged: int = 0
    works_deleted: int = 0
    records_skipped: int = 0
    authors_created: int = 0
    authors_matched: int = 0
    edges: int = 0
    resumed_from: int = 0
    seconds: float = 0.0
    errors_path: str | None = None

    @property
    def records_per_second(self) -> float:
        return self.records_read / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        counts = {k: v for k, v in vars(self).items() if k not in ("source", "errors_path")}
        counts["records_per_second"] = round(self.records_per_second, 1)
        return counts


def content_hash(record: WorkRecord) -> str:
    """Hash of everything a record says; equal hashes mean nothing to update."""
    payload = orjson.dumps(
        (
            record.arxiv_id,
            record.title,
            record.abstract,
            [
                (n.raw, n.family, n.given, n.suffix, n.affiliations, n.is_collaboration)
                for n in record.authors
            ],
            record.categories,
            [(v.version, v.created.isoformat()) for v in record.versions],
            record.created.isoformat() if record.created else None,
            record.updated.isoformat() if record.updated else None,
            record.dois,
            record.journal_ref,
            record.comments,
            record.report_no,
            record.license,
            record.submitter,
        )
    )
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


class PreparedWork(NamedTuple):
    """A parsed record with everything the pipeline derives from the record alone: no
    database, no disambiguation state. `bzpeer ingest` of a big snapshot prepares records
    in a worker process (`app.ingest.parallel`) while this one resolves and writes; any
    other input is prepared here, by the same function, when a batch needs it."""

    record: WorkRecord
    digest: str  # content_hash(record)
    values: dict[str, Any]  # the works row, without id and timestamps

    def mentions(self) -> list[Mention]:
        # Made where they are used, not in the worker: they cost less to build than to
        # unpickle (every mention carries its coauthors' keys).
        return mentions_for_work(self.record.authors, self.record.categories, self.values["year"])


def prepare_work(record: WorkRecord, digest: str | None = None) -> PreparedWork:
    published = publication_date(record)
    year = published.year if published else None
    dois = split_dois(" ".join(record.dois)) if record.dois else []
    digest = digest or content_hash(record)
    values: dict[str, Any] = {
        "arxiv_id": record.arxiv_id,
        "arxiv_version": record.versions[-1].version if record.versions else None,
        "doi": dois[0].lower() if dois else None,
        "dois": dois or None,
        "title": record.title,
        "title_plain": latex_to_plain(record.title),
        "abstract": record.abstract,
        "abstract_plain": latex_to_plain(record.abstract),
        "type": work_type(record),
        "publication_date": published,
        "year": year,
        "venue": venue_from_journal_ref(record.journal_ref),
        "journal_ref": record.journal_ref,
        "comments": record.comments,
        "report_no": record.report_no,
        "license": record.license,
        "submitter": record.submitter,
        "primary_category": record.categories[0] if record.categories else None,
        "categories": " ".join(record.categories),
        "versions": [
            {"version": v.version, "created": v.created.isoformat()} for v in record.versions
        ]
        or None,
        "source_updated": record.updated,
        "is_withdrawn": is_withdrawn(record),
        "is_deleted": False,
        "authors_count": len(record.authors),
        "content_hash": digest,
    }
    return PreparedWork(record, digest, values)


def institution_key(name: str) -> str:
    return " ".join(ascii_fold(name).lower().replace(",", " ").replace(".", " ").split())[:500]


class AuthorIndex:
    """Disambiguation candidates by name key: loaded from the database on first need,
    then kept current in memory for the rest of the run (the one structure that grows
    with the data, as the product allows)."""

    def __init__(self) -> None:
        self.by_key: dict[str, CandidateBlock] = {}

    def load(self, connection: Connection, keys: set[str]) -> None:
        missing = [k for k in keys if k not in self.by_key]
        for k in missing:
            self.by_key[k] = CandidateBlock()
        for start in range(0, len(missing), 500):
            self._load_chunk(connection, missing[start : start + 500])

    def _load_chunk(self, connection: Connection, keys: list[str]) -> None:
        rows = connection.execute(
            select(
                Author.id,
                Author.family_name,
                Author.name_key,
                Author.orcid,
                Author.first_year,
                Author.last_year,
                Author.works_count,
                Author.is_collaboration,
            ).where(Author.name_key.in_(keys), Author.merged_into_id.is_(None))
        ).all()
        if not rows:
            return
        ids = [r.id for r in rows]
        variants: dict[int, set[str]] = {}
        for author_id, name in connection.execute(
            text(
                "SELECT author_id, name FROM author_name_variants WHERE author_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": ids},
        ):
            variants.setdefault(author_id, set()).add(name)
        coauthor_keys: dict[int, set[str]] = {}
        coauthor_ids: dict[int, set[int]] = {}
        # Coauthor appearances over the record's works (a coauthor on three works counts
        # three): disambiguation compares them with the distinct coauthors to tell a record
        # whose coauthors return from one that meets new people on every paper.
        coauthor_slots: Counter[int] = Counter()
        for author_id, coauthor_id, key, shared_works in connection.execute(
            text(
                "SELECT e.author_id, e.coauthor_id, a.name_key, e.shared_works "
                "FROM coauthor_edges e "
                "JOIN authors a ON a.id = e.coauthor_id WHERE e.author_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": ids},
        ):
            coauthor_keys.setdefault(author_id, set()).add(key)
            coauthor_ids.setdefault(author_id, set()).add(coauthor_id)
            coauthor_slots[author_id] += shared_works
        categories: dict[int, Counter[str]] = {}
        for author_id, code, count in connection.execute(
            text(
                "SELECT at.author_id, t.code, at.works_count FROM author_topics at "
                "JOIN topics t ON t.id = at.topic_id WHERE at.author_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": ids},
        ):
            categories.setdefault(author_id, Counter())[code] = count
        for r in rows:
            given = frozenset(
                g for g in (_given_of(v, r.family_name) for v in variants.get(r.id, ())) if g
            )
            self.by_key[r.name_key].put(
                AuthorProfile(
                    author_id=r.id,
                    family=r.family_name,
                    given_variants=given,
                    name_key=r.name_key,
                    coauthor_keys=frozenset(coauthor_keys.get(r.id, ())),
                    coauthor_ids=frozenset(coauthor_ids.get(r.id, ())),
                    categories=categories.get(r.id, Counter()),
                    first_year=r.first_year,
                    last_year=r.last_year,
                    orcid=r.orcid,
                    works_count=r.works_count,
                    is_collaboration=r.is_collaboration,
                    coauthor_slots=coauthor_slots[r.id],
                )
            )

    def replace(self, key: str, profile: AuthorProfile) -> None:
        block = self.by_key.get(key)
        if block is None:
            block = self.by_key[key] = CandidateBlock()
        block.put(profile)

    def block(self, key: str) -> CandidateBlock:
        return self.by_key.get(key) or _EMPTY_BLOCK


# What `AuthorIndex.block` answers for a key it holds nothing for; only ever read.
_EMPTY_BLOCK: Final = CandidateBlock()


def _given_of(variant: str, family: str) -> str:
    if family and variant.endswith(family):
        return variant[: -len(family)].strip()
    return ""


@dataclass
class _Batch:
    works: list[tuple[Any, ...]] = field(default_factory=list)
    work_updates: list[dict[str, Any]] = field(default_factory=list)
    replaced_work_ids: list[int] = field(default_factory=list)
    authors: list[tuple[Any, ...]] = field(default_factory=list)
    authorships: list[tuple[Any, ...]] = field(default_factory=list)
    work_topics: list[tuple[Any, ...]] = field(default_factory=list)
    institutions: list[tuple[Any, ...]] = field(default_factory=list)
    authorship_institutions: list[tuple[Any, ...]] = field(default_factory=list)
    deleted_work_ids: list[int] = field(default_factory=list)


@dataclass
class _OwnerDecisions:
    """Owners' decisions about one work: records it must not go to, and records (with the
    position their name had) it must stay on."""

    rejected: set[int] = field(default_factory=set)
    confirmed: dict[int, int] = field(default_factory=dict)

    def pinned(self, previous: dict[str, int | None], names: list[str]) -> dict[int, int]:
        """Position -> confirmed record, for confirmed records that no name still carries."""
        carried = {previous.get(n) for n in names}
        return {
            position: author_id
            for author_id, position in self.confirmed.items()
            if author_id not in carried and author_id not in self.rejected
        }


class Pipeline:
    """One ingestion run. Use `run()`; everything else is the run's own machinery."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        source: str,
        fmt: str,
        fingerprint: str,
        errors_path: Path | None = None,
        batch_size: int | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.source = source
        self.fmt = fmt
        self.fingerprint = fingerprint
        self.errors_path = errors_path
        self.batch_size = batch_size or settings.ingest_batch_size
        self.on_progress = on_progress
        self.index = AuthorIndex()
        self.summary = RunSummary(
            source=source, errors_path=str(errors_path) if errors_path else None
        )
        self.affected_authors: set[int] = set()
        self.topic_ids: dict[str, int] = {}
        self.institution_ids: dict[str, int] = {}
        self.next_ids: dict[str, int] = {}
        self._errors: TextIO | None = None
        self.author_id_floor = 0
        self.run_started_at: datetime | None = None
        self._replayed_new: set[int] = set()
        # Records of the current batch prepared ahead, by id(record): each entry holds its
        # record, so the id cannot be reused while the entry lives (cleared per batch).
        self._prepared: dict[int, PreparedWork] = {}

    # --- the run ------------------------------------------------------------------

    def run(self, results: Iterable[ParseResult | PreparedWork]) -> RunSummary:
        # A run keeps a big, growing heap of long-lived objects (the author index), and
        # CPython's default thresholds traverse all of it in a full collection every few
        # hundred thousand allocations: 25 times, about 9 s, in a 20k-work run. Young
        # collections every 100,000 allocations instead of 700 still free cyclic garbage
        # as it appears; full ones become rare. Restored when the run ends.
        thresholds = gc.get_threshold()
        gc.set_threshold(100_000, 50, 100)
        try:
            return self._run(results)
        finally:
            gc.set_threshold(*thresholds)

    def _run(self, results: Iterable[ParseResult | PreparedWork]) -> RunSummary:
        started = time.perf_counter()
        run_id, checkpoint = self._open_run()
        self.summary.run_id = run_id
        self.summary.resumed_from = checkpoint
        try:
            batch: list[ParseResult] = []
            committed: list[WorkRecord] = []
            position = 0
            for item in results:
                if isinstance(item, PreparedWork):
                    result: ParseResult = item.record
                    self._prepared[id(result)] = item
                else:
                    result = item
                position += 1
                if position <= checkpoint:
                    # Committed by an earlier, interrupted run of this input: not written
                    # again, but replayed so disambiguation continues as a clean run would.
                    if isinstance(result, WorkRecord):
                        committed.append(result)
                    if len(committed) >= self.batch_size or position == checkpoint:
                        self._replay(committed)
                        committed = []
                        self._prepared.clear()
                    continue
                batch.append(result)
                if len(batch) >= self.batch_size:
                    self._commit_batch(run_id, batch, position)
                    batch = []
                    self._prepared.clear()
            if batch:
                self._commit_batch(run_id, batch, position)
                self._prepared.clear()
            log.info(
                "records done in %.1f s; refreshing %d authors",
                time.perf_counter() - started,
                len(self.affected_authors),
            )
            if self.summary.works_inserted >= ANALYZE_BEFORE_REFRESH_AFTER:
                # The end of run reads what the record loop just wrote: planned with the
                # tables' sizes from before the load, PostgreSQL read the trust signals of
                # each chunk of 2,000 authors by a seq scan of every work (0.95 s a chunk
                # at a million works, where the index takes milliseconds).
                refresh_planner_statistics(self.engine)
            with (
                self.engine.begin() as connection,
                bulk_working_memory(
                    connection,
                    sqlite_cache_mib=END_OF_RUN_CACHE_MIB,
                    postgres_work_mem_mib=END_OF_RUN_WORK_MEM_MIB,
                ),
            ):
                phase = time.perf_counter()
                self.summary.edges = refresh_after_run(
                    connection, self.affected_authors, self.settings
                )
                log.info("refresh done in %.1f s", time.perf_counter() - phase)
                phase = time.perf_counter()
                # Trust depends on what the refresh just counted: score it in the same
                # transaction, so a reader never sees new counts with an old score.
                recompute_trust(connection, self.affected_authors)
                log.info("trust recompute done in %.1f s", time.perf_counter() - phase)
            if self.affected_authors:
                refresh_planner_statistics(self.engine)
            if self.summary.works_inserted >= SETTLE_AFTER_BULK_LOAD_OF:
                settle_after_bulk_load(self.engine)
            self.summary.seconds = time.perf_counter() - started
            self._close_run(run_id, "done")
        except BaseException:
            self.summary.seconds = time.perf_counter() - started
            self._close_run(run_id, "failed")
            raise
        finally:
            if self._errors is not None:
                self._errors.close()
        return self.summary

    def _open_run(self) -> tuple[int, int]:
        with self.engine.begin() as connection:
            sync_taxonomy_on(connection)
            previous = connection.execute(
                select(
                    IngestRun.id,
                    IngestRun.checkpoint,
                    IngestRun.counts,
                    IngestRun.author_id_floor,
                    IngestRun.started_at,
                )
                .where(
                    IngestRun.fingerprint == self.fingerprint,
                    IngestRun.status.in_(("running", "failed")),
                )
                .order_by(IngestRun.id.desc())
                .limit(1)
            ).first()
            if previous is not None:
                # Resume: carry the interrupted run's counts forward so the summary covers
                # the whole input, and skip what it committed.
                for key, value in (previous.counts or {}).items():
                    if (
                        hasattr(self.summary, key)
                        and isinstance(value, int)
                        and key not in ("run_id", "resumed_from", "edges")
                    ):
                        setattr(self.summary, key, value)
                self.affected_authors.update(
                    connection.scalars(
                        text(
                            "SELECT DISTINCT a.author_id FROM authorships a JOIN works w ON "
                            "w.id = a.work_id WHERE a.author_id IS NOT NULL AND w.updated_at >= "
                            "(SELECT started_at FROM ingest_runs WHERE id = :run)"
                        ),
                        {"run": previous.id},
                    )
                )
                connection.execute(
                    update(IngestRun).where(IngestRun.id == previous.id).values(status="running")
                )
                self.author_id_floor = previous.author_id_floor
                self.run_started_at = previous.started_at
                return previous.id, previous.checkpoint
            self.author_id_floor = int(
                connection.scalar(text("SELECT COALESCE(MAX(id), 0) FROM authors")) or 0
            )
            run_id = connection.execute(
                insert(IngestRun).values(
                    source=self.source,
                    format=self.fmt,
                    fingerprint=self.fingerprint,
                    status="running",
                    started_at=datetime.now(UTC),
                    checkpoint=0,
                    author_id_floor=self.author_id_floor,
                    counts={},
                    errors_path=self.summary.errors_path,
                    seconds=0.0,
                )
            ).inserted_primary_key
            assert run_id is not None
            return int(run_id[0]), 0

    def _close_run(self, run_id: int, status: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(IngestRun)
                .where(IngestRun.id == run_id)
                .values(
                    status=status,
                    finished_at=datetime.now(UTC),
                    counts=self.summary.as_dict(),
                    seconds=self.summary.seconds,
                )
            )

    # --- one batch ----------------------------------------------------------------

    def _commit_batch(self, run_id: int, batch: list[ParseResult], position: int) -> None:
        counted = replace(self.summary)
        try:
            with self.engine.begin() as connection:
                self._load_lookups(connection)
                self._write_batch(connection, batch)
                connection.execute(
                    update(IngestRun)
                    .where(IngestRun.id == run_id)
                    .values(checkpoint=position, counts=self.summary.as_dict())
                )
        except BaseException:
            # The batch rolled back, so do its counts: the failed run's stored counts are
            # carried into the resumed run, which would otherwise count this batch twice.
            for key, value in vars(counted).items():
                setattr(self.summary, key, value)
            raise
        if self.on_progress is not None:
            self.on_progress(len(batch))

    def _load_lookups(self, connection: Connection) -> None:
        if not self.topic_ids:
            self.topic_ids = {
                code: tid
                for tid, code in connection.execute(
                    select(Topic.id, Topic.code).where(Topic.level != "group")
                )
            }
            self.institution_ids = {
                key: iid
                for iid, key in connection.execute(text("SELECT id, name_key FROM institutions"))
            }
        for table in ("works", "authors", "institutions"):
            self.next_ids[table] = (
                connection.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")) or 0
            ) + 1

    def _new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def _write_batch(self, connection: Connection, batch: list[ParseResult]) -> None:
        latest: dict[str, WorkRecord | DeletedRecord] = {}
        for result in batch:
            self.summary.records_read += 1
            if isinstance(result, RecordError):
                self._report(result)
            else:
                # The last word on an id in a batch wins, a deletion included (input order is
                # the order things happened), so a record then its deletion ends deleted.
                latest[result.arxiv_id] = result
        records = {k: r for k, r in latest.items() if isinstance(r, WorkRecord)}
        deleted = [r for r in latest.values() if isinstance(r, DeletedRecord)]

        existing = self._existing_works(connection, list(latest))
        merging = {
            known[0]: arxiv_id
            for arxiv_id, record in records.items()
            if fields_not_carried(record) and (known := existing.get(arxiv_id)) is not None
        }
        if merging:
            # A poorer format must not null what a richer one stored (app.ingest.records).
            stored = self._stored_for_merge(connection, list(merging))
            for work_id, arxiv_id in merging.items():
                records[arxiv_id] = merge_stored(records[arxiv_id], stored[work_id])
        out = _Batch()
        changed: list[tuple[int, PreparedWork, bool]] = []
        for arxiv_id, record in records.items():
            prepared = self._prepared.get(id(record))
            if prepared is not None and prepared.record is not record:
                prepared = None  # merged with the stored work above: prepared anew
            digest = prepared.digest if prepared is not None else content_hash(record)
            known = existing.get(arxiv_id)
            if known is not None and known[1] == digest and not known[2]:
                self.summary.works_unchanged += 1
                continue
            if prepared is None:
                prepared = prepare_work(record, digest)
            if known is None:
                changed.append((self._new_id("works"), prepared, True))
            else:
                changed.append((known[0], prepared, False))
        for d in deleted:
            known = existing.get(d.arxiv_id)
            if known is not None and not known[2]:
                out.deleted_work_ids.append(known[0])
                self.summary.works_deleted += 1

        updated = [wid for wid, _, is_new in changed if not is_new]
        previous = self._previous_authorships(connection, updated + out.deleted_work_ids)
        decisions = self._owner_decisions(connection, updated)
        mentions = [prepared.mentions() for _, prepared, _ in changed]
        self.index.load(connection, {m.key for listed in mentions for m in listed})
        for (work_id, prepared, is_new), listed in zip(changed, mentions, strict=True):
            self._add_work(
                out,
                work_id,
                prepared,
                listed,
                is_new,
                previous.get(work_id, {}),
                decisions.get(work_id),
            )
        for ids in previous.values():
            self.affected_authors.update(a for a in ids.values() if a is not None)
        self._flush(connection, out)

    def _existing_works(
        self, connection: Connection, arxiv_ids: list[str]
    ) -> dict[str, tuple[int, str, bool]]:
        found: dict[str, tuple[int, str, bool]] = {}
        for start in range(0, len(arxiv_ids), 900):
            chunk = arxiv_ids[start : start + 900]
            for row in connection.execute(
                text(
                    "SELECT arxiv_id, id, content_hash, is_deleted FROM works "
                    "WHERE arxiv_id IN :ids"
                ).bindparams(bindparam("ids", expanding=True)),
                {"ids": chunk},
            ):
                found[row.arxiv_id] = (row.id, row.content_hash, bool(row.is_deleted))
        return found

    def _stored_for_merge(
        self, connection: Connection, work_ids: list[int]
    ) -> dict[int, StoredWork]:
        """What the stored works hold that a poorer format cannot say (`merge_stored`)."""
        fields: dict[int, dict[str, Any]] = {}
        affiliations: dict[int, dict[str, tuple[str, ...]]] = {}
        for start in range(0, len(work_ids), 900):
            chunk = work_ids[start : start + 900]
            for row in connection.execute(
                select(Work.id, Work.license, Work.report_no, Work.submitter, Work.versions).where(
                    Work.id.in_(chunk)
                )
            ):
                fields[row.id] = {
                    "license": row.license,
                    "report_no": row.report_no,
                    "submitter": row.submitter,
                    "versions": tuple(
                        WorkVersion(int(v["version"]), datetime.fromisoformat(v["created"]))
                        for v in row.versions or ()
                    ),
                }
            for row in connection.execute(
                select(Authorship.work_id, Authorship.display_name, Authorship.affiliations).where(
                    Authorship.work_id.in_(chunk), Authorship.affiliations.is_not(None)
                )
            ):
                by_name = affiliations.setdefault(row.work_id, {})
                by_name.setdefault(row.display_name, tuple(row.affiliations or ()))
        return {
            work_id: StoredWork(**values, affiliations=affiliations.get(work_id, {}))
            for work_id, values in fields.items()
        }

    def _previous_authorships(
        self, connection: Connection, work_ids: list[int]
    ) -> dict[int, dict[str, int | None]]:
        """Who each updated work's names resolved to before: kept, so ids do not move."""
        previous: dict[int, dict[str, int | None]] = {}
        for start in range(0, len(work_ids), 900):
            for work_id, name, author_id in connection.execute(
                text(
                    "SELECT work_id, display_name, author_id FROM authorships WHERE work_id IN :ids"
                ).bindparams(bindparam("ids", expanding=True)),
                {"ids": work_ids[start : start + 900]},
            ):
                previous.setdefault(work_id, {})[name] = author_id
        return previous

    def _owner_decisions(
        self, connection: Connection, work_ids: list[int]
    ) -> dict[int, _OwnerDecisions]:
        """Owners' standing decisions about updated works (app.claims.corrections)."""
        found: dict[int, _OwnerDecisions] = {}
        for start in range(0, len(work_ids), 900):
            for work_id, author_id, decision, position in connection.execute(
                text(
                    "SELECT work_id, author_id, decision, position FROM author_work_decisions "
                    "WHERE work_id IN :ids"
                ).bindparams(bindparam("ids", expanding=True)),
                {"ids": work_ids[start : start + 900]},
            ):
                decided = found.setdefault(work_id, _OwnerDecisions())
                if decision == "rejected":
                    decided.rejected.add(author_id)
                else:
                    decided.confirmed[author_id] = position
        return found

    def _add_work(
        self,
        out: _Batch,
        work_id: int,
        prepared: PreparedWork,
        mentions: list[Mention],
        is_new: bool,
        previous: dict[str, int | None],
        decided: _OwnerDecisions | None = None,
    ) -> None:
        now = datetime.now(UTC)
        record = prepared.record
        values: dict[str, Any] = {
            "id": work_id,
            **prepared.values,
            "created_at": now,
            "updated_at": now,
        }
        if is_new:
            out.works.append(tuple(values[c] for c in WORK_COLUMNS))
            self.summary.works_inserted += 1
        else:
            del values["created_at"]
            out.work_updates.append(values)
            out.replaced_work_ids.append(work_id)
            self.summary.works_updated += 1

        for index, code in enumerate(record.categories):
            topic_id = self.topic_ids.get(code)
            if topic_id is not None:
                out.work_topics.append((work_id, topic_id, index == 0))

        resolved: set[int] = set()
        # An owner's decisions outrank the names: a rejected record never gets the work back,
        # a confirmed one keeps it even when the new version spells the name differently.
        rejected = decided.rejected if decided else set()
        pinned = decided.pinned(previous, [m.name.display for m in mentions]) if decided else {}
        for position, mention in enumerate(mentions, start=1):
            name = mention.name
            author_id = previous.get(name.display)
            if author_id is None:
                author_id = pinned.get(position)
            if author_id is None or author_id in resolved or author_id in rejected:
                author_id = self._resolve(
                    out, replace(mention, coauthor_ids=frozenset(resolved)), exclude=rejected
                )
            else:
                self._remember(replace(mention, coauthor_ids=frozenset(resolved)), author_id)
            resolved.add(author_id)
            self.affected_authors.add(author_id)
            out.authorships.append(
                (
                    work_id,
                    position,
                    author_id,
                    name.raw[:1000],
                    name.display[:500],
                    list(name.affiliations) or None,
                )
            )
            for affiliation in dict.fromkeys(name.affiliations):
                institution_id = self._institution(out, affiliation)
                if institution_id is not None:
                    out.authorship_institutions.append((work_id, position, institution_id))

    def _resolve(self, out: _Batch, mention: Mention, exclude: set[int] | None = None) -> int:
        block = self.index.block(mention.key)
        candidates = block.contenders(mention)
        if exclude:
            candidates = [c for c in candidates if c.author_id not in exclude]
        # `decide` is `resolve` without the evidence of the losing candidates, which a run
        # never reports; over the block's contenders it decides as over the whole block.
        matched = decide(mention, candidates)
        if matched is None:
            author_id = self._new_id("authors")
            name = mention.name
            now = datetime.now(UTC)
            display = name.display[:500]
            folded = ascii_fold(display)
            out.authors.append(
                (
                    author_id,
                    display,
                    name.family[:300],
                    mention.key[:200],
                    display if folded == display else f"{display} {folded}",
                    name.is_collaboration,
                    False,
                    "none",
                    "unclaimed",
                    1,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    mention.year,
                    mention.year,
                    now,
                    now,
                )
            )
            self.index.replace(mention.key, profile_from_mention(author_id, mention))
            self._replayed_new.add(author_id)
            self.summary.authors_created += 1
            return author_id
        profile = block.get(matched)
        assert profile is not None
        self.index.replace(mention.key, update_profile(profile, mention))
        self.summary.authors_matched += 1
        return matched

    def _remember(self, mention: Mention, author_id: int) -> None:
        """Fold a mention already filed under `author_id` into the in-memory profiles."""
        current = self.index.block(mention.key).get(author_id)
        created_by_this_run = author_id > self.author_id_floor
        if created_by_this_run and author_id not in self._replayed_new:
            # Its first mention in this run created it; the row read back from the
            # database holds only the creation-time state, so start from the mention.
            self._replayed_new.add(author_id)
            current = None
            self.index.replace(mention.key, profile_from_mention(author_id, mention))
            return
        if current is not None:
            self.index.replace(mention.key, update_profile(current, mention))

    def _replay(self, records: list[WorkRecord]) -> None:
        """Rebuild disambiguation state from batches an interrupted run committed.

        The decisions are read back from `authorships` (no `resolve` calls), and the
        profiles are folded exactly as the interrupted run folded them, so the rest of
        the input is decided as one uninterrupted run would decide it.
        """
        unique = {r.arxiv_id: r for r in records}
        if not unique:
            return
        with self.engine.connect() as connection:
            written = {
                row.arxiv_id: row.id
                for row in connection.execute(
                    select(Work.id, Work.arxiv_id).where(
                        Work.arxiv_id.in_(list(unique)), Work.updated_at >= self.run_started_at
                    )
                )
            }
            filed: dict[tuple[int, int], int] = {
                (row.work_id, row.position): row.author_id
                for row in connection.execute(
                    select(Authorship.work_id, Authorship.position, Authorship.author_id).where(
                        Authorship.work_id.in_(list(written.values()))
                    )
                )
                if row.author_id is not None
            }
            self.index.load(
                connection,
                {
                    m.key
                    for arxiv_id in written
                    for m in mentions_for_work(
                        unique[arxiv_id].authors, unique[arxiv_id].categories, None
                    )
                },
            )
        for arxiv_id, record in unique.items():
            work_id = written.get(arxiv_id)
            if work_id is None:
                continue  # unchanged by the interrupted run: it filed nothing
            resolved: set[int] = set()
            year = publication_date(record)
            mentions = mentions_for_work(
                record.authors, record.categories, year.year if year else None
            )
            for position, mention in enumerate(mentions, start=1):
                author_id = filed.get((work_id, position))
                if author_id is None:
                    continue
                self._remember(replace(mention, coauthor_ids=frozenset(resolved)), author_id)
                resolved.add(author_id)

    def _institution(self, out: _Batch, name: str) -> int | None:
        key = institution_key(name)
        if not key:
            return None
        found = self.institution_ids.get(key)
        if found is not None:
            return found
        institution_id = self._new_id("institutions")
        out.institutions.append(
            (
                institution_id,
                name[:500],
                key,
                "imported",
                0,
                0,
                datetime.now(UTC),
                datetime.now(UTC),
            )
        )
        self.institution_ids[key] = institution_id
        return institution_id

    def _flush(self, connection: Connection, out: _Batch) -> None:
        replaced = out.replaced_work_ids + out.deleted_work_ids
        for start in range(0, len(replaced), 900):
            chunk = {"ids": replaced[start : start + 900]}
            for table in ("authorship_institutions", "authorships", "work_topics"):
                connection.execute(
                    text(f"DELETE FROM {table} WHERE work_id IN :ids").bindparams(
                        bindparam("ids", expanding=True)
                    ),
                    chunk,
                )
        if out.deleted_work_ids:
            connection.execute(
                text("UPDATE works SET is_deleted = :yes WHERE id IN :ids").bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"yes": True, "ids": out.deleted_work_ids},
            )
        bulk.insert_rows(
            connection,
            "institutions",
            (
                "id",
                "name",
                "name_key",
                "provenance",
                "works_count",
                "authors_count",
                "created_at",
                "updated_at",
            ),
            out.institutions,
        )
        bulk.insert_rows(connection, "authors", AUTHOR_COLUMNS, out.authors)
        _insert_works(connection, out.works)
        if out.work_updates:
            columns = [c for c in WORK_COLUMNS if c not in ("id", "created_at")]
            assignments = ", ".join(f"{c} = :{c}" for c in columns)
            json_columns = ("dois", "versions")
            connection.execute(
                text(f"UPDATE works SET {assignments} WHERE id = :id"),
                [
                    {
                        k: (orjson.dumps(v).decode() if k in json_columns and v is not None else v)
                        for k, v in row.items()
                    }
                    for row in out.work_updates
                ],
            )
        bulk.insert_rows(connection, "authorships", AUTHORSHIP_COLUMNS, out.authorships)
        bulk.insert_rows(
            connection, "work_topics", ("work_id", "topic_id", "is_primary"), out.work_topics
        )
        bulk.insert_rows(
            connection,
            "authorship_institutions",
            ("work_id", "position", "institution_id"),
            out.authorship_institutions,
        )
        for table in ("institutions", "authors", "works"):
            bulk.advance_sequence(connection, table)

    def _report(self, error: RecordError) -> None:
        self.summary.records_skipped += 1
        if self.errors_path is None:
            return
        if self._errors is None:
            self.errors_path.parent.mkdir(parents=True, exist_ok=True)
            self._errors = self.errors_path.open("a", encoding="utf-8")
        self._errors.write(
            orjson.dumps(
                {
                    "source": self.source,
                    "position": error.position,
                    "id": error.source_id,
                    "reason": error.reason,
                }
            ).decode()
            + "\n"
        )


# SQLite's insert trigger on `works` (revision 0005) indexes each new live work in FTS5.
# Over a batch it costs about twice what one INSERT ... SELECT of the batch's rows into the
# index costs, so the batch drops it, writes, indexes its rows and puts it back, all in its
# transaction (a killed batch rolls the trigger back with everything else). Only when the
# trigger is exactly this one, so the statement below is exactly what it would have done.
_WORKS_FTS_INSERT_TRIGGER = (
    "CREATE TRIGGER works_fts_ai AFTER INSERT ON works WHEN NOT new.is_deleted BEGIN "
    "INSERT INTO works_fts(rowid, title_plain, abstract_plain) "
    "VALUES (new.id, new.title_plain, new.abstract_plain); END"
)


def _insert_works(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    if not rows or connection.dialect.name != "sqlite":
        bulk.insert_rows(connection, "works", WORK_COLUMNS, rows)
        return
    trigger = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'works_fts_ai'"
    ).scalar()
    if trigger != _WORKS_FTS_INSERT_TRIGGER:
        bulk.insert_rows(connection, "works", WORK_COLUMNS, rows)
        return
    ids = [row[0] for row in rows]
    connection.exec_driver_sql("DROP TRIGGER works_fts_ai")
    bulk.insert_rows(connection, "works", WORK_COLUMNS, rows)
    connection.execute(
        text(
            "INSERT INTO works_fts(rowid, title_plain, abstract_plain) "
            "SELECT id, title_plain, abstract_plain FROM works "
            "WHERE id BETWEEN :low AND :high AND NOT is_deleted ORDER BY id"
        ),
        {"low": min(ids), "high": max(ids)},
    )
    connection.exec_driver_sql(_WORKS_FTS_INSERT_TRIGGER)


def refresh_planner_statistics(engine: Engine) -> None:
    """After a bulk load the query planners still see the tables as they were before it
    (on PostgreSQL, autovacuum's ANALYZE may come minutes later): the first reads then pick
    scans over indexes. Both databases are told now, outside the run's transactions."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")
        else:
            # Sampled (analysis_limit) so that it costs well under a second at a million
            # works; rough statistics are all the planner needs to prefer the indexes.
            connection.exec_driver_sql("PRAGMA analysis_limit=1000")
            connection.exec_driver_sql("ANALYZE")
        connection.commit()


# The end-of-run transaction rewrites derived rows of every author a run touched: at a
# million works its dirty pages reach gigabytes. With SQLite's usual 64 MiB it spilled and
# re-read them from the WAL, writing 6.6 GB for a 1.9 GB WAL in the refresh; 1 GiB halved
# those writes and cut the refresh from 662 to 510 s (docs/ingest-performance.md).
END_OF_RUN_CACHE_MIB = 1024
# PostgreSQL's counterpart, per sort or hash node: enough to hash every author id of a
# million-work run (an anti-join that spills to disk still works; one that falls back to a
# plain subplan does not) and to sort its coauthor pairs in a few passes.
END_OF_RUN_WORK_MEM_MIB = 256


# A run that added this many works changes the tables' sizes enough to mislead the planner
# in its own end of run; smaller runs keep the statistics they had.
ANALYZE_BEFORE_REFRESH_AFTER = 20_000


# A run that added this many works leaves the full-text index in many small pieces (FTS5
# segments; PostgreSQL's GIN pending list) and, on PostgreSQL, every page it wrote still to
# be vacuumed: searches then read each piece, and readers pay for the rest (below). Smaller
# runs leave that to FTS5's automerge and to autovacuum, which keep up with them.
SETTLE_AFTER_BULK_LOAD_OF = 20_000


def settle_after_bulk_load(engine: Engine) -> None:
    """Leave the database as readers find it fastest, after a bulk load.

    SQLite: FTS5's `optimize` rewrites the full-text index as one segment.

    PostgreSQL: a VACUUM of every table. It moves the new works out of the GIN index's
    pending list (the index is built with fastupdate: an unsorted list every search scans),
    summarizes the BRIN index's new block ranges (migration 0007: a search's id range must
    otherwise visit them all), clears the dead row versions the end of run left (it
    rewrites every affected author's counts and score) and marks the pages all-visible.
    Without it the first reader of each page wrote that page back (hint bits: at 100,000
    works, counting the matches of "model" read 15,283 pages and wrote 8,940), index-only
    scans visited the heap, and autovacuum came later to do the same work under the
    serving load.

    It then rebuilds the index of the newest works and their words' counts
    (`index_recent_works`) for the corpus as it now is.

    Both run outside the run's transactions, and readers go on meanwhile.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            # VACUUM cannot run in a transaction block.
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM")
        with engine.begin() as connection:
            index_recent_works(connection)
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO works_fts(works_fts) VALUES ('optimize')")


def sync_taxonomy_on(connection: Connection) -> None:
    from sqlalchemy.orm import Session

    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        sync_taxonomy(session)
        # Releases the savepoint into the caller's transaction; closing without it would
        # roll the taxonomy back and leave a fresh database without topics.
        session.commit()


def fingerprint_of(path: Path) -> str:
    """Identity of an input file: its path, size, mtime and first 64 KiB."""
    stat = path.stat()
    digest = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    with path.open("rb") as handle:
        digest.update(handle.read(65536))
    return digest.hexdigest()
