"""Author disambiguation: which author record does one authorship belong to?

A pure, deterministic core. The pipeline blocks candidates (author records whose `name_key`
equals the mention's, see `app.ingest.names.name_key`), describes each as an `AuthorProfile`,
describes the authorship as a `Mention`, and calls `resolve`. No database, no I/O, no clock:
the same mention and the same candidate profiles give the same `Decision`, whatever the order
of the candidates, and an existing author id is only ever chosen, never renumbered.

The rule, in short: a candidate whose full given name conflicts with the mention's ("Maosong"
vs "Mingyu"), or who signs for other collaborations than the paper's, is never chosen; every
other candidate gets a score that adds up the evidence (name agreement, shared coauthors,
overlapping arXiv fields, closeness in time, ORCID), and the best eligible candidate at or
above `DisambiguationConfig.match_threshold` wins (ties: lowest author id). A candidate is not
eligible when it rests on name and field alone while the paper lists several coauthors and
the record, whose coauthors keep returning, knows none of them. With no eligible candidate a
new author is created. Collaborations ("ATLAS Collaboration") match by exact normalised name
only. `docs/disambiguation.md` explains the weights and walks through examples.

Speed matters (one call per authorship, about a million per full ingest), so per-name work
(folding, splitting given names, comparing two given names, mapping categories to archives)
is cached on the strings themselves, and profiles precompute what scoring needs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from typing import Final, NamedTuple, TypeVar

from app.ingest.names import ascii_fold, given_compatible, name_key
from app.ingest.records import ParsedName
from app.topics.taxonomy import load_taxonomy

__all__ = [
    "ALGORITHM_VERSION",
    "DEFAULT_CONFIG",
    "AuthorProfile",
    "CandidateBlock",
    "CreateNew",
    "Decision",
    "DisambiguationConfig",
    "Evidence",
    "FieldOverlap",
    "MatchExisting",
    "Mention",
    "NameMatch",
    "decide",
    "evaluate",
    "mentions_for_work",
    "profile_from_mention",
    "resolve",
    "update_profile",
]

# Bump when a change to the rules or default weights can change decisions, so runs record
# which rules filed their authorships.
ALGORITHM_VERSION: Final = "disambiguation-2"

_V = TypeVar("_V")

_NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")
# The same tokenisation as `app.ingest.names.given_compatible`, so the grade below and the
# compatibility gate see the same parts: "C.-P." -> C., P.; "Jean-Pierre" -> Jean, Pierre.
_GIVEN_TOKEN: Final = re.compile(r"[^\W\d_]+\.?")


# --- name comparison -------------------------------------------------------------------


class NameMatch(IntEnum):
    """How well a mention's given name agrees with a candidate's best given-name variant."""

    CONFLICT = -1  # cannot be the same person: "Maosong" vs "Mingyu", "John A." vs "John B."
    UNKNOWN = 0  # one side has no given name at all
    INITIAL = 1  # agreement rests on one initial: "M." vs "Maosong"
    INITIALS = 2  # two or more parts agree, at least one only as an initial: "P. M." vs "P. M."
    FIRST_NAME = 3  # the first given name agrees in full, the rest is missing or initials
    EXACT = 4  # the whole given name agrees (spacing and hyphens aside): "Mao-Song"/"Maosong"

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


@lru_cache(maxsize=1 << 16)
def _key(family: str, given: str) -> str:
    # `name_key` reads only the family and given names (its contract: folded family and
    # first initial), and is not cached itself; the same names recur on thousands of works.
    return name_key(ParsedName(raw="", family=family, given=given))


@lru_cache(maxsize=1 << 16)
def _fold_family(family: str) -> str:
    # Names in scripts that ascii-folding erases keep their casefolded form instead of
    # collapsing to "" (which would make every such name equal).
    return _NON_ALNUM.sub("", ascii_fold(family)) or family.casefold().strip()


@lru_cache(maxsize=1 << 16)
def _fold_collaboration(name: str) -> str:
    return _NON_ALNUM.sub(" ", ascii_fold(name)).strip() or name.casefold().strip()


@lru_cache(maxsize=1 << 16)
def _given_shape(given: str) -> tuple[tuple[str, bool], ...]:
    """Given name -> ((folded part, abbreviated?), ...), as `given_compatible` splits it."""
    parts: list[tuple[str, bool]] = []
    for token in _GIVEN_TOKEN.findall(given):
        bare = token.rstrip(".")
        core = ascii_fold(bare) or bare.casefold()
        parts.append((core, token.endswith(".") or len(core) == 1))
    return tuple(parts)


@lru_cache(maxsize=1 << 16)
def _given_grade(a: str, b: str) -> NameMatch:
    """Grade two given names. Cached on the raw strings: the same pairs recur constantly."""
    pa, pb = _given_shape(a), _given_shape(b)
    if not pa or not pb:
        return NameMatch.UNKNOWN
    # The gate is the shared definition in app.ingest.names, so disambiguation can never
    # call "compatible" what the rest of the system calls a mismatch, or the reverse.
    if not given_compatible(a, b):
        return NameMatch.CONFLICT
    spelled_a = not any(abbrev for _, abbrev in pa)
    spelled_b = not any(abbrev for _, abbrev in pb)
    if spelled_a and spelled_b and "".join(p for p, _ in pa) == "".join(p for p, _ in pb):
        return NameMatch.EXACT
    if pa == pb and not pa[0][1]:
        return NameMatch.EXACT  # "John A." written the same way twice
    if not pa[0][1] and not pb[0][1]:
        return NameMatch.FIRST_NAME
    return NameMatch.INITIALS if min(len(pa), len(pb)) >= 2 else NameMatch.INITIAL


# Smaller than the others: each entry keeps a variant set alive, including sets of profiles
# that `update_profile` has since replaced.
@lru_cache(maxsize=1 << 15)
def _best_given_grade(given: str, variants: frozenset[str]) -> NameMatch:
    """The best grade over a candidate's variants, or CONFLICT if any variant conflicts.

    One conflicting variant is enough to block: a record that has been "Maosong Sun" is
    never "Mingyu Sun", however many times it was also written "M. Sun". Cached on the
    variant set itself (a frozenset hashes once): one record meets many mentions.
    """
    best = NameMatch.UNKNOWN
    for variant in variants:
        grade = _given_grade(given, variant)
        if grade is NameMatch.CONFLICT:
            return grade
        if grade > best:
            best = grade
    return best


# --- fields (arXiv categories) ---------------------------------------------------------


class _Fields(NamedTuple):
    categories: frozenset[str]  # canonical codes: aliases and subsumed archives mapped
    archives: frozenset[str]
    groups: frozenset[str]


_NO_FIELDS: Final = _Fields(frozenset(), frozenset(), frozenset())


@lru_cache(maxsize=1 << 14)
def _fields_of(codes: tuple[str, ...]) -> _Fields:
    """Canonical categories, archives and groups of a set of category codes.

    Canonical codes make an alias and its target count as the same field (`stat.TH` is
    `math.ST`, old `alg-geom` is `math.AG`). Unknown codes keep their own code and their
    prefix as archive, so two papers in the same unknown category still meet.
    """
    if not codes:
        return _NO_FIELDS
    taxonomy = load_taxonomy()
    categories: set[str] = set()
    archives: set[str] = set()
    groups: set[str] = set()
    for code in codes:
        category = taxonomy.resolve(code)
        if category is not None:
            canonical = taxonomy.categories[category.canonical_code]
            categories.add(canonical.code)
            archives.add(canonical.archive_code)
            groups.add(canonical.group_code)
            continue
        categories.add(code)
        archive = taxonomy.archive_for(code)
        if archive is None:
            archives.add(code.split(".", 1)[0])
        else:
            archives.add(archive.code)
            groups.add(archive.group_code)
    return _Fields(frozenset(categories), frozenset(archives), frozenset(groups))


class FieldOverlap(IntEnum):
    DISJOINT = -1
    UNKNOWN = 0  # one side has no categories
    GROUP = 1
    ARCHIVE = 2
    CATEGORY = 3

    @property
    def label(self) -> str:
        return self.name.lower()


def _field_overlap(a: _Fields, b: _Fields) -> FieldOverlap:
    if not a.categories or not b.categories:
        return FieldOverlap.UNKNOWN
    if not a.categories.isdisjoint(b.categories):
        return FieldOverlap.CATEGORY
    if not a.archives.isdisjoint(b.archives):
        return FieldOverlap.ARCHIVE
    if not a.groups.isdisjoint(b.groups):
        return FieldOverlap.GROUP
    return FieldOverlap.DISJOINT


# --- configuration ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DisambiguationConfig:
    """Weights and thresholds. Points add up; a candidate needs `match_threshold` to win.

    The defaults are tuned on generated corpora (see docs/disambiguation.md) so that:
    * an exact full name in the same archive matches on its own (3.0 + 1.0 = 4.0), unless
      the paper's coauthors are all strangers to a record whose coauthors keep returning;
    * an exact full name in an unrelated field does not (3.0 - 3.0 + 0.5 = 0.5), not even
      with one shared coauthor (0.5 + 3.0 = 3.5);
    * initials alone never match without a shared coauthor (0.5 + 1.5 + 0.5 = 2.5);
    * one shared coauthor plus a compatible name in a related field does;
    * a coauthor matched by name key alone counts less on records with many coauthor keys,
      where chance collisions ("Y. Liu") are likely.
    """

    match_threshold: float = 4.0

    # Name agreement, by `NameMatch` grade (a conflict is a hard no, not a score).
    name_exact: float = 3.0  # the whole given name agrees: "Maosong" / "Maosong"
    name_first: float = 2.5  # the first given name agrees in full: "John" / "John A."
    name_initials: float = 2.0  # two or more initials agree: "P. M." / "Pavel M."
    name_initial: float = 0.5  # only the first initial agrees: "M." / "Maosong"
    name_unknown: float = 0.0  # one side has no given name

    # Shared coauthors: coauthor_max * (1 - coauthor_decay ** n), i.e. 3.0, 4.5, 5.25, ...
    coauthor_max: float = 6.0
    coauthor_decay: float = 0.5
    # A coauthor matched by name key only (not by author id) counts fully on records with up
    # to this many coauthor keys, and coauthor_key_scale / len(keys) on bigger ones: the more
    # keys a record holds, the likelier a stranger's "wang:w" is among them by chance.
    coauthor_key_scale: float = 80.0
    # Name and field alone do not attach a paper listing at least `unknown_coauthors_min`
    # coauthors, none known to the record, to a record whose coauthors keep returning: at
    # least `returning_coauthors` of its coauthor appearances are repeats. 1.0 turns it off.
    unknown_coauthors_min: int = 2
    returning_coauthors: float = 0.5

    # The closest level at which the mention's categories meet the candidate's.
    field_category: float = 1.5
    field_archive: float = 1.0
    field_group: float = 0.25
    field_disjoint: float = -3.0  # both sides have categories and nothing is shared
    # A category the record used on less than this share of its works (a cross-list picked
    # up along the way) counts as archive level only.
    field_category_share: float = 0.1

    # Time: within `year_slack` years of the candidate's active span earns `year_within`;
    # beyond it the points fall by `year_penalty_per_year` down to `year_floor`.
    year_slack: int = 3
    year_within: float = 0.5
    year_penalty_per_year: float = 0.1
    year_floor: float = -0.5

    orcid_match: float = 10.0  # the same ORCID on both sides settles it; different ones block

    # Works with more authors than this give each author only a window of list neighbours
    # (plus any collaboration) as coauthor evidence: everyone on a 3,000-author paper is a
    # coauthor of everyone else, which is both meaningless and quadratic.
    max_full_coauthors: int = 100
    coauthor_window: int = 10

    max_reasons: int = 5  # how many rejected candidates a CreateNew explains

    # Lookup tables built from the weights above, so scoring indexes instead of branching.
    _name_points: dict[NameMatch, float] = field(init=False, repr=False, compare=False)
    _field_points: dict[FieldOverlap, float] = field(init=False, repr=False, compare=False)
    # The most that field, time and nothing else can still add to a score (see `decide`);
    # None when the weights give no such bound (a negative yearly penalty, infinities).
    _tail_max: tuple[float, float] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 < self.coauthor_decay < 1.0:
            raise ValueError("coauthor_decay must be between 0 and 1")
        if self.year_slack < 0 or self.max_full_coauthors < 1 or self.coauthor_window < 0:
            raise ValueError("year_slack, max_full_coauthors and coauthor_window must be >= 0")
        if self.year_floor > self.year_within:
            raise ValueError("year_floor must not exceed year_within")
        if self.coauthor_key_scale <= 0.0:
            raise ValueError("coauthor_key_scale must be positive")
        if not 0.0 <= self.field_category_share <= 1.0:
            raise ValueError("field_category_share must be between 0 and 1")
        if not 0.0 <= self.returning_coauthors <= 1.0 or self.unknown_coauthors_min < 1:
            raise ValueError("returning_coauthors must be in [0, 1], unknown_coauthors_min >= 1")
        name_points = {
            NameMatch.EXACT: self.name_exact,
            NameMatch.FIRST_NAME: self.name_first,
            NameMatch.INITIALS: self.name_initials,
            NameMatch.INITIAL: self.name_initial,
            NameMatch.UNKNOWN: self.name_unknown,
        }
        field_points = {
            FieldOverlap.CATEGORY: self.field_category,
            FieldOverlap.ARCHIVE: self.field_archive,
            FieldOverlap.GROUP: self.field_group,
            FieldOverlap.UNKNOWN: 0.0,
            FieldOverlap.DISJOINT: self.field_disjoint,
        }
        object.__setattr__(self, "_name_points", name_points)
        object.__setattr__(self, "_field_points", field_points)
        weights = [*name_points.values(), *field_points.values(), self.coauthor_max]
        weights += [self.year_within, self.year_floor, self.year_penalty_per_year]
        weights += [self.orcid_match, self.match_threshold]
        bounded = self.year_penalty_per_year >= 0.0 and all(map(math.isfinite, weights))
        tail = (max(field_points.values()), max(self.year_within, 0.0)) if bounded else None
        object.__setattr__(self, "_tail_max", tail)


DEFAULT_CONFIG: Final = DisambiguationConfig()


# --- inputs ----------------------------------------------------------------------------


@dataclass(slots=True)
class Mention:
    """One authorship to resolve: the name as written on one work, and that work's context.

    `coauthor_keys` are the `name_key`s of the other authors on the work (see
    `mentions_for_work`, which also bounds them for huge author lists); `coauthor_ids` the
    author ids of those already resolved, when the pipeline knows them: they add evidence,
    and a candidate already holding another authorship of the same work is never chosen.
    `collaborations` are the keys of the collaborations on the work (also among
    `coauthor_keys`; `mentions_for_work` fills it): a record that signs for other
    collaborations only is not this person. `key` is `name_key(name)`, computed when left
    empty.

    Treat it as immutable (use `dataclasses.replace` to vary it). It is not frozen because a
    frozen dataclass costs six times as much to build, and one is built per authorship.
    """

    name: ParsedName
    categories: tuple[str, ...] = ()
    year: int | None = None
    coauthor_keys: frozenset[str] = frozenset()
    coauthor_ids: frozenset[int] = frozenset()
    orcid: str | None = None
    key: str = ""
    collaborations: frozenset[str] = frozenset()
    _family: str = field(init=False, repr=False, compare=False)
    _fields: _Fields = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.key:
            self.key = _key(self.name.family, self.name.given)
        if self.name.is_collaboration:
            self._family = _fold_collaboration(self.name.family)
        else:
            self._family = _fold_family(self.name.family)
        self._fields = _fields_of(tuple(self.categories))


@dataclass(slots=True)
class AuthorProfile:
    """What disambiguation knows about one existing author record.

    Treat it as immutable: `update_profile` returns a new one and nothing here changes what
    a profile says (not frozen for the same reason as `Mention`; one private memo, see
    `_signs_for_collaborations`, is filled on first use). `categories` counts works per
    category, raw or canonical codes (both are canonicalised for comparison); a `Counter`
    does, but `update_profile` builds plain dicts, five times cheaper to copy.
    `coauthor_slots` counts coauthor appearances over the record's works (a coauthor on three
    works counts three; 0: unknown): with the number of distinct `coauthor_keys` it says how
    much the record's coauthors return. Coauthor keys with no given initial
    (`atlascollaboration:`) are the collaborations the record has signed for.
    """

    author_id: int
    family: str
    given_variants: frozenset[str] = frozenset()
    name_key: str = ""
    coauthor_keys: frozenset[str] = frozenset()
    coauthor_ids: frozenset[int] = frozenset()
    categories: Mapping[str, int] = field(default_factory=dict)
    first_year: int | None = None
    last_year: int | None = None
    orcid: str | None = None
    works_count: int = 0
    is_collaboration: bool = False
    coauthor_slots: int = 0
    _family: str = field(init=False, repr=False, compare=False)
    _fields: _Fields = field(init=False, repr=False, compare=False)
    # Memo: does any coauthor key name a collaboration? None until first needed.
    _signed: bool | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.is_collaboration:
            self._family = _fold_collaboration(self.family)
        else:
            self._family = _fold_family(self.family)
        # Sorted so that equal category sets share one cache entry.
        self._fields = _fields_of(tuple(sorted(self.categories)))
        self._signed = None


def _signs_for_collaborations(profile: AuthorProfile) -> bool:
    """Has the record signed for any collaboration? (A coauthor key with no initial.)

    A scan of the record's keys, done once per profile: `update_profile` carries the answer
    over. Mononyms have no initial either; they are rare enough on arXiv to be taken along.
    """
    signed = profile._signed
    if signed is None:
        signed = profile._signed = any(k.endswith(":") for k in profile.coauthor_keys)
    return signed


def mentions_for_work(
    authors: Sequence[ParsedName],
    categories: Sequence[str],
    year: int | None,
    config: DisambiguationConfig = DEFAULT_CONFIG,
) -> list[Mention]:
    """One `Mention` per author of a work, in author order, with bounded coauthor keys.

    Up to `config.max_full_coauthors` authors, each mention gets every other author's key.
    Above it, each gets its `coauthor_window` neighbours on either side of the (usually
    alphabetical) list plus every collaboration on the work: enough to tie one member's
    papers together, linear in the list length.
    """
    keys = [_key(name.family, name.given) for name in authors]
    cats = tuple(categories)
    n = len(keys)
    mentions: list[Mention] = []
    collaborations = frozenset(
        key for name, key in zip(authors, keys, strict=True) if name.is_collaboration
    )
    if n <= config.max_full_coauthors:
        everyone = frozenset(keys)
        # A key held by two authors of the work (two "J. Smith"s) stays in: it is also a
        # coauthor's key. Counting is only needed when some key repeats.
        counts = Counter(keys) if len(everyone) < n else None
        for name, key in zip(authors, keys, strict=True):
            others = everyone if counts is not None and counts[key] > 1 else everyone - {key}
            signs = collaborations - {key} if key in collaborations else collaborations
            mentions.append(Mention(name, cats, year, others, key=key, collaborations=signs))
        return mentions
    window = config.coauthor_window
    for i, (name, key) in enumerate(zip(authors, keys, strict=True)):
        near = keys[max(0, i - window) : i] + keys[i + 1 : i + 1 + window]
        others = collaborations.union(near) - {key}
        signs = collaborations - {key} if key in collaborations else collaborations
        mentions.append(Mention(name, cats, year, others, key=key, collaborations=signs))
    return mentions


# --- evidence and decisions ------------------------------------------------------------


class Evidence(NamedTuple):
    """The case for one candidate: a score, or the reason it is blocked outright.

    Evidence and the decisions are named tuples rather than frozen dataclasses: immutable
    all the same, and about six times cheaper to build, which counts at one per candidate
    per authorship.
    """

    author_id: int
    total: float
    blocked: str | None = None  # "given-name-conflict", "family-mismatch", ...
    name: NameMatch = NameMatch.UNKNOWN
    shared_coauthors: int = 0
    overlap: FieldOverlap = FieldOverlap.UNKNOWN
    year_gap: int | None = None  # years outside the candidate's active span; None: unknown
    years_close: bool = False  # within the configured slack
    orcid_match: bool = False
    # What the shared coauthors count for: `shared_coauthors`, less when some are matched
    # by name key only on a record with many keys (see `coauthor_key_scale`).
    coauthor_weight: float = 0.0
    # The paper's coauthors when none is known to a record whose coauthors keep returning
    # (see `returning_coauthors`); 0 otherwise. Such a candidate is not matched on name and
    # field alone.
    unknown_coauthors: int = 0

    @property
    def corroborated(self) -> bool:
        """Evidence beyond name, field and time: a shared coauthor or the same ORCID."""
        return self.shared_coauthors > 0 or self.orcid_match

    @property
    def reasons(self) -> tuple[str, ...]:
        """Short `signal=value` strings for logs, run reports and the docs' examples.

        Built on demand: a million decisions are made per ingest, few are ever explained.
        """
        if self.blocked is not None:
            return (f"blocked={self.blocked}",)
        reasons = [f"name={self.name.label}"]
        if self.shared_coauthors:
            reasons.append(f"coauthors={self.shared_coauthors}")
            if self.coauthor_weight != self.shared_coauthors:
                reasons.append(f"coauthor-weight={self.coauthor_weight:.2f}")
        elif self.unknown_coauthors:
            reasons.append(f"coauthors=none-of-{self.unknown_coauthors}")
        reasons.append(f"field={self.overlap.label}")
        if self.year_gap is None:
            reasons.append("years=unknown")
        elif self.years_close:
            reasons.append("years=within")
        else:
            reasons.append(f"years=gap-{self.year_gap}")
        if self.orcid_match:
            reasons.append("orcid=match")
        reasons.append(f"score={self.total:.2f}")
        return tuple(reasons)


class MatchExisting(NamedTuple):
    """The mention belongs to existing author `author_id`."""

    author_id: int
    score: float
    evidence: Evidence | None = None  # None for collaborations, matched by name alone

    @property
    def reasons(self) -> tuple[str, ...]:
        if self.evidence is None:
            return ("collaboration=exact-name",)
        return self.evidence.reasons


class CreateNew(NamedTuple):
    """No candidate is good enough: the mention starts a new author record.

    `cause` is "no-candidates", "below-threshold", "unknown-coauthors" (the best candidate
    scored enough but only on name and field, and none of the paper's coauthors is known to
    it although its coauthors keep returning), "no-family-name" or "collaboration-new-name";
    `candidates` holds the case for each candidate, strongest first, so a report can show
    how close the nearest came.
    """

    cause: str
    candidates: tuple[Evidence, ...] = ()
    threshold: float = DEFAULT_CONFIG.match_threshold
    max_reasons: int = DEFAULT_CONFIG.max_reasons

    @property
    def reasons(self) -> tuple[str, ...]:
        if self.cause == "below-threshold":
            reasons = [f"below-threshold={self.threshold:.2f}"]
        elif self.candidates:
            reasons = [self.cause]
        else:
            return (self.cause,)
        for item in self.candidates[: self.max_reasons]:
            reasons.append(f"author-{item.author_id}: " + " ".join(item.reasons))
        if len(self.candidates) > self.max_reasons:
            reasons.append(f"and {len(self.candidates) - self.max_reasons} more")
        return tuple(reasons)


Decision = MatchExisting | CreateNew


def _blocked(author_id: int, reason: str) -> Evidence:
    return Evidence(author_id, float("-inf"), reason)


def evaluate(
    mention: Mention, profile: AuthorProfile, config: DisambiguationConfig = DEFAULT_CONFIG
) -> Evidence:
    """Score one candidate for one person mention (collaborations: see `resolve`)."""
    author_id = profile.author_id
    if profile.is_collaboration or mention.name.is_collaboration:
        return _blocked(author_id, "kind-mismatch")
    if mention._family != profile._family:
        return _blocked(author_id, "family-mismatch")
    if author_id in mention.coauthor_ids:
        # Already holds another authorship on this very work: one person, one byline slot.
        return _blocked(author_id, "same-work")
    collaborations = mention.collaborations
    if (
        collaborations
        and collaborations.isdisjoint(profile.coauthor_keys)
        and _signs_for_collaborations(profile)
    ):
        # Signs for ATLAS, and this paper is CMS's: alphabetical neighbours on two rosters
        # share keys ("li:j", "lee:j") by chance, the collaboration does not.
        return _blocked(author_id, "collaboration-conflict")
    orcid_match = False
    if mention.orcid and profile.orcid:
        if mention.orcid != profile.orcid:
            return _blocked(author_id, "orcid-conflict")
        orcid_match = True
    grade = _best_given_grade(mention.name.given, profile.given_variants)
    if grade is NameMatch.CONFLICT:
        return _blocked(author_id, "given-name-conflict")
    total = config._name_points[grade]

    # Keys can collide ("Y. Liu"); ids cannot but are only known for the authors resolved
    # before this one. A coauthor counts once: fully if matched by id, and by key only at
    # a discount on records with many keys, where chance collisions are likely.
    profile_keys = profile.coauthor_keys
    by_key = len(mention.coauthor_keys & profile_keys)
    by_id = 0
    if mention.coauthor_ids and profile.coauthor_ids:
        by_id = len(mention.coauthor_ids & profile.coauthor_ids)
    shared = max(by_key, by_id)
    weight = float(shared)
    unknown = 0
    if by_key > by_id and len(profile_keys) > config.coauthor_key_scale:
        weight = by_id + (by_key - by_id) * config.coauthor_key_scale / len(profile_keys)
    if shared:
        total += config.coauthor_max * (1.0 - config.coauthor_decay**weight)
    elif profile_keys and len(profile_keys) <= (
        (1.0 - config.returning_coauthors) * profile.coauthor_slots
    ):
        # A record whose coauthors keep returning, and a paper whose coauthors are all new
        # to it: name and field alone will not attach the paper (see `resolve`).
        persons = len(mention.coauthor_keys) - len(collaborations)
        if persons >= config.unknown_coauthors_min:
            unknown = persons

    overlap = _overlap(mention, profile, config)
    total += config._field_points[overlap]

    gap = _year_gap(mention, profile)
    close = gap is not None and gap <= config.year_slack
    if gap is not None:
        total += _year_points(gap, config)

    if orcid_match:
        total += config.orcid_match
    return Evidence(
        author_id, total, None, grade, shared, overlap, gap, close, orcid_match, weight, unknown
    )


def _overlap(
    mention: Mention, profile: AuthorProfile, config: DisambiguationConfig
) -> FieldOverlap:
    """How the fields meet; a category picked up through a few cross-lists only counts as
    the archive (`field_category_share`)."""
    overlap = _field_overlap(mention._fields, profile._fields)
    if (
        overlap is FieldOverlap.CATEGORY
        and config.field_category_share > 0.0
        and profile.works_count > 0
        and not _category_share_reached(mention, profile, config)
    ):
        return FieldOverlap.ARCHIVE
    return overlap


def _year_gap(mention: Mention, profile: AuthorProfile) -> int | None:
    """Years outside the record's active span; None when either side has no year."""
    year = mention.year
    if year is None or profile.first_year is None or profile.last_year is None:
        return None
    return max(profile.first_year - year, year - profile.last_year, 0)


