"""Checkpoints that are never half written and load without running pickled code (T43).

``save_checkpoint`` writes to a temporary file in the same folder, flushes it to disk and
then renames it over the target. A rename within one file system is atomic on POSIX and
Windows (``os.replace``), so a process killed at any moment leaves either the previous
checkpoint or the new one, never a truncated file. ``load_checkpoint`` uses
``torch.load(weights_only=True)``: only tensors and plain containers are unpickled, so a
checkpoint from an untrusted source cannot execute code.
"""

from __future__ import annotations

# --8<-- [start:imports]
import os
import tempfile
from pathlib import Path
from typing import Any

import torch

# --8<-- [end:imports]

__all__ = ["load_checkpoint", "save_checkpoint"]


# --8<-- [start:save_checkpoint]
def save_checkpoint(state: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Atomically write ``state`` (tensors, numbers, strings, lists, dicts) to ``path``.

    Example:
        >>> import tempfile, torch
        >>> from pathlib import Path
        >>> from dlnotes.train import load_checkpoint, save_checkpoint
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = save_checkpoint({"w": torch.ones(2), "step": 3}, Path(d) / "ckpt.pt")
        ...     load_checkpoint(p)["step"], sorted(f.name for f in Path(d).iterdir())
        (3, ['ckpt.pt'])
    """
    if not isinstance(state, dict):
        raise TypeError(f"state must be a dict, got {type(state).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file lives next to the target: os.replace is only atomic within
    # one file system.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename
        os.replace(tmp, path)  # atomic: readers see the old file or the new one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


# --8<-- [end:save_checkpoint]


# --8<-- [start:load_checkpoint]
def load_checkpoint(
    path: str | os.PathLike[str], map_location: str | torch.device = "cpu"
) -> dict[str, Any]:
    """Load a checkpoint written by ``save_checkpoint`` with ``weights_only=True``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    state = torch.load(path, map_location=map_location, weights_only=True)
    if not isinstance(state, dict):
        raise ValueError(f"{path} does not hold a checkpoint dict (got {type(state).__name__})")
    return state


# --8<-- [end:load_checkpoint]
