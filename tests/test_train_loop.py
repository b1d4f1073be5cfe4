"""dlnotes.train: the loop, its callbacks, EMA, checkpoints and seeds."""

from __future__ import annotations

import copy
import pickle

import pytest
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.nn import functional as F
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from dlnotes.train import (
    Callback,
    Checkpointing,
    EarlyStopping,
    History,
    ModelEMA,
    NonFiniteLossError,
    StopOnNonFinite,
    TensorBoardLogger,
    Trainer,
    load_checkpoint,
    save_checkpoint,
    seed_everything,
    top1_accuracy,
)


def _data(n=64, d=4, c=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g)
    y = torch.randint(0, c, (n,), generator=g)
    return X, y


def _batches(X, y, b):
    return [(X[i : i + b], y[i : i + b]) for i in range(0, len(X), b)]


def _sgd(net, lr=0.1, **kwargs):
    """A CPU Trainer with plain SGD and cross-entropy (what most tests need)."""
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    return Trainer(net, opt, F.cross_entropy, device="cpu", **kwargs)


def _net(d=4, c=3, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d, 8), nn.ReLU(), nn.Linear(8, c))


class ModeSpy(Callback):
    """Records whether the model was in training mode at each step."""

    def __init__(self):
        self.modes = []

    def on_after_backward(self, trainer):
        self.modes.append(trainer.model.training)


def test_fit_learns_and_switches_modes():
    X, y = _data()
    y = (X[:, 0] > 0).long()
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 2))
    spy = ModeSpy()
    trainer = Trainer(
        net,
        torch.optim.Adam(net.parameters(), lr=0.05),
        F.cross_entropy,
        device="cpu",
        metrics={"acc": top1_accuracy},
        callbacks=[spy],
    )
    net.eval()
    history = trainer.fit(_batches(X, y, 16), epochs=8, val_loader=_batches(X, y, 16))
    assert all(spy.modes) and len(spy.modes) == 32  # training mode during every step
    assert history["val_acc"][-1] >= 0.9
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert len(history.steps["loss"]) == len(history.steps["grad_norm"]) == 32
    assert net.training  # evaluate restored the mode fit had set


def test_evaluate_uses_eval_mode_and_restores_it():
    X, y = _data()
    net = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.9))
    trainer = _sgd(net)
    net.train()
    a = trainer.evaluate(_batches(X, y, 16))["loss"]
    b = trainer.evaluate(_batches(X, y, 16))["loss"]
    assert a == b  # dropout off: deterministic
    with torch.no_grad():
        expected = F.cross_entropy(net[0](X), y).item()
    assert a == pytest.approx(expected, rel=1e-6)
    assert net.training


def test_gradient_accumulation_equals_one_big_batch():
    X, y = _data(n=32)
    big, small = _net(), _net()
    opt_big = torch.optim.SGD(big.parameters(), lr=0.1)
    opt_small = torch.optim.SGD(small.parameters(), lr=0.1)
    Trainer(big, opt_big, F.cross_entropy, device="cpu").fit(_batches(X, y, 16), epochs=2)
    t = Trainer(small, opt_small, F.cross_entropy, device="cpu", grad_accum_steps=2)
    t.fit(_batches(X, y, 8), epochs=2)
    assert t.step == 4
    for p, q in zip(big.parameters(), small.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)


def test_accumulation_with_a_short_last_group():
    # 3 micro-batches with grad_accum_steps=2: the last group has ONE batch and must
    # count as a full mean, exactly like a plain step on that batch.
    X, y = _data(n=24)
    a, b = _net(), _net()
    ta = Trainer(a, torch.optim.SGD(a.parameters(), lr=0.1), F.cross_entropy, device="cpu")
    ta.fit([(X[:16], y[:16]), (X[16:], y[16:])], epochs=1)
    tb = Trainer(
        b,
        torch.optim.SGD(b.parameters(), lr=0.1),
        F.cross_entropy,
        device="cpu",
        grad_accum_steps=2,
    )
    tb.fit(_batches(X, y, 8), epochs=1)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)


