"""Reading the fields of a payload: the rules every source kind shares.

A source module knows its site's format: which field holds the title, which the date. What is
done with a field once found is the same for every kind and is defined here, once:

- ``text_of``: a string field without its surrounding white space, or None when it is absent,
  not a string, or blank; ``join_texts`` joins the texts among several fields with ", ".
  ``as_list`` and ``as_object``: a field that should be a list or an object, else an empty one.
- ``require``, ``require_id``, ``require_text``, ``require_list``: a field the parser cannot
  do without. Missing or unusable, it is a ParseError naming the field and where it was looked
  for ("The Ashby job #3 at URL has an empty field 'title'."), never an empty result.
- ``iso_time`` and ``epoch_time``: timestamps as aware datetimes. A time without an offset is
  read in a stated zone (UTC, or ``KST`` for Korean boards), never in the machine's. An
  unreadable value is logged by the calling module's logger and gives None: a posting without
  a date is still a posting.
- ``element_text``, ``child_text``, ``require_child_text``, ``local_name``: the same for XML.
- ``decode_korean``, ``redact_key``, ``without_key``: the bodies of Korean APIs, which may
  come in EUC-KR, and the API keys they carry in the query string.

Where two sites really differ (ids that may be numbers, a date that may be a bare day), the
difference is a parameter named at the call site, so parallel modules differ only where their
sites do.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any, Literal, overload
from xml.etree.ElementTree import Element

from monitor.errors import FetchError, ParseError

# Korea has had no daylight saving time since 1988: a fixed offset needs no tz database.
KST = timezone(timedelta(hours=9), "KST")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Above this an epoch number is in milliseconds: 1e11 seconds is the year 5138, 1e11 ms is 1973.
MS_THRESHOLD = 100_000_000_000

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


# -- required fields ------------------------------------------------------------------------


def require(obj: Any, key: str, where: str) -> Any:
    """Return ``obj[key]`` or raise ParseError naming the missing field."""
    if not isinstance(obj, dict) or key not in obj:
        raise ParseError(f"The {where} has no field {key!r}; the site's format may have changed.")
    return obj[key]


def require_text(obj: Any, key: str, where: str, *, role: str | None = None) -> str:
    """The text of a field the parser needs (see ``text_of``), else ParseError naming it.

    ``role`` says what the field stands for when its name does not: Lever's ``text`` is the
    title, Arbeitnow's ``slug`` the id ("has an empty field 'text' (its title)").
    """
    text = text_of(require(obj, key, where))
    if text is None:
        said = f" (its {role})" if role else ""
        raise ParseError(f"The {where} has an empty field {key!r}{said}.")
    return text


# Which ids of the right type still count as none: "empty" the empty string; "blank" also one
# of spaces (Ashby, Lever, Workable, Jumpit); "falsy" also the number 0 (SmartRecruiters);
# "nothing" none (Hacker News).
Unusable = Literal["empty", "blank", "falsy", "nothing"]


@overload
def require_id(
    obj: Any, key: str, where: str, *, numbers: Literal[False], reject: Unusable = ...
) -> str: ...
@overload
def require_id(
    obj: Any, key: str, where: str, *, numbers: Literal[True] = ..., reject: Unusable = ...
) -> int | str: ...
def require_id(
    obj: Any, key: str, where: str, *, numbers: bool = True, reject: Unusable = "empty"
) -> int | str:
    """The id field a posting is keyed by, as found (the caller decides how to spell it).

    An id is a string, or with ``numbers`` also an integer (never a boolean); ``reject`` says
    which values of those count as no id. Missing or unusable, it is a ParseError.
    """
    value = require(obj, key, where)
    kinds = (int, str) if numbers else (str,)
    usable = not isinstance(value, bool) and isinstance(value, kinds)
    if usable and reject == "empty":
        usable = str(value) != ""
    elif usable and reject == "blank":
        usable = str(value).strip() != ""
    elif usable and reject == "falsy":
        usable = bool(value)
    if not usable:
        raise ParseError(f"The {where} has an unusable field {key!r} ({value!r}).")
    return value


def require_list(obj: Any, key: str, where: str) -> list[Any]:
    """A field that must hold a list (of jobs, of comments), else ParseError naming it."""
    value = require(obj, key, where)
    if not isinstance(value, list):
        raise ParseError(f"The field {key!r} of the {where} is not a list.")
    return value


# -- times ----------------------------------------------------------------------------------


def iso_time(
    value: Any,
    where: str,
    what: str,
    *,
    log: logging.Logger,
    zone: tzinfo = UTC,
    dates: bool = False,
) -> datetime | None:
    """An ISO 8601 time with its own offset, or in ``zone`` when it has none.

    None when the field is absent, blank or not a string; an unreadable value is logged on
    ``log`` as "WHERE: ignoring the unreadable WHAT 'VALUE'" and gives None too. With
    ``dates``, a value of 10 characters is read as a bare date, at midnight in ``zone``.
    """
    text = text_of(value)
    if text is None:
        return None
    try:
        if dates and len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), zone)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        log.warning("%s: ignoring the unreadable %s %r", where, what, text)
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def epoch_time(
    value: Any,
    where: str,
    what: str,
    *,
    log: logging.Logger,
    unit: Literal["s", "ms", "auto"],
    integers_only: bool = False,
    positive: bool = True,
) -> datetime | None:
    """A Unix time in seconds, milliseconds or either (``auto``: decided by size), in UTC.

    None when absent. A value that is not a number (a boolean is none; with
    ``integers_only`` neither is a float), or with ``positive`` one of 0 or less, is logged
    on ``log`` as unreadable and gives None.
    """
    if value is None:
        return None
    kinds = (int,) if integers_only else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or (positive and value <= 0):
        log.warning("%s: ignoring the unreadable %s %r", where, what, value)
        return None
    if unit == "ms" or (unit == "auto" and value >= MS_THRESHOLD):
        # Integer arithmetic keeps the milliseconds a float division would blur.
        return EPOCH + timedelta(milliseconds=value)
    return datetime.fromtimestamp(value, UTC)


# -- XML ------------------------------------------------------------------------------------


def element_text(node: Element | None) -> str | None:
    """An element's own text without its surrounding white space; None if absent or blank."""
    if node is None or node.text is None or not node.text.strip():
        return None
    return node.text.strip()


