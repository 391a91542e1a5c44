"""Author disambiguation: the worked examples of docs/disambiguation.md, the rules, and
properties (no given-name conflict is ever merged; candidate order never matters)."""

from __future__ import annotations

import dataclasses
import io
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from app.core.settings import Settings
from app.ingest.disambiguation import (
    DEFAULT_CONFIG,
    AuthorProfile,
    CandidateBlock,
    CreateNew,
    Decision,
    DisambiguationConfig,
    FieldOverlap,
    MatchExisting,
    Mention,
    NameMatch,
    decide,
    evaluate,
    mentions_for_work,
    profile_from_mention,
    resolve,
    update_profile,
)
from app.ingest.formats.snapshot import iter_snapshot
from app.ingest.names import given_compatible, name_key
from app.ingest.pipeline import Pipeline
from app.ingest.records import ParsedName
from tests.ingest.conftest import empty_catalogue


def person(given: str, family: str) -> ParsedName:
    return ParsedName(raw=f"{given} {family}".strip(), family=family, given=given)


def mention(
    given: str,
    family: str,
    categories: Sequence[str] = (),
    year: int | None = None,
    coauthors: Sequence[str] = (),
    **extra: object,
) -> Mention:
    return Mention(
        person(given, family),
        tuple(categories),
        year,
        frozenset(coauthors),
        **extra,  # type: ignore[arg-type]
    )


def profile(
    author_id: int,
    family: str,
    *givens: str,
    categories: dict[str, int] | None = None,
    years: tuple[int, int] | None = None,
    coauthors: Sequence[str] = (),
    **extra: object,
) -> AuthorProfile:
    return AuthorProfile(
        author_id=author_id,
        family=family,
        given_variants=frozenset(givens),
        name_key=name_key(person(givens[0] if givens else "", family)),
        coauthor_keys=frozenset(coauthors),
        categories=Counter(categories or {}),
        first_year=years[0] if years else None,
        last_year=years[1] if years else None,
        works_count=sum((categories or {}).values()),
        **extra,  # type: ignore[arg-type]
    )


def matched(decision: Decision) -> int | None:
    return decision.author_id if isinstance(decision, MatchExisting) else None


# --- worked examples (docs/disambiguation.md) ------------------------------------------

MAOSONG = profile(
    17,
    "Sun",
    "Maosong",
    categories={"cs.CL": 40, "cs.AI": 6},
    years=(2008, 2023),
    coauthors=["liu:z", "chen:x", "yang:l", "li:j"],
)
MINGYU = profile(23, "Sun", "Mingyu", categories={"cs.CV": 5}, years=(2016, 2022))


def test_initials_join_the_full_name_when_coauthors_and_field_agree() -> None:
    m = mention("M.", "Sun", ["cs.CL"], 2015, ["liu:z", "chen:x", "zhou:j"])
    decision = resolve(m, [MAOSONG, MINGYU])
    assert isinstance(decision, MatchExisting)
    assert decision.author_id == 17
    assert decision.reasons == (
        "name=initial",
        "coauthors=2",
        "field=category",
        "years=within",
        "score=7.00",
    )


def test_a_conflicting_full_given_name_is_never_merged() -> None:
    # Same family, same field, even a shared coauthor: "Mingyu" is not "Maosong".
    m = mention("Mingyu", "Sun", ["cs.CL"], 2015, ["liu:z"])
    assert evaluate(m, MAOSONG).blocked == "given-name-conflict"
    decision = resolve(m, [MAOSONG])
    assert isinstance(decision, CreateNew)
    assert decision.reasons == ("below-threshold=4.00", "author-17: blocked=given-name-conflict")


def test_a_record_once_written_in_full_blocks_other_full_names() -> None:
    seen_both_ways = profile(17, "Sun", "Maosong", "M.", categories={"cs.CL": 3})
    assert evaluate(mention("Mingyu", "Sun", ["cs.CL"]), seen_both_ways).blocked is not None


WEI_HEP = profile(
    5, "Wang", "Wei", categories={"hep-th": 30}, years=(2004, 2019), coauthors=["a:b"]
)


def test_two_wei_wangs_in_unrelated_fields_stay_apart() -> None:
    m = mention("Wei", "Wang", ["cs.CL"], 2018, ["zhang:y", "liu:q"])
    decision = resolve(m, [WEI_HEP])
    assert isinstance(decision, CreateNew)
    assert decision.reasons[1] == "author-5: name=exact field=disjoint years=within score=0.50"
    # ...and the second Wei Wang, once created, attracts his own next paper.
    wei_nlp = profile_from_mention(6, m)
    again = mention("Wei", "Wang", ["cs.CL", "cs.AI"], 2019, ["zhang:y"])
    assert matched(resolve(again, [WEI_HEP, wei_nlp])) == 6


def test_a_bare_exact_name_in_the_same_archive_matches_a_single_candidate() -> None:
    # No coauthors, no year: only the exact full name and the archive (hep-th is its own).
    assert matched(resolve(mention("Wei", "Wang", ["hep-th"]), [WEI_HEP])) == 5
    math = profile(9, "Tao", "Terence", categories={"math.CA": 4})
    assert matched(resolve(mention("Terence", "Tao", ["math.CO"]), [math])) == 9


def test_a_bare_exact_name_elsewhere_does_not_match() -> None:
    assert isinstance(resolve(mention("Wei", "Wang", ["q-bio.NC"]), [WEI_HEP]), CreateNew)


