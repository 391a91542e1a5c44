"""Building a bounded graph around one node, ring by ring.

Ring 1 is the centre's best neighbours of each requested type; ring 2 (depth 2) the best
neighbours of ring 1, which gets half the budget and hands back what it cannot use. Each ring is a handful of batched statements (`app.graph.queries`),
ranked by the pure rules in `app.graph.ranking`, and bounded three ways: the node budget
(`limit`), a fan-out cap per ring-1 node at depth 2, and an edge cap. The edges are then
all the links among the chosen nodes (and between them and any excluded ones), so the
drawing shows which coauthors share which papers, not only a star.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.ids import Kind, public_id
from app.graph import queries
from app.graph.queries import RELATIONS, AnyRow
from app.graph.ranking import (
    KIND_ORDER,
    EdgeRank,
    Link,
    NodeRef,
    allocate,
    cap_edges,
    interleave,
    rank_candidates,
)
from app.graph.schemas import (
    GraphCaps,
    GraphMeta,
    GraphResponse,
    NodeType,
    RingCut,
)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# At depth 2, neighbours read per ring-1 node and type: 250 ring-1 nodes x 10 is the most
# a ring-2 pool can hold, whatever the degree of the nodes.
RING2_FANOUT = 10
EDGES_PER_NODE = 8
MAX_EDGES = 4_000

TYPE_NAMES: dict[Kind, NodeType] = {
    Kind.AUTHOR: "author",
    Kind.WORK: "work",
    Kind.TOPIC: "topic",
    Kind.INSTITUTION: "institution",
}
KINDS_BY_NAME: dict[str, Kind] = {name: kind for kind, name in TYPE_NAMES.items()}


def edge_cap(limit: int) -> int:
    return min(EDGES_PER_NODE * (limit + 1), MAX_EDGES)


_PREFIXES = {kind: public_id(kind, 1)[:-1] for kind in Kind}


def pid(node: NodeRef) -> str:
    """`public_id` for the hot loops: an enum's `.value` is a Python-level descriptor,
    which thousands of edges per response notice."""
    return _PREFIXES[node[0]] + str(node[1])


@dataclass(frozen=True)
class SliceRequest:
    centre: NodeRef
    depth: int
    limit: int
    kinds: frozenset[Kind]
    # Nodes the client already shows: never returned, but edges to them are. A centre in
    # here is left out of the nodes too.
    excluded: frozenset[NodeRef] = frozenset()


def build_slice(session: Session, request: SliceRequest) -> GraphResponse:
    return _Slice(session, request).build()


class _Slice:
    def __init__(self, session: Session, request: SliceRequest) -> None:
        self.session = session
        self.request = request
        self.centre = request.centre
        self.ring: dict[NodeRef, int] = {request.centre: 0}
        self.parent: dict[NodeRef, NodeRef] = {}
        self.order: list[NodeRef] = [request.centre]
        self.cuts: list[RingCut] = []

    def build(self) -> GraphResponse:
        request = self.request
        centre_row = self._load({self.centre}).get(self.centre)
        if centre_row is None:
            raise NotFound(f"No node '{pid(self.centre)}'.")
        ring1_budget = request.limit if request.depth == 1 else (request.limit + 1) // 2
        pool = self._ring1(ring1_budget, request.limit, centre_row[1])
        if request.depth == 2:
            self._ring2(request.limit - (len(self.order) - 1))
            # A thin second ring (a new author, a small topic) hands its unused budget
            # back to ring 1 rather than answering with fewer nodes than were asked for.
            self._top_up_ring1(pool, request.limit - (len(self.order) - 1))
        rows = self._load(set(self.order[1:]))
        rows[self.centre] = centre_row
        kept = sorted((n for n in self.order if n in rows), key=self.ring.__getitem__)
        shown = [n for n in kept if n not in request.excluded]
        nodes = [{"data": _node(n, rows[n][0], self.ring[n])} for n in shown]
        # The client holds the excluded nodes (and a centre it excluded): edges may end on
        # them, but edges among them only are not sent again.
        edges, omitted = self._edges(set(shown), request.excluded | (set(kept) - set(shown)))
        for cut in self.cuts:
            cut.shown = sum(1 for n in kept if self.ring[n] == cut.ring and _type(n) == cut.type)
        truncated = omitted > 0 or any(c.shown < c.available or not c.exact for c in self.cuts)
        meta = GraphMeta(
            centre=pid(self.centre),
            depth=request.depth,
            limit=request.limit,
            types=[TYPE_NAMES[k] for k in KIND_ORDER if k in request.kinds],
            nodes=len(nodes),
            edges=len(edges),
            truncated=truncated,
            rings=self.cuts,
            edges_omitted=omitted,
            excluded=len(request.excluded),
            caps=GraphCaps(
                max_limit=MAX_LIMIT, ring2_fanout=RING2_FANOUT, max_edges=edge_cap(request.limit)
            ),
        )
        return GraphResponse.model_validate(
            {"elements": {"nodes": nodes, "edges": edges}, "meta": meta}
        )

    # --- rings -------------------------------------------------------------------------

    def _add(self, node: NodeRef, ring: int, parent: NodeRef) -> None:
        self.ring[node] = ring
        self.parent[node] = parent
        self.order.append(node)

    def _kinds_from(self, kind: Kind) -> list[Kind]:
        return [c for c in KIND_ORDER if c in self.request.kinds and (kind, c) in RELATIONS]

    def _ring1(
        self, budget: int, read: int, counts: dict[Kind, int | None]
    ) -> dict[Kind, list[int]]:
        """Adds the centre's best `budget` neighbours; returns the best `read` of each
        kind, from which `_top_up_ring1` may add more."""
        kind, centre_id = self.centre
        fetched: dict[Kind, list[int]] = {}
        for child in self._kinds_from(kind):
            excluded = sorted(i for k, i in self.request.excluded if k == child)
            found = queries.neighbours(
                self.session, RELATIONS[kind, child], [centre_id], read, excluded
            )
            fetched[child] = found[centre_id]
        shares = allocate(budget, {k: len(v) for k, v in fetched.items()})
        chosen = {k: [(k, i) for i in ids[: shares[k]]] for k, ids in fetched.items()}
        for node in interleave(chosen):
            self._add(node, 1, self.centre)
        for child, ids in fetched.items():
            excluded_count = sum(1 for k, _ in self.request.excluded if k == child)
            if len(ids) < read:
                available, exact = len(ids), True
            else:
                total = counts.get(child)
                if total is None:
                    total = queries.count_neighbours(self.session, kind, centre_id, child) or 0
                available = max(total - excluded_count, len(ids))
                exact = excluded_count == 0
            self.cuts.append(
                RingCut(ring=1, type=TYPE_NAMES[child], shown=0, available=available, exact=exact)
            )
        return fetched

    def _top_up_ring1(self, pool: dict[Kind, list[int]], budget: int) -> None:
        left = {k: [(k, i) for i in ids if (k, i) not in self.ring] for k, ids in pool.items()}
        shares = allocate(budget, {k: len(v) for k, v in left.items()})
        for node in interleave({k: nodes[: shares[k]] for k, nodes in left.items()}):
            self._add(node, 1, self.centre)

    def _ring2(self, budget: int) -> None:
        ring1 = self.order[1:]
        rank = {node: index for index, node in enumerate(ring1)}
        links: list[Link] = []
        capped: set[Kind] = set()
        searched: set[Kind] = set()
        for parent_kind in KIND_ORDER:
            parents = [i for k, i in ring1 if k == parent_kind]
            if not parents:
                continue
            for child in self._kinds_from(parent_kind):
                searched.add(child)
                found = queries.neighbours(
                    self.session, RELATIONS[parent_kind, child], parents, RING2_FANOUT
                )
                for parent_id, children in found.items():
                    if len(children) >= RING2_FANOUT:
                        capped.add(child)
                    parent = (parent_kind, parent_id)
                    for local_rank, child_id in enumerate(children):
                        node = (child, child_id)
                        if node in self.ring or node in self.request.excluded:
                            continue
                        links.append(Link(parent, rank[parent], node, local_rank))
        pools = rank_candidates(links)
        shares = allocate(budget, {k: len(pool) for k, pool in pools.items()})
        chosen = {k: pool[: shares[k]] for k, pool in pools.items()}
        for candidate in interleave(chosen):
            self._add(candidate.node, 2, candidate.parent)
        for child in KIND_ORDER:
            if child in searched:
                self.cuts.append(
                    RingCut(
                        ring=2,
                        type=TYPE_NAMES[child],
                        shown=0,
                        available=len(pools.get(child, ())),
                        exact=child not in capped,
                    )
                )

    # --- nodes -------------------------------------------------------------------------

    def _load(self, nodes: set[NodeRef]) -> dict[NodeRef, tuple[AnyRow, dict[Kind, int | None]]]:
        """Attribute rows of the live nodes among `nodes`, with the neighbour counts the
        row carries (None where a count must be queried)."""
        out: dict[NodeRef, tuple[AnyRow, dict[Kind, int | None]]] = {}

        def ids(kind: Kind) -> list[int]:
            return [i for k, i in nodes if k == kind]

        for row in queries.authors(self.session, ids(Kind.AUTHOR)):
            if row.merged_into_id is None:
                counts = {
                    Kind.AUTHOR: row.coauthors_count,
                    Kind.WORK: row.works_count,
                    Kind.TOPIC: row.topics_count,
                }
                out[Kind.AUTHOR, row.id] = (row, counts)
        for row in queries.works(self.session, ids(Kind.WORK)):
            if not row.is_deleted:
                out[Kind.WORK, row.id] = (row, {Kind.AUTHOR: row.authors_count})
        for row in queries.topics(self.session, ids(Kind.TOPIC)):
            counts = {Kind.AUTHOR: row.authors_count, Kind.WORK: row.works_count}
            out[Kind.TOPIC, row.id] = (row, dict(counts))
        for row in queries.institutions(self.session, ids(Kind.INSTITUTION)):
            counts = {Kind.AUTHOR: row.authors_count, Kind.WORK: row.works_count}
            out[Kind.INSTITUTION, row.id] = (row, dict(counts))
        return out

    # --- edges -------------------------------------------------------------------------

    def _edges(
        self, kept: set[NodeRef], held: frozenset[NodeRef] | set[NodeRef]
    ) -> tuple[list[Data], int]:
        """Every link that touches a kept node and ends on a kept or a held one."""
        excluded = set(held) - kept
        # Rows are shaped into response models only once the cap has chosen them: a
        # 500-node slice finds thousands of links and keeps at most 4,000.
        found: dict[tuple[str, NodeRef, NodeRef], tuple[EdgeSpec, AnyRow]] = {}

        def ids(nodes: set[NodeRef] | frozenset[NodeRef], kind: Kind) -> list[int]:
            return sorted(i for k, i in nodes if k == kind)

        for spec in EDGE_SPECS:
            left_kept, right_kept = ids(kept, spec.left), ids(kept, spec.right)
            left_out, right_out = ids(excluded, spec.left), ids(excluded, spec.right)
            combos = [(left_kept, right_kept + right_out)]
            if not spec.symmetric:
                combos.append((left_out, right_kept))
            for left, right in combos:
                for left_chunk in queries.batched(left, queries.IN_CHUNK):
                    for right_chunk in queries.batched(right, queries.IN_CHUNK):
                        for row in spec.fetch(self.session, left_chunk, right_chunk):
                            source, target = (spec.left, row[0]), (spec.right, row[1])
                            if spec.symmetric and target < source:
                                source, target = target, source
                            found.setdefault((spec.edge_type, source, target), (spec, row))
        parent = self.parent.get
        ring = self.ring.get
        ranks = [
            EdgeRank(
                edge_type,
                source,
                target,
                spec.weigh(row),
                parent(target) == source or parent(source) == target,
                max(ring(source, 1), ring(target, 1)),
            )
            for (edge_type, source, target), (spec, row) in found.items()
        ]
        kept_ranks, omitted = cap_edges(ranks, edge_cap(self.request.limit))
        edges = []
        for r in kept_ranks:
            spec, row = found[r.edge_type, r.source, r.target]
            edges.append({"data": spec.shape(row, pid(r.source), pid(r.target))})
        return edges, omitted


def _type(node: NodeRef) -> NodeType:
    return TYPE_NAMES[node[0]]


# Nodes and edges are shaped as plain dicts and validated once, with the whole response
# (`GraphResponse.model_validate`): one pydantic-core call instead of a model per node and
# per edge, which for a few hundred edges was most of a slice's time.
Data = dict[str, Any]


def _node(node: NodeRef, row: AnyRow, ring: int) -> Data:
    # Rows are unpacked in the column order of `queries.authors` (works, topics,
    # institutions): a Row's attribute access is a Python-level lookup, unpacking is not.
    kind = node[0]
    ident = pid(node)
    if kind is Kind.AUTHOR:
        (_, name, works, coauthors, _, score, tier, level, first, last, collab, _) = row
        return {
            "id": ident,
            "type": "author",
            "label": name,
            "ring": ring,
            "works_count": works,
            "coauthors_count": coauthors,
            "trust_score": score,
            "trust_tier": tier,
            "verification_level": level,
            "first_year": first,
            "last_year": last,
            "is_collaboration": collab,
        }
    if kind is Kind.WORK:
        _, title, year, work_type, arxiv_id, authors, category, _ = row
        return {
            "id": ident,
            "type": "work",
            "label": title,
            "ring": ring,
            "year": year,
            "work_type": work_type,
            "arxiv_id": arxiv_id,
            "authors_count": authors,
            "primary_category": category,
        }
    if kind is Kind.TOPIC:
        _, name, code, level, works, authors = row
        return {
            "id": ident,
            "type": "topic",
            "label": name,
            "ring": ring,
            "code": code,
            "level": level,
            "works_count": works,
            "authors_count": authors,
        }
    _, name, country, works, authors = row
    return {
        "id": ident,
        "type": "institution",
        "label": name,
        "ring": ring,
        "country": country,
        "works_count": works,
        "authors_count": authors,
    }


def author_node(row: AnyRow, ring: int) -> Data:
    return _node((Kind.AUTHOR, row.id), row, ring)


# Edge rows are unpacked in the column order of the `queries` link readers; `weigh` is
# called for every link found, `shape` only for those the cap keeps.


def _strength(row: AnyRow) -> float:
    return round(float(row[5]), 4)


def _works_count(row: AnyRow) -> float:
    return float(row[2] or 0)


def _one(row: AnyRow) -> float:
    return 1.0


def coauthored_edge(row: AnyRow, source: str, target: str) -> Data:
    _, _, shared, first, last, strength, close = row
    weight = round(float(strength), 4)
    return {
        "id": f"coauthored:{source}-{target}",
        "type": "coauthored",
        "source": source,
        "target": target,
        "weight": weight,
        "shared_works": shared,
        "first_year": first,
        "last_year": last,
        "strength": weight,
        "close": bool(close),
    }


def _authored(row: AnyRow, source: str, target: str) -> Data:
    return {
        "id": f"authored:{source}-{target}",
        "type": "authored",
        "source": source,
        "target": target,
        "weight": 1.0,
        "position": row[2],
    }


def _author_topic(row: AnyRow, source: str, target: str) -> Data:
    works = row[2]
    return {
        "id": f"has_topic:{source}-{target}",
        "type": "has_topic",
        "source": source,
        "target": target,
        "weight": float(works or 0),
        "works_count": works,
    }


def _work_topic(row: AnyRow, source: str, target: str) -> Data:
    return {
        "id": f"has_topic:{source}-{target}",
        "type": "has_topic",
        "source": source,
        "target": target,
        "weight": 1.0,
        "is_primary": bool(row[2]),
    }


def _author_institution(row: AnyRow, source: str, target: str) -> Data:
    _, _, works, start, end = row
    return {
        "id": f"affiliated_with:{source}-{target}",
        "type": "affiliated_with",
        "source": source,
        "target": target,
        "weight": float(works or 0),
        "works_count": int(works or 0),
        "start_year": start,
        "end_year": end,
    }


def _work_institution(row: AnyRow, source: str, target: str) -> Data:
    return {
        "id": f"affiliated_with:{source}-{target}",
        "type": "affiliated_with",
        "source": source,
        "target": target,
        "weight": 1.0,
    }


@dataclass(frozen=True)
class EdgeSpec:
    edge_type: str
    left: Kind
    right: Kind
    fetch: Callable[[Session, Sequence[int], Sequence[int]], list[AnyRow]]
    shape: Callable[[AnyRow, str, str], Data]
    # The edge's `weight`, without building the response model (the cap ranks by it).
    weigh: Callable[[AnyRow], float]
    symmetric: bool = False


EDGE_SPECS = (
    EdgeSpec(
        "coauthored",
        Kind.AUTHOR,
        Kind.AUTHOR,
        queries.coauthored,
        coauthored_edge,
        _strength,
        symmetric=True,
    ),
    EdgeSpec("authored", Kind.AUTHOR, Kind.WORK, queries.authored, _authored, _one),
    EdgeSpec(
        "affiliated_with",
        Kind.AUTHOR,
        Kind.INSTITUTION,
        queries.author_institution_links,
        _author_institution,
        _works_count,
    ),
    EdgeSpec(
        "affiliated_with",
        Kind.WORK,
        Kind.INSTITUTION,
        queries.work_institution_links,
        _work_institution,
        _one,
    ),
    EdgeSpec(
        "has_topic",
        Kind.AUTHOR,
        Kind.TOPIC,
        queries.author_topic_links,
        _author_topic,
        _works_count,
    ),
    EdgeSpec("has_topic", Kind.WORK, Kind.TOPIC, queries.work_topic_links, _work_topic, _one),
)
