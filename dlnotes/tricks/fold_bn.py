"""Fold a BatchNorm into the convolution before it, for inference (T37).

In evaluation mode BatchNorm is a fixed per-channel affine map. With running mean
``mu``, running variance ``var``, scale ``gamma``, shift ``beta`` and ``eps``, output
channel ``o`` of ``bn(conv(x))`` is

    gamma_o * (conv(x)_o - mu_o) / sqrt(var_o + eps) + beta_o.

Because the convolution is linear in its weights, that equals one convolution with

    w'_o = w_o * s_o,      b'_o = (b_o - mu_o) * s_o + beta_o,   s_o = gamma_o / sqrt(var_o + eps)

(``b_o = 0`` for a convolution without bias). The folded network computes the same
function with one layer less: one kernel launch and one pass over the activations fewer
per block. It is only valid in evaluation mode: in training BatchNorm uses the batch's
statistics, not the running ones.
"""

from __future__ import annotations

# --8<-- [start:imports]
import copy
import itertools

import torch
from torch import nn

# --8<-- [end:imports]

__all__ = ["fold_batchnorm", "fold_bn_into_conv"]


# --8<-- [start:fold_bn_into_conv]
@torch.no_grad()
def fold_bn_into_conv(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    """A new ``Conv2d`` equal to ``bn(conv(x))`` with ``bn`` in evaluation mode.

    Works for any stride, padding, dilation, groups and padding mode, with or without a
    convolution bias; the inputs are not modified. The result always uses ``bn``'s
    running statistics (what ``bn`` computes in evaluation mode), whatever mode ``bn``
    is in.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.tricks.fold_bn import fold_bn_into_conv
        >>> conv, bn = nn.Conv2d(3, 4, 3, bias=False), nn.BatchNorm2d(4)
        >>> _ = bn.train()(conv(torch.randn(8, 3, 6, 6)))  # some running statistics
        >>> bn.eval()  # doctest: +ELLIPSIS
        BatchNorm2d(...)
        >>> x = torch.randn(2, 3, 6, 6)
        >>> torch.allclose(fold_bn_into_conv(conv, bn)(x), bn(conv(x)), atol=1e-5)
        True
    """
    if not isinstance(conv, nn.Conv2d):
        raise TypeError(f"conv must be an nn.Conv2d, got {type(conv).__name__}")
    if not isinstance(bn, nn.BatchNorm2d):
        raise TypeError(f"bn must be an nn.BatchNorm2d, got {type(bn).__name__}")
    if bn.num_features != conv.out_channels:
        raise ValueError(
            f"bn has {bn.num_features} channels but conv has {conv.out_channels} output channels"
        )
    if bn.running_mean is None or bn.running_var is None:
        raise ValueError(
            "bn tracks no running statistics (track_running_stats=False): nothing to fold"
        )
    fused = copy.deepcopy(conv)
    if fused.bias is None:
        fused.bias = nn.Parameter(torch.zeros_like(bn.running_mean))
    gamma = bn.weight if bn.affine else torch.ones_like(bn.running_var)
    beta = bn.bias if bn.affine else torch.zeros_like(bn.running_mean)
    scale = gamma / torch.sqrt(bn.running_var + bn.eps)  # (out_channels,)
    fused.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))  # scale each output filter
    fused.bias.copy_((fused.bias - bn.running_mean) * scale + beta)
    return fused


# --8<-- [end:fold_bn_into_conv]


# --8<-- [start:fold_batchnorm]
def fold_batchnorm(model: nn.Module) -> nn.Module:
    """A copy of ``model`` (in eval mode) with every Conv2d -> BatchNorm2d pair folded.

    Pairs are found as consecutive children of ``nn.Sequential`` containers, at any
    depth; the BatchNorm is replaced by ``nn.Identity`` so indices stay valid. Other
    layouts (a BatchNorm called in ``forward`` code) are left alone.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.tricks.fold_bn import fold_batchnorm
        >>> net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU()).eval()
        >>> folded = fold_batchnorm(net)
        >>> folded  # doctest: +NORMALIZE_WHITESPACE
        Sequential(
          (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))
          (1): Identity()
          (2): ReLU()
        )
        >>> x = torch.randn(1, 1, 5, 5)
        >>> torch.allclose(folded(x), net(x), atol=1e-6)
        True
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    model = copy.deepcopy(model).eval()
    for module in model.modules():
        if not isinstance(module, nn.Sequential):
            continue
        names = list(module._modules)
        for first, second in itertools.pairwise(names):
            conv, bn = module._modules[first], module._modules[second]
            if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                module._modules[first] = fold_bn_into_conv(conv, bn)
                module._modules[second] = nn.Identity()
    return model


# --8<-- [end:fold_batchnorm]
