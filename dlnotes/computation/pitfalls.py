"""Measuring a Python pitfall of training code, and configuring a logger once.

``graph_footprint`` walks the autograd graph that a tensor keeps alive and reports how
many graph nodes it reaches and how many bytes of *saved tensors* (the activations that
backward will need) those nodes still hold. Summing losses as tensors (``total +=
loss``) makes ``total`` reach every step's graph; summing ``loss.item()`` reaches none.
Counting bytes exactly, rather than reading the process memory, makes the measurement
deterministic.

``get_logger`` configures a named logger with exactly one handler, however often it is
called (adding a handler per call is how log lines end up printed twice).
"""

from __future__ import annotations

# --8<-- [start:imports]
import logging
from typing import IO, NamedTuple

import torch

# --8<-- [end:imports]

__all__ = ["GraphFootprint", "get_logger", "graph_footprint"]


# --8<-- [start:graph_footprint]
class GraphFootprint(NamedTuple):
    """What a tensor's autograd graph holds: node count and bytes of saved tensors."""

    nodes: int
    saved_bytes: int


def _saved_tensors(node: object) -> list[torch.Tensor]:
    """The tensors a graph node saved for backward and still holds.

    PyTorch exposes them as attributes ``_saved_<name>`` (``_saved_self``,
    ``_saved_result``, ...); after ``backward()`` has freed them, reading one raises.
    """
    found = []
    for name in dir(node):
        if not name.startswith("_saved_"):
            continue
        try:
            value = getattr(node, name)
        except RuntimeError:  # already freed by a backward pass
            continue
        values = value if isinstance(value, (tuple, list)) else (value,)
        found += [v for v in values if isinstance(v, torch.Tensor)]
    return found


def graph_footprint(value: torch.Tensor | float) -> GraphFootprint:
    """Count the autograd nodes reachable from ``value`` and the bytes they have saved.

    Bytes are counted per storage, once: a parameter saved at every step counts once, a
    new activation saved at every step counts every time. A Python number (what
    ``loss.item()`` returns) and a tensor without ``grad_fn`` reach no graph.

    Example:
        >>> import torch
        >>> from dlnotes.computation.pitfalls import graph_footprint
        >>> w = torch.ones(1000, requires_grad=True)
        >>> loss = (w * torch.ones(1000)).exp().sum()  # mul and exp each save 1000 floats
        >>> graph_footprint(loss)
        GraphFootprint(nodes=4, saved_bytes=8000)
        >>> graph_footprint(loss.item()), graph_footprint(loss.detach())
        (GraphFootprint(nodes=0, saved_bytes=0), GraphFootprint(nodes=0, saved_bytes=0))
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return GraphFootprint(0, 0)  # a Python number holds no graph
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"value must be a tensor or a Python number, got {type(value).__name__}")
    seen: set[object] = set()  # the nodes themselves: kept alive, so no id is reused
    storages: dict[tuple[str, int], int] = {}  # (device, data_ptr) -> bytes
    stack = [value.grad_fn] if value.grad_fn is not None else []
    while stack:  # depth-first walk from the output towards the leaves
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in _saved_tensors(node):
            storage = t.untyped_storage()
            storages[(str(t.device), storage.data_ptr())] = storage.nbytes()
        stack += [child for child, _ in node.next_functions if child is not None]
    return GraphFootprint(len(seen), sum(storages.values()))


# --8<-- [end:graph_footprint]


# --8<-- [start:get_logger]
def get_logger(
    name: str,
    stream: IO[str] | None = None,
    level: int = logging.INFO,
    fmt: str = "%(levelname)s %(name)s: %(message)s",
) -> logging.Logger:
    """The logger ``name``, writing to ``stream`` (default: stderr) through ONE handler.

    Calling it again replaces the handler it added before instead of adding a second
    one, and the logger does not pass records on to the root logger, so each message is
    written exactly once.

    Example:
        >>> import io
        >>> from dlnotes.computation.pitfalls import get_logger
        >>> buf = io.StringIO()
        >>> log = get_logger("demo", buf)
        >>> log = get_logger("demo", buf)  # configured twice: still one handler
        >>> log.info("epoch %d loss %.3f", 1, 0.25)
        >>> log.debug("not shown: below the INFO level")
        >>> buf.getvalue()
        'INFO demo: epoch 1 loss 0.250\\n'
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    logger = logging.getLogger(name)
    for old in [h for h in logger.handlers if getattr(h, "_dlnotes", False)]:
        logger.removeHandler(old)  # ours from an earlier call: replace, do not add
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(fmt))
    handler._dlnotes = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False  # the root logger's handlers would print it a second time
    return logger


# --8<-- [end:get_logger]
