"""Verification levels L0-L3: the one place that decides how strongly a record is verified.

A verification level says how firmly an author record is tied to a real, identifiable
researcher. It is *not* a quality judgement; it feeds the identity component of the trust
score (see ``app.trust.scoring`` and ``docs/trust.md``).

- **L0**: nothing links the record to a source (e.g. created by hand, or every work was
  rejected by its owner and no verified claim exists).
- **L1**: derived from an authoritative source: the record has ingested works (arXiv
  metadata).
- **L2**: claimed by an account whose email address is verified.
- **L3**: the claim is confirmed by strong evidence: an institutional email domain that
  matches one of the record's affiliations (with a fitting name), or an administrator's
  review.

The function is pure and monotone: turning any input from ``False`` to ``True`` never
lowers the level. Callers decide what counts as "strong evidence"; this module only fixes
how the facts combine, so the rule cannot drift between the claim workflow, ingestion and
the bulk recompute. The rule is written once, as `_RULE`, and read two ways:
`verification_level` applies it to Python booleans (the claim workflow, per record), and
`verification_level_sql` renders it as a SQL ``CASE`` over SQL conditions (ingestion's
set-based refresh, for every record a run touched, in one statement).
"""

from __future__ import annotations

from typing import Final

L0: Final = 0
L1: Final = 1
L2: Final = 2
L3: Final = 3

MIN_LEVEL: Final = L0
MAX_LEVEL: Final = L3

# The rule, strongest level first: a record has the first level all of whose facts hold,
# else L0. Every fact only ever appears positively, which is what makes it monotone.
_RULE: Final[tuple[tuple[int, tuple[str, ...]], ...]] = (
    (L3, ("claimed", "strong_evidence")),
    (L2, ("claimed", "owner_email_verified")),
    (L1, ("has_ingested_works",)),
)

#: Short human descriptions, used in trust reasons and in the API documentation.
LEVEL_DESCRIPTIONS: Final[dict[int, str]] = {
    L0: "nothing links the record to a source",
    L1: "derived from an authoritative source (ingested works)",
    L2: "claimed by an account with a verified email address",
    L3: "claim confirmed by strong evidence (institutional email or an administrator's review)",
}


def verification_level(
    has_ingested_works: bool,
    claimed: bool,
    owner_email_verified: bool,
    strong_evidence: bool,
) -> int:
    """Return the verification level (0-3) of an author record.

    Pass the arguments by keyword; four positional booleans are easy to swap.

    - ``has_ingested_works``: at least one work of the record came from ingestion.
    - ``claimed``: an account owns the record (an approved claim).
    - ``owner_email_verified``: the owning account has verified its email address.
    - ``strong_evidence``: the claim was confirmed by strong evidence; the claim workflow
      (``app.claims.evidence.assess``, docs/claims.md) counts an institutional email domain
      matching an affiliation, with a fitting name, and an administrator's review. (A
      matching ORCID iD is public, so it counts only once ORCID sign-in verifies it.)

    Evidence only ever confirms a *claim*: ``strong_evidence`` or a verified email on an
    unclaimed record are ignored, because there is no owner for them to vouch for. A claim
    with strong evidence is L3 even without a verified email, since every form of strong
    evidence is itself stronger proof of control than an email round trip. A claim by an
    account with an unverified email adds nothing over the ingested works.
    """
    facts = {
        "has_ingested_works": has_ingested_works,
        "claimed": claimed,
        "owner_email_verified": owner_email_verified,
        "strong_evidence": strong_evidence,
    }
    for level, needed in _RULE:
        if all(facts[name] for name in needed):
            return level
    return L0


def verification_level_sql(
    *,
    has_ingested_works: str,
    claimed: str,
    owner_email_verified: str,
    strong_evidence: str,
) -> str:
    """The same rule as `verification_level`, as a SQL ``CASE`` expression (an integer).

    Each argument is a SQL boolean condition for that fact, evaluated on the row being
    updated (e.g. ``works_count > 0``). The conditions of a level are joined with ``AND``
    in the rule's order, so a cheap first fact (``claim_status = 'claimed'``) keeps the
    costlier ones (a claim lookup) from running for most rows. Plain text, the same on
    SQLite and PostgreSQL; the caller owns the conditions and any parameters in them.
    """
    facts = {
        "has_ingested_works": has_ingested_works,
        "claimed": claimed,
        "owner_email_verified": owner_email_verified,
        "strong_evidence": strong_evidence,
    }
    whens = " ".join(
        f"WHEN {' AND '.join(f'({facts[name]})' for name in needed)} THEN {level}"
        for level, needed in _RULE
    )
    return f"CASE {whens} ELSE {L0} END"
