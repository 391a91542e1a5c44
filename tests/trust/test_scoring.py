"""Tests of the pure trust model: properties that must hold for every input, and worked examples.

The property tests are the contract of ``docs/trust.md``: bounded, deterministic, monotone
in identity and in published works, blind to followers, components adding up to the score,
tiers matching their cut-offs, and suggestions whose gains are exactly what the model gives.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.trust import scoring
from app.trust.scoring import (
    AFFILIATION_POINTS,
    AFFILIATION_PROVENANCES,
    BIO_POINTS,
    CLAIM_POINTS,
    CLOSE_COLLABORATOR_POINTS,
    COAUTHOR_POINTS,
    COAUTHOR_TRUST_POINTS,
    CONSISTENCY_POINTS,
    HOMEPAGE_POINTS,
    IDENTITY_MAX,
    MAX_SCORE,
    MODEL_VERSION,
    NETWORK_MAX,
    ORCID_LINKED_POINTS,
    ORCID_VERIFIED_POINTS,
    PROFILE_MAX,
    PUBLISHED_COUNT_POINTS,
    PUBLISHED_SHARE_POINTS,
    RECENCY_POINTS,
    RECORD_MAX,
    SPAN_POINTS,
    SUGGESTION_ACTIONS,
    TAGLINE_POINTS,
    TIERS,
    VENUE_POINTS,
    VERIFICATION_POINTS,
    VOLUME_POINTS,
    TrustResult,
    TrustSignals,
    apply_suggestion,
    compute_trust,
    tier_for,
)
from app.trust.verification import verification_level

DOCS = Path(__file__).resolve().parents[2] / "docs" / "trust.md"

# --- strategies ------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=5_000)
years = st.none() | st.integers(min_value=1950, max_value=2040)


@st.composite
def trust_signals(draw: st.DrawFn, consistent: bool = True) -> TrustSignals:
    """Any valid signals. ``consistent=False`` also allows counts that disagree with each other
    (more published works than works), which the model must tolerate."""
    works = draw(counts)
    if consistent:
        published = draw(st.integers(0, works))
        preprints = draw(st.integers(0, works - published))
        venues = draw(st.integers(0, published))
        close = draw(st.integers(0, 200))
        coauthors = draw(st.integers(close, close + 2_000))
    else:
        published, preprints, venues, close, coauthors = (draw(counts) for _ in range(5))
    has_orcid = draw(st.booleans())
    return TrustSignals(
        verification_level=draw(st.integers(0, 3)),
        claimed=draw(st.booleans()),
        has_orcid=has_orcid,
        orcid_verified=draw(st.booleans()) if has_orcid or not consistent else False,
        works_count=works,
        published_works_count=published,
        preprint_count=preprints,
        distinct_venues=venues,
        first_year=draw(years),
        last_year=draw(years),
        current_year=draw(st.integers(2000, 2040)),
        coauthors_count=coauthors,
        close_collaborators_count=close,
        mean_coauthor_trust=draw(st.none() | st.floats(0, 100, allow_nan=False)),
        affiliation_provenance=draw(st.sampled_from(AFFILIATION_PROVENANCES)),
        has_homepage=draw(st.booleans()),
        has_bio=draw(st.booleans()),
        has_tagline=draw(st.booleans()),
        open_disambiguation_conflicts=draw(st.integers(0, 8)),
        followers_count=draw(st.integers(0, 10_000_000)),
    )


any_signals = trust_signals() | trust_signals(consistent=False)


def add_published_work(s: TrustSignals, year: int | None, new_venue: bool) -> TrustSignals:
    """The record after one more published work (in ``year``, maybe in a new venue)."""
    first, last = s.first_year, s.last_year
    if year is not None:
        first = year if first is None else min(first, year)
        last = year if last is None else max(last, year)
    return replace(
        s,
        works_count=s.works_count + 1,
        published_works_count=s.published_works_count + 1,
        distinct_venues=s.distinct_venues + int(new_venue),
        first_year=first,
        last_year=last,
    )


def signals(**overrides: object) -> TrustSignals:
    """The reference page's author: unclaimed, L1, 48 preprints, 4 close collaborators."""
    values: dict[str, object] = {
        "verification_level": 1,
        "claimed": False,
        "has_orcid": False,
        "orcid_verified": False,
        "works_count": 48,
        "published_works_count": 0,
        "preprint_count": 48,
        "distinct_venues": 0,
        "first_year": 2021,
        "last_year": 2026,
        "current_year": 2026,
        "coauthors_count": 40,
        "close_collaborators_count": 4,
        "mean_coauthor_trust": 22.0,
        "affiliation_provenance": "none",
        "has_homepage": False,
        "has_bio": False,
        "has_tagline": False,
        "open_disambiguation_conflicts": 0,
        "followers_count": 0,
    }
    values.update(overrides)
    return TrustSignals(**values)  # type: ignore[arg-type]


