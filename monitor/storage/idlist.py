"""A condition "column is one of these ids" for any number of ids, as one bound parameter.

``column.in_(ids)`` binds one parameter per id: SQLAlchemy spends longer expanding 20,000 of
them than the database spends answering, and SQLite caps their number. SQLite reads the ids
from one JSON array (``json_each``), PostgreSQL from one array parameter (``= ANY``).
Where a statement must bind each id (updates by id list, ``IN`` over keys), ``chunks`` keeps
their number under SQLite's cap.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ARRAY, BigInteger, ColumnElement, Text, any_, bindparam, func, select

T = TypeVar("T")


def id_in(column: Any, ids: Collection[int], dialect: str) -> ColumnElement[bool]:
    values = sorted(set(ids))
    if dialect == "sqlite":
        listed = func.json_each(json.dumps(values)).table_valued("value")
        return column.in_(select(listed.c.value))
    if dialect == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(BigInteger)))
    return column.in_(values)


def text_in(column: Any, values: Collection[str], dialect: str) -> ColumnElement[bool]:
    """``id_in`` for strings: the column is one of ``values``, bound as one parameter."""
    listed_values = sorted(set(values))
    if dialect == "sqlite":
        listed = func.json_each(json.dumps(listed_values)).table_valued("value")
        return column.in_(select(listed.c.value))
    if dialect == "postgresql":
        return column == any_(bindparam(None, listed_values, type_=ARRAY(Text)))
    return column.in_(listed_values)


def chunks(items: Sequence[T], size: int = 900) -> Iterable[list[T]]:
    """``items`` in lists of at most ``size``, for statements that bind one parameter each."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
