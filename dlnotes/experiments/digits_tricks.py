"""Measure regularization and schedule tricks on the offline digits, over several seeds.

Run it (about a minute on two CPU cores) and the site's table and figure update:

    python -m dlnotes.experiments.digits_tricks --out snippets/results/digits-tricks.json

Every configuration trains the same MLP (64 -> 256 -> 256 -> 10, ReLU, dropout 0.2) on
the same stratified split of the 1,797 digits (1,437 train / 360 test) with AdamW,
batch 64, for the same number of epochs, through ``dlnotes.train.Trainer``; only one
trick differs from the baseline. The test accuracy and loss are read once, after the
last epoch: no early stopping and no choice of epoch on the test set. Each configuration
runs with seeds 0..n-1 (the seed fixes the initialization, the shuffling, dropout and
MixUp), so every difference is shown against the run-to-run spread (T56).
"""

from __future__ import annotations

# --8<-- [start:imports]
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

from dlnotes.data.digits import load_digits_tensors
from dlnotes.experiments.cli import run_and_save
from dlnotes.train import ModelEMA, Trainer, seed_everything, top1_accuracy

# --8<-- [end:imports]

__all__ = ["CONFIGS", "Config", "compare_to_baseline", "results_table", "run", "run_all"]


# --8<-- [start:configs]
@dataclass(frozen=True)
class Config:
    """One training recipe; the defaults are the baseline."""

    name: str
    label_smoothing: float = 0.0  # T19
    mixup_alpha: float = 0.0  # T03 (0: off)
    ema_decay: float | None = None  # T21 (None: off); the EMA weights are evaluated
    warmup_cosine: bool = False  # T13: linear warmup for 5 epochs, then cosine to 0
    weight_decay: float = 0.0  # T17: decoupled, not on biases (AdamW param groups)
    lr: float = 1e-3
    epochs: int = 40
    batch_size: int = 64


CONFIGS = [
    Config("baseline"),
    Config("label smoothing 0.1", label_smoothing=0.1),
    Config("mixup 0.2", mixup_alpha=0.2),
    Config("ema 0.99", ema_decay=0.99),
    Config("warmup + cosine", warmup_cosine=True),
    Config("weight decay 0.05", weight_decay=0.05),
    Config(
        "all of the above",
        label_smoothing=0.1,
        mixup_alpha=0.2,
        ema_decay=0.99,
        warmup_cosine=True,
        weight_decay=0.05,
    ),
]
# --8<-- [end:configs]


# --8<-- [start:run]
def _model() -> nn.Module:
    return nn.Sequential(
        nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(256, 256), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(256, 10),
    )  # fmt: skip


