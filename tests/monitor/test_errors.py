"""Every exception jobtrend defines lives in monitor/errors.py and is drawn in its tree."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import click
import pytest

import monitor
import monitor.errors
import reports
import scrapers


def _modules() -> list[str]:
    names = []
    for package in (monitor, scrapers, reports):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations." not in info.name:
                names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_no_exception_class_outside_errors(name: str) -> None:
    module = importlib.import_module(name)
    own = [
        cls.__name__
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException)
        and cls.__module__ == name
        # The CLI turns jobtrend's errors into click's at its edge.
        and not issubclass(cls, click.ClickException)
    ]
    if name != "monitor.errors":
        assert own == [], f"{name} defines {own}: they belong in monitor/errors.py"


def test_the_tree_names_every_error() -> None:
    doc = monitor.errors.__doc__ or ""
    for _, cls in inspect.getmembers(monitor.errors, inspect.isclass):
        if issubclass(cls, BaseException) and cls.__module__ == "monitor.errors":
            assert f" {cls.__name__} " in doc, f"{cls.__name__} is missing from the tree"