def _year_points(gap: int, config: DisambiguationConfig) -> float:
    if gap <= config.year_slack:
        return config.year_within
    late = config.year_within - config.year_penalty_per_year * (gap - config.year_slack)
    return max(config.year_floor, late)


def _category_share_reached(
    mention: Mention, profile: AuthorProfile, config: DisambiguationConfig
) -> bool:
    """Does one of the mention's categories cover `field_category_share` of the record's
    works? A category picked up through a few cross-lists only counts as the archive."""
    needed = config.field_category_share * profile.works_count
    counts = profile.categories
    wanted = mention._fields.categories
    for code in wanted:  # a loop, not any(<genexpr>): this runs per candidate per mention
        if counts.get(code, 0) >= needed:
            return True
    # Records loaded from the database may count an alias or an old archive under its own
    # code (`stat.TH`, `alg-geom`): add up what maps to each wanted category.
    found: dict[str, int] = {}
    for code, count in counts.items():
        canonical = _canonical_code(code)
        if canonical in wanted:
            found[canonical] = found.get(canonical, 0) + count
    return any(count >= needed for count in found.values())


@lru_cache(maxsize=1 << 12)
def _canonical_code(code: str) -> str:
    fields = _fields_of((code,))
    return next(iter(fields.categories), code)


def _strength(evidence: Evidence) -> tuple[float, int]:
    # Highest score, then lowest author id: the older record keeps winning ties, so ties
    # resolve the same way in every run and whatever order candidates arrive in.
    return (-evidence.total, evidence.author_id)


