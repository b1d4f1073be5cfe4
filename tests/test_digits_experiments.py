"""The committed digits results are reproducible by the code that claims to produce them."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict
from pathlib import Path

import pytest
import torch

from dlnotes.experiments.digits_tricks import CONFIGS, results_table, run

RESULTS = Path(__file__).resolve().parent.parent / "snippets" / "results" / "digits-tricks.json"


@pytest.fixture(scope="module")
def results() -> dict:
    return json.loads(RESULTS.read_text())


def test_results_match_the_current_configs(results):
    assert results["configs"] == [asdict(c) for c in CONFIGS]  # re-run after changing them
    for summary in results["summary"]:
        accs = [r["test_acc"] for r in results["runs"] if r["config"] == summary["config"]]
        assert len(accs) >= 2
        assert summary["acc_mean"] == pytest.approx(statistics.mean(accs))
        assert summary["acc_std"] == pytest.approx(statistics.stdev(accs))


@pytest.mark.parametrize("name", ["baseline", "all of the above"])
def test_one_committed_run_is_reproduced_exactly(results, name):
    if results["software"]["torch"] != torch.__version__:  # e.g. the GPU machine's torch
        pytest.skip(f"results were produced with torch {results['software']['torch']}")
    threads = torch.get_num_threads()
    torch.set_num_threads(results["threads"])
    try:
        config = next(c for c in CONFIGS if c.name == name)
        got = run(config, seed=0)
    finally:
        torch.set_num_threads(threads)
    want = next(r for r in results["runs"] if r["config"] == name and r["seed"] == 0)
    # Bit-equal on the machine that produced the file; another CPU (other SIMD kernels)
    # may flip a test example or two after 40 epochs, so allow two of the 360.
    assert got["test_acc"] == pytest.approx(want["test_acc"], abs=2 / 360 + 1e-6)
    assert got["test_loss"] == pytest.approx(want["test_loss"], rel=0.05)


def test_results_table(results):
    en, zh = results_table(results, "en"), results_table(results, "zh")
    assert en.count("\n|") == zh.count("\n|") == len(CONFIGS) + 1
    assert "| baseline |" in en and "+0.00 |" in en and "测试准确率" in zh
    assert results["command"] in en and results["command"] in zh
    with pytest.raises(ValueError, match="lang must be one of"):
        results_table(results, "fr")