def points(result: TrustResult) -> dict[str, int]:
    return {c.key: c.points for c in result.components}


def gains(result: TrustResult) -> list[tuple[str, int]]:
    return [(s.action, s.max_gain) for s in result.suggestions]


# --- the weights -----------------------------------------------------------------------------


def test_component_maxima_partition_100_points() -> None:
    assert IDENTITY_MAX + RECORD_MAX + NETWORK_MAX + PROFILE_MAX == MAX_SCORE == 100
    assert (
        VERIFICATION_POINTS[3] + CLAIM_POINTS + ORCID_LINKED_POINTS + ORCID_VERIFIED_POINTS
    ) == IDENTITY_MAX
    assert RECORD_MAX == (
        VOLUME_POINTS
        + PUBLISHED_COUNT_POINTS
        + PUBLISHED_SHARE_POINTS
        + SPAN_POINTS
        + RECENCY_POINTS
        + VENUE_POINTS
    )
    assert NETWORK_MAX == COAUTHOR_POINTS + CLOSE_COLLABORATOR_POINTS + COAUTHOR_TRUST_POINTS
    assert (
        AFFILIATION_POINTS["verified"]
        + HOMEPAGE_POINTS
        + BIO_POINTS
        + TAGLINE_POINTS
        + CONSISTENCY_POINTS
    ) == PROFILE_MAX
    result = compute_trust(signals())
    assert [(c.key, c.max_points) for c in result.components] == [
        ("identity", IDENTITY_MAX),
        ("scholarly_record", RECORD_MAX),
        ("collaboration_network", NETWORK_MAX),
        ("profile", PROFILE_MAX),
    ]


def test_verification_points_grow_with_the_level() -> None:
    levels = [VERIFICATION_POINTS[level] for level in range(4)]
    assert levels == sorted(levels)
    assert levels[0] == 0


def test_a_perfect_record_scores_100_and_an_empty_one_0() -> None:
    perfect = signals(
        verification_level=3,
        claimed=True,
        has_orcid=True,
        orcid_verified=True,
        works_count=500,
        published_works_count=500,
        preprint_count=0,
        distinct_venues=40,
        first_year=1990,
        coauthors_count=400,
        close_collaborators_count=30,
        mean_coauthor_trust=100.0,
        affiliation_provenance="verified",
        has_homepage=True,
        has_bio=True,
        has_tagline=True,
    )
    assert compute_trust(perfect).score == 100
    assert compute_trust(perfect).suggestions == ()
    empty = signals(
        verification_level=0,
        works_count=0,
        preprint_count=0,
        first_year=None,
        last_year=None,
        coauthors_count=0,
        close_collaborators_count=0,
        mean_coauthor_trust=None,
    )
    assert compute_trust(empty).score == 0


# --- properties ------------------------------------------------------------------------------


@given(any_signals)
def test_score_is_bounded_and_the_sum_of_its_components(s: TrustSignals) -> None:
    result = compute_trust(s)
    assert 0 <= result.score <= 100
    assert result.score == sum(c.points for c in result.components)
    assert sum(c.max_points for c in result.components) == 100
    for component in result.components:
        assert 0 <= component.points <= component.max_points
        assert component.reasons
        assert all(reason.strip() for reason in component.reasons)
    assert result.model_version == MODEL_VERSION


@given(any_signals)
def test_tier_matches_the_cut_offs(s: TrustSignals) -> None:
    result = compute_trust(s)
    assert result.tier == tier_for(result.score)
    matching = [label for low, high, label in TIERS if low <= result.score <= high]
    assert matching == [result.tier]


