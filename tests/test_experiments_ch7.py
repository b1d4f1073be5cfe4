"""The chapter-7 experiments: batch-size scaling and the Optuna search. The committed
results must come from this code, so one saved run of each is recomputed here."""

from __future__ import annotations

import json
import math

import pytest
import torch
from docs_support import ROOT

from dlnotes.experiments.batch_size import BASE_LR, run, scaled_lr, summarize
from dlnotes.experiments.hpo_digits import load_splits, train_config

RESULTS = ROOT / "snippets" / "results"


def _with_threads(threads: int, fn):
    before = torch.get_num_threads()
    torch.set_num_threads(threads)  # the summation order depends on the thread count
    try:
        return fn()
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize(
    ("rule", "factor"), [("none", 1.0), ("linear", 8.0), ("sqrt", math.sqrt(8.0))]
)
def test_scaled_lr(rule, factor) -> None:
    for optimizer, base in BASE_LR.items():
        assert scaled_lr(optimizer, 256, rule) == pytest.approx(base * factor)
        assert scaled_lr(optimizer, 32, rule) == pytest.approx(base)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("lbfgs", 64, "linear"), "optimizer"),
        (("sgd", 64, "cubic"), "rule"),
        (("sgd", 0, "sqrt"), "batch_size"),
    ],
)
def test_scaled_lr_bad_input(args, match) -> None:
    with pytest.raises(ValueError, match=match):
        scaled_lr(*args)


def test_saved_batch_size_results_reproduce() -> None:
    results = json.loads((RESULTS / "batch-size.json").read_text("utf-8"))
    saved = next(
        r
        for r in results["runs"]
        if (r["optimizer"], r["batch_size"], r["rule"], r["seed"]) == ("adam", 512, "sqrt", 0)
    )
    again = _with_threads(results["threads"], lambda: run("adam", 512, "sqrt", seed=0))
    assert again == saved
    for optimizer in BASE_LR:
        lines = summarize(results, optimizer)
        assert len(lines) == 6  # header + 5 batch sizes


def test_hpo_splits_are_disjoint_and_fixed() -> None:
    a, b = load_splits(), load_splits()
    for name in a:
        assert torch.equal(a[name][0], b[name][0])
    train = {tuple(x.tolist()) for x in a["train"][0]}
    assert not any(tuple(x.tolist()) in train for x in a["val"][0][:50])


def test_saved_hpo_best_value_reproduces() -> None:
    pytest.importorskip("optuna")
    results = json.loads((RESULTS / "hpo-digits.json").read_text("utf-8"))
    best = results["tpe"]["best_params"]
    again = _with_threads(results["threads"], lambda: train_config(best, epochs=10))
    assert round(again, 4) == results["tpe"]["best_value"]
    states = {t["state"] for t in results["tpe"]["trials"]}
    assert states <= {"COMPLETE", "PRUNED"} and "PRUNED" in states


def test_a_tiny_study_runs_and_prunes_nothing_before_startup() -> None:
    pytest.importorskip("optuna")
    from dlnotes.experiments.hpo_digits import run_study

    study = run_study("random", n_trials=2, epochs=1)
    assert [t.state.name for t in study.trials] == ["COMPLETE", "COMPLETE"]
    with pytest.raises(ValueError, match="sampler"):
        run_study("grid", n_trials=1)
