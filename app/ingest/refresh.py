"""End-of-run refresh: derived tables and counts for the authors a run touched.

Set-based SQL only (the same statements on SQLite and PostgreSQL): name variants, topic
profiles, coauthor edges, imported affiliations, profile counts, then topic and
institution counts. The authors to refresh sit in a temporary table, so a small run on a
big database only pays for what it changed.

Coauthor edges: every pair of authors on a live work with at most `edge_max_authors`
authors (bigger collaborations give no pairwise edges: a 3,000-author paper would add
nine million of them and say little about who works with whom). Strength is the sum over
shared works of 1/(authors - 1) (Newman's weighting); a pair is "close" when it has at
least `close_min_shared_works` shared works and strength `close_min_strength`.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from app.core.settings import Settings
from app.trust.verification import verification_level_sql

AFFECTED = "(SELECT id FROM refresh_authors)"
# From this many refreshed authors on, PostgreSQL's statistics of the derived tables are
# refreshed inside the run's transaction (see `refresh_after_run`).
ANALYZE_REFRESHED_FROM = 5000


def _not_affected(column: str) -> str:
    # An anti-join, never `NOT IN (subquery)`: PostgreSQL can only hash a NOT IN list that
    # fits in work_mem, and otherwise rescans the list for every row. At a million works
    # (587k authors) the edges' mirror insert ran for over half an hour that way.
    return f"NOT EXISTS (SELECT 1 FROM refresh_authors r WHERE r.id = {column})"


# Authorships `s` joined to their live works `w`; and an author's live works and imported
# affiliations, for the refresh's UPDATE of `authors`.
_LIVE = "JOIN works w ON w.id = s.work_id AND w.is_deleted = :no"
_WORKS_OF = f"FROM authorships s {_LIVE} WHERE s.author_id = authors.id"
_LATEST_AFFILIATION = (
    "FROM author_affiliations aa WHERE aa.author_id = authors.id AND aa.provenance = 'imported'"
)
# The facts of `verification_level`, for an `authors` row being refreshed: whether it has
# live works is read from them, since the UPDATE that writes the new count sees the old
# one. `claim_status` is kept by the claim workflow (`refresh_author_state`) and is
# 'claimed' exactly when an approved claim exists.
_APPROVED_CLAIM = "FROM claims c WHERE c.author_id = authors.id AND c.status = 'approved'"
_LEVEL_OF_REFRESHED = verification_level_sql(
    has_ingested_works=f"EXISTS (SELECT 1 {_WORKS_OF})",
    claimed="claim_status = 'claimed'",
    owner_email_verified=(
        f"EXISTS (SELECT 1 {_APPROVED_CLAIM} AND EXISTS (SELECT 1 FROM accounts o "
        "WHERE o.id = c.account_id AND o.email_verified_at IS NOT NULL))"
    ),
    strong_evidence=f"EXISTS (SELECT 1 {_APPROVED_CLAIM} AND c.strong_evidence = :yes)",
)


def _exec(connection: Connection, sql: str, **params: object) -> None:
    connection.execute(text(sql), params)


def _analyze_on_postgresql(connection: Connection, tables: str) -> None:
    # SQLite's planner looks ids up by index whatever its statistics; its ANALYZE runs once
    # the run has committed (`refresh_planner_statistics`).
    if connection.dialect.name == "postgresql":
        _exec(connection, f"ANALYZE {tables}")


def refresh_after_run(connection: Connection, author_ids: set[int], settings: Settings) -> int:
    """Refresh derived data for `author_ids` (and their coauthors' counts); returns the
    number of coauthor pairs in the database."""
    _exec(connection, "DROP TABLE IF EXISTS refresh_authors")
    _exec(connection, "CREATE TEMPORARY TABLE refresh_authors (id BIGINT PRIMARY KEY)")
    ids = sorted(author_ids)
    for start in range(0, len(ids), 5000):
        connection.execute(
            text("INSERT INTO refresh_authors (id) VALUES (:id)"),
            [{"id": i} for i in ids[start : start + 5000]],
        )
    # Autovacuum never analyzes temporary tables: without this the planner guesses the
    # table's size and shape, in every statement below.
    _analyze_on_postgresql(connection, "refresh_authors")

    _exec(connection, f"DELETE FROM author_name_variants WHERE author_id IN {AFFECTED}")
    _exec(
        connection,
        f"""
        INSERT INTO author_name_variants (author_id, name, works_count)
        SELECT s.author_id, s.display_name, COUNT(*) FROM authorships s {_LIVE}
        WHERE s.author_id IN {AFFECTED} GROUP BY s.author_id, s.display_name""",
        no=False,
    )

    _exec(connection, f"DELETE FROM author_topics WHERE author_id IN {AFFECTED}")
    _exec(
        connection,
        f"""
        INSERT INTO author_topics (author_id, topic_id, works_count)
        SELECT s.author_id, wt.topic_id, COUNT(DISTINCT s.work_id) FROM authorships s
        JOIN work_topics wt ON wt.work_id = s.work_id {_LIVE}
        WHERE s.author_id IN {AFFECTED} GROUP BY s.author_id, wt.topic_id""",
        no=False,
    )

    _refresh_edges(connection, settings)
    # Coauthors of refreshed authors have new edge counts too.
    _exec(
        connection,
        f"""
        INSERT INTO refresh_authors (id) SELECT DISTINCT e.coauthor_id FROM coauthor_edges e
        WHERE e.author_id IN {AFFECTED} AND {_not_affected("e.coauthor_id")}""",
    )
    _analyze_on_postgresql(connection, "refresh_authors")

    _exec(
        connection,
        f"""
        DELETE FROM author_affiliations WHERE provenance = 'imported'
        AND author_id IN {AFFECTED}""",
    )
    _exec(
        connection,
        f"""
        INSERT INTO author_affiliations
            (author_id, institution_id, name, start_year, end_year, provenance, works_count)
        SELECT s.author_id, ai.institution_id, i.name, MIN(w.year), MAX(w.year), 'imported',
               COUNT(DISTINCT s.work_id)
        FROM authorship_institutions ai
        JOIN authorships s ON s.work_id = ai.work_id AND s.position = ai.position
        JOIN institutions i ON i.id = ai.institution_id {_LIVE}
        WHERE s.author_id IN {AFFECTED}
        GROUP BY s.author_id, ai.institution_id, i.name""",
        no=False,
    )

    # One UPDATE writes every derived column of a refreshed author: on PostgreSQL each
    # UPDATE of a row is a new version of it, and three (counts, affiliation, level) left
    # two dead versions of every author after a big run (`authors` 2.5 GB for 587k rows at
    # a million works). Its expressions read the row as it was, so the level is decided
    # from the fresh works (`_LEVEL_OF_REFRESHED`), not the stored count.
    _exec(
        connection,
        f"""
        UPDATE authors SET
            works_count = (SELECT COUNT(*) {_WORKS_OF}),
            first_year = (SELECT MIN(w.year) {_WORKS_OF}),
            last_year = (SELECT MAX(w.year) {_WORKS_OF}),
            topics_count = (SELECT COUNT(*) FROM author_topics t WHERE t.author_id = authors.id),
            coauthors_count = (SELECT COUNT(*) FROM coauthor_edges e
                               WHERE e.author_id = authors.id),
            close_collaborators_count = (SELECT COUNT(*) FROM coauthor_edges e
                                         WHERE e.author_id = authors.id AND e.is_close = :yes),
            affiliation = CASE WHEN affiliation_provenance = 'stated' THEN affiliation
                          ELSE (SELECT aa.name {_LATEST_AFFILIATION}
                                ORDER BY aa.end_year DESC, aa.works_count DESC, aa.id LIMIT 1)
                          END,
            affiliation_provenance = CASE WHEN affiliation_provenance = 'stated' THEN 'stated'
                                     WHEN EXISTS (SELECT 1 {_LATEST_AFFILIATION})
                                     THEN 'imported' ELSE 'none' END,
            verification_level = {_LEVEL_OF_REFRESHED}
        WHERE id IN {AFFECTED}""",
        no=False,
        yes=True,
    )
    if len(author_ids) >= ANALYZE_REFRESHED_FROM:
        # The trust recompute that follows in this transaction reads the edges by chunks of
        # author ids. A fresh database has no statistics on the edges: PostgreSQL then
        # takes each of 2,000 ids to match 0.5% of the table and scans all of it, 0.9 s a
        # chunk at 15.7M edges. ANALYZE in the transaction samples its own new rows too.
        _analyze_on_postgresql(
            connection, "coauthor_edges, author_topics, author_name_variants, author_affiliations"
        )
    _refresh_search_names(connection)
    _refresh_topic_counts(connection)
    _exec(
        connection,
        f"""
        UPDATE institutions SET
            works_count = (SELECT COUNT(DISTINCT ai.work_id) FROM authorship_institutions ai
                           WHERE ai.institution_id = institutions.id),
            authors_count = (SELECT COUNT(DISTINCT aa.author_id) FROM author_affiliations aa
                             WHERE aa.institution_id = institutions.id)
        WHERE id IN (SELECT institution_id FROM author_affiliations
                     WHERE author_id IN {AFFECTED})""",
    )
    _exec(connection, "DROP TABLE refresh_authors")
    pairs = connection.scalar(
        text("SELECT COUNT(*) FROM coauthor_edges WHERE author_id < coauthor_id")
    )
    return int(pairs or 0)


def _refresh_edges(connection: Connection, settings: Settings) -> None:
    # Closeness is decided while the edge is built: a separate UPDATE afterwards rewrote
    # every new edge row once more, which on PostgreSQL cost as much as building them.
    # The strength is cast to the column's type first so that the threshold is applied to
    # the value that is stored and served, not to a wider intermediate.
    # Two deletes rather than one `IN ... OR IN ...`: each becomes a semi-join, where the OR
    # kept both lists as subplans (hashed only while they fit in work_mem).
    _exec(connection, f"DELETE FROM coauthor_edges WHERE author_id IN {AFFECTED}")
    _exec(connection, f"DELETE FROM coauthor_edges WHERE coauthor_id IN {AFFECTED}")
    _exec(
        connection,
        f"""
        INSERT INTO coauthor_edges
            (author_id, coauthor_id, shared_works, first_year, last_year, strength, is_close)
        SELECT author_id, coauthor_id, shared_works, first_year, last_year, strength,
               shared_works >= :shared AND strength >= :strength
        FROM (
            SELECT s1.author_id AS author_id, s2.author_id AS coauthor_id,
                   COUNT(DISTINCT s1.work_id) AS shared_works, MIN(w.year) AS first_year,
                   MAX(w.year) AS last_year,
                   CAST(SUM(1.0 / (w.authors_count - 1)) AS DOUBLE PRECISION) AS strength
            FROM authorships s1
            JOIN authorships s2 ON s2.work_id = s1.work_id AND s2.author_id <> s1.author_id
            JOIN works w ON w.id = s1.work_id
            WHERE s1.author_id IN {AFFECTED} AND w.is_deleted = :no
              AND w.authors_count BETWEEN 2 AND :cap
            GROUP BY s1.author_id, s2.author_id
        ) pairs""",
        no=False,
        cap=settings.edge_max_authors,
        shared=settings.close_min_shared_works,
        strength=settings.close_min_strength,
    )
    _exec(
        connection,
        f"""
        INSERT INTO coauthor_edges
            (author_id, coauthor_id, shared_works, first_year, last_year, strength, is_close)
        SELECT coauthor_id, author_id, shared_works, first_year, last_year, strength, is_close
        FROM coauthor_edges
        WHERE author_id IN {AFFECTED} AND {_not_affected("coauthor_id")}""",
    )


def _refresh_search_names(connection: Connection) -> None:
    """Authors known under several names are found by each of them (and unaccented)."""
    from app.ingest.names import ascii_fold

    rows = connection.execute(
        text(f"""
        SELECT v.author_id, a.display_name, v.name
        FROM author_name_variants v JOIN authors a ON a.id = v.author_id
        WHERE v.author_id IN {AFFECTED} AND v.author_id IN (
            SELECT author_id FROM author_name_variants GROUP BY author_id HAVING COUNT(*) > 1)
        ORDER BY v.author_id, v.works_count DESC, v.name""")
    ).all()
    names: dict[int, list[str]] = {}
    for author_id, display_name, name in rows:
        # The record's own display name comes first: an owner may have set one that no
        # paper spells, and it must stay searchable after the next ingestion run.
        names.setdefault(author_id, [display_name]).append(name)
    params = []
    for author_id, variants in names.items():
        words = dict.fromkeys([*variants, *(ascii_fold(v) for v in variants)])
        params.append({"id": author_id, "names": " ".join(words)[:10000]})
    if params:
        connection.execute(text("UPDATE authors SET search_names = :names WHERE id = :id"), params)


def _refresh_topic_counts(connection: Connection) -> None:
    """Works and authors per topic, at every level (one grouped pass per level)."""
    updates: dict[str, dict[str, int]] = {}
    for level_column in ("t.code", "t.archive_code", "t.group_code"):
        for code, works, authors in connection.execute(
            text(f"""
            SELECT {level_column}, COUNT(DISTINCT wt.work_id),
                   (SELECT COUNT(DISTINCT at.author_id) FROM author_topics at
                    JOIN topics t2 ON t2.id = at.topic_id
                    WHERE {level_column.replace("t.", "t2.")} = {level_column})
            FROM work_topics wt JOIN topics t ON t.id = wt.topic_id
            JOIN works w ON w.id = wt.work_id AND w.is_deleted = :no
            WHERE {level_column} IS NOT NULL
            GROUP BY {level_column}"""),
            {"no": False},
        ):
            updates.setdefault(code, {"works": works, "authors": authors})
    _exec(connection, "UPDATE topics SET works_count = 0, authors_count = 0")
    if updates:
        connection.execute(
            text(
                "UPDATE topics SET works_count = :works, authors_count = :authors "
                "WHERE code = :code"
            ),
            [{"code": code, **counts} for code, counts in updates.items()],
        )
