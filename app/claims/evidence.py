"""Claim evidence: what can be checked, and the rule that approves a claim at once.

Pure functions of their inputs (no database, no network), so the rule documented in
`docs/claims.md` is exactly what is tested here.

What each kind of evidence can prove:

- **Institutional email**: the account's *verified* address. Its domain matching one of the
  record's imported affiliations is proof of control that bzpeer checked itself (the
  account received mail there), so it is strong evidence: L3.
- **ORCID iD**, **homepage**, **arXiv ids**: checked for form (the ORCID checksum) and
  against the record, but all of them are public: anybody can copy them from the record
  page. They support a claim and can contradict it; alone, or together, they never prove
  control, so they never approve a claim by themselves.
- **The account's name** is compared with the record's names the way ingestion compares
  names (`app.ingest.names`: the same name key, given names compatible with every given
  name the record is known under). It is the account's own word, so it proves nothing
  either; it stops an address at the right institution from claiming a colleague's record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from app.ingest.names import (
    ascii_fold,
    given_compatible,
    name_from_inverted,
    name_key,
    parse_person_name,
)
from app.ingest.records import ParsedName

Outcome = Literal["matches", "consistent", "mismatch", "invalid", "unverified"]
CheckKind = Literal["email", "orcid", "homepage", "arxiv_id", "name"]

ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?([0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])$")
_ARXIV_NEW = re.compile(r"^([0-9]{4}\.[0-9]{4,5})(?:v[0-9]+)?$")
_ARXIV_OLD = re.compile(r"^([a-z][a-z-]*(?:\.[a-z]{2})?/[0-9]{7})(?:v[0-9]+)?$", re.IGNORECASE)
_WORDS = re.compile(r"[a-z0-9]+")

# Mailbox providers: an address there says nothing about an institution.
FREE_MAIL = frozenset(
    {
        "gmail", "googlemail", "outlook", "hotmail", "live", "msn", "yahoo", "ymail",
        "icloud", "me", "mac", "aol", "proton", "protonmail", "pm", "gmx", "web", "mail",
        "yandex", "qq", "163", "126", "sina", "naver", "hanmail", "zoho", "fastmail",
        "tutanota", "posteo", "mailbox", "hey", "example",
    }
)  # fmt: skip
# Second-level labels under a country code (ox.ac.uk, unsw.edu.au, kyoto-u.ac.jp).
_SECOND_LEVEL = frozenset({"ac", "edu", "co", "org", "gov", "net", "com", "res", "uni"})
_STOP = frozenset({"of", "the", "and", "for", "at", "in", "de", "del", "der", "di", "du", "la", "le", "des", "fur", "et", "y"})  # fmt: skip


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2 over the first 15 digits gives the 16th (`X` for 10)."""
    digits = orcid.replace("-", "")
    if len(digits) != 16 or not digits[:15].isdigit():
        return False
    total = 0
    for char in digits[:15]:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    return digits[15] == ("X" if result == 10 else str(result))


def normalise_orcid(value: str) -> str | None:
    match = ORCID_RE.match(value.strip())
    return match.group(1) if match else None


def normalise_arxiv_id(value: str) -> str | None:
    """`arXiv:2101.00001v2` -> `2101.00001`; `hep-th/9901001` stays; None if neither."""
    text = value.strip()
    for prefix in ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "arxiv:", "arXiv:"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(text)
        if match:
            return match.group(1)
    return None


def normalise_homepage(value: str) -> str:
    """Compare homepages without scheme, `www.`, case of the host, or a trailing slash."""
    text = value.strip()
    text = re.sub(r"^https?://", "", text, flags=re.IGNORECASE)
    host, _, path = text.partition("/")
    return f"{host.lower().removeprefix('www.')}/{path}".rstrip("/")