def test_clipping_logs_the_unclipped_norm_and_clips():
    X, y = _data(n=16)
    net = _net()
    reference = copy.deepcopy(net)
    loss = F.cross_entropy(reference(X), y)
    loss.backward()
    norm = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in reference.parameters()]))
    t = _sgd(net, lr=1.0, clip_grad_norm=1e-3)
    before = [p.detach().clone() for p in net.parameters()]
    t.fit([(X, y)], epochs=1)
    assert t.history.steps["grad_norm"][0] == pytest.approx(norm.item(), rel=1e-5)
    moved = torch.linalg.vector_norm(
        torch.stack([(p - q).norm() for p, q in zip(net.parameters(), before, strict=True)])
    )
    assert moved.item() == pytest.approx(1e-3, rel=1e-3)  # lr 1 times the clipped norm


@pytest.mark.parametrize("interval, expected", [("step", 8), ("epoch", 2)])
def test_scheduler_interval(interval, expected):
    X, y = _data(n=32)
    net = _net()
    opt = torch.optim.SGD(net.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    t = Trainer(
        net, opt, F.cross_entropy, device="cpu", scheduler=sched, scheduler_interval=interval
    )
    t.fit(_batches(X, y, 8), epochs=2)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.5**expected)
    lrs = t.history.steps["lr"]
    assert lrs[0] == 1.0 and (lrs[1] == 0.5) == (interval == "step")


def test_reduce_on_plateau_gets_a_loss_each_epoch():
    X, y = _data(n=16)
    net = _net()
    opt = torch.optim.SGD(net.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)

    def flat_loss(y_hat, y):  # never improves
        return (y_hat * 0).sum() + 1.0

    t = Trainer(net, opt, flat_loss, device="cpu", scheduler=sched, scheduler_interval="step")
    t.fit([(X, y)], epochs=3, val_loader=[(X, y)])
    assert opt.param_groups[0]["lr"] == 0.25  # epochs 2 and 3 did not improve


@pytest.mark.parametrize("amp", ["bf16", "fp16"])
def test_mixed_precision_runs_and_learns(amp):
    X, y = _data(n=64)
    y = (X[:, 0] > 0).long()
    net = _net(c=2)
    t = Trainer(
        net, torch.optim.Adam(net.parameters(), lr=0.05), F.cross_entropy, device="cpu", amp=amp
    )
    assert (t.scaler is not None) == (amp == "fp16")
    h = t.fit(_batches(X, y, 16), epochs=5)
    assert h["train_loss"][-1] < h["train_loss"][0]
    assert all(p.dtype == torch.float32 for p in net.parameters())  # master weights stay fp32


def test_ema_matches_torch_averaged_model():
    X, y = _data(n=32)
    net = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    ema = ModelEMA(net, decay=0.9)
    ref = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(0.9), use_buffers=True)
    ref.update_parameters(net)  # its first call copies the weights
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for xb, yb in _batches(X, y, 8):
        opt.zero_grad()
        F.cross_entropy(net(xb), yb).backward()
        opt.step()
        ema.update(net)
        ref.update_parameters(net)
    ema_state, ref_state = ema.module.state_dict(), ref.module.state_dict()
    for name, value in ema_state.items():
        if value.is_floating_point():  # weights and BatchNorm running statistics
            torch.testing.assert_close(value, ref_state[name], msg=name)
    assert ema_state["1.num_batches_tracked"] == net[1].num_batches_tracked == 4  # copied
    assert not ema.module.training


def test_trainer_evaluates_the_ema():
    X, y = _data(n=32)
    net = _net()
    t = _sgd(net, ema=ModelEMA(net, 0.5))
    h = t.fit(_batches(X, y, 8), epochs=1, val_loader=[(X, y)])
    assert h["ema_val_loss"][0] == pytest.approx(t.evaluate([(X, y)], t.ema.module)["loss"])
    assert h["ema_val_loss"][0] != h["val_loss"][0]


