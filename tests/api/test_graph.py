"""The research graph through HTTP: author slices, expansion, coauthor paths, exports.

Plus the pure cores (budget sharing, candidate ranking, the edge cap, the bounded
bidirectional search) as plain function calls.
"""

from __future__ import annotations

import importlib.util
import io
import re
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy.orm import Session

from app.core.ids import Kind
from app.graph.paths import PathCaps, shortest_path
from app.graph.ranking import EdgeRank, Link, allocate, cap_edges, rank_candidates
from app.models import Author, AuthorshipInstitution, CoauthorEdge
from tests import factories as f

A, W, T, INST = Kind.AUTHOR, Kind.WORK, Kind.TOPIC, Kind.INSTITUTION
HAS_NETWORKX = importlib.util.find_spec("networkx") is not None


NODE_ID = re.compile(r"^[AWTI][1-9][0-9]*$")
PREFIX = {"author": "A", "work": "W", "topic": "T", "institution": "I"}


def assert_cytoscape(body: dict[str, Any], held: frozenset[str] = frozenset()) -> None:
    """What `cy.add(body.elements)` needs, and what `meta` promises about it: every element
    is `{"data": {...}}`, ids are unique and say their type, every edge ends on a node in
    the answer (or, for expand, on one the client said it holds), and the counts agree."""
    assert set(body) == {"elements", "meta"}
    assert set(body["elements"]) == {"nodes", "edges"}
    assert all(set(element) == {"data"} for element in body["elements"]["nodes"])
    assert all(set(element) == {"data"} for element in body["elements"]["edges"])
    nodes, edges = _nodes(body), _edges(body)
    ids = [n["id"] for n in nodes]
    assert len(set(ids)) == len(ids)
    for n in nodes:
        assert NODE_ID.match(n["id"]), n
        assert n["id"][0] == PREFIX[n["type"]], n
        assert isinstance(n["label"], str)
    edge_ids = [e["id"] for e in edges]
    assert len(set(edge_ids)) == len(edge_ids)
    for e in edges:
        assert e["id"] == f"{e['type']}:{e['source']}-{e['target']}"
        assert e["source"] in ids or e["source"] in held, e
        assert e["target"] in ids or e["target"] in held, e
        assert e["source"] in ids or e["target"] in ids, e
    meta = body["meta"]
    assert (meta["nodes"], meta["edges"]) == (len(nodes), len(edges))
    assert len(nodes) <= meta["limit"] + 1
    assert len(edges) <= meta["caps"]["max_edges"]
    for cut in meta["rings"]:
        in_ring = [n for n in nodes if n["ring"] == cut["ring"] and n["type"] == cut["type"]]
        assert cut["shown"] == len(in_ring)
        assert cut["shown"] <= cut["available"]
    cut_short = meta["edges_omitted"] > 0 or any(
        c["shown"] < c["available"] or not c["exact"] for c in meta["rings"]
    )
    assert meta["truncated"] is cut_short


def _path_as_slice_meta(body: dict[str, Any]) -> dict[str, Any]:
    """A path answer's meta in the shape `assert_cytoscape` checks (nothing is cut)."""
    count = len(body["meta"]["path"])
    return {
        "nodes": count,
        "edges": count - 1,
        "limit": count,
        "caps": {"max_edges": count},
        "rings": [],
        "edges_omitted": 0,
        "truncated": False,
    }


