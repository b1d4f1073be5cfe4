"""Curves of a Trainer run on the digits: History.plot() (T44)."""

import torch
from matplotlib.figure import Figure
from torch import nn
from torch.nn import functional as F

from dlnotes.data.digits import load_data_digits
from dlnotes.train import Trainer, seed_everything, top1_accuracy


def figure() -> Figure:
    seed_everything(0)
    train_iter, test_iter = load_data_digits(batch_size=64)
    net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    trainer = Trainer(
        net,
        torch.optim.AdamW(net.parameters(), lr=3e-3),
        F.cross_entropy,
        device="cpu",
        metrics={"acc": top1_accuracy},
    )
    history = trainer.fit(train_iter, epochs=10, val_loader=test_iter)
    return history.plot(["train_loss", "val_loss", "val_acc"])
