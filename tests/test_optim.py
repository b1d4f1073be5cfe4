"""The from-scratch optimizers (dlnotes.optim) against torch.optim, step for step."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from dlnotes.optim.adam import Adam, AdamW, NAdam, RAdam
from dlnotes.optim.adaptive import Adadelta, Adagrad, RMSprop
from dlnotes.optim.base import check_betas, check_hyper
from dlnotes.optim.functions import elongated_quadratic, rosenbrock, trajectory
from dlnotes.optim.schedules import lr_curve, warmup_cosine
from dlnotes.optim.sgd import SGD

CASES = [
    (SGD, torch.optim.SGD, dict(lr=0.1)),
    (SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=1e-2)),
    (SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-2)),
    (SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.5)),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1, weight_decay=1e-2)),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.01, weight_decay=1e-2)),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.01, centered=True, momentum=0.9)),
    (Adadelta, torch.optim.Adadelta, dict(lr=1.0, weight_decay=1e-2)),
    (Adam, torch.optim.Adam, dict(lr=0.01, weight_decay=1e-2)),
    (Adam, torch.optim.Adam, dict(lr=0.01, amsgrad=True, weight_decay=1e-2)),
    (Adam, torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    (AdamW, torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1)),
    (AdamW, torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    (NAdam, torch.optim.NAdam, dict(lr=0.01, weight_decay=1e-2)),
    (NAdam, torch.optim.NAdam, dict(lr=0.01, weight_decay=1e-2, decoupled_weight_decay=True)),
    (RAdam, torch.optim.RAdam, dict(lr=0.01, weight_decay=1e-2)),
    (RAdam, torch.optim.RAdam, dict(lr=0.01, weight_decay=1e-2, decoupled_weight_decay=True)),
]


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).double()


def _data() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    return torch.randn(64, 5, generator=g, dtype=torch.float64), torch.randint(
        0, 3, (64,), generator=g
    )


def _train(net: nn.Module, opt: torch.optim.Optimizer, steps: int) -> None:
    X, y = _data()
    for i in range(steps):
        batch = slice(16 * (i % 4), 16 * (i % 4 + 1))  # four minibatches, in turn
        opt.zero_grad()
        nn.functional.cross_entropy(net(X[batch]), y[batch]).backward()
        opt.step()


@pytest.mark.parametrize(
    ("ours", "theirs", "kwargs"), CASES, ids=lambda c: getattr(c, "__name__", None)
)
def test_same_parameters_after_many_steps(ours, theirs, kwargs) -> None:
    a, b = _model(), _model()
    opt_a, opt_b = ours(a.parameters(), **kwargs), theirs(b.parameters(), **kwargs)
    _train(a, opt_a, 200)
    _train(b, opt_b, 200)
    # torch.optim.NAdam keeps its running product of momenta in a float32 tensor; ours is
    # a Python float (float64), so the two drift apart by about 1e-9 over 200 steps
    tol = dict(rtol=1e-6, atol=1e-8) if ours is NAdam else dict(rtol=1e-10, atol=1e-12)
    moved = False
    for p, q, p0 in zip(a.parameters(), b.parameters(), _model().parameters(), strict=True):
        torch.testing.assert_close(p, q, **tol)
        moved |= not torch.equal(p, p0)
    assert moved, "the optimizer must actually change the parameters"


@pytest.mark.parametrize(
    ("ours", "theirs", "kwargs"), CASES[:6], ids=lambda c: getattr(c, "__name__", None)
)
def test_same_as_builtin_under_a_schedule_and_with_two_groups(ours, theirs, kwargs) -> None:
    """Per-group hyperparameters and a changing learning rate are read at every step."""
    a, b = _model(), _model()

    def groups(net: nn.Module) -> list[dict]:
        return [{"params": net[0].parameters()}, {"params": net[2].parameters(), "lr": 0.05}]

    opt_a, opt_b = ours(groups(a), **kwargs), theirs(groups(b), **kwargs)
    sched_a = torch.optim.lr_scheduler.StepLR(opt_a, step_size=5, gamma=0.5)
    sched_b = torch.optim.lr_scheduler.StepLR(opt_b, step_size=5, gamma=0.5)
    for _ in range(6):
        _train(a, opt_a, 4)
        _train(b, opt_b, 4)
        sched_a.step()
        sched_b.step()
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-10, atol=1e-12)


def test_parameters_without_gradient_are_left_alone() -> None:
    used, unused = nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(2))
    opt = Adam([used, unused], lr=0.1)
    (used**2).sum().backward()
    opt.step()
    assert torch.equal(unused, torch.ones(2)) and not opt.state[unused]


def test_state_dict_round_trip_continues_identically() -> None:
    a, b = _model(), _model()
    opt_a = Adam(a.parameters(), lr=0.01)
    _train(a, opt_a, 10)
    b.load_state_dict(a.state_dict())
    opt_b = Adam(b.parameters(), lr=0.01)
    # a deep copy, as saving to a file makes: load_state_dict would otherwise share the
    # state tensors between the two optimizers, and each would update them in place
    opt_b.load_state_dict(copy.deepcopy(opt_a.state_dict()))
    _train(a, opt_a, 10)
    _train(b, opt_b, 10)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_adam_with_l2_differs_from_adamw() -> None:
    """Same weight decay, same steps: L2-in-the-gradient and decoupled decay disagree."""
    a, b = _model(), _model()
    _train(a, Adam(a.parameters(), lr=0.01, weight_decay=0.1), 50)
    _train(b, AdamW(b.parameters(), lr=0.01, weight_decay=0.1), 50)
    gap = max(
        (p - q).abs().max().item() for p, q in zip(a.parameters(), b.parameters(), strict=True)
    )
    assert gap > 1e-3
    # and AdamW with weight_decay=0 is Adam
    c, d = _model(), _model()
    _train(c, Adam(c.parameters(), lr=0.01), 20)
    _train(d, AdamW(d.parameters(), lr=0.01, weight_decay=0.0), 20)
    for p, q in zip(c.parameters(), d.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_closure_returns_the_loss() -> None:
    w = nn.Parameter(torch.tensor([3.0]))
    opt = SGD([w], lr=0.1)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = (w**2).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0
    assert w.item() == pytest.approx(3.0 - 0.1 * 6.0)


# ---------------------------------------------------------------- functions, schedules
def test_trajectory_matches_manual_gradient_descent() -> None:
    path = trajectory(lambda p: SGD(p, lr=0.4), elongated_quadratic, [-5.0, -2.0], 20)
    x = torch.tensor([-5.0, -2.0], dtype=torch.float64)
    for t in range(1, 21):
        x = x - 0.4 * torch.stack([0.2 * x[0], 4 * x[1]])
        torch.testing.assert_close(path[t], x)
    assert path.shape == (21, 2)


def test_rosenbrock_minimum_and_gradient() -> None:
    x = torch.tensor([1.0, 1.0], requires_grad=True)
    rosenbrock(x).backward()
    assert rosenbrock(x).item() == 0.0 and torch.equal(x.grad, torch.zeros(2))


@pytest.mark.parametrize(
    ("total", "warmup", "start", "eta_min"),
    [(50, 5, 0.01, 1e-3), (20, 1, 0.1, 0.0), (30, 10, 0.5, 0.01)],
)
def test_warmup_cosine_matches_sequential_lr(total, warmup, start, eta_min) -> None:
    def built_in(opt: torch.optim.Optimizer) -> object:
        lr = torch.optim.lr_scheduler
        return lr.SequentialLR(
            opt,
            [
                lr.LinearLR(opt, start, 1.0, total_iters=warmup),
                lr.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=eta_min),
            ],
            milestones=[warmup],
        )

    expected = lr_curve(built_in, total, lr=0.1)
    ours = [
        warmup_cosine(t, total, warmup, 0.1, start_factor=start, min_lr=eta_min)
        for t in range(total)
    ]
    assert ours == pytest.approx(expected, abs=1e-12)


def test_lr_curve_reduce_on_plateau_uses_metrics() -> None:
    def plateau(opt: torch.optim.Optimizer) -> object:
        return torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)

    lrs = lr_curve(plateau, 6, lr=1.0, metrics=[1.0, 0.5, 0.5, 0.5, 0.5, 0.5])
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5]


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda p: SGD(p, lr=-0.1), ValueError, "lr must be >= 0.0"),
        (lambda p: SGD(p, lr="0.1"), TypeError, "lr must be a number"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), ValueError, "Nesterov"),
        (lambda p: RMSprop(p, alpha=1.0), ValueError, "alpha must be < 1.0"),
        (lambda p: Adadelta(p, rho=1.5), ValueError, "rho"),
        (lambda p: Adagrad(p, eps=-1.0), ValueError, "eps"),
        (lambda p: Adam(p, betas=(0.9,)), ValueError, "pair"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), ValueError, "beta2 must be < 1.0"),
        (lambda p: AdamW(p, weight_decay=-0.01), ValueError, "weight_decay"),
        (lambda p: NAdam(p, momentum_decay=-1.0), ValueError, "momentum_decay"),
        (lambda p: RAdam(p, lr=True), TypeError, "lr must be a number"),
    ],
)
def test_bad_hyperparameters(make, error, match) -> None:
    with pytest.raises(error, match=match):
        make([nn.Parameter(torch.zeros(2))])


def test_a_single_tensor_is_not_a_parameter_list() -> None:
    with pytest.raises(TypeError, match="iterable"):
        SGD(nn.Parameter(torch.zeros(2)), lr=0.1)


def test_sparse_gradients_are_refused() -> None:
    emb = nn.Embedding(4, 2, sparse=True)
    opt = Adam(emb.parameters())
    emb(torch.tensor([1])).sum().backward()
    with pytest.raises(TypeError, match="sparse"):
        opt.step()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: trajectory(lambda p: SGD(p, lr=0.1), rosenbrock, [0.0, 0.0], -1), "steps"),
        (lambda: trajectory(lambda p: SGD(p, lr=0.1), rosenbrock, [[0.0, 0.0]], 1), "flat"),
        (lambda: warmup_cosine(0, 10, 10, 0.1), "warmup_steps < total_steps"),
        (lambda: warmup_cosine(10, 10, 2, 0.1), r"step must lie in \[0, 10\)"),
        (lambda: lr_curve(lambda o: None, 0), "steps"),
        (lambda: lr_curve(lambda o: None, 3, metrics=[1.0]), "one value per step"),
        (lambda: lr_curve(lambda o: None, 3, optimizer="lbfgs"), "'sgd' or 'adam'"),
        (lambda: check_hyper(0.0, "lr", open_low=True), "lr must be > 0.0"),
        (lambda: check_betas("0.9"), "pair"),
    ],
)
def test_bad_arguments(call, match) -> None:
    with pytest.raises(ValueError, match=match):
        call()
