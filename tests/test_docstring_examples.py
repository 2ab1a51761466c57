"""The runnable examples in the pure modules' docstrings stay true."""
import doctest
import importlib

import pytest

PURE_MODULES = ["geodata.names", "geodata.highways", "geodata.datum", "geodata.importers.network", "geodata.importers.areas",
                "geodata.location.compass", "geodata.location.network", "geodata.location.describe",
                "geodata.location.types", "patrol.domain.workflow", "patrol.domain.permissions",
                "patrol.domain.categories", "patrol.domain.outcomes", "patrol.domain.summary",
                "api.open311.formats",
                "maps.assets", "maps.builders"]


@pytest.mark.parametrize("name", PURE_MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
