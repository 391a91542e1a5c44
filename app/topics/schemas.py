"""Response shapes for topics (arXiv groups, archives and categories)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from app.core.schemas import TopicRef


class TopicOut(BaseModel):
    id: str
    code: str
    display_name: str
    level: Literal["group", "archive", "category"]
    parent_id: str | None
    legacy: bool
    works_count: int
    authors_count: int


class TopicDetail(TopicOut):
    parent: TopicRef | None
    children: list[TopicRef]
