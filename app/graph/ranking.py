"""Pure ranking for graph slices: how a node budget is shared, which candidates win, which
edges survive the cap. No database and no web code: the service feeds it ids and orders.

Everything here is deterministic: ties always end on the node's kind and row id, so the
same data and the same request give the same graph, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import NamedTuple, TypeVar

from app.core.ids import Kind

NodeRef = tuple[Kind, int]
"""A node: its kind and row id; `(Kind.AUTHOR, 12)` is "A12"."""

# The order kinds are served in when the budget does not divide evenly, and in which a
# ring lists its nodes.
KIND_ORDER: tuple[Kind, ...] = (Kind.AUTHOR, Kind.WORK, Kind.TOPIC, Kind.INSTITUTION)

T = TypeVar("T")


def allocate(budget: int, available: Mapping[Kind, int]) -> dict[Kind, int]:
    """Share `budget` nodes among kinds: equal shares, and what a kind cannot use goes to
    the others (water-filling). A kind never gets more than it has available.

    >>> allocate(50, {Kind.AUTHOR: 200, Kind.WORK: 80, Kind.TOPIC: 3, Kind.INSTITUTION: 1})
    {<Kind.AUTHOR: 'A'>: 23, <Kind.WORK: 'W'>: 23, <Kind.TOPIC: 'T'>: 3, <Kind.INSTITUTION: 'I'>: 1}
    """
    shares = {kind: 0 for kind in KIND_ORDER if kind in available}
    active = [kind for kind in shares if available[kind] > 0]
    remaining = max(budget, 0)
    while remaining > 0 and active:
        each = max(1, remaining // len(active))
        still: list[Kind] = []
        for kind in active:
            given = min(each, available[kind] - shares[kind], remaining)
            shares[kind] += given
            remaining -= given
            if shares[kind] < available[kind]:
                still.append(kind)
        active = still
    return shares


def interleave(lists: Mapping[Kind, Sequence[T]]) -> list[T]:
    """Round-robin over kinds in KIND_ORDER: the best of each kind, then the second best..."""
    ordered = [lists[kind] for kind in KIND_ORDER if kind in lists]
    return [item for row in zip_longest(*ordered) for item in row if item is not None]


@dataclass(frozen=True)
class Link:
    """`child` is the `local_rank`-th neighbour of `parent`, which ranks `parent_rank`-th."""

    parent: NodeRef
    parent_rank: int
    child: NodeRef
    local_rank: int


@dataclass
class Candidate:
    node: NodeRef
    parent: NodeRef
    parent_rank: int
    local_rank: int
    parents: set[NodeRef] = field(default_factory=set)

    @property
    def support(self) -> int:
        return len(self.parents)

    def sort_key(self) -> tuple[int, int, int, int]:
        return (-self.support, self.parent_rank, self.local_rank, self.node[1])


def rank_candidates(links: Iterable[Link]) -> dict[Kind, list[Candidate]]:
    """Ring-2 candidates per kind, best first: reached from more ring-1 nodes first (a
    coauthor of three of your coauthors before a coauthor of one), then through a
    stronger parent, then as a stronger neighbour of it, then by id."""
    found: dict[NodeRef, Candidate] = {}
    for link in links:
        candidate = found.get(link.child)
        if candidate is None:
            candidate = found[link.child] = Candidate(
                link.child, link.parent, link.parent_rank, link.local_rank
            )
        elif (link.parent_rank, link.local_rank) < (candidate.parent_rank, candidate.local_rank):
            candidate.parent = link.parent
            candidate.parent_rank = link.parent_rank
            candidate.local_rank = link.local_rank
        candidate.parents.add(link.parent)
    pools: dict[Kind, list[Candidate]] = {}
    for candidate in found.values():
        pools.setdefault(candidate.node[0], []).append(candidate)
    for pool in pools.values():
        pool.sort(key=Candidate.sort_key)
    return pools


EDGE_TYPE_ORDER = {"coauthored": 0, "authored": 1, "affiliated_with": 2, "has_topic": 3}


class EdgeRank(NamedTuple):
    """What the edge cap needs to know about one edge. (A named tuple: a slice ranks
    every link it finds, and a frozen dataclass costs several times more to build.)"""

    edge_type: str
    source: NodeRef
    target: NodeRef
    weight: float
    tree: bool  # the edge through which one endpoint joined the graph
    ring: int  # the farther endpoint's ring

    def sort_key(self) -> tuple[bool, int, int, float, NodeRef, NodeRef]:
        return (
            not self.tree,
            self.ring,
            EDGE_TYPE_ORDER[self.edge_type],
            -self.weight,
            self.source,
            self.target,
        )


def cap_edges(edges: Iterable[EdgeRank], cap: int) -> tuple[list[EdgeRank], int]:
    """The `cap` edges to keep, in output order, and how many were left out.

    Tree edges come first, so every node keeps the edge that ties it to the graph; then
    edges near the centre before far ones, then by type, strongest first.
    """
    ranked = sorted(edges, key=EdgeRank.sort_key)
    return ranked[:cap], max(len(ranked) - cap, 0)
