"""Does Squeeze-and-Excitation help a small ResNet on the digits? Measured over seeds.

Run it (under a minute on two CPU cores); the attention page prints the saved results:

    python -m dlnotes.experiments.se_digits --out snippets/results/se-digits.json

Every run trains ``resnet((1, 1, 1, 1), stem="small")`` on the 8x8 digits with Adam
(lr 0.003, batch 64, 115 steps: 5 epochs of the full training set) through
``dlnotes.train.Trainer``, with or without an SE module (reduction 4) in each of its
four residual blocks. Two widths (4 and 16 channels in the first stage) and two
training-set sizes (the full 1,437 images, and the first 200 of them, where overfitting
dominates) make four settings; the test set is always the same 360 images. Each setting
runs with seeds 0..n-1, which fix the initialization and the shuffling, so a difference
can be read against the run-to-run spread.
"""

from __future__ import annotations

# --8<-- [start:run]
import math
import statistics
import time
from typing import Any

import torch
from torch.nn import functional as F

from dlnotes.data.arrays import load_array
from dlnotes.data.digits import load_digits_tensors
from dlnotes.experiments.cli import run_and_save
from dlnotes.modern_cnn.attention import add_squeeze_excitation
from dlnotes.modern_cnn.resnet import resnet
from dlnotes.train import Trainer, top1_accuracy

__all__ = ["run", "run_all", "summarize"]


def run(width: int, train_size: int | None, se: bool, seed: int, steps: int = 115) -> dict:
    """Train one small (SE-)ResNet for ``steps`` updates; return its size and accuracies.

    The number of epochs is ``ceil(steps / batches per epoch)``, so a small training set
    gets as many updates as the full one (5 epochs of the 1,437 images are 115 steps).

    Example:
        >>> row = run(width=4, train_size=100, se=True, seed=0, steps=2)
        >>> sorted(row), row["params"]
        (['params', 'se', 'seed', 'test_acc', 'train_acc', 'train_size', 'width'], 20585)
    """
    X_train, X_test, y_train, y_test = load_digits_tensors(seed=0, flatten=False)
    if train_size is not None:  # the split is shuffled, so its head is a random subset
        X_train, y_train = X_train[:train_size], y_train[:train_size]
    generator = torch.Generator().manual_seed(seed)
    train_iter = load_array((X_train, y_train), 64, is_train=True, generator=generator)
    test_iter = load_array((X_test, y_test), 256, is_train=False)
    torch.manual_seed(seed)
    net = resnet((1, 1, 1, 1), num_classes=10, in_channels=1, stem="small", width=width)
    if se:
        add_squeeze_excitation(net, reduction=4)
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    trainer = Trainer(net, optimizer, F.cross_entropy, device="cpu", metrics={"acc": top1_accuracy})
    trainer.fit(train_iter, epochs=math.ceil(steps / len(train_iter)))
    return {
        "width": width,
        "train_size": len(X_train),
        "se": se,
        "seed": seed,
        "params": sum(p.numel() for p in net.parameters()),
        "train_acc": round(trainer.evaluate(train_iter)["acc"], 4),
        "test_acc": round(trainer.evaluate(test_iter)["acc"], 4),
    }


def run_all(seeds: int = 5) -> dict[str, Any]:
    """Every setting with and without SE, for seeds ``0..seeds-1``."""
    start = time.perf_counter()
    runs = [
        run(width, train_size, se, seed)
        for width in (4, 16)
        for train_size in (None, 200)
        for se in (False, True)
        for seed in range(seeds)
    ]
    return {
        "command": f"python -m dlnotes.experiments.se_digits --seeds {seeds}",
        "torch": torch.__version__.split("+")[0],
        "threads": torch.get_num_threads(),
        "seconds": round(time.perf_counter() - start, 1),
        "runs": runs,
    }


def summarize(results: dict[str, Any]) -> list[str]:
    """One line per setting: mean ± std of the train and test accuracy over the seeds."""
    groups: dict[tuple, list[dict]] = {}
    for r in results["runs"]:
        groups.setdefault((r["width"], r["train_size"], r["se"]), []).append(r)
    lines = []
    for (width, size, se), rows in groups.items():
        cells = []
        for key in ("train_acc", "test_acc"):
            values = [r[key] for r in rows]
            cells.append(f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}")
        name = f"width {width:>2}, {size:>4} train, {'SE   ' if se else 'plain'}"
        lines.append(f"{name} {rows[0]['params']:>7,} params  train {cells[0]}  test {cells[1]}")
    return lines


# --8<-- [end:run]


def main(argv: list[str] | None = None) -> None:
    run_and_save(
        argv,
        description=__doc__.split("\n\n")[0],
        default_out="snippets/results/se-digits.json",
        default_seeds=5,
        run_all=run_all,
        report=lambda results: "\n".join(summarize(results)),
    )


if __name__ == "__main__":
    main()
