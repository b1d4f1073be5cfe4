"""Time one training step with each speed trick alone and all together (T25-T38).

For each workload (``resnet``: a CIFAR ResNet on 3x32x32 images; ``gpt``: a GPT-like
decoder on token sequences) the harness builds a fresh model, optimizer and synthetic
batch per trick, and times the whole step: host-to-device copy of the batch, forward,
loss, backward, optimizer step and ``zero_grad``.

Timing GPU code correctly: CUDA kernels run asynchronously, so the clock is only read
after ``torch.cuda.synchronize()``; the first steps (cuDNN autotuning, ``torch.compile``,
CUDA graph capture, allocator warm-up) are run as warm-up and not timed (the first one
is timed on its own and recorded); each measurement averages several steps, and the
median of several repeats is reported with its minimum and maximum. On a CPU, the CPU
time the process got per second of wall time flags measurements that shared the cores
with other programs ("contended").

The baseline is deliberately plain: fp32 everywhere (TF32 off in matmuls AND in cuDNN,
whose default is on), AdamW's per-parameter loop (``foreach=False``), ``zero_grad`` that
writes zeros (``set_to_none=False``), a pageable host batch copied synchronously. FLOPs
per step are counted once on the baseline with ``torch.utils.flop_counter`` (forward and
backward matmuls/convolutions; the optimizer's elementwise work is not counted); MFU is
those FLOPs per second over the device's dense peak for the step's math precision.
"""

from __future__ import annotations

# --8<-- [start:imports]
import contextlib
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.flop_counter import FlopCounterMode

from dlnotes.bench.models import ResNetCIFAR, TinyGPT

# --8<-- [end:imports]

__all__ = [
    "ALL_EXCLUDES",
    "PEAK_TFLOPS",
    "SIZES",
    "TRICKS",
    "Timing",
    "environment",
    "measure_fold_bn",
    "peak_tflops",
    "run_benchmark",
    "time_steps",
    "trick_applies",
]

# --8<-- [start:tricks]
# trick -> what it changes relative to the baseline
TRICKS: dict[str, str] = {
    "amp_bf16": "autocast to bfloat16 (T27)",
    "amp_fp16": "autocast to float16 + GradScaler (T27)",
    "tf32": "TF32 tensor cores for fp32 matmuls and convolutions (T28)",
    "channels_last": "NHWC memory format for model and input (T29)",
    "cudnn_benchmark": "cuDNN autotuner picks the fastest convolution algorithm (T30)",
    "compile": "torch.compile(model) (T31)",
    "fused_adamw": "AdamW(fused=True) instead of the per-parameter loop (T32)",
    "set_to_none": "zero_grad(set_to_none=True) instead of writing zeros (T33)",
    "cuda_graphs": "torch.compile(mode='reduce-overhead'): the step replayed as a CUDA graph (T36)",
    "pinned_memory": "pinned host batch + non_blocking copy (T26)",
    "checkpointing": "activation checkpointing of every block: memory for compute (T38)",
}
# "all" combines every applicable trick except these (and says why in the JSON)
ALL_EXCLUDES = {
    "amp_fp16": "bf16 is used instead (no scaler needed)",
    "cuda_graphs": "measured alone: it replaces compile's default mode",
    "checkpointing": "trades speed for memory",
}
# --8<-- [end:tricks]

# Dense (no sparsity) peak tensor throughput in TFLOP/s from NVIDIA's datasheets
# ("NVIDIA H100 Tensor Core GPU" datasheet, "NVIDIA H200 Tensor Core GPU" datasheet,
# "NVIDIA A100 Tensor Core GPU" datasheet). The H100/H200 sheets print the figures WITH
# 2:4 sparsity (marked by an asterisk); the dense peak is half of those:
# H100 SXM5 / H200 SXM: 989 bf16/fp16, 495 tf32, 67 fp32; H100 PCIe: 756, 378, 51;
# A100 (SXM and PCIe): 312 bf16/fp16, 156 tf32, 19.5 fp32 (fp32: the non-tensor-core rate).
PEAK_TFLOPS: dict[str, dict[str, float]] = {
    "H100 SXM": {"bf16": 989.4, "fp16": 989.4, "tf32": 494.7, "fp32": 66.9},
    "H100 PCIe": {"bf16": 756.0, "fp16": 756.0, "tf32": 378.0, "fp32": 51.2},
    "H200": {"bf16": 989.4, "fp16": 989.4, "tf32": 494.7, "fp32": 66.9},
    "A100": {"bf16": 312.0, "fp16": 312.0, "tf32": 156.0, "fp32": 19.5},
}

