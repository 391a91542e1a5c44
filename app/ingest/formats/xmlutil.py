"""Safe, streaming, namespace-agnostic XML reading for the OAI-PMH and Atom parsers.

Both parsers walk `iterparse` events so that a truncated or corrupt response still
yields every record that was complete before the damage, and so that a multi-megabyte
harvest file is never held whole in memory. Elements are matched by local name only:
arXiv's responses are namespaced, but hand-made or re-serialised variants (the
"no-namespace" test file) are not, and both must parse.

Parsing is hardened against hostile input: no DTD loading, no entity expansion, no
network access.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from app.ingest.formats.common import BinaryReader

__all__ = [
    "children",
    "first_child",
    "iter_xml",
    "localname",
    "text_of",
]


_EVENTS: Final = ("start", "end")


def iter_xml(source: BinaryReader) -> Iterator[tuple[str, Any]]:
    """(event, element) pairs, "start"/"end", with a parser that never fetches or expands
    anything. Raises `lxml.etree.XMLSyntaxError` (a `SyntaxError`) at the first
    malformation, after all events before it."""
    context = etree.iterparse(
        source,
        events=_EVENTS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )
    for event, element in context:
        yield str(event), element


def localname(el: Any) -> str:
    """`{http://www.openarchives.org/OAI/2.0/}record` and `record` -> `record`; "" for
    nodes that are not elements."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def text_of(el: Any | None) -> str:
    """All text inside `el` (entities left unexpanded contribute nothing), or "" ."""
    if el is None:
        return ""
    text = "".join(el.itertext())
    if "&" not in text:
        return text
    # `itertext` gives an unexpanded entity as its reference, "&xxe;": hostile documents
    # would put that in titles. Only text holding an "&" can contain one, so only such
    # text pays for the walk in Python.
    parts: list[str] = []
    _collect_text(el, parts)
    return "".join(parts)


def _collect_text(el: Any, parts: list[str]) -> None:
    # Recursion is bounded: without huge_tree libxml2 refuses documents nested deeper
    # than 256 levels.
    if el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            _collect_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def children(el: Any, name: str) -> list[Any]:
    return [c for c in el if localname(c) == name]


def first_child(el: Any, name: str) -> Any | None:
    for c in el:
        if localname(c) == name:
            return c
    return None