def test_early_stopping_stops_and_restores_the_best_weights():
    X, y = _data(n=16)
    net = _net()
    losses = iter([1.0, 0.5, 0.7, 0.8, 0.9, 0.1])

    class FakeVal(Callback):  # overrides the validation loss the stopper sees
        def on_epoch_end(self, trainer, logs):
            logs["val_loss"] = next(losses)

    class Snapshot(Callback):
        def on_epoch_end(self, trainer, logs):
            if logs["epoch"] == 2:
                self.weights = copy.deepcopy(trainer.model.state_dict())

    snap = Snapshot()
    stopper = EarlyStopping(monitor="val_loss", patience=2)
    t = _sgd(net, lr=0.5, callbacks=[FakeVal(), snap, stopper])
    t.fit([(X, y)], epochs=10)
    assert t.epoch == 4 and stopper.best_epoch == 2  # stopped after 2 epochs w/o progress
    for name, value in net.state_dict().items():
        assert torch.equal(value, snap.weights[name])


def test_early_stopping_needs_its_key():
    X, y = _data(n=16)
    net = _net()
    t = _sgd(net, callbacks=[EarlyStopping("val_loss")])
    with pytest.raises(KeyError, match="pass a val_loader"):
        t.fit([(X, y)], epochs=1)


def test_stop_on_nonfinite_names_the_first_bad_layer():
    X, y = _data(n=16)

    class Log(nn.Module):
        def forward(self, x):
            return torch.log(x)  # log of negative numbers: NaN

    net = nn.Sequential(nn.Linear(4, 4), Log(), nn.Linear(4, 3))
    before = copy.deepcopy(net.state_dict())
    t = _sgd(net, callbacks=[StopOnNonFinite()])
    with pytest.raises(NonFiniteLossError, match=r"step 1 .*output of '1' \(Log\)"):
        t.fit([(X, y)], epochs=1)
    for name, value in net.state_dict().items():  # the bad step never happened
        assert torch.equal(value, before[name])


def test_stop_on_nonfinite_gradient():
    X, y = _data(n=16)

    class SqrtAtZero(nn.Module):
        def forward(self, x):
            return torch.sqrt(x * 0)  # value 0 is fine, its gradient is inf

    net = nn.Sequential(nn.Linear(4, 3), SqrtAtZero())
    t = _sgd(net, callbacks=[StopOnNonFinite()])
    with pytest.raises(NonFiniteLossError, match=r"gradient of '0.weight'"):
        t.fit([(X, y)], epochs=1)


def test_tensorboard_logger_writes_events(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    X, y = _data(n=16)
    net = _net()
    t = _sgd(net, callbacks=[TensorBoardLogger(tmp_path)])
    t.fit(_batches(X, y, 8), epochs=2)
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    assert len(acc.Scalars("step/loss")) == 4
    assert [e.step for e in acc.Scalars("epoch/train_loss")] == [1, 2]
    assert acc.Scalars("epoch/train_loss")[1].value == pytest.approx(t.history["train_loss"][1])


def test_history_plot_and_errors():
    h = History()
    h.log_epoch({"epoch": 1, "train_loss": 1.0, "val_acc": 0.5})
    assert isinstance(h.plot(), Figure)
    with pytest.raises(KeyError, match="logged keys"):
        h["val_loss"]
    with pytest.raises(ValueError, match="mode"):
        h.best("train_loss", mode="lowest")


def test_resume_at_an_epoch_boundary_in_process(tmp_path):
    X, y = _data(n=32)
    data = torch.utils.data.TensorDataset(X, y)

    def run(epochs, resume=False):
        net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
        seed_everything(0)
        net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
        opt = torch.optim.Adam(net.parameters(), lr=0.01)
        loader = torch.utils.data.DataLoader(data, batch_size=8, shuffle=True)
        t = Trainer(
            net, opt, F.cross_entropy, device="cpu", callbacks=[Checkpointing(tmp_path / "c.pt")]
        )
        if resume:
            t.load_checkpoint(tmp_path / "c.pt")
        t.fit(loader, epochs=epochs)
        return net

    full = run(4)
    run(2)  # stops after epoch 2 with a checkpoint; the next run resumes from it
    resumed = run(4, resume=True)
    for p, q in zip(full.parameters(), resumed.parameters(), strict=True):
        assert torch.equal(p, q)


def test_save_checkpoint_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    save_checkpoint({"step": 1}, path)

    def broken_save(obj, f):
        f.write(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint({"step": 2}, path)
    monkeypatch.undo()
    assert load_checkpoint(path)["step"] == 1  # the old checkpoint is intact
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]  # no temporary left


class Evil:
    def __reduce__(self):
        return (print, ("pwned",))


def test_load_checkpoint_refuses_pickled_code(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"model": Evil()}, path)
    with pytest.raises(pickle.UnpicklingError):
        load_checkpoint(path)
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load_checkpoint(tmp_path / "missing.pt")