# Workload sizes: "smoke" runs in seconds on a CPU (tests), "cpu" in minutes on a
# laptop CPU, "gpu" is ResNet-18 on CIFAR shapes and GPT-2 small (124M parameters).
SIZES: dict[str, dict[str, Any]] = {
    "smoke": {
        "resnet": {"width": 8, "blocks": (1, 1, 1, 1), "batch": 8},
        "gpt": {"vocab": 128, "seq": 32, "d": 32, "layers": 2, "heads": 4, "batch": 4},
        "warmup": 1, "steps": 2, "repeats": 2,
    },
    "cpu": {
        "resnet": {"width": 16, "blocks": (2, 2, 2, 2), "batch": 32},
        "gpt": {"vocab": 2048, "seq": 128, "d": 128, "layers": 4, "heads": 4, "batch": 8},
        "warmup": 3, "steps": 3, "repeats": 7,
    },
    "gpu": {
        "resnet": {"width": 64, "blocks": (2, 2, 2, 2), "batch": 256},
        "gpt": {"vocab": 50304, "seq": 1024, "d": 768, "layers": 12, "heads": 12, "batch": 16},
        "warmup": 10, "steps": 5, "repeats": 5,  # whole run: minutes on an H100
    },
}  # fmt: skip


def peak_tflops(device: torch.device, precision: str) -> tuple[float | None, str]:
    """The device's dense peak for ``precision`` and where it came from (or why not)."""
    if device.type != "cuda":
        return None, "no peak-FLOP/s table for CPUs"
    name = torch.cuda.get_device_name(device)
    for key, table in PEAK_TFLOPS.items():
        model, *variant = key.split()
        if model in name and all(v in name for v in variant):
            return table[precision], f"{key} datasheet, dense {precision}"
    if "H100" in name:  # the SXM part does not say "SXM" in every driver's name string
        return PEAK_TFLOPS["H100 SXM"][precision], "H100 SXM datasheet (assumed), dense"
    return None, f"unknown device {name!r}: add it to PEAK_TFLOPS"


# --8<-- [start:applies]
def trick_applies(trick: str, model: str, device: torch.device, smoke: bool = False) -> str | None:
    """``None`` if ``trick`` applies to ``model`` on ``device``, else the reason it does not."""
    cuda_only = {"tf32", "cudnn_benchmark", "cuda_graphs", "pinned_memory", "amp_fp16"}
    if trick in cuda_only and device.type != "cuda":
        return "needs CUDA"
    if trick in {"channels_last", "cudnn_benchmark"} and model != "resnet":
        return "only for convolutions"
    # cuda_graphs (which compiles too) stays in GPU smoke runs: the GPU test covers it
    if trick == "compile" and smoke:
        return "not in smoke mode (compiling takes longer than the whole smoke run)"
    if trick == "fused_adamw" and device.type == "cpu" and not _fused_adamw_on_cpu():
        return "this PyTorch has no fused AdamW for CPUs"
    return None


def _fused_adamw_on_cpu() -> bool:
    try:
        p = nn.Parameter(torch.zeros(1))
        p.grad = torch.zeros(1)
        torch.optim.AdamW([p], fused=True).step()
        return True
    except (RuntimeError, ValueError):
        return False


# --8<-- [end:applies]


@contextlib.contextmanager
def _backend_flags(tf32: bool, cudnn_benchmark: bool) -> Iterator[None]:
    """Set the global TF32 and cuDNN flags for one measurement, then restore them."""
    saved = (
        torch.backends.cuda.matmul.allow_tf32,
        torch.backends.cudnn.allow_tf32,
        torch.backends.cudnn.benchmark,
    )
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32  # cuDNN's default is True: off in the baseline
    torch.backends.cudnn.benchmark = cudnn_benchmark
    try:
        yield
    finally:
        (
            torch.backends.cuda.matmul.allow_tf32,
            torch.backends.cudnn.allow_tf32,
            torch.backends.cudnn.benchmark,
        ) = saved


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


