"""Parameter groups for decoupled weight decay: weights decay, biases and norms do not."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlnotes.tricks.weight_decay import param_groups_weight_decay


def test_groups_split_weights_from_biases_and_norms():
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.Flatten(), nn.LazyLinear(4), nn.LayerNorm(4)
    )
    net(torch.rand(2, 3, 6, 6))  # materialize the lazy layer
    decay, no_decay = param_groups_weight_decay(net, 0.1, skip=())
    ids = lambda ps: {id(p) for p in ps}  # noqa: E731
    assert ids(decay["params"]) == {id(net[0].weight), id(net[3].weight)}
    assert id(net[1].weight) in ids(no_decay["params"]) and id(net[4].bias) in ids(
        no_decay["params"]
    )
    total = sum(p.numel() for p in net.parameters())
    assert sum(p.numel() for g in (decay, no_decay) for p in g["params"]) == total
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0


def test_adamw_leaves_no_decay_group_untouched_without_gradient():
    net = nn.Linear(3, 2)
    opt = torch.optim.AdamW(param_groups_weight_decay(net, 0.5), lr=0.1)
    w, b = net.weight.detach().clone(), net.bias.detach().clone()
    net.weight.grad, net.bias.grad = torch.zeros_like(w), torch.zeros_like(b)
    opt.step()
    torch.testing.assert_close(net.weight, w * (1 - 0.1 * 0.5))  # decoupled decay only
    assert torch.equal(net.bias, b)


def test_skip_and_frozen_and_errors():
    net = nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 1))
    net[1].weight.requires_grad_(False)
    decay, no_decay = param_groups_weight_decay(net, 0.1, skip=("0.weight",))
    assert decay["params"] == [] and len(no_decay["params"]) == 3
    with pytest.raises(ValueError, match=">= 0"):
        param_groups_weight_decay(net, -1.0)
    with pytest.raises(TypeError, match="number"):
        param_groups_weight_decay(net, "0.1")


@pytest.mark.parametrize(
    "norm",
    [
        nn.BatchNorm2d(4),
        nn.GroupNorm(2, 4),
        nn.InstanceNorm2d(4, affine=True),
        nn.LayerNorm([4, 3, 3]),
    ],
)
def test_every_norm_layer_is_exempt_even_with_2d_parameters(norm):
    net = nn.Sequential(nn.Conv2d(2, 4, 3, bias=False), norm)
    decay, no_decay = param_groups_weight_decay(net, 0.1)
    assert [id(p) for p in decay["params"]] == [id(net[0].weight)]
    assert {id(p) for p in no_decay["params"]} == {id(p) for p in norm.parameters()}


def test_tied_weights_appear_once():
    emb = nn.Embedding(10, 4)
    head = nn.Linear(4, 10, bias=False)
    head.weight = emb.weight  # weight tying, as in language models
    net = nn.Sequential(emb, head)
    decay, no_decay = param_groups_weight_decay(net, 0.1)
    assert len(decay["params"]) == 1 and no_decay["params"] == []
    torch.optim.AdamW([decay, no_decay])  # would raise if a parameter were in two groups
