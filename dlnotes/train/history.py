"""A record of a training run: one dict per epoch and per-step curves (T44).

``Trainer`` fills a ``History``; ``plot`` draws it as a matplotlib ``Figure`` (it works in
a script, a test or a notebook: nothing is shown, the caller decides), and
``to_tensorboard`` replays it into a TensorBoard log directory.
"""

from __future__ import annotations

# --8<-- [start:imports]
import itertools
import math
from typing import Any

from matplotlib.figure import Figure

# --8<-- [end:imports]

__all__ = ["History", "plot_histories"]


# --8<-- [start:history]
class History:
    """Per-epoch records (``epochs``) and per-optimizer-step curves (``steps``).

    Example:
        >>> from dlnotes.train import History
        >>> h = History()
        >>> h.log_epoch({"epoch": 1, "train_loss": 0.9, "val_acc": 0.7})
        >>> h.log_epoch({"epoch": 2, "train_loss": 0.5, "val_acc": 0.8})
        >>> h["train_loss"]
        [0.9, 0.5]
        >>> h.best("val_acc", mode="max")
        {'epoch': 2, 'train_loss': 0.5, 'val_acc': 0.8}
    """

    def __init__(self) -> None:
        self.epochs: list[dict[str, float]] = []
        self.steps: dict[str, list[float]] = {}

    def log_epoch(self, record: dict[str, float]) -> None:
        self.epochs.append(dict(record))

    def log_steps(self, name: str, values: list[float]) -> None:
        self.steps.setdefault(name, []).extend(values)

    def __getitem__(self, key: str) -> list[float]:
        """The per-epoch values of ``key`` (epochs that did not log it are skipped)."""
        if not any(key in r for r in self.epochs):
            known = sorted({k for r in self.epochs for k in r})
            raise KeyError(f"no epoch logged {key!r}; logged keys: {known}")
        return [r[key] for r in self.epochs if key in r]

    def best(self, key: str, mode: str = "min") -> dict[str, float]:
        """The epoch record with the smallest (``mode="min"``) or largest value of ``key``."""
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self[key]  # raises a clear KeyError if never logged
        records = [r for r in self.epochs if key in r and not math.isnan(r[key])]
        pick = min if mode == "min" else max
        return pick(records, key=lambda r: r[key])

    def plot(self, keys: list[str] | None = None) -> Figure:
        """Losses on the left axis, everything else (accuracy, ...) on the right."""
        keys = keys or sorted({k for r in self.epochs for k in r} - {"epoch", "time", "lr"})
        fig = Figure(figsize=(7, 3))
        ax_loss, ax_other = fig.subplots(1, 2)
        for key in keys:
            ax = ax_loss if "loss" in key else ax_other
            xs = [r["epoch"] for r in self.epochs if key in r]
            ax.plot(xs, self[key], marker="o", markersize=3, label=key)
        for ax, title in ((ax_loss, "loss"), (ax_other, "metrics")):
            ax.set_xlabel("epoch")
            ax.set_title(title)
            ax.grid(True, alpha=0.3)
            if ax.lines:
                ax.legend()
        fig.tight_layout()
        return fig

    def to_tensorboard(
        self, writer: Any, epochs_done: int = 0, steps_done: dict[str, int] | None = None
    ) -> tuple[int, dict[str, int]]:
        """Write the curves to a ``torch.utils.tensorboard.SummaryWriter``.

        Only what comes after ``epochs_done`` epoch records and ``steps_done[name]``
        values of each step curve is written, so a logger can call it once per epoch.
        Returns the new ``(epochs_done, steps_done)``.
        """
        for record in self.epochs[epochs_done:]:
            for key, value in record.items():
                if key != "epoch":
                    writer.add_scalar(f"epoch/{key}", value, int(record["epoch"]))
        steps_done = dict(steps_done or {})
        for name, values in self.steps.items():
            start = steps_done.get(name, 0)
            for step, value in enumerate(values[start:], start=start + 1):
                writer.add_scalar(f"step/{name}", value, step)
            steps_done[name] = len(values)
        writer.flush()
        return len(self.epochs), steps_done

    def state_dict(self) -> dict[str, Any]:
        return {"epochs": [dict(r) for r in self.epochs], "steps": dict(self.steps)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.epochs = [dict(r) for r in state["epochs"]]
        self.steps = {k: list(v) for k, v in state["steps"].items()}


# --8<-- [end:history]


def plot_histories(
    histories: dict[str, History],
    loss_key: str = "train_loss",
    metric_key: str = "val_acc",
    styles: tuple[str, ...] = ("--", "-", ":", "-."),
) -> Figure:
    """Compare runs: ``loss_key`` (log scale) on the left, ``metric_key`` on the right.

    Example:
        >>> a, b = History(), History()
        >>> for h, loss in ((a, 1.0), (b, 0.5)):
        ...     h.log_epoch({"epoch": 1, "train_loss": loss, "val_acc": 1 - loss})
        >>> fig = plot_histories({"a": a, "b": b})
        >>> [len(ax.lines) for ax in fig.axes]
        [2, 2]
    """
    if not histories:
        raise ValueError("histories must name at least one run")
    fig = Figure(figsize=(8, 3))
    ax_loss, ax_metric = fig.subplots(1, 2)
    for (name, history), style in zip(histories.items(), itertools.cycle(styles)):
        epochs = history["epoch"]
        ax_loss.plot(epochs, history[loss_key], style, label=name)
        ax_metric.plot(epochs, history[metric_key], style, label=name)
    ax_loss.set_yscale("log")
    for ax, key in ((ax_loss, loss_key), (ax_metric, metric_key)):
        ax.set_xlabel("epoch")
        ax.set_ylabel(key.replace("_", " "))
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig
