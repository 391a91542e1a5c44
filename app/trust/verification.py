"""Verification levels L0-L3: the one place that decides how strongly a record is verified.

A verification level says how firmly an author record is tied to a real, identifiable
researcher. It is *not* a quality judgement; it feeds the identity component of the trust
score (see ``app.trust.scoring`` and ``docs/trust.md``).

- **L0**: nothing links the record to a source (e.g. created by hand, or every work was
  rejected by its owner and no verified claim exists).
- **L1**: derived from an authoritative source: the record has ingested works (arXiv
  metadata).
- **L2**: claimed by an account whose email address is verified.
- **L3**: the claim is confirmed by strong evidence: a matching ORCID iD, an institutional
  email domain that matches one of the record's affiliations, or an administrator's review.

The function is pure and monotone: turning any input from ``False`` to ``True`` never
lowers the level. Callers decide what counts as "strong evidence"; this module only fixes
how the facts combine, so the rule cannot drift between the claim workflow, ingestion and
the bulk recompute.
"""

from __future__ import annotations

from typing import Final

L0: Final = 0
L1: Final = 1
L2: Final = 2
L3: Final = 3

MIN_LEVEL: Final = L0
MAX_LEVEL: Final = L3

#: Short human descriptions, used in trust reasons and in the API documentation.
LEVEL_DESCRIPTIONS: Final[dict[int, str]] = {
    L0: "nothing links the record to a source",
    L1: "derived from an authoritative source (ingested works)",
    L2: "claimed by an account with a verified email address",
    L3: "claim confirmed by strong evidence (ORCID, institutional email or admin review)",
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
    - ``strong_evidence``: the claim was confirmed by a matching ORCID iD, an institutional
      email domain matching an affiliation, or an administrator's review.

    Evidence only ever confirms a *claim*: ``strong_evidence`` or a verified email on an
    unclaimed record are ignored, because there is no owner for them to vouch for. A claim
    with strong evidence is L3 even without a verified email, since every form of strong
    evidence is itself stronger proof of control than an email round trip. A claim by an
    account with an unverified email adds nothing over the ingested works.
    """
    if claimed and strong_evidence:
        return L3
    if claimed and owner_email_verified:
        return L2
    if has_ingested_works:
        return L1
    return L0
