"""HTTP routes for topics (the arXiv taxonomy)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from app.authors.schemas import AuthorSummary
from app.authors.service import AUTHOR_SORTS, AuthorFilters, list_authors
from app.core.deps import SessionDep
from app.core.errors import PROBLEM_RESPONSES
from app.core.ids import TOPIC_ID_PATTERN
from app.core.pagination import Page, sort_pattern
from app.core.params import PageDep
from app.topics import service
from app.topics.schemas import TopicDetail, TopicOut
from app.works.schemas import WorkOut
from app.works.service import WORK_SORTS, WorkFilters, list_works

router = APIRouter(tags=["topics"], responses=PROBLEM_RESPONSES)
TopicIdPath = Annotated[
    str, Path(pattern=TOPIC_ID_PATTERN, description="`T12` or an arXiv code (`cs.CL`).")
]
SortQuery = Annotated[str | None, Query(pattern=sort_pattern(list(service.TOPIC_SORTS)))]
WorkSortQuery = Annotated[str | None, Query(pattern=sort_pattern(list(WORK_SORTS)))]
AuthorSortQuery = Annotated[str | None, Query(pattern=sort_pattern(list(AUTHOR_SORTS)))]


@router.get("/topics", response_model=Page[TopicOut], operation_id="list_topics")
def list_topics(
    session: SessionDep,
    page: PageDep,
    q: Annotated[
        str | None, Query(max_length=100, description="Substring of name or code.")
    ] = None,
    level: Literal["group", "archive", "category"] | None = None,
    parent: Annotated[str | None, Query(pattern=TOPIC_ID_PATTERN)] = None,
    sort: SortQuery = None,
) -> Page[TopicOut]:
    return service.list_topics(
        session, service.TopicFilters(q=q, level=level, parent=parent), page, sort
    )


@router.get("/topics/{topic_id}", response_model=TopicDetail, operation_id="get_topic")
def get_topic(session: SessionDep, topic_id: TopicIdPath) -> TopicDetail:
    return service.get_topic(session, topic_id)


@router.get(
    "/topics/{topic_id}/works", response_model=Page[WorkOut], operation_id="list_topic_works"
)
def list_topic_works(
    session: SessionDep, topic_id: TopicIdPath, page: PageDep, sort: WorkSortQuery = None
) -> Page[WorkOut]:
    service.resolve_topic(session, topic_id)
    return list_works(session, WorkFilters(topic=topic_id), page, sort)


@router.get(
    "/topics/{topic_id}/authors",
    response_model=Page[AuthorSummary],
    operation_id="list_topic_authors",
)
def list_topic_authors(
    session: SessionDep, topic_id: TopicIdPath, page: PageDep, sort: AuthorSortQuery = None
) -> Page[AuthorSummary]:
    service.resolve_topic(session, topic_id)
    return list_authors(session, AuthorFilters(topic=topic_id), page, sort)