def institution_label(email: str) -> str | None:
    """The label of an address's domain that names the organisation: `cs.mit.edu` ->
    `mit`, `physics.ox.ac.uk` -> `ox`; None for free-mail providers."""
    domain = email.rpartition("@")[2].lower().strip(".")
    labels = [label for label in domain.split(".") if label]
    if len(labels) < 2:
        return None
    rest = labels[:-1]
    if len(rest) >= 2 and rest[-1] in _SECOND_LEVEL:
        rest = rest[:-1]
    label = rest[-1]
    if label in FREE_MAIL or len(label) < 2:
        return None
    return label


def _significant_words(name: str) -> list[str]:
    return [w for w in _WORDS.findall(ascii_fold(name)) if w not in _STOP]


def label_matches_affiliation(label: str, affiliation: str) -> bool:
    """`mit` ~ Massachusetts Institute of Technology (acronym), `stanford` ~ Stanford
    University (a word), `ethz` ~ ETH Zurich (the start of the name, 4+ letters).

    Deliberately strict: a miss only sends the claim to a reviewer, a false match would
    approve it.
    """
    words = _significant_words(affiliation)
    if not words:
        return False
    acronym = "".join(w[0] for w in words)
    if len(label) >= 3 and label == acronym:
        return True
    if len(label) >= 3 and label in words:
        return True
    return len(label) >= 4 and "".join(words).startswith(label)


def matching_affiliation(email: str, affiliations: Iterable[str]) -> str | None:
    label = institution_label(email)
    if label is None:
        return None
    return next((a for a in affiliations if label_matches_affiliation(label, a)), None)


def _given_of(name: str, family: str) -> str:
    """The given part of a byline name, read against the record's family name as ingestion
    reads a record's name variants (`Maosong Sun` with family `Sun` -> `Maosong`)."""
    name = name.strip()
    if family and name.endswith(family):
        return name[: -len(family)].strip(" ,")
    return ""


def _person(name: str) -> ParsedName | None:
    """An account name, written `Ada Lovelace` or `Lovelace, Ada`."""
    parsed = name_from_inverted(name) if "," in name else parse_person_name(name)
    if parsed is None or parsed.is_collaboration:
        return None
    return parsed


def name_matches(account_name: str, family_name: str, names: Iterable[str]) -> bool:
    """Could the account's name be this record's person, as ingestion compares names?

    Whole names, never substrings (`Li` does not fit `Oliver`): the account's name must
    have the record's name key (folded family name and first initial, `name_key`) and a
    given name compatible (`given_compatible`: `Ada` ~ `A.`, `Ada` !~ `Alice`) with
    **every** given name the record is known under (`names`: its display name and name
    variants), just as disambiguation never files `Mingyu Sun` on a record that has been
    `Maosong Sun`. A record or an account with no given name to compare does not match:
    a miss only sends the claim to a reviewer, a false match would approve it.
    """
    person = _person(account_name)
    if person is None or not person.given or not family_name:
        return False
    givens = {g for g in (_given_of(n, family_name) for n in names) if g}
    if not givens:
        return False
    key = name_key(person)
    return all(
        name_key(ParsedName(raw="", family=family_name, given=given)) == key
        and given_compatible(person.given, given)
        for given in givens
    )


@dataclass(frozen=True)
class Evidence:
    orcid: str | None = None
    email: str | None = None
    homepage: str | None = None
    arxiv_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Record:
    """What the record says, as far as the evidence needs it."""

    family_name: str
    names: tuple[str, ...]  # display name and name variants, as the record's works spell it
    orcid: str | None
    homepage: str | None
    affiliations: tuple[str, ...]  # imported only: what the record's own works say
    works_count: int
    # Which of the listed arXiv ids (normalised) are works on the record.
    arxiv_ids_on_record: frozenset[str] = frozenset()
    has_owner: bool = False
    has_open_claim: bool = False
    is_collaboration: bool = False


@dataclass(frozen=True)
class Claimant:
    email: str
    email_verified: bool
    name: str


@dataclass(frozen=True)
class Check:
    kind: CheckKind
    value: str
    outcome: Outcome
    detail: str


@dataclass(frozen=True)
class Assessment:
    checks: tuple[Check, ...]
    approve: bool
    level: int | None  # 3 when approved by the rule
    strong_evidence: bool
    reasons: tuple[str, ...] = field(default=())


