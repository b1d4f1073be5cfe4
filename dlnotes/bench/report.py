"""Render benchmark results (the JSON of ``python -m dlnotes.bench``) as Markdown."""

from __future__ import annotations

# --8<-- [start:results_table]
from typing import Any

__all__ = ["results_table"]

LABELS = {
    "en": {
        "head": ("Model", "Trick", "Step (ms, median)", "Throughput", "vs baseline",
                 "Peak memory", "MFU"),
        "skipped": "skipped", "error": "error", "samples": "samples/s", "tokens": "tokens/s",
        "device": "Device", "fold": "BatchNorm folding (inference, ResNet, batch {b}): "
                  "{u:.2f} ms unfolded, {f:.2f} ms folded, {s:.2f}x; max difference {d:.1e}.",
        "command": "Command", "threads": "threads",
        "contended": " (contended: other programs used the CPU, numbers suspect)",
        "graphs_skipped": " (CUDA graphs skipped {n}x: ran without them)",
    },
    "zh": {
        "head": ("模型", "技巧", "每步耗时（毫秒，中位数）", "吞吐量", "相对基线",
                 "峰值显存", "MFU"),
        "skipped": "跳过", "error": "出错", "samples": "样本/秒", "tokens": "词元/秒",
        "device": "设备", "fold": "批量规范化折叠（推理，ResNet，批量 {b}）：未折叠 {u:.2f} 毫秒，"
                  "折叠后 {f:.2f} 毫秒，{s:.2f} 倍；最大差异 {d:.1e}。",
        "command": "命令", "threads": "线程",
        "contended": "（受干扰：其他程序占用了 CPU，数字不可靠）",
        "graphs_skipped": "（CUDA 图被跳过 {n} 次：实际未使用）",
    },
}  # fmt: skip


def _bytes(n: int | None) -> str:
    return "–" if n is None else f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def results_table(results: dict[str, Any], lang: str = "en") -> str:
    """A Markdown table of every (model, trick) record plus the environment it ran on.

    Example:
        >>> from dlnotes.bench.report import results_table
        >>> r = {"environment": {"device": "cpu", "torch": "2.x", "cpu": "x86_64",
        ...      "cpu_threads": 2}, "command": "python -m dlnotes.bench --smoke",
        ...      "records": [{"model": "gpt", "trick": "tf32", "status": "skipped",
        ...                   "reason": "needs CUDA"}]}
        >>> print(results_table(r).splitlines()[-1])
        | gpt | tf32 | skipped: needs CUDA | | | | |
    """
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {sorted(LABELS)}, got {lang!r}")
    t, env = LABELS[lang], results["environment"]
    cpu = env.get("cpu_model") or env.get("cpu", "?")
    where = env.get("gpu") or f"CPU {cpu}, {env.get('cpu_threads', '?')} {t['threads']}"
    versions = f"PyTorch {env['torch']}" + (f", CUDA {env['cuda']}" if env.get("cuda") else "")
    lines = [
        f"{t['device']}: {where}; {versions}. {t['command']}: `{results['command']}`",
        "",
        "| " + " | ".join(t["head"]) + " |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results["records"]:
        if r["status"] != "ok":
            lines.append(
                f"| {r['model']} | {r['trick']} | {t[r['status']]}: {r['reason']} | | | | |"
            )
            continue
        if r.get("tokens_per_s"):
            rate = f"{r['tokens_per_s']:,.0f} {t['tokens']}"
        else:
            rate = f"{r['samples_per_s']:,.0f} {t['samples']}"
        ratio = f"{r['vs_baseline']:.2f}x" if r.get("vs_baseline") else "–"
        mfu = f"{100 * r['mfu']:.1f}%" if r.get("mfu") is not None else "–"
        ms = 1000 * r["timing"]["median"]
        trick = r["trick"] + (t["contended"] if r.get("contended") else "")
        if r.get("cudagraph_skips") and "cuda_graphs" in r.get("tricks", ()):
            trick += t["graphs_skipped"].format(n=r["cudagraph_skips"])
        lines.append(
            f"| {r['model']} | {trick} | {ms:.1f} | {rate} | {ratio} "
            f"| {_bytes(r.get('peak_memory_bytes'))} | {mfu} |"
        )
    fold = results.get("fold_bn")
    if fold:
        lines += ["", t["fold"].format(
            b=fold["batch"], u=1000 * fold["unfolded"]["median"],
            f=1000 * fold["folded"]["median"], s=fold["speedup"], d=fold["max_abs_diff"],
        )]  # fmt: skip
    return "\n".join(lines) + "\n"


# --8<-- [end:results_table]
