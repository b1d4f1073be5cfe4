"""Hooks into ``Trainer``: the runner + hooks pattern (T20, T24, T43, T44).

The loop in ``dlnotes.train.loop`` only trains; everything optional (stopping early,
saving checkpoints, logging, watching for NaNs) is a ``Callback`` whose methods the loop
calls at fixed points:

    on_fit_start -> [on_epoch_start -> (on_after_backward -> on_step_end)* ->
    on_epoch_end]* -> on_fit_end

A callback may set ``trainer.should_stop = True`` to end training after the current
step, or raise to abort it. Callbacks with state (``EarlyStopping``'s best score, say)
return it from ``state_dict`` so that a checkpoint resumes them too.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

if TYPE_CHECKING:
    from dlnotes.train.loop import Trainer
# --8<-- [end:imports]

__all__ = [
    "Callback",
    "Checkpointing",
    "EarlyStopping",
    "NonFiniteLossError",
    "StopOnNonFinite",
    "TensorBoardLogger",
    "find_first_nonfinite",
]


# --8<-- [start:callback]
class Callback:
    """Base class: override the hooks you need; each receives the running ``Trainer``."""

    def on_fit_start(self, trainer: Trainer) -> None: ...
    def on_epoch_start(self, trainer: Trainer) -> None: ...
    def on_after_backward(self, trainer: Trainer) -> None: ...  # grads ready, before step
    def on_step_end(self, trainer: Trainer) -> None: ...  # after optimizer + scheduler
    def on_epoch_end(self, trainer: Trainer, logs: dict[str, float]) -> None: ...
    def on_fit_end(self, trainer: Trainer) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


# --8<-- [end:callback]


# --8<-- [start:nonfinite]
class NonFiniteLossError(RuntimeError):
    """Raised by ``StopOnNonFinite``; the message names the step and the first bad tensor."""


def _is_finite(t: Any) -> bool:
    return not isinstance(t, torch.Tensor) or not t.is_floating_point() or bool(t.isfinite().all())


def find_first_nonfinite(model: nn.Module, x: torch.Tensor) -> str:
    """Name the first non-finite tensor of a forward pass: input, parameter or module output.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.train import find_first_nonfinite
        >>> net = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
        >>> with torch.no_grad():
        ...     _ = net[2].weight.fill_(float("nan"))
        >>> find_first_nonfinite(net, torch.ones(1, 2))
        "parameter '2.weight'"
    """
    if not _is_finite(x):
        return "the input batch"
    for name, p in model.named_parameters():
        if not _is_finite(p):
            return f"parameter {name!r}"
    found: list[str] = []

    def hook(module: nn.Module, inputs: Any, output: Any) -> None:
        outs = output if isinstance(output, (tuple, list)) else (output,)
        if not found and not all(_is_finite(o) for o in outs):
            found.append(f"output of {names[module]!r} ({type(module).__name__})")

    names = {m: (n or "model") for n, m in model.named_modules()}
    # Leaf modules run before their parents finish, so the first hook to see a bad
    # output belongs to the innermost module where the values went bad.
    handles = [m.register_forward_hook(hook) for m in model.modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else "no tensor of the forward pass (the loss function itself)"


class StopOnNonFinite(Callback):
    """Stop at the first non-finite loss or gradient, naming the step and the culprit (T24).

    The check runs after ``backward`` and before the optimizer step, so the weights are
    still the last finite ones when the error is raised. With a fp16 ``GradScaler``
    overflowing gradients are expected (the scaler skips those steps), so only the loss
    is checked then. Each check reads one number from the device (a synchronisation):
    cheap on a CPU, measurable on a GPU.
    """

    def on_after_backward(self, trainer: Trainer) -> None:
        loss = trainer.last_loss
        bad = None
        if not _is_finite(loss.detach()):
            bad = "loss"
        elif trainer.scaler is None:
            for name, p in trainer.model.named_parameters():
                if p.grad is not None and not _is_finite(p.grad):
                    bad = f"gradient of {name!r}"
                    break
        if bad is None:
            return
        x, _ = trainer.last_batch
        culprit = find_first_nonfinite(trainer.model, x) if bad == "loss" else bad
        raise NonFiniteLossError(
            f"non-finite {bad} at step {trainer.step + 1} (epoch {trainer.epoch + 1}); "
            f"first non-finite tensor: {culprit}"
        )


# --8<-- [end:nonfinite]


# --8<-- [start:early_stopping]
class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs (T20).

    Args:
        monitor: a key of the epoch logs, e.g. ``"val_loss"`` or ``"val_acc"``.
        mode: ``"min"`` (losses) or ``"max"`` (accuracies).
        patience: epochs without improvement before stopping.
        min_delta: an improvement smaller than this does not count.
        restore_best: load the best epoch's weights back when training ends.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "min",
        patience: int = 5,
        min_delta: float = 0.0,
        restore_best: bool = True,
    ) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be an int >= 1, got {patience!r}")
        self.monitor, self.mode, self.patience = monitor, mode, patience
        self.min_delta, self.restore_best = float(min_delta), restore_best
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = 0
        self.wait = 0
        self.best_state: dict[str, torch.Tensor] | None = None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, trainer: Trainer, logs: dict[str, float]) -> None:
        if self.monitor not in logs:
            raise KeyError(
                f"EarlyStopping monitors {self.monitor!r}, but the epoch logs only have "
                f"{sorted(logs)} (pass a val_loader to fit for val_* keys)"
            )
        value = logs[self.monitor]
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, int(logs["epoch"]), 0
            if self.restore_best:
                state = trainer.model.state_dict()
                self.best_state = {k: v.detach().clone() for k, v in state.items()}
        else:
            self.wait += 1
            if self.wait >= self.patience:
                trainer.should_stop = True

    def on_fit_end(self, trainer: Trainer) -> None:
        if self.restore_best and self.best_state is not None:
            trainer.model.load_state_dict(self.best_state)

    def state_dict(self) -> dict[str, Any]:
        return {
            "best": self.best,
            "best_epoch": self.best_epoch,
            "wait": self.wait,
            "best_state": self.best_state,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best, self.best_epoch = state["best"], state["best_epoch"]
        self.wait, self.best_state = state["wait"], state["best_state"]


# --8<-- [end:early_stopping]


# --8<-- [start:checkpointing]
class Checkpointing(Callback):
    """Save ``trainer.state_dict()`` atomically every ``every_n_steps`` and each epoch (T43)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        every_n_steps: int | None = None,
        every_epoch: bool = True,
    ) -> None:
        if every_n_steps is not None and (
            isinstance(every_n_steps, bool)
            or not isinstance(every_n_steps, int)
            or every_n_steps < 1
        ):
            raise ValueError(f"every_n_steps must be None or an int >= 1, got {every_n_steps!r}")
        self.path = Path(path)
        self.every_n_steps, self.every_epoch = every_n_steps, every_epoch

    def on_step_end(self, trainer: Trainer) -> None:
        if self.every_n_steps is not None and trainer.step % self.every_n_steps == 0:
            trainer.save_checkpoint(self.path)

    def on_epoch_end(self, trainer: Trainer, logs: dict[str, float]) -> None:
        if self.every_epoch:
            trainer.save_checkpoint(self.path)


# --8<-- [end:checkpointing]


# --8<-- [start:tensorboard]
class TensorBoardLogger(Callback):
    """Write the epoch logs and the per-step curves to TensorBoard (T44).

    Needs the ``tensorboard`` package. View with ``tensorboard --logdir <log_dir>``.
    """

    def __init__(self, log_dir: str | os.PathLike[str]) -> None:
        self.log_dir = str(log_dir)
        self.writer: Any = None
        self._epochs_done, self._steps_done = 0, {}  # what is already in the log

    def on_fit_start(self, trainer: Trainer) -> None:
        from torch.utils.tensorboard import SummaryWriter  # needs `pip install tensorboard`

        self.writer = SummaryWriter(self.log_dir)

    def on_epoch_end(self, trainer: Trainer, logs: dict[str, float]) -> None:
        self._epochs_done, self._steps_done = trainer.history.to_tensorboard(
            self.writer, self._epochs_done, self._steps_done
        )

    def on_fit_end(self, trainer: Trainer) -> None:
        if self.writer is not None:
            self.writer.close()


# --8<-- [end:tensorboard]