def _resolve_collaboration(
    mention: Mention, candidates: Sequence[AuthorProfile], config: DisambiguationConfig
) -> Decision:
    found = min(
        (p.author_id for p in candidates if p.is_collaboration and p._family == mention._family),
        default=None,
    )
    if found is None:
        return CreateNew("collaboration-new-name")
    # Matched by rule rather than by weighing evidence: reported as exactly the threshold.
    return MatchExisting(found, config.match_threshold)


def resolve(
    mention: Mention,
    candidates: Sequence[AuthorProfile],
    config: DisambiguationConfig = DEFAULT_CONFIG,
) -> Decision:
    """Match the mention to the best eligible candidate at or above the threshold, else
    create new (eligibility: see the module docstring and `Evidence.unknown_coauthors`).

    Candidates are normally every record sharing the mention's `name_key`; passing more is
    safe (others are blocked by family name or given-name conflict), passing fewer means
    fewer records can be matched. The decision depends only on the arguments: not on the
    candidates' order, not on earlier calls.
    """
    if mention.name.is_collaboration:
        return _resolve_collaboration(mention, candidates, config)
    if not mention._family:
        return CreateNew("no-family-name")
    if not candidates:
        return CreateNew("no-candidates")
    threshold = config.match_threshold
    evidence = [evaluate(mention, profile, config) for profile in candidates]
    best: Evidence | None = None
    strangers = False
    # One pass, no sort: a common name key has hundreds of candidates, and most mentions
    # end in a match, which needs only the strongest eligible one.
    for item in evidence:
        if item.blocked is not None or item.total < threshold:
            continue
        if item.unknown_coauthors and not item.corroborated:
            # Same name, same field, and a full list of coauthors the record has never had:
            # most likely a namesake (the "Yang Liu" snowball starts this way). Passing over
            # it rather than stopping keeps the decision a function of each candidate's own
            # evidence: a weaker candidate that knows a coauthor may still be the one.
            strangers = True
            continue
        if best is None or _strength(item) < _strength(best):
            best = item
    if best is not None:
        return MatchExisting(best.author_id, best.total, best)
    evidence.sort(key=_strength)
    cause = "unknown-coauthors" if strangers else "below-threshold"
    return CreateNew(cause, tuple(evidence), threshold, config.max_reasons)


