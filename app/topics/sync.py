"""Bring the `topics` table in line with the taxonomy shipped in the package.

Idempotent: existing rows keep their ids (public ids must not move), new categories are
appended, names are refreshed. Groups and archives become topics too, so a client can
browse the tree and filter by any level.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Topic
from app.topics.taxonomy import load_taxonomy


def sync_taxonomy(session: Session) -> int:
    """Insert or update every group, archive and category; returns rows added."""
    taxonomy = load_taxonomy()
    existing = {t.code: t for t in session.scalars(select(Topic))}
    added = 0

    def upsert(
        code: str,
        name: str,
        level: str,
        parent: Topic | None,
        group_code: str,
        archive_code: str | None,
        legacy: bool,
    ) -> Topic:
        nonlocal added
        row = existing.get(code)
        if row is None:
            row = Topic(
                code=code,
                name=name,
                level=level,
                group_code=group_code,
                archive_code=archive_code,
                legacy=legacy,
                works_count=0,
                authors_count=0,
                parent_id=parent.id if parent else None,
            )
            session.add(row)
            session.flush()
            existing[code] = row
            added += 1
        elif (row.name, row.legacy) != (name, legacy):
            row.name, row.legacy = name, legacy
        return row

    for category in taxonomy.categories.values():
        group = upsert(
            category.group_code,
            category.group_name,
            "group",
            None,
            category.group_code,
            None,
            False,
        )
        parent = group
        if category.archive_code != category.code:
            parent = upsert(
                category.archive_code,
                category.archive_name,
                "archive",
                group,
                category.group_code,
                category.archive_code,
                False,
            )
        upsert(
            category.code,
            category.name,
            "category",
            parent,
            category.group_code,
            category.archive_code,
            category.legacy,
        )
    session.flush()
    return added
