"""An owner's corrections of their record: profile, works, merges and splits.

Each one is written to the audit trail (`author_corrections`). Decisions about works are
also kept as standing decisions (`author_work_decisions`) that ingestion respects, so the
next run does not undo them (see `app.ingest.pipeline`). After a change that moves works,
counts, topics and edges are refreshed with the same set-based SQL an ingestion run uses,
then verification and trust are derived again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, exists, func, insert, literal, select, update
from sqlalchemy.orm import Session

from app.accounts.deps import Caller
from app.claims.schemas import AuthorProfileUpdate, CorrectionOut, WorkDecisionOut
from app.claims.service import (
    audit,
    owner_of,
    refresh_author_state,
    require_owner,
    restore_imported_affiliation,
)
from app.core.errors import BadRequest, Conflict, Forbidden, NotFound
from app.core.ids import Kind, parse_public_id, public_id
from app.core.pagination import Meta, Page, PageParams, page_by_id
from app.core.settings import Settings
from app.ingest.names import ascii_fold
from app.ingest.refresh import refresh_after_run
from app.models import (
    Author,
    AuthorCorrection,
    Authorship,
    AuthorWorkDecision,
    Follow,
    Invitation,
)
from app.models.base import utcnow
from app.trust.service import recompute

PROFILE_FIELDS = (
    "display_name",
    "tagline",
    "bio",
    "homepage",
    "affiliation",
    "open_to_collaborate",
)


def update_profile(
    session: Session, caller: Caller, author_id: int, data: AuthorProfileUpdate
) -> None:
    require_owner(session, caller, author_id)
    author = session.get(Author, author_id)
    assert author is not None
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        if name not in data.model_fields_set:
            continue
        value = getattr(data, name)
        if name in ("display_name", "open_to_collaborate"):
            if value is None:
                continue  # null leaves these as they are (a record always has a name)
            if name == "display_name":
                value = value.strip(" \t\r\n")
        elif isinstance(value, str):
            value = value.strip(" \t\r\n") or None
        if name == "affiliation":
            old = (author.affiliation, author.affiliation_provenance)
            if value is None:
                restore_imported_affiliation(session, author)
            else:
                author.affiliation, author.affiliation_provenance = value, "stated"
            if old != (author.affiliation, author.affiliation_provenance):
                before[name], after[name] = old[0], author.affiliation
            continue
        if getattr(author, name) != value:
            before[name], after[name] = getattr(author, name), value
            setattr(author, name, value)
    if "display_name" in after:
        # Searchable under the new name at once (ingestion's refresh rebuilds this later).
        folded = ascii_fold(author.display_name)
        author.search_names = " ".join(
            dict.fromkeys([author.display_name, folded, *author.search_names.split(" ")])
        )[:10000]
    session.flush()
    if after:
        audit(session, author_id, "profile", actor=caller, role="owner",
              details={"before": before, "after": after})  # fmt: skip
        refresh_author_state(session, [author_id])


# --- works --------------------------------------------------------------------------------


def _work_on_record(session: Session, author_id: int, work_ref: str) -> tuple[int, int]:
    work_id = parse_public_id(work_ref, Kind.WORK, field="work_id")
    position = session.scalar(
        select(Authorship.position)
        .where(Authorship.work_id == work_id, Authorship.author_id == author_id)
        .order_by(Authorship.position)
        .limit(1)
    )
    if position is None:
        raise NotFound(f"{work_ref} is not a work on this record.")
    return work_id, position


def _decide(session: Session, author_id: int, work_id: int, decision: str, position: int) -> Any:
    row = session.get(AuthorWorkDecision, (author_id, work_id))
    if row is None:
        row = AuthorWorkDecision(author_id=author_id, work_id=work_id, position=position)
        session.add(row)
    row.decision = decision
    row.position = position
    row.decided_at = utcnow()
    session.flush()
    return row


def confirm_work(
    session: Session, caller: Caller, author_id: int, work_ref: str
) -> WorkDecisionOut:
    require_owner(session, caller, author_id)
    work_id, position = _work_on_record(session, author_id, work_ref)
    row = _decide(session, author_id, work_id, "confirmed", position)
    audit(session, author_id, "confirm_work", actor=caller, role="owner", work_id=work_id)
    session.flush()
    return _decision_out(row)


def reject_work(
    session: Session, settings: Settings, caller: Caller, author_id: int, work_ref: str
) -> WorkDecisionOut:
    """The work is not theirs: the name on it is unlinked from the record, and ingestion
    will never file it under this record again (it may find the right person, or make a
    new record)."""
    require_owner(session, caller, author_id)
    work_id, position = _work_on_record(session, author_id, work_ref)
    coauthors = _authors_on(session, [work_id])
    session.execute(
        update(Authorship)
        .where(Authorship.work_id == work_id, Authorship.author_id == author_id)
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    row = _decide(session, author_id, work_id, "rejected", position)
    audit(session, author_id, "reject_work", actor=caller, role="owner", work_id=work_id)
    _refresh(session, settings, {author_id}, coauthors)
    return _decision_out(row)


def _decision_out(row: AuthorWorkDecision) -> WorkDecisionOut:
    return WorkDecisionOut(
        author_id=public_id(Kind.AUTHOR, row.author_id),
        work_id=public_id(Kind.WORK, row.work_id),
        decision=row.decision,
        decided_at=row.decided_at,
    )


def _authors_on(session: Session, work_ids: Iterable[int]) -> set[int]:
    return set(
        session.scalars(
            select(Authorship.author_id).where(
                Authorship.work_id.in_(list(work_ids)), Authorship.author_id.is_not(None)
            )
        )
    )


def _refresh(session: Session, settings: Settings, records: set[int], coauthors: set[int]) -> None:
    """Counts, topics, edges and affiliations as ingestion derives them; then the claim
    state and trust of the records, and trust of the coauthors whose networks changed."""
    session.flush()
    refresh_after_run(session.connection(), records, settings)
    session.expire_all()
    refresh_author_state(session, records)
    recompute(session.connection(), coauthors - records)


# --- merge and split ----------------------------------------------------------------------


def merge(
    session: Session, settings: Settings, caller: Caller, survivor_id: int, refs: list[str]
) -> None:
    """Fold records of the same person into `survivor_id`; their ids answer 301 after."""
    require_owner(session, caller, survivor_id)
    merged_ids = sorted({parse_public_id(r, Kind.AUTHOR, field="author_ids") for r in refs})
    if survivor_id in merged_ids:
        raise BadRequest.for_field("author_ids", "A record cannot be merged into itself.")
    rows = session.scalars(select(Author).where(Author.id.in_(merged_ids))).all()
    found = {a.id: a for a in rows}
    for author_id in merged_ids:
        author = found.get(author_id)
        if author is None:
            raise NotFound(f"No author A{author_id}.")
        if author.merged_into_id is not None:
            raise Conflict(f"A{author_id} was already merged into another record.")
        if owner_of(session, author_id) != caller.id:
            raise Forbidden(f"A{author_id} is not yours: claim it before merging it.")
    all_ids = [survivor_id, *merged_ids]
    shared = session.scalar(
        select(Authorship.work_id)
        .where(Authorship.author_id.in_(all_ids))
        .group_by(Authorship.work_id)
        .having(func.count(func.distinct(Authorship.author_id)) > 1)
        .limit(1)
    )
    if shared is not None:
        raise Conflict(
            f"W{shared} lists more than one of these records: they are different people."
        )
    survivor = session.get(Author, survivor_id)
    assert survivor is not None
    orcids = {a.orcid for a in [survivor, *rows] if a.orcid}
    if len(orcids) > 1:
        raise Conflict("These records carry different ORCID iDs: they are different people.")
    coauthors = _authors_on(
        session,
        session.scalars(select(Authorship.work_id).where(Authorship.author_id.in_(merged_ids))),
    )
    orcid = next(iter(orcids), None)
    for author in rows:
        author.orcid = None
        author.merged_into_id = survivor_id
    session.flush()  # the ORCID moves: free it on the merged records first
    survivor.orcid = orcid
    connection = session.connection()
    connection.execute(
        update(Authorship).where(Authorship.author_id.in_(merged_ids)).values(author_id=survivor_id)
    )
    # Records merged into these earlier now point at the survivor directly.
    connection.execute(
        update(Author)
        .where(Author.merged_into_id.in_(merged_ids))
        .values(merged_into_id=survivor_id)
    )
    # Standing decisions travel with the works (the survivor's own win on a clash).
    connection.execute(
        delete(AuthorWorkDecision).where(
            AuthorWorkDecision.author_id.in_(merged_ids),
            AuthorWorkDecision.work_id.in_(
                select(AuthorWorkDecision.work_id).where(
                    AuthorWorkDecision.author_id == survivor_id
                )
            ),
        )
    )
    connection.execute(
        update(AuthorWorkDecision)
        .where(AuthorWorkDecision.author_id.in_(merged_ids))
        .values(author_id=survivor_id)
    )
    _move_followers(session, merged_ids, survivor_id)
    connection.execute(
        update(Invitation).where(Invitation.author_id.in_(merged_ids)).values(author_id=survivor_id)
    )
    for author_id in merged_ids:
        audit(session, survivor_id, "merge", actor=caller, role="owner", other_author_id=author_id)
        audit(session, author_id, "merged_into", actor=caller, role="owner",
              other_author_id=survivor_id)  # fmt: skip
    _refresh(session, settings, set(all_ids), coauthors)


def _move_followers(session: Session, merged_ids: list[int], survivor_id: int) -> None:
    """Followers of the merged records follow the survivor (once each); both counters move
    by exactly the rows inserted and deleted, as a follow request would move them."""
    connection = session.connection()
    followers = (
        select(Follow.account_id, func.min(Follow.created_at).label("created_at"))
        .where(Follow.author_id.in_(merged_ids))
        .group_by(Follow.account_id)
        .subquery()
    )
    # Counted through RETURNING: an INSERT's rowcount is not reliable on every driver.
    moved = len(
        connection.execute(
            insert(Follow)
            .from_select(
                ["account_id", "author_id", "created_at"],
                select(followers.c.account_id, literal(survivor_id), followers.c.created_at).where(
                    ~exists().where(
                        Follow.account_id == followers.c.account_id,
                        Follow.author_id == survivor_id,
                    )
                ),
            )
            .returning(Follow.id)
        ).all()
    )
    if moved:
        connection.execute(
            update(Author)
            .where(Author.id == survivor_id)
            .values(followers_count=Author.followers_count + moved)
        )
    for author_id in merged_ids:
        removed = connection.execute(delete(Follow).where(Follow.author_id == author_id))
        if removed.rowcount:
            connection.execute(
                update(Author)
                .where(Author.id == author_id)
                .values(followers_count=Author.followers_count - removed.rowcount)
            )


def split(
    session: Session,
    settings: Settings,
    caller: Caller,
    author_id: int,
    work_refs: list[str],
    display_name: str | None,
) -> int:
    """Move works that are someone else's onto a new, unclaimed record; returns its id."""
    require_owner(session, caller, author_id)
    positions = dict(_work_on_record(session, author_id, ref) for ref in dict.fromkeys(work_refs))
    source = session.get(Author, author_id)
    assert source is not None
    written = session.scalar(
        select(Authorship.display_name)
        .where(Authorship.work_id.in_(list(positions)), Authorship.author_id == author_id)
        .order_by(Authorship.work_id)
        .limit(1)
    )
    name = (display_name or "").strip(" \t\r\n") or written or source.display_name
    folded = ascii_fold(name)
    created = Author(
        display_name=name,
        family_name=source.family_name,
        name_key=source.name_key,
        search_names=name if folded == name else f"{name} {folded}",
        is_collaboration=source.is_collaboration,
        open_to_collaborate=False,
        affiliation_provenance="none",
        claim_status="unclaimed",
        verification_level=0,
        trust_score=0,
        works_count=0,
        followers_count=0,
        topics_count=0,
        coauthors_count=0,
        close_collaborators_count=0,
    )
    session.add(created)
    session.flush()
    coauthors = _authors_on(session, positions)
    session.execute(
        update(Authorship)
        .where(Authorship.work_id.in_(list(positions)), Authorship.author_id == author_id)
        .values(author_id=created.id)
        .execution_options(synchronize_session=False)
    )
    for work_id, position in positions.items():
        _decide(session, author_id, work_id, "rejected", position)
        audit(session, author_id, "split", actor=caller, role="owner", work_id=work_id,
              other_author_id=created.id)  # fmt: skip
        audit(session, created.id, "split_from", actor=caller, role="owner", work_id=work_id,
              other_author_id=author_id)  # fmt: skip
    _refresh(session, settings, {author_id, created.id}, coauthors)
    return created.id


# --- the audit trail ----------------------------------------------------------------------


def corrections(session: Session, author_id: int, page: PageParams) -> Page[CorrectionOut]:
    count, kept, cursor = page_by_id(
        session,
        AuthorCorrection,
        AuthorCorrection.id,
        [AuthorCorrection.author_id == author_id],
        page,
        newest_first=True,
    )
    return Page(
        meta=Meta(count=count, per_page=page.per_page, next_cursor=cursor),
        results=[
            CorrectionOut(
                id=r.id,
                action=r.action,
                actor_role=r.actor_role,
                work_id=public_id(Kind.WORK, r.work_id) if r.work_id else None,
                other_author_id=public_id(Kind.AUTHOR, r.other_author_id)
                if r.other_author_id
                else None,
                details=r.details,
                created_at=r.created_at,
            )
            for r in kept
        ],
    )