def _mixup_transform(alpha: float) -> Callable[[torch.Tensor, torch.Tensor], Any]:
    from dlnotes.tricks.mixing import mixup

    def transform(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return mixup(x, y, num_classes=10, alpha=alpha)  # soft targets (n, 10)

    return transform


def run(config: Config, seed: int, data: tuple[torch.Tensor, ...] | None = None) -> dict:
    """Train ``config`` with ``seed``; return the test accuracy and loss after the last epoch."""
    X_train, X_test, y_train, y_test = data if data is not None else load_digits_tensors()
    seed_everything(seed)
    model = _model()
    if config.weight_decay:
        from dlnotes.tricks.weight_decay import param_groups_weight_decay

        params: Any = param_groups_weight_decay(model, config.weight_decay)
    else:
        params = model.parameters()
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.0)
    train_loader = DataLoader(
        TensorDataset(X_train, y_train), batch_size=config.batch_size, shuffle=True
    )
    test_loader = DataLoader(TensorDataset(X_test, y_test), batch_size=512)
    scheduler = None
    if config.warmup_cosine:
        steps = config.epochs * len(train_loader)
        warmup = 5 * len(train_loader)
        scheduler = torch.optim.lr_scheduler.SequentialLR(
            optimizer,
            [
                torch.optim.lr_scheduler.LinearLR(optimizer, 0.01, 1.0, total_iters=warmup),
                torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps - warmup),
            ],
            milestones=[warmup],
        )
    ema = ModelEMA(model, config.ema_decay) if config.ema_decay else None

    def loss_fn(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        # class indices or MixUp's soft targets (F.cross_entropy takes both)
        return F.cross_entropy(y_hat, y, label_smoothing=config.label_smoothing)

    def test_nll(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(y_hat, y)  # the plain loss, whatever the training loss

    trainer = Trainer(
        model, optimizer, loss_fn, device="cpu", scheduler=scheduler,
        scheduler_interval="step", ema=ema, metrics={"acc": top1_accuracy, "nll": test_nll},
        batch_transform=_mixup_transform(config.mixup_alpha) if config.mixup_alpha else None,
    )  # fmt: skip
    trainer.fit(train_loader, epochs=config.epochs)
    final = trainer.evaluate(test_loader, model=ema.module if ema else model)
    return {
        "config": config.name,
        "seed": seed,
        "test_acc": final["acc"],
        "test_loss": final["nll"],
    }


# --8<-- [end:run]


def run_all(configs: list[Config], seeds: int) -> dict:
    """Every configuration with seeds ``0..seeds-1``; a JSON-ready dict with the setup."""
    torch.set_num_threads(1)  # results do not depend on the machine's core count
    data = load_digits_tensors()
    runs, start = [], time.perf_counter()
    for config in configs:
        for seed in range(seeds):
            runs.append(run(config, seed, data))
    summary = []
    for config in configs:
        accs = [r["test_acc"] for r in runs if r["config"] == config.name]
        losses = [r["test_loss"] for r in runs if r["config"] == config.name]
        summary.append({
            "config": config.name,
            "acc_mean": statistics.mean(accs), "acc_std": statistics.stdev(accs),
            "loss_mean": statistics.mean(losses), "loss_std": statistics.stdev(losses),
        })  # fmt: skip
    return {
        "command": f"python -m dlnotes.experiments.digits_tricks --seeds {seeds}",
        "software": {"python": platform.python_version(), "torch": torch.__version__},
        "threads": 1,
        "seconds": round(time.perf_counter() - start, 1),
        "configs": [asdict(c) for c in configs],
        "summary": summary,
        "runs": runs,
    }


# --8<-- [start:compare]
def compare_to_baseline(results: dict, metric: str = "test_acc") -> dict[str, tuple[float, float]]:
    """``{config: (difference of means, Welch's t)}`` against the baseline's runs.

    Welch's t divides the difference of the means by its standard error,
    ``sqrt(s_a^2 / n_a + s_b^2 / n_b)``; ``|t|`` above about 2.3 (5 + 5 seeds) is
    unlikely to come from seed noise alone (two-sided 5% level).
    """
    by_config: dict[str, list[float]] = {}
    for r in results["runs"]:
        by_config.setdefault(r["config"], []).append(r[metric])
    base = by_config["baseline"]
    out = {}
    for name, values in by_config.items():
        if name == "baseline":
            continue
        diff = statistics.mean(values) - statistics.mean(base)
        se = (
            statistics.variance(values) / len(values) + statistics.variance(base) / len(base)
        ) ** 0.5
        out[name] = (diff, diff / se if se > 0 else float("inf"))
    return out


# --8<-- [end:compare]


# --8<-- [start:results_table]
HEADERS = {
    "en": ("Configuration", "Test accuracy (%)", "Test loss", "vs baseline (acc. points)"),
    "zh": ("配置", "测试准确率 (%)", "测试损失", "相对基线（准确率百分点）"),
}


def results_table(results: dict, lang: str = "en") -> str:
    """The summary as a Markdown table: mean +- standard deviation over the seeds."""
    if lang not in HEADERS:
        raise ValueError(f"lang must be one of {sorted(HEADERS)}, got {lang!r}")
    rows = results["summary"]
    base = next(r for r in rows if r["config"] == "baseline")["acc_mean"]
    lines = ["| " + " | ".join(HEADERS[lang]) + " |", "|---|---:|---:|---:|"]
    for r in rows:
        delta = 100 * (r["acc_mean"] - base)
        lines.append(
            f"| {r['config']} | {100 * r['acc_mean']:.2f} ± {100 * r['acc_std']:.2f} "
            f"| {r['loss_mean']:.3f} ± {r['loss_std']:.3f} | {delta:+.2f} |"
        )
    n = len({run["seed"] for run in results["runs"]})
    note = {
        "en": f"Mean ± standard deviation over {n} seeds; command: `{results['command']}`.",
        "zh": f"{n} 个随机种子的均值 ± 标准差；复现命令：`{results['command']}`。",
    }[lang]
    return "\n".join(lines) + "\n\n" + note + "\n"


# --8<-- [end:results_table]


def main(argv: list[str] | None = None) -> None:
    run_and_save(
        argv,
        description=__doc__.split("\n\n")[0],
        default_out="snippets/results/digits-tricks.json",
        default_seeds=5,
        run_all=lambda seeds: run_all(CONFIGS, seeds),
        report=results_table,
    )


if __name__ == "__main__":
    main()
