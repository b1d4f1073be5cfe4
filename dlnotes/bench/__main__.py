"""Command line of the speed benchmark.

python -m dlnotes.bench --smoke --out bench.json           # seconds, on a CPU
python -m dlnotes.bench --size cpu --out snippets/results/bench-cpu.json
python -m dlnotes.bench --device cuda --out snippets/results/bench-h100.json
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import torch

from dlnotes.bench.harness import SIZES, TRICKS, run_benchmark
from dlnotes.bench.report import results_table


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python -m dlnotes.bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny models, few steps (same as --size smoke)"
    )
    parser.add_argument("--size", choices=sorted(SIZES), help="default: gpu on CUDA, else cpu")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--models", nargs="+", default=["resnet", "gpt"], choices=["resnet", "gpt"])
    parser.add_argument("--tricks", nargs="+", default=list(TRICKS), choices=list(TRICKS))
    parser.add_argument(
        "--no-fold-bn", action="store_true", help="skip the BatchNorm-folding timing"
    )
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda but torch sees no CUDA device")
    size = "smoke" if args.smoke else args.size or ("gpu" if device.type == "cuda" else "cpu")
    results = run_benchmark(args.models, args.tricks, device, size, fold_bn=not args.no_fold_bn)
    results["command"] = "python -m dlnotes.bench " + shlex.join(argv)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(results_table(results))
    return results


if __name__ == "__main__":
    main()