@given(any_signals)
def test_deterministic(s: TrustSignals) -> None:
    twin = replace(s)  # an equal but distinct object
    assert twin is not s
    assert compute_trust(s) == compute_trust(s) == compute_trust(twin)
    assert json.dumps(compute_trust(s).as_dict()) == json.dumps(compute_trust(twin).as_dict())


@given(any_signals, st.integers(0, 10**9))
def test_followers_never_change_anything(s: TrustSignals, followers: int) -> None:
    # Not only the score: no reason or suggestion may mention or depend on followers.
    assert compute_trust(replace(s, followers_count=followers)) == compute_trust(s)


@settings(max_examples=300)
@given(any_signals, st.data())
def test_stronger_identity_never_lowers_the_score(s: TrustSignals, data: st.DataObject) -> None:
    stronger = replace(
        s,
        verification_level=data.draw(st.integers(s.verification_level, 3)),
        claimed=s.claimed or data.draw(st.booleans()),
        has_orcid=s.has_orcid or data.draw(st.booleans()),
        orcid_verified=s.orcid_verified or data.draw(st.booleans()),
    )
    assert compute_trust(stronger).score >= compute_trust(s).score


@given(any_signals, st.booleans())
def test_a_verified_claim_never_lowers_the_score(s: TrustSignals, strong: bool) -> None:
    claimed = replace(s, claimed=True, verification_level=max(s.verification_level, 2 + strong))
    assert compute_trust(claimed).score >= compute_trust(s).score


@given(
    any_signals,
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_raising_any_verification_fact_never_lowers_the_score(
    s: TrustSignals,
    works: bool,
    claimed: bool,
    email: bool,
    strong: bool,
    raise_flags: list[bool],
) -> None:
    # Through the one function that computes levels: each fact turned on can only help.
    before = (works, claimed, email, strong)
    after = tuple(b or r for b, r in zip(before, raise_flags, strict=True))
    low = replace(s, verification_level=verification_level(*before), claimed=claimed)
    high = replace(s, verification_level=verification_level(*after), claimed=after[1])
    assert compute_trust(high).score >= compute_trust(low).score


@settings(max_examples=300)
@given(any_signals, st.none() | st.integers(1950, 2040), st.booleans())
def test_a_published_work_never_lowers_the_score(
    s: TrustSignals, year: int | None, new_venue: bool
) -> None:
    assert compute_trust(add_published_work(s, year, new_venue)).score >= compute_trust(s).score


@given(trust_signals(), st.integers(1, 50))
def test_many_published_works_never_lower_the_score(s: TrustSignals, how_many: int) -> None:
    scores = [compute_trust(s).score]
    for _ in range(how_many):
        s = add_published_work(s, s.last_year, new_venue=False)
        scores.append(compute_trust(s).score)
    assert scores == sorted(scores)


@given(any_signals, st.integers(0, 500), st.integers(0, 500), st.floats(0, 100))
def test_a_larger_network_never_lowers_the_score(
    s: TrustSignals, more_coauthors: int, more_close: int, trust: float
) -> None:
    mean = trust if s.mean_coauthor_trust is None else max(trust, s.mean_coauthor_trust)
    larger = replace(
        s,
        coauthors_count=s.coauthors_count + more_coauthors,
        close_collaborators_count=s.close_collaborators_count + more_close,
        mean_coauthor_trust=mean,
    )
    assert compute_trust(larger).score >= compute_trust(s).score


@given(any_signals, st.integers(1, 5))
def test_an_open_conflict_never_raises_the_score(s: TrustSignals, more: int) -> None:
    worse = replace(s, open_disambiguation_conflicts=s.open_disambiguation_conflicts + more)
    assert compute_trust(worse).score <= compute_trust(s).score


@given(any_signals)
def test_coauthor_trust_contributes_a_bounded_amount(s: TrustSignals) -> None:
    none = compute_trust(replace(s, mean_coauthor_trust=None)).score
    low = compute_trust(replace(s, mean_coauthor_trust=0.0)).score
    high = compute_trust(replace(s, mean_coauthor_trust=100.0)).score
    assert none == low <= high <= low + COAUTHOR_TRUST_POINTS


def test_a_clique_cannot_pump_itself() -> None:
    # Ten records that only coauthor with each other, each fed the others' latest score, round
    # after round (as repeated recomputes would): the scores settle within the cap.
    base = signals(mean_coauthor_trust=None)
    alone = compute_trust(base).score
    belief = 100.0  # start from the most flattering belief possible
    history = []
    for _ in range(20):
        score = compute_trust(replace(base, mean_coauthor_trust=belief)).score
        history.append(score)
        belief = float(score)
    assert history[-1] == history[-2]  # a fixed point
    assert alone <= history[-1] <= alone + COAUTHOR_TRUST_POINTS
    assert history[-1] < 40  # the clique stays where its own evidence puts it: Emerging


@given(any_signals)
def test_suggestions_are_exact_complete_and_ordered(s: TrustSignals) -> None:
    result = compute_trust(s)
    expected = {}
    seen = {s}
    for action in SUGGESTION_ACTIONS:
        after = apply_suggestion(s, action)
        gain = compute_trust(after).score - result.score
        # Every improving change is listed once, under the first action that makes it.
        if gain > 0 and after not in seen:
            expected[action] = gain
        seen.add(after)
    assert dict(gains(result)) == expected
    assert len(result.suggestions) == len(expected)
    listed = [suggestion.max_gain for suggestion in result.suggestions]
    assert listed == sorted(listed, reverse=True)
    for suggestion in result.suggestions:
        assert suggestion.description.endswith(f": up to +{suggestion.max_gain}")
        assert result.score + suggestion.max_gain <= 100


@given(trust_signals(consistent=False))
def test_inconsistent_counts_are_clamped(s: TrustSignals) -> None:
    clamped = replace(s, published_works_count=min(s.published_works_count, s.works_count))
    assert compute_trust(s).score == compute_trust(clamped).score


@given(trust_signals(), st.integers(1, 30))
def test_future_years_do_not_stretch_the_span(s: TrustSignals, ahead: int) -> None:
    now = replace(s, last_year=s.current_year)
    future = replace(s, last_year=s.current_year + ahead)
    assert compute_trust(future).score == compute_trust(now).score


# --- tiers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        (0, "Emerging"),
        (21, "Emerging"),
        (39, "Emerging"),
        (40, "Established"),
        (64, "Established"),
        (65, "Trusted"),
        (84, "Trusted"),
        (85, "Exemplary"),
        (100, "Exemplary"),
    ],
)
def test_tier_cut_offs(score: int, tier: str) -> None:
    assert tier_for(score) == tier


