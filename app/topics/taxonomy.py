"""The arXiv category taxonomy (group > archive > category), loaded from package data.

The data lives in `app/ingest/data/arxiv_taxonomy.json`, one entry per line, in the order topic
ids are assigned from. The file is append-only: a new category goes at the end, whatever its
group, so the ids of existing topics never move. Everything here is pure and read-only; the
loaded `Taxonomy` is cached for the life of the process.

Three arXiv quirks shape the model:

* Some archives are also categories (`hep-ph`, `gr-qc`, `quant-ph`, ...); a few archives with
  sub-categories also exist as a bare legacy category that old papers carry (`astro-ph` before
  2009, `cond-mat` before 2004, `q-bio` in 2003). `Taxonomy.categories` holds every code a paper
  can carry, `Taxonomy.archives` every archive, and `Taxonomy.nodes` collapses the two so each
  code is one topic (see `TopicNode`).
* Defunct archives (`alg-geom`, `chao-dyn`, `cmp-lg`, ...) were subsumed by a modern category,
  and six pairs of categories are aliases of each other (`math.IT` = `cs.IT`, ...). Both kinds
  carry `canonical`, the code they mean today.
* OAI-PMH `oai_dc` records name categories in words ("Computer Science - Computer Vision and
  Pattern Recognition", "High Energy Physics - Phenomenology"); `human_name_to_code` reads them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "Archive",
    "Category",
    "Group",
    "Taxonomy",
    "TopicLevel",
    "TopicNode",
    "load_taxonomy",
    "parse_taxonomy",
]

TopicLevel = Literal["group", "archive", "category"]

_DATA_PACKAGE = "app.ingest"
_DATA_FILE = "data/arxiv_taxonomy.json"
_FORMAT = 1

# oai_dc writes "Archive - Category"; sources differ in dash and spacing ("Physics -- Optics",
# an en dash), so names are compared after folding every dash run and its spaces to " - ".
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s+|\s+[-\u2010-\u2015\u2212]+\s*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Group:
    code: str  # "grp_physics": arXiv's own group ids, distinct from archive codes
    name: str


@dataclass(frozen=True, slots=True)
class Archive:
    code: str
    name: str
    group_code: str
    group_name: str
    legacy: bool  # defunct: arXiv takes no new papers in it


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: str
    archive_code: str
    archive_name: str
    group_code: str
    group_name: str
    legacy: bool  # arXiv no longer accepts it for new papers
    canonical: str | None  # the category this alias or subsumed archive means today
    aka: tuple[str, ...] = ()  # older human names ("Learning" for cs.LG)

    @property
    def canonical_code(self) -> str:
        """The code to count this category under: itself unless it is an alias."""
        return self.canonical or self.code

    @property
    def full_name(self) -> str:
        """The human name as arXiv writes it in `oai_dc` subjects and on listing pages."""
        if self.code == self.archive_code:
            return self.name
        return f"{self.archive_name} - {self.name}"


@dataclass(frozen=True, slots=True)
class TopicNode:
    """One row of the topic tree: what the `topics` table stores, one per distinct code.

    A code that is both an archive and a category is a single node: level "archive" when the
    archive has other categories below it (`astro-ph`, whose bare form old papers carry), else
    level "category" directly under its group (`hep-ph`, `gr-qc`, `alg-geom`). Works carrying
    such a code link to that node either way.
    """

    code: str
    name: str
    level: TopicLevel
    parent_code: str | None
    group_code: str
    archive_code: str | None
    legacy: bool


class Taxonomy:
    """The whole taxonomy, with lookups by code and by human name. Immutable once built."""

    __slots__ = (
        "_by_folded_code",
        "_by_human_name",
        "_by_short_name",
        "archives",
        "categories",
        "groups",
        "nodes",
    )

    groups: Mapping[str, Group]
    archives: Mapping[str, Archive]
    categories: Mapping[str, Category]
    nodes: tuple[TopicNode, ...]

    def __init__(
        self,
        groups: Mapping[str, Group],
        archives: Mapping[str, Archive],
        categories: Mapping[str, Category],
        nodes: tuple[TopicNode, ...],
    ) -> None:
        self.groups = MappingProxyType(dict(groups))
        self.archives = MappingProxyType(dict(archives))
        self.categories = MappingProxyType(dict(categories))
        self.nodes = nodes
        self._by_folded_code = {code.casefold(): cat for code, cat in categories.items()}
        self._by_human_name, self._by_short_name = _human_name_indexes(categories.values())

    def __iter__(self) -> Iterator[Category]:
        return iter(self.categories.values())

    def __len__(self) -> int:
        return len(self.categories)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.resolve(code) is not None

    def resolve(self, code: str) -> Category | None:
        """The category a paper's code names, or None for a code arXiv never had.

        Exact codes are looked up first; a code that only differs in case or surrounding space
        ("CS.cv ") still resolves, because hand-made metadata gets that wrong. Unknown codes
        ("foo.XX", "cs.XX") return None: callers keep the raw code and move on.
        """
        category = self.categories.get(code)
        if category is not None:
            return category
        return self._by_folded_code.get(code.strip().casefold())

    def canonical(self, code: str) -> str | None:
        """The canonical code for `code` (aliases and subsumed archives mapped), or None."""
        category = self.resolve(code)
        return None if category is None else category.canonical_code

    def archive_for(self, code: str) -> Archive | None:
        """The archive of a category code, falling back to its prefix ("cs.XX" -> cs)."""
        category = self.resolve(code)
        if category is not None:
            return self.archives[category.archive_code]
        return self.archives.get(code.strip().split(".", 1)[0])

    def human_name_to_code(self, name: str) -> str | None:
        """The category code for a human name, as `oai_dc` subjects carry them.

        "Computer Science - Computer Vision and Pattern Recognition" -> "cs.CV",
        "High Energy Physics - Phenomenology" -> "hep-ph", "Physics - Optics" ->
        "physics.optics". Older names arXiv used ("Computer Science - Learning") and plain
        codes ("cs.CV") resolve too; a bare category name resolves only when no two
        categories share it ("Optics" does, "Machine Learning" does not). Otherwise None.
        """
        folded = _fold_name(name)
        code = self._by_human_name.get(folded)
        if code is not None:
            return code
        category = self.resolve(name)
        if category is not None:
            return category.code
        return self._by_short_name.get(folded)


def _fold_name(name: str) -> str:
    return _SPACES.sub(" ", _DASHES.sub(" - ", name)).strip().casefold()


def _human_name_indexes(
    categories: Iterable[Category],
) -> tuple[dict[str, str], dict[str, str]]:
    """Full names ("Archive - Category", with older names) and unambiguous bare names."""
    full: dict[str, str] = {}
    short_seen: dict[str, list[str]] = {}
    for category in categories:
        names = [category.full_name]
        for old in category.aka:
            names.append(
                old
                if category.code == category.archive_code
                else f"{category.archive_name} - {old}"
            )
        for human in names:
            key = _fold_name(human)
            other = full.setdefault(key, category.code)
            if other != category.code:
                raise ValueError(f"human name {human!r} names both {other} and {category.code}")
        for bare in (category.name, *category.aka):
            short_seen.setdefault(_fold_name(bare), []).append(category.code)
    unique = {name: codes[0] for name, codes in short_seen.items() if len(codes) == 1}
    return full, unique


def _flag(entry: Mapping[str, Any], key: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{entry.get('code')}: {key!r} must be true or false")
    return value


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"taxonomy entry {entry!r}: {key!r} must be a non-empty string")
    return value


def parse_taxonomy(document: Mapping[str, Any]) -> Taxonomy:
    """Build a `Taxonomy` from the decoded JSON document, checking it as it goes.

    Parents must come before their children, codes are unique per level, and every
    `canonical` must name a category of the file: a broken data file fails loudly at start-up
    rather than mis-filing papers.
    """
    if document.get("format") != _FORMAT:
        raise ValueError(f"unsupported taxonomy format {document.get('format')!r}")
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise ValueError("taxonomy document has no 'entries' list")

    groups: dict[str, Group] = {}
    archives: dict[str, Archive] = {}
    categories: dict[str, Category] = {}
    order: list[tuple[TopicLevel, str]] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValueError(f"taxonomy entry {entry!r} is not an object")
        level, code, name = entry.get("level"), _text(entry, "code"), _text(entry, "name")
        if level == "group":
            if code in groups:
                raise ValueError(f"duplicate group {code}")
            groups[code] = Group(code, name)
            order.append(("group", code))
        elif level == "archive":
            if code in archives:
                raise ValueError(f"duplicate archive {code}")
            group = groups.get(_text(entry, "group"))
            if group is None:
                raise ValueError(f"archive {code}: unknown or later group {entry['group']!r}")
            archives[code] = Archive(code, name, group.code, group.name, _flag(entry, "legacy"))
            order.append(("archive", code))
        elif level == "category":
            if code in categories:
                raise ValueError(f"duplicate category {code}")
            archive = archives.get(_text(entry, "archive"))
            if archive is None:
                raise ValueError(f"category {code}: unknown or later archive {entry['archive']!r}")
            canonical = entry.get("canonical")
            if canonical is not None and not isinstance(canonical, str):
                raise ValueError(f"category {code}: 'canonical' must be a string")
            aka = entry.get("aka", [])
            if not isinstance(aka, list) or not all(isinstance(a, str) and a for a in aka):
                raise ValueError(f"category {code}: 'aka' must be a list of names")
            categories[code] = Category(
                code=code,
                name=name,
                archive_code=archive.code,
                archive_name=archive.name,
                group_code=archive.group_code,
                group_name=archive.group_name,
                legacy=_flag(entry, "legacy"),
                canonical=canonical,
                aka=tuple(aka),
            )
            order.append(("category", code))
        else:
            raise ValueError(f"taxonomy entry {code}: unknown level {level!r}")

    for category in categories.values():
        target = category.canonical
        if target is not None and (target not in categories or categories[target].canonical):
            # One hop only: a canonical code that is itself an alias would make counts depend
            # on how many times a lookup is applied.
            raise ValueError(f"category {category.code}: canonical {target!r} is not canonical")
    return Taxonomy(groups, archives, categories, _nodes(order, groups, archives, categories))


def _nodes(
    order: list[tuple[TopicLevel, str]],
    groups: Mapping[str, Group],
    archives: Mapping[str, Archive],
    categories: Mapping[str, Category],
) -> tuple[TopicNode, ...]:
    # An archive with a category of its own code and nothing else is a category-level node;
    # an archive with children keeps its archive level and absorbs its bare legacy category.
    children: dict[str, int] = {}
    for category in categories.values():
        if category.code != category.archive_code:
            children[category.archive_code] = children.get(category.archive_code, 0) + 1
    nodes: list[TopicNode] = []
    seen: set[str] = set()
    for level, code in order:
        if code in seen:
            continue
        seen.add(code)
        if level == "group":
            group = groups[code]
            nodes.append(TopicNode(code, group.name, "group", None, code, None, False))
        elif level == "archive" and (children.get(code) or code not in categories):
            archive = archives[code]
            nodes.append(
                TopicNode(
                    code,
                    archive.name,
                    "archive",
                    archive.group_code,
                    archive.group_code,
                    code,
                    archive.legacy,
                )
            )
        else:
            category = categories[code]
            parent = (
                category.group_code
                if category.code == category.archive_code
                else (category.archive_code)
            )
            nodes.append(
                TopicNode(
                    code,
                    category.name,
                    "category",
                    parent,
                    category.group_code,
                    category.archive_code,
                    category.legacy,
                )
            )
    return tuple(nodes)


@cache
def load_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the package, parsed once per process."""
    text = resources.files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    return parse_taxonomy(json.loads(text))
