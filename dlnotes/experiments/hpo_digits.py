"""Hyperparameter search with Optuna on the digits: TPE vs random search, with pruning.

Run it (a few minutes on two CPU cores); the page and its figure read the saved results:

    python -m dlnotes.experiments.hpo_digits --out snippets/results/hpo-digits.json

The 1,437 training digits are split once into 1,149 for training and 288 for validation;
the 360 test digits are not looked at during the search. A trial trains an MLP
(64 -> hidden -> 10, ReLU, dropout) with AdamW for up to 10 epochs and reports its
validation accuracy after every epoch; the median pruner stops a trial whose accuracy is
below the median of earlier trials at the same epoch. The search space: learning rate,
weight decay, hidden width, dropout and batch size. TPE and random sampling get the same
budget (30 trials, the same pruner, seed 0). At the end, the best TPE configuration is
trained once more and evaluated once on the test set.

Optuna is imported inside the functions, so the package imports without it.
"""

from __future__ import annotations

# --8<-- [start:objective]
import argparse
import json
import time
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from dlnotes.data.arrays import load_array
from dlnotes.data.digits import load_digits_tensors
from dlnotes.train import Trainer, top1_accuracy

__all__ = ["load_splits", "objective", "run_study", "train_config"]


def load_splits() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Train (1,149), validation (288) and test (360) digits; the same split every time.

    Example:
        >>> {name: len(y) for name, (X, y) in load_splits().items()}
        {'train': 1149, 'val': 288, 'test': 360}
    """
    from sklearn.model_selection import train_test_split

    X, X_test, y, y_test = load_digits_tensors(seed=0)
    idx_train, idx_val = train_test_split(
        torch.arange(len(y)).numpy(), test_size=0.2, random_state=1, stratify=y.numpy()
    )
    return {
        "train": (X[idx_train], y[idx_train]),
        "val": (X[idx_val], y[idx_val]),
        "test": (X_test, y_test),
    }


def train_config(
    params: dict[str, Any],
    epochs: int,
    seed: int = 0,
    report=None,
    evaluate_on: str = "val",
) -> float:
    """Train one configuration; return its accuracy on ``evaluate_on`` after the last epoch.

    ``report(epoch, accuracy)`` is called after every epoch (Optuna's hook for pruning).

    Example:
        >>> params = dict(lr=3e-3, weight_decay=1e-4, hidden=64, dropout=0.1, batch_size=64)
        >>> train_config(params, epochs=2) > 0.8
        True
    """
    data = load_splits()
    generator = torch.Generator().manual_seed(seed)
    train_iter = load_array(data["train"], params["batch_size"], is_train=True, generator=generator)
    eval_iter = load_array(data[evaluate_on], 512, is_train=False)
    torch.manual_seed(seed)
    net = nn.Sequential(
        nn.Linear(64, params["hidden"]),
        nn.ReLU(),
        nn.Dropout(params["dropout"]),
        nn.Linear(params["hidden"], 10),
    )
    opt = torch.optim.AdamW(net.parameters(), lr=params["lr"], weight_decay=params["weight_decay"])
    trainer = Trainer(net, opt, F.cross_entropy, device="cpu", metrics={"acc": top1_accuracy})
    acc = 0.0
    for epoch in range(1, epochs + 1):
        trainer.fit(train_iter, epochs=epoch)  # one more epoch
        acc = trainer.evaluate(eval_iter)["acc"]
        if report is not None:
            report(epoch, acc)
    return acc


def objective(trial, epochs: int = 10) -> float:
    """Optuna objective: sample a configuration, train it, report, maybe prune."""
    import optuna

    params = {
        "lr": trial.suggest_float("lr", 1e-4, 1e-1, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
        "hidden": trial.suggest_int("hidden", 16, 256, log=True),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
        "batch_size": trial.suggest_categorical("batch_size", [32, 64, 128, 256]),
    }

    def report(epoch: int, acc: float) -> None:
        trial.report(acc, epoch)
        if trial.should_prune():  # below the median of earlier trials at this epoch
            raise optuna.TrialPruned()

    return train_config(params, epochs, report=report)


def run_study(sampler: str = "tpe", n_trials: int = 30, epochs: int = 10, seed: int = 0):
    """An Optuna study maximizing validation accuracy, with the median pruner.

    Example:
        >>> study = run_study("random", n_trials=2, epochs=1)  # doctest: +SKIP
    """
    import optuna

    if sampler not in ("tpe", "random"):
        raise ValueError(f"sampler must be 'tpe' or 'random', got {sampler!r}")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="maximize",
        sampler=(optuna.samplers.TPESampler if sampler == "tpe" else optuna.samplers.RandomSampler)(
            seed=seed
        ),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=3),
    )
    study.optimize(lambda trial: objective(trial, epochs), n_trials=n_trials)
    return study


# --8<-- [end:objective]


def study_to_dict(study) -> dict[str, Any]:
    """The trials of ``study`` as plain data (for the saved JSON and the figures)."""
    return {
        "best_params": study.best_params,
        "best_value": round(study.best_value, 4),
        "trials": [
            {
                "number": t.number,
                "state": t.state.name,
                "params": t.params,
                "value": None if t.value is None else round(t.value, 4),
                "intermediate": [
                    round(t.intermediate_values[k], 4) for k in sorted(t.intermediate_values)
                ],
            }
            for t in study.trials
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("snippets/results/hpo-digits.json"))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    results: dict[str, Any] = {
        "command": f"python -m dlnotes.experiments.hpo_digits --trials {args.trials}",
        "torch": torch.__version__.split("+")[0],
        "threads": torch.get_num_threads(),
    }
    for sampler in ("tpe", "random"):
        results[sampler] = study_to_dict(run_study(sampler, args.trials))
    best = results["tpe"]["best_params"]
    results["tpe"]["test_acc"] = round(train_config(best, 10, evaluate_on="test"), 4)
    results["seconds"] = round(time.perf_counter() - start, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    for sampler in ("tpe", "random"):
        r = results[sampler]
        pruned = sum(t["state"] == "PRUNED" for t in r["trials"])
        print(sampler, r["best_value"], r["best_params"], f"{pruned} pruned")
    print("test accuracy of the best TPE configuration:", results["tpe"]["test_acc"])


if __name__ == "__main__":
    main()
