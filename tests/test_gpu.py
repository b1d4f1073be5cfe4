"""GPU work: the from-scratch code runs on CUDA and agrees with the CPU and the built-ins.

Marked `gpu`: deselected by `nox -s tests`, run by `nox -s gpu` on a machine with CUDA.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from dlnotes.linear.regression import linreg, sgd, squared_loss
from dlnotes.linear.softmax import log_softmax, softmax, softmax_cross_entropy
from dlnotes.losses import huber_loss, smooth_l1_loss

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


@pytest.fixture()
def cuda() -> torch.device:
    return torch.device("cuda")


def test_softmax_family_on_cuda_matches_cpu_and_builtins(cuda) -> None:
    g = torch.Generator().manual_seed(0)
    logits = (torch.randn(64, 10, generator=g) * 30).to(cuda)  # large logits: stability
    y = torch.randint(0, 10, (64,), generator=g).to(cuda)
    torch.testing.assert_close(softmax(logits), F.softmax(logits, dim=-1))
    torch.testing.assert_close(log_softmax(logits), F.log_softmax(logits, dim=-1))
    ours = softmax_cross_entropy(logits, y)
    torch.testing.assert_close(ours, F.cross_entropy(logits, y))
    torch.testing.assert_close(ours.cpu(), softmax_cross_entropy(logits.cpu(), y.cpu()))


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_robust_losses_on_cuda(cuda, dtype) -> None:
    g = torch.Generator().manual_seed(1)
    y_hat = torch.randn(128, generator=g).to(cuda, dtype).requires_grad_()
    y = torch.randn(128, generator=g).to(cuda, dtype)
    for ours, ref in [
        (huber_loss(y_hat, y, delta=0.5), F.huber_loss(y_hat, y, delta=0.5)),
        (smooth_l1_loss(y_hat, y, beta=0.5), F.smooth_l1_loss(y_hat, y, beta=0.5)),
    ]:
        (g_ours,) = torch.autograd.grad(ours, y_hat)
        (g_ref,) = torch.autograd.grad(ref, y_hat)
        torch.testing.assert_close(ours, ref)
        torch.testing.assert_close(g_ours, g_ref)


def test_linear_regression_trains_on_cuda(cuda) -> None:
    g = torch.Generator().manual_seed(0)
    true_w = torch.tensor([[2.0], [-3.4]], device=cuda)
    X = torch.randn(1000, 2, generator=g).to(cuda)
    y = X @ true_w + 4.2
    w = torch.zeros(2, 1, device=cuda, requires_grad=True)
    b = torch.zeros(1, device=cuda, requires_grad=True)
    for _ in range(200):
        squared_loss(linreg(X, w, b), y).sum().backward()
        sgd([w, b], 0.1, len(X))
    assert w.is_cuda and torch.allclose(w, true_w, atol=1e-2)
    assert abs(b.item() - 4.2) < 1e-2
