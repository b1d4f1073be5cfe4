"""The command line every seeded experiment shares: run it, save the JSON, print a summary."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["run_and_save"]


def run_and_save(
    argv: list[str] | None,
    *,
    description: str,
    default_out: str,
    default_seeds: int,
    run_all: Callable[[int], dict[str, Any]],
    report: Callable[[dict[str, Any]], str],
) -> dict[str, Any]:
    """Parse ``--seeds`` and ``--out``, call ``run_all(seeds)``, write the JSON, print ``report``.

    Example:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "r.json"
        >>> results = run_and_save(["--seeds", "2", "--out", str(out)], description="demo",
        ...                        default_out="unused.json", default_seeds=3,
        ...                        run_all=lambda n: {"seeds": n}, report=str)
        {'seeds': 2}
        >>> json.loads(out.read_text())
        {'seeds': 2}
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seeds", type=int, default=default_seeds)
    parser.add_argument("--out", type=Path, default=Path(default_out))
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error("--seeds must be >= 2 (a standard deviation needs two runs)")
    results = run_all(args.seeds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(report(results))
    return results
