"""HTTP routes for author records (thin: parse, call the service, shape)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.accounts.deps import authenticate, bearer_token
from app.authors import service
from app.authors.overview import AuthorOverview, author_overview_json
from app.authors.schemas import (
    SUMMARY_FIELDS,
    AuthorDetail,
    AuthorSummary,
    AuthorTopicOut,
    AutocompleteResponse,
    CoauthorOut,
)
from app.core.deps import ReadCost, SessionDep, run_in_request_session
from app.core.errors import PROBLEM_RESPONSES
from app.core.ids import INSTITUTION_ID_PATTERN, TOPIC_ID_PATTERN
from app.core.pagination import (
    Page,
    parse_select,
    select_pattern,
    sort_pattern,
)
from app.core.params import AuthorIdPath, PageDep
from app.core.responses import model_response, page_response
from app.core.search import is_prefix_lookup
from app.works.schemas import WorkOut
from app.works.service import WORK_SORTS, WorkFilters, list_works

router = APIRouter(tags=["authors"], responses=PROBLEM_RESPONSES)


@router.get("/authors", response_model=Page[AuthorSummary], operation_id="list_authors")
def list_authors(
    session: SessionDep,
    page: PageDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Full-text search on names.")
    ] = None,
    topic: Annotated[
        str | None, Query(pattern=TOPIC_ID_PATTERN, description="Topic id or arXiv code.")
    ] = None,
    institution: Annotated[
        str | None, Query(pattern=INSTITUTION_ID_PATTERN, description="Institution id.")
    ] = None,
    verification_level: Annotated[int | None, Query(ge=0, le=3)] = None,
    claimed: bool | None = None,
    min_trust: Annotated[int | None, Query(ge=0, le=100)] = None,
    open_to_collaborate: bool | None = None,
    has_orcid: bool | None = None,
    sort: Annotated[
        str | None,
        Query(
            pattern=sort_pattern(list(service.AUTHOR_SORTS)),
            description=(
                "works_count, trust_score, followers_count, display_name, last_year or id; "
                "append :asc or :desc."
            ),
        ),
    ] = None,
    select: Annotated[
        str | None,
        Query(
            max_length=500,
            pattern=select_pattern(SUMMARY_FIELDS),
            description=("Comma-separated fields to return, e.g. `id,display_name,works_count`."),
        ),
    ] = None,
) -> Page[AuthorSummary] | Response:
    fields = parse_select(select, SUMMARY_FIELDS)
    filters = service.AuthorFilters(
        q=q,
        topic=topic,
        institution=institution,
        verification_level=verification_level,
        claimed=claimed,
        min_trust=min_trust,
        open_to_collaborate=open_to_collaborate,
        has_orcid=has_orcid,
    )
    return page_response(service.list_authors(session, filters, page, sort), fields)


@router.get(
    "/autocomplete/authors",
    response_model=AutocompleteResponse,
    operation_id="autocomplete_authors",
)
async def autocomplete_authors(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Name prefix.")],
) -> Response:
    # Asked at typing speed: one thread-pool hop at most (see run_in_request_session). A
    # one-word prefix is one bounded index range, answered on the event loop; several words
    # search the full-text index, off the loop.
    return await run_in_request_session(
        request,
        lambda session: model_response(service.autocomplete(session, q)),
        cost=ReadCost.LOOKUP if is_prefix_lookup(q) else ReadCost.OPEN,
        autocommit=True,
    )


@router.get(
    "/authors/{author_id}",
    response_model=AuthorDetail,
    operation_id="get_author",
    responses={301: {"description": "Merged into another record (see Location)."}},
)
async def get_author(request: Request, author_id: AuthorIdPath) -> Response:
    # The hottest read: on the event loop, one statement and no BEGIN or COMMIT (see
    # run_in_request_session).
    return await run_in_request_session(
        request,
        lambda session: model_response(service.get_author(session, author_id)),
        autocommit=True,
    )


@router.get(
    "/authors/{author_id}/overview",
    response_model=AuthorOverview,
    operation_id="get_author_overview",
)
async def get_author_overview(request: Request, author_id: AuthorIdPath) -> Response:
    """Everything an author page shows, in one call: profile, trust snapshot, counts, top
    topics, close collaborators, the first works, and what the viewer may do (send the
    bearer token to get a logged-in viewer's actions; without one, or with an invalid one,
    the answer is for an anonymous visitor)."""
    token = bearer_token(request)
    secret_key = request.app.state.settings.secret_key

    def overview(session: Session) -> Response:
        viewer = authenticate(session, secret_key, token) if token else None
        body = author_overview_json(session, author_id, viewer)
        return Response(body, media_type="application/json")

    return await run_in_request_session(request, overview, autocommit=True)


@router.get(
    "/authors/{author_id}/works", response_model=Page[WorkOut], operation_id="list_author_works"
)
def list_author_works(
    session: SessionDep,
    author_id: AuthorIdPath,
    page: PageDep,
    sort: Annotated[str | None, Query(pattern=sort_pattern(list(WORK_SORTS)))] = None,
) -> Page[WorkOut]:
    row_id = service.resolve_author_id(session, author_id)
    return list_works(session, WorkFilters(author_id=row_id), page, sort)


@router.get(
    "/authors/{author_id}/topics",
    response_model=list[AuthorTopicOut],
    operation_id="list_author_topics",
)
def list_author_topics(
    session: SessionDep,
    author_id: AuthorIdPath,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[AuthorTopicOut]:
    return service.author_topics(session, service.resolve_author_id(session, author_id), limit)


@router.get(
    "/authors/{author_id}/coauthors",
    response_model=Page[CoauthorOut],
    operation_id="list_author_coauthors",
)
def list_author_coauthors(
    session: SessionDep,
    author_id: AuthorIdPath,
    page: PageDep,
    close: Annotated[
        bool | None, Query(description="Only close collaborators (or only not).")
    ] = None,
    sort: Annotated[
        str | None,
        Query(
            pattern=sort_pattern(list(service.COAUTHOR_SORTS)),
            description="strength, shared_works or last_year.",
        ),
    ] = None,
) -> Page[CoauthorOut]:
    row_id = service.resolve_author_id(session, author_id)
    return service.coauthors(session, row_id, close, page, sort)
