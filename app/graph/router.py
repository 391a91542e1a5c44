"""HTTP routes for the coauthor graph: edge lists, author slices, expansion, paths."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.authors.service import resolve_author_id
from app.core.deps import SessionDep
from app.core.errors import PROBLEM_RESPONSES
from app.core.ids import AUTHOR_REF_PATTERN, Kind
from app.core.pagination import Page, PageParams, page_params, sort_pattern
from app.core.params import AuthorIdPath
from app.graph import service
from app.graph.export import GEXF_MEDIA_TYPE, GRAPHML_MEDIA_TYPE
from app.graph.schemas import (
    NODE_ID_PATTERN,
    CoauthorEdgeOut,
    Elements,
    ExportFormat,
    GraphResponse,
    PathResponse,
)
from app.graph.slices import DEFAULT_LIMIT, MAX_LIMIT

BodyT = TypeVar("BodyT", GraphResponse, PathResponse)

router = APIRouter(tags=["graph"], responses=PROBLEM_RESPONSES)

_TYPE = "(author|work|topic|institution)"
_NODE = NODE_ID_PATTERN.strip("^$")

TypesQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        pattern=f"^{_TYPE}(,{_TYPE})*$",
        description="Node types to include, comma-separated: author, work, topic, "
        "institution. All by default.",
    ),
]
LimitQuery = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_LIMIT,
        description=f"Nodes at most besides the centre (1-{MAX_LIMIT}).",
    ),
]
FormatQuery = Annotated[
    ExportFormat,
    Query(
        alias="format",
        description="`json` (Cytoscape.js elements), `graphml` or `gexf` (1.2).",
    ),
]

EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The graph: JSON by default, GraphML or GEXF with `format`.",
        "content": {
            GRAPHML_MEDIA_TYPE: {"schema": {"type": "string"}},
            GEXF_MEDIA_TYPE: {"schema": {"type": "string"}},
        },
    }
}
_EXPORT_TYPES = {"graphml": GRAPHML_MEDIA_TYPE, "gexf": GEXF_MEDIA_TYPE}


@router.get(
    "/coauthor-edges", response_model=Page[CoauthorEdgeOut], operation_id="list_coauthor_edges"
)
def list_coauthor_edges(
    session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    author: Annotated[str | None, Query(pattern=AUTHOR_REF_PATTERN)] = None,
    min_shared_works: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    close: bool | None = None,
    sort: Annotated[
        str | None,
        Query(
            pattern=sort_pattern(list(service.EDGE_SORTS)),
            description="strength, shared_works or last_year.",
        ),
    ] = None,
) -> Page[CoauthorEdgeOut]:
    author_id = resolve_author_id(session, author, field="author") if author else None
    return service.list_edges(session, author_id, min_shared_works, close, page, sort)


@router.get(
    "/authors/{author_id}/graph",
    response_model=GraphResponse,
    operation_id="get_author_graph",
    responses=EXPORT_RESPONSES,
)
def author_graph(
    session: SessionDep,
    author_id: AuthorIdPath,
    depth: Annotated[
        int, Query(ge=1, le=2, description="1: the author's neighbours; 2: theirs too.")
    ] = 1,
    limit: LimitQuery = DEFAULT_LIMIT,
    types: TypesQuery = None,
    fmt: FormatQuery = "json",
) -> GraphResponse | Response:
    """A bounded neighbourhood of the author: coauthors, works, topics, institutions."""
    # A merged record answers 301 to the survivor's graph, query kept (app.core.errors).
    row_id = resolve_author_id(session, author_id, field="path.author_id")
    graph = service.author_graph(
        session, row_id, depth=depth, limit=limit, kinds=service.parse_types(types)
    )
    centre = f"A{row_id}"
    return _answer(graph, graph.elements, fmt, f"{centre}-graph", f"bzpeer graph around {centre}")


@router.get(
    "/graph/expand",
    response_model=GraphResponse,
    operation_id="expand_graph",
    responses=EXPORT_RESPONSES,
)
def expand_graph(
    request: Request,
    session: SessionDep,
    node: Annotated[
        str,
        Query(
            pattern=NODE_ID_PATTERN,
            description="The node to grow from: `A12`, `W3`, `T5` or `I7`.",
        ),
    ],
    limit: LimitQuery = DEFAULT_LIMIT,
    types: TypesQuery = None,
    exclude: Annotated[
        str | None,
        Query(
            max_length=12_000,
            pattern=f"^{_NODE}(,{_NODE})*$",
            description=f"Node ids the client already shows (at most {service.MAX_EXCLUDE}): "
            "never returned as nodes, but edges from new nodes to them are.",
        ),
    ] = None,
    fmt: FormatQuery = "json",
) -> GraphResponse | Response:
    """The next ring around any node, for an explorer that grows the graph click by click."""
    kind, row_id = service.parse_node(node, field="query.node")
    if kind is Kind.AUTHOR:
        row_id = service.resolve_author(
            session,
            node,
            field="query.node",
            moved=lambda survivor: _with_query(
                "/v1/graph/expand", request, replace={"node": survivor}
            ),
        )
    graph = service.expand(
        session,
        (kind, row_id),
        limit=limit,
        kinds=service.parse_types(types),
        excluded=service.parse_exclude(exclude),
    )
    return _answer(graph, graph.elements, fmt, f"{node}-expand", f"bzpeer expansion of {node}")


@router.get(
    "/authors/{author_id}/path-to/{other_id}",
    response_model=PathResponse,
    operation_id="get_coauthor_path",
    responses=EXPORT_RESPONSES,
)
def coauthor_path(
    request: Request,
    session: SessionDep,
    author_id: AuthorIdPath,
    other_id: AuthorIdPath,
    max_depth: Annotated[
        int,
        Query(
            ge=1,
            le=service.MAX_PATH_DEPTH,
            description="Most coauthor steps the path may take.",
        ),
    ] = service.DEFAULT_PATH_DEPTH,
    fmt: FormatQuery = "json",
) -> PathResponse | Response:
    """The shortest coauthor chain between two authors; a 404 of type `no-path` when there
    is none within max_depth (`not-found` is kept for an unknown author)."""
    source = resolve_author_id(session, author_id, field="path.author_id")
    # The second id is not where the shared 301 handler looks: this request says where it moves.
    target = service.resolve_author(
        session,
        other_id,
        field="path.other_id",
        moved=lambda s: _with_query(f"/v1/authors/{author_id}/path-to/{s}", request),
    )
    path = service.path_between(session, source, target, max_depth=max_depth)
    name = f"A{source}-A{target}"
    return _answer(path, path.elements, fmt, f"{name}-path", f"bzpeer coauthor path {name}")


def _answer(
    body: BodyT, elements: Elements, fmt: ExportFormat, filename: str, description: str
) -> BodyT | Response:
    if fmt == "json":
        return body
    return Response(
        service.export(elements, fmt, description),
        media_type=_EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )


def _with_query(path: str, request: Request, replace: dict[str, str] | None = None) -> str:
    params = dict(request.query_params)
    params.update(replace or {})
    return f"{path}?{urlencode(params)}" if params else path
