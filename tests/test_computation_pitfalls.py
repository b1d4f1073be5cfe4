"""dlnotes.computation.pitfalls: graph memory measurement and the logger helper."""

from __future__ import annotations

import io
import itertools
import logging

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from dlnotes.computation.pitfalls import GraphFootprint, get_logger, graph_footprint


def _model_and_batches(steps: int = 5, batch: int = 8, hidden: int = 32):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(6, hidden), nn.ReLU(), nn.Linear(hidden, 3))
    g = torch.Generator().manual_seed(0)
    batches = [
        (torch.randn(batch, 6, generator=g), torch.randint(0, 3, (batch,), generator=g))
        for _ in range(steps)
    ]
    return net, batches


def test_saved_bytes_grow_by_one_step_of_activations() -> None:
    net, batches = _model_and_batches(batch=8, hidden=32)
    total, saved = 0.0, []
    for X, y in batches:
        total += F.cross_entropy(net(X), y)
        saved.append(graph_footprint(total).saved_bytes)
    # per step: input (8x6), hidden (8x32), log-probs (8x3) as float32, targets int64,
    # and the loss's 4-byte scalar; once: the second layer's weight (3x32 float32)
    per_step = 4 * (8 * 6 + 8 * 32 + 8 * 3) + 8 * 8 + 4
    assert saved == [4 * 3 * 32 + k * per_step for k in range(1, 6)]


def test_nodes_grow_linearly_and_backward_frees_the_saved_tensors() -> None:
    net, batches = _model_and_batches()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    total, footprints = 0.0, []
    for X, y in batches:
        loss = F.cross_entropy(net(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss
        footprints.append(graph_footprint(total))
    nodes = [f.nodes for f in footprints]
    assert all(f.saved_bytes == 0 for f in footprints)
    assert len({b - a for a, b in itertools.pairwise(nodes)}) == 1 and nodes[1] > nodes[0]


def test_item_detach_and_grad_modes_hold_no_graph() -> None:
    net, batches = _model_and_batches()
    for accumulate in (lambda t: t.item(), lambda t: t.detach()):
        total = 0.0
        for X, y in batches:
            total += accumulate(F.cross_entropy(net(X), y))
        assert graph_footprint(total) == GraphFootprint(0, 0)
    for mode in (torch.no_grad, torch.inference_mode):
        with mode():
            loss = F.cross_entropy(net(batches[0][0]), batches[0][1])
        assert graph_footprint(loss) == GraphFootprint(0, 0)


def test_retain_graph_keeps_saved_tensors() -> None:
    w = torch.ones(100, requires_grad=True)
    loss = (w * torch.randn(100)).exp().sum()
    before = graph_footprint(loss)
    loss.backward(retain_graph=True)
    assert graph_footprint(loss) == before and before.saved_bytes == 2 * 4 * 100
    loss.backward()
    assert graph_footprint(loss) == GraphFootprint(before.nodes, 0)


def test_shared_storage_counts_once() -> None:
    w = torch.ones(50, requires_grad=True)
    x = torch.randn(50)
    loss = (w * x).sum() + (w * x).sum()  # both products save the same x
    assert graph_footprint(loss).saved_bytes == 4 * 50


def test_graph_footprint_matches_a_hand_count() -> None:
    w = torch.ones(10, requires_grad=True)
    y = (w + 3).sum()  # Sum <- Add <- AccumulateGrad(w); neither saves a tensor
    assert graph_footprint(y) == GraphFootprint(3, 0)


def test_graph_footprint_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="tensor or a Python number"):
        graph_footprint("loss")
    with pytest.raises(TypeError, match="tensor or a Python number"):
        graph_footprint(True)
    assert graph_footprint(3) == GraphFootprint(0, 0)


def test_get_logger_has_one_handler_and_does_not_propagate(caplog) -> None:
    buf = io.StringIO()
    for _ in range(3):
        log = get_logger("dlnotes-test-logger", buf, fmt="%(message)s")
    with caplog.at_level(logging.INFO):
        log.info("step %d", 7)
    assert buf.getvalue() == "step 7\n"
    assert caplog.records == []  # nothing reached the root logger
    ours = [h for h in log.handlers if getattr(h, "_dlnotes", False)]
    assert len(ours) == 1


def test_get_logger_levels_and_replacing_the_stream() -> None:
    first, second = io.StringIO(), io.StringIO()
    log = get_logger("dlnotes-test-levels", first, level=logging.WARNING, fmt="%(levelname)s")
    log.info("dropped")
    log.warning("kept")
    log = get_logger("dlnotes-test-levels", second, fmt="%(message)s")
    log.info("now here")
    assert first.getvalue() == "WARNING\n" and second.getvalue() == "now here\n"


def test_get_logger_keeps_foreign_handlers() -> None:
    log = logging.getLogger("dlnotes-test-foreign")
    foreign = logging.NullHandler()
    log.addHandler(foreign)
    try:
        get_logger("dlnotes-test-foreign", io.StringIO())
        assert foreign in log.handlers and len(log.handlers) == 2
    finally:
        log.handlers.clear()


def test_get_logger_rejects_bad_name() -> None:
    with pytest.raises(ValueError, match="non-empty string"):
        get_logger("")
