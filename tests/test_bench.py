"""The speed benchmark: CPU smoke run, JSON schema, trick rules, timing and the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from dlnotes.bench.harness import ALL_EXCLUDES, TRICKS, peak_tflops, time_steps, trick_applies
from dlnotes.bench.report import results_table

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    subprocess.run(
        [sys.executable, "-m", "dlnotes.bench", "--smoke", "--out", str(out)],
        check=True, cwd=ROOT, capture_output=True, timeout=300,
    )  # fmt: skip
    return json.loads(out.read_text())


def test_smoke_run_writes_every_record(smoke):
    env = smoke["environment"]
    assert env["torch"] == torch.__version__ and env["device"] == "cpu" and env["python"]
    assert (
        smoke["command"] == "python -m dlnotes.bench --smoke --out " + smoke["command"].split()[-1]
    )
    records = smoke["records"]
    for model in ("resnet", "gpt"):
        names = [r["trick"] for r in records if r["model"] == model]
        assert names == ["baseline", *TRICKS, "all"]  # nothing silently dropped
    for r in records:
        assert r["status"] in ("ok", "skipped", "error"), r
        if r["status"] == "ok":
            t = r["timing"]
            assert 0 < t["min"] <= t["median"] <= t["max"]
            assert r["samples_per_s"] > 0 and r["flops_per_step"] > 0 and r["vs_baseline"] > 0
            assert r["mfu"] is None and r["peak_memory_bytes"] is None  # CPU: not measured
        else:
            assert r["reason"]
    assert not [r for r in records if r["status"] == "error"]
    baseline = next(r for r in records if r["trick"] == "baseline" and r["model"] == "gpt")
    assert baseline["vs_baseline"] == 1.0 and baseline["tokens_per_s"] > baseline["samples_per_s"]
    fold = smoke["fold_bn"]
    assert fold["max_abs_diff"] < 1e-4 and fold["speedup"] > 0


def test_all_combines_the_applicable_tricks_only(smoke):
    for model in ("resnet", "gpt"):
        rec = next(r for r in smoke["records"] if r["model"] == model and r["trick"] == "all")
        ok = {r["trick"] for r in smoke["records"] if r["model"] == model and r["status"] == "ok"}
        assert set(rec["tricks"]) == ok - {"baseline", "all"} - set(ALL_EXCLUDES)


def test_trick_rules():
    cpu, cuda = torch.device("cpu"), torch.device("cuda")
    assert trick_applies("tf32", "resnet", cpu) == "needs CUDA"
    assert trick_applies("tf32", "resnet", cuda) is None
    assert trick_applies("channels_last", "gpt", cuda) == "only for convolutions"
    assert trick_applies("compile", "gpt", cuda, smoke=True).startswith("not in smoke mode")
    assert trick_applies("checkpointing", "gpt", cpu) is None
    assert peak_tflops(cpu, "bf16") == (None, "no peak-FLOP/s table for CPUs")


def test_time_steps_synchronizes_warms_up_and_takes_the_median():
    calls = []
    readings = iter([0.0, 1.0, 10.0, 13.0, 20.0, 22.0])  # repeats of 1 s, 3 s, 2 s
    t = time_steps(lambda: calls.append(1), torch.device("cpu"), warmup=2, steps=1, repeats=3,
                   clock=lambda: next(readings))  # fmt: skip
    assert len(calls) == 2 + 3 and (t.median, t.min, t.max) == (2.0, 1.0, 3.0)


def test_report_tables_in_both_languages(smoke):
    en, zh = results_table(smoke, "en"), results_table(smoke, "zh")
    rows = len(smoke["records"])
    assert en.count("\n| resnet") + en.count("\n| gpt") == rows
    assert zh.count("\n| resnet") + zh.count("\n| gpt") == rows
    assert "skipped: needs CUDA" in en and "跳过: needs CUDA" in zh
    assert "BatchNorm folding" in en and "批量规范化折叠" in zh
    with pytest.raises(ValueError, match="lang must be one of"):
        results_table(smoke, "de")


def test_committed_cpu_results_render():
    path = ROOT / "snippets" / "results" / "bench-cpu.json"
    results = json.loads(path.read_text())
    assert results["config"]["size"] == "cpu" and results["command"].startswith(
        "python -m dlnotes.bench"
    )
    assert "| resnet | baseline |" in results_table(results)


def test_bad_arguments():
    from dlnotes.bench.harness import run_benchmark

    with pytest.raises(ValueError, match="unknown tricks"):
        run_benchmark(["gpt"], ["warp_speed"])
    with pytest.raises(ValueError, match="size must be one of"):
        run_benchmark(["gpt"], [], size="huge")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_smoke_run_measures_memory_and_every_cuda_trick():
    from dlnotes.bench.harness import run_benchmark

    results = run_benchmark(["resnet", "gpt"], list(TRICKS), "cuda", "smoke")
    ok = [r for r in results["records"] if r["status"] == "ok"]
    assert all(r["peak_memory_bytes"] > 0 for r in ok)
    errors = [r for r in results["records"] if r["status"] == "error"]
    assert not errors, errors
    assert results["environment"]["gpu"]
