"""The pure evidence checks and the auto-approval rule of docs/claims.md."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.claims import evidence as ev


def _check_digit(base: str) -> str:
    """ISO 7064 MOD 11-2, written out independently of the code under test."""
    total = 0
    for char in base:
        total = (total + int(char)) * 2
    remainder = total % 11
    result = (12 - remainder) % 11
    return "X" if result == 10 else str(result)


def _format(digits: str) -> str:
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_published_orcid_examples_pass_the_checksum(orcid: str) -> None:
    assert ev.orcid_checksum_ok(orcid)


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0098", "0000-0002-1694-2330", "0000-0002-1825-009", "abcd"]
)
def test_wrong_orcids_fail_the_checksum(orcid: str) -> None:
    assert not ev.orcid_checksum_ok(orcid)


@given(st.text(alphabet="0123456789", min_size=15, max_size=15))
def test_the_right_check_digit_passes_and_every_other_fails(base: str) -> None:
    right = _check_digit(base)
    assert ev.orcid_checksum_ok(_format(base + right))
    for wrong in "0123456789X":
        if wrong != right:
            assert not ev.orcid_checksum_ok(_format(base + wrong))


@given(st.text(alphabet="0123456789", min_size=15, max_size=15))
def test_orcid_urls_normalise_to_the_bare_id(base: str) -> None:
    orcid = _format(base + _check_digit(base))
    assert ev.normalise_orcid(f"https://orcid.org/{orcid}") == orcid
    assert ev.normalise_orcid(f" {orcid} ") == orcid


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("arXiv:2101.00001v2", "2101.00001"),
        ("https://arxiv.org/abs/0704.0001", "0704.0001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.AG/0309136", "math.AG/0309136"),
        ("not an id", None),
    ],
)
def test_arxiv_ids_normalise(raw: str, expected: str | None) -> None:
    assert ev.normalise_arxiv_id(raw) == expected


@pytest.mark.parametrize(
    ("email", "label"),
    [
        ("a@cs.mit.edu", "mit"),
        ("b@physics.ox.ac.uk", "ox"),
        ("c@unsw.edu.au", "unsw"),
        ("d@ethz.ch", "ethz"),
        ("e@gmail.com", None),
        ("f@example.org", None),
    ],
)
def test_the_institutional_label_of_an_address(email: str, label: str | None) -> None:
    assert ev.institution_label(email) == label


@pytest.mark.parametrize(
    ("label", "affiliation", "matches"),
    [
        ("mit", "Massachusetts Institute of Technology", True),
        ("stanford", "Stanford University", True),
        ("ethz", "ETH Zurich", True),
        ("ucl", "University College London", True),
        ("harvard", "Stanford University", False),
        ("uni", "University of Vienna", False),  # too short to stand for a prefix
        ("mit", "Smith College", False),
    ],
)
def test_labels_match_affiliations_strictly(label: str, affiliation: str, matches: bool) -> None:
    assert ev.label_matches_affiliation(label, affiliation) is matches


RECORD = ev.Record(
    family_name="Lovelace",
    names=("Ada Lovelace", "A. Lovelace"),
    orcid="0000-0002-1825-0097",
    homepage="https://ada.example.org",
    affiliations=("Stanford University",),
    works_count=5,
    arxiv_ids_on_record=frozenset({"2101.00001", "2101.00002", "2101.00003"}),
)
INSTITUTIONAL = ev.Claimant("ada@cs.stanford.edu", True, "Ada Lovelace")
FREE_MAIL = ev.Claimant("ada@gmail.com", True, "Ada Lovelace")
OWN_WORKS = ("2101.00001", "arXiv:2101.00002v3", "2101.00003")


def _record(**fields: Any) -> ev.Record:
    return replace(RECORD, **fields)


def test_a_verified_institutional_address_matching_an_affiliation_is_l3() -> None:
    result = ev.assess(ev.Evidence(), RECORD, INSTITUTIONAL)
    assert (result.approve, result.level, result.strong_evidence) == (True, 3, True)


@pytest.mark.parametrize(
    "evidence",
    [
        ev.Evidence(arxiv_ids=OWN_WORKS),
        # Every public fact of the record at once still proves nothing: anybody can copy
        # the ORCID iD, the homepage and the arXiv ids from the record page.
        ev.Evidence(
            arxiv_ids=OWN_WORKS, orcid="0000-0002-1825-0097", homepage="https://ada.example.org"
        ),
        ev.Evidence(orcid="https://orcid.org/0000-0002-1825-0097"),
    ],
)
def test_public_evidence_alone_waits_for_an_administrator(evidence: ev.Evidence) -> None:
    result = ev.assess(evidence, RECORD, FREE_MAIL)
    assert (result.approve, result.level, result.strong_evidence) == (False, None, False)
    assert any("no private proof" in r for r in result.reasons)
    # The checks still say that the public evidence fits.
    assert all(c.outcome == "matches" for c in result.checks if c.kind != "email")


@pytest.mark.parametrize(
    "name",
    [
        "Bob Byron",  # another person at the same institution
        "Alice Lovelace",  # same family, another given name
        "Lovelace",  # no given name to compare
        "",
        "Ada Lovelace-Byron",  # another family name
    ],
)
def test_an_institutional_address_with_a_name_that_does_not_fit_waits(name: str) -> None:
    result = ev.assess(ev.Evidence(), RECORD, ev.Claimant("x@cs.stanford.edu", True, name))
    assert not result.approve
    assert result.level is None
    assert ("name", "mismatch") in {(c.kind, c.outcome) for c in result.checks}
    assert any("name does not fit" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("account", "family", "names", "fits"),
    [
        ("Ada Lovelace", "Lovelace", ("Ada Lovelace",), True),
        ("Lovelace, Ada", "Lovelace", ("Ada Lovelace",), True),  # inverted
        ("ada lovelace", "Lovelace", ("A. Lovelace",), True),  # case, an initial
        ("Ada King Lovelace", "Lovelace", ("A. K. Lovelace", "Ada Lovelace"), True),
        ("Gergely Szollosi", "Szöllősi", ("Gergely J. Szöllősi",), True),  # accents folded
        ("Jan van den Bosch", "van den Bosch", ("J. van den Bosch",), True),
        ("Chien-Peng Wu", "Wu", ("C.-P. Wu",), True),
        # Substrings are not names: "Li" is in "Oliver", "Lee" is not "Leeds".
        ("Oliver Smith", "Li", ("O. Li",), False),
        ("Oliver Li", "Li", ("Oliver Li",), True),
        ("Wei Li", "Li", ("Oliver Li",), False),
        ("Tom Leeds", "Lee", ("T. Lee",), False),
        # One conflicting variant is enough, as in disambiguation: a record that has been
        # "Maosong Sun" is never "Mingyu Sun", however often it was also "M. Sun".
        ("Mingyu Sun", "Sun", ("M. Sun", "Maosong Sun"), False),
        ("Maosong Sun", "Sun", ("M. Sun", "Maosong Sun", "Mao-Song Sun"), True),
        # Nothing to compare on the record's side.
        ("Ada Lovelace", "Lovelace", ("Lovelace",), False),
        ("ATLAS Collaboration", "ATLAS Collaboration", ("ATLAS Collaboration",), False),
    ],
)
def test_names_fit_as_ingestion_compares_them(
    account: str, family: str, names: tuple[str, ...], fits: bool
) -> None:
    assert ev.name_matches(account, family, names) is fits


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8))
def test_a_family_name_inside_another_word_never_fits(fragment: str) -> None:
    family = fragment.capitalize()
    assert not ev.name_matches(f"Oliver X{fragment}y", family, (f"O. {family}",))


@pytest.mark.parametrize(
    ("evidence", "record", "claimant"),
    [
        # A listed id that is not on the record contradicts the claim.
        (ev.Evidence(arxiv_ids=(*OWN_WORKS, "1999.99999")), RECORD, INSTITUTIONAL),
        # A bad ORCID contradicts it too, and so does another one.
        (ev.Evidence(orcid="0000-0002-1825-0098"), RECORD, INSTITUTIONAL),
        (ev.Evidence(orcid="0000-0001-5109-3700"), RECORD, INSTITUTIONAL),
        # An address that is not the account's own proves nothing.
        (ev.Evidence(email="someone@stanford.edu"), RECORD, FREE_MAIL),
        # Unverified accounts are never approved by the rule.
        (ev.Evidence(), RECORD, ev.Claimant("ada@cs.stanford.edu", False, "Ada Lovelace")),
        # An address at another institution.
        (ev.Evidence(arxiv_ids=OWN_WORKS), RECORD, ev.Claimant("ada@mit.edu", True, "Ada Lovelace")),
        # An owned record: a dispute.
        (ev.Evidence(), _record(has_owner=True), INSTITUTIONAL),
        # Another claim is waiting.
        (ev.Evidence(), _record(has_open_claim=True), INSTITUTIONAL),
        # A collaboration is not a person.
        (ev.Evidence(), _record(is_collaboration=True), INSTITUTIONAL),
    ],
)  # fmt: skip
def test_everything_else_waits_for_an_administrator(
    evidence: ev.Evidence, record: ev.Record, claimant: ev.Claimant
) -> None:
    result = ev.assess(evidence, record, claimant)
    assert not result.approve
    assert result.level is None
    assert result.reasons


def test_checks_report_each_piece_of_evidence() -> None:
    record = _record(affiliations=(), arxiv_ids_on_record=frozenset())
    checks = ev.check_evidence(
        ev.Evidence(
            orcid="https://orcid.org/0000-0002-1825-0097",
            homepage="http://www.ADA.example.org/",
            arxiv_ids=("2101.00009", "nonsense"),
        ),
        record,
        FREE_MAIL,
    )
    outcomes = {(c.kind, c.outcome) for c in checks}
    assert ("orcid", "matches") in outcomes
    assert ("homepage", "matches") in outcomes
    assert ("arxiv_id", "mismatch") in outcomes
    assert ("arxiv_id", "invalid") in outcomes
    assert ("email", "consistent") in outcomes
    assert ("name", "matches") in outcomes
