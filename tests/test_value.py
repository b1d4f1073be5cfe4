"""The scalar autodiff engine ``Value`` agrees with ``torch.autograd``."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import pytest
import torch

from dlnotes.autograd.value import Value


def both(fn: Callable[..., object], *inputs: float) -> tuple[list[Value], list[torch.Tensor]]:
    """Run ``fn`` on Values and on float64 tensors; backprop both; return the leaves."""
    vs = [Value(x) for x in inputs]
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    out_v, out_t = fn(*vs), fn(*ts)
    out_v.backward()
    out_t.backward()
    assert out_v.data == pytest.approx(out_t.item(), rel=1e-12, abs=1e-12)
    for v, t in zip(vs, ts, strict=True):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-10, abs=1e-12)
    return vs, ts


# Each expression runs unchanged on Values and on tensors.
EXPRESSIONS: dict[str, tuple[Callable[..., object], tuple[float, ...]]] = {
    "add": (lambda a, b: a + b, (1.5, -2.0)),
    "sub": (lambda a, b: a - b, (1.5, -2.0)),
    "mul": (lambda a, b: a * b, (1.5, -2.0)),
    "div": (lambda a, b: a / b, (1.5, -2.0)),
    "pow_int": (lambda a: a**3, (-1.3,)),
    "pow_frac": (lambda a: a**0.5, (2.0,)),
    "pow_neg": (lambda a: a**-2, (0.7,)),
    "neg": (lambda a: -a, (0.7,)),
    "radd": (lambda a: 2 + a, (0.7,)),
    "rsub": (lambda a: 2 - a, (0.7,)),
    "rmul": (lambda a: 3 * a, (0.7,)),
    "rdiv": (lambda a: 2 / a, (0.7,)),
    "exp": (lambda a: a.exp(), (0.3,)),
    "log": (lambda a: a.log(), (0.3,)),
    "tanh": (lambda a: a.tanh(), (0.3,)),
    "relu_pos": (lambda a: a.relu(), (0.3,)),
    "relu_neg": (lambda a: a.relu(), (-0.3,)),
    "relu_zero": (lambda a: a.relu(), (0.0,)),  # both use 0 as the derivative at 0
    "sigmoid": (lambda a: a.sigmoid(), (-0.4,)),
    "div_log_exp": (lambda a, b: (a / b).exp().log() + (a * b).exp() / (1 + b.exp()), (0.5, 1.2)),
    "quotient_rule": (lambda a, b: (a.log() + b) / (a * b - 4), (2.0, 3.0)),
}


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_matches_torch_autograd(name: str) -> None:
    fn, inputs = EXPRESSIONS[name]
    both(fn, *inputs)


def test_reused_node_accumulates_gradients() -> None:
    # x appears five times, y twice: every path contributes to the gradient.
    vs, _ = both(lambda x, y: x * x * x + x * y + x / y + x, 1.7, -0.6)
    x = vs[0]
    assert x.grad == pytest.approx(3 * 1.7**2 + -0.6 + 1 / -0.6 + 1)


def test_tiny_mlp_2_2_1_with_tanh() -> None:
    # inputs x (2), hidden W1 (2x2) b1 (2), output w2 (2) b2; squared error against target 0.5
    random.seed(0)
    x = [0.8, -1.1]
    params = [random.uniform(-1, 1) for _ in range(9)]

    def mlp(*p: object) -> object:
        w11, w12, w21, w22, b1, b2, v1, v2, c = p
        h1 = (w11 * x[0] + w12 * x[1] + b1).tanh()
        h2 = (w21 * x[0] + w22 * x[1] + b2).tanh()
        y = v1 * h1 + v2 * h2 + c
        return (y - 0.5) ** 2

    vs, _ = both(mlp, *params)
    assert len(vs) == 9 and all(v.grad != 0.0 for v in vs)  # every leaf gets a gradient


def test_tiny_mlp_against_nn_modules() -> None:
    # The same 2-2-1 network built with nn.Linear: values and every leaf gradient.
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1)
    ).double()
    X = torch.tensor([[0.8, -1.1]], dtype=torch.float64)
    net(X).sum().backward()
    W1, b1 = (
        [[Value(w) for w in row] for row in net[0].weight.tolist()],
        [Value(b) for b in net[0].bias.tolist()],
    )
    W2, b2 = [Value(w) for w in net[2].weight[0].tolist()], Value(net[2].bias.item())
    h = [
        (sum((w * xi for w, xi in zip(row, X[0].tolist(), strict=True)), Value(0.0)) + b).tanh()
        for row, b in zip(W1, b1, strict=True)
    ]
    out = W2[0] * h[0] + W2[1] * h[1] + b2
    out.backward()
    assert out.data == pytest.approx(net(X).item(), rel=1e-12)
    got_W1 = torch.tensor([[w.grad for w in row] for row in W1], dtype=torch.float64)
    torch.testing.assert_close(got_W1, net[0].weight.grad)
    torch.testing.assert_close(
        torch.tensor([b.grad for b in b1], dtype=torch.float64), net[0].bias.grad
    )
    torch.testing.assert_close(
        torch.tensor([w.grad for w in W2], dtype=torch.float64), net[2].weight.grad[0]
    )
    assert b2.grad == pytest.approx(net[2].bias.grad.item())


def test_backward_twice_accumulates_like_torch() -> None:
    a, b = Value(1.5), Value(-0.5)
    out = ((a * b).tanh() + a) * b
    out.backward()
    out.backward()  # interior grads are reset, leaves accumulate
    ta = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(-0.5, dtype=torch.float64, requires_grad=True)
    tout = ((ta * tb).tanh() + ta) * tb
    tout.backward(retain_graph=True)
    tout.backward()
    assert a.grad == pytest.approx(ta.grad.item())
    assert b.grad == pytest.approx(tb.grad.item())


def test_backward_with_seed_gradient() -> None:
    x = Value(3.0)
    (x * x).backward(gradient=0.5)
    assert x.grad == 3.0  # 0.5 * 2x


def test_deep_graph_has_no_recursion_limit() -> None:
    x = Value(0.5)
    y = x
    depth = 2000  # the chain is ~4000 nodes deep: far past the recursion limit of 1000
    for _ in range(depth):
        y = y * 1.0001 - 0.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**depth)


def test_topological_order_puts_inputs_first() -> None:
    a, b = Value(2.0), Value(3.0)
    c = a * b
    d = c + a
    e = d * c
    order = e.topological_order()
    assert len(order) == 5  # each node once, although a and c are used twice
    pos = {id(v): i for i, v in enumerate(order)}
    for node in order:
        assert all(pos[id(p)] < pos[id(node)] for p in node._prev)


def test_sigmoid_is_stable_for_large_inputs() -> None:
    for x in (-1000.0, 1000.0):
        both(lambda a: a.sigmoid(), x)


def test_ops_record_graph() -> None:
    a, b = Value(2.0), Value(3.0)
    c = a * b
    assert c._prev == (a, b) and c.op == "*"
    assert a._prev == () and a.op == ""
    assert repr(c) == "Value(data=6, grad=0)"


@pytest.mark.parametrize("bad", ["3", None, [1.0], torch.tensor(1.0), True, 1 + 2j])
def test_non_number_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="Value expects a real number"):
        Value(bad)  # type: ignore[arg-type]


def test_combining_with_non_number_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="cannot combine Value with str"):
        Value(1.0) + "2"  # type: ignore[operator]
    with pytest.raises(TypeError, match="cannot combine Value with list"):
        [1.0] * Value(1.0)  # type: ignore[operator]


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_non_positive_is_a_value_error(x: float) -> None:
    with pytest.raises(ValueError, match="log needs a positive input"):
        Value(x).log()


def test_value_exponent_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        Value(2.0) ** Value(3.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        2 ** Value(3.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match="exponent must be an int or float"):
        Value(2.0) ** "3"  # type: ignore[operator]


def test_fractional_power_of_negative_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="is not a real number"):
        Value(-8.0) ** 0.5


def test_variable_exponent_workaround_matches_torch() -> None:
    # The error message's suggestion, b * log(a) then exp, really computes a ** b.
    vs, _ = both(lambda a, b: (b * a.log()).exp(), 2.0, 3.0)
    assert vs[0].grad == pytest.approx(3.0 * 2.0**2)
    assert vs[1].grad == pytest.approx(8.0 * math.log(2.0))