def test_every_number_quoted_in_the_docs() -> None:
    def total(m: Mention, record: AuthorProfile) -> float:
        return evaluate(m, record).total

    m_sun = mention("M.", "Sun", ["cs.CL"], 2015, ["liu:z", "chen:x", "zhou:j"])
    assert (total(m_sun, MAOSONG), total(m_sun, MINGYU)) == (7.0, 2.0)

    first = mention("Wei", "Wang", ["cs.CL"], 2018, ["zhang:y", "liu:q"])
    wei_nlp = profile_from_mention(6, first)
    second = mention("Wei", "Wang", ["cs.CL", "cs.AI"], 2019, ["zhang:y"])
    assert (total(first, WEI_HEP), total(second, wei_nlp), total(second, WEI_HEP)) == (
        0.5,
        8.0,
        0.5,
    )
    w_hep = mention("W.", "Wang", ["hep-th"], 2010, ["a:b"])
    assert total(w_hep, WEI_HEP) == 5.5
    assert matched(resolve(w_hep, [WEI_HEP, wei_nlp])) == 5
    w_nlp = mention("W.", "Wang", ["cs.CL"], 2019)
    assert (total(w_nlp, wei_nlp), total(w_nlp, WEI_HEP)) == (2.5, -2.0)
    assert isinstance(resolve(w_nlp, [WEI_HEP, wei_nlp]), CreateNew)

    assert total(mention("Wei", "Wang", ["hep-th"]), WEI_HEP) == 4.5
    assert total(mention("Wei", "Wang", ["q-bio.NC"]), WEI_HEP) == 0.0
    # One shared coauthor does not carry an exact name across to an unrelated field.
    assert total(mention("Wei", "Wang", ["q-bio.NC"], 2010, ["a:b"]), WEI_HEP) == 3.5

    tao = profile(1, "Tao", "Terence", categories={"math.CA": 5}, years=(2000, 2010))
    assert total(mention("Terence", "Tao", ["math.CA"], 2012), tao) == 5.0
    assert total(mention("Terence", "Tao", ["math.CA"], 2040), tao) == 4.0
    assert total(mention("Terence", "Tao", ["math.CO"], 2040), tao) == 3.5


def test_ties_go_to_the_lowest_author_id() -> None:
    a = profile(31, "Wang", "Wei", categories={"cs.CL": 2})
    b = profile(12, "Wang", "Wei", categories={"cs.CL": 2})
    m = mention("Wei", "Wang", ["cs.CL"])
    assert matched(resolve(m, [a, b])) == 12
    assert matched(resolve(m, [b, a])) == 12


def test_the_higher_score_wins_over_the_lower_id() -> None:
    a = profile(3, "Wang", "Wei", categories={"cs.CL": 2})
    b = profile(40, "Wang", "Wei", categories={"cs.CL": 2}, coauthors=["li:x"])
    assert matched(resolve(mention("Wei", "Wang", ["cs.CL"], None, ["li:x"]), [a, b])) == 40


# --- individual rules --------------------------------------------------------------------


def test_initials_alone_never_match_without_a_coauthor() -> None:
    m = mention("M.", "Sun", ["cs.CL"], 2015)
    assert evaluate(m, MAOSONG).total == pytest.approx(2.5)
    assert isinstance(resolve(m, [MAOSONG]), CreateNew)


def test_two_initials_and_a_category_are_enough() -> None:
    nadolsky = profile(4, "Nadolsky", "P. M.", categories={"hep-ph": 12}, years=(2000, 2007))
    m = mention("P. M.", "Nadolsky", ["hep-ph"], 2007)
    assert evaluate(m, nadolsky).name is NameMatch.INITIALS
    assert matched(resolve(m, [nadolsky])) == 4


def _grade(given: str, variant: str) -> NameMatch:
    record = profile(1, "Sun", variant) if variant else profile(1, "Sun")
    evidence = evaluate(mention(given, "Sun"), record)
    if evidence.blocked == "given-name-conflict":
        return NameMatch.CONFLICT
    assert evidence.blocked is None
    return evidence.name


@pytest.mark.parametrize(
    ("given", "variant", "grade"),
    [
        ("Maosong", "Maosong", NameMatch.EXACT),
        ("Mao-Song", "Maosong", NameMatch.EXACT),
        ("John A.", "John A.", NameMatch.EXACT),
        ("John", "John Allen", NameMatch.FIRST_NAME),
        ("John A.", "John Allen", NameMatch.FIRST_NAME),
        ("P. M.", "Pavel M.", NameMatch.INITIALS),
        ("C.-P.", "Chien-Peng", NameMatch.INITIALS),
        ("M.", "Maosong", NameMatch.INITIAL),
        ("M.", "M.", NameMatch.INITIAL),
        ("", "Maosong", NameMatch.UNKNOWN),
        ("Maosong", "Mingyu", NameMatch.CONFLICT),
        ("John A.", "John B.", NameMatch.CONFLICT),
        ("Wei", "Weiwei", NameMatch.CONFLICT),
    ],
)
def test_name_grades(given: str, variant: str, grade: NameMatch) -> None:
    assert _grade(given, variant) is grade
    # Symmetric: the grade does not depend on which side is the record.
    assert _grade(variant, given) is grade


def test_family_names_compare_folded() -> None:
    record = profile(2, "Balázs", "Csaba", categories={"hep-ph": 1})
    assert matched(resolve(mention("Csaba", "Balazs", ["hep-ph"]), [record])) == 2
    assert evaluate(mention("Csaba", "Balazsi", ["hep-ph"]), record).blocked == "family-mismatch"


def test_a_record_already_on_the_same_work_is_not_chosen_again() -> None:
    m = dataclasses.replace(mention("Wei", "Wang", ["hep-th"], 2010), coauthor_ids=frozenset({5}))
    assert evaluate(m, WEI_HEP).blocked == "same-work"
    assert isinstance(resolve(m, [WEI_HEP]), CreateNew)


def test_orcid_settles_and_blocks() -> None:
    record = profile(8, "Sun", "M.", orcid="0000-0002-1825-0097")
    same = mention("M.", "Sun", ["q-bio.NC"], orcid="0000-0002-1825-0097")
    other = mention("M.", "Sun", ["q-bio.NC"], orcid="0000-0001-5109-3700")
    assert matched(resolve(same, [record])) == 8
    assert "orcid=match" in resolve(same, [record]).reasons
    assert evaluate(other, record).blocked == "orcid-conflict"


def test_shared_coauthor_ids_count_when_keys_collide_or_are_missing() -> None:
    record = dataclasses.replace(MAOSONG, coauthor_ids=frozenset({101, 102}))
    m = dataclasses.replace(mention("M.", "Sun", ["cs.CL"]), coauthor_ids=frozenset({101, 102}))
    assert evaluate(m, record).shared_coauthors == 2


def test_aliases_and_subsumed_archives_count_as_the_same_field() -> None:
    stats = profile(3, "Fan", "Jianqing", categories={"math.ST": 10})
    assert evaluate(mention("Jianqing", "Fan", ["stat.TH"]), stats).overlap is FieldOverlap.CATEGORY
    geometer = profile(4, "Kollar", "Janos", categories={"math.AG": 10})
    old = mention("Janos", "Kollar", ["alg-geom"], 1995)
    assert evaluate(old, geometer).overlap is FieldOverlap.CATEGORY