def test_checkpoint_state_mismatch_is_explained(tmp_path):
    X, y = _data(n=16)
    net = _net()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    t = Trainer(net, opt, F.cross_entropy, device="cpu", ema=ModelEMA(net))
    t.fit([(X, y)], epochs=1)
    t.save_checkpoint(tmp_path / "c.pt")
    plain = Trainer(net, opt, F.cross_entropy, device="cpu")
    with pytest.raises(ValueError, match="has ema state but this Trainer has no ema"):
        plain.load_checkpoint(tmp_path / "c.pt")


def test_seed_everything():
    seed_everything(3)
    a = (torch.rand(2), __import__("numpy").random.rand(), __import__("random").random())
    seed_everything(3)
    b = (torch.rand(2), __import__("numpy").random.rand(), __import__("random").random())
    assert torch.equal(a[0], b[0]) and a[1:] == b[1:]
    with pytest.raises(ValueError, match=">= 0"):
        seed_everything(-1)
    with pytest.raises(TypeError, match="int"):
        seed_everything(1.5)


def test_bad_arguments():
    net = _net()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"nn\.Module"):
        Trainer(lambda x: x, opt, F.cross_entropy)
    with pytest.raises(TypeError, match=r"torch\.optim\.Optimizer"):
        Trainer(net, "sgd", F.cross_entropy)
    with pytest.raises(ValueError, match="amp must be None, 'bf16' or 'fp16'"):
        Trainer(net, opt, F.cross_entropy, amp="fp8")
    with pytest.raises(ValueError, match="grad_accum_steps must be >= 1"):
        Trainer(net, opt, F.cross_entropy, grad_accum_steps=0)
    with pytest.raises(ValueError, match="scheduler_interval"):
        Trainer(net, opt, F.cross_entropy, scheduler_interval="batch")
    with pytest.raises(TypeError, match="Callback"):
        Trainer(net, opt, F.cross_entropy, callbacks=[print])
    with pytest.raises(ValueError, match=r"decay must be in \[0, 1\)"):
        ModelEMA(net, decay=1.0)
    t = Trainer(
        net, opt, lambda y_hat, y: F.cross_entropy(y_hat, y, reduction="none"), device="cpu"
    )
    X, y = _data(n=4)
    with pytest.raises(ValueError, match="scalar"):
        t.fit([(X, y)], epochs=1)
    with pytest.raises(TypeError, match="epochs must be an int"):
        t.fit([(X, y)], epochs=1.0)


def test_progress_bar_changes_nothing_but_the_display(capsys):
    pytest.importorskip("tqdm")
    X, y = _data(n=32)
    runs = []
    for progress in (False, True):
        net = _net()
        t = _sgd(net, lr=0.1, progress=progress)
        t.fit(_batches(X, y, 8), epochs=2)
        runs.append([p.detach().clone() for p in net.parameters()])
    assert all(torch.equal(a, b) for a, b in zip(*runs, strict=True))
    assert "epoch 2/2" in capsys.readouterr().err
