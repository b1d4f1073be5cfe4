"""Layers and blocks: ``nn.Module`` subclasses written by hand (D2L, "Layers and modules").

A *block* is anything that maps tensors to tensors and owns parameters (possibly none):
one layer, several layers, or a whole model. In PyTorch every block is an ``nn.Module``:
``__init__`` creates and registers the sub-blocks and parameters, ``forward`` says how an
input becomes an output, and the module machinery (``parameters()``, ``state_dict()``,
``to(device)``, ``train()``/``eval()``, hooks) works recursively on whatever was
registered. This module holds the examples of the page:

* ``MLP``: a hidden layer and an output layer, the shape of every block;
* ``MySequential``: ``nn.Sequential`` from scratch, registering children with
  ``add_module`` so that ``parameters()`` and ``state_dict()`` see them;
* ``FixedHiddenMLP``: Python control flow and a constant (non-trainable) weight inside
  ``forward``;
* ``NestMLP``: blocks inside blocks.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
import torch.nn.functional as F
from torch import nn

# --8<-- [end:imports]

__all__ = ["MLP", "FixedHiddenMLP", "MySequential", "NestMLP"]


# --8<-- [start:mlp]
class MLP(nn.Module):
    """One hidden ReLU layer: ``(n, num_inputs) -> (n, num_outputs)``.

    Example:
        >>> import torch
        >>> from dlnotes.computation.blocks import MLP
        >>> net = MLP()  # 20 -> 256 -> 10, as in D2L
        >>> net(torch.rand(2, 20)).shape
        torch.Size([2, 10])
        >>> [name for name, _ in net.named_parameters()]
        ['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']
    """

    def __init__(self, num_inputs: int = 20, num_hiddens: int = 256, num_outputs: int = 10):
        super().__init__()  # sets up the registries (_parameters, _modules, _buffers)
        self.hidden = nn.Linear(num_inputs, num_hiddens)  # assigning a Module registers it
        self.output = nn.Linear(num_hiddens, num_outputs)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.output(F.relu(self.hidden(X)))  # (n, in) -> (n, hid) -> (n, out)


# --8<-- [end:mlp]


# --8<-- [start:my_sequential]
class MySequential(nn.Module):
    """``nn.Sequential`` from scratch: apply the given blocks one after the other.

    The children are registered under the names ``"0"``, ``"1"``, ... with
    ``add_module``, exactly as ``nn.Sequential`` does, so both have the same
    ``state_dict`` keys and one can load the other's weights.

    Args:
        *modules: the blocks, in the order they are applied; each must be an
            ``nn.Module`` (a plain function such as ``torch.relu`` is rejected: wrap it
            in ``nn.ReLU()`` or write a small module).

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.computation.blocks import MySequential
        >>> net = MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
        >>> net(torch.rand(2, 20)).shape
        torch.Size([2, 10])
        >>> list(net.state_dict())
        ['0.weight', '0.bias', '2.weight', '2.bias']
        >>> import torch.nn.functional as F
        >>> MySequential(nn.Linear(2, 2), F.relu)  # a function, not a module
        Traceback (most recent call last):
        ...
        TypeError: MySequential argument 1 must be an nn.Module, got function 'relu'
    """

    def __init__(self, *modules: nn.Module):
        super().__init__()
        for idx, module in enumerate(modules):
            if not isinstance(module, nn.Module):
                what = type(module).__name__
                name = getattr(module, "__name__", None)
                raise TypeError(
                    f"MySequential argument {idx} must be an nn.Module, got {what}"
                    + (f" {name!r}" if name else "")
                )
            # self._modules is the registry that parameters(), state_dict(), to() and
            # train()/eval() walk; a plain Python list would be invisible to them.
            self.add_module(str(idx), module)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for module in self._modules.values():  # insertion order = order of the arguments
            X = module(X)
        return X

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, idx: int) -> nn.Module:
        return list(self._modules.values())[idx]


# --8<-- [end:my_sequential]


# --8<-- [start:fixed_hidden_mlp]
class FixedHiddenMLP(nn.Module):
    """D2L's block with a constant weight and a ``while`` loop in ``forward``.

    ``rand_weight`` is drawn once and never trained: it is registered as a *buffer*, so
    it is not in ``parameters()`` (the optimizer ignores it) but it is in
    ``state_dict()`` and moves with ``.to(device)``. (D2L keeps it as a plain attribute,
    which also stays out of the optimizer but is neither saved nor moved.) The same
    ``linear`` layer is applied twice, so its parameters are shared between the two uses.
    ``forward`` returns a scalar.

    Args:
        num_features: input width (and width of every layer).
        generator: optional random generator for ``rand_weight``.

    Example:
        >>> import torch
        >>> from dlnotes.computation.blocks import FixedHiddenMLP
        >>> net = FixedHiddenMLP()
        >>> out = net(torch.rand(2, 20))
        >>> out.shape, bool(out.abs() <= 1)
        (torch.Size([]), True)
        >>> [name for name, _ in net.named_parameters()], list(net.state_dict())
        (['linear.weight', 'linear.bias'], ['rand_weight', 'linear.weight', 'linear.bias'])
    """

    def __init__(self, num_features: int = 20, generator: torch.Generator | None = None):
        super().__init__()
        # Constant, not trained: a buffer, not an nn.Parameter.
        self.register_buffer(
            "rand_weight", torch.rand(num_features, num_features, generator=generator)
        )
        self.linear = nn.Linear(num_features, num_features)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        X = self.linear(X)  # (n, d)
        X = F.relu(X @ self.rand_weight + 1)  # the constant weight, no gradient for it
        X = self.linear(X)  # the same layer again: shared parameters
        if not torch.isfinite(X).all():  # inf / 2 is inf: the loop would never end
            raise ValueError("FixedHiddenMLP got non-finite values; check the input")
        while X.abs().sum() > 1:  # control flow on a tensor's value
            X = X / 2
        return X.sum()  # ()


# --8<-- [end:fixed_hidden_mlp]


# --8<-- [start:nest_mlp]
class NestMLP(nn.Module):
    """A block whose first child is itself an ``nn.Sequential`` of blocks.

    Example:
        >>> import torch
        >>> from dlnotes.computation.blocks import NestMLP
        >>> NestMLP()(torch.rand(2, 20)).shape
        torch.Size([2, 16])
    """

    def __init__(self, num_inputs: int = 20):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(num_inputs, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.linear(self.net(X))  # (n, 20) -> (n, 32) -> (n, 16)


# --8<-- [end:nest_mlp]
