"""The speed benchmark: CPU smoke run, JSON schema, trick rules, timing and the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch.nn import functional as F
from torch.utils.checkpoint import checkpoint

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
    assert "cpu_model" in env and env["cpu_threads"] == torch.get_num_threads()
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
            assert r["first_step_s"] > 0 and r["cpu_per_wall"] > 0
            assert isinstance(r["contended"], bool) and r["cudagraph_skips"] == 0
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


@pytest.mark.parametrize(
    ("name", "precision", "expected"),
    [
        ("NVIDIA H100 80GB HBM3", "bf16", 989.4),  # SXM; the name does not say so
        ("NVIDIA H100 PCIe", "tf32", 378.0),
        ("NVIDIA H200", "fp32", 66.9),
        ("NVIDIA A100-SXM4-80GB", "fp16", 312.0),
        ("Tesla T4", "bf16", None),
    ],
)
def test_peak_table_lookup_by_device_name(monkeypatch, name, precision, expected):
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: name)
    peak, source = peak_tflops(torch.device("cuda"), precision)
    assert peak == expected
    assert ("datasheet" in source) if expected else ("unknown device" in source)


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
    busy = {**smoke, "records": [{**r, "contended": True} for r in smoke["records"]]}
    assert "baseline (contended" in results_table(busy) and "受干扰" in results_table(busy, "zh")
    graphs = {"model": "gpt", "trick": "cuda_graphs", "tricks": ["cuda_graphs"], "status": "ok"}
    graphs |= {"timing": {"median": 0.01}, "samples_per_s": 1.0, "cudagraph_skips": 2}
    fell_back = results_table({**smoke, "records": [graphs]})
    assert "| gpt | cuda_graphs (CUDA graphs skipped 2x: ran without them) | 10.0 |" in fell_back
    calm = {**smoke, "records": [{**r, "contended": False} for r in smoke["records"]]}
    assert "contended" not in results_table(calm)


def test_committed_cpu_results_render():
    path = ROOT / "snippets" / "results" / "bench-cpu.json"
    results = json.loads(path.read_text())
    assert results["config"]["size"] == "cpu" and results["command"].startswith(
        "python -m dlnotes.bench"
    )
    assert "| resnet | baseline |" in results_table(results)


def test_the_pages_reading_of_the_committed_cpu_results_holds():
    """docs/*/tricks/speed.md describes the committed CPU run in words: keep them true."""
    results = json.loads((ROOT / "snippets" / "results" / "bench-cpu.json").read_text())
    ok = {(r["model"], r["trick"]): r for r in results["records"] if r["status"] == "ok"}

    def ratio(model: str, trick: str) -> float:
        return ok[model, trick]["vs_baseline"]

    singles = {t: ratio("resnet", t) for t in TRICKS if ("resnet", t) in ok}
    assert max(singles, key=singles.get) == "amp_bf16"  # largest single gain, ResNet
    assert "avx512_bf16" in results["environment"]["cpu_bf16_flags"]
    assert ratio("gpt", "amp_bf16") < ratio("resnet", "amp_bf16")
    assert ratio("resnet", "channels_last") > 1 and ratio("resnet", "compile") > 1
    assert ("gpt", "channels_last") not in ok
    assert ratio("gpt", "compile") < ratio("resnet", "compile")
    assert not any(r.get("contended") for r in ok.values())
    assert all(r["first_step_s"] > 0 for r in ok.values())
    for model in ("resnet", "gpt"):
        for trick in ("fused_adamw", "set_to_none"):
            assert 0.8 < ratio(model, trick) < 1.25
        assert ratio(model, "checkpointing") < 1
    assert ratio("resnet", "all") == max(
        r["vs_baseline"] for (m, _), r in ok.items() if m == "resnet"
    )
    assert ratio("gpt", "all") > 1
    assert results["fold_bn"]["speedup"] > 1


@pytest.mark.parametrize("trick", sorted(set(TRICKS) - {"compile", "cuda_graphs"}))
def test_each_step_variant_trains_on_cpu(trick):
    """The code path of every trick runs (CUDA-only ones too, as far as a CPU allows)."""
    from dlnotes.bench.harness import SIZES, _make_step

    model_name = "resnet" if trick in ("channels_last", "cudnn_benchmark") else "gpt"
    step, model, *_ = _make_step(model_name, {trick}, SIZES["smoke"], torch.device("cpu"))
    before = [p.detach().clone() for p in model.parameters()]
    losses = [step() for _ in range(2)]
    assert all(torch.isfinite(loss) for loss in losses)
    assert any(not torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
    grads = [p.grad for p in model.parameters()]
    if trick == "set_to_none":
        assert all(g is None for g in grads)
    else:
        assert all(g is not None and not g.any() for g in grads)  # zeroed in place


def test_models_have_the_published_sizes():
    from dlnotes.bench.models import ResNetCIFAR

    # ResNet-18 for CIFAR-10 (3x3 stem, no max-pool): 11,173,962 parameters
    assert sum(p.numel() for p in ResNetCIFAR().parameters()) == 11_173_962


@pytest.mark.parametrize("name", ["resnet", "gpt"])
def test_checkpointing_gives_the_same_gradients(name, monkeypatch):
    from dlnotes.bench import models
    from dlnotes.bench.models import ResNetCIFAR, TinyGPT

    calls = []

    def counting_checkpoint(*args, **kwargs):
        calls.append(1)
        return checkpoint(*args, **kwargs)

    monkeypatch.setattr(models, "checkpoint", counting_checkpoint)
    torch.manual_seed(0)
    if name == "resnet":
        model = ResNetCIFAR(width=4, blocks=(1, 1)).double()
        x, y = torch.randn(4, 3, 16, 16, dtype=torch.float64), torch.tensor([0, 1, 2, 3])
    else:
        model = TinyGPT(vocab=16, seq=8, d=8, layers=2, heads=2).double()
        x = y = torch.randint(0, 16, (2, 8))
    grads = []
    for flag in (False, True):
        model.checkpointing = flag
        model.zero_grad()
        out = model(x)
        F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1)).backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    assert len(calls) == len(model.blocks)  # the second pass did checkpoint every block
    for a, b in zip(*grads, strict=True):
        torch.testing.assert_close(a, b)


def test_gpt_is_causal_and_checks_its_input():
    from dlnotes.bench.models import TinyGPT

    torch.manual_seed(0)
    model = TinyGPT(vocab=16, seq=8, d=8, layers=2, heads=2).eval()
    idx = torch.randint(0, 16, (1, 8))
    changed = idx.clone()
    changed[0, 5] = (idx[0, 5] + 1) % 16  # a later token must not change earlier outputs
    with torch.no_grad():
        a, b = model(idx), model(changed)
    torch.testing.assert_close(a[:, :5], b[:, :5])
    assert not torch.allclose(a[:, 5:], b[:, 5:])
    with pytest.raises(ValueError, match="exceeds the model's 8"):
        model(torch.zeros(1, 9, dtype=torch.long))
    with pytest.raises(ValueError, match="divisible by heads"):
        TinyGPT(d=10, heads=4)


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
    assert all(r["mfu"] is None or 0 < r["mfu"] < 1 for r in ok)
    errors = [r for r in results["records"] if r["status"] == "error"]
    assert not errors, errors
    assert results["environment"]["gpu"]
    graphs = next(r for r in ok if r["model"] == "gpt" and r["trick"] == "cuda_graphs")
    assert graphs["cudagraph_skips"] == 0  # the GPT step really ran as CUDA graphs
