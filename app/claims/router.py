"""HTTP routes for claims, their review, and an owner's corrections of a record."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from app.accounts.deps import AdminAccount, CurrentAccount
from app.authors.schemas import AuthorDetail
from app.authors.service import get_author, resolve_author_id
from app.claims import corrections, service
from app.claims.schemas import (
    WORK_REF_PATTERN,
    AuthorProfileUpdate,
    ClaimIn,
    ClaimOut,
    CorrectionOut,
    MergeIn,
    ReviewIn,
    SplitIn,
    WorkDecisionOut,
)
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import MOVED_RESPONSE, problems
from app.core.ids import Kind, public_id
from app.core.pagination import Page
from app.core.params import AuthorIdPath, PageDep, RowIdPath
from app.core.ratelimit import enforce

router = APIRouter(responses=problems(400, 422))
WorkIdPath = Annotated[str, Path(pattern=WORK_REF_PATTERN)]
StatusQuery = Annotated[
    Literal["pending", "approved", "rejected", "revoked"] | None,
    Query(description="Only claims in this state."),
]
OWNER_WRITE = {**MOVED_RESPONSE, **problems(401, 403, 404)}


@router.post(
    "/authors/{author_id}/claims",
    status_code=201,
    response_model=ClaimOut,
    operation_id="claim_author",
    tags=["claims"],
    responses={**MOVED_RESPONSE, **problems(401, 403, 404, 409, 429)},
)
def claim_author(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CurrentAccount,
    author_id: AuthorIdPath,
    data: ClaimIn,
) -> ClaimOut:
    """Ask to own a record. Approved at once when the evidence meets the documented rule
    (docs/claims.md), otherwise `pending` for an administrator; a claim on a record that
    already has an owner is a dispute."""
    enforce(request, response, "claims", f"account:{caller.id}")
    claim = service.file_claim(session, caller, resolve_author_id(session, author_id), data)
    response.headers["Location"] = f"/v1/claims/{claim.id}"
    return service.claims_out(session, [claim])[0]


@router.get(
    "/claims",
    response_model=Page[ClaimOut],
    operation_id="list_claims",
    tags=["claims"],
    responses=problems(401, 403),
)
def list_claims(
    session: SessionDep, admin: AdminAccount, page: PageDep, status: StatusQuery = None
) -> Page[ClaimOut]:
    """The review queue (administrators), oldest first: `?status=pending`."""
    return service.list_claims(session, page, status=status)


@router.get(
    "/me/claims",
    response_model=Page[ClaimOut],
    operation_id="list_my_claims",
    tags=["claims"],
    responses=problems(401),
)
def list_my_claims(
    session: SessionDep, caller: CurrentAccount, page: PageDep, status: StatusQuery = None
) -> Page[ClaimOut]:
    return service.list_claims(session, page, status=status, account_id=caller.id)


@router.get(
    "/claims/{claim_id}",
    response_model=ClaimOut,
    operation_id="get_claim",
    tags=["claims"],
    responses=problems(401, 404),
)
def get_claim(session: SessionDep, caller: CurrentAccount, claim_id: RowIdPath) -> ClaimOut:
    """The claimant's own claim, or any claim for an administrator."""
    return service.claims_out(session, [service.get_claim(session, caller, claim_id)])[0]


@router.post(
    "/claims/{claim_id}/approve",
    response_model=ClaimOut,
    operation_id="approve_claim",
    tags=["claims"],
    responses=problems(401, 403, 404, 409),
)
def approve_claim(
    session: SessionDep, admin: AdminAccount, claim_id: RowIdPath, data: ReviewIn
) -> ClaimOut:
    """Approve after review (L3). Upholding a dispute revokes the previous owner's claim."""
    claim = service.approve(session, admin, claim_id, data.reason)
    return service.claims_out(session, [claim])[0]


