"""Compare a from-scratch function with the PyTorch built-in: values and gradients."""

from __future__ import annotations

from collections.abc import Callable

import torch


def values_and_grads(
    fn: Callable[..., torch.Tensor], *inputs: torch.Tensor
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """``fn(*inputs)`` and the gradient of a fixed random-looking projection of it.

    Projecting onto ``linspace(-1, 2)`` instead of summing makes every output element
    matter with a different weight, so a gradient routed to the wrong element shows up.
    Only floating-point inputs get gradients (class indices, say, do not).
    """
    leaves = [x.detach().clone().requires_grad_(x.is_floating_point()) for x in inputs]
    out = fn(*leaves)
    weight = torch.linspace(-1.0, 2.0, out.numel(), dtype=out.dtype).reshape(out.shape)
    (out * weight).sum().backward()
    return out.detach(), [x.grad for x in leaves if x.requires_grad]


def assert_same_as_builtin(
    ours: Callable[..., torch.Tensor], builtin: Callable[..., torch.Tensor], *inputs: torch.Tensor
) -> None:
    """Assert equal values and equal gradients wrt every floating-point input."""
    value, grads = values_and_grads(ours, *inputs)
    ref_value, ref_grads = values_and_grads(builtin, *inputs)
    torch.testing.assert_close(value, ref_value)
    for g, r in zip(grads, ref_grads, strict=True):
        torch.testing.assert_close(g, r)