def decide(
    mention: Mention,
    candidates: Sequence[AuthorProfile],
    config: DisambiguationConfig = DEFAULT_CONFIG,
) -> int | None:
    """The author id `resolve(mention, candidates, config)` matches, or None where it
    creates a new record: the same decision, without the evidence that explains it.

    The pipeline only needs the decision, and most candidates lose: this skips building
    their `Evidence`, and stops scoring a candidate as soon as it cannot be chosen. A
    candidate cannot be chosen once it rests on name and field alone against a paper of
    strangers (`Evidence.unknown_coauthors`, uncorroborated), or once its score so far plus
    the most that field and time can add (`DisambiguationConfig._tail_max`, and the ORCID
    points if both sides share one) stays below the threshold: float addition is monotone,
    so the real score, which adds no more than that in the same order, is below it too.
    Scores that are kept are computed by the same operations as `evaluate`'s.
    """
    if mention.name.is_collaboration:
        found = _resolve_collaboration(mention, candidates, config)
        return found.author_id if isinstance(found, MatchExisting) else None
    if not mention._family or not candidates:
        return None
    threshold = config.match_threshold
    tail = config._tail_max
    name_points = config._name_points
    family = mention._family
    given = mention.name.given
    collaborations = mention.collaborations
    mention_keys = mention.coauthor_keys
    mention_ids = mention.coauthor_ids
    mention_orcid = mention.orcid
    best_id: int | None = None
    best_total = 0.0
    for profile in candidates:
        author_id = profile.author_id
        # The blocks of `evaluate`, in its order.
        if profile.is_collaboration or profile._family != family:
            continue
        if author_id in mention_ids:
            continue
        profile_keys = profile.coauthor_keys
        if (
            collaborations
            and collaborations.isdisjoint(profile_keys)
            and _signs_for_collaborations(profile)
        ):
            continue
        orcid_match = False
        if mention_orcid and profile.orcid:
            if mention_orcid != profile.orcid:
                continue
            orcid_match = True
        grade = _best_given_grade(given, profile.given_variants)
        if grade is NameMatch.CONFLICT:
            continue
        total = name_points[grade]
        by_key = len(mention_keys & profile_keys)
        by_id = 0
        if mention_ids and profile.coauthor_ids:
            by_id = len(mention_ids & profile.coauthor_ids)
        shared = max(by_key, by_id)
        if shared:
            weight = float(shared)
            if by_key > by_id and len(profile_keys) > config.coauthor_key_scale:
                weight = by_id + (by_key - by_id) * config.coauthor_key_scale / len(profile_keys)
            total += config.coauthor_max * (1.0 - config.coauthor_decay**weight)
        elif (
            not orcid_match
            and profile_keys
            and len(profile_keys) <= ((1.0 - config.returning_coauthors) * profile.coauthor_slots)
            and len(mention_keys) - len(collaborations) >= config.unknown_coauthors_min
        ):
            continue  # strangers on the paper, nothing to corroborate the name: passed over
        if tail is not None:
            bound = total + tail[0] + tail[1]
            if orcid_match:
                bound += config.orcid_match
            if bound < threshold:
                continue
        total += config._field_points[_overlap(mention, profile, config)]
        gap = _year_gap(mention, profile)
        if gap is not None:
            total += _year_points(gap, config)
        if orcid_match:
            total += config.orcid_match
        if total < threshold:
            continue
        # resolve's order: highest score, then lowest author id.
        if best_id is None or total > best_total or (total == best_total and author_id < best_id):
            best_id, best_total = author_id, total
    return best_id