def check_evidence(evidence: Evidence, record: Record, claimant: Claimant) -> list[Check]:
    checks: list[Check] = []
    email = evidence.email or claimant.email  # the caller normalises both
    if email != claimant.email:
        checks.append(Check("email", email, "unverified", "Not this account's verified address."))
    elif not claimant.email_verified:
        checks.append(Check("email", email, "unverified", "The address is not verified yet."))
    else:
        matched = matching_affiliation(email, record.affiliations)
        if matched:
            checks.append(Check("email", email, "matches", f"Domain matches '{matched}'."))
        else:
            checks.append(
                Check("email", email, "consistent", "Domain matches none of the affiliations.")
            )
    if evidence.orcid:
        orcid = normalise_orcid(evidence.orcid)
        if orcid is None or not orcid_checksum_ok(orcid):
            checks.append(Check("orcid", evidence.orcid, "invalid", "Bad format or checksum."))
        elif record.orcid == orcid:
            checks.append(Check("orcid", orcid, "matches", "The record's ORCID iD."))
        elif record.orcid:
            checks.append(Check("orcid", orcid, "mismatch", "The record has a different ORCID iD."))
        else:
            checks.append(Check("orcid", orcid, "consistent", "The record has no ORCID iD."))
    if evidence.homepage:
        if record.homepage and normalise_homepage(record.homepage) == normalise_homepage(
            evidence.homepage
        ):
            checks.append(Check("homepage", evidence.homepage, "matches", "The record's page."))
        else:
            checks.append(
                Check("homepage", evidence.homepage, "consistent", "Left for a reviewer.")
            )
    for raw in evidence.arxiv_ids:
        arxiv_id = normalise_arxiv_id(raw)
        if arxiv_id is None:
            checks.append(Check("arxiv_id", raw, "invalid", "Not an arXiv identifier."))
        elif arxiv_id in record.arxiv_ids_on_record:
            checks.append(Check("arxiv_id", arxiv_id, "matches", "A work on this record."))
        else:
            checks.append(Check("arxiv_id", arxiv_id, "mismatch", "Not a work on this record."))
    if name_matches(claimant.name, record.family_name, record.names):
        checks.append(Check("name", claimant.name, "matches", "Account name fits the record."))
    else:
        checks.append(
            Check("name", claimant.name, "mismatch", "Account name does not fit the record.")
        )
    return checks


def assess(evidence: Evidence, record: Record, claimant: Claimant) -> Assessment:
    """Check the evidence and apply the auto-approval rule of docs/claims.md.

    This is the one place the rule lives: a claim is approved at once only when nothing
    blocks it, the account's own verified address matches one of the record's imported
    affiliations, and the account's name fits the record. Public evidence (ORCID iD,
    homepage, arXiv ids) can block a claim but never approves one.
    """
    checks = check_evidence(evidence, record, claimant)
    reasons: list[str] = []
    if not claimant.email_verified:
        reasons.append("the account's email address is not verified")
    if record.is_collaboration:
        reasons.append("the record is a collaboration, not a person")
    if record.has_owner:
        reasons.append("the record already has an owner (a dispute)")
    if record.has_open_claim:
        reasons.append("another claim on the record is waiting for review")
    contradicting = [c for c in checks if c.kind != "name" and c.outcome in ("mismatch", "invalid")]
    if contradicting:
        reasons.append("some evidence does not fit the record")
    institutional = any(c.kind == "email" and c.outcome == "matches" for c in checks)
    name_fits = any(c.kind == "name" and c.outcome == "matches" for c in checks)
    if not reasons and institutional and name_fits:
        return Assessment(
            tuple(checks), True, 3, True, ("institutional email domain and matching name",)
        )
    if not reasons:
        if not institutional:
            reasons.append(
                "no private proof: only a verified address at one of the record's "
                "institutions approves a claim by rule (ORCID iDs and arXiv ids are public)"
            )
        if not name_fits:
            reasons.append("the account's name does not fit the record's names")
    return Assessment(tuple(checks), False, None, False, tuple(reasons))
