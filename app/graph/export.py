"""A graph response as GraphML or GEXF, for NetworkX, Gephi, yEd and igraph users.

Pure: takes the same `Elements` the JSON answer carries and writes XML with lxml. One
attribute key per field name, typed from the pydantic schemas (a field has one type on every
node kind that has it); absent values are left out rather than written empty. No timestamps
go into the file, so the same graph is the same bytes. Edges of an expansion that end on a
node the client holds (`exclude`) are not written: a file has only its own nodes.

GEXF is written as version 1.2 (the `1.2draft` namespace), which Gephi and NetworkX both
read; edges are directed (`authored`, `has_topic` and `affiliated_with` have a direction;
`coauthored` is symmetric and written once, from the lower id).
"""

from __future__ import annotations

import re
import types
from typing import Any, Literal, Union, get_args, get_origin

from lxml import etree
from pydantic import BaseModel

from app.graph.schemas import (
    AffiliatedWithEdge,
    AuthoredEdge,
    AuthorNode,
    CoauthoredEdge,
    EdgeElement,
    Elements,
    HasTopicEdge,
    InstitutionNode,
    TopicNode,
    WorkNode,
)

GRAPHML_MEDIA_TYPE = "application/graphml+xml"
GEXF_MEDIA_TYPE = "application/gexf+xml"

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

NODE_MODELS: tuple[type[BaseModel], ...] = (AuthorNode, WorkNode, TopicNode, InstitutionNode)
EDGE_MODELS: tuple[type[BaseModel], ...] = (
    AuthoredEdge,
    CoauthoredEdge,
    HasTopicEdge,
    AffiliatedWithEdge,
)
# Carried by the XML elements themselves, not as attribute data.
NODE_BUILTIN = {"id"}
EDGE_BUILTIN = {"id", "source", "target"}

ValueType = Literal["string", "long", "double", "boolean"]

# XML 1.0 forbids most control characters; titles occasionally carry them.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _value_type(annotation: Any) -> ValueType:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        kinds = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _value_type(kinds[0])
    if annotation is bool:
        return "boolean"
    if annotation is int:
        return "long"
    if annotation is float:
        return "double"
    return "string"


def attribute_types(models: tuple[type[BaseModel], ...], builtin: set[str]) -> dict[str, ValueType]:
    """Field name -> value type over all the models, in first-seen order."""
    found: dict[str, ValueType] = {}
    for model in models:
        for name, info in model.model_fields.items():
            if name in builtin:
                continue
            kind = _value_type(info.annotation)
            if found.setdefault(name, kind) != kind:
                raise TypeError(f"graph attribute {name!r} has two types: {found[name]}, {kind}")
    return found


NODE_ATTRIBUTES = attribute_types(NODE_MODELS, NODE_BUILTIN)
EDGE_ATTRIBUTES = attribute_types(EDGE_MODELS, EDGE_BUILTIN)


def _nsmap(default: str) -> Any:
    # lxml takes None as the key of the default namespace; its stubs only allow str keys.
    return {None: default, "xsi": XSI_NS}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _XML_INVALID.sub("", str(value))


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def to_graphml(elements: Elements, *, description: str) -> bytes:
    root = etree.Element(
        f"{{{GRAPHML_NS}}}graphml",
        nsmap=_nsmap(GRAPHML_NS),
    )
    root.set(
        f"{{{XSI_NS}}}schemaLocation",
        f"{GRAPHML_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
    )
    desc = etree.SubElement(root, f"{{{GRAPHML_NS}}}desc")
    desc.text = _text(description)
    for scope, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        for name, kind in attributes.items():
            etree.SubElement(
                root,
                f"{{{GRAPHML_NS}}}key",
                {"id": f"{scope[0]}_{name}", "for": scope, "attr.name": name, "attr.type": kind},
            )
    graph = etree.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "G", "edgedefault": "directed"})
    for node in elements.nodes:
        values = node.data.model_dump(exclude_none=True)
        element = etree.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": values.pop("id")})
        for name in NODE_ATTRIBUTES:
            if name in values:
                data = etree.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": f"n_{name}"})
                data.text = _text(values[name])
    for edge in _standalone_edges(elements):
        values = edge.data.model_dump(exclude_none=True)
        element = etree.SubElement(
            graph,
            f"{{{GRAPHML_NS}}}edge",
            {"id": values["id"], "source": values["source"], "target": values["target"]},
        )
        for name in EDGE_ATTRIBUTES:
            if name in values:
                data = etree.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": f"e_{name}"})
                data.text = _text(values[name])
    return _serialise(root)


def to_gexf(elements: Elements, *, description: str) -> bytes:
    root = etree.Element(f"{{{GEXF_NS}}}gexf", nsmap=_nsmap(GEXF_NS))
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{GEXF_NS} http://www.gexf.net/1.2draft/gexf.xsd")
    root.set("version", "1.2")
    meta = etree.SubElement(root, f"{{{GEXF_NS}}}meta")
    etree.SubElement(meta, f"{{{GEXF_NS}}}creator").text = "bzpeer"
    etree.SubElement(meta, f"{{{GEXF_NS}}}description").text = _text(description)
    graph = etree.SubElement(
        root, f"{{{GEXF_NS}}}graph", {"mode": "static", "defaultedgetype": "directed"}
    )
    # `label` and `weight` are GEXF's own node and edge attributes.
    node_attributes = {k: v for k, v in NODE_ATTRIBUTES.items() if k != "label"}
    edge_attributes = {k: v for k, v in EDGE_ATTRIBUTES.items() if k != "weight"}
    for scope, attributes in (("node", node_attributes), ("edge", edge_attributes)):
        declared = etree.SubElement(
            graph, f"{{{GEXF_NS}}}attributes", {"class": scope, "mode": "static"}
        )
        for name, kind in attributes.items():
            etree.SubElement(
                declared, f"{{{GEXF_NS}}}attribute", {"id": name, "title": name, "type": kind}
            )
    nodes = etree.SubElement(graph, f"{{{GEXF_NS}}}nodes")
    for node in elements.nodes:
        values = node.data.model_dump(exclude_none=True)
        element = etree.SubElement(
            nodes, f"{{{GEXF_NS}}}node", {"id": values["id"], "label": _text(values["label"])}
        )
        _attvalues(element, values, node_attributes)
    edges = etree.SubElement(graph, f"{{{GEXF_NS}}}edges")
    for edge in _standalone_edges(elements):
        values = edge.data.model_dump(exclude_none=True)
        element = etree.SubElement(
            edges,
            f"{{{GEXF_NS}}}edge",
            {
                "id": values["id"],
                "source": values["source"],
                "target": values["target"],
                "weight": _text(float(values["weight"])),
            },
        )
        _attvalues(element, values, edge_attributes)
    return _serialise(root)


def _standalone_edges(elements: Elements) -> list[EdgeElement]:
    """A file stands alone: an expansion's edges to nodes the client already holds
    (`exclude`) would point at nodes the file does not have, which Gephi and NetworkX
    either reject or invent without attributes."""
    ids = {node.data.id for node in elements.nodes}
    return [e for e in elements.edges if e.data.source in ids and e.data.target in ids]


def _attvalues(element: etree._Element, values: dict[str, Any], names: dict[str, Any]) -> None:
    present = [name for name in names if name in values]
    if not present:
        return
    container = etree.SubElement(element, f"{{{GEXF_NS}}}attvalues")
    for name in present:
        etree.SubElement(
            container, f"{{{GEXF_NS}}}attvalue", {"for": name, "value": _text(values[name])}
        )