# --- candidate blocks: only the records that could still be chosen ---------------------


class CandidateBlock:
    """The author records sharing one name key, indexed so that `decide` need not score
    every one of them.

    A common key ("wang:y") gathers thousands of records on a large corpus, and scoring
    each of them for every mention made ingestion slow down as the corpus grew. Most can
    never be chosen: with no shared coauthor and no ORCID in common, a record earns its name
    points plus at most what field and time add (`DisambiguationConfig._tail_max`), and
    `decide` passes over it when that bound stays below the threshold. `contenders` returns
    only the records that escape that test: those sharing a coauthor key or id with the
    mention, holding its ORCID, or having a given-name variant whose grade is enough on its
    own. `decide` over the contenders gives exactly the decision it gives over the whole
    block (a property test checks it), because every record left out is one that `decide`
    skips at the bound.

    Small blocks are scanned whole: below `indexed_from` records, the index costs more
    than it saves, and most blocks are small.
    """

    __slots__ = (
        "_by_coauthor_id",
        "_by_coauthor_key",
        "_by_orcid",
        "_by_variant",
        "_profiles",
        "_winning",
        "_winning_for",
        "indexed_from",
    )

    def __init__(self, profiles: Iterable[AuthorProfile] = (), *, indexed_from: int = 8) -> None:
        self._profiles: dict[int, AuthorProfile] = {}
        # The indexes exist only once the block reaches `indexed_from` records (None before).
        # Postings hold one author id as a plain int, several as a set: most coauthor keys
        # of a block belong to one record, and a one-element set costs eight times the
        # memory (the index is most of what a large corpus adds to the author index).
        self._by_coauthor_key: dict[str, int | set[int]] | None = None
        self._by_coauthor_id: dict[int, int | set[int]] = {}
        self._by_orcid: dict[str, set[int]] = {}
        self._by_variant: dict[str, set[int]] = {}
        # Memo: mention given name -> the block's variants whose grade alone can win, kept
        # current as variants are added, for the config it was computed with.
        self._winning: dict[str, list[str]] = {}
        self._winning_for: DisambiguationConfig | None = None
        self.indexed_from = indexed_from
        for profile in profiles:
            self.put(profile)

    def __len__(self) -> int:
        return len(self._profiles)

    def __iter__(self) -> Iterator[AuthorProfile]:
        return iter(self._profiles.values())

    def get(self, author_id: int) -> AuthorProfile | None:
        return self._profiles.get(author_id)

    def put(self, profile: AuthorProfile) -> None:
        """Add a record, or replace the one with the same author id."""
        author_id = profile.author_id
        old = self._profiles.get(author_id)
        self._profiles[author_id] = profile
        if self._by_coauthor_key is None:
            if len(self._profiles) >= self.indexed_from:
                self._build_index()
            return
        if old is None:
            self._index(
                author_id,
                profile.coauthor_keys,
                profile.coauthor_ids,
                profile.given_variants,
                profile.orcid,
            )
            return
        # `update_profile` keeps a set as it was unless the mention adds to it; only the
        # difference is indexed (and anything a replacement dropped is unindexed).
        keys: frozenset[str] = frozenset()
        ids: frozenset[int] = frozenset()
        variants: frozenset[str] = frozenset()
        if profile.coauthor_keys is not old.coauthor_keys:
            keys = profile.coauthor_keys - old.coauthor_keys
            for key in old.coauthor_keys - profile.coauthor_keys:
                _unpost(self._by_coauthor_key, key, author_id)
        if profile.coauthor_ids is not old.coauthor_ids:
            ids = profile.coauthor_ids - old.coauthor_ids
            for coauthor_id in old.coauthor_ids - profile.coauthor_ids:
                _unpost(self._by_coauthor_id, coauthor_id, author_id)
        if profile.given_variants is not old.given_variants:
            variants = profile.given_variants - old.given_variants
            for variant in old.given_variants - profile.given_variants:
                # An emptied entry stays: the winning-variant memo refers to it.
                self._by_variant[variant].discard(author_id)
        orcid = profile.orcid
        if orcid == old.orcid:
            orcid = None  # indexed already
        elif old.orcid:
            self._by_orcid[old.orcid].discard(author_id)
        self._index(author_id, keys, ids, variants, orcid)

    def contenders(
        self, mention: Mention, config: DisambiguationConfig = DEFAULT_CONFIG
    ) -> list[AuthorProfile]:
        """The records `decide(mention, ...)` could choose: a superset, never fewer."""
        by_key = self._by_coauthor_key
        tail = config._tail_max
        if by_key is None or tail is None or mention.name.is_collaboration:
            return list(self._profiles.values())
        name_points = config._name_points
        threshold = config.match_threshold
        if name_points[NameMatch.UNKNOWN] + tail[0] + tail[1] >= threshold:
            # Records with no given name at all could win on field and time: scan them all.
            return list(self._profiles.values())
        found: set[int] = set()
        _gather(found, by_key, mention.coauthor_keys)
        if mention.coauthor_ids:
            _gather(found, self._by_coauthor_id, mention.coauthor_ids)
        if mention.orcid:
            hit = self._by_orcid.get(mention.orcid)
            if hit:
                found |= hit
        by_variant = self._by_variant
        for variant in self._winning_variants(mention.name.given, config):
            found |= by_variant[variant]
        profiles = self._profiles
        return [profiles[author_id] for author_id in found]

    # -- the index ------------------------------------------------------------------

    def _build_index(self) -> None:
        self._by_coauthor_key = {}
        for author_id, profile in self._profiles.items():
            self._index(
                author_id,
                profile.coauthor_keys,
                profile.coauthor_ids,
                profile.given_variants,
                profile.orcid,
            )

    def _index(
        self,
        author_id: int,
        keys: frozenset[str],
        ids: frozenset[int],
        variants: frozenset[str],
        orcid: str | None,
    ) -> None:
        by_key = self._by_coauthor_key
        assert by_key is not None
        for key in keys:
            _post(by_key, key, author_id)
        by_id = self._by_coauthor_id
        for coauthor_id in ids:
            _post(by_id, coauthor_id, author_id)
        if orcid:
            self._by_orcid.setdefault(orcid, set()).add(author_id)
        by_variant = self._by_variant
        for variant in variants:
            holders = by_variant.get(variant)
            if holders is not None:
                holders.add(author_id)
                continue
            by_variant[variant] = {author_id}
            config = self._winning_for
            if config is not None:
                for given, winning in self._winning.items():
                    if _wins_on_name(given, variant, config):
                        winning.append(variant)

    def _winning_variants(self, given: str, config: DisambiguationConfig) -> list[str]:
        if self._winning_for is not config:
            self._winning = {}
            self._winning_for = config
        winning = self._winning.get(given)
        if winning is None:
            winning = [v for v in self._by_variant if _wins_on_name(given, v, config)]
            self._winning[given] = winning
        return winning


