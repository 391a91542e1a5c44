"""The ingestion benchmark's search-index floor indexes what bzpeer indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson

from bench.ingest import search_index_floor


def test_search_index_floor_indexes_every_record_as_plain_text(tmp_path: Path) -> None:
    snapshot = tmp_path / "works.jsonl"
    records = [
        {"id": "0704.0001", "title": "Erd{\\H{o}}s graphs", "abstract": "Running $\\alpha$ decays"},
        {"id": "0704.0002", "title": "Quark stars", "abstract": None},
    ]
    snapshot.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    database = tmp_path / "floor.db"

    floor = search_index_floor(snapshot, database)

    assert floor.seconds == floor.read_seconds + floor.plain_seconds + floor.index_seconds > 0
    connection = sqlite3.connect(database)
    try:

        def matching(query: str) -> list[int]:
            sql = "SELECT rowid FROM works_fts WHERE works_fts MATCH ? ORDER BY rowid"
            return [row[0] for row in connection.execute(sql, (query,))]

        # Decoded LaTeX, accents folded, the porter stemmer: bzpeer's own tokenizer.
        assert matching("erdos") == [1]
        assert matching("run") == [1]
        assert matching("quark") == [2]
        assert matching("title_plain:graphs OR abstract_plain:stars") == [1]
    finally:
        connection.close()