def child_text(parent: Element, path: str) -> str | None:
    """The text of the first element at ``path`` under ``parent`` (see ``element_text``)."""
    return element_text(parent.find(path))


def require_child_text(parent: Element, tag: str, where: str) -> str:
    """The text of a child element the parser needs, else ParseError naming it."""
    node = parent.find(tag)
    if node is None:
        raise ParseError(f"The {where} has no field {tag!r}; the site's format may have changed.")
    text = element_text(node)
    if text is None:
        raise ParseError(f"The {where} has an empty field {tag!r}.")
    return text


def local_name(tag: Any) -> str:
    """An element's name without its namespace ("{http://...}entry" -> "entry")."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# -- Korean APIs ----------------------------------------------------------------------------


def decode_korean(body: bytes, url: str, charset: str | None = None) -> str:
    """UTF-8 if the bytes are UTF-8, else the declared charset, else CP949 (EUC-KR's superset)."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for encoding in (charset, "cp949"):
        if not encoding:
            continue
        if encoding.lower().replace("_", "-") in ("euc-kr", "ks-c-5601-1987", "ksc5601"):
            encoding = "cp949"
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise ParseError(f"The response from {url} is neither UTF-8 nor EUC-KR text.")


def redact_key(text: str, param: str) -> str:
    """``text`` with the value of the query parameter ``param`` (an API key) masked."""
    return re.sub(rf"({re.escape(param)}=)[^&\s]*", r"\1***", text)


def without_key(exc: FetchError, param: str) -> FetchError:
    """The same error with the API key in ``param`` masked in its message and URL."""
    return type(exc)(
        redact_key(str(exc), param),
        url=redact_key(exc.url, param) if exc.url else None,
        status=exc.status,
    )