def test_field_levels() -> None:
    record = profile(1, "Sun", "Maosong", categories={"cs.CL": 1})
    assert evaluate(mention("Maosong", "Sun", ["cs.LG"]), record).overlap is FieldOverlap.ARCHIVE
    hep = profile(1, "Sun", "Maosong", categories={"hep-th": 1})
    assert evaluate(mention("Maosong", "Sun", ["hep-ph"]), hep).overlap is FieldOverlap.GROUP
    assert evaluate(mention("Maosong", "Sun"), hep).overlap is FieldOverlap.UNKNOWN
    unknown = profile(1, "Sun", "Maosong", categories={"foo.XX": 1})
    assert evaluate(mention("Maosong", "Sun", ["foo.XX"]), unknown).overlap is FieldOverlap.CATEGORY


def test_time_is_a_weak_signal() -> None:
    record = profile(1, "Tao", "Terence", categories={"math.CA": 5}, years=(2000, 2010))
    near = evaluate(mention("Terence", "Tao", ["math.CA"], 2012), record)
    far = evaluate(mention("Terence", "Tao", ["math.CA"], 2040), record)
    assert (near.year_gap, near.years_close) == (2, True)
    assert far.year_gap == 30
    assert near.total - far.total == pytest.approx(
        DEFAULT_CONFIG.year_within - DEFAULT_CONFIG.year_floor
    )
    # An exact name in the same category still matches across a long gap...
    assert matched(resolve(mention("Terence", "Tao", ["math.CA"], 2040), [record])) == 1
    # ...but only the archive in common, plus a long gap, is not enough.
    assert isinstance(resolve(mention("Terence", "Tao", ["math.CO"], 2040), [record]), CreateNew)


def test_collaborations_match_by_exact_normalised_name_only() -> None:
    atlas = AuthorProfile(70, "ATLAS Collaboration", is_collaboration=True)
    cms = AuthorProfile(71, "CMS Collaboration", is_collaboration=True)
    later = AuthorProfile(90, "ATLAS Collaboration", is_collaboration=True)
    m = Mention(ParsedName("The ATLAS collaboration", "ATLAS collaboration", is_collaboration=True))
    decision = resolve(m, [later, cms, atlas])
    assert matched(decision) == 70
    assert decision.reasons == ("collaboration=exact-name",)
    other = Mention(ParsedName("ALICE Collaboration", "ALICE Collaboration", is_collaboration=True))
    assert resolve(other, [atlas, cms]).reasons == ("collaboration-new-name",)


def test_people_and_collaborations_never_mix() -> None:
    team = AuthorProfile(70, "Sun", frozenset({"Maosong"}), is_collaboration=True)
    assert evaluate(mention("Maosong", "Sun"), team).blocked == "kind-mismatch"
    assert isinstance(resolve(mention("Maosong", "Sun"), [team]), CreateNew)


def test_no_candidates_and_no_family() -> None:
    assert resolve(mention("Wei", "Wang"), []).reasons == ("no-candidates",)
    assert resolve(mention("Wei", ""), [WEI_HEP]).reasons == ("no-family-name",)


def test_create_new_explains_the_strongest_few_in_a_fixed_order() -> None:
    config = DisambiguationConfig(max_reasons=2)
    records = [profile(i, "Sun", "M.", categories={"cs.CL": 1}) for i in (5, 3, 4)]
    decision = resolve(mention("M.", "Sun", ["cs.CL"]), records, config)
    assert isinstance(decision, CreateNew)
    assert decision.reasons == (
        "below-threshold=4.00",
        "author-3: name=initial field=category years=unknown score=2.00",
        "author-4: name=initial field=category years=unknown score=2.00",
        "and 1 more",
    )


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="coauthor_decay"):
        DisambiguationConfig(coauthor_decay=1.0)
    with pytest.raises(ValueError, match="year_floor"):
        DisambiguationConfig(year_floor=1.0)
    strict = DisambiguationConfig(match_threshold=100.0)
    assert isinstance(resolve(mention("Wei", "Wang", ["hep-th"]), [WEI_HEP], strict), CreateNew)


# --- mentions_for_work, profiles ---------------------------------------------------------


def test_mentions_carry_every_other_authors_key() -> None:
    authors = [person("C.", "Balázs"), person("E. L.", "Berger"), person("P. M.", "Nadolsky")]
    mentions = mentions_for_work(authors, ["hep-ph"], 2007)
    assert [m.key for m in mentions] == ["balazs:c", "berger:e", "nadolsky:p"]
    assert mentions[0].coauthor_keys == {"berger:e", "nadolsky:p"}
    assert mentions[2].coauthor_keys == {"balazs:c", "berger:e"}
    assert all(m.categories == ("hep-ph",) and m.year == 2007 for m in mentions)


def test_a_key_held_by_two_authors_of_the_work_stays_a_coauthor_key() -> None:
    mentions = mentions_for_work([person("J.", "Smith"), person("John", "Smith")], [], None)
    assert mentions[0].coauthor_keys == {"smith:j"}


def test_huge_author_lists_give_a_window_and_the_collaboration() -> None:
    config = DisambiguationConfig(max_full_coauthors=10, coauthor_window=2)
    authors = [ParsedName("ATLAS Collaboration", "ATLAS Collaboration", is_collaboration=True)]
    authors += [person("A.", f"Member{i:03d}") for i in range(50)]
    mentions = mentions_for_work(authors, ["hep-ex"], 2012, config)
    assert len(mentions) == 51
    assert mentions[10].coauthor_keys == {
        "atlascollaboration:",
        "member007:a",
        "member008:a",
        "member010:a",
        "member011:a",
    }
    assert all(len(m.coauthor_keys) <= 5 for m in mentions)


def test_update_profile_is_pure_and_accumulates() -> None:
    before = dataclasses.replace(MAOSONG)
    m = mention("M.", "Sun", ["cs.CL", "stat.ML"], 2024, ["liu:z", "new:k"])
    after = update_profile(MAOSONG, m)
    assert before == MAOSONG  # the input is untouched
    assert after.given_variants == {"Maosong", "M."}
    assert after.coauthor_keys == MAOSONG.coauthor_keys | {"new:k"}
    assert after.categories == {"cs.CL": 41, "cs.AI": 6, "stat.ML": 1}
    assert (after.first_year, after.last_year, after.works_count) == (2008, 2024, 47)
    assert after.author_id == 17


def test_update_profile_shares_sets_when_nothing_is_new() -> None:
    m = mention("Maosong", "Sun", ["cs.CL"], 2010, ["liu:z"])
    after = update_profile(MAOSONG, m)
    assert after.coauthor_keys is MAOSONG.coauthor_keys
    assert after.given_variants is MAOSONG.given_variants


