"""HTTP routes for works, including BibTeX and CSL-JSON exports."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Header, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.authors.service import resolve_author_id
from app.core.deps import ReadCost, SessionDep, run_in_request_session
from app.core.errors import PROBLEM_RESPONSES
from app.core.ids import AUTHOR_REF_PATTERN, TOPIC_ID_PATTERN
from app.core.pagination import (
    Page,
    parse_select,
    select_pattern,
    sort_pattern,
)
from app.core.params import PageDep
from app.works import export, service
from app.works.schemas import WORK_FIELDS, WorkOut

router = APIRouter(tags=["works"], responses=PROBLEM_RESPONSES)

BIBTEX = "application/x-bibtex"
CSL_JSON = "application/vnd.citationstyles.csl+json"
ExportFormat = Literal["json", "bibtex", "csl-json"]
WORK_ID_PATTERN = r"^(W[1-9][0-9]{0,17}|arxiv:([0-9]{4}\.[0-9]{4,5}|[a-z-]+(\.[A-Z]{2})?/[0-9]{7})(v[0-9]+)?|doi:10\.[0-9]{4,9}/\S+)$"


@router.get("/works", response_model=Page[WorkOut], operation_id="list_works")
async def list_works(
    request: Request,
    page: PageDep,
    q: Annotated[
        str | None, Query(max_length=300, description="Full-text on title and abstract.")
    ] = None,
    author: Annotated[
        str | None, Query(pattern=AUTHOR_REF_PATTERN, description="Author id (A...).")
    ] = None,
    topic: Annotated[
        str | None,
        Query(
            pattern=TOPIC_ID_PATTERN,
            description="Topic id or arXiv code; archives and groups include their categories.",
        ),
    ] = None,
    category: Annotated[
        str | None, Query(pattern=TOPIC_ID_PATTERN, description="arXiv category code.")
    ] = None,
    year_from: Annotated[int | None, Query(ge=1000, le=3000)] = None,
    year_to: Annotated[int | None, Query(ge=1000, le=3000)] = None,
    type: service.WorkType | None = None,
    has_doi: bool | None = None,
    sort: Annotated[
        str | None,
        Query(
            pattern=sort_pattern(list(service.WORK_SORTS), "relevance"),
            description=(
                "publication_date, year, authors_count or id (:asc/:desc); `relevance` with `q`."
            ),
        ),
    ] = None,
    select: Annotated[
        str | None, Query(max_length=2000, pattern=select_pattern(WORK_FIELDS))
    ] = None,
) -> Response:
    fields = parse_select(select, WORK_FIELDS)
    unresolved = service.WorkFilters(
        q=q,
        topic=topic,
        category=category,
        year_from=year_from,
        year_to=year_to,
        type=type,
        has_doi=has_doi,
    )

    def works(session: Session) -> Response:
        filters = unresolved
        if author:
            filters = replace(filters, author_id=resolve_author_id(session, author, field="author"))
        body = service.list_works_json(session, filters, page, sort, fields)
        return Response(body, media_type="application/json")

    # Search and an author's works are hot reads: one thread-pool hop at most (see
    # run_in_request_session). A plain search's first page is bounded work at any size, and
    # on the event loop it measured 9 ms p50 / 32-51 ms p99 at a steady 114 req/s against
    # 15 / 73-93 ms in the thread pool, whose hand-offs fight the loop for the GIL
    # (docs/benchmarks.md, "Search on the event loop"). Anything that can walk every match
    # stays off the loop.
    bounded = author is None and service.is_plain_search_first_page(unresolved, page, sort)
    cost = ReadCost.BOUNDED if bounded else ReadCost.OPEN
    return await run_in_request_session(request, works, cost=cost, autocommit=True)


def _wanted_format(format: ExportFormat | None, accept: str | None) -> ExportFormat:
    if format is not None:
        return format
    if accept and BIBTEX in accept:
        return "bibtex"
    if accept and CSL_JSON in accept:
        return "csl-json"
    return "json"


@router.get(
    "/works/{work_id:path}",
    response_model=WorkOut,
    operation_id="get_work",
    responses={
        200: {
            "content": {
                BIBTEX: {"schema": {"type": "string"}},
                CSL_JSON: {"schema": {"type": "array", "items": {"type": "object"}}},
            }
        }
    },
)
def get_work(
    session: SessionDep,
    work_id: Annotated[
        str,
        Path(
            max_length=300,
            pattern=WORK_ID_PATTERN,
            description=(
                "`W123`, `arxiv:0704.0001` (a version suffix is accepted) or `doi:10.1103/...`."
            ),
        ),
    ],
    format: Annotated[
        ExportFormat | None, Query(description="Or ask via the Accept header.")
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> WorkOut | Response:
    work = service.get_work(session, work_id)
    wanted = _wanted_format(format, accept)
    if wanted == "bibtex":
        return Response(export.to_bibtex(work), media_type=f"{BIBTEX}; charset=utf-8")
    if wanted == "csl-json":
        return Response(orjson.dumps(export.to_csl_json(work)), media_type=CSL_JSON)
    return work
