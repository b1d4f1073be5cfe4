"""The training loop every demo uses, with its callbacks, checkpoints, EMA and seeds.

``Trainer`` (``dlnotes.train.loop``) runs the loop; ``Callback`` subclasses
(``dlnotes.train.callbacks``) add early stopping, checkpointing, NaN detection and
TensorBoard logging; ``save_checkpoint``/``load_checkpoint`` write and read checkpoints
atomically and safely; ``ModelEMA`` averages weights; ``seed_everything`` and the RNG
state helpers make runs repeatable.
"""

from dlnotes.train.callbacks import (
    Callback,
    Checkpointing,
    EarlyStopping,
    NonFiniteLossError,
    StopOnNonFinite,
    TensorBoardLogger,
    find_first_nonfinite,
)
from dlnotes.train.checkpoint import load_checkpoint, save_checkpoint
from dlnotes.train.ema import ModelEMA
from dlnotes.train.history import History, plot_histories
from dlnotes.train.loop import Trainer, top1_accuracy
from dlnotes.train.seed import capture_rng_state, restore_rng_state, seed_everything

__all__ = [
    "Callback",
    "Checkpointing",
    "EarlyStopping",
    "History",
    "ModelEMA",
    "NonFiniteLossError",
    "StopOnNonFinite",
    "TensorBoardLogger",
    "Trainer",
    "capture_rng_state",
    "find_first_nonfinite",
    "load_checkpoint",
    "plot_histories",
    "restore_rng_state",
    "save_checkpoint",
    "seed_everything",
    "top1_accuracy",
]