def test_profile_from_mention_then_the_same_person_again() -> None:
    first = mention("Maosong", "Sun", ["cs.CL"], 2010, ["liu:z", "chen:x"])
    record = profile_from_mention(1, first)
    assert record.name_key == "sun:m"
    assert record.categories == {"cs.CL": 1}
    assert (record.first_year, record.last_year, record.works_count) == (2010, 2010, 1)
    second = mention("M.", "Sun", ["cs.AI"], 2011, ["liu:z"])
    assert matched(resolve(second, [record])) == 1


# --- determinism -------------------------------------------------------------------------

FAMILIES = ["Sun", "Wang", "Li"]
GIVENS = ["Maosong", "Mingyu", "M.", "Wei", "W.", "Weiwei", "John A.", "J.", "", "M. S."]
CATEGORIES = ["cs.CL", "cs.CV", "hep-th", "hep-ph", "math.CO", "stat.ML", "stat.TH", "alg-geom"]


def _corpus(seed: int, works: int) -> list[tuple[list[ParsedName], list[str], int]]:
    rng = random.Random(seed)
    corpus = []
    for _ in range(works):
        authors = [
            person(rng.choice(GIVENS), rng.choice(FAMILIES)) for _ in range(rng.randint(1, 5))
        ]
        corpus.append((authors, rng.sample(CATEGORIES, rng.randint(1, 2)), rng.randint(1995, 2024)))
    return corpus


def _ingest(
    corpus: list[tuple[list[ParsedName], list[str], int]], shuffle: random.Random | None = None
) -> list[tuple[int, tuple[str, ...]]]:
    """What the pipeline does: an in-memory index by name key, updated after each decision."""
    index: dict[str, list[AuthorProfile]] = {}
    next_id = 1
    out = []
    for authors, categories, year in corpus:
        resolved: set[int] = set()
        for m in mentions_for_work(authors, categories, year):
            m = dataclasses.replace(m, coauthor_ids=frozenset(resolved))
            candidates = list(index.get(m.key, []))
            if shuffle is not None:
                shuffle.shuffle(candidates)
            decision = resolve(m, candidates)
            if isinstance(decision, MatchExisting):
                author_id = decision.author_id
                records = index[m.key]
                i = next(i for i, p in enumerate(records) if p.author_id == author_id)
                records[i] = update_profile(records[i], m)
            else:
                author_id = next_id
                next_id += 1
                index.setdefault(m.key, []).append(profile_from_mention(author_id, m))
            resolved.add(author_id)
            out.append((author_id, decision.reasons))
    return out


def test_same_inputs_same_decisions() -> None:
    corpus = _corpus(7, 300)
    first = _ingest(corpus)
    assert _ingest(corpus) == first
    assert len({author_id for author_id, _ in first}) < len(first)  # some matches happened


def test_candidate_order_does_not_change_any_decision() -> None:
    corpus = _corpus(11, 300)
    assert _ingest(corpus, random.Random(1)) == _ingest(corpus, random.Random(2))


# --- common names: the "Yang Liu" snowball -------------------------------------------------

YL_A = ["Hao Chen", "Min Zhou", "Rui Xu"]
YL_B = ["Anna Berg", "Tomas Novak", "Ivan Petrov"]
YL_C = ["Kenji Sato", "Mei Tanaka", "Sofia Rossi"]


def _paper(
    byline: list[tuple[str, str]], categories: list[str], year: int
) -> tuple[list[ParsedName], list[str], int]:
    """A work from (as written, who it really is) pairs; the labels stay out of the names."""
    authors = []
    for written, _ in byline:
        given, _, family = written.rpartition(" ")
        authors.append(person(given, family))
    return authors, categories, year


def _clusters(
    papers: list[tuple[list[tuple[str, str]], list[str], int]],
) -> dict[str, set[int]]:
    """Replay the papers as the pipeline does; the author ids each real person ended up in."""
    corpus = [_paper(byline, cats, year) for byline, cats, year in papers]
    decisions = _ingest(corpus)
    labels = [who for byline, _, _ in papers for _, who in byline]
    found: dict[str, set[int]] = {}
    for who, (author_id, _) in zip(labels, decisions, strict=True):
        found.setdefault(who, set()).add(author_id)
    return found


def _with(
    who: str, written: str, group: list[str], picks: tuple[int, ...] = ()
) -> list[tuple[str, str]]:
    """A byline: `who` written as `written`, then the picked members of their group."""
    return [(written, who)] + [(group[i], group[i]) for i in picks]


def test_namesakes_in_one_field_with_their_own_coauthors_stay_apart() -> None:
    # The snowball, in miniature: three different Yang Lius publish in cs.LG, each with
    # their own group. The first has an established record when the others appear; the
    # third appears when the first two have. Disjoint coauthor groups, same name, same field.
    papers = [
        (_with("A", "Yang Liu", YL_A, (0, 1)), ["cs.LG"], 2015),
        (_with("A", "Yang Liu", YL_A, (1, 2)), ["cs.LG"], 2015),
        (_with("A", "Yang Liu", YL_A, (0, 2)), ["cs.LG", "stat.ML"], 2016),
        (_with("B", "Yang Liu", YL_B, (0, 1)), ["cs.LG"], 2016),
        (_with("B", "Yang Liu", YL_B, (1, 2)), ["cs.LG"], 2016),
        (_with("A", "Yang Liu", YL_A, (0, 1, 2)), ["cs.LG"], 2017),
        (_with("B", "Yang Liu", YL_B, (0, 2)), ["cs.LG", "cs.AI"], 2017),
        (_with("C", "Yang Liu", YL_C, (0, 1)), ["cs.LG"], 2017),
        (_with("C", "Yang Liu", YL_C, (1, 2)), ["cs.LG"], 2018),
        (_with("A", "Yang Liu", YL_A, (2,)), ["cs.LG"], 2018),
        (_with("B", "Yang Liu", YL_B, (1,)), ["cs.LG"], 2018),
        (_with("C", "Yang Liu", YL_C, (0, 2)), ["cs.LG"], 2019),
        (_with("A", "Y. Liu", YL_A, (0, 1)), ["cs.LG"], 2019),
        (_with("C", "Y. Liu", YL_C, (2,)), ["cs.LG"], 2020),
    ]
    found = _clusters(papers)
    for who in ("A", "B", "C"):
        assert len(found[who]) == 1, who  # each Yang Liu is one record...
    assert len(found["A"] | found["B"] | found["C"]) == 3  # ...and they are three
    for name in YL_A + YL_B + YL_C:
        assert len(found[name]) == 1, name


