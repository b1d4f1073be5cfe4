"""Seeds and random-number-generator state (T41).

``seed_everything`` seeds the three generators a PyTorch program usually draws from
(Python's ``random``, NumPy's global generator and PyTorch's CPU and CUDA generators) and
can switch PyTorch to deterministic algorithms. ``capture_rng_state`` and
``restore_rng_state`` save and restore all of them, in a form that
``torch.load(weights_only=True)`` accepts (tensors, lists, ints and strings only), so a
checkpoint can carry them and a resumed run draws the same random numbers as an
uninterrupted one.

What stays nondeterministic even with a fixed seed: some CUDA kernels (atomic adds in
``index_add_``, scatter, some convolution backward algorithms) unless
``torch.use_deterministic_algorithms(True)`` is set; a different number of CPU threads or
a different PyTorch/CUDA version; DataLoader workers that draw from an unseeded generator.
"""

from __future__ import annotations

# --8<-- [start:imports]
import os
import random
from typing import Any

import numpy as np
import torch

# --8<-- [end:imports]

__all__ = ["capture_rng_state", "restore_rng_state", "seed_everything"]


# --8<-- [start:seed_everything]
def seed_everything(seed: int, *, deterministic: bool = False) -> None:
    """Seed Python, NumPy and PyTorch (CPU and every GPU); optionally go deterministic.

    Args:
        seed: a non-negative integer.
        deterministic: also call ``torch.use_deterministic_algorithms(True)``, turn off
            cuDNN's autotuner and set ``CUBLAS_WORKSPACE_CONFIG`` (needed by cuBLAS for
            reproducible matmuls). Operations without a deterministic implementation
            then raise instead of silently varying.

    Example:
        >>> import torch
        >>> from dlnotes.train import seed_everything
        >>> seed_everything(0); a = torch.rand(2)
        >>> seed_everything(0); b = torch.rand(2)
        >>> torch.equal(a, b)
        True
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 (the global generator is what code uses)
    torch.manual_seed(seed)  # seeds the CPU generator and every CUDA device's
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.benchmark = False


# --8<-- [end:seed_everything]


# --8<-- [start:rng_state]
def capture_rng_state() -> dict[str, Any]:
    """Return the state of every random generator, safe for ``weights_only`` loading.

    Example:
        >>> import torch
        >>> from dlnotes.train import capture_rng_state, restore_rng_state
        >>> state = capture_rng_state()
        >>> a = torch.rand(3)
        >>> restore_rng_state(state)
        >>> torch.equal(a, torch.rand(3))
        True
    """
    version, mt_state, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state()  # noqa: NPY002
    state: dict[str, Any] = {
        "python": [version, list(mt_state), gauss],
        "numpy": [name, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict[str, Any]) -> None:
    """Restore generators from ``capture_rng_state``'s result (CUDA only if present)."""
    missing = {"python", "numpy", "torch"} - set(state)
    if missing:
        raise ValueError(f"RNG state is missing {sorted(missing)}")
    version, mt_state, gauss = state["python"]
    random.setstate((version, tuple(mt_state), gauss))
    name, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), pos, has_gauss, cached))  # noqa: NPY002
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


# --8<-- [end:rng_state]
