"""dlnotes.cnn.summary: shapes and parameter counts agree with running the layers by hand."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlnotes.cnn.summary import count_parameters, format_summary, summarize


def _net() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(4, 8, 3)),
        nn.Flatten(),
        nn.Dropout(0.5),
        nn.Linear(8 * 2 * 2, 3),
    )


def test_depth_one_matches_feeding_children_one_at_a_time() -> None:
    net, X = _net(), torch.zeros(2, 1, 8, 8)
    rows = summarize(net, X)
    expected, out = [], X
    net.eval()
    for name, child in net.named_children():
        out = child(out)
        expected.append((name, type(child).__name__, tuple(out.shape), count_parameters(child)))
    assert [(r.name, r.kind, r.output_shape, r.params) for r in rows] == expected


def test_deeper_levels_and_leaves_above_them() -> None:
    rows = summarize(_net(), torch.zeros(1, 1, 8, 8), depth=2)
    names = [r.name for r in rows]
    assert names == ["0", "1", "2", "3.0", "3.1", "4", "5", "6"]  # leaves above depth 2 kept
    assert sum(r.params for r in rows) == count_parameters(_net())


def test_restores_training_mode_and_removes_hooks() -> None:
    net = _net().train()
    summarize(net, torch.zeros(1, 1, 8, 8))
    assert net.training and all(m.training for m in net.modules())
    assert all(not m._forward_hooks for m in net.modules())
    net.eval()
    summarize(net, torch.zeros(1, 1, 8, 8))
    assert not net.training


def test_a_module_called_twice_gets_two_rows_and_shared_params_count_once() -> None:
    class Twice(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(3, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.lin(self.lin(x))

    net = Twice()
    rows = summarize(net, torch.zeros(1, 3))
    assert [r.name for r in rows] == ["lin", "lin"]
    assert count_parameters(net) == 12


def test_trainable_only() -> None:
    net = nn.Linear(4, 2)
    net.bias.requires_grad_(False)
    assert count_parameters(net) == 10 and count_parameters(net, trainable_only=True) == 8


def test_format_summary_lists_every_row_and_the_total() -> None:
    net = _net()
    text = format_summary(summarize(net, torch.zeros(1, 1, 8, 8)), net)
    lines = text.splitlines()
    assert len(lines) == 1 + 7 + 1
    assert lines[-1].split()[-1] == f"{count_parameters(net):,}"


def test_bad_input() -> None:
    with pytest.raises(TypeError, match=r"net must be an nn\.Module"):
        summarize(lambda x: x, torch.zeros(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"X must be a torch\.Tensor"):
        summarize(_net(), [1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="depth must be an int >= 1"):
        summarize(_net(), torch.zeros(1, 1, 8, 8), depth=0)
    with pytest.raises(TypeError, match=r"module must be an nn\.Module"):
        count_parameters("net")  # type: ignore[arg-type]
