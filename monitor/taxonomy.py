"""The taxonomy: what a tag is, how a ``[tags.X]`` table becomes one, and the built-in tags.

A tag has a ``label``, ``any`` aliases, ``all`` groups (each group is a list of aliases, one of
which must match), ``exclude`` phrases, ``implies`` (other tag keys) and ``company_text``
(whether what the company builds or sells counts, not only the role). How aliases match text
lives in :mod:`monitor.tagging`; this module only checks shapes. The built-in tags are package
data (``monitor/builtin_tags.toml``); a user's ``[tags.X]`` replaces the built-in ``X`` whole.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from monitor.errors import ConfigError

__all__ = ["TagDef", "builtin_tags", "tagdef_from_table"]

_KEY = re.compile(r"[^\W_][\w.-]*")
_ALLOWED = ("label", "any", "all", "exclude", "implies", "company_text")


@dataclass(frozen=True)
class TagDef:
    """One tag: ``any`` aliases, ``all`` groups, ``exclude`` phrases, ``implies`` other tags."""

    key: str
    label: str  # the label where no language is asked for: English, else the first given
    any: tuple[str, ...] = ()
    all: tuple[tuple[str, ...], ...] = ()  # each inner tuple is a group: one alias must match
    exclude: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # (language, label) from `label = { ko = ... }`
    # Whether company text that says what the company builds or sells counts (monitor/parts.py):
    # the domain tags set it ("we build medical devices"); a skill tag counts only the role.
    company_text: bool = False

    def label_in(self, language: str) -> str:
        """The label in ``language`` (ko, en), else the default label."""
        return dict(self.labels).get(language, self.label)


def _strings(table: dict[str, Any], name: str, what: str) -> tuple[str, ...]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name!r} must be a list of strings ({what})", key=name)
    if any(not v.strip() for v in value):
        raise ConfigError(f"{name!r} must not contain empty strings", key=name)
    return tuple(value)


LANGUAGES = ("ko", "en")


def _label(value: Any) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A label string, or a table per language: ``{ ko = "자율주행", en = "Self-driving" }``."""
    if isinstance(value, str) and value.strip():
        return value.strip(), ()
    shape = (
        '\'label\' must be a non-empty string or a table such as { ko = "의료", en = "Medical" }'
    )
    if not isinstance(value, dict) or not value:
        raise ConfigError(shape, key="label")
    labels: list[tuple[str, str]] = []
    for language, text in value.items():
        if language not in LANGUAGES:
            raise ConfigError(
                f"'label' has a language {language!r}; use {' or '.join(LANGUAGES)}", key="label"
            )
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(shape, key="label")
        labels.append((language, text.strip()))
    default = dict(labels).get("en", labels[0][1])
    return default, tuple(labels)


def tagdef_from_table(key: str, table: dict[str, Any]) -> TagDef:
    """Validate one ``[tags.KEY]`` table into a TagDef.

    Raises ConfigError with ``.key`` set to the offending table key (``None`` when the tag as a
    whole is wrong); the config loader puts the file and the table in front.
    """
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ConfigError(
            f"the tag name {key!r} must start with a letter or digit and contain only letters, "
            "digits, '_', '-' and '.'"
        )
    if not isinstance(table, dict):
        raise ConfigError(f"[tags.{key}] must be a table")
    for name in table:
        if name not in _ALLOWED:
            raise ConfigError(
                f"unknown key {name!r} (a tag takes: {', '.join(_ALLOWED)})", key=str(name)
            )
    label, labels = _label(table.get("label", key))
    any_ = _strings(table, "any", 'aliases such as ["LLM", "대규모 언어 모델"]')
    groups_raw = table.get("all", [])
    shape = '\'all\' must be a list of lists of strings, such as [["LLM"], ["intern", "인턴"]]'
    if not isinstance(groups_raw, list):
        raise ConfigError(shape, key="all")
    groups: list[tuple[str, ...]] = []
    for group in groups_raw:
        if not isinstance(group, list) or not all(isinstance(v, str) for v in group):
            raise ConfigError(shape, key="all")
        if not group or any(not v.strip() for v in group):
            raise ConfigError(
                "'all' groups must be non-empty lists of non-empty strings", key="all"
            )
        groups.append(tuple(group))
    exclude = _strings(table, "exclude", "phrases whose alias occurrences do not count")
    company_text = table.get("company_text", False)
    if not isinstance(company_text, bool):
        raise ConfigError("'company_text' must be true or false", key="company_text")
    implies = _strings(table, "implies", "other tag keys")
    if not any_ and not groups:
        raise ConfigError("a tag needs 'any' aliases or 'all' groups (it has neither)")
    return TagDef(
        key=key,
        label=label,
        labels=labels,
        any=any_,
        all=tuple(groups),
        exclude=exclude,
        implies=tuple(t for t in dict.fromkeys(implies) if t != key),
        company_text=company_text,
    )


@functools.cache
def _builtin() -> dict[str, TagDef]:
    text = resources.files("monitor").joinpath("builtin_tags.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    return {key: tagdef_from_table(key, table) for key, table in raw.get("tags", {}).items()}


def builtin_tags() -> dict[str, TagDef]:
    """The built-in tags, key -> TagDef (a fresh dict each call; the file is read once)."""
    return dict(_builtin())