# --8<-- [start:timing]
@dataclass
class Timing:
    median: float  # seconds per step
    min: float
    max: float


def time_steps(
    step: Callable[[], object],
    device: torch.device,
    warmup: int,
    steps: int,
    repeats: int,
    clock: Callable[[], float] = time.perf_counter,
) -> Timing:
    """Seconds per call of ``step``: warm-up, then ``repeats`` timed runs of ``steps`` calls.

    The clock is read only after the device has finished (``synchronize``): CUDA calls
    return as soon as the work is queued, so timing without it measures the queueing.

    Example:
        >>> import torch
        >>> from dlnotes.bench.harness import time_steps
        >>> ticks = iter(range(100))
        >>> t = time_steps(lambda: None, torch.device("cpu"), warmup=1, steps=2, repeats=3,
        ...                clock=lambda: float(next(ticks)))  # each reading 1 s later
        >>> t.median  # 1 s between the two readings of a repeat, over 2 steps
        0.5
    """
    for _ in range(warmup):
        step()
    _synchronize(device)
    per_step = []
    for _ in range(repeats):
        _synchronize(device)
        start = clock()
        for _ in range(steps):
            step()
        _synchronize(device)
        per_step.append((clock() - start) / steps)
    return Timing(statistics.median(per_step), min(per_step), max(per_step))


# --8<-- [end:timing]


def _workload(
    model_name: str, size: dict[str, Any], device: torch.device
) -> tuple[nn.Module, Any, Any]:
    """A fresh model (on ``device``) and one synthetic host batch ``(x, y)``."""
    g = torch.Generator().manual_seed(0)
    torch.manual_seed(0)  # the same initial weights for every trick
    cfg = dict(size[model_name])
    batch = cfg.pop("batch")
    if model_name == "resnet":
        model = ResNetCIFAR(cfg["width"], tuple(cfg["blocks"]))
        x = torch.randn(batch, 3, 32, 32, generator=g)
        y = torch.randint(0, 10, (batch,), generator=g)
    elif model_name == "gpt":
        model = TinyGPT(**cfg)
        x = torch.randint(0, cfg["vocab"], (batch, cfg["seq"]), generator=g)
        y = torch.randint(0, cfg["vocab"], (batch, cfg["seq"]), generator=g)
    else:
        raise ValueError(f"model must be 'resnet' or 'gpt', got {model_name!r}")
    return model.to(device), x, y


# --8<-- [start:make_step]
def _make_step(
    model_name: str, tricks: set[str], size: dict[str, Any], device: torch.device
) -> tuple[Callable[[], torch.Tensor], nn.Module, Any, Any]:
    """Build the training step with ``tricks`` switched on."""
    model, x, y = _workload(model_name, size, device)
    if "channels_last" in tricks:
        model = model.to(memory_format=torch.channels_last)
    model.checkpointing = "checkpointing" in tricks
    opt = torch.optim.AdamW(
        model.parameters(), lr=1e-4, fused="fused_adamw" in tricks or None,
        foreach=None if "fused_adamw" in tricks else False,
    )  # fmt: skip
    if "cuda_graphs" in tricks:
        model = torch.compile(model, mode="reduce-overhead")
    elif "compile" in tricks:
        model = torch.compile(model)
    amp = (
        torch.bfloat16 if "amp_bf16" in tricks else torch.float16 if "amp_fp16" in tricks else None
    )
    scaler = torch.amp.GradScaler(device.type) if "amp_fp16" in tricks else None
    pinned = "pinned_memory" in tricks and device.type == "cuda"
    if pinned:
        x, y = x.pin_memory(), y.pin_memory()
    set_to_none = "set_to_none" in tricks

    def step() -> torch.Tensor:
        xb = x.to(device, non_blocking=pinned)  # a host batch, as a DataLoader delivers it
        yb = y.to(device, non_blocking=pinned)
        if "channels_last" in tricks:
            xb = xb.contiguous(memory_format=torch.channels_last)
        with torch.autocast(device.type, dtype=amp) if amp else contextlib.nullcontext():
            out = model(xb)
            loss = F.cross_entropy(out.reshape(-1, out.shape[-1]).float(), yb.reshape(-1))
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
            opt.step()
        opt.zero_grad(set_to_none=set_to_none)
        return loss.detach()  # no .item(): reading it would synchronize (T35)

    return step, model, x, y


