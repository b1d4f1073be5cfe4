"""The learning-rate range test on the digits with a small MLP and SGD + momentum (T12)."""

import torch
from matplotlib.figure import Figure
from torch import nn
from torch.nn import functional as F

from dlnotes.data.digits import load_digits_tensors
from dlnotes.tricks.lr_finder import lr_range_test


def figure() -> Figure:
    X, _, y, _ = load_digits_tensors()
    batches = [(X[i : i + 64], y[i : i + 64]) for i in range(0, len(X) - 63, 64)]
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    result = lr_range_test(
        net, F.cross_entropy, batches, start_lr=1e-4, end_lr=100.0, num_steps=150
    )
    return result.plot()
