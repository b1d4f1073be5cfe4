"""Kill a training process with SIGKILL, resume it, and get bit-identical weights (T43)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from dlnotes.train import load_checkpoint

WORKER = Path(__file__).with_name("resume_worker.py")
ROOT = Path(__file__).resolve().parent.parent


def _start(out: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, str(WORKER), str(out), *args], env=env)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_then_resume_is_bit_identical(tmp_path):
    full, killed = tmp_path / "full", tmp_path / "killed"
    reference = _start(full)  # runs alongside the run that gets killed
    victim = _start(killed, "--sleep", "0.3")
    ckpt = killed / "ckpt.pt"
    deadline = time.monotonic() + 120
    step = 0
    while step < 7:  # past the middle of epoch 2 of 3 (5 optimizer steps per epoch)
        assert victim.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.1)
        if ckpt.exists():
            step = load_checkpoint(ckpt)["step"]  # atomic writes: never a partial file
    victim.send_signal(signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    state = load_checkpoint(ckpt)
    assert 7 <= state["step"] < 15 and state["batch_in_epoch"] > 0  # really mid-epoch

    resumed = _start(killed, "--resume")
    assert resumed.wait(timeout=120) == 0
    assert reference.wait(timeout=120) == 0

    a = torch.load(full / "final.pt", weights_only=True)
    b = torch.load(killed / "final.pt", weights_only=True)
    assert a["step"] == b["step"] == 15
    for part in ("model", "ema"):
        for name, tensor in a[part].items():
            assert torch.equal(tensor, b[part][name]), f"{part}.{name} differs after resume"
    # The resumed history matches too (loss values included), except wall-clock times.
    strip = [{k: v for k, v in r.items() if k != "time"} for r in a["history"]["epochs"]]
    assert strip == [{k: v for k, v in r.items() if k != "time"} for r in b["history"]["epochs"]]
    assert a["history"]["steps"] == b["history"]["steps"]
