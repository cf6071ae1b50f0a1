"""The Algolia Hacker News Search API (``hn.algolia.com/api/v1``) for the local board server.

Two endpoints, in the real shapes:

- ``/api/v1/search_by_date``: stories newest first, filtered by ``tags`` (comma = AND,
  ``(a,b)`` = OR) and ``numericFilters`` (``created_at_i>T``, comma = AND), paged by ``page``
  (from 0) and ``hitsPerPage`` (20 by default, at most 1000, and no hit past the 1000th, as
  Algolia's pagination limit); a bad filter answers 400 ``{"message", "status"}``.
- ``/api/v1/items/{id}``: a story with its comment tree in ``children``; an unknown id answers
  404 ``{"error": "Not Found", "status": 404}``.

Data: ``server.boards["hn"][story_id]`` is the story in the items shape; ``set_hn`` stores one.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from monitor.demo.server import BoardServer, Reply, Request

MAX_HITS_PER_PAGE = 1000
PAGINATION_LIMIT = 1000
_NUMERIC = re.compile(r"^\s*(created_at_i|points|num_comments)\s*(<=|>=|!=|<|>|=)\s*(-?\d+)\s*$")
_THREAD_TEXT = (
    "Please state the location and include REMOTE for remote work, REMOTE (US) or similar if "
    "the country is restricted, and ONSITE when remote work is <i>not</i> an option.<p>Please "
    "only post if you personally are part of the hiring company&#x27;s team."
)


def install(server: BoardServer) -> None:
    server.boards.setdefault("hn", {})
    server.add_route(r"/api/v1/search_by_date", lambda r, m: _search(server, r))
    server.add_route(r"/api/v1/items/(?P<id>[^/]+)", lambda r, m: _item(server, m["id"]))


def set_hn(
    server: BoardServer,
    thread_id: int,
    comments: Sequence[dict[str, Any]],
    *,
    month: str,
    created_at: str | None = None,
    title: str | None = None,
) -> None:
    """Serve a "Who is hiring?" story for ``month`` ("2026-09") with these top-level comments."""
    story = hn_thread(thread_id, month, comments, created_at=created_at, title=title)
    server.boards.setdefault("hn", {})[str(thread_id)] = story


# -- builders ----------------------------------------------------------------------------


def _times(created_at: str) -> tuple[str, int]:
    """Items carry milliseconds ("...T15:01:54.000Z"); ``created_at_i`` is epoch seconds."""
    when = datetime.fromisoformat(created_at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z"), int(when.timestamp())


def hn_comment(
    id: int,
    text: str,
    *,
    created_at: str,
    author: str = "founder",
    replies: Sequence[dict[str, Any]] = (),
    parent_id: int | None = None,
    story_id: int | None = None,
) -> dict[str, Any]:
    """One comment of an items response; ``text`` is HTML as HN stores it (bare ``<p>``,
    ``&#x2F;`` for slashes). Parent and story ids are filled in by ``hn_thread``."""
    stamp, seconds = _times(created_at)
    return {
        "author": author,
        "children": [dict(r) for r in replies],
        "created_at": stamp,
        "created_at_i": seconds,
        "id": id,
        "options": [],
        "parent_id": parent_id,
        "points": None,
        "story_id": story_id,
        "text": text,
        "title": None,
        "type": "comment",
        "url": None,
    }


def hn_deleted_comment(id: int, *, created_at: str) -> dict[str, Any]:
    """A deleted comment: it stays in the tree without author or text."""
    comment = hn_comment(id, "", created_at=created_at)
    comment.update(author=None, text=None)
    return comment


def hn_text(first_line: str, *paragraphs: str) -> str:
    """Comment HTML the way HN writes it: paragraphs joined by bare ``<p>``, "/" and "'" as
    entities in text and attribute values (the caller escapes ``&`` and ``<`` in text)."""
    joined = "<p>".join((first_line, *paragraphs))
    out = []
    for piece in re.split(r"(<[^>]+>)", joined):
        if piece.startswith("<"):
            out.append(re.sub(r'"[^"]*"', lambda m: _hn_escape(m.group(0)), piece))
        else:
            out.append(_hn_escape(piece))
    return "".join(out)


def _hn_escape(text: str) -> str:
    return text.replace("/", "&#x2F;").replace("'", "&#x27;")


def hn_thread(
    id: int,
    month: str,
    comments: Sequence[dict[str, Any]],
    *,
    created_at: str | None = None,
    title: str | None = None,
    author: str = "whoishiring",
) -> dict[str, Any]:
    """A story in the items shape; by default "Ask HN: Who is hiring? (<Month> <Year>)" posted
    at 15:00 UTC on the first of ``month``."""
    year, number = (int(part) for part in month.split("-"))
    title = title or f"Ask HN: Who is hiring? ({calendar.month_name[number]} {year})"
    stamp, seconds = _times(created_at or f"{year:04d}-{number:02d}-01T15:00:00+00:00")
    children = []
    for comment in comments:
        child = dict(comment)
        child["parent_id"] = id
        child["story_id"] = id
        child["children"] = [_in_story(reply, child["id"], id) for reply in child["children"]]
        children.append(child)
    return {
        "author": author,
        "children": children,
        "created_at": stamp,
        "created_at_i": seconds,
        "id": id,
        "options": [],
        "parent_id": None,
        "points": 412,
        "story_id": id,
        "text": _THREAD_TEXT,
        "title": title,
        "type": "story",
        "url": None,
    }


def _in_story(comment: dict[str, Any], parent: int, story: int) -> dict[str, Any]:
    child = dict(comment, parent_id=parent, story_id=story)
    child["children"] = [_in_story(r, child["id"], story) for r in child.get("children", [])]
    return child


def _count(children: list[dict[str, Any]]) -> int:
    return sum(1 + _count(c.get("children", [])) for c in children)


def _hit(story: dict[str, Any]) -> dict[str, Any]:
    """A story as a search hit: seconds without milliseconds, ids of the direct children."""
    story_id = story["id"]
    author = story["author"]
    return {
        "_highlightResult": {
            "author": {"matchLevel": "none", "matchedWords": [], "value": author},
            "title": {"matchLevel": "none", "matchedWords": [], "value": story["title"]},
        },
        "_tags": ["story", f"author_{author}", f"story_{story_id}", "ask_hn"],
        "author": author,
        "children": [c["id"] for c in story["children"]],
        "created_at": story["created_at"].replace(".000Z", "Z"),
        "created_at_i": story["created_at_i"],
        "num_comments": _count(story["children"]),
        "objectID": str(story_id),
        "points": story["points"],
        "story_id": story_id,
        "story_text": story["text"],
        "title": story["title"],
        "updated_at": story["created_at"].replace(".000Z", "Z"),
    }


# -- handlers ----------------------------------------------------------------------------


def _bad_request(message: str) -> Reply:
    return Reply.json({"message": message, "status": 400}, 400)


def _tag_groups(tags: str) -> list[set[str]]:
    """``story,(author_a,author_b)`` -> [{"story"}, {"author_a", "author_b"}]."""
    groups: list[set[str]] = []
    for group in re.findall(r"\([^)]*\)|[^,()]+", tags):
        names = {t.strip() for t in group.strip("()").split(",") if t.strip()}
        if names:
            groups.append(names)
    return groups


def _numeric(filters: str) -> list[tuple[str, str, int]] | None:
    out = []
    for part in filters.split(","):
        match = _NUMERIC.match(part)
        if match is None:
            return None
        out.append((match[1], match[2], int(match[3])))
    return out


def _passes(value: int, op: str, bound: int) -> bool:
    return {
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
        "=": value == bound,
        "!=": value != bound,
    }[op]


def _search(server: BoardServer, request: Request) -> Reply:
    query = request.query
    try:
        page = int(query.get("page", "0"))
        per_page = min(int(query.get("hitsPerPage", "20")), MAX_HITS_PER_PAGE)
    except ValueError:
        return _bad_request("Invalid value for page or hitsPerPage")
    if page < 0 or per_page < 1:
        return _bad_request("Invalid value for page or hitsPerPage")
    numeric = _numeric(query["numericFilters"]) if query.get("numericFilters") else []
    if numeric is None:
        return _bad_request(f"invalid numeric filter: {query['numericFilters']}")
    groups = _tag_groups(query.get("tags", ""))
    hits = [_hit(story) for story in server.boards.get("hn", {}).values()]
    hits = [
        hit
        for hit in hits
        if all(group & set(hit["_tags"]) for group in groups)
        and all(_passes(hit[name], op, bound) for name, op, bound in numeric)
    ]
    hits.sort(key=lambda hit: hit["created_at_i"], reverse=True)
    reachable = hits[:PAGINATION_LIMIT]
    pages = math.ceil(len(reachable) / per_page)
    shown = reachable[page * per_page : (page + 1) * per_page]
    return Reply.json(
        {
            "exhaustive": {"nbHits": True, "typo": True},
            "exhaustiveNbHits": True,
            "exhaustiveTypo": True,
            "hits": shown,
            "hitsPerPage": per_page,
            "nbHits": len(hits),
            "nbPages": pages,
            "page": page,
            "params": request.target.partition("?")[2] + "&advancedSyntax=true",
            "processingTimeMS": 1,
            "query": query.get("query", ""),
            "serverTimeMS": 2,
        }
    )


def _item(server: BoardServer, item_id: str) -> Reply:
    story = server.boards.get("hn", {}).get(item_id)
    if story is None:
        return Reply.json({"error": "Not Found", "status": 404}, 404)
    return Reply.json(story)
