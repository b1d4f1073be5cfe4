"""Run every Python block of every page, in both languages, with sybil.

Each page is one namespace, executed top to bottom like a reader would. Snippets
included with ``--8<--`` are expanded first (see ``tests/docs_support.py``). Blocks that
need a GPU are preceded by ``<!-- skip: next if(not cuda, reason="needs a CUDA GPU") -->``
and run in the ``gpu`` nox session; blocks that need the ``tensorboard`` package (in the
test extra; maybe absent on the GPU machine) use ``if(not tensorboard, ...)``, and those
that need ``optuna`` sit between ``skip: start if(not optuna, ...)`` and ``skip: end``.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from docs_support import PageCodeParser
from sybil import Sybil
from sybil.parsers.markdown import SkipParser


@pytest.fixture(scope="session")
def cuda() -> bool:
    return torch.cuda.is_available()


@pytest.fixture(scope="session")
def tensorboard() -> bool:
    import importlib.util

    return importlib.util.find_spec("tensorboard") is not None


@pytest.fixture(scope="session")
def optuna() -> bool:
    import importlib.util

    return importlib.util.find_spec("optuna") is not None


def _setup(namespace: dict) -> None:
    torch.manual_seed(0)  # every page starts from the same random state


def _teardown(namespace: dict) -> None:
    import matplotlib.pyplot as plt

    plt.close("all")


pytest_collect_file = Sybil(
    parsers=[PageCodeParser(), SkipParser()],
    patterns=["*.md"],
    fixtures=["cuda", "tensorboard", "optuna"],
    setup=_setup,
    teardown=_teardown,
    name="pages",
).pytest()
