"""HTTP routes for institutions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from app.core.deps import SessionDep
from app.core.errors import PROBLEM_RESPONSES
from app.core.ids import INSTITUTION_ID_PATTERN
from app.core.pagination import Page, PageParams, page_params, sort_pattern
from app.institutions import service
from app.institutions.schemas import InstitutionOut

router = APIRouter(tags=["institutions"], responses=PROBLEM_RESPONSES)


@router.get("/institutions", response_model=Page[InstitutionOut], operation_id="list_institutions")
def list_institutions(
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=200)] = None,
    sort: Annotated[
        str | None, Query(pattern=sort_pattern(list(service.INSTITUTION_SORTS)))
    ] = None,
) -> Page[InstitutionOut]:
    return service.list_institutions(session, q, page, sort)


@router.get(
    "/institutions/{institution_id}", response_model=InstitutionOut, operation_id="get_institution"
)
def get_institution(
    session: SessionDep, institution_id: Annotated[str, Path(pattern=INSTITUTION_ID_PATTERN)]
) -> InstitutionOut:
    return service.get_institution(session, institution_id)