def test_tiers_cover_0_to_100_without_gaps_or_overlaps() -> None:
    covered = [score for low, high, _ in TIERS for score in range(low, high + 1)]
    assert covered == list(range(101))


@pytest.mark.parametrize("score", [-1, 101])
def test_tier_rejects_scores_outside_0_100(score: int) -> None:
    with pytest.raises(ValueError, match="0-100"):
        tier_for(score)


# --- worked examples -------------------------------------------------------------------------


def test_reference_page_author() -> None:
    """Unclaimed L1, 48 arXiv preprints, no affiliation: the "Trust 21 - Emerging" page."""
    result = compute_trust(signals())
    assert points(result) == {
        "identity": 5,
        "scholarly_record": 11,
        "collaboration_network": 8,
        "profile": 4,
    }
    assert result.score == 28
    assert result.tier == "Emerging"
    assert gains(result) == [
        ("verify_claim", 24),
        ("claim", 15),
        ("link_published_versions", 10),
        ("link_orcid", 6),
        ("verify_affiliation", 6),
        ("add_homepage", 4),
        ("state_affiliation", 3),
        ("add_bio", 3),
        ("add_tagline", 3),
    ]


def test_reference_page_reasons_say_why_with_numbers() -> None:
    result = compute_trust(signals())
    identity, record, network, profile = result.components
    assert identity.reasons == (
        "Verification L1: derived from an authoritative source (ingested works) (5 of 24 points).",
        "Unclaimed: no researcher has taken ownership (0 of 5 points).",
        "No ORCID iD linked (0 of 6 points).",
    )
    assert record.reasons[0] == (
        "48 works on the record: 7.3 of 10 points (diminishing returns, full at 200 works)."
    )
    assert record.reasons[1].startswith(
        "0 of 48 works published in a journal or conference, 48 preprints (0%)"
    )
    assert "a span of 5 years: 2.0 of 4 points" in record.reasons[2]
    assert record.reasons[3].startswith("Latest work in 2026, this year: 2.0 of 2 points")
    assert record.reasons[4].startswith("0 distinct venues")
    assert network.reasons[0].startswith("40 coauthors: 3.5 of 5 points")
    assert network.reasons[1].startswith("4 close collaborators: 4.0 of 6 points")
    assert network.reasons[2].startswith("Coauthors' mean trust 22/100: 0.9 of 4 points")
    assert profile.reasons[0] == "No affiliation on record (0 of 6 points)."
    assert "No open disambiguation conflicts" in profile.reasons[-1]