def test_one_person_with_varying_initials_and_shared_coauthors_stays_one() -> None:
    group = ["Zhiyuan Liu", "Xinyu Chen", "Jie Zhou"]
    papers = [
        (_with("MS", "Maosong Sun", group, (0, 1)), ["cs.CL"], 2012),
        (_with("MS", "M. Sun", group, (0,)), ["cs.CL"], 2013),
        (_with("MS", "M. S. Sun", group, (1, 2)), ["cs.CL", "cs.AI"], 2014),
        (_with("MS", "Maosong Sun", group, (2,)), ["cs.AI"], 2015),
        (_with("MS", "M. Sun", group, (0, 1, 2)), ["cs.CL"], 2016),
        (_with("MS", "Maosong Sun", group), ["cs.CL"], 2017),  # solo: nothing against it
    ]
    # A namesake in another field, and a different full given name in the same one.
    papers.insert(2, ([("Mingyu Sun", "MY"), ("Hao Chen", "Hao Chen")], ["cs.CL"], 2013))
    papers.insert(4, ([("Maosong Sun", "MS2"), ("Rui Xu", "Rui Xu")], ["astro-ph.GA"], 2014))
    found = _clusters(papers)
    assert len(found["MS"]) == 1
    assert found["MY"].isdisjoint(found["MS"])
    assert found["MS2"].isdisjoint(found["MS"])


def test_four_namesakes_in_unrelated_fields_with_no_shared_coauthors_stay_apart() -> None:
    # Four Yang Lius, each in a field the others never touch and with a group of their own,
    # interleaved from their very first paper: nothing but the name is shared.
    groups = {
        "ML": (["Hao Chen", "Min Zhou", "Rui Xu"], ["cs.LG"]),
        "HEP": (["Anna Berg", "Tomas Novak", "Ivan Petrov"], ["hep-th"]),
        "BIO": (["Kenji Sato", "Mei Tanaka", "Sofia Rossi"], ["q-bio.NC"]),
        "GEO": (["Lena Vogt", "Omar Haddad", "Pia Lund"], ["math.AG"]),
    }
    papers = []
    for year in range(2015, 2019):
        for who, (group, categories) in groups.items():
            written = "Y. Liu" if year == 2018 else "Yang Liu"
            picks = ((year % 3, (year + 1) % 3),) if year % 2 else ((year % 3,),)
            papers.append((_with(who, written, group, picks[0]), categories, year))
    found = _clusters(papers)
    for who in groups:
        assert len(found[who]) == 1, who
    assert len(set().union(*(found[who] for who in groups))) == 4


def test_a_weaker_candidate_that_knows_a_coauthor_beats_an_ineligible_stronger_one() -> None:
    # Record 40 ranks first on name and field but knows none of the paper's coauthors;
    # record 41, written "Y. Liu", shares one. The paper is 41's, not a new record.
    initials = profile(
        41, "Liu", "Y.", categories={"cs.AI": 2}, years=(2000, 2005), coauthors=["berg:a"]
    )
    m = mention("Yang", "Liu", ["cs.LG"], 2016, ["berg:a", "novak:t"])
    strong, weak = evaluate(m, ESTABLISHED), evaluate(m, initials)
    assert strong.total == 5.0  # the numbers of the docs' "Yang Liu" example
    assert weak.total == pytest.approx(4.2)
    assert strong.unknown_coauthors
    assert weak.corroborated
    assert matched(resolve(m, [ESTABLISHED, initials])) == 41
    assert matched(resolve(m, [initials, ESTABLISHED])) == 41


def _snapshot_line(arxiv_id: str, byline: list[tuple[str, str]], cats: list[str], year: int) -> str:
    authors = [written for written, _ in byline]
    parsed = [[w.rpartition(" ")[2], w.rpartition(" ")[0], ""] for w in authors]
    return orjson.dumps(
        {
            "id": arxiv_id,
            "authors": ", ".join(authors),
            "title": f"Paper {arxiv_id}",
            "categories": " ".join(cats),
            "abstract": "An abstract.",
            "versions": [{"version": "v1", "created": f"Mon, 2 Mar {year} 10:00:00 GMT"}],
            "update_date": f"{year}-03-02",
            "authors_parsed": parsed,
        }
    ).decode()


def _pipeline_run(engine: Engine, lines: list[str], fingerprint: str, errors: Path) -> None:
    Pipeline(
        engine,
        Settings(),
        source="test",
        fmt="snapshot",
        fingerprint=fingerprint,
        errors_path=errors,
        batch_size=3,
    ).run(iter_snapshot(io.BytesIO("\n".join(lines).encode() + b"\n")))


def _filed(engine: Engine) -> dict[tuple[str, int], int]:
    with engine.connect() as connection:
        return {
            (row.arxiv_id, row.position): row.author_id
            for row in connection.execute(
                text(
                    "SELECT w.arxiv_id, a.position, a.author_id FROM authorships a "
                    "JOIN works w ON w.id = a.work_id"
                )
            )
        }


SNOWBALL = [
    (_with("A", "Yang Liu", YL_A, (0, 1)), ["cs.LG"], 2015),
    (_with("A", "Yang Liu", YL_A, (1, 2)), ["cs.LG"], 2015),
    (_with("A", "Yang Liu", YL_A, (0, 2)), ["cs.LG"], 2016),
    (_with("MS", "Maosong Sun", YL_A, (0,)), ["cs.CL"], 2016),
    (_with("B", "Yang Liu", YL_B, (0, 1)), ["cs.LG"], 2016),
    (_with("B", "Yang Liu", YL_B, (1, 2)), ["cs.LG"], 2017),
    (_with("MS", "M. Sun", YL_A, (0, 1)), ["cs.CL"], 2017),
    (_with("A", "Y. Liu", YL_A, (0, 1)), ["cs.LG"], 2018),
]


def _as_people(filed: dict[tuple[str, int], int]) -> dict[str, set[int]]:
    people: dict[str, set[int]] = {}
    for n, (byline, _, _) in enumerate(SNOWBALL):
        for position, (_, who) in enumerate(byline, start=1):
            people.setdefault(who, set()).add(filed[(f"1501.{n:05d}", position)])
    return people


def _partition(filed: dict[tuple[str, int], int]) -> set[frozenset[tuple[str, int]]]:
    """Which authorships share a record, whatever the ids are."""
    groups: dict[int, set[tuple[str, int]]] = {}
    for slot, author_id in filed.items():
        groups.setdefault(author_id, set()).add(slot)
    return {frozenset(group) for group in groups.values()}


