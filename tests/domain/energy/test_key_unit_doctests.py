"""The worked Examples in the key-unit domain modules' docstrings run and print what they claim."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from ecer.domain.energy import benchmarks, budgets, key_units, meters, reports, two_high


@pytest.mark.parametrize("module", [key_units, reports, benchmarks, two_high, budgets, meters],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
