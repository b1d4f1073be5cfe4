"""Batch size and learning rate: linear vs square-root scaling, measured on the digits.

Run it (about a minute on two CPU cores); the batch-size page prints the saved results:

    python -m dlnotes.experiments.batch_size --out snippets/results/batch-size.json

Every run trains the same MLP (64 -> 128 -> 10, ReLU) on the 1,437 training digits for
the same number of epochs (20), so a batch ``k`` times larger takes ``k`` times fewer
steps. The reference is batch 32 with a learning rate that works there (SGD with
momentum 0.9: 0.05; Adam: 0.001). For batches 64 to 512 the learning rate is

* ``none``: kept at the reference value;
* ``linear``: multiplied by ``b / 32`` (Goyal et al., 2017);
* ``sqrt``: multiplied by ``sqrt(b / 32)`` (Hoffer et al., 2017; Malladi et al., 2022).

The test accuracy and the final training loss are read once, after the last epoch, for
seeds 0..n-1 (initialization and shuffling).
"""

from __future__ import annotations

# --8<-- [start:run]
import math
import statistics
import time
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from dlnotes.data.arrays import load_array
from dlnotes.data.digits import load_digits_tensors
from dlnotes.experiments.cli import run_and_save
from dlnotes.train import Trainer, top1_accuracy

__all__ = ["BASE_BATCH", "BASE_LR", "run", "run_all", "scaled_lr", "summarize"]

BASE_BATCH = 32
BASE_LR = {"sgd": 0.05, "adam": 1e-3}  # tuned by hand at batch 32
RULES = ("none", "linear", "sqrt")


def scaled_lr(optimizer: str, batch_size: int, rule: str) -> float:
    """The learning rate for ``batch_size`` under a scaling ``rule`` from batch 32.

    Example:
        >>> scaled_lr("sgd", 128, "linear"), scaled_lr("sgd", 128, "sqrt")
        (0.2, 0.1)
    """
    if optimizer not in BASE_LR:
        raise ValueError(f"optimizer must be one of {sorted(BASE_LR)}, got {optimizer!r}")
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    k = batch_size / BASE_BATCH
    factor = {"none": 1.0, "linear": k, "sqrt": math.sqrt(k)}[rule]
    return BASE_LR[optimizer] * factor


def run(optimizer: str, batch_size: int, rule: str, seed: int, epochs: int = 20) -> dict:
    """Train the MLP once; return the learning rate used and the final metrics.

    Example:
        >>> row = run("adam", 256, "sqrt", seed=0, epochs=1)
        >>> sorted(row)
        ['batch_size', 'lr', 'optimizer', 'rule', 'seed', 'steps', 'test_acc', 'train_loss']
    """
    lr = scaled_lr(optimizer, batch_size, rule)
    X_train, X_test, y_train, y_test = load_digits_tensors(seed=0)  # one fixed split
    generator = torch.Generator().manual_seed(seed)
    train_iter = load_array((X_train, y_train), batch_size, is_train=True, generator=generator)
    test_iter = load_array((X_test, y_test), 512, is_train=False)
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    if optimizer == "sgd":
        opt: torch.optim.Optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=lr)
    trainer = Trainer(net, opt, F.cross_entropy, device="cpu", metrics={"acc": top1_accuracy})
    trainer.fit(train_iter, epochs=epochs)
    train_eval = load_array((X_train, y_train), 512, is_train=False)
    return {
        "optimizer": optimizer,
        "batch_size": batch_size,
        "rule": rule,
        "seed": seed,
        "lr": round(lr, 6),
        "steps": trainer.step,
        "train_loss": round(trainer.evaluate(train_eval)["loss"], 4),
        "test_acc": round(trainer.evaluate(test_iter)["acc"], 4),
    }


def run_all(seeds: int = 3) -> dict[str, Any]:
    """Both optimizers; batch 32 once, batches 64-512 under every rule; seeds 0..n-1."""
    start = time.perf_counter()
    runs = []
    for optimizer in BASE_LR:
        for batch_size in (32, 64, 128, 256, 512):
            for rule in ("none",) if batch_size == BASE_BATCH else RULES:
                runs += [run(optimizer, batch_size, rule, seed) for seed in range(seeds)]
    return {
        "command": f"python -m dlnotes.experiments.batch_size --seeds {seeds}",
        "torch": torch.__version__.split("+")[0],
        "threads": torch.get_num_threads(),
        "seconds": round(time.perf_counter() - start, 1),
        "runs": runs,
    }


def summarize(results: dict[str, Any], optimizer: str) -> list[str]:
    """A table for one optimizer: mean test accuracy (and its spread) per batch and rule."""
    cells: dict[tuple[int, str], list[float]] = {}
    for r in results["runs"]:
        if r["optimizer"] == optimizer:
            cells.setdefault((r["batch_size"], r["rule"]), []).append(r["test_acc"])
    lines = [f"{optimizer:<5} batch  " + "  ".join(f"{rule:>13}" for rule in RULES)]
    for b in sorted({b for b, _ in cells}):
        row = []
        for rule in RULES:
            acc = cells.get((b, rule)) or cells.get((b, "none"))  # batch 32: one value for all
            row.append(f"{statistics.mean(acc):.3f} ± {statistics.stdev(acc):.3f}")
        lines.append(f"{'':<5} {b:>5}  " + "  ".join(f"{c:>13}" for c in row))
    return lines


# --8<-- [end:run]


def main(argv: list[str] | None = None) -> None:
    run_and_save(
        argv,
        description=__doc__.split("\n\n")[0],
        default_out="snippets/results/batch-size.json",
        default_seeds=3,
        run_all=run_all,
        report=lambda results: "\n".join(
            line for opt in BASE_LR for line in summarize(results, opt)
        ),
    )


if __name__ == "__main__":
    main()