def _post(index: dict[_V, int | set[int]], value: _V, author_id: int) -> None:
    held = index.get(value)
    if held is None:
        index[value] = author_id
    elif isinstance(held, int):
        if held != author_id:
            index[value] = {held, author_id}
    else:
        held.add(author_id)


def _gather(found: set[int], index: dict[_V, int | set[int]], values: Iterable[_V]) -> None:
    """Add to `found` every author id posted under any of `values`."""
    for value in values:
        held = index.get(value)
        if held is None:
            continue
        if isinstance(held, int):
            found.add(held)
        else:
            found |= held


def _unpost(index: dict[_V, int | set[int]], value: _V, author_id: int) -> None:
    held = index.get(value)
    if held is None:
        return
    if isinstance(held, int):
        if held == author_id:
            del index[value]
    else:
        held.discard(author_id)


def _wins_on_name(given: str, variant: str, config: DisambiguationConfig) -> bool:
    """Can a record with this variant reach the threshold on name, field and time alone?
    The same test, in the same float operations, as `decide`'s bound."""
    grade = _given_grade(given, variant)
    if grade is NameMatch.CONFLICT:
        return False
    tail = config._tail_max
    assert tail is not None
    return not config._name_points[grade] + tail[0] + tail[1] < config.match_threshold


