"""The shortest coauthor chain between two authors: a bounded bidirectional BFS.

Pure: the search reads the graph through two functions (degrees and edges of a set of
authors), so it is tested on a dict and served from the coauthor_edges primary key.

Each step expands one whole level of the side whose frontier has fewer ties to read, in id
order, so the same data always gives the same path. Two caps bound the work: the ties read
per level (authors whose ties would overflow it are skipped, hubs first in effect) and the
frontier carried to the next level. Either cap marks the result `bounded`: a path it
reports is still a real chain, but a shorter one through a skipped author, or one beyond a
cut frontier, cannot be ruled out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

EdgeReader = Callable[[Sequence[int]], list[tuple[int, int]]]
"""Sorted (author, coauthor) ties of the given authors."""
DegreeReader = Callable[[Sequence[int]], dict[int, int]]
"""Number of coauthor ties of each given author."""


@dataclass(frozen=True)
class PathCaps:
    max_level_edges: int = 50_000
    max_frontier: int = 2_000


@dataclass(frozen=True)
class PathResult:
    path: list[int] | None
    explored: int
    bounded: bool


class _Side:
    def __init__(self, root: int) -> None:
        self.parent: dict[int, int | None] = {root: None}
        self.depth: dict[int, int] = {root: 0}
        self.frontier: list[int] = [root]
        self.level = 0

    def chain(self, node: int) -> list[int]:
        """`node` back to this side's root."""
        out = [node]
        step = self.parent[node]
        while step is not None:
            out.append(step)
            step = self.parent[step]
        return out


def shortest_path(
    source: int,
    target: int,
    max_depth: int,
    read_edges: EdgeReader,
    read_degrees: DegreeReader,
    caps: PathCaps | None = None,
) -> PathResult:
    """Authors from `source` to `target` (both included), at most `max_depth` steps apart,
    or `path=None` when there is no such chain within the caps."""
    caps = caps or PathCaps()
    if source == target:
        return PathResult([source], 1, False)
    sides = (_Side(source), _Side(target))
    degrees: dict[int, int] = {}
    bounded = False

    def cost(side: _Side) -> int:
        missing = [n for n in side.frontier if n not in degrees]
        if missing:
            found = read_degrees(missing)
            degrees.update({n: found.get(n, 0) for n in missing})
        return sum(degrees[n] for n in side.frontier)

    while sides[0].level + sides[1].level < max_depth:
        index = 0 if cost(sides[0]) <= cost(sides[1]) else 1
        side, other = sides[index], sides[1 - index]
        chosen: list[int] = []
        budget = caps.max_level_edges
        for node in sorted(side.frontier):
            if degrees[node] > budget:
                bounded = True
                continue
            budget -= degrees[node]
            chosen.append(node)
        rows = read_edges(chosen) if chosen else []
        side.level += 1
        meetings: list[tuple[int, int]] = []
        found: list[int] = []
        for node, coauthor in rows:
            if coauthor in other.depth:
                meetings.append((node, coauthor))
            if coauthor not in side.depth:
                side.depth[coauthor] = side.level
                side.parent[coauthor] = node
                found.append(coauthor)
        if meetings:
            paths = []
            for node, coauthor in meetings:
                near, far = side.chain(node), other.chain(coauthor)
                chain = [*reversed(near), *far]
                paths.append(chain if index == 0 else chain[::-1])
            best = min(paths, key=lambda p: (len(p), p))
            return PathResult(best, _explored(sides), bounded)
        if not found:
            break
        if len(found) > caps.max_frontier:
            bounded = True
            found = sorted(found)[: caps.max_frontier]
        side.frontier = found
    return PathResult(None, _explored(sides), bounded)


def _explored(sides: tuple[_Side, _Side]) -> int:
    return len(sides[0].depth.keys() | sides[1].depth.keys())
