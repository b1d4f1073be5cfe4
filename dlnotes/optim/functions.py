"""Small test functions and the path an optimizer takes on them.

Any ``torch.optim`` optimizer (or a from-scratch one from this package) can be run on a
function of a few variables with :func:`trajectory`; the chapter's trajectory figures are
made with it, so they show the real update rules.
"""

from __future__ import annotations

# --8<-- [start:functions]
from collections.abc import Callable, Sequence

import torch

__all__ = ["elongated_quadratic", "rosenbrock", "trajectory"]


def elongated_quadratic(x: torch.Tensor) -> torch.Tensor:
    """``f(x) = 0.1 x_1^2 + 2 x_2^2``: 20 times steeper along ``x_2`` than along ``x_1``.

    Example:
        >>> elongated_quadratic(torch.tensor([1.0, 1.0]))
        tensor(2.1000)
    """
    return 0.1 * x[0] ** 2 + 2 * x[1] ** 2


def rosenbrock(x: torch.Tensor) -> torch.Tensor:
    """``f(x) = (1 - x_1)^2 + 100 (x_2 - x_1^2)^2``: a curved valley, minimum 0 at (1, 1).

    Example:
        >>> rosenbrock(torch.tensor([1.0, 1.0]))
        tensor(0.)
    """
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def trajectory(
    make_optimizer: Callable[[list[torch.nn.Parameter]], torch.optim.Optimizer],
    f: Callable[[torch.Tensor], torch.Tensor],
    start: Sequence[float],
    steps: int,
) -> torch.Tensor:
    """Run ``steps`` optimizer steps on ``f`` from ``start``; return every point visited.

    Args:
        make_optimizer: builds the optimizer from a parameter list, e.g.
            ``lambda params: torch.optim.SGD(params, lr=0.1)``.
        f: the function to minimize, of a 1-D tensor.
        start: the starting point.
        steps: the number of steps.

    Returns:
        A ``(steps + 1, len(start))`` float64 tensor, the start included.

    Example:
        >>> path = trajectory(lambda p: torch.optim.SGD(p, lr=0.4), elongated_quadratic,
        ...                   [-5.0, -2.0], steps=2)
        >>> path
        tensor([[-5.0000, -2.0000],
                [-4.6000,  1.2000],
                [-4.2320, -0.7200]], dtype=torch.float64)
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    x = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
    if x.dim() != 1:
        raise ValueError(f"start must be a flat sequence of numbers, got shape {tuple(x.shape)}")
    optimizer = make_optimizer([x])
    points = [x.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        f(x).backward()
        optimizer.step()
        points.append(x.detach().clone())
    return torch.stack(points)


# --8<-- [end:functions]
