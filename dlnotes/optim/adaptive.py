"""Per-coordinate learning rates: AdaGrad, RMSProp and AdaDelta, as in ``torch.optim``.

All three divide the gradient by a running measure of its size, coordinate by
coordinate, so that rarely or weakly updated coordinates take larger steps:

* AdaGrad sums the squared gradients: the step only ever shrinks.
* RMSProp replaces the sum by an exponential moving average ("leaky" AdaGrad).
* AdaDelta also keeps an average of the squared *updates* and uses it in place of the
  learning rate, so that the update has the units of the parameter.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch

from dlnotes.optim.base import ScratchOptimizer, check_hyper

# --8<-- [end:imports]

__all__ = ["Adadelta", "Adagrad", "RMSprop"]


# --8<-- [start:Adagrad]
class Adagrad(ScratchOptimizer):
    """AdaGrad (Duchi et al., 2011): ``s += g^2``, ``x -= lr_t * g / (sqrt(s) + eps)``.

    ``lr_t = lr / (1 + (t - 1) * lr_decay)``; ``s`` starts at ``initial_accumulator_value``.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0, 100.0]))
        >>> opt = Adagrad([w], lr=0.5)
        >>> opt.zero_grad(); (w ** 2).sum().backward(); opt.step()  # gradient (2, 200)
        >>> w.data  # both coordinates move by lr = 0.5: the scale of g cancels
        tensor([ 0.5000, 99.5000])
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        for value, name in [
            (lr, "lr"),
            (lr_decay, "lr_decay"),
            (weight_decay, "weight_decay"),
            (initial_accumulator_value, "initial_accumulator_value"),
            (eps, "eps"),
        ]:
            check_hyper(value, name)
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        super().__init__(params, defaults)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        if not state:
            state["step"] = 0
            state["sum"] = torch.full_like(p, group["initial_accumulator_value"])
        state["step"] += 1
        g = grad + group["weight_decay"] * p
        lr_t = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"].addcmul_(g, g)  # s = s + g * g: the sum of all squared gradients
        p.addcdiv_(g, state["sum"].sqrt() + group["eps"], value=-lr_t)


# --8<-- [end:Adagrad]


# --8<-- [start:RMSprop]
class RMSprop(ScratchOptimizer):
    """RMSProp (Tieleman and Hinton, 2012): ``v = alpha v + (1 - alpha) g^2``.

    The step is ``g / (sqrt(v) + eps)``; ``centered`` subtracts the squared mean gradient
    from ``v`` (an estimate of the variance), and ``momentum`` accumulates the steps in a
    buffer as SGD does.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = RMSprop([w], lr=0.01)
        >>> opt.zero_grad(); (w ** 2).sum().backward(); opt.step()
        >>> round(1.0 - w.item(), 4)  # first step: g / sqrt(0.01 g^2) = 10, times lr
        0.1
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        check_hyper(lr, "lr")
        check_hyper(alpha, "alpha", high=1.0)
        check_hyper(eps, "eps")
        check_hyper(weight_decay, "weight_decay")
        check_hyper(momentum, "momentum")
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
        )
        super().__init__(params, defaults)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        if not state:
            state["square_avg"] = torch.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = torch.zeros_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = torch.zeros_like(p)
        alpha = group["alpha"]
        g = grad + group["weight_decay"] * p
        v = state["square_avg"].mul_(alpha).addcmul_(g, g, value=1 - alpha)  # leaky average
        if group["centered"]:
            m = state["grad_avg"].mul_(alpha).add_(g, alpha=1 - alpha)
            denom = (v - m * m).sqrt() + group["eps"]  # sqrt of a variance estimate
        else:
            denom = v.sqrt() + group["eps"]
        if group["momentum"] > 0:
            buf = state["momentum_buffer"].mul_(group["momentum"]).addcdiv_(g, denom)
            p.add_(buf, alpha=-group["lr"])
        else:
            p.addcdiv_(g, denom, value=-group["lr"])


# --8<-- [end:RMSprop]


# --8<-- [start:Adadelta]
class Adadelta(ScratchOptimizer):
    """AdaDelta (Zeiler, 2012): no learning rate in the original, ``lr`` scales it here.

    ``s = rho s + (1 - rho) g^2``; ``g' = sqrt(delta + eps) / sqrt(s + eps) * g``;
    ``delta = rho delta + (1 - rho) g'^2``; ``x -= lr * g'``.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = Adadelta([w])  # lr = 1.0, rho = 0.9, eps = 1e-6
        >>> opt.zero_grad(); (w ** 2).sum().backward(); opt.step()
        >>> round(1.0 - w.item(), 6)  # sqrt(1e-6) / sqrt(0.1 * 4 + 1e-6) * 2
        0.003162
    """

    def __init__(
        self,
        params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
    ) -> None:
        check_hyper(lr, "lr")
        check_hyper(rho, "rho", high=1.0)
        check_hyper(eps, "eps")
        check_hyper(weight_decay, "weight_decay")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        if not state:
            state["square_avg"] = torch.zeros_like(p)  # s: average of g^2
            state["acc_delta"] = torch.zeros_like(p)  # delta: average of the squared updates
        rho, eps = group["rho"], group["eps"]
        g = grad + group["weight_decay"] * p
        s = state["square_avg"].mul_(rho).addcmul_(g, g, value=1 - rho)
        step = (state["acc_delta"] + eps).sqrt() / (s + eps).sqrt() * g  # rescaled gradient
        state["acc_delta"].mul_(rho).addcmul_(step, step, value=1 - rho)
        p.add_(step, alpha=-group["lr"])


# --8<-- [end:Adadelta]
