"""The learning rate of each built-in scheduler over 100 steps, recorded with lr_curve."""

from matplotlib.figure import Figure
from torch.optim import lr_scheduler as sch
from torch.optim.swa_utils import SWALR

from dlnotes.optim.schedules import lr_curve

STEPS = 100
PLATEAU_METRIC = [max(0.2, 1 - t / 30) for t in range(STEPS)]  # stops improving at t = 24

PANELS = {  # title -> (make_scheduler, extra keyword arguments of lr_curve)
    "MultiplicativeLR": (
        lambda o: sch.MultiplicativeLR(o, lambda epoch: 0.95 if epoch <= 40 else 1.0),
        {},
    ),
    "StepLR": (lambda o: sch.StepLR(o, step_size=30, gamma=0.5), {}),
    "MultiStepLR": (lambda o: sch.MultiStepLR(o, milestones=[50, 80], gamma=0.1), {}),
    "ExponentialLR": (lambda o: sch.ExponentialLR(o, gamma=0.97), {}),
    "CosineAnnealingLR": (lambda o: sch.CosineAnnealingLR(o, T_max=STEPS), {}),
    "CosineAnnealingWarmRestarts": (
        lambda o: sch.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2),
        {},
    ),
    "ReduceLROnPlateau": (
        lambda o: sch.ReduceLROnPlateau(o, factor=0.5, patience=10),
        {"metrics": PLATEAU_METRIC},
    ),
    "CyclicLR": (lambda o: sch.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=20), {}),
    "OneCycleLR": (lambda o: sch.OneCycleLR(o, max_lr=0.1, total_steps=STEPS), {}),
    "SWALR (from step 60)": (
        lambda o: sch.SequentialLR(
            o,
            [sch.CosineAnnealingLR(o, T_max=STEPS), SWALR(o, swa_lr=0.02, anneal_epochs=10)],
            milestones=[60],
        ),
        {},
    ),
    "LinearLR (warmup)": (lambda o: sch.LinearLR(o, start_factor=0.01, total_iters=20), {}),
    "warmup + cosine": (
        lambda o: sch.SequentialLR(
            o,
            [
                sch.LinearLR(o, start_factor=0.01, total_iters=10),
                sch.CosineAnnealingLR(o, T_max=STEPS - 10),
            ],
            milestones=[10],
        ),
        {},
    ),
}


def figure() -> Figure:
    fig = Figure(figsize=(10, 6.4))
    axes = fig.subplots(3, 4, sharex=True, sharey=True)
    for ax, (title, (make, kwargs)) in zip(axes.flat, PANELS.items(), strict=True):
        ax.plot(range(STEPS), lr_curve(make, STEPS, lr=0.1, **kwargs))
        ax.set_title(title, fontsize=9)
        ax.grid(True, alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("step")
    for ax in axes[:, 0]:
        ax.set_ylabel("learning rate")
    fig.tight_layout()
    return fig
