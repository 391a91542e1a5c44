"""Trust from the database: gather signals in bulk, score them, store score and history.

Signals are read with a handful of grouped queries per chunk of authors (never one query
per author), scored by the pure `app.trust.scoring`, and written back only where the score,
the explanation or the model version changed; every change of score or version adds a row
to `author_trust_history`.

Two signals come from the claims rather than from the author row (docs/trust.md):
`orcid_verified` (the owner's approved claim named the record's ORCID iD and that check
matched) and `open_disambiguation_conflicts` (an open dispute over the record, plus works
the owner rejected that are still filed on it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, delete, insert, text, update

from app.models import Author, AuthorTrustHistory
from app.trust import scoring
from app.trust.scoring import TrustResult, TrustSignals, compute_trust

log = logging.getLogger(__name__)

CHUNK = 2000

_AUTHORS = text(
    "SELECT id, verification_level, claim_status, orcid, works_count, coauthors_count, "
    "close_collaborators_count, first_year, last_year, affiliation_provenance, homepage, "
    "bio, tagline, followers_count, trust_score, trust_model_version, trust_components "
    "FROM authors WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_PUBLISHED = text(
    "SELECT s.author_id, "
    "SUM(CASE WHEN w.type <> 'preprint' THEN 1 ELSE 0 END) AS published, "
    "COUNT(DISTINCT CASE WHEN w.type <> 'preprint' THEN w.venue END) AS venues "
    "FROM authorships s JOIN works w ON w.id = s.work_id AND w.is_deleted = :no "
    "WHERE s.author_id IN :ids GROUP BY s.author_id"
).bindparams(bindparam("ids", expanding=True))
_COAUTHOR_TRUST = text(
    "SELECT e.author_id, AVG(a.trust_score) FROM coauthor_edges e "
    "JOIN authors a ON a.id = e.coauthor_id WHERE e.author_id IN :ids GROUP BY e.author_id"
).bindparams(bindparam("ids", expanding=True))
_COAUTHORS = text(
    "SELECT author_id, coauthor_id FROM coauthor_edges WHERE author_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_ALL_SCORES = text("SELECT id, trust_score FROM authors")
# The owners' approved claims, for the ORCID check (one owner per record, so one row each).
_APPROVED_CHECKS = text(
    "SELECT author_id, checks FROM claims WHERE status = 'approved' AND author_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
# Open conflicts: an open dispute over the record counts once, however many accounts
# dispute it (a crowd must not be able to sink a record, as followers cannot lift one);
# each work the owner rejected that is still filed on the record counts once.
_CONFLICTS = text(
    "SELECT author_id, 1 FROM claims "
    "WHERE status = 'pending' AND is_dispute = :yes AND author_id IN :ids GROUP BY author_id "
    "UNION ALL "
    "SELECT d.author_id, COUNT(*) FROM author_work_decisions d "
    "JOIN authorships s ON s.author_id = d.author_id AND s.work_id = d.work_id "
    "JOIN works w ON w.id = d.work_id AND w.is_deleted = :no "
    "WHERE d.decision = 'rejected' AND d.author_id IN :ids GROUP BY d.author_id"
).bindparams(bindparam("ids", expanding=True))


def orcid_confirmed(checks: Any, orcid: str | None) -> bool:
    """Did an approved claim's checks find the record's ORCID iD (`orcid`) matching?"""
    if orcid is None or not checks:
        return False
    if isinstance(checks, str):  # a raw query hands JSON back as text on SQLite
        checks = orjson.loads(checks)
    return any(
        c.get("kind") == "orcid" and c.get("outcome") == "matches" and c.get("value") == orcid
        for c in checks
    )


def _confirmed_orcids(connection: Connection, rows: dict[int, Any]) -> set[int]:
    ids = [i for i, r in rows.items() if r.claim_status == "claimed" and r.orcid is not None]
    if not ids:  # most chunks of a bulk run: no owned record with an ORCID iD
        return set()
    return {
        author_id
        for author_id, checks in connection.execute(_APPROVED_CHECKS, {"ids": ids})
        if orcid_confirmed(checks, rows[author_id].orcid)
    }


def _open_conflicts(connection: Connection, params: dict[str, Any]) -> dict[int, int]:
    conflicts: dict[int, int] = {}
    for author_id, count in connection.execute(_CONFLICTS, {**params, "yes": True}):
        conflicts[author_id] = conflicts.get(author_id, 0) + int(count)
    return conflicts


def _mean_coauthor_trust(
    connection: Connection, params: dict[str, Any], scores: dict[int, int] | None
) -> dict[int, float]:
    if scores is None:
        return {
            r[0]: float(r[1])
            for r in connection.execute(_COAUTHOR_TRUST, params)
            if r[1] is not None
        }
    # The same mean as _COAUTHOR_TRUST, from scores held in memory: the join looks every
    # coauthor up in `authors` once per edge per pass, which was the largest cost of a full
    # recompute (about a third of it). The scores are integers, so the sum is exact and
    # sum / count is the correctly rounded mean, as SQLite's AVG gives.
    totals: dict[int, int] = {}
    counts: dict[int, int] = {}
    for author_id, coauthor_id in connection.execute(_COAUTHORS, params):
        score = scores.get(coauthor_id)
        if score is None:
            continue
        totals[author_id] = totals.get(author_id, 0) + score
        counts[author_id] = counts.get(author_id, 0) + 1
    return {author_id: total / counts[author_id] for author_id, total in totals.items()}


def signals_for(
    connection: Connection,
    author_ids: Sequence[int],
    *,
    current_year: int,
    scores: dict[int, int] | None = None,
    published: dict[int, tuple[int, int]] | None = None,
) -> dict[int, tuple[TrustSignals, Any]]:
    """Signals of each author, with the stored row (to tell what changed).

    `scores`, when given, must hold the stored trust score of every author (a bulk
    recompute keeps it current); the coauthors' mean is then taken from it instead of
    joining `authors` in SQL. `published` caches (published works, venues) by author
    across the passes of one recompute: scores move between passes, works do not.
    """
    params = {"ids": list(author_ids), "no": False}
    published = {} if published is None else published
    unknown = [i for i in author_ids if i not in published]
    if unknown:
        found = {
            r[0]: (int(r[1] or 0), int(r[2] or 0))
            for r in connection.execute(_PUBLISHED, {"ids": unknown, "no": False})
        }
        published.update((i, found.get(i, (0, 0))) for i in unknown)
    coauthor_trust = _mean_coauthor_trust(connection, params, scores)
    rows = {row.id: row for row in connection.execute(_AUTHORS, params)}
    confirmed = _confirmed_orcids(connection, rows)
    conflicts = _open_conflicts(connection, params)
    out: dict[int, tuple[TrustSignals, Any]] = {}
    for row in rows.values():
        published_count, venues = published[row.id]
        claimed = row.claim_status == "claimed"
        provenance = row.affiliation_provenance
        out[row.id] = (
            TrustSignals(
                verification_level=row.verification_level,
                claimed=claimed,
                has_orcid=row.orcid is not None,
                orcid_verified=row.id in confirmed,
                works_count=row.works_count,
                published_works_count=published_count,
                preprint_count=max(0, row.works_count - published_count),
                distinct_venues=venues,
                first_year=row.first_year,
                last_year=row.last_year,
                current_year=current_year,
                coauthors_count=row.coauthors_count,
                close_collaborators_count=row.close_collaborators_count,
                mean_coauthor_trust=min(100.0, coauthor_trust[row.id])
                if row.id in coauthor_trust
                else None,
                affiliation_provenance=provenance
                if provenance in ("none", "imported", "stated")
                else "none",
                has_homepage=bool(row.homepage),
                # Only what an owner wrote counts; ingestion never writes bio or tagline.
                has_bio=bool(row.bio) and claimed,
                has_tagline=bool(row.tagline) and claimed,
                open_disambiguation_conflicts=conflicts.get(row.id, 0),
                followers_count=row.followers_count,
            ),
            row,
        )
    return out


# Scores feed each other through the (bounded) coauthor-trust signal: when a score moves,
# its coauthors' mean moves, which can move their scores (and always their explanation),
# and so on outwards, beyond the authors a run started from. A recompute therefore runs
# passes over the coauthors of every score that moved until none moves. The signal's slope
# is 0.04, so a change shrinks at every step and only a rounding flip carries it on; the
# cap is a safety bound that real data does not reach (it is logged if it ever is).
MAX_PASSES = 12


def recompute(
    connection: Connection,
    author_ids: Iterable[int],
    *,
    now: datetime | None = None,
    scores: dict[int, int] | None = None,
) -> int:
    """Score the given authors, and the coauthors their changes reach, and store what
    changed; returns how many authors changed (score, explanation or model version).

    After it returns, rescoring any author gives what is stored (unless `MAX_PASSES` was
    hit): an ingestion run's recompute leaves nothing for `bzpeer trust recompute` to do.

    `scores`: every author's stored score, for bulk runs (see `signals_for`); it is kept
    in step with what is written. Read here when the run is big enough to pay for it.
    """
    now = now or datetime.now(UTC)
    pending = sorted(set(author_ids))
    if scores is None and len(pending) >= IN_MEMORY_SCORES_FROM:
        scores = _all_scores(connection)
    changed: set[int] = set()
    published: dict[int, tuple[int, int]] = {}
    for done in range(1, MAX_PASSES + 1):
        moved: set[int] = set()
        for start in range(0, len(pending), CHUNK):
            updated, rescored = _recompute_chunk(
                connection, pending[start : start + CHUNK], now, scores, published
            )
            changed |= updated
            moved |= rescored
        log.info("trust pass %d: %d rescored, %d scores moved", done, len(pending), len(moved))
        if not moved:
            break
        if done == MAX_PASSES:
            log.warning(
                "trust recompute stopped after %d passes with %d scores still moving",
                MAX_PASSES,
                len(moved),
            )
            break
        # Only the coauthors of a moved score can change next: their mean moved. Not only
        # those of the authors asked for: the change travels along the coauthor graph.
        pending = sorted(_coauthors_of(connection, moved))
    return len(changed)


def recompute_all(
    connection: Connection, *, now: datetime | None = None, only_stale: bool = False
) -> int:
    """Every live author (or, with `only_stale`, those scored by another model version)."""
    stale = (
        " AND (trust_model_version IS NULL OR trust_model_version <> :version)"
        if only_stale
        else ""
    )
    ids = list(
        connection.scalars(
            text(f"SELECT id FROM authors WHERE merged_into_id IS NULL{stale} ORDER BY id"),
            {"version": scoring.MODEL_VERSION},
        )
    )
    return recompute(connection, ids, now=now, scores=_all_scores(connection))


# From this many authors on, a recompute reads every stored score into memory once rather
# than join `authors` for each coauthor on every pass: an ingestion run's end, `bzpeer
# trust recompute`. Two integers per author (tens of MB for a million) and well under a
# second to read, against the random lookups it saves (about a third of a full recompute).
IN_MEMORY_SCORES_FROM = 5000


def _all_scores(connection: Connection) -> dict[int, int]:
    return {row[0]: row[1] for row in connection.execute(_ALL_SCORES)}


def _coauthors_of(connection: Connection, author_ids: set[int]) -> set[int]:
    found: set[int] = set()
    ordered = sorted(author_ids)
    for start in range(0, len(ordered), CHUNK):
        # Deduplicated here, not with DISTINCT: SQLite answers DISTINCT by walking the
        # coauthor_id index from end to end for every chunk, several times slower.
        found.update(
            connection.scalars(
                text("SELECT coauthor_id FROM coauthor_edges WHERE author_id IN :ids").bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"ids": ordered[start : start + CHUNK]},
            )
        )
    return found


def _recompute_chunk(
    connection: Connection,
    ids: list[int],
    now: datetime,
    scores: dict[int, int] | None,
    published: dict[int, tuple[int, int]],
) -> tuple[set[int], set[int]]:
    """Rescore `ids`; returns (authors whose stored result changed, whose score changed)."""
    updates: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    moved: set[int] = set()
    found = signals_for(connection, ids, current_year=now.year, scores=scores, published=published)
    for author_id, (signals, row) in found.items():
        result = compute_trust(signals, suggest=False)
        stored = result.as_dict()
        previous = row.trust_components
        if isinstance(previous, str):  # a raw query hands JSON back as text
            previous = orjson.loads(previous)
        if (
            row.trust_model_version == result.model_version
            and row.trust_score == result.score
            and previous == stored
        ):
            continue
        updates.append(
            {
                "author": author_id,
                "score": result.score,
                "tier": result.tier,
                "components": stored,
                "version": result.model_version,
                "at": now,
            }
        )
        if row.trust_score != result.score:
            moved.add(author_id)
        if row.trust_score != result.score or row.trust_model_version != result.model_version:
            history.append(
                {
                    "author_id": author_id,
                    "score": result.score,
                    "tier": result.tier,
                    "version": result.model_version,
                    "at": now,
                }
            )
    if updates:
        if scores is not None:
            for u in updates:
                scores[u["author"]] = u["score"]
        connection.execute(
            update(Author)
            .where(Author.id == bindparam("author"))
            .values(
                trust_score=bindparam("score"),
                trust_tier=bindparam("tier"),
                trust_components=bindparam("components"),
                trust_model_version=bindparam("version"),
                trust_computed_at=bindparam("at"),
            ),
            updates,
            execution_options={"synchronize_session": False},
        )
        if history:
            # One history entry per author per recompute, however many passes it took.
            connection.execute(
                delete(AuthorTrustHistory).where(
                    AuthorTrustHistory.author_id.in_([h["author_id"] for h in history]),
                    AuthorTrustHistory.computed_at == now,
                )
            )
            connection.execute(
                insert(AuthorTrustHistory).values(
                    author_id=bindparam("author_id"),
                    score=bindparam("score"),
                    tier=bindparam("tier"),
                    model_version=bindparam("version"),
                    computed_at=bindparam("at"),
                ),
                history,
            )
    return {u["author"] for u in updates}, moved


def live_result(
    connection: Connection, author_id: int, *, now: datetime | None = None
) -> TrustResult:
    """The model's answer now, suggestions included: what `/trust` explains live (stored
    scores skip the suggestions, which cost one model run per possible action)."""
    now = now or datetime.now(UTC)
    signals, _ = signals_for(connection, [author_id], current_year=now.year)[author_id]
    return compute_trust(signals)
