"""Response shapes for coauthor edges and for graph slices, expansions and paths.

A slice is the JSON that Cytoscape.js loads as is (`cy.add(body.elements)`): every node and
edge is `{"data": {...}}`, with `id`, `source` and `target` where Cytoscape expects them.
Node ids are the public ids ("A12", "W3", "T5", "I7"), so an id says what the node is.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.authors.schemas import AuthorRef

NodeType = Literal["author", "work", "topic", "institution"]
EdgeType = Literal["authored", "coauthored", "has_topic", "affiliated_with"]
ExportFormat = Literal["json", "graphml", "gexf"]

NODE_ID_PATTERN = r"^[AWTI][1-9][0-9]{0,17}$"


class CoauthorEdgeOut(BaseModel):
    source: AuthorRef
    target: AuthorRef
    shared_works: int
    first_year: int | None
    last_year: int | None
    strength: float = Field(description="Sum over shared works of 1/(authors on the work - 1).")
    close: bool = Field(description="Meets the close-collaborator rule (see docs/api.md).")


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=NODE_ID_PATTERN, examples=["A42"])
    label: str
    ring: int = Field(
        ge=0,
        description="Hops from the centre when the node was added (0 is the centre); on a "
        "path, the position along it.",
    )


class AuthorNode(_Node):
    type: Literal["author"] = "author"
    works_count: int
    coauthors_count: int
    trust_score: int = Field(ge=0, le=100)
    trust_tier: str | None
    verification_level: int = Field(ge=0, le=3)
    first_year: int | None
    last_year: int | None
    is_collaboration: bool


class WorkNode(_Node):
    type: Literal["work"] = "work"
    year: int | None
    work_type: str = Field(description="Publication type: preprint, article, ...")
    arxiv_id: str
    authors_count: int
    primary_category: str | None


class TopicNode(_Node):
    type: Literal["topic"] = "topic"
    code: str = Field(examples=["cs.CL"])
    level: str = Field(description="group, archive or category.")
    works_count: int
    authors_count: int


class InstitutionNode(_Node):
    type: Literal["institution"] = "institution"
    country: str | None
    works_count: int
    authors_count: int


NodeData = Annotated[
    AuthorNode | WorkNode | TopicNode | InstitutionNode, Field(discriminator="type")
]


class _Edge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(examples=["authored:A42-W7"])
    source: str = Field(pattern=NODE_ID_PATTERN)
    target: str = Field(pattern=NODE_ID_PATTERN)
    weight: float = Field(
        description="One number per edge for renderers: strength for coauthored, works "
        "count for topic and affiliation links of authors, 1 otherwise."
    )


class AuthoredEdge(_Edge):
    """Author -> work."""

    type: Literal["authored"] = "authored"
    position: int = Field(ge=1, description="The author's place in the work's author list.")


class CoauthoredEdge(_Edge):
    """Author -- author (symmetric; source is the lower id)."""

    type: Literal["coauthored"] = "coauthored"
    shared_works: int
    first_year: int | None
    last_year: int | None
    strength: float = Field(description="Sum over shared works of 1/(authors on the work - 1).")
    close: bool


class HasTopicEdge(_Edge):
    """Work -> topic (with `is_primary`) or author -> topic (with `works_count`)."""

    type: Literal["has_topic"] = "has_topic"
    is_primary: bool | None = None
    works_count: int | None = None


class AffiliatedWithEdge(_Edge):
    """Author -> institution (with works count and years) or work -> institution."""

    type: Literal["affiliated_with"] = "affiliated_with"
    works_count: int | None = None
    start_year: int | None = None
    end_year: int | None = None


EdgeData = Annotated[
    AuthoredEdge | CoauthoredEdge | HasTopicEdge | AffiliatedWithEdge,
    Field(discriminator="type"),
]


class NodeElement(BaseModel):
    data: NodeData


class EdgeElement(BaseModel):
    data: EdgeData


class Elements(BaseModel):
    nodes: list[NodeElement]
    edges: list[EdgeElement]


class RingCut(BaseModel):
    """How many neighbours of one type a ring could have shown, and how many it did."""

    ring: int = Field(ge=1, le=2)
    type: NodeType
    shown: int
    available: int = Field(
        description="Neighbours of this type, not counting excluded ones (see `exact`)."
    )
    exact: bool = Field(
        description="False when `available` is a lower bound: a per-node fan-out cap "
        "stopped the search early, or excluded ids may or may not have been neighbours."
    )


class GraphCaps(BaseModel):
    max_limit: int
    ring2_fanout: int = Field(description="Neighbours read per ring-1 node and type at depth 2.")
    max_edges: int = Field(description="Edges returned at most for this request's limit.")


class GraphMeta(BaseModel):
    centre: str
    depth: int
    limit: int
    types: list[NodeType]
    nodes: int
    edges: int
    truncated: bool = Field(
        description="True when some neighbour or edge was left out by `limit` or a cap; "
        "`rings` and `edges_omitted` say what."
    )
    rings: list[RingCut]
    edges_omitted: int
    excluded: int = Field(description="Nodes named in `exclude` (expand only).")
    caps: GraphCaps


class GraphResponse(BaseModel):
    elements: Elements
    meta: GraphMeta


class PathMeta(BaseModel):
    source: str
    target: str
    length: int = Field(description="Coauthor steps on the path.")
    path: list[str]
    max_depth: int
    explored: int = Field(description="Authors reached by the search.")
    bounded: bool = Field(
        description="True when a frontier or per-level cap cut the search short: a shorter "
        "path through the skipped authors cannot be ruled out."
    )


class PathResponse(BaseModel):
    elements: Elements
    meta: PathMeta
