"""Stochastic gradient descent with momentum and Nesterov momentum, as ``torch.optim.SGD``.

With gradient ``g_t`` (plus ``weight_decay * x`` if set), momentum ``mu`` and dampening
``tau``, PyTorch's rule is::

    b_1 = g_1,   b_t = mu * b_{t-1} + (1 - tau) * g_t      (the momentum buffer)
    d_t = g_t + mu * b_t   (nesterov)   or   d_t = b_t      (heavy ball)
    x_t = x_{t-1} - lr * d_t

With ``mu = 0`` it is plain (minibatch) SGD. The learning rate multiplies the buffer, not
the gradient inside it (Sutskever et al. 2013 write it the other way round): the two agree
for a constant learning rate and differ when a schedule changes it.
"""

from __future__ import annotations

# --8<-- [start:SGD]
import torch

from dlnotes.optim.base import ScratchOptimizer, check_hyper

__all__ = ["SGD"]


class SGD(ScratchOptimizer):
    """SGD with optional (Nesterov) momentum, dampening and L2 weight decay.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()  # gradient 2w
        ...     opt.step()
        >>> w.data  # steps of 0.1 * 2w, then 0.1 * (0.9 * 2w_0 + 2w_1)
        tensor([ 0.4600, -0.9200])
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        check_hyper(lr, "lr")
        check_hyper(momentum, "momentum")
        check_hyper(dampening, "dampening")
        check_hyper(weight_decay, "weight_decay")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires momentum > 0 and dampening = 0")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
        )
        super().__init__(params, defaults)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        g = grad + group["weight_decay"] * p  # L2 penalty: its gradient is wd * x
        mu = group["momentum"]
        if mu != 0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = g.clone()  # b_1 = g_1
            else:
                b = state["momentum_buffer"]
                b.mul_(mu).add_(g, alpha=1 - group["dampening"])  # b = mu b + (1 - tau) g
            b = state["momentum_buffer"]
            g = g + mu * b if group["nesterov"] else b  # look ahead, or follow the buffer
        p.add_(g, alpha=-group["lr"])


# --8<-- [end:SGD]