def test_reference_page_suggestions_read_like_the_page() -> None:
    result = compute_trust(signals())
    by_action = {s.action: s.description for s in result.suggestions}
    assert by_action["claim"] == (
        "Claim this record from an account with a verified email address (L2): up to +15"
    )
    assert by_action["link_published_versions"] == (
        "Record where the 48 preprints were published (journal reference or DOI): up to +10"
    )
    assert by_action["verify_claim"].startswith(
        "Claim this record and confirm the claim with strong evidence: a matching ORCID iD"
    )
    assert by_action["verify_claim"].endswith("(L3): up to +24")
    # Profile edits need an owner, and the suggestion says so.
    assert by_action["add_homepage"] == "Add a homepage (once the record is claimed): up to +4"


def test_established_researcher_with_everything_verified() -> None:
    result = compute_trust(
        signals(
            verification_level=3,
            claimed=True,
            has_orcid=True,
            orcid_verified=True,
            works_count=120,
            published_works_count=80,
            preprint_count=40,
            distinct_venues=15,
            first_year=2008,
            coauthors_count=150,
            close_collaborators_count=12,
            mean_coauthor_trust=60.0,
            affiliation_provenance="verified",
            has_homepage=True,
            has_bio=True,
            has_tagline=True,
        )
    )
    assert points(result) == {
        "identity": 35,
        "scholarly_record": 28,
        "collaboration_network": 13,
        "profile": 20,
    }
    assert (result.score, result.tier) == (96, "Exemplary")
    assert gains(result) == [("link_published_versions", 1)]


def test_claimed_mid_career_researcher_with_a_conflict() -> None:
    result = compute_trust(
        signals(
            verification_level=2,
            claimed=True,
            has_orcid=True,
            works_count=25,
            published_works_count=10,
            preprint_count=15,
            distinct_venues=4,
            first_year=2016,
            last_year=2025,
            coauthors_count=30,
            close_collaborators_count=3,
            mean_coauthor_trust=35.0,
            affiliation_provenance="stated",
            has_homepage=True,
            has_tagline=True,
            open_disambiguation_conflicts=1,
        )
    )
    assert points(result) == {
        "identity": 23,
        "scholarly_record": 21,
        "collaboration_network": 8,
        "profile": 10,
    }
    assert (result.score, result.tier) == (62, "Established")
    assert gains(result) == [
        ("verify_claim", 9),
        ("resolve_conflicts", 4),
        ("link_orcid", 3),
        ("link_published_versions", 3),
        ("verify_affiliation", 3),
        ("add_bio", 3),
    ]
    identity, _, _, profile = result.components
    assert identity.reasons[2] == "ORCID iD linked but not confirmed by its owner (3 of 6 points)."
    assert profile.reasons[-1] == (
        "1 open disambiguation conflict: 4 points minus 4 (4 per conflict; "
        "this component never goes below 0)."
    )
    by_action = {s.action: s.description for s in result.suggestions}
    assert (
        by_action["link_orcid"] == "Confirm the linked ORCID iD by signing in with ORCID: up to +3"
    )


def test_empty_unlinked_record() -> None:
    result = compute_trust(
        signals(
            verification_level=0,
            works_count=0,
            preprint_count=0,
            first_year=None,
            last_year=None,
            coauthors_count=0,
            close_collaborators_count=0,
            mean_coauthor_trust=None,
        )
    )
    assert (result.score, result.tier) == (0, "Emerging")
    record, network, profile = result.components[1:]
    assert "Span of publication years unknown (0 of 4 points)." in record.reasons
    assert "No coauthor trust scores yet (0 of 4 points)." in network.reasons
    assert "No works to check for consistency yet (0 of 4 points)." in profile.reasons
    assert result.suggestions[0].action == "verify_claim"


