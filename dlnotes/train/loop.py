"""The one training loop of dlnotes: ``Trainer`` (runner + hooks).

Every demo of the site trains through this class. It does the things every PyTorch loop
needs and that are easy to get subtly wrong:

* ``model.train()`` for training and ``model.eval()`` + ``torch.inference_mode()`` for
  evaluation, restoring the previous mode afterwards (T34, T42);
* device placement of the model and of each batch (``non_blocking`` copies, T26);
* automatic mixed precision: ``"bf16"``, or ``"fp16"`` with a ``GradScaler`` (T27);
* gradient accumulation over ``grad_accum_steps`` micro-batches (T16);
* gradient clipping, with the total gradient norm logged every step (T15, T52);
* a learning-rate scheduler stepped per optimizer step or per epoch (T13);
* a model EMA updated after each optimizer step and evaluated alongside (T21);
* callbacks for everything else: early stopping, checkpoints, NaN watch, TensorBoard;
* a tqdm progress bar and a ``History`` of epoch records and per-step curves;
* ``state_dict`` / ``load_state_dict`` holding everything needed to resume mid-epoch and
  end with the same weights as an uninterrupted run (T43).

Per-step values (loss, learning rate, gradient norm) stay on the device during an epoch and
are read once at its end, so the hot loop does not wait for the GPU on every step (T35).
"""

from __future__ import annotations

# --8<-- [start:imports]
import contextlib
import itertools
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from dlnotes.train.callbacks import Callback
from dlnotes.train.checkpoint import load_checkpoint, save_checkpoint
from dlnotes.train.ema import ModelEMA
from dlnotes.train.history import History
from dlnotes.train.seed import capture_rng_state, restore_rng_state

Batch = Sequence[torch.Tensor]
Metric = Callable[[torch.Tensor, torch.Tensor], torch.Tensor | float]
# --8<-- [end:imports]

__all__ = ["Trainer", "top1_accuracy"]