# --- keeping profiles current within a batch -------------------------------------------


def profile_from_mention(author_id: int, mention: Mention) -> AuthorProfile:
    """The profile of a record just created for `mention` (after a `CreateNew`)."""
    name = mention.name
    return AuthorProfile(
        author_id=author_id,
        family=name.family,
        given_variants=frozenset((name.given,)) if name.given else frozenset(),
        name_key=mention.key,
        coauthor_keys=mention.coauthor_keys,
        coauthor_ids=mention.coauthor_ids,
        categories=dict.fromkeys(mention._fields.categories, 1),
        first_year=mention.year,
        last_year=mention.year,
        orcid=mention.orcid,
        works_count=1,
        is_collaboration=name.is_collaboration,
        coauthor_slots=len(mention.coauthor_keys),
    )


def update_profile(profile: AuthorProfile, mention: Mention) -> AuthorProfile:
    """A new profile with `mention` (resolved to `profile`) folded in; `profile` is unchanged.

    Sets are only copied when the mention adds something to them, so the cost is bounded
    by what is new, not by the size of a prolific author's profile.
    """
    given = mention.name.given
    variants = profile.given_variants
    if given and given not in variants:
        variants = variants | {given}
    keys = profile.coauthor_keys
    signed = profile._signed
    if not mention.coauthor_keys <= keys:
        keys = keys | mention.coauthor_keys
        if signed is False and mention.collaborations:
            signed = True
        elif signed is False:
            signed = any(k.endswith(":") for k in mention.coauthor_keys)
    ids = profile.coauthor_ids
    if not mention.coauthor_ids <= ids:
        ids = ids | mention.coauthor_ids
    categories = dict(profile.categories)
    for code in mention._fields.categories:
        categories[code] = categories.get(code, 0) + 1
    first, last = profile.first_year, profile.last_year
    if mention.year is not None:
        first = mention.year if first is None else min(first, mention.year)
        last = mention.year if last is None else max(last, mention.year)
    grown = AuthorProfile(
        author_id=profile.author_id,
        family=profile.family,
        given_variants=variants,
        name_key=profile.name_key,
        coauthor_keys=keys,
        coauthor_ids=ids,
        categories=categories,
        first_year=first,
        last_year=last,
        orcid=profile.orcid or mention.orcid,
        works_count=profile.works_count + 1,
        is_collaboration=profile.is_collaboration,
        coauthor_slots=profile.coauthor_slots + len(mention.coauthor_keys),
    )
    grown._signed = signed
    return grown