def test_conflicts_can_take_profile_points_but_never_below_zero() -> None:
    complete = signals(
        claimed=True,
        verification_level=2,
        affiliation_provenance="imported",
        has_homepage=True,
        has_bio=True,
        has_tagline=True,
    )
    profile_points = [
        points(compute_trust(replace(complete, open_disambiguation_conflicts=n)))["profile"]
        for n in range(7)
    ]
    assert profile_points == [18, 14, 10, 6, 2, 0, 0]


def test_adding_a_published_work_to_the_reference_author() -> None:
    before = compute_trust(signals())
    after = compute_trust(add_published_work(signals(), 2026, new_venue=True))
    # 11.3 -> 14.0 record points: +1.4 first published work, +0.1 share (1 of 49),
    # +1.2 first venue, +0.04 volume.
    assert after.score == before.score + 3


# --- the as_dict form, validation, apply_suggestion ------------------------------------------


def test_as_dict_is_json_ready_and_complete() -> None:
    result = compute_trust(signals())
    data = json.loads(json.dumps(result.as_dict()))
    assert data["score"] == 28
    assert data["tier"] == "Emerging"
    assert data["model_version"] == MODEL_VERSION
    assert [c["key"] for c in data["components"]] == [c.key for c in result.components]
    assert data["components"][0]["reasons"] == list(result.components[0].reasons)
    assert data["suggestions"][0] == {
        "action": "verify_claim",
        "description": result.suggestions[0].description,
        "max_gain": 24,
    }


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"verification_level": 4}, "verification_level"),
        ({"verification_level": -1}, "verification_level"),
        ({"works_count": -1}, "works_count"),
        ({"followers_count": -1}, "followers_count"),
        ({"open_disambiguation_conflicts": -2}, "open_disambiguation_conflicts"),
        ({"mean_coauthor_trust": 100.5}, "mean_coauthor_trust"),
        ({"mean_coauthor_trust": math.nan}, "mean_coauthor_trust"),
        ({"affiliation_provenance": "rumoured"}, "affiliation_provenance"),
    ],
)
def test_out_of_domain_signals_are_rejected(override: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        signals(**override)


def test_signals_are_immutable() -> None:
    s = signals()
    with pytest.raises(AttributeError):
        s.works_count = 3  # type: ignore[misc]


def test_unknown_action_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown trust action"):
        apply_suggestion(signals(), "buy_followers")


def test_link_published_versions_converts_the_preprints() -> None:
    after = apply_suggestion(
        signals(works_count=50, published_works_count=2), "link_published_versions"
    )
    assert (after.published_works_count, after.preprint_count) == (50, 0)


# --- the documentation stays in step with the model ------------------------------------------


def test_docs_name_the_model_version_and_tiers() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert MODEL_VERSION in text
    for low, high, label in TIERS:
        assert f"| {label} | {low}–{high} |" in text


# --- shared components ---------------------------------------------------------------------

_COMPONENT_CACHES = (
    scoring._identity_of,
    scoring._record_of,
    scoring._network_of,
    scoring._profile_of,
)


def _afresh(s: TrustSignals) -> str:
    for cache in _COMPONENT_CACHES:
        cache.cache_clear()
    return json.dumps(compute_trust(s).as_dict())


@given(any_signals, any_signals)
def test_shared_components_are_what_the_model_gives_afresh(
    first: TrustSignals, s: TrustSignals
) -> None:
    compute_trust(first)  # leaves another record's components in the caches
    compute_trust(replace(s, followers_count=s.followers_count + 1))
    assert json.dumps(compute_trust(s).as_dict()) == _afresh(s)


def test_equal_signals_that_print_differently_do_not_share_components() -> None:
    base = signals(mean_coauthor_trust=0.0)
    compute_trust(base)
    negative_zero = replace(base, mean_coauthor_trust=-0.0)
    assert json.dumps(compute_trust(negative_zero).as_dict()) == _afresh(negative_zero)
    compute_trust(base)
    as_int = replace(base, verification_level=True)
    compute_trust(replace(base, verification_level=1))
    assert json.dumps(compute_trust(as_int).as_dict()) == _afresh(as_int)
