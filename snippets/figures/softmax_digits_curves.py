"""Learning curves of softmax regression (concise) on scikit-learn's digits."""

import torch
from matplotlib.figure import Figure
from torch import nn

from dlnotes.data.digits import load_data_digits
from dlnotes.linear.train import plot_history, train_ch3


def figure() -> Figure:
    torch.manual_seed(0)
    train_iter, test_iter = load_data_digits(batch_size=64, seed=0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    nn.init.normal_(net[1].weight, std=0.01)
    nn.init.zeros_(net[1].bias)
    trainer = torch.optim.SGD(net.parameters(), lr=0.5)
    history = train_ch3(net, train_iter, test_iter, nn.CrossEntropyLoss(), 10, trainer)
    fig = plot_history(history)
    fig.axes[0].set_ylim(0, 1.05)
    return fig
