"""schema.org items in HTML microdata (``itemscope``/``itemprop``), read as JSON-LD would be.

Some career sites mark a JobPosting up in microdata rather than JSON-LD (SAP SuccessFactors,
which many large Korean employers use). ``microdata_jobs`` turns each ``JobPosting`` item of a
parsed page into the dict a JSON-LD block would have given, so the ``jsonld`` kind reads both
with one set of rules. A property's value is, as the microdata spec says, an item when the
element has ``itemscope``, else ``content``, the URL of ``href``/``src``, ``datetime``, or the
element's text; ``description`` keeps its inner HTML.
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

_URL_ATTRIBUTE = {"a": "href", "link": "href", "area": "href", "img": "src", "source": "src"}
_HTML_PROPERTIES = frozenset({"description"})


def _type_name(node: LexborNode) -> str:
    return re.split(r"[/:#]", (node.attributes.get("itemtype") or "").strip())[-1]


def _is_item(node: LexborNode) -> bool:
    return "itemscope" in node.attributes


def _owner(node: LexborNode, root: LexborNode) -> LexborNode | None:
    """The nearest item around ``node`` (not ``node`` itself)."""
    parent = node.parent
    while parent is not None:
        if _is_item(parent):
            return parent
        if parent.mem_id == root.mem_id:
            return None
        parent = parent.parent
    return None


def _value(node: LexborNode, name: str) -> Any:
    if _is_item(node):
        return item_of(node)
    attributes = node.attributes
    if attributes.get("content") is not None:
        return attributes["content"]
    attribute = _URL_ATTRIBUTE.get(node.tag or "")
    if attribute and attributes.get(attribute):
        return attributes[attribute]
    if node.tag == "time" and attributes.get("datetime"):
        return attributes["datetime"]
    if name in _HTML_PROPERTIES:
        return node.inner_html or ""
    return node.text(deep=True) or ""


def item_of(root: LexborNode) -> dict[str, Any]:
    """One microdata item as a JSON-LD-like dict (``@type`` and its properties)."""
    item: dict[str, Any] = {"@type": _type_name(root)}
    for node in root.css("[itemprop]"):
        if node.mem_id == root.mem_id:
            continue
        owner = _owner(node, root)
        if owner is None or owner.mem_id != root.mem_id:
            continue
        for name in (node.attributes.get("itemprop") or "").split():
            value = _value(node, name)
            if name in item:
                previous = item[name]
                item[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                item[name] = value
    return item


def microdata_jobs(tree: LexborHTMLParser) -> list[dict[str, Any]]:
    """Every top-level JobPosting item of the page, in document order."""
    return [
        item_of(node)
        for node in tree.css("[itemscope][itemtype]")
        if _type_name(node) == "JobPosting"
    ]