# --8<-- [end:make_step]


def _flops_per_step(model_name: str, size: dict[str, Any], device: torch.device) -> int:
    step, *_ = _make_step(model_name, set(), size, device)
    with FlopCounterMode(display=False) as counter:
        step()
    return int(counter.get_total_flops())


def _precision(tricks: set[str]) -> str:
    if "amp_bf16" in tricks:
        return "bf16"
    if "amp_fp16" in tricks:
        return "fp16"
    return "tf32" if "tf32" in tricks else "fp32"


def _measure(
    model_name: str, tricks: set[str], size: dict[str, Any], device: torch.device
) -> dict[str, Any]:
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
    skips_before = _cudagraph_skips()
    try:
        with _backend_flags("tf32" in tricks, "cudnn_benchmark" in tricks):
            step, *_ = _make_step(model_name, tricks, size, device)
            _synchronize(device)
            start = time.perf_counter()
            step()  # the first step pays for compilation, autotuning, graph capture
            _synchronize(device)
            first = time.perf_counter() - start
            warmup = max(size["warmup"] - 1, 0)
            wall, cpu = time.perf_counter(), time.process_time()
            timing = time_steps(step, device, warmup, size["steps"], size["repeats"])
            # CPU seconds this process got per wall second: well below the thread count
            # on a CPU run means other programs took the cores (the numbers are suspect)
            cpu_per_wall = (time.process_time() - cpu) / (time.perf_counter() - wall)
            # Inductor falls back to plain kernels (with a logged warning) when it cannot
            # capture a graph: count that, so "cuda_graphs" never reports a run without them
            skips = _cudagraph_skips() - skips_before
    finally:
        if tricks & {"compile", "cuda_graphs"}:
            torch._dynamo.reset()  # free the compiled graphs; no recompilation limit across runs
    peak = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None
    return {
        "timing": asdict(timing), "first_step_s": first,
        "cpu_per_wall": cpu_per_wall, "peak_memory_bytes": peak,
        "cudagraph_skips": skips,
    }  # fmt: skip


def _cudagraph_skips() -> int:
    """How often Inductor has declined to use CUDA graphs in this process so far."""
    try:
        from torch._dynamo.utils import counters
    except ImportError:  # pragma: no cover
        return 0
    return int(counters["inductor"]["cudagraph_skips"])