def test_a_later_run_decides_as_one_run_would_and_keeps_existing_ids(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    lines = [
        _snapshot_line(f"1501.{n:05d}", byline, cats, year)
        for n, (byline, cats, year) in enumerate(SNOWBALL)
    ]
    _pipeline_run(fresh_engine, lines, "together", tmp_path / "e1.jsonl")
    together = _filed(fresh_engine)
    empty_catalogue(fresh_engine)

    _pipeline_run(fresh_engine, lines[:4], "first", tmp_path / "e2.jsonl")
    before = _filed(fresh_engine)
    _pipeline_run(fresh_engine, lines[4:], "second", tmp_path / "e3.jsonl")
    after = _filed(fresh_engine)
    # A later run never moves an authorship that an earlier run filed...
    assert {k: after[k] for k in before} == before
    # ...and groups the authorships exactly as one run over the whole input does.
    assert _partition(after) == _partition(together)
    in_two_runs = _as_people(after)
    assert in_two_runs["A"].isdisjoint(in_two_runs["B"])
    assert len(in_two_runs["MS"]) == 1  # "M. Sun" joined "Maosong Sun" across the runs


ESTABLISHED = profile(
    40,
    "Liu",
    "Yang",
    categories={"cs.LG": 3},
    years=(2015, 2016),
    coauthors=["chen:h", "zhou:m", "xu:r"],
    coauthor_slots=6,  # three works with two of the three each: half the slots are repeats
)


def test_a_full_list_of_strangers_is_not_attached_on_name_and_field_alone() -> None:
    m = mention("Yang", "Liu", ["cs.LG"], 2016, ["berg:a", "novak:t"])
    evidence = evaluate(m, ESTABLISHED)
    assert (evidence.total, evidence.unknown_coauthors) == (5.0, 2)
    decision = resolve(m, [ESTABLISHED])
    assert isinstance(decision, CreateNew)
    assert decision.reasons == (
        "unknown-coauthors",
        "author-40: name=exact coauthors=none-of-2 field=category years=within score=5.00",
    )
    # One known coauthor settles it; a solo paper or a single stranger is not evidence
    # against the record; nor are strangers to a record whose coauthors rarely return.
    known = mention("Yang", "Liu", ["cs.LG"], 2016, ["berg:a", "xu:r"])
    assert evaluate(known, ESTABLISHED).total == 8.0
    assert matched(resolve(known, [ESTABLISHED])) == 40
    assert matched(resolve(mention("Yang", "Liu", ["cs.LG"], 2016), [ESTABLISHED])) == 40
    assert matched(resolve(mention("Yang", "Liu", ["cs.LG"], 2016, ["berg:a"]), [ESTABLISHED]))
    open_record = dataclasses.replace(ESTABLISHED, coauthor_slots=4)
    assert matched(resolve(m, [open_record])) == 40
    # The same ORCID on both sides overrides it; so does turning the rule off.
    orcid = "0000-0002-1825-0097"
    with_orcid = dataclasses.replace(ESTABLISHED, orcid=orcid)
    assert matched(resolve(dataclasses.replace(m, orcid=orcid), [with_orcid])) == 40
    assert matched(resolve(m, [ESTABLISHED], DisambiguationConfig(returning_coauthors=1.0)))


def test_update_profile_counts_coauthor_slots() -> None:
    first = profile_from_mention(1, mention("Yang", "Liu", ["cs.LG"], 2015, ["chen:h", "zhou:m"]))
    second = update_profile(first, mention("Yang", "Liu", ["cs.LG"], 2015, ["zhou:m", "xu:r"]))
    assert (first.coauthor_slots, second.coauthor_slots, len(second.coauthor_keys)) == (2, 4, 3)


def test_coauthors_matched_by_key_count_less_on_records_with_many_keys() -> None:
    keys = [f"k{i:03d}:x" for i in range(160)]
    big = profile(7, "Liu", "Yang", categories={"cs.LG": 60}, coauthors=keys)
    by_key = evaluate(mention("Yang", "Liu", ["cs.LG"], None, ["k001:x"]), big)
    # 80 / 160 keys: the shared key counts one half, 6 * (1 - 0.5 ** 0.5) = 1.76 points.
    assert by_key.shared_coauthors == 1
    assert by_key.coauthor_weight == pytest.approx(0.5)
    assert by_key.total == pytest.approx(3.0 + 6 * (1 - 0.5**0.5) + 1.5)
    assert "coauthor-weight=0.50" in by_key.reasons
    # Matched by author id, the same coauthor counts fully.
    with_ids = dataclasses.replace(big, coauthor_ids=frozenset({501}))
    m = dataclasses.replace(
        mention("Yang", "Liu", ["cs.LG"], None, ["k001:x"]), coauthor_ids=frozenset({501})
    )
    assert evaluate(m, with_ids).coauthor_weight == 1.0
    # Small records are untouched: the worked examples above keep their numbers.
    assert (
        evaluate(mention("M.", "Sun", ["cs.CL"], None, ["liu:z"]), MAOSONG).coauthor_weight == 1.0
    )


def test_a_rarely_used_category_counts_as_its_archive() -> None:
    record = profile(3, "Liu", "Yang", categories={"cond-mat.str-el": 40, "quant-ph": 2})
    record = dataclasses.replace(record, works_count=40)
    assert evaluate(mention("Yang", "Liu", ["quant-ph"]), record).overlap is FieldOverlap.ARCHIVE
    used = dataclasses.replace(record, categories={"cond-mat.str-el": 40, "quant-ph": 6})
    assert evaluate(mention("Yang", "Liu", ["quant-ph"]), used).overlap is FieldOverlap.CATEGORY
    # Aliases and old archive codes on the record add up under their canonical category.
    legacy = profile(4, "Kollar", "Janos", categories={"alg-geom": 3, "math.AG": 2, "math.NT": 40})
    legacy = dataclasses.replace(legacy, works_count=45)
    old = mention("Janos", "Kollar", ["math.AG"])
    assert evaluate(old, legacy).overlap is FieldOverlap.CATEGORY


def test_a_record_signing_for_another_collaboration_is_not_chosen() -> None:
    # Alphabetical neighbours on two rosters share keys by chance; the collaboration differs.
    config = DisambiguationConfig(max_full_coauthors=3, coauthor_window=2)
    atlas = ParsedName("ATLAS Collaboration", "ATLAS Collaboration", is_collaboration=True)
    cms = ParsedName("CMS Collaboration", "CMS Collaboration", is_collaboration=True)
    neighbours = [person("J.", "Lee"), person("J.", "Li"), person("X.", "Li")]
    on_atlas = mentions_for_work([atlas, *neighbours], ["hep-ex"], 2012, config)
    on_cms = mentions_for_work([cms, *neighbours], ["hep-ex"], 2012, config)
    assert on_atlas[2].collaborations == {"atlascollaboration:"}
    assert on_atlas[0].collaborations == frozenset()  # a collaboration is not its own member
    record = profile_from_mention(9, on_atlas[2])
    assert evaluate(on_cms[2], record).blocked == "collaboration-conflict"
    assert matched(resolve(on_atlas[2], [record])) == 9
    # A record that never signed for a collaboration is not in conflict with one.
    solo = profile(10, "Li", "J.", categories={"hep-ex": 3}, coauthors=["lee:j"])
    assert evaluate(on_cms[2], solo).blocked is None


def test_collaboration_memo_follows_update_profile() -> None:
    atlas = ParsedName("ATLAS Collaboration", "ATLAS Collaboration", is_collaboration=True)
    cms_name = ParsedName("CMS Collaboration", "CMS Collaboration", is_collaboration=True)
    plain = profile_from_mention(1, mention("J.", "Li", ["hep-ex"], 2010, ["lee:j"]))
    cms = mentions_for_work([cms_name, person("J.", "Li")], ["hep-ex"], 2012)[1]
    assert evaluate(cms, plain).blocked is None  # fills the memo: no collaboration yet
    on_atlas = mentions_for_work([atlas, person("J.", "Li")], ["hep-ex"], 2011)[1]
    grown = update_profile(plain, on_atlas)
    assert evaluate(cms, grown).blocked == "collaboration-conflict"


# --- properties --------------------------------------------------------------------------

given_names = st.sampled_from([*GIVENS, "Jean-Pierre", "J.-P.", "Jean", "Pavel M.", "P. M."])
category_sets = st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True)
years = st.none() | st.integers(1990, 2025)
coauthor_keys = st.frozensets(st.sampled_from(["liu:z", "chen:x", "yang:l", "li:j", "wu:q"]))


