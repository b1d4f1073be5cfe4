"""dlnotes.computation.devices: device choice, nested moves and timing (CPU and CUDA)."""

from __future__ import annotations

import time
from collections import namedtuple

import pytest
import torch

from dlnotes.computation.devices import move_to, time_ms, try_all_gpus, try_gpu

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.mark.parametrize("count", [0, 1, 2])
def test_try_gpu_follows_device_count(monkeypatch, count) -> None:
    monkeypatch.setattr(torch.cuda, "device_count", lambda: count)
    for i in range(4):
        expected = torch.device(f"cuda:{i}") if i < count else torch.device("cpu")
        assert try_gpu(i) == expected
    expected_all = [torch.device(f"cuda:{i}") for i in range(count)] or [torch.device("cpu")]
    assert try_all_gpus() == expected_all


def test_try_gpu_on_this_machine() -> None:
    assert try_gpu() == try_all_gpus()[0]
    assert (try_gpu().type == "cuda") == torch.cuda.is_available()
    assert try_gpu(10_000) == torch.device("cpu")


@pytest.mark.parametrize(("i", "error"), [(-1, ValueError), (1.0, TypeError), (True, TypeError)])
def test_try_gpu_rejects_bad_index(i, error) -> None:
    with pytest.raises(error, match="i must be"):
        try_gpu(i)


def test_move_to_nested_containers_keep_their_types() -> None:
    Pair = namedtuple("Pair", "x y")
    batch = {
        "pair": Pair(torch.ones(2), torch.zeros(3)),
        "list": [torch.ones(1), "name", 3, None],
        "tuple": (torch.arange(4),),
    }
    moved = move_to(batch, "meta")  # the meta device exists on every machine
    assert isinstance(moved["pair"], Pair) and isinstance(moved["tuple"], tuple)
    assert isinstance(moved["list"], list)
    assert moved["pair"].x.device.type == "meta" and moved["tuple"][0].device.type == "meta"
    assert moved["list"][1:] == ["name", 3, None]
    assert moved["pair"].y.shape == (3,) and moved["tuple"][0].dtype == torch.int64
    assert batch["pair"].x.device.type == "cpu"  # the input is untouched


def test_move_to_same_device_is_not_a_copy() -> None:
    x = torch.ones(3)
    assert move_to(x, "cpu") is x
    assert move_to([x], torch.device("cpu"))[0] is x


def test_move_to_bad_device() -> None:
    with pytest.raises(RuntimeError):
        move_to(torch.ones(1), "not-a-device")


def test_time_ms_calls_warmup_plus_repeats_and_measures() -> None:
    calls = []

    def work() -> None:
        calls.append(1)
        time.sleep(0.002)

    ms = time_ms(work, "cpu", warmup=2, repeats=3)
    assert len(calls) == 5
    assert ms >= 2.0  # each timed call sleeps at least 2 ms


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"fn": 3}, TypeError, "fn must be callable"),
        ({"repeats": 0}, ValueError, "repeats must be >= 1"),
        ({"warmup": -1}, ValueError, "warmup must be >= 0"),
        ({"repeats": 2.0}, TypeError, "repeats must be an int"),
        ({"device": "meta"}, ValueError, "CPU or CUDA"),
    ],
)
def test_time_ms_rejects_bad_input(kwargs, error, match) -> None:
    args = {"fn": lambda: None, "device": "cpu"} | kwargs
    with pytest.raises(error, match=match):
        time_ms(**args)


@pytest.mark.gpu
@needs_cuda
def test_move_to_cuda_and_back_non_blocking() -> None:
    batch = (torch.randn(4, 3).pin_memory(), {"y": torch.arange(4).pin_memory()})
    on_gpu = move_to(batch, "cuda", non_blocking=True)
    assert on_gpu[0].is_cuda and on_gpu[1]["y"].is_cuda
    back = move_to(on_gpu, "cpu")  # blocking: safe to read at once
    torch.testing.assert_close(back[0], batch[0])
    assert torch.equal(back[1]["y"], batch[1]["y"])


@pytest.mark.gpu
@needs_cuda
def test_time_ms_cuda_events_agree_with_synchronized_host_clock() -> None:
    a = torch.randn(2048, 2048, device="cuda")
    events = time_ms(lambda: a @ a, "cuda", warmup=3, repeats=20)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(20):
        a @ a
    torch.cuda.synchronize()
    host = (time.perf_counter() - start) * 1000 / 20
    assert events > 0
    assert 0.5 < events / host < 2.0
