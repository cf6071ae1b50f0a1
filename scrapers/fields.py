"""Reading the fields of a payload: the rules every source kind shares.

A source module knows its site's format: which field holds the title, which the date. What is
done with a field once found is the same for every kind and is defined here, once:

- ``text_of``: a string field without its surrounding white space, or None when it is absent,
  not a string, or blank; ``join_texts`` joins the texts among several fields with ", ".
  ``as_list`` and ``as_object``: a field that should be a list or an object, else an empty one.
"""

from __future__ import annotations

from typing import Any

# -- text -----------------------------------------------------------------------------------


def text_of(value: Any) -> str | None:
    """A string field without its surrounding white space; None if absent, not text or blank."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def join_texts(*parts: Any) -> str | None:
    """The texts among ``parts`` joined with ", " ("Seoul, KR"); None when there are none."""
    return ", ".join(text for part in parts if (text := text_of(part))) or None


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def as_object(value: Any) -> dict[str, Any]:
    """``value`` if it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}
