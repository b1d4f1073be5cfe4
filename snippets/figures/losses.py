"""L2, L1, Huber and SmoothL1 losses (left) and their gradients (right) vs the residual."""

import matplotlib.pyplot as plt
import torch

from dlnotes.losses import huber_loss, l1_loss, l2_loss, smooth_l1_loss
from dlnotes.plotting import plot


def figure():
    r = torch.linspace(-3, 3, 601, requires_grad=True)  # residual y_hat - y
    zero = torch.zeros_like(r)
    losses = {
        "L2": lambda: l2_loss(r, zero, reduction="none"),
        "L1": lambda: l1_loss(r, zero, reduction="none"),
        "Huber, delta = 1": lambda: huber_loss(r, zero, delta=1.0, reduction="none"),
        "SmoothL1, beta = 0.5": lambda: smooth_l1_loss(r, zero, beta=0.5, reduction="none"),
    }
    values, grads = [], []
    for fn in losses.values():
        loss = fn()
        (grad,) = torch.autograd.grad(loss.sum(), r)  # elementwise: d loss_i / d r_i
        values.append(loss.detach())
        grads.append(grad)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.2))
    x = r.detach()
    plot(x, values, xlabel="residual y_hat - y", ylabel="loss", ylim=(0, 4), axes=ax1)
    plot(x, grads, xlabel="residual y_hat - y", ylabel="gradient", ylim=(-3, 3), axes=ax2)
    ax2.legend(list(losses), fontsize="small")
    fig.tight_layout()
    return fig