@st.composite
def mentions(draw: st.DrawFn) -> Mention:
    return Mention(
        person(draw(given_names), draw(st.sampled_from(FAMILIES))),
        tuple(draw(category_sets)),
        draw(years),
        draw(coauthor_keys),
    )


@st.composite
def profile_lists(draw: st.DrawFn) -> list[AuthorProfile]:
    ids = draw(st.lists(st.integers(1, 10_000), max_size=6, unique=True))
    records = []
    for author_id in ids:
        first = draw(st.integers(1990, 2025))
        records.append(
            AuthorProfile(
                author_id=author_id,
                family=draw(st.sampled_from(FAMILIES)),
                given_variants=draw(st.frozensets(given_names.filter(bool), max_size=3)),
                coauthor_keys=draw(coauthor_keys),
                categories=Counter(draw(category_sets)),
                first_year=first,
                last_year=first + draw(st.integers(0, 15)),
                coauthor_slots=draw(st.integers(0, 12)),
            )
        )
    return records


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(mentions(), profile_lists())
def test_never_matches_a_conflicting_given_name(m: Mention, records: list[AuthorProfile]) -> None:
    decision = resolve(m, records)
    if isinstance(decision, MatchExisting):
        chosen = next(p for p in records if p.author_id == decision.author_id)
        assert chosen.family == m.name.family
        assert all(given_compatible(m.name.given, v) for v in chosen.given_variants)
        assert decision.score >= DEFAULT_CONFIG.match_threshold


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(mentions(), profile_lists(), st.randoms(use_true_random=False))
def test_decision_is_independent_of_candidate_order(
    m: Mention, records: list[AuthorProfile], rng: random.Random
) -> None:
    shuffled = list(records)
    rng.shuffle(shuffled)
    assert resolve(m, records) == resolve(m, shuffled)


@settings(max_examples=200)
@given(mentions(), profile_lists())
def test_the_winner_scores_highest_among_the_eligible(
    m: Mention, records: list[AuthorProfile]
) -> None:
    decision = resolve(m, records)
    eligible = [
        e
        for e in (evaluate(m, p) for p in records)
        if e.blocked is None
        and e.total >= DEFAULT_CONFIG.match_threshold
        and (not e.unknown_coauthors or e.corroborated)
    ]
    if isinstance(decision, MatchExisting):
        assert decision.score == max(e.total for e in eligible)
        tied = [e.author_id for e in eligible if e.total == decision.score]
        assert decision.author_id == min(tied)
    else:
        assert not eligible


@settings(max_examples=200)
@given(mentions(), profile_lists(), coauthor_keys)
def test_more_shared_coauthors_never_lower_a_score(
    m: Mention, records: list[AuthorProfile], extra: frozenset[str]
) -> None:
    richer = dataclasses.replace(m, coauthor_keys=m.coauthor_keys | extra)
    for record in records:
        before, after = evaluate(m, record), evaluate(richer, record)
        assert before.blocked == after.blocked
        if before.blocked is None:
            assert after.total >= before.total


@settings(max_examples=200)
@given(profile_lists(), mentions())
def test_update_profile_never_mutates_and_only_grows(
    records: list[AuthorProfile], m: Mention
) -> None:
    for record in records:
        snapshot = dataclasses.replace(record, categories=Counter(record.categories))
        grown = update_profile(record, m)
        assert record == snapshot
        assert grown.works_count == record.works_count + 1
        assert grown.coauthor_keys >= record.coauthor_keys
        assert grown.given_variants >= record.given_variants
        assert sum(grown.categories.values()) >= sum(record.categories.values())


# --- decide: resolve's decision without the losers' evidence ---------------------------

# Few names and keys, so that candidates often agree, match, tie and meet strangers.
few_families = st.sampled_from(["Sun", "Wang"])
few_givens = st.sampled_from(["Maosong", "M.", "Mingyu", "M. S.", ""])
few_keys = st.frozensets(st.sampled_from(["liu:z", "chen:x", "yang:l", "li:j", "wu:q", "ng:a"]))
orcids = st.sampled_from([None, None, None, "0000-0001-0000-0001", "0000-0002-0000-0002"])
collaboration_keys = st.frozensets(st.sampled_from(["atlascollaboration:", "cmscollaboration:"]))


