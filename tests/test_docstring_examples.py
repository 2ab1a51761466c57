"""The runnable examples in the pure modules' docstrings stay true — and are run.

doctest reports success for a module in which it finds no example at all (docstrings
stripped by ``python -OO``, examples moved out of a docstring, a module that lost them),
so passing is not enough: every module here must have run at least one example, and all
together at least MIN_TOTAL. Besides the modules listed, every module of the project's
apps with a ``>>>`` line is run, so a new module's examples cannot be left out.
"""
import doctest
import functools
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PURE_MODULES = ["geodata.names", "geodata.highways", "geodata.datum", "geodata.importers.network", "geodata.importers.areas",
                "geodata.location.compass", "geodata.location.network", "geodata.location.describe",
                "geodata.location.types", "geodata.location.parse", "geodata.location.lru",
                "patrol.domain.workflow", "org.domain.permissions", "org.domain.login",
                "patrol.domain.categories", "patrol.domain.outcomes", "patrol.domain.summary",
                "api.open311.formats", "api.domain.rates",
                "maps.assets", "maps.builders"]
# 126 examples ran when this was written; the bound leaves room to rewrite a few, not to
# lose a module's worth or the runner's finding them.
MIN_TOTAL = 100
_EXAMPLE = re.compile(r"^\s*>>> ", re.MULTILINE)


def _modules_with_examples() -> list[str]:
    """Modules of the project's packages (not tests, not migrations) with a ``>>>`` line."""
    found = []
    for package in sorted(p.parent for p in ROOT.glob("*/__init__.py")):
        if package.name == "tests":
            continue
        for path in sorted(package.rglob("*.py")):
            if "migrations" in path.parts or not _EXAMPLE.search(path.read_text(encoding="utf-8")):
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


MODULES = sorted(set(PURE_MODULES) | set(_modules_with_examples()))


@functools.cache
def _run(name: str) -> doctest.TestResults:
    return doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = _run(name)
    assert result.failed == 0
    assert result.attempted > 0, f"no example of {name} ran"


def test_the_examples_are_found_at_all():
    # the scan sees what the list names (so it is not silently finding nothing) …
    assert set(PURE_MODULES) <= set(_modules_with_examples())
    # … and doctest runs what is there
    total = sum(_run(name).attempted for name in MODULES)
    assert total >= MIN_TOTAL, f"only {total} docstring examples ran"
