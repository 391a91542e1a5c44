"""The trust score: a pure, deterministic, versioned function of documented signals.

``compute_trust(signals)`` turns plain facts about an author record (``TrustSignals``) into
a 0-100 integer score, a tier label, four explained components and a list of suggestions
saying what would raise the score and by exactly how much. Nothing here touches the
database or the web layer: the caller gathers the signals (in bulk, for the recompute
command) and stores the result with ``MODEL_VERSION``.

The model, its weights and the reasoning behind each of them are documented in
``docs/trust.md``; the constants below are the single source of those numbers, so a
change to any of them is a change of model and must bump ``MODEL_VERSION``.

Guarantees, each covered by property tests in ``tests/trust/test_scoring.py``:

- ``0 <= score <= 100`` and the score is exactly the sum of the component points;
- the same signals always give the same result;
- a stronger identity (higher verification level, a claim, an ORCID iD) never lowers it;
- one more published work never lowers it;
- ``followers_count`` never changes any part of the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Final, Literal, get_args

from app.trust.verification import LEVEL_DESCRIPTIONS, MAX_LEVEL, MIN_LEVEL

# 2026.12-1: same formulas and weights as 2026.11-1; `orcid_verified` and
# `open_disambiguation_conflicts` are now read from claims and corrections (they were
# always false and 0), a change of what a signal means (docs/trust.md, Model versioning).
MODEL_VERSION: Final = "trust-2026.12-1"

AffiliationProvenance = Literal["none", "imported", "stated", "verified"]
AFFILIATION_PROVENANCES: Final[tuple[str, ...]] = get_args(AffiliationProvenance)

# --- Tiers -------------------------------------------------------------------------------
# Inclusive score ranges. "Emerging" is where every record starts: an unclaimed record
# derived from ingested works cannot leave it on the strength of a thin record alone.
TIERS: Final[tuple[tuple[int, int, str], ...]] = (
    (0, 39, "Emerging"),
    (40, 64, "Established"),
    (65, 84, "Trusted"),
    (85, 100, "Exemplary"),
)

# --- Identity (35): is this record verifiably one real researcher? ------------------------
IDENTITY_MAX: Final = 35
# The biggest step is L1 -> L2: a human took responsibility for the record.
VERIFICATION_POINTS: Final[dict[int, int]] = {0: 0, 1: 5, 2: 15, 3: 24}
CLAIM_POINTS: Final = 5
ORCID_LINKED_POINTS: Final = 3
ORCID_VERIFIED_POINTS: Final = 3

# --- Scholarly record (30): is there a substantial, checkable body of work? ---------------
RECORD_MAX: Final = 30
VOLUME_POINTS: Final = 10
VOLUME_SATURATION: Final = 200  # works at which volume earns its full points
PUBLISHED_COUNT_POINTS: Final = 6
PUBLISHED_SATURATION: Final = 20  # published works at which the count earns full points
PUBLISHED_SHARE_POINTS: Final = 4
SPAN_POINTS: Final = 4
SPAN_SATURATION_YEARS: Final = 10
RECENCY_POINTS: Final = 2
RECENT_YEARS: Final = 2  # last work at most this many years ago: full recency points
LAPSED_YEARS: Final = 5  # at most this many years ago: half the recency points
VENUE_POINTS: Final = 4
VENUE_SATURATION: Final = 10

# --- Collaboration network (15): do other researchers vouch for this one by co-writing? ---
NETWORK_MAX: Final = 15
COAUTHOR_POINTS: Final = 5
COAUTHOR_SATURATION: Final = 200
CLOSE_COLLABORATOR_POINTS: Final = 6
CLOSE_COLLABORATOR_SATURATION: Final = 10
# Borrowed trust is capped low on purpose: at most 4 points can flow in from coauthors, so
# one author's score moves by at most 0.04 per point of their coauthors' mean. Scores that
# feed each other through a clique therefore converge and cannot pump each other up.
COAUTHOR_TRUST_POINTS: Final = 4

# --- Profile completeness and consistency (20) ---------------------------------------------
PROFILE_MAX: Final = 20
# An affiliation read from the record's own works is independent evidence; one stated by
# the owner is only their word until an institutional email confirms it.
AFFILIATION_POINTS: Final[dict[str, int]] = {"none": 0, "stated": 3, "imported": 4, "verified": 6}
HOMEPAGE_POINTS: Final = 4
BIO_POINTS: Final = 3
TAGLINE_POINTS: Final = 3
CONSISTENCY_POINTS: Final = 4  # works on the record and no open disambiguation conflict
CONFLICT_PENALTY: Final = 4  # per open conflict, taken from the whole profile component

MAX_SCORE: Final = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustSignals:
    """Everything the trust model looks at, as plain values.

    Counts are exact counts for the (possibly merged) record. Out-of-domain values raise
    ``ValueError``; merely inconsistent counts (more published works than works, which a
    concurrent update can briefly produce) are clamped instead, so that one odd row cannot
    abort a bulk recompute.
    """

    verification_level: int
    """0-3, from ``app.trust.verification.verification_level``."""
    claimed: bool
    has_orcid: bool
    orcid_verified: bool
    """The record's ORCID iD is confirmed by its owner: the owner's approved claim named that
    iD and the check matched (docs/trust.md); implies ``has_orcid``."""
    works_count: int
    published_works_count: int
    """Works typed article, conference paper, book chapter, ...: anything but a preprint."""
    preprint_count: int
    distinct_venues: int
    """Distinct journals and conferences of the published works; arXiv is not a venue."""
    first_year: int | None
    """Year of the earliest work's first version; ``None`` if unknown."""
    last_year: int | None
    current_year: int
    """Passed in, never read from the clock, so the function stays pure."""
    coauthors_count: int
    close_collaborators_count: int
    mean_coauthor_trust: float | None
    """Mean stored score (0-100) of the coauthors, this author excluded; ``None`` if none."""
    affiliation_provenance: AffiliationProvenance
    has_homepage: bool
    has_bio: bool
    """An owner-written bio; a generated placeholder does not count."""
    has_tagline: bool
    """An owner-written tagline; a generated placeholder does not count."""
    open_disambiguation_conflicts: int
    """Open doubts that the record is one person: an open dispute over it (counted once)
    plus each work its owner rejected that is still filed on it (docs/trust.md)."""
    followers_count: int = 0
    """Accepted so callers can pass a whole author row, and deliberately ignored: followers
    are a popularity signal that can be bought or farmed, never evidence of identity."""

    def __post_init__(self) -> None:
        if not MIN_LEVEL <= self.verification_level <= MAX_LEVEL:
            raise ValueError(f"verification_level must be 0-3, got {self.verification_level}")
        for name in (
            "works_count",
            "published_works_count",
            "preprint_count",
            "distinct_venues",
            "coauthors_count",
            "close_collaborators_count",
            "open_disambiguation_conflicts",
            "followers_count",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")
        if self.mean_coauthor_trust is not None and not 0 <= self.mean_coauthor_trust <= 100:
            # Also rejects NaN, for which every comparison is false.
            raise ValueError(f"mean_coauthor_trust must be 0-100, got {self.mean_coauthor_trust}")
        if self.affiliation_provenance not in AFFILIATION_PROVENANCES:
            raise ValueError(f"unknown affiliation_provenance {self.affiliation_provenance!r}")


@dataclass(frozen=True, slots=True)
class TrustComponent:
    """One explained part of the score: ``points`` out of ``max_points``, with reasons."""

    key: str
    label: str
    points: int
    max_points: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TrustSuggestion:
    """Something that would raise the score; ``max_gain`` is exact for that change alone."""

    action: str
    description: str
    max_gain: int


@dataclass(frozen=True, slots=True)
class TrustResult:
    """A scored record: ``score`` is exactly the sum of the components' points."""

    score: int
    tier: str
    model_version: str
    components: tuple[TrustComponent, ...]
    suggestions: tuple[TrustSuggestion, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form, for storing on the author and for the API."""
        return {
            "score": self.score,
            "tier": self.tier,
            "model_version": self.model_version,
            "components": [
                {
                    "key": c.key,
                    "label": c.label,
                    "points": c.points,
                    "max_points": c.max_points,
                    "reasons": list(c.reasons),
                }
                for c in self.components
            ],
            "suggestions": [
                {"action": s.action, "description": s.description, "max_gain": s.max_gain}
                for s in self.suggestions
            ],
        }


def tier_for(score: int) -> str:
    """The tier label of a score (see ``TIERS`` for the inclusive cut-offs)."""
    for low, high, label in TIERS:
        if low <= score <= high:
            return label
    raise ValueError(f"score must be 0-100, got {score}")


# --- helpers -------------------------------------------------------------------------------


def _round(value: float) -> int:
    # Half-up rather than Python's banker's rounding: easier to explain, and still monotone.
    return math.floor(value + 0.5)


def _saturating_log(count: int, saturation: int) -> float:
    """Share (0-1) earned by ``count``: logarithmic, full at ``saturation``.

    Diminishing returns: the first works say far more about a record than the hundredth.
    """
    return min(1.0, math.log1p(count) / math.log1p(saturation))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else noun + 's'}"


def _pts(value: float, maximum: int) -> str:
    return f"{value:.1f} of {maximum} points"


def _component(
    key: str, label: str, maximum: int, parts: list[tuple[float, str]]
) -> TrustComponent:
    # sum() over a list rather than a generator: cheaper, and still sum() itself (which
    # adds floats differently from a plain loop since Python 3.12), so the same points.
    values: list[float] = []
    reasons: list[str] = []
    for value, reason in parts:
        values.append(value)
        reasons.append(reason)
    raw = sum(values)
    # Round once per component, then clamp: components are integers that add up to the score.
    points = min(maximum, max(0, _round(raw)))
    return TrustComponent(key, label, points, maximum, tuple(reasons))


# --- components ----------------------------------------------------------------------------


# Each component reads only a few signals and recurs for many records (a bulk recompute
# scores tens of thousands of records with one or two works and the same counts), so it is
# built once per distinct input and shared: components are immutable. `typed=True` keeps
# True and 1, or 1 and 1.0, apart, as their reasons may print differently.


def _identity(s: TrustSignals) -> TrustComponent:
    return _identity_of(s.verification_level, s.claimed, s.has_orcid, s.orcid_verified)


@lru_cache(maxsize=256, typed=True)
def _identity_of(
    level: int, claimed: bool, has_orcid: bool, orcid_verified: bool
) -> TrustComponent:
    parts: list[tuple[float, str]] = [
        (
            VERIFICATION_POINTS[level],
            f"Verification L{level}: {LEVEL_DESCRIPTIONS[level]} "
            f"({VERIFICATION_POINTS[level]} of {VERIFICATION_POINTS[MAX_LEVEL]} points).",
        )
    ]
    if claimed:
        parts.append(
            (CLAIM_POINTS, f"Claimed by an account ({CLAIM_POINTS} of {CLAIM_POINTS} points).")
        )
    else:
        parts.append(
            (0, f"Unclaimed: no researcher has taken ownership (0 of {CLAIM_POINTS} points).")
        )
    orcid_max = ORCID_LINKED_POINTS + ORCID_VERIFIED_POINTS
    if orcid_verified:
        parts.append(
            (
                orcid_max,
                f"ORCID iD linked and confirmed by its owner ({orcid_max} of {orcid_max} points).",
            )
        )
    elif has_orcid:
        parts.append(
            (
                ORCID_LINKED_POINTS,
                f"ORCID iD linked but not confirmed by its owner "
                f"({ORCID_LINKED_POINTS} of {orcid_max} points).",
            )
        )
    else:
        parts.append((0, f"No ORCID iD linked (0 of {orcid_max} points)."))
    return _component("identity", "Identity", IDENTITY_MAX, parts)


def _record(s: TrustSignals) -> TrustComponent:
    return _record_of(
        s.works_count,
        s.published_works_count,
        s.preprint_count,
        s.distinct_venues,
        s.first_year,
        s.last_year,
        s.current_year,
    )


@lru_cache(maxsize=8192, typed=True)
def _record_of(
    n: int,
    published_works_count: int,
    preprint_count: int,
    distinct_venues: int,
    first_year: int | None,
    last_year: int | None,
    current_year: int,
) -> TrustComponent:
    # Clamped, not rejected: a concurrent count update can briefly make them disagree.
    published = min(published_works_count, n)

    volume = VOLUME_POINTS * _saturating_log(n, VOLUME_SATURATION)
    parts: list[tuple[float, str]] = [
        (
            volume,
            f"{_plural(n, 'work')} on the record: {_pts(volume, VOLUME_POINTS)} "
            f"(diminishing returns, full at {VOLUME_SATURATION} works).",
        )
    ]

    # The count rewards a body of peer-reviewed work; the share rewards a record that is not
    # mostly unreviewed. Both can only grow when a published work is added, because
    # (p + 1) / (n + 1) >= p / n whenever p <= n.
    published_count = PUBLISHED_COUNT_POINTS * _saturating_log(published, PUBLISHED_SATURATION)
    share = published / n if n else 0.0
    published_share = PUBLISHED_SHARE_POINTS * share
    parts.append(
        (
            published_count + published_share,
            f"{published} of {_plural(n, 'work')} published in a journal or conference, "
            f"{_plural(preprint_count, 'preprint')} ({share:.0%}): "
            f"{_pts(published_count, PUBLISHED_COUNT_POINTS)} for the count "
            f"(full at {PUBLISHED_SATURATION}), "
            f"{_pts(published_share, PUBLISHED_SHARE_POINTS)} for the share.",
        )
    )

    # A year after the current one is a data error; never let it stretch the span.
    first = first_year
    last = None if last_year is None else min(last_year, current_year)
    if first is not None and last is not None:
        years = max(0, last - first)
        span = SPAN_POINTS * min(years, SPAN_SATURATION_YEARS) / SPAN_SATURATION_YEARS
        parts.append(
            (
                span,
                f"Publishing from {first} to {last}, a span of {_plural(years, 'year')}: "
                f"{_pts(span, SPAN_POINTS)} (full at {SPAN_SATURATION_YEARS} years).",
            )
        )
    else:
        parts.append((0.0, f"Span of publication years unknown (0 of {SPAN_POINTS} points)."))

    if last is None:
        parts.append((0.0, f"Year of the latest work unknown (0 of {RECENCY_POINTS} points)."))
    else:
        gap = current_year - last
        if gap <= RECENT_YEARS:
            recency = float(RECENCY_POINTS)
        elif gap <= LAPSED_YEARS:
            recency = RECENCY_POINTS / 2
        else:
            recency = 0.0
        when = "this year" if gap == 0 else f"{_plural(gap, 'year')} before {current_year}"
        parts.append(
            (
                recency,
                f"Latest work in {last}, {when}: "
                f"{_pts(recency, RECENCY_POINTS)} (full within {RECENT_YEARS} years, "
                f"half within {LAPSED_YEARS}).",
            )
        )

    venues = VENUE_POINTS * _saturating_log(distinct_venues, VENUE_SATURATION)
    parts.append(
        (
            venues,
            f"{_plural(distinct_venues, 'distinct venue')} (journals and conferences; arXiv "
            f"not counted): {_pts(venues, VENUE_POINTS)} (full at {VENUE_SATURATION}).",
        )
    )
    return _component("scholarly_record", "Scholarly record", RECORD_MAX, parts)


def _network(s: TrustSignals) -> TrustComponent:
    mean = s.mean_coauthor_trust
    sign = 1.0 if mean is None else math.copysign(1.0, mean)
    return _network_of(s.coauthors_count, s.close_collaborators_count, mean, sign)


@lru_cache(maxsize=8192, typed=True)
def _network_of(
    coauthors_count: int,
    close_collaborators_count: int,
    mean_coauthor_trust: float | None,
    mean_sign: float,
) -> TrustComponent:
    # `mean_sign` only keeps 0.0 and -0.0 apart in the cache (equal, but printed apart).
    coauthors = COAUTHOR_POINTS * _saturating_log(coauthors_count, COAUTHOR_SATURATION)
    close = CLOSE_COLLABORATOR_POINTS * _saturating_log(
        close_collaborators_count, CLOSE_COLLABORATOR_SATURATION
    )
    parts: list[tuple[float, str]] = [
        (
            coauthors,
            f"{_plural(coauthors_count, 'coauthor')}: {_pts(coauthors, COAUTHOR_POINTS)} "
            f"(diminishing returns, full at {COAUTHOR_SATURATION}).",
        ),
        (
            close,
            f"{_plural(close_collaborators_count, 'close collaborator')}: "
            f"{_pts(close, CLOSE_COLLABORATOR_POINTS)} "
            f"(diminishing returns, full at {CLOSE_COLLABORATOR_SATURATION}).",
        ),
    ]
    if mean_coauthor_trust is None:
        parts.append((0.0, f"No coauthor trust scores yet (0 of {COAUTHOR_TRUST_POINTS} points)."))
    else:
        borrowed = COAUTHOR_TRUST_POINTS * mean_coauthor_trust / MAX_SCORE
        parts.append(
            (
                borrowed,
                f"Coauthors' mean trust {mean_coauthor_trust:.0f}/100: "
                f"{_pts(borrowed, COAUTHOR_TRUST_POINTS)} (capped so that a group of "
                f"coauthors cannot raise each other's scores).",
            )
        )
    return _component("collaboration_network", "Collaboration network", NETWORK_MAX, parts)


_PROVENANCE_WORDS: Final[dict[str, str]] = {
    "none": "No affiliation on record",
    "imported": "Affiliation imported from the record's works",
    "stated": "Affiliation stated by the owner, not yet confirmed",
    "verified": "Affiliation confirmed by an institutional email or a review",
}


def _profile(s: TrustSignals) -> TrustComponent:
    return _profile_of(
        s.affiliation_provenance,
        s.has_homepage,
        s.has_bio,
        s.has_tagline,
        s.open_disambiguation_conflicts,
        s.works_count == 0,
    )


@lru_cache(maxsize=1024, typed=True)
def _profile_of(
    affiliation_provenance: str,
    has_homepage: bool,
    has_bio: bool,
    has_tagline: bool,
    open_disambiguation_conflicts: int,
    no_works: bool,
) -> TrustComponent:
    affiliation = AFFILIATION_POINTS[affiliation_provenance]
    max_affiliation = AFFILIATION_POINTS["verified"]
    parts: list[tuple[float, str]] = [
        (
            affiliation,
            f"{_PROVENANCE_WORDS[affiliation_provenance]} "
            f"({affiliation} of {max_affiliation} points).",
        )
    ]
    for present, points, what in (
        (has_homepage, HOMEPAGE_POINTS, "Homepage"),
        (has_bio, BIO_POINTS, "Bio"),
        (has_tagline, TAGLINE_POINTS, "Tagline"),
    ):
        if present:
            parts.append((points, f"{what} provided ({points} of {points} points)."))
        else:
            parts.append((0, f"{what} missing (0 of {points} points)."))
    conflicts = open_disambiguation_conflicts
    if conflicts:
        # The record may mix two people: that doubt outweighs how complete the profile is, so
        # the penalty may eat into the other profile points (the component stops at 0).
        penalty = CONFLICT_PENALTY * conflicts
        parts.append(
            (
                CONSISTENCY_POINTS - penalty,
                f"{_plural(conflicts, 'open disambiguation conflict')}: "
                f"{CONSISTENCY_POINTS} points minus {penalty} ({CONFLICT_PENALTY} per conflict; "
                f"this component never goes below 0).",
            )
        )
    elif no_works:
        # Consistency of an empty record is vacuous: nothing has been checked.
        parts.append(
            (0, f"No works to check for consistency yet (0 of {CONSISTENCY_POINTS} points).")
        )
    else:
        parts.append(
            (
                CONSISTENCY_POINTS,
                f"No open disambiguation conflicts on the record's works "
                f"({CONSISTENCY_POINTS} of {CONSISTENCY_POINTS} points).",
            )
        )
    return _component("profile", "Profile completeness and consistency", PROFILE_MAX, parts)


def _components(s: TrustSignals) -> tuple[TrustComponent, ...]:
    return (_identity(s), _record(s), _network(s), _profile(s))


def _score(s: TrustSignals) -> int:
    return sum(c.points for c in _components(s))


# --- suggestions ---------------------------------------------------------------------------
# Each action is a counterfactual: the signals as they would be after the action. Its gain is
# computed by scoring those signals, so the number shown is exactly what the model would give.

SUGGESTION_ACTIONS: Final[tuple[str, ...]] = (
    "claim",
    "verify_claim",
    "link_orcid",
    "link_published_versions",
    "state_affiliation",
    "verify_affiliation",
    "add_homepage",
    "add_bio",
    "add_tagline",
    "resolve_conflicts",
)


def apply_suggestion(signals: TrustSignals, action: str) -> TrustSignals:
    """The signals as they would be once ``action`` is done (and nothing else changed)."""
    s = signals
    match action:
        case "claim":
            return replace(s, claimed=True, verification_level=max(s.verification_level, 2))
        case "verify_claim":
            return replace(s, claimed=True, verification_level=MAX_LEVEL)
        case "link_orcid":
            return replace(s, has_orcid=True, orcid_verified=True)
        case "link_published_versions":
            published = min(s.works_count, s.published_works_count + s.preprint_count)
            converted = published - min(s.published_works_count, s.works_count)
            return replace(
                s,
                published_works_count=published,
                preprint_count=max(0, s.preprint_count - converted),
            )
        case "state_affiliation":
            return replace(s, affiliation_provenance="stated")
        case "verify_affiliation":
            return replace(s, affiliation_provenance="verified")
        case "add_homepage":
            return replace(s, has_homepage=True)
        case "add_bio":
            return replace(s, has_bio=True)
        case "add_tagline":
            return replace(s, has_tagline=True)
        case "resolve_conflicts":
            return replace(s, open_disambiguation_conflicts=0)
    raise ValueError(f"unknown trust action {action!r}")


def _describe(s: TrustSignals, action: str, gain: int) -> str:
    owner_only = "" if s.claimed else " (once the record is claimed)"
    text = {
        "claim": (
            "Claim this record from an account with a verified email address (L2)"
            if not s.claimed
            else "Verify the email address of the account that owns this record (L2)"
        ),
        "verify_claim": (
            ("Confirm the claim" if s.claimed else "Claim this record and confirm the claim")
            + " with strong evidence: a matching ORCID iD, an institutional email domain "
            "matching an affiliation, or an administrator's review (L3)"
        ),
        "link_orcid": (
            "Confirm the linked ORCID iD by signing in with ORCID"
            if s.has_orcid
            else "Link an ORCID iD and confirm it by signing in with ORCID"
        )
        + owner_only,
        "link_published_versions": (
            f"Record where the {_plural(s.preprint_count, 'preprint')} "
            f"{'was' if s.preprint_count == 1 else 'were'} published "
            f"(journal reference or DOI)"
        ),
        "state_affiliation": "State a current affiliation" + owner_only,
        "verify_affiliation": (
            "Confirm the affiliation with an email address at the institution's domain" + owner_only
        ),
        "add_homepage": "Add a homepage" + owner_only,
        "add_bio": "Add a short bio" + owner_only,
        "add_tagline": "Add a one-line tagline" + owner_only,
        "resolve_conflicts": (
            f"Resolve the "
            f"{_plural(s.open_disambiguation_conflicts, 'open disambiguation conflict')} "
            f"(confirm or reject the disputed works)"
        ),
    }[action]
    return f"{text}: up to +{gain}"


def _suggestions(s: TrustSignals, score: int) -> tuple[TrustSuggestion, ...]:
    found: list[tuple[int, int, TrustSuggestion]] = []
    seen: set[TrustSignals] = {s}
    for order, action in enumerate(SUGGESTION_ACTIONS):
        after = apply_suggestion(s, action)
        # An action that changes nothing, or the same thing as an earlier one (e.g. confirming
        # a claim on a record whose level is already L3), would only repeat a suggestion.
        if after in seen:
            continue
        seen.add(after)
        gain = _score(after) - score
        if gain > 0:
            found.append((-gain, order, TrustSuggestion(action, _describe(s, action, gain), gain)))
    # Biggest gain first; ties keep the fixed action order, so the list is deterministic.
    found.sort(key=lambda item: (item[0], item[1]))
    return tuple(suggestion for _, _, suggestion in found)


def compute_trust(signals: TrustSignals, *, suggest: bool = True) -> TrustResult:
    """Score an author record: the score, its tier, explained components and suggestions.

    Suggestions re-run the model once per possible action, so bulk recomputes pass
    ``suggest=False`` and the API derives them for the one author it shows.
    """
    components = _components(signals)
    score = sum(c.points for c in components)
    return TrustResult(
        score=score,
        tier=tier_for(score),
        model_version=MODEL_VERSION,
        components=components,
        suggestions=_suggestions(signals, score) if suggest else (),
    )
