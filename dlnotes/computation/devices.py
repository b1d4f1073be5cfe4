"""Devices: pick a GPU when there is one, move nested batches, time device code correctly.

``try_gpu`` and ``try_all_gpus`` are D2L's helpers: they return CUDA devices when they
exist and the CPU otherwise, so the same code runs on a laptop and on a GPU server.
``move_to`` copies every tensor inside a (possibly nested) batch to a device.
``time_ms`` times a function with CUDA events on a GPU and with the host clock on a CPU;
CUDA calls return as soon as the work is queued, so a host clock read without waiting for
the GPU measures the queueing, not the work.
"""

from __future__ import annotations

# --8<-- [start:imports]
import time
from collections.abc import Callable, Mapping
from typing import Any

import torch

# --8<-- [end:imports]

__all__ = ["move_to", "time_ms", "try_all_gpus", "try_gpu"]


# --8<-- [start:try_gpu]
def try_gpu(i: int = 0) -> torch.device:
    """Return the device ``cuda:i`` if that GPU exists, otherwise the CPU.

    Args:
        i: index of the GPU, ``>= 0``.

    Example:
        >>> import torch
        >>> from dlnotes.computation.devices import try_gpu
        >>> try_gpu().type in ("cuda", "cpu")
        True
        >>> try_gpu(10_000)  # no machine has that many GPUs
        device(type='cpu')
    """
    if isinstance(i, bool) or not isinstance(i, int):
        raise TypeError(f"i must be an int, got {type(i).__name__}")
    if i < 0:
        raise ValueError(f"i must be >= 0, got {i}")
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


def try_all_gpus() -> list[torch.device]:
    """Return every CUDA device, or ``[cpu]`` if there is none.

    Example:
        >>> from dlnotes.computation.devices import try_all_gpus, try_gpu
        >>> devices = try_all_gpus()
        >>> len(devices) >= 1, devices[0] == try_gpu()
        (True, True)
    """
    devices = [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
    return devices if devices else [torch.device("cpu")]


# --8<-- [end:try_gpu]


# --8<-- [start:move_to]
def move_to(obj: Any, device: str | torch.device, non_blocking: bool = False) -> Any:
    """Copy every tensor in ``obj`` (nested dicts, lists, tuples) to ``device``.

    Containers are rebuilt with the same type (named tuples included); anything that is
    not a tensor or a container (ints, strings, ``None``) is returned unchanged. A tensor
    already on ``device`` is returned as is, without a copy.

    Args:
        obj: a tensor or a container of tensors, e.g. a batch ``(x, y)`` or a dict.
        device: the target device, e.g. ``"cuda"`` or ``torch.device("cpu")``.
        non_blocking: allow asynchronous host-to-device copies (from pinned memory).

    Example:
        >>> import torch
        >>> from dlnotes.computation.devices import move_to
        >>> batch = {"x": torch.ones(2, 3), "y": [torch.zeros(2), 7]}
        >>> moved = move_to(batch, "meta")  # the meta device: shapes, no data
        >>> moved["x"].device, moved["y"][0].device, moved["y"][1]
        (device(type='meta'), device(type='meta'), 7)
    """
    device = torch.device(device)  # raises for a bad device string
    if isinstance(obj, torch.Tensor):
        return obj.to(device, non_blocking=non_blocking)
    if isinstance(obj, Mapping):
        return type(obj)({k: move_to(v, device, non_blocking) for k, v in obj.items()})
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple
        return type(obj)(*(move_to(v, device, non_blocking) for v in obj))
    if isinstance(obj, (list, tuple)):
        return type(obj)(move_to(v, device, non_blocking) for v in obj)
    return obj


# --8<-- [end:move_to]


# --8<-- [start:time_ms]
def time_ms(
    fn: Callable[[], object],
    device: str | torch.device = "cpu",
    warmup: int = 3,
    repeats: int = 10,
) -> float:
    """Milliseconds per call of ``fn`` on ``device``, after ``warmup`` untimed calls.

    On a CUDA device the time is read from two CUDA events recorded into the stream
    around the ``repeats`` calls: they mark when the GPU reached each point, and
    ``end.synchronize()`` waits until the GPU has passed the second one. On a CPU the
    host clock is enough, since CPU operations finish before they return.

    Args:
        fn: the work to time, called without arguments.
        device: where ``fn`` runs: ``"cpu"`` or a CUDA device.
        warmup: untimed calls first (allocator, cuBLAS/cuDNN heuristics, compilation).
        repeats: timed calls; the result is their mean.

    Example:
        >>> import torch
        >>> from dlnotes.computation.devices import time_ms
        >>> a = torch.randn(64, 64)
        >>> time_ms(lambda: a @ a, "cpu") > 0
        True
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    for name, value, minimum in (("warmup", warmup, 0), ("repeats", repeats, 1)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value}")
    device = torch.device(device)
    if device.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be a CPU or CUDA device, got {device}")

    for _ in range(warmup):
        fn()
    if device.type == "cpu":
        start = time.perf_counter()
        for _ in range(repeats):
            fn()
        return (time.perf_counter() - start) * 1000 / repeats

    stream = torch.cuda.current_stream(device)
    start_event = torch.cuda.Event(enable_timing=True)
    end_event = torch.cuda.Event(enable_timing=True)
    start_event.record(stream)  # queued: marks when the GPU gets here
    for _ in range(repeats):
        fn()
    end_event.record(stream)
    end_event.synchronize()  # wait until the GPU has done all the timed work
    return start_event.elapsed_time(end_event) / repeats  # elapsed_time is in ms


# --8<-- [end:time_ms]