@st.composite
def rich_mentions(draw: st.DrawFn) -> Mention:
    """Mentions with everything `evaluate` reads: ORCID, resolved coauthor ids, the
    work's collaborations, collaboration names."""
    signs = draw(collaboration_keys) if draw(st.integers(0, 4)) == 0 else frozenset()
    name = (
        ParsedName("ATLAS Collaboration", "ATLAS Collaboration", is_collaboration=True)
        if draw(st.integers(0, 9)) == 0
        else person(draw(few_givens), draw(few_families))
    )
    return Mention(
        name,
        tuple(draw(category_sets)),
        draw(st.none() | st.integers(2005, 2020)),
        draw(few_keys) | signs,
        draw(st.frozensets(st.integers(1, 40), max_size=4)),
        orcid=draw(orcids),
        collaborations=signs,
    )


@st.composite
def rich_profiles(draw: st.DrawFn) -> list[AuthorProfile]:
    ids = draw(st.lists(st.integers(1, 40), max_size=8, unique=True))
    records = []
    for author_id in ids:
        first = draw(st.none() | st.integers(2005, 2020))
        collaboration = draw(st.integers(0, 9)) == 0
        records.append(
            AuthorProfile(
                author_id=author_id,
                family="ATLAS Collaboration" if collaboration else draw(few_families),
                given_variants=draw(st.frozensets(few_givens.filter(bool), max_size=2)),
                coauthor_keys=draw(few_keys)
                | (draw(collaboration_keys) if draw(st.integers(0, 4)) == 0 else frozenset()),
                coauthor_ids=draw(st.frozensets(st.integers(1, 40), max_size=4)),
                categories=Counter({c: draw(st.integers(1, 30)) for c in draw(category_sets)}),
                first_year=first,
                last_year=None if first is None else first + draw(st.integers(0, 15)),
                orcid=draw(orcids),
                works_count=draw(st.integers(0, 60)),
                is_collaboration=collaboration,
                coauthor_slots=draw(st.integers(0, 12)),
            )
        )
    return records


configs = st.sampled_from(
    [
        DEFAULT_CONFIG,
        DisambiguationConfig(match_threshold=2.0),
        DisambiguationConfig(match_threshold=6.5, coauthor_key_scale=2.0),
        DisambiguationConfig(year_penalty_per_year=-0.5, year_floor=-2.0),  # no bound
        DisambiguationConfig(returning_coauthors=1.0, field_disjoint=0.0, year_within=0.0),
    ]
)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(rich_mentions(), rich_profiles(), configs)
def test_decide_is_resolve_without_the_evidence(
    m: Mention, records: list[AuthorProfile], config: DisambiguationConfig
) -> None:
    assert decide(m, records, config) == matched(resolve(m, records, config))


def test_decide_on_the_worked_examples() -> None:
    candidates = [MAOSONG, MINGYU]
    for m in (
        mention("M.", "Sun", ["cs.CL"], 2015, ["liu:z"]),
        mention("Maosong", "Sun", ["cs.CL"], 2015),
        mention("Mingyu", "Sun", ["cs.CV"], 2018),
        mention("M.", "Sun", ["cs.CV"], 2018),
        mention("Wei", "Sun", ["hep-th"], 2018),
    ):
        assert decide(m, candidates) == matched(resolve(m, candidates))


# --- candidate blocks: decide over the contenders is decide over the block -------------

# Givens that reach every grade against each other, so the name-alone path is exercised.
block_givens = st.sampled_from(["Maosong", "M.", "Mingyu", "M. S.", "Maosong S.", "Mao-Song", ""])


@st.composite
def block_profiles(draw: st.DrawFn) -> list[AuthorProfile]:
    records = draw(rich_profiles())
    return [
        dataclasses.replace(
            record,
            given_variants=draw(st.frozensets(block_givens.filter(bool), max_size=3)),
        )
        for record in records
    ]


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(rich_mentions(), block_profiles(), configs, st.sampled_from([0, 3, 32]))
def test_decide_over_the_contenders_is_decide_over_the_block(
    m: Mention, records: list[AuthorProfile], config: DisambiguationConfig, indexed_from: int
) -> None:
    block = CandidateBlock(records, indexed_from=indexed_from)
    contenders = block.contenders(m, config)
    assert {p.author_id for p in contenders} <= {p.author_id for p in records}
    assert decide(m, contenders, config) == decide(m, records, config)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rich_mentions(), min_size=1, max_size=30), configs, st.sampled_from([0, 4]))
def test_a_block_kept_current_decides_as_a_list_kept_current(
    stream: list[Mention], config: DisambiguationConfig, indexed_from: int
) -> None:
    """The pipeline's use: each mention is decided, then folded into the record it went
    to (or a new one). Indexes updated on the way must agree with a plain list throughout."""
    block = CandidateBlock(indexed_from=indexed_from)
    plain: dict[int, AuthorProfile] = {}
    for m in stream:
        expected = decide(m, list(plain.values()), config)
        assert decide(m, block.contenders(m, config), config) == expected
        if expected is None:
            grown = profile_from_mention(len(plain) + 100, m)
        else:
            grown = update_profile(plain[expected], m)
        plain[grown.author_id] = grown
        block.put(grown)
        assert block.get(grown.author_id) is grown
    assert len(block) == len(plain)


def test_contenders_leave_out_records_that_cannot_reach_the_threshold() -> None:
    """ "M. Sun" with coauthor liu:z: only the record that knows liu:z can still win; the
    twenty namesakes with no coauthor in common are never scored."""
    namesakes = [
        profile(100 + n, "Sun", "Mingyu", categories={"cs.CV": 3}, years=(2016, 2020))
        for n in range(20)
    ]
    block = CandidateBlock([MAOSONG, MINGYU, *namesakes], indexed_from=8)
    initials = mention("M.", "Sun", ["cs.CL"], 2015, ["liu:z"])
    assert [p.author_id for p in block.contenders(initials)] == [MAOSONG.author_id]
    assert decide(initials, block.contenders(initials)) == MAOSONG.author_id
    # A full first name can match on name and field alone: every "Mingyu" stays in.
    spelled = mention("Mingyu", "Sun", ["cs.CV"], 2018)
    assert {p.author_id for p in block.contenders(spelled)} == {
        MINGYU.author_id,
        *(p.author_id for p in namesakes),
    }
    # Below `indexed_from`, the block is scanned whole.
    small = CandidateBlock([MAOSONG, MINGYU])
    assert len(small.contenders(initials)) == 2
