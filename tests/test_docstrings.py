"""Every ``>>>`` example in a ``dlnotes`` docstring runs and prints what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest
import torch

import dlnotes


def _docstring_tests() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    found = []
    for info in pkgutil.walk_packages(dlnotes.__path__, prefix="dlnotes."):
        module = importlib.import_module(info.name)
        found += [t for t in finder.find(module) if t.examples]
    found += [t for t in finder.find(dlnotes) if t.examples]
    return sorted(found, key=lambda t: t.name)


TESTS = _docstring_tests()


def test_docstrings_have_examples() -> None:
    assert len(TESTS) >= 5, "the package should show how to call its functions"


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_docstring(test: doctest.DocTest) -> None:
    torch.manual_seed(0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    result = runner.run(test, out=out.append)
    assert result.failed == 0, "".join(out)