@router.post(
    "/claims/{claim_id}/reject",
    response_model=ClaimOut,
    operation_id="reject_claim",
    tags=["claims"],
    responses=problems(401, 403, 404, 409),
)
def reject_claim(
    session: SessionDep, admin: AdminAccount, claim_id: RowIdPath, data: ReviewIn
) -> ClaimOut:
    claim = service.reject(session, admin, claim_id, data.reason)
    return service.claims_out(session, [claim])[0]


@router.patch(
    "/authors/{author_id}",
    response_model=AuthorDetail,
    operation_id="update_author_profile",
    tags=["corrections"],
    responses=OWNER_WRITE,
)
def update_author_profile(
    session: SessionDep, caller: CurrentAccount, author_id: AuthorIdPath, data: AuthorProfileUpdate
) -> AuthorDetail:
    """The owner edits the profile: display name, tagline, bio, homepage, stated
    affiliation, open to collaborate. Nothing else is settable."""
    row_id = resolve_author_id(session, author_id)
    corrections.update_profile(session, caller, row_id, data)
    return get_author(session, public_id(Kind.AUTHOR, row_id))


@router.post(
    "/authors/{author_id}/works/{work_id}/confirm",
    response_model=WorkDecisionOut,
    operation_id="confirm_author_work",
    tags=["corrections"],
    responses=OWNER_WRITE,
)
def confirm_work(
    session: SessionDep, caller: CurrentAccount, author_id: AuthorIdPath, work_id: WorkIdPath
) -> WorkDecisionOut:
    """The owner confirms a work is theirs: ingestion keeps it on the record."""
    row_id = resolve_author_id(session, author_id)
    return corrections.confirm_work(session, caller, row_id, work_id)


@router.post(
    "/authors/{author_id}/works/{work_id}/reject",
    response_model=WorkDecisionOut,
    operation_id="reject_author_work",
    tags=["corrections"],
    responses=OWNER_WRITE,
)
def reject_work(
    session: SessionDep,
    settings: SettingsDep,
    caller: CurrentAccount,
    author_id: AuthorIdPath,
    work_id: WorkIdPath,
) -> WorkDecisionOut:
    """The owner says a work is not theirs: it leaves the record and never comes back."""
    row_id = resolve_author_id(session, author_id)
    return corrections.reject_work(session, settings, caller, row_id, work_id)


@router.post(
    "/authors/{author_id}/merge",
    response_model=AuthorDetail,
    operation_id="merge_authors",
    tags=["corrections"],
    responses={**MOVED_RESPONSE, **problems(401, 403, 404, 409)},
)
def merge_authors(
    session: SessionDep,
    settings: SettingsDep,
    caller: CurrentAccount,
    author_id: AuthorIdPath,
    data: MergeIn,
) -> AuthorDetail:
    """Fold other records of yours into this one; their ids answer 301 from now on."""
    row_id = resolve_author_id(session, author_id)
    corrections.merge(session, settings, caller, row_id, data.author_ids)
    return get_author(session, public_id(Kind.AUTHOR, row_id))


@router.post(
    "/authors/{author_id}/split",
    status_code=201,
    response_model=AuthorDetail,
    operation_id="split_author",
    tags=["corrections"],
    responses=OWNER_WRITE,
)
def split_author(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    caller: CurrentAccount,
    author_id: AuthorIdPath,
    data: SplitIn,
) -> AuthorDetail:
    """Move works wrongly filed under this record onto a new, unclaimed record."""
    row_id = resolve_author_id(session, author_id)
    created = corrections.split(session, settings, caller, row_id, data.work_ids, data.display_name)
    location = public_id(Kind.AUTHOR, created)
    response.headers["Location"] = f"/v1/authors/{location}"
    return get_author(session, location)


@router.get(
    "/authors/{author_id}/corrections",
    response_model=Page[CorrectionOut],
    operation_id="list_author_corrections",
    tags=["corrections"],
    responses={**MOVED_RESPONSE, **problems(404)},
)
def list_corrections(
    session: SessionDep, author_id: AuthorIdPath, page: PageDep
) -> Page[CorrectionOut]:
    """The audit trail of a record: every change its owners and administrators made."""
    return corrections.corrections(session, resolve_author_id(session, author_id), page)
