"""Adam and its variants, as in ``torch.optim``: Adam, AMSGrad, AdamW, NAdam, RAdam.

All keep two exponential moving averages per coordinate, of the gradient (``m``, the
momentum) and of its square (``v``, as RMSProp), and correct both for starting at zero:

    m_t = b1 m_{t-1} + (1 - b1) g_t        m_hat = m_t / (1 - b1^t)
    v_t = b2 v_{t-1} + (1 - b2) g_t^2      v_hat = v_t / (1 - b2^t)
    x_t = x_{t-1} - lr * m_hat / (sqrt(v_hat) + eps)

* AMSGrad uses the running maximum of ``v`` so that the effective step never grows.
* AdamW applies weight decay to the parameters directly (``x -= lr * wd * x``) instead of
  adding ``wd * x`` to the gradient, where Adam's division would rescale it.
* NAdam uses Nesterov momentum: the step looks at the *next* momentum.
* RAdam switches the adaptive denominator off while ``v`` rests on too few samples to be
  trusted, and then turns it on gradually (a rectification instead of warmup).
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch

from dlnotes.optim.base import ScratchOptimizer, check_betas, check_hyper

# --8<-- [end:imports]

__all__ = ["Adam", "AdamW", "NAdam", "RAdam"]


# --8<-- [start:Adam]
def _init_moments(state: dict, p: torch.Tensor) -> None:
    state["step"] = 0
    state["exp_avg"] = torch.zeros_like(p)  # m
    state["exp_avg_sq"] = torch.zeros_like(p)  # v


def _update_moments(state: dict, g: torch.Tensor, betas: tuple[float, float]) -> None:
    b1, b2 = betas
    state["step"] += 1
    state["exp_avg"].lerp_(g, 1 - b1)  # m = b1 m + (1 - b1) g
    state["exp_avg_sq"].mul_(b2).addcmul_(g, g, value=1 - b2)  # v = b2 v + (1 - b2) g^2


def _adam_defaults(
    lr: float, betas: tuple[float, float], eps: float, weight_decay: float, **extra
) -> dict:
    """Check the hyperparameters every Adam variant shares; return the defaults dict."""
    check_hyper(lr, "lr")
    check_betas(betas)
    check_hyper(eps, "eps")
    check_hyper(weight_decay, "weight_decay")
    return dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, **extra)


def _decayed_gradient(p: torch.Tensor, grad: torch.Tensor, group: dict) -> torch.Tensor:
    """Apply weight decay: decoupled (shrink ``p`` now) or L2 (return ``grad + wd * p``)."""
    if group["decoupled_weight_decay"]:
        p.mul_(1 - group["lr"] * group["weight_decay"])  # AdamW: shrink x itself
        return grad
    return grad + group["weight_decay"] * p  # L2: later divided by sqrt(v) like the rest


class Adam(ScratchOptimizer):
    """Adam (Kingma and Ba, 2015), with ``amsgrad`` and L2 or ``decoupled`` weight decay.

    ``weight_decay`` adds ``wd * x`` to the gradient (L2 regularization, as
    ``torch.optim.Adam``); with ``decoupled_weight_decay=True`` it shrinks the parameters
    instead, which is AdamW.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -100.0]))
        >>> opt = Adam([w], lr=0.1)
        >>> opt.zero_grad(); (w ** 2).sum().backward(); opt.step()
        >>> w.data  # first step: m_hat / sqrt(v_hat) = sign(g), so every coordinate moves by lr
        tensor([  0.9000, -99.9000])
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = _adam_defaults(
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad=amsgrad,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        lr, (b1, b2) = group["lr"], group["betas"]
        if not state:
            _init_moments(state, p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = torch.zeros_like(p)
        g = _decayed_gradient(p, grad, group)  # AdamW shrinks p here; Adam adds wd * p to g
        _update_moments(state, g, group["betas"])
        t = state["step"]
        v = state["exp_avg_sq"]
        if group["amsgrad"]:
            v = torch.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        bias1, bias2 = 1 - b1**t, 1 - b2**t  # corrections for starting m and v at 0
        denom = v.sqrt() / math.sqrt(bias2) + group["eps"]  # sqrt(v_hat) + eps
        p.addcdiv_(state["exp_avg"], denom, value=-lr / bias1)  # x -= lr m_hat / denom


class AdamW(Adam):
    """AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay (default 0.01).

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([2.0]))
        >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = torch.zeros(1); opt.step()  # no gradient: only the decay acts
        >>> w.data  # 2 * (1 - 0.1 * 0.5)
        tensor([1.9000])
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True)


# --8<-- [end:Adam]


# --8<-- [start:NAdam]
class NAdam(ScratchOptimizer):
    """NAdam (Dozat, 2016): Adam with Nesterov momentum and a momentum warmup schedule.

    ``mu_t = b1 (1 - 0.5 * 0.96^(t * momentum_decay))`` ramps the momentum up; the step
    combines the current gradient, weighted by ``1 - mu_t``, with the *next* momentum
    ``mu_{t+1} m_t``, each divided by its own bias correction.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = NAdam([w], lr=0.1)
        >>> opt.zero_grad(); (w ** 2).sum().backward(); opt.step()
        >>> round(1.0 - w.item(), 4)  # a bit more than Adam's lr: the gradient and the look-ahead
        0.1056
    """

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        *,
        decoupled_weight_decay: bool = False,
    ) -> None:
        check_hyper(momentum_decay, "momentum_decay")
        defaults = _adam_defaults(
            lr,
            betas,
            eps,
            weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        lr, (b1, b2) = group["lr"], group["betas"]
        if not state:
            _init_moments(state, p)
            state["mu_product"] = 1.0  # prod of mu_1 .. mu_t
        g = _decayed_gradient(p, grad, group)
        _update_moments(state, g, group["betas"])
        t, psi = state["step"], group["momentum_decay"]
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))  # momentum of this step
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))  # and of the next one
        state["mu_product"] *= mu
        bias2 = 1 - b2**t
        denom = (state["exp_avg_sq"] / bias2).sqrt() + group["eps"]
        p.addcdiv_(g, denom, value=-lr * (1 - mu) / (1 - state["mu_product"]))
        p.addcdiv_(
            state["exp_avg"], denom, value=-lr * mu_next / (1 - state["mu_product"] * mu_next)
        )


# --8<-- [end:NAdam]


# --8<-- [start:RAdam]
class RAdam(ScratchOptimizer):
    """RAdam (Liu et al., 2020): Adam whose adaptive step is rectified by its variance.

    ``rho_t`` is the length of the simple moving average that ``v_t`` approximates; while
    ``rho_t <= 5`` the variance of ``1 / sqrt(v_hat)`` is not even finite and the step is
    plain momentum SGD, ``lr * m_hat``. Afterwards the adaptive step is multiplied by
    ``r_t < 1``, which grows towards 1.

    Example:
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = RAdam([w], lr=0.1)
        >>> opt.zero_grad(); (w ** 2).sum().backward(); opt.step()
        >>> round(1.0 - w.item(), 4)  # rho_1 = 1 <= 5: SGD with momentum, lr * m_hat = 0.1 * 2
        0.2
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = _adam_defaults(
            lr, betas, eps, weight_decay, decoupled_weight_decay=decoupled_weight_decay
        )
        super().__init__(params, defaults)

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        lr, (b1, b2) = group["lr"], group["betas"]
        if not state:
            _init_moments(state, p)
        g = _decayed_gradient(p, grad, group)
        _update_moments(state, g, group["betas"])
        t = state["step"]
        bias1, bias2 = 1 - b1**t, 1 - b2**t
        m_hat = state["exp_avg"] / bias1
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2**t / bias2
        if rho_t > 5:  # the variance of the adaptive step is finite: use it, rectified
            r = math.sqrt(
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            )
            adaptive = math.sqrt(bias2) / (state["exp_avg_sq"].sqrt() + group["eps"])
            p.add_(m_hat * adaptive * r, alpha=-lr)
        else:
            p.add_(m_hat, alpha=-lr)  # too few samples: momentum SGD


# --8<-- [end:RAdam]
