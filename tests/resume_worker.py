"""A small training run used by test_train_resume.py (run as a subprocess).

    python tests/resume_worker.py OUT_DIR [--resume] [--sleep SECONDS]

Trains an MLP with dropout on part of the digits, with a shuffling DataLoader, AdamW, a
per-step cosine schedule, gradient clipping, an EMA and a checkpoint after every
optimizer step (``OUT_DIR/ckpt.pt``). At the end it writes the final model and EMA
weights to ``OUT_DIR/final.pt``. ``--sleep`` slows each step down so that the test can
kill the process in the middle; ``--resume`` continues from the checkpoint.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlnotes.data.digits import load_digits_tensors
from dlnotes.train import Callback, Checkpointing, ModelEMA, Trainer, seed_everything

EPOCHS = 3


class Sleep(Callback):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def on_step_end(self, trainer: Trainer) -> None:
        time.sleep(self.seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--sleep", type=float, default=0.0)
    args = parser.parse_args()

    torch.set_num_threads(1)  # same reduction order in every process
    seed_everything(0)
    X, _, y, _ = load_digits_tensors()
    data = TensorDataset(X[:320], y[:320])
    loader = DataLoader(
        data, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(1)
    )
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 10))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(
        opt, T_max=EPOCHS * len(loader) // 2
    )  # 2 batches per step
    callbacks = [Checkpointing(args.out / "ckpt.pt", every_n_steps=1), Sleep(args.sleep)]
    trainer = Trainer(
        model,
        opt,
        nn.functional.cross_entropy,
        device="cpu",
        grad_accum_steps=2,
        clip_grad_norm=1.0,
        scheduler=sched,
        scheduler_interval="step",
        ema=ModelEMA(model, decay=0.9),
        callbacks=callbacks,
    )
    if args.resume:
        trainer.load_checkpoint(args.out / "ckpt.pt")
    trainer.fit(loader, epochs=EPOCHS)
    torch.save(
        {
            "model": model.state_dict(),
            "ema": trainer.ema.module.state_dict(),
            "history": trainer.history.state_dict(),
            "step": trainer.step,
        },
        args.out / "final.pt",
    )


if __name__ == "__main__":
    main()