AMP_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def top1_accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Fraction of rows of ``y_hat`` (n, C) whose argmax equals ``y`` (n,), as a tensor."""
    return (y_hat.argmax(dim=1) == y).float().mean()


def _check_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


# --8<-- [start:trainer_init]
class Trainer:
    """Train ``model`` with ``optimizer`` on ``loss_fn(model(x), y)``.

    Args:
        model: the network; moved to ``device``.
        optimizer: a ``torch.optim`` optimizer over the model's parameters.
        loss_fn: ``loss_fn(y_hat, y)`` returning the MEAN loss of the batch (a scalar).
        device: where to train; default CUDA if available, else CPU.
        amp: ``None`` (fp32), ``"bf16"`` or ``"fp16"`` (adds a gradient scaler).
        grad_accum_steps: micro-batches per optimizer step.
        clip_grad_norm: clip the total gradient 2-norm to this value (``None``: no clipping;
            the norm is logged either way).
        scheduler: a learning-rate scheduler; ``ReduceLROnPlateau`` gets the validation
            loss (or the training loss) once per epoch.
        scheduler_interval: ``"step"`` (after each optimizer step) or ``"epoch"``.
        ema: a ``ModelEMA`` of the model, updated after each optimizer step.
        callbacks: ``Callback`` objects, called in order.
        metrics: ``{name: fn(y_hat, y) -> batch mean}`` computed on evaluation batches.
        batch_transform: applied to each training batch on the device (e.g. MixUp).
        progress: show a tqdm progress bar.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.train import Trainer, top1_accuracy
        >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
        <torch._C.Generator object at ...>
        >>> X = torch.randn(64, 2); y = (X[:, 0] > 0).long()
        >>> batches = [(X[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]
        >>> net = nn.Linear(2, 2)
        >>> opt = torch.optim.SGD(net.parameters(), lr=0.5)
        >>> trainer = Trainer(net, opt, nn.functional.cross_entropy, device="cpu",
        ...                   metrics={"acc": top1_accuracy})
        >>> history = trainer.fit(batches, epochs=5, val_loader=batches)
        >>> history["val_acc"][-1] > 0.9, trainer.step
        (True, 20)
    """

    def __init__(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        loss_fn: Callable[[Any, Any], torch.Tensor],
        *,
        device: str | torch.device | None = None,
        amp: str | None = None,
        grad_accum_steps: int = 1,
        clip_grad_norm: float | None = None,
        scheduler: Any = None,
        scheduler_interval: str = "epoch",
        ema: ModelEMA | None = None,
        callbacks: Iterable[Callback] = (),
        metrics: dict[str, Metric] | None = None,
        batch_transform: Callable[[Any, Any], tuple[Any, Any]] | None = None,
        progress: bool = False,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
            )
        if amp not in (None, *AMP_DTYPES):
            raise ValueError(f"amp must be None, 'bf16' or 'fp16', got {amp!r}")
        if scheduler_interval not in ("step", "epoch"):
            raise ValueError(
                f"scheduler_interval must be 'step' or 'epoch', got {scheduler_interval!r}"
            )
        if clip_grad_norm is not None and not clip_grad_norm > 0:
            raise ValueError(f"clip_grad_norm must be None or > 0, got {clip_grad_norm}")
        if ema is not None and not isinstance(ema, ModelEMA):
            raise TypeError(f"ema must be a ModelEMA, got {type(ema).__name__}")
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be Callback objects, got {type(cb).__name__}")
        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = torch.device(device)
        self.model = model.to(self.device)
        self.optimizer, self.loss_fn = optimizer, loss_fn
        self.amp_dtype = AMP_DTYPES.get(amp) if amp else None
        # fp16 has a narrow exponent range: scale the loss so small gradients do not
        # flush to zero; bf16 has fp32's range and needs no scaler.
        self.scaler = torch.amp.GradScaler(self.device.type) if amp == "fp16" else None
        self.grad_accum_steps = _check_int(grad_accum_steps, "grad_accum_steps")
        self.clip_grad_norm = clip_grad_norm
        self.scheduler, self.scheduler_interval = scheduler, scheduler_interval
        plateau = isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
        # ReduceLROnPlateau needs a metric: it is stepped once per epoch, whatever the interval
        self._per_step = scheduler is not None and not plateau and scheduler_interval == "step"
        self.ema = ema
        if ema is not None:
            ema.module.to(self.device)
        self.metrics = dict(metrics or {})
        self.batch_transform, self.progress = batch_transform, progress
        self.history = History()
        self.epoch = 0  # completed epochs
        self.step = 0  # completed optimizer steps
        self.batch_in_epoch = 0  # batches of the current epoch already used
        self.should_stop = False
        self.last_batch: tuple[Any, Any] | None = None
        self.last_loss: torch.Tensor | None = None
        self._epoch_rng: dict[str, Any] | None = None
        self._resume_rng: dict[str, Any] | None = None
        self._train_loader: Any = None
        self._reset_epoch_accumulators()

    # --8<-- [end:trainer_init]

    def _reset_epoch_accumulators(self) -> None:
        self._loss_sum = torch.zeros(
            (), dtype=torch.float64, device=self.device
        )  # sum of per-example losses
        self._seen = 0  # examples seen this epoch
        self._step_values: dict[str, list[torch.Tensor]] = {"loss": [], "lr": [], "grad_norm": []}

    def _to_device(self, batch: Any) -> Any:
        if isinstance(batch, torch.Tensor):
            return batch.to(self.device, non_blocking=True)
        if isinstance(batch, (list, tuple)):
            return type(batch)(self._to_device(b) for b in batch)
        return batch

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    def _call(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(self, *args)

    # --8<-- [start:train_step]
    def _train_step(self, x: Any, y: Any, group_size: int, last_in_group: bool) -> None:
        """Forward and backward of one micro-batch; an optimizer step if it ends a group."""
        with self._autocast():
            y_hat = self.model(x)
            loss = self.loss_fn(y_hat, y)  # mean over the micro-batch
        if loss.dim() != 0:
            raise ValueError(
                f"loss_fn must return a scalar (mean) loss, got shape {tuple(loss.shape)}"
            )
        self.last_batch, self.last_loss = (x, y), loss
        n = len(y)
        self._loss_sum += loss.detach().double() * n  # stays on the device: no sync
        self._seen += n
        # Divide so that the accumulated gradient is that of the mean over the group.
        scaled = loss / group_size
        (self.scaler.scale(scaled) if self.scaler else scaled).backward()
        if not last_in_group:
            return
        if self.scaler is not None:
            self.scaler.unscale_(self.optimizer)  # clip and log the true gradients
        self._call("on_after_backward")
        max_norm = self.clip_grad_norm if self.clip_grad_norm is not None else float("inf")
        grad_norm = nn.utils.clip_grad_norm_(self.model.parameters(), max_norm)
        if self.scaler is not None:
            self.scaler.step(self.optimizer)  # skipped if the gradients overflowed
            self.scaler.update()
        else:
            self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)  # frees the gradient memory (T33)
        if self.ema is not None:
            self.ema.update(self.model)
        self._step_values["lr"].append(torch.tensor(self.optimizer.param_groups[0]["lr"]))
        if self._per_step:
            self.scheduler.step()
        self.step += 1
        self._step_values["loss"].append(loss.detach())
        self._step_values["grad_norm"].append(grad_norm.detach())
        self._call("on_step_end")

    # --8<-- [end:train_step]

    # --8<-- [start:evaluate]
    def evaluate(self, loader: Iterable[Batch], model: nn.Module | None = None) -> dict[str, float]:
        """Mean loss and metrics of ``model`` (default: the trained model) over ``loader``."""
        model = self.model if model is None else model
        was_training = model.training
        model.eval()  # dropout off, BatchNorm uses running statistics
        sums = {"loss": torch.zeros((), dtype=torch.float64, device=self.device)}
        sums.update({k: torch.zeros_like(sums["loss"]) for k in self.metrics})
        count = 0
        with torch.inference_mode(), self._autocast():
            for batch in loader:
                x, y = self._to_device(batch)
                y_hat = model(x)
                n = len(y)
                sums["loss"] += self.loss_fn(y_hat, y).double() * n
                for name, fn in self.metrics.items():
                    sums[name] += torch.as_tensor(fn(y_hat, y), device=self.device).double() * n
                count += n
        model.train(was_training)
        if count == 0:
            raise ValueError("evaluate got an empty loader")
        return {k: float(v) / count for k, v in sums.items()}  # one sync for all values

    # --8<-- [end:evaluate]

    # --8<-- [start:fit]
    def fit(
        self,
        train_loader: Iterable[Batch],
        epochs: int,
        val_loader: Iterable[Batch] | None = None,
    ) -> History:
        """Train until ``epochs`` epochs are complete (counting epochs done before a resume)."""
        _check_int(epochs, "epochs")
        num_batches = len(train_loader) if hasattr(train_loader, "__len__") else None
        self.should_stop = False
        self._train_loader = train_loader
        if self._resume_rng is not None:  # generators as they were at the checkpoint
            self._restore_rng(self._resume_rng, train_loader)
            self._resume_rng = None
        self._call("on_fit_start")
        while self.epoch < epochs and not self.should_stop:
            start = time.perf_counter()
            batches = self._epoch_batches(train_loader)
            self._call("on_epoch_start")
            self.model.train()
            bar = self._progress_bar(batches, num_batches, f"epoch {self.epoch + 1}/{epochs}")
            for batch in bar:
                i = self.batch_in_epoch  # index of this batch within the epoch
                x, y = self._to_device(batch)
                if self.batch_transform is not None:
                    x, y = self.batch_transform(x, y)
                k = self.grad_accum_steps
                group_start = i - i % k
                group_size = k if num_batches is None else min(k, num_batches - group_start)
                last = (i + 1) % k == 0 or (num_batches is not None and i + 1 == num_batches)
                self.batch_in_epoch = i + 1  # before the step: a checkpoint in it counts it
                self._train_step(x, y, group_size, last)
                if last and self.progress and self.step % 10 == 0:
                    bar.set_postfix(loss=f"{self.last_loss.item():.4f}")  # a sync, 1 in 10
                if self.should_stop:
                    break
            if hasattr(bar, "close"):
                bar.close()
            if self.should_stop and num_batches is not None and self.batch_in_epoch < num_batches:
                break  # stopped mid-epoch: no epoch record
            self._end_epoch(val_loader, time.perf_counter() - start)
        self._call("on_fit_end")
        return self.history

    # --8<-- [end:fit]

    def _progress_bar(self, batches: Iterable[Batch], total: int | None, desc: str) -> Any:
        if not self.progress:
            return batches
        from tqdm.auto import tqdm  # imported only when asked for

        return tqdm(batches, total=total, initial=self.batch_in_epoch, desc=desc, leave=False)

    def _epoch_batches(self, train_loader: Iterable[Batch]) -> Iterable[Batch]:
        """An iterator over this epoch's batches, positioned after those already used.

        A shuffling ``DataLoader`` draws its order from its own generator (or the global
        one) when the epoch's iterator starts. The generators' state at the START of the
        epoch is kept in the checkpoint; a resumed run restores it, recreates the same
        order, skips the batches already used, then restores the state of the moment of
        the checkpoint, so the remaining batches and random draws are the same ones.
        """
        if self.batch_in_epoch == 0:
            self._epoch_rng = self._capture_rng(train_loader)
            return iter(train_loader)
        if self._epoch_rng is None:
            raise RuntimeError("resuming mid-epoch needs the epoch-start RNG state")
        now = self._capture_rng(train_loader)
        self._restore_rng(self._epoch_rng, train_loader)
        it = iter(train_loader)
        for _ in itertools.islice(it, self.batch_in_epoch):
            pass
        self._restore_rng(now, train_loader)
        return it

    @staticmethod
    def _loader_generators(loader: Any) -> list[torch.Generator]:
        """The ``torch.Generator`` objects a DataLoader and its sampler draw from."""
        owners = (
            loader,
            getattr(loader, "sampler", None),
            getattr(getattr(loader, "batch_sampler", None), "sampler", None),
        )
        found: list[torch.Generator] = []
        for owner in owners:
            g = getattr(owner, "generator", None)
            if isinstance(g, torch.Generator) and all(g is not h for h in found):
                found.append(g)
        return found

    def _capture_rng(self, loader: Any) -> dict[str, Any]:
        gens = self._loader_generators(loader)
        return {"global": capture_rng_state(), "loader": [g.get_state() for g in gens]}

    def _restore_rng(self, state: dict[str, Any], loader: Any) -> None:
        restore_rng_state(state["global"])
        gens = self._loader_generators(loader)
        if len(gens) != len(state["loader"]):
            raise ValueError(
                f"the checkpoint saved {len(state['loader'])} data-loader generator states "
                f"but this loader has {len(gens)} generators: resume with the same loader"
            )
        for g, g_state in zip(gens, state["loader"], strict=True):
            g.set_state(g_state)

    def _flush_steps(self) -> None:
        for name, values in self._step_values.items():
            if values:
                self.history.log_steps(name, torch.stack(values).double().cpu().tolist())
            values.clear()

    # --8<-- [start:end_epoch]
    def _end_epoch(self, val_loader: Iterable[Batch] | None, seconds: float) -> None:
        self._flush_steps()
        self.epoch += 1
        logs: dict[str, float] = {
            "epoch": self.epoch,
            "train_loss": float(self._loss_sum) / max(self._seen, 1),
            "lr": self.optimizer.param_groups[0]["lr"],
        }
        if val_loader is not None:
            logs.update({f"val_{k}": v for k, v in self.evaluate(val_loader).items()})
            if self.ema is not None:
                ema_logs = self.evaluate(val_loader, model=self.ema.module)
                logs.update({f"ema_val_{k}": v for k, v in ema_logs.items()})
        if self.scheduler is not None:
            if isinstance(self.scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                self.scheduler.step(logs.get("val_loss", logs["train_loss"]))
            elif self.scheduler_interval == "epoch":
                self.scheduler.step()
        logs["time"] = seconds
        self.history.log_epoch(logs)
        self.batch_in_epoch = 0
        self._reset_epoch_accumulators()
        self._call("on_epoch_end", logs)

    # --8<-- [end:end_epoch]

    # --8<-- [start:state_dict]
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue exactly where training stands now."""
        self._flush_steps()
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
            "scaler": self.scaler.state_dict() if self.scaler is not None else None,
            "ema": self.ema.state_dict() if self.ema is not None else None,
            "epoch": self.epoch,
            "step": self.step,
            "batch_in_epoch": self.batch_in_epoch,
            "epoch_loss": [self._loss_sum.cpu(), self._seen],
            "rng": self._capture_rng(self._train_loader),
            "epoch_rng": self._epoch_rng,
            "history": self.history.state_dict(),
            "callbacks": [cb.state_dict() for cb in self.callbacks],
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        for name, obj in (
            ("scheduler", self.scheduler),
            ("scaler", self.scaler),
            ("ema", self.ema),
        ):
            if (obj is None) != (state[name] is None):
                raise ValueError(
                    f"checkpoint {'has' if state[name] is not None else 'has no'} {name} "
                    f"state but this Trainer {'has no' if obj is None else 'has a'} {name}"
                )
            if obj is not None:
                obj.load_state_dict(state[name])
        if len(state["callbacks"]) != len(self.callbacks):
            raise ValueError(
                f"checkpoint has state for {len(state['callbacks'])} callbacks, "
                f"this Trainer has {len(self.callbacks)}"
            )
        for cb, cb_state in zip(self.callbacks, state["callbacks"], strict=True):
            cb.load_state_dict(cb_state)
        self.epoch, self.step = state["epoch"], state["step"]
        self.batch_in_epoch = state["batch_in_epoch"]
        self._reset_epoch_accumulators()
        loss_sum, self._seen = state["epoch_loss"]
        self._loss_sum = loss_sum.to(self.device)
        self._epoch_rng = state["epoch_rng"]
        self.history.load_state_dict(state["history"])
        restore_rng_state(state["rng"]["global"])
        self._resume_rng = state["rng"]  # the loader's generators are restored by fit

    def save_checkpoint(self, path: str | os.PathLike[str]) -> Path:
        """Atomically write ``state_dict()`` to ``path`` (see ``save_checkpoint``)."""
        return save_checkpoint(self.state_dict(), path)

    def load_checkpoint(self, path: str | os.PathLike[str]) -> None:
        """Resume from a checkpoint written by ``save_checkpoint``."""
        self.load_state_dict(load_checkpoint(path, map_location=self.device))

    # --8<-- [end:state_dict]