def _graph(client: TestClient, author: Author, **params: Any) -> dict[str, Any]:
    response = client.get(f"/v1/authors/A{author.id}/graph", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert_cytoscape(body)
    return body


def _expand(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/graph/expand", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    held = frozenset(v for v in str(params.get("exclude", "")).split(",") if v)
    assert_cytoscape(body, held)
    return body


def _nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [n["data"] for n in body["elements"]["nodes"]]


def _edges(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["data"] for e in body["elements"]["edges"]]


def _ids(body: dict[str, Any]) -> list[str]:
    return [n["id"] for n in _nodes(body)]


def _ties(session: Session, centre: Author, others: list[Author], strength: float) -> None:
    """Coauthor edges centre <-> each of `others`, added in bulk (one flush)."""
    for other in others:
        for x, y in ((centre, other), (other, centre)):
            session.add(
                CoauthorEdge(
                    author_id=x.id,
                    coauthor_id=y.id,
                    shared_works=1,
                    first_year=2020,
                    last_year=2020,
                    strength=strength,
                    is_close=False,
                )
            )
    centre.coauthors_count += len(others)
    for other in others:
        other.coauthors_count += 1
    session.flush()


@pytest.fixture
def small_world(session: Session) -> dict[str, Any]:
    """Ada wrote two papers with Bob and Cy, one alone; Bob and Cy each have one more
    coauthor; Ada and Bob are at one institution."""
    ada = f.author(session, "Ada Lovelace")
    bob = f.author(session, "Bob Babbage")
    cy = f.author(session, "Cy Somerville")
    dee = f.author(session, "Dee Herschel")
    eve = f.author(session, "Eve Faraday")
    w1 = f.work(session, [ada, bob, cy], year=2021, categories=("cs.CL", "cs.LG"))
    w2 = f.work(session, [ada, bob], year=2019, categories=("cs.CL",))
    w3 = f.work(session, [ada], year=2023, categories=("math.CO",))
    w4 = f.work(session, [bob, dee], year=2018, categories=("cs.LG",))
    w5 = f.work(session, [cy, eve], year=2017, categories=("cs.CL",))
    f.edge(session, ada, bob, shared=2, strength=1.5, close=True, first_year=2019, last_year=2021)
    f.edge(session, ada, cy, shared=1, strength=0.5, first_year=2021, last_year=2021)
    f.edge(session, bob, cy, shared=1, strength=0.5, first_year=2021, last_year=2021)
    f.edge(session, bob, dee, shared=1, strength=1.0, first_year=2018, last_year=2018)
    f.edge(session, cy, eve, shared=1, strength=1.0, first_year=2017, last_year=2017)
    uni = f.institution(session, "University of London", ada, bob)
    session.add(AuthorshipInstitution(work_id=w1.id, position=1, institution_id=uni.id))
    session.commit()
    return {
        "ada": ada,
        "bob": bob,
        "cy": cy,
        "dee": dee,
        "eve": eve,
        "works": [w1, w2, w3, w4, w5],
        "uni": uni,
    }


# --- author slices -------------------------------------------------------------------------


def test_author_graph_is_cytoscape_elements_centred_on_the_author(
    client: TestClient, small_world: dict[str, Any]
) -> None:
    ada, bob, cy = small_world["ada"], small_world["bob"], small_world["cy"]
    w1, w2, w3 = small_world["works"][:3]
    uni = small_world["uni"]
    body = _graph(client, ada)
    nodes, edges = _nodes(body), _edges(body)
    assert nodes[0] == {
        "id": f"A{ada.id}",
        "label": "Ada Lovelace",
        "ring": 0,
        "type": "author",
        "works_count": 3,
        "coauthors_count": 2,
        "trust_score": 20,
        "trust_tier": "Emerging",
        "verification_level": 1,
        "first_year": 2019,
        "last_year": 2023,
        "is_collaboration": False,
    }
    by_id = {n["id"]: n for n in nodes}
    assert {n["type"] for n in nodes} == {"author", "work", "topic", "institution"}
    assert set(by_id) >= {f"A{bob.id}", f"A{cy.id}", f"W{w1.id}", f"W{w2.id}", f"W{w3.id}"}
    assert f"I{uni.id}" in by_id
    assert all(n["ring"] == 1 for n in nodes[1:])
    work = by_id[f"W{w3.id}"]
    assert work["year"] == 2023
    assert work["work_type"] == "preprint"
    topic = next(n for n in nodes if n["type"] == "topic" and n["code"] == "cs.CL")
    assert topic["label"]
    assert topic["level"] == "category"
    # Cytoscape needs every edge endpoint among the nodes and unique ids.
    assert all(e["source"] in by_id and e["target"] in by_id for e in edges)
    assert len({e["id"] for e in edges}) == len(edges)
    coauthored = {(e["source"], e["target"]): e for e in edges if e["type"] == "coauthored"}
    ab = coauthored[(f"A{ada.id}", f"A{bob.id}")]
    assert ab["shared_works"] == 2
    assert (ab["first_year"], ab["last_year"]) == (2019, 2021)
    assert ab["strength"] == ab["weight"] == 1.5
    assert ab["close"] is True
    # Ring-1 nodes are linked among themselves too: Bob and Cy, Bob's authorship of W1.
    assert (f"A{bob.id}", f"A{cy.id}") in coauthored
    kinds = {(e["type"], e["source"], e["target"]) for e in edges}
    assert ("authored", f"A{bob.id}", f"W{w1.id}") in kinds
    assert ("affiliated_with", f"A{ada.id}", f"I{uni.id}") in kinds
    assert ("affiliated_with", f"W{w1.id}", f"I{uni.id}") in kinds
    assert ("has_topic", f"A{ada.id}", topic["id"]) in kinds
    assert ("has_topic", f"W{w1.id}", topic["id"]) in kinds
    authored = next(e for e in edges if e["id"] == f"authored:A{cy.id}-W{w1.id}")
    assert authored["position"] == 3
    primary = next(e for e in edges if e["id"] == f"has_topic:W{w1.id}-{topic['id']}")
    assert primary["is_primary"] is True
    meta = body["meta"]
    assert meta["centre"] == f"A{ada.id}"
    assert (meta["depth"], meta["limit"]) == (1, 50)
    assert meta["types"] == ["author", "work", "topic", "institution"]
    assert (meta["nodes"], meta["edges"]) == (len(nodes), len(edges))
    assert meta["truncated"] is False
    assert meta["edges_omitted"] == 0
    cuts = {c["type"]: c for c in meta["rings"]}
    assert cuts["author"] == {
        "ring": 1,
        "type": "author",
        "shown": 2,
        "available": 2,
        "exact": True,
    }
    assert cuts["work"]["shown"] == 3


def test_ranking_is_strongest_first_and_responses_are_byte_identical(
    client: TestClient, session: Session
) -> None:
    centre = f.author(session, "Rank Centre")
    weak = [f.author(session, f"Weak {i}") for i in range(3)]
    strong = f.author(session, "Strong One")
    f.edge(session, centre, strong, strength=2.0)
    for other in weak:
        f.edge(session, centre, other, strength=0.25)
    session.commit()
    body = _graph(client, centre, types="author", limit=3)
    # Strongest tie first, then equal strengths by id.
    assert _ids(body) == [f"A{centre.id}", f"A{strong.id}", f"A{weak[0].id}", f"A{weak[1].id}"]
    assert body["meta"]["truncated"] is True
    assert body["meta"]["rings"] == [
        {"ring": 1, "type": "author", "shown": 3, "available": 4, "exact": True}
    ]
    for params in ({"depth": 2}, {"depth": 2, "format": "graphml"}, {"format": "gexf"}):
        url = f"/v1/authors/A{centre.id}/graph"
        first, second = client.get(url, params=params), client.get(url, params=params)
        assert first.status_code == 200
        assert first.content == second.content
        assert first.headers["etag"] == second.headers["etag"]


def test_depth_two_reaches_coauthors_of_coauthors_ranked_by_support(
    client: TestClient, small_world: dict[str, Any], session: Session
) -> None:
    ada, bob, cy, dee, eve = (small_world[k] for k in ("ada", "bob", "cy", "dee", "eve"))
    # Fay is a coauthor of both Bob and Cy: reached twice, she outranks Dee and Eve.
    fay = f.author(session, "Fay Zed")
    f.edge(session, bob, fay, strength=0.1)
    f.edge(session, cy, fay, strength=0.1)
    session.commit()
    one = _graph(client, ada, types="author")
    assert set(_ids(one)) == {f"A{ada.id}", f"A{bob.id}", f"A{cy.id}"}
    two = _graph(client, ada, types="author", depth=2)
    rings = {n["id"]: n["ring"] for n in _nodes(two)}
    assert rings == {
        f"A{ada.id}": 0,
        f"A{bob.id}": 1,
        f"A{cy.id}": 1,
        f"A{fay.id}": 2,
        f"A{dee.id}": 2,
        f"A{eve.id}": 2,
    }
    assert _ids(two)[3] == f"A{fay.id}"
    # Every ring-2 node keeps the edge that ties it to ring 1.
    edges = {(e["source"], e["target"]) for e in _edges(two)}
    assert (min(f"A{bob.id}", f"A{dee.id}"), max(f"A{bob.id}", f"A{dee.id}")) in {
        (min(s, t), max(s, t)) for s, t in edges
    }
    ring2 = [c for c in two["meta"]["rings"] if c["ring"] == 2]
    assert ring2 == [{"ring": 2, "type": "author", "shown": 3, "available": 3, "exact": True}]
    limited = _graph(client, ada, types="author", depth=2, limit=3)
    assert len(_nodes(limited)) == 4
    assert _ids(limited)[3] == f"A{fay.id}"
    assert limited["meta"]["truncated"] is True


def test_a_huge_paper_is_bounded_and_says_what_was_cut(
    client: TestClient, session: Session
) -> None:
    members = [f.author(session, f"Member {i:03d}") for i in range(300)]
    paper = f.work(session, members, title="A 300-author paper", categories=("hep-ex",))
    centre, others = members[0], members[1:]
    _ties(session, centre, others, strength=1 / 299)
    # A second ring: the first 20 members also share a small paper with the last one.
    _ties(session, members[-1], members[1:20], strength=0.5)
    session.commit()

    body = _graph(client, centre, limit=20)
    nodes = _nodes(body)
    assert len(nodes) == 21
    meta = body["meta"]
    assert meta["truncated"] is True
    assert meta["edges"] <= meta["caps"]["max_edges"] == 8 * 21
    authors = next(c for c in meta["rings"] if c["type"] == "author")
    assert authors["available"] == 299
    assert authors["shown"] == sum(1 for n in nodes if n["type"] == "author") - 1
    # Equal strengths: the lowest ids win, deterministically.
    shown = [n["id"] for n in nodes if n["type"] == "author"][1:]
    assert shown == [f"A{m.id}" for m in others[: len(shown)]]

    deep = _graph(client, centre, depth=2, limit=500)
    assert len(_nodes(deep)) <= 501
    assert deep["meta"]["edges"] <= 4000
    assert deep["meta"]["truncated"] is True
    ring2 = [c for c in deep["meta"]["rings"] if c["ring"] == 2 and c["type"] == "author"]
    assert len(ring2) == 1
    assert ring2[0]["exact"] is False  # the per-node fan-out cap was hit

    expand = _expand(client, node=f"W{paper.id}", types="author", limit=25)
    assert _ids(expand)[1:] == [f"A{m.id}" for m in members[:25]]  # author order
    cut = expand["meta"]["rings"][0]
    assert (cut["shown"], cut["available"]) == (25, 300)
    # Edges are every link among the nodes: the work's authorships and the members' ties.
    types = [e["type"] for e in _edges(expand)]
    assert types.count("authored") == 25
    assert set(types) == {"authored", "coauthored"}


def test_types_filter_nodes_and_edges(client: TestClient, small_world: dict[str, Any]) -> None:
    body = _graph(client, small_world["ada"], types="work,topic")
    types = {n["type"] for n in _nodes(body)[1:]}
    assert types == {"work", "topic"}
    assert {e["type"] for e in _edges(body)} == {"authored", "has_topic"}
    assert body["meta"]["types"] == ["work", "topic"]


@pytest.mark.parametrize("depth", [1, 2])
def test_limit_bounds_every_slice_and_types_take_turns(
    client: TestClient, small_world: dict[str, Any], depth: int
) -> None:
    ada = small_world["ada"]
    whole = _graph(client, ada, depth=depth, limit=500)
    assert whole["meta"]["truncated"] is False
    everything = len(_nodes(whole)) - 1  # ring 1: 2 coauthors, 3 works, 3 topics, 1 place
    assert {n["ring"] for n in _nodes(whole)} == set(range(depth + 1))
    for limit in (1, 2, 3, 4, 5, 7, 9, 12, 50):
        body = _graph(client, ada, depth=depth, limit=limit)
        nodes = _nodes(body)
        # Exactly `limit` nodes besides the centre while the graph has that many.
        assert len(nodes) == min(limit, everything) + 1
        assert body["meta"]["truncated"] is (limit < everything)
        assert [n["ring"] for n in nodes] == sorted(n["ring"] for n in nodes)
        if limit == 4 and depth == 1:
            # One of each type, strongest first within each: the budget is shared.
            assert [n["type"] for n in nodes[1:]] == ["author", "work", "topic", "institution"]
            assert nodes[1]["id"] == f"A{small_world['bob'].id}"  # strength 1.5 beats 0.5
            assert nodes[2]["id"] == f"W{small_world['works'][2].id}"  # newest work first
        if limit == 5 and depth == 2:
            # Depth 2 gives ring 1 half the budget (rounded up), ring 2 the rest.
            assert [n["ring"] for n in nodes] == [0, 1, 1, 1, 2, 2]


def test_a_thin_second_ring_hands_its_budget_back_to_the_first(
    client: TestClient, session: Session
) -> None:
    centre = f.author(session, "Hub Without Friends Of Friends")
    spokes = [f.author(session, f"Spoke {i}") for i in range(6)]
    _ties(session, centre, spokes, strength=1.0)
    session.commit()
    body = _graph(client, centre, types="author", depth=2, limit=6)
    assert [n["ring"] for n in _nodes(body)] == [0] + [1] * 6
    assert body["meta"]["truncated"] is False


def test_the_edge_cap_keeps_every_nodes_own_tie_and_counts_what_it_dropped(
    client: TestClient, session: Session
) -> None:
    centre = f.author(session, "Clique Centre")
    members = [f.author(session, f"Clique {i:02d}") for i in range(20)]
    _ties(session, centre, members, strength=1.0)
    for index, member in enumerate(members[:-1]):
        _ties(session, member, members[index + 1 :], strength=0.5)
    session.commit()
    # 21 nodes allow 8 x 21 = 168 edges; the clique has 20 + 190 = 210.
    body = _graph(client, centre, types="author", limit=20)
    meta = body["meta"]
    assert meta["caps"]["max_edges"] == 168
    assert (meta["edges"], meta["edges_omitted"]) == (168, 42)
    assert meta["truncated"] is True
    assert meta["rings"] == [
        {"ring": 1, "type": "author", "shown": 20, "available": 20, "exact": True}
    ]
    edges = _edges(body)
    # The ties that hold each node to the centre come first, so none is left floating.
    assert {e["target"] for e in edges[:20]} == {f"A{m.id}" for m in members}
    assert all(e["source"] == f"A{centre.id}" for e in edges[:20])
    assert all(e["strength"] == 0.5 for e in edges[20:])
    small = _graph(client, centre, types="author", limit=5)
    assert small["meta"]["edges_omitted"] == 0
    assert len(_edges(small)) == 5 + 10  # the centre's ties and the 5 members' own clique


# --- expand ----------------------------------------------------------------------------------


def test_expand_any_node_with_exclude(client: TestClient, small_world: dict[str, Any]) -> None:
    ada, bob, cy, dee = (small_world[k] for k in ("ada", "bob", "cy", "dee"))
    w1 = small_world["works"][0]
    uni = small_world["uni"]

    expand = partial(_expand, client)
    plain = expand(node=f"A{bob.id}", types="author")
    assert _ids(plain) == [f"A{bob.id}", f"A{ada.id}", f"A{dee.id}", f"A{cy.id}"]
    # The client shows Bob and Ada already: neither comes back, edges to them still do.
    grown = expand(node=f"A{bob.id}", types="author", exclude=f"A{bob.id},A{ada.id}")
    assert _ids(grown) == [f"A{dee.id}", f"A{cy.id}"]
    pairs = {(e["source"], e["target"]) for e in _edges(grown)}
    assert (f"A{ada.id}", f"A{cy.id}") in pairs  # new node -> excluded node
    assert (f"A{bob.id}", f"A{dee.id}") in pairs  # centre -> new node
    assert (f"A{ada.id}", f"A{bob.id}") not in pairs  # both already on screen
    assert grown["meta"]["excluded"] == 2

    work = expand(node=f"W{w1.id}")
    by_type: dict[str, list[str]] = {}
    for n in _nodes(work)[1:]:
        by_type.setdefault(n["type"], []).append(n["id"])
    assert by_type["author"] == [f"A{ada.id}", f"A{bob.id}", f"A{cy.id}"]
    assert by_type["institution"] == [f"I{uni.id}"]
    assert len(by_type["topic"]) == 2
    topic = expand(node=by_type["topic"][0], types="work")
    assert _nodes(topic)[0]["type"] == "topic"
    assert all(n["type"] == "work" for n in _nodes(topic)[1:])
    institution = expand(node=f"I{uni.id}")
    assert {n["id"] for n in _nodes(institution)[1:]} == {
        f"A{ada.id}",
        f"A{bob.id}",
        f"W{w1.id}",
    }
    assert client.get("/v1/graph/expand", params={"node": "W999999999"}).status_code == 404


def test_expand_each_kind_ties_the_new_ring_to_the_node(
    client: TestClient, small_world: dict[str, Any]
) -> None:
    ada, cy, eve = small_world["ada"], small_world["cy"], small_world["eve"]
    w1, w2, _, _, w5 = small_world["works"]
    uni = small_world["uni"]
    cs_cl = _expand(client, node=f"W{w2.id}", types="topic")
    topic_id = _ids(cs_cl)[1]
    expected = {
        f"A{ada.id}": {"author", "work", "topic", "institution"},
        f"W{w1.id}": {"author", "topic", "institution"},
        topic_id: {"author", "work"},
        f"I{uni.id}": {"author", "work"},
    }
    for node, kinds in expected.items():
        body = _expand(client, node=node)
        nodes = _nodes(body)
        assert (nodes[0]["id"], nodes[0]["ring"]) == (node, 0)
        assert {n["type"] for n in nodes[1:]} == kinds
        assert body["meta"]["depth"] == 1
        # Every new node arrives with the edge that made it a neighbour.
        touching = {e["source"] for e in _edges(body)} | {e["target"] for e in _edges(body)}
        linked = {
            e["target"] if e["source"] == node else e["source"]
            for e in _edges(body)
            if node in (e["source"], e["target"])
        }
        assert linked == set(_ids(body)[1:]) <= touching
        again = client.get("/v1/graph/expand", params={"node": node})
        assert again.content == client.get("/v1/graph/expand", params={"node": node}).content
    topic = _expand(client, node=topic_id)
    by_type: dict[str, list[str]] = {}
    for n in _nodes(topic)[1:]:
        by_type.setdefault(n["type"], []).append(n["id"])
    # cs.CL: authors by works in it (Ada, Bob and Cy 2, Eve 1); works latest added first
    # (an index-ordered read: the topic's work list is not sorted by year).
    assert by_type["author"][-1] == f"A{eve.id}"
    assert f"A{cy.id}" in by_type["author"]
    assert by_type["work"] == [f"W{w5.id}", f"W{w2.id}", f"W{w1.id}"]


def test_expand_a_work_lists_its_primary_topic_first(client: TestClient, session: Session) -> None:
    # Primary last in id order, so only the is_primary ranking can put it first.
    f.topic(session, "zz.aa")
    f.topic(session, "zz.bb")
    author = f.author(session, "Topical Author")
    paper = f.work(session, [author], categories=("zz.bb", "zz.aa"))
    session.commit()
    body = _expand(client, node=f"W{paper.id}", types="topic")
    assert [n["code"] for n in _nodes(body)[1:]] == ["zz.bb", "zz.aa"]
    primary = {e["target"]: e["is_primary"] for e in _edges(body)}
    assert primary == {_ids(body)[1]: True, _ids(body)[2]: False}


def test_expand_ids_that_cannot_exist(client: TestClient, small_world: dict[str, Any]) -> None:
    # Topic row ids are 32-bit: the largest is simply absent, a bigger one is out of range
    # (PostgreSQL would refuse to compare it), and neither reaches the database as an error.
    missing = client.get("/v1/graph/expand", params={"node": "T2147483646"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    out_of_range = client.get("/v1/graph/expand", params={"node": "T99999999999"})
    assert out_of_range.status_code == 400
    assert out_of_range.json()["errors"][0]["field"] == "query.node"
    ada = small_world["ada"]
    body = _expand(client, node=f"A{ada.id}", exclude="T2147483646,I999999999999999999")
    assert body["meta"]["truncated"] is False
    refused = client.get(
        "/v1/graph/expand", params={"node": f"A{ada.id}", "exclude": "T99999999999"}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "query.exclude"


# --- paths -----------------------------------------------------------------------------------


def test_path_to_finds_the_shortest_chain(client: TestClient, small_world: dict[str, Any]) -> None:
    ada, bob, cy, dee, eve = (small_world[k] for k in ("ada", "bob", "cy", "dee", "eve"))
    response = client.get(f"/v1/authors/A{dee.id}/path-to/A{eve.id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["path"] == [f"A{dee.id}", f"A{bob.id}", f"A{cy.id}", f"A{eve.id}"]
    assert body["meta"]["length"] == 3
    assert body["meta"]["bounded"] is False
    assert [n["ring"] for n in _nodes(body)] == [0, 1, 2, 3]
    edges = _edges(body)
    assert len(edges) == 3
    assert all(e["type"] == "coauthored" for e in edges)
    assert edges[0]["source"] == min(f"A{dee.id}", f"A{bob.id}", key=lambda s: int(s[1:]))
    assert client.get(f"/v1/authors/A{ada.id}/path-to/A{bob.id}").json()["meta"]["length"] == 1
    same = client.get(f"/v1/authors/A{ada.id}/path-to/A{ada.id}").json()
    assert (same["meta"]["length"], len(_edges(same))) == (0, 0)


def test_path_to_is_bounded_by_max_depth_and_404s(
    client: TestClient, small_world: dict[str, Any], session: Session
) -> None:
    dee, eve, bob, cy = (small_world[k] for k in ("dee", "eve", "bob", "cy"))
    loner = f.author(session, "Lone Wolf")
    session.commit()
    url = f"/v1/authors/A{dee.id}/path-to/A{eve.id}"
    # Dee - Bob - Cy - Eve is three steps: found at max_depth 3, not at 2.
    exact = client.get(url, params={"max_depth": 3})
    assert exact.status_code == 200, exact.text
    meta = exact.json()["meta"]
    assert (meta["max_depth"], meta["length"], meta["bounded"]) == (3, 3, False)
    assert meta["path"] == [f"A{dee.id}", f"A{bob.id}", f"A{cy.id}", f"A{eve.id}"]
    assert_cytoscape(exact.json() | {"meta": _path_as_slice_meta(exact.json())})
    short = client.get(url, params={"max_depth": 2})
    assert short.status_code == 404
    assert short.headers["content-type"] == "application/problem+json"
    assert short.json()["type"] == "https://bzpeer.dev/problems/no-path"
    assert "within 2 steps" in short.json()["detail"]
    none = client.get(f"/v1/authors/A{dee.id}/path-to/A{loner.id}", params={"max_depth": 6})
    assert none.status_code == 404
    assert none.json()["type"] == "https://bzpeer.dev/problems/no-path"
    unknown = client.get(f"/v1/authors/A{dee.id}/path-to/A999999999")
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "https://bzpeer.dev/problems/not-found"


# --- exports ---------------------------------------------------------------------------------


def test_graphml_and_gexf_exports_parse(client: TestClient, small_world: dict[str, Any]) -> None:
    ada = small_world["ada"]
    url = f"/v1/authors/A{ada.id}/graph"
    json_body = client.get(url).json()
    node_ids = set(_ids(json_body))
    edge_count = len(_edges(json_body))

    graphml = client.get(url, params={"format": "graphml"})
    assert graphml.status_code == 200
    assert graphml.headers["content-type"].startswith("application/graphml+xml")
    assert (
        graphml.headers["content-disposition"] == f'attachment; filename="A{ada.id}-graph.graphml"'
    )
    root = etree.fromstring(graphml.content)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert root.tag == "{http://graphml.graphdrawing.org/xmlns}graphml"
    keys = {k.get("id"): k for k in root.findall("g:key", ns)}
    assert keys["n_works_count"].get("attr.type") == "long"
    assert keys["e_strength"].get("attr.type") == "double"
    assert keys["e_close"].get("attr.type") == "boolean"
    graph = root.find("g:graph", ns)
    assert graph is not None
    assert {n.get("id") for n in graph.findall("g:node", ns)} == node_ids
    assert len(graph.findall("g:edge", ns)) == edge_count
    for data in root.iter("{http://graphml.graphdrawing.org/xmlns}data"):
        assert data.get("key") in keys

    gexf = client.get(url, params={"format": "gexf"})
    assert gexf.headers["content-type"].startswith("application/gexf+xml")
    groot = etree.fromstring(gexf.content)
    gns = {"x": "http://www.gexf.net/1.2draft"}
    assert groot.get("version") == "1.2"
    assert {n.get("id") for n in groot.findall("x:graph/x:nodes/x:node", gns)} == node_ids
    gexf_edges = groot.findall("x:graph/x:edges/x:edge", gns)
    assert len(gexf_edges) == edge_count
    declared = {a.get("id") for a in groot.findall("x:graph/x:attributes/x:attribute", gns)}
    for value in groot.iter("{http://www.gexf.net/1.2draft}attvalue"):
        assert value.get("for") in declared

    if HAS_NETWORKX:  # the real consumers, when installed
        import networkx as nx  # type: ignore[import-not-found,unused-ignore]

        g1 = nx.read_graphml(io.BytesIO(graphml.content))
        g2 = nx.read_gexf(io.BytesIO(gexf.content))
        for g in (g1, g2):
            assert set(g.nodes) == node_ids
            assert g.number_of_edges() == edge_count
        assert g1.nodes[f"A{ada.id}"]["works_count"] == 3

    path = client.get(
        f"/v1/authors/A{small_world['dee'].id}/path-to/A{ada.id}", params={"format": "graphml"}
    )
    assert path.status_code == 200
    assert etree.fromstring(path.content).find("g:graph", ns) is not None


GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://www.gexf.net/1.2draft}"


def _read_xml(content: bytes, fmt: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Node id -> label and (id, source, target) of each edge, from either format."""
    root = etree.fromstring(content)
    if fmt == "graphml":
        labels = {
            n.get("id", ""): n.findtext(f"{GRAPHML}data[@key='n_label']", "")
            for n in root.iter(f"{GRAPHML}node")
        }
        edges = root.iter(f"{GRAPHML}edge")
    else:
        labels = {n.get("id", ""): n.get("label", "") for n in root.iter(f"{GEXF}node")}
        edges = root.iter(f"{GEXF}edge")
    return labels, [(e.get("id", ""), e.get("source", ""), e.get("target", "")) for e in edges]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_exports_of_every_endpoint_stand_alone_and_keep_odd_text(
    client: TestClient, small_world: dict[str, Any], session: Session, fmt: str
) -> None:
    ada, bob, eve = small_world["ada"], small_world["bob"], small_world["eve"]
    odd = f.work(session, [ada], title='Q&A: <b>"bold"</b> \x0bcontrol 中文 ∑', year=2024)
    session.commit()
    requests = [
        (f"/v1/authors/A{ada.id}/graph", {"depth": 2}),
        ("/v1/graph/expand", {"node": f"A{ada.id}", "exclude": f"A{bob.id}"}),
        ("/v1/graph/expand", {"node": f"W{odd.id}"}),
        (f"/v1/authors/A{ada.id}/path-to/A{eve.id}", {}),
    ]
    for url, params in requests:
        body = client.get(url, params=params).json()
        response = client.get(url, params={**params, "format": fmt})
        assert response.status_code == 200, response.text
        assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
        labels, edges = _read_xml(response.content, fmt)
        assert list(labels) == _ids(body)
        assert all(source in labels and target in labels for _, source, target in edges)
        # Edges to nodes the client holds (exclude) are in the JSON, not in the file.
        inside = [e for e in _edges(body) if e["source"] in labels and e["target"] in labels]
        assert [e[0] for e in edges] == [e["id"] for e in inside]
    labels, _ = _read_xml(
        client.get(f"/v1/authors/A{ada.id}/graph", params={"format": fmt}).content, fmt
    )
    assert labels[f"W{odd.id}"] == 'Q&A: <b>"bold"</b> control 中文 ∑'
    held = client.get(
        "/v1/graph/expand", params={"node": f"A{ada.id}", "exclude": f"A{bob.id}"}
    ).json()
    assert any(f"A{bob.id}" in (e["source"], e["target"]) for e in _edges(held))


# --- errors and redirects --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/v1/authors/A1/graph", {"depth": 3}, "query.depth"),
        ("/v1/authors/A1/graph", {"limit": 501}, "query.limit"),
        ("/v1/authors/A1/graph", {"limit": 0}, "query.limit"),
        ("/v1/authors/A1/graph", {"types": "author,people"}, "query.types"),
        ("/v1/authors/A1/graph", {"format": "xml"}, "query.format"),
        ("/v1/authors/W1/graph", {}, "path.author_id"),
        ("/v1/graph/expand", {}, "query.node"),
        ("/v1/graph/expand", {"node": "X12"}, "query.node"),
        ("/v1/graph/expand", {"node": "A1", "exclude": "A1,,W2"}, "query.exclude"),
        ("/v1/authors/A1/path-to/A2", {"max_depth": 7}, "query.max_depth"),
        ("/v1/authors/A1/path-to/A2", {"max_depth": 0}, "query.max_depth"),
        ("/v1/authors/A1/path-to/A2", {"format": "csv"}, "query.format"),
        ("/v1/authors/A0/path-to/A2", {}, "path.author_id"),
        ("/v1/graph/expand", {"node": "A1", "limit": 501}, "query.limit"),
        ("/v1/graph/expand", {"node": "A1", "types": "paper"}, "query.types"),
        ("/v1/graph/expand", {"node": "A01"}, "query.node"),
        ("/v1/graph/expand", {"node": "A1", "exclude": "A1,B2"}, "query.exclude"),
        ("/v1/authors/A1/path-to/T2", {}, "path.other_id"),
    ],
)
def test_bad_parameters_are_422_problems_naming_the_field(
    client: TestClient, url: str, params: dict[str, Any], field: str
) -> None:
    response = client.get(url, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


def test_too_many_excluded_ids_is_a_400_problem(
    client: TestClient, small_world: dict[str, Any]
) -> None:
    exclude = ",".join(f"A{i}" for i in range(1, 502))
    response = client.get(
        "/v1/graph/expand", params={"node": f"A{small_world['ada'].id}", "exclude": exclude}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "query.exclude"
    unknown = client.get("/v1/authors/A999999999/graph")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


def test_merged_author_redirects_to_the_survivors_graph(
    client: TestClient, small_world: dict[str, Any], session: Session
) -> None:
    ada = small_world["ada"]
    old = f.author(session, "A. Lovelace", merged_into_id=ada.id)
    session.commit()
    graph = client.get(f"/v1/authors/A{old.id}/graph", params={"depth": 2}, follow_redirects=False)
    assert graph.status_code == 301
    assert graph.headers["location"] == f"/v1/authors/A{ada.id}/graph?depth=2"
    path = client.get(
        f"/v1/authors/A{small_world['bob'].id}/path-to/A{old.id}", follow_redirects=False
    )
    assert path.status_code == 301
    assert path.headers["location"] == f"/v1/authors/A{small_world['bob'].id}/path-to/A{ada.id}"
    expand = client.get(
        "/v1/graph/expand", params={"node": f"A{old.id}", "limit": 5}, follow_redirects=False
    )
    assert expand.status_code == 301
    assert expand.headers["location"] == f"/v1/graph/expand?node=A{ada.id}&limit=5"
    assert client.get(f"/v1/authors/A{old.id}/graph").json()["meta"]["centre"] == f"A{ada.id}"


# --- pure cores ------------------------------------------------------------------------------


def test_allocate_shares_the_budget_and_passes_on_what_a_kind_cannot_use() -> None:
    assert allocate(50, {A: 200, W: 80, T: 3, INST: 1}) == {A: 23, W: 23, T: 3, INST: 1}
    assert allocate(5, {A: 9, W: 9, T: 9, INST: 9}) == {A: 2, W: 1, T: 1, INST: 1}
    assert allocate(10, {A: 2, W: 0}) == {A: 2, W: 0}
    assert allocate(0, {A: 5}) == {A: 0}


def test_rank_candidates_prefers_support_then_parent_then_local_rank() -> None:
    p1, p2 = (A, 1), (A, 2)
    links = [
        Link(p1, 0, (A, 10), 0),
        Link(p1, 0, (A, 11), 1),
        Link(p2, 1, (A, 12), 0),
        Link(p2, 1, (A, 11), 3),
        Link(p2, 1, (W, 5), 0),
    ]
    pools = rank_candidates(links)
    assert [c.node for c in pools[A]] == [(A, 11), (A, 10), (A, 12)]
    assert pools[A][0].parent == p1
    assert pools[A][0].support == 2
    assert [c.node for c in pools[W]] == [(W, 5)]


def test_cap_edges_keeps_tree_edges_first() -> None:
    centre = (A, 1)
    edges = [
        EdgeRank("coauthored", (A, 2), (A, 3), 9.0, tree=False, ring=1),
        EdgeRank("has_topic", centre, (T, 4), 1.0, tree=True, ring=1),
        EdgeRank("coauthored", centre, (A, 2), 0.1, tree=True, ring=1),
        EdgeRank("authored", (A, 3), (W, 5), 1.0, tree=True, ring=2),
    ]
    kept, omitted = cap_edges(edges, 3)
    assert [(e.source, e.target) for e in kept] == [
        (centre, (A, 2)),
        (centre, (T, 4)),
        ((A, 3), (W, 5)),
    ]
    assert omitted == 1


def _search(
    graph: dict[int, list[int]], a: int, b: int, depth: int, caps: PathCaps | None = None
) -> tuple[list[int] | None, bool]:
    def edges(ids: Any) -> list[tuple[int, int]]:
        return sorted((u, v) for u in ids for v in graph.get(u, []))

    def degrees(ids: Any) -> dict[int, int]:
        return {u: len(graph.get(u, [])) for u in ids}

    result = shortest_path(a, b, depth, edges, degrees, caps)
    return result.path, result.bounded


def test_shortest_path_bidirectional_search() -> None:
    pairs = [(1, 2), (2, 3), (3, 4), (4, 5), (1, 6), (6, 5), (7, 8)]
    graph: dict[int, list[int]] = {}
    for u, v in pairs:
        graph.setdefault(u, []).append(v)
        graph.setdefault(v, []).append(u)
    assert _search(graph, 1, 5, 4) == ([1, 6, 5], False)
    assert _search(graph, 2, 4, 4) == ([2, 3, 4], False)
    assert _search(graph, 1, 1, 4) == ([1], False)
    assert _search(graph, 2, 5, 1) == (None, False)
    assert _search(graph, 1, 7, 6) == (None, False)
    # Two equally short chains: the one through lower ids.
    square = {1: [2, 3], 2: [1, 4], 3: [1, 4], 4: [2, 3]}
    assert _search(square, 1, 4, 4) == ([1, 2, 4], False)
    # The only chain 1-2-4-3 runs through two hubs; a level cap that skips them says the
    # search was bounded rather than that no path exists.
    hubs: dict[int, list[int]] = {1: [2], 2: [1, 4, *range(10, 30)], 4: [2, 3, *range(30, 50)]}
    hubs[3] = [4]
    capped = PathCaps(max_level_edges=5, max_frontier=100)
    assert _search(hubs, 1, 3, 4, capped) == (None, True)
    assert _search(hubs, 1, 3, 4) == ([1, 2, 4, 3], False)
