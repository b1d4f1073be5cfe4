"""Label smoothing: the loss against the correct class's logit margin (T19).

Ten classes; the correct class gets logit ``m`` and the other nine get 0. Without
smoothing the loss keeps falling as ``m`` grows; with smoothing ``eps`` it has a minimum
at the finite margin ``log(1 + C (1 - eps) / eps)``.
"""

import math

import torch
from matplotlib.figure import Figure

from dlnotes.tricks.soft_targets import label_smoothing_cross_entropy


def figure() -> Figure:
    C = 10
    margins = torch.linspace(0.0, 12.0, 241)  # logit of the correct class
    logits = torch.zeros(len(margins), C)
    logits[:, 0] = margins  # (241, C); class 0 is correct
    target = torch.zeros(len(margins), dtype=torch.long)
    fig = Figure(figsize=(5, 3.2))
    ax = fig.subplots()
    for eps, color in ((0.0, "C0"), (0.1, "C1"), (0.3, "C2")):
        loss = label_smoothing_cross_entropy(logits, target, eps, reduction="none")
        ax.plot(margins.numpy(), loss.numpy(), color=color, label=f"eps = {eps}")
        if eps > 0:
            best = math.log(1 + C * (1 - eps) / eps)
            ax.axvline(best, color=color, linestyle=":", linewidth=1)
    ax.set_xlabel("margin m (correct logit minus the others)")
    ax.set_ylabel("cross-entropy")
    ax.set_ylim(0, 2.5)
    ax.legend(title="smoothing (C = 10)")
    fig.tight_layout()
    return fig
