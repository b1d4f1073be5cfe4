"""Parameter management: counting, listing and initializing the parameters of a block.

``nn.Module`` keeps three registries: ``_parameters`` (``nn.Parameter`` tensors, trained
by the optimizer), ``_buffers`` (tensors saved with the model but not trained, such as
BatchNorm's running statistics) and ``_modules`` (the children). ``parameters()``,
``named_parameters()``, ``buffers()``, ``state_dict()``, ``children()`` and ``modules()``
walk them recursively. A parameter object registered in two places (a *tied* or *shared*
parameter) is one tensor: ``parameters()`` yields it once, ``state_dict()`` lists it under
both names.

* ``block1``, ``block2``: D2L's nested example network, blocks inside blocks;
* ``count_parameters``: number of scalars, each shared tensor counted once;
* ``describe``: one line per parameter (and buffer) with its shape, aliases marked;
* ``init_normal``, ``init_constant``, ``my_init``: functions for ``module.apply`` (D2L's
  built-in and custom initialization), run under ``torch.no_grad()``. For Xavier and
  Kaiming see ``dlnotes.tricks.init.init_weights``.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch import nn

# --8<-- [end:imports]

__all__ = [
    "block1",
    "block2",
    "count_parameters",
    "describe",
    "init_constant",
    "init_normal",
    "my_init",
]


# --8<-- [start:nested]
def block1() -> nn.Sequential:
    """Four layers, ``(n, 4) -> (n, 4)``: Linear, ReLU, Linear, ReLU."""
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())


def block2(num_blocks: int = 4) -> nn.Sequential:
    """``num_blocks`` copies of ``block1`` (new parameters each), named ``"block 0"``, ...

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.computation.parameters import block2
        >>> rgnet = nn.Sequential(block2(), nn.Linear(4, 1))  # D2L's nested network
        >>> rgnet(torch.rand(2, 4)).shape
        torch.Size([2, 1])
        >>> [name for name, _ in rgnet[0].named_children()]
        ['block 0', 'block 1', 'block 2', 'block 3']
    """
    net = nn.Sequential()
    for i in range(num_blocks):
        net.add_module(f"block {i}", block1())  # any string is a valid child name
    return net


# --8<-- [end:nested]


# --8<-- [start:count_parameters]
def _check_module(module: object) -> nn.Module:
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be an nn.Module, got {type(module).__name__}")
    return module


def _check_initialized(name: str, p: torch.Tensor) -> None:
    if isinstance(p, nn.parameter.UninitializedParameter):
        raise ValueError(
            f"parameter {name!r} is uninitialized (lazy module): run a forward pass first"
        )


def count_parameters(module: nn.Module, trainable_only: bool = False) -> int:
    """Number of scalar parameters of ``module``; a shared tensor counts once.

    Args:
        module: a layer or a whole network.
        trainable_only: count only parameters with ``requires_grad=True``.

    Example:
        >>> from torch import nn
        >>> from dlnotes.computation.parameters import count_parameters
        >>> count_parameters(nn.Linear(4, 8))  # 4 * 8 weights + 8 biases
        40
        >>> shared = nn.Linear(8, 8)
        >>> count_parameters(nn.Sequential(shared, nn.ReLU(), shared))  # 72, not 144
        72
        >>> count_parameters(nn.LazyLinear(3))
        Traceback (most recent call last):
        ...
        ValueError: parameter 'weight' is uninitialized (lazy module): run a forward pass first
    """
    _check_module(module)
    total = 0
    for name, p in module.named_parameters():  # remove_duplicate=True: each tensor once
        _check_initialized(name, p)
        if p.requires_grad or not trainable_only:
            total += p.numel()
    return total


# --8<-- [end:count_parameters]


# --8<-- [start:describe]
def describe(module: nn.Module, buffers: bool = True) -> str:
    """A table of the parameters (and buffers) of ``module``: name, kind, shape, size.

    A tensor reachable under several names (a tied parameter) is listed under every
    name, marked ``= first_name``, and counted once in the total.

    Args:
        module: a layer or a whole network.
        buffers: also list the buffers (saved with the model, not trained).

    Example:
        >>> from torch import nn
        >>> from dlnotes.computation.parameters import describe
        >>> shared = nn.Linear(2, 2)
        >>> print(describe(nn.Sequential(nn.Linear(3, 2), shared, shared, nn.BatchNorm1d(2))))
        0.weight               param   (2, 3)  6
        0.bias                 param   (2,)    2
        1.weight               param   (2, 2)  4
        1.bias                 param   (2,)    2
        2.weight               param   (2, 2)  = 1.weight
        2.bias                 param   (2,)    = 1.bias
        3.weight               param   (2,)    2
        3.bias                 param   (2,)    2
        3.running_mean         buffer  (2,)    2
        3.running_var          buffer  (2,)    2
        3.num_batches_tracked  buffer  ()      1
        total: 18 parameters in 6 tensors, 5 buffer elements
    """
    _check_module(module)
    tensors = [("param", n, p) for n, p in module.named_parameters(remove_duplicate=False)]
    if buffers:
        tensors += [("buffer", n, b) for n, b in module.named_buffers(remove_duplicate=False)]
    rows, first_name = [], {}
    n_params, n_tensors, n_buffer = 0, 0, 0
    for kind, name, t in tensors:
        _check_initialized(name, t)
        if id(t) in first_name:  # the same tensor object under a second name
            rows.append((name, kind, tuple(t.shape), f"= {first_name[id(t)]}"))
            continue
        first_name[id(t)] = name
        rows.append((name, kind, tuple(t.shape), str(t.numel())))
        if kind == "param":
            n_params, n_tensors = n_params + t.numel(), n_tensors + 1
        else:
            n_buffer += t.numel()
    width = max((len(r[0]) for r in rows), default=0)
    shape_width = max((len(str(r[2])) for r in rows), default=0)
    lines = [f"{n:<{width}}  {k:<6}  {s!s:<{shape_width}}  {c}" for n, k, s, c in rows]
    summary = f"total: {n_params} parameters in {n_tensors} tensors"
    lines.append(summary + (f", {n_buffer} buffer elements" if buffers else ""))
    return "\n".join(lines)


# --8<-- [end:describe]


# --8<-- [start:init_fns]
def init_normal(module: nn.Module, std: float = 0.01) -> None:
    """For ``net.apply``: weights of every ``nn.Linear`` ~ N(0, std^2), biases 0.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.computation.parameters import init_normal
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)).apply(init_normal)
        >>> net[0].bias.abs().sum().item(), net[0].weight.abs().max().item() < 0.1
        (0.0, True)
    """
    if isinstance(module, nn.Linear):  # apply() visits every module; act on Linear only
        nn.init.normal_(module.weight, mean=0.0, std=std)  # nn.init runs under no_grad
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def init_constant(module: nn.Module, value: float = 1.0) -> None:
    """For ``net.apply``: every ``nn.Linear`` weight set to ``value``, biases 0.

    All units of a layer then compute the same function and receive the same gradient:
    fine for a demonstration, fatal for training (the symmetry is never broken).

    Example:
        >>> from torch import nn
        >>> from dlnotes.computation.parameters import init_constant
        >>> nn.Linear(2, 2).apply(init_constant).weight
        Parameter containing:
        tensor([[1., 1.],
                [1., 1.]], requires_grad=True)
    """
    if isinstance(module, nn.Linear):
        nn.init.constant_(module.weight, value)
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def my_init(module: nn.Module, generator: torch.Generator | None = None) -> None:
    """D2L's custom initialization: U(-10, 10), then zero every weight with |w| < 5.

    Each weight is 0 with probability 1/2 and otherwise uniform on ``[5, 10)`` or
    ``(-10, -5]``. The in-place edits of a leaf that requires grad must not be recorded
    by autograd, hence ``torch.no_grad()`` (D2L writes ``m.weight.data`` instead).

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.computation.parameters import my_init
        >>> w = nn.Linear(100, 100).apply(my_init).weight
        >>> bool(((w == 0) | (w.abs() >= 5)).all()), round((w == 0).float().mean().item(), 1)
        (True, 0.5)
    """
    if isinstance(module, nn.Linear):
        with torch.no_grad():
            module.weight.uniform_(-10, 10, generator=generator)
            module.weight.mul_(module.weight.abs() >= 5)  # keep only |w| >= 5


# --8<-- [end:init_fns]
