"""HTTP routes for the coauthor graph."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.authors.service import resolve_author_id
from app.core.deps import SessionDep
from app.core.errors import PROBLEM_RESPONSES
from app.core.ids import AUTHOR_REF_PATTERN
from app.core.pagination import Page, PageParams, page_params, sort_pattern
from app.graph import service
from app.graph.schemas import CoauthorEdgeOut

router = APIRouter(tags=["graph"], responses=PROBLEM_RESPONSES)


@router.get(
    "/coauthor-edges", response_model=Page[CoauthorEdgeOut], operation_id="list_coauthor_edges"
)
def list_coauthor_edges(
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    author: Annotated[str | None, Query(pattern=AUTHOR_REF_PATTERN)] = None,
    min_shared_works: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    close: bool | None = None,
    sort: Annotated[
        str | None,
        Query(
            pattern=sort_pattern(list(service.EDGE_SORTS)),
            description="strength, shared_works or last_year.",
        ),
    ] = None,
) -> Page[CoauthorEdgeOut]:
    author_id = resolve_author_id(session, author, field="author") if author else None
    return service.list_edges(session, author_id, min_shared_works, close, page, sort)
