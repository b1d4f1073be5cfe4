"""Cross-entropy vs squared error on softmax outputs: loss and gradient wrt the correct logit."""

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from dlnotes.linear.softmax import softmax, softmax_cross_entropy


def figure() -> Figure:
    # q = 3 classes, logits o = (z, 0, 0), the correct class is 0; sweep its logit z
    z = torch.linspace(-10, 10, 401, dtype=torch.float64, requires_grad=True)  # (401,)
    logits = torch.stack([z, torch.zeros_like(z), torch.zeros_like(z)], dim=1)  # (401, 3)
    y = torch.zeros(401, dtype=torch.long)
    one_hot = torch.nn.functional.one_hot(y, 3).double()
    ce = softmax_cross_entropy(logits, y, reduction="none")  # (401,)
    mse = ((softmax(logits) - one_hot) ** 2).sum(dim=1)  # (401,) squared error on probabilities
    (g_ce,) = torch.autograd.grad(ce.sum(), z)  # examples are independent: d ce_i / d z_i
    (g_mse,) = torch.autograd.grad(mse.sum(), z)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.2))
    zs = z.detach()
    ax1.plot(zs, ce.detach(), "-", label="cross-entropy")
    ax1.plot(zs, mse.detach(), "m--", label="squared error")
    ax1.set(xlabel="correct-class logit $z$  (others 0, $q=3$)", ylabel="loss", title="loss")
    ax2.plot(zs, g_ce.abs(), "-", label="cross-entropy")
    ax2.plot(zs, g_mse.abs(), "m--", label="squared error")
    ax2.set(
        xlabel="correct-class logit $z$",
        ylabel=r"$|\partial L / \partial z|$",
        title="gradient magnitude",
    )
    ax2.annotate(
        "confidently wrong:\nMSE gradient vanishes",
        xy=(-7, float(g_mse[60].abs())),
        xytext=(-9.5, 0.45),
        arrowprops={"arrowstyle": "->"},
        fontsize=8,
    )
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