# --8<-- [start:run_benchmark]
def run_benchmark(
    models: list[str],
    tricks: list[str],
    device: str | torch.device = "cpu",
    size: str = "smoke",
    fold_bn: bool = True,
) -> dict[str, Any]:
    """Measure the baseline, each trick alone and all applicable tricks together.

    Returns a JSON-ready dict: the environment, the configuration and one record per
    (model, trick) with status ``ok``, ``skipped`` (with the reason) or ``error``.
    """
    device = torch.device(device)
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    unknown = set(tricks) - set(TRICKS)
    if unknown:
        raise ValueError(f"unknown tricks {sorted(unknown)}; known: {sorted(TRICKS)}")
    cfg, smoke = SIZES[size], size == "smoke"
    records: list[dict[str, Any]] = []
    for model_name in models:
        flops = _flops_per_step(model_name, cfg, device)
        batch = cfg[model_name]["batch"]
        tokens = batch * cfg[model_name]["seq"] if model_name == "gpt" else None
        applicable = [t for t in tricks if trick_applies(t, model_name, device, smoke) is None]
        combined = {t for t in applicable if t not in ALL_EXCLUDES}
        runs = [("baseline", set())] + [(t, {t}) for t in tricks] + [("all", combined)]
        base_time = None
        for name, active in runs:
            rec: dict[str, Any] = {"model": model_name, "trick": name, "tricks": sorted(active)}
            reason = trick_applies(name, model_name, device, smoke) if name in TRICKS else None
            if name == "all" and not combined:
                reason = "no applicable trick"
            if reason is not None:
                records.append({**rec, "status": "skipped", "reason": reason})
                continue
            try:
                m = _measure(model_name, active, cfg, device)
            except Exception as err:  # one failing trick must not lose the others' numbers
                records.append(
                    {**rec, "status": "error", "reason": f"{type(err).__name__}: {err}"[:300]}
                )
                continue
            seconds = m["timing"]["median"]
            base_time = seconds if name == "baseline" else base_time
            peak, source = peak_tflops(device, _precision(active))
            achieved = flops / seconds / 1e12
            # on a CPU the process should get about one CPU second per thread per second
            contended = device.type == "cpu" and m["cpu_per_wall"] < 0.75 * torch.get_num_threads()
            records.append({
                **rec, "status": "ok", **m, "contended": contended,
                "samples_per_s": batch / seconds,
                "tokens_per_s": tokens / seconds if tokens else None,
                "vs_baseline": base_time / seconds if base_time else None,
                "flops_per_step": flops, "achieved_tflops": achieved,
                "mfu": achieved / peak if peak else None, "peak_source": source,
            })  # fmt: skip
    results: dict[str, Any] = {
        "environment": environment(device),
        "config": {"size": size, "models": models, "tricks": tricks, **cfg},
        "all_excludes": ALL_EXCLUDES,
        "records": records,
    }
    if fold_bn and "resnet" in models:
        results["fold_bn"] = measure_fold_bn(cfg, device)
    return results


# --8<-- [end:run_benchmark]


def measure_fold_bn(size: dict[str, Any], device: torch.device) -> dict[str, Any]:
    """Inference time of the ResNet with and without BatchNorm folded into the convs (T37)."""
    from dlnotes.tricks.fold_bn import fold_batchnorm

    model, x, _ = _workload("resnet", size, device)
    model.eval()
    with torch.no_grad():  # non-trivial running statistics
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    folded = fold_batchnorm(model)
    x = x.to(device)
    out = {}
    for name, net in (("unfolded", model), ("folded", folded)):

        def forward(net: nn.Module = net) -> torch.Tensor:
            with torch.inference_mode():
                return net(x)

        out[name] = asdict(
            time_steps(forward, device, size["warmup"], size["steps"], size["repeats"])
        )
    with torch.inference_mode():
        max_diff = float((model(x) - folded(x)).abs().max())
    speedup = out["unfolded"]["median"] / out["folded"]["median"]
    return {**out, "speedup": speedup, "max_abs_diff": max_diff, "batch": int(x.shape[0])}


def _cpu_info() -> dict[str, Any]:
    """The CPU's model name and its bfloat16 instructions, from /proc/cpuinfo (Linux)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            fields = dict(
                (k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in f) if v
            )
    except OSError:
        return {"cpu_model": None, "cpu_bf16_flags": None}
    flags = fields.get("flags", "").split()
    return {
        "cpu_model": fields.get("model name"),
        "cpu_bf16_flags": sorted(f for f in flags if "bf16" in f),
    }


def environment(device: torch.device) -> dict[str, Any]:
    """Hardware and software versions, recorded with every result."""
    env: dict[str, Any] = {
        "device": str(device),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "platform": platform.platform(),
        "cpu": platform.processor() or platform.machine(),
        **_cpu_info(),
        "cpu_threads": torch.get_num_threads(),
    }
    try:
        import torchvision

        env["torchvision"] = torchvision.__version__
    except ImportError:  # pragma: no cover
        env["torchvision"] = None
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        env.update({
            "gpu": props.name, "capability": f"{props.major}.{props.minor}",
            "gpu_memory_gib": round(props.total_memory / 2**30, 1),
            "gpu_count": torch.cuda.device_count(), "cuda": torch.version.cuda,
            "cudnn": torch.backends.cudnn.version(),
        })  # fmt: skip
    return env
