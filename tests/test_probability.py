"""Relative frequencies, sample statistics and Bayes' rule against PyTorch built-ins."""

from __future__ import annotations

import pytest
import torch

from dlnotes.probability import bayes_posterior, running_frequencies, sample_mean_var


# ---------------------------------------------------------------- running_frequencies
@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8])
def test_running_frequencies_match_bincount(dtype: torch.dtype) -> None:
    g = torch.Generator().manual_seed(0)
    samples = torch.randint(0, 6, (50,), generator=g).to(dtype)
    freqs = running_frequencies(samples, 6)
    assert freqs.shape == (50, 6)
    for t in (0, 9, 49):  # row t: frequencies of the first t + 1 samples
        counts = torch.bincount(samples[: t + 1].long(), minlength=6)
        torch.testing.assert_close(freqs[t], counts.float() / (t + 1))
    torch.testing.assert_close(freqs.sum(dim=1), torch.ones(50))


def test_running_frequencies_converge_to_probabilities() -> None:
    g = torch.Generator().manual_seed(0)
    probs = torch.tensor([0.1, 0.6, 0.3])
    samples = torch.multinomial(probs, 20_000, replacement=True, generator=g)
    freqs = running_frequencies(samples, 3)
    torch.testing.assert_close(freqs[-1], probs, atol=0.02, rtol=0)
    # the estimate after 20,000 draws is much closer than after 20
    assert (freqs[-1] - probs).abs().max() < (freqs[19] - probs).abs().max()


def test_running_frequencies_unused_outcome_and_does_not_mutate() -> None:
    samples = torch.tensor([2, 2, 0])
    before = samples.clone()
    freqs = running_frequencies(samples, 4)
    torch.testing.assert_close(freqs[:, 1], torch.zeros(3))
    torch.testing.assert_close(freqs[:, 3], torch.zeros(3))
    assert torch.equal(samples, before)


@pytest.mark.parametrize(
    ("samples", "k", "error", "match"),
    [
        (torch.tensor([0.0, 1.0]), 2, TypeError, "integer dtype"),
        ([0, 1], 2, TypeError, "must be a torch.Tensor"),
        (torch.tensor([[0, 1]]), 2, ValueError, "must have 1 dimensions"),
        (torch.tensor([0, 2]), 2, ValueError, r"must lie in 0\.\.1"),
        (torch.tensor([-1, 0]), 2, ValueError, r"must lie in 0\.\.1"),
        (torch.tensor([], dtype=torch.long), 2, ValueError, "at least one outcome"),
        (torch.tensor([0]), 0, ValueError, "num_outcomes must be >= 1"),
        (torch.tensor([0]), 2.0, TypeError, "num_outcomes must be an int"),
    ],
)
def test_running_frequencies_bad_input(samples, k, error, match) -> None:
    with pytest.raises(error, match=match):
        running_frequencies(samples, k)


# ---------------------------------------------------------------- sample_mean_var
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("n", [2, 7, 1000])
def test_sample_mean_var_matches_torch(dtype: torch.dtype, n: int) -> None:
    g = torch.Generator().manual_seed(n)
    x = (3.0 + 2.0 * torch.randn(n, generator=g)).to(dtype)
    mean, var = sample_mean_var(x)
    assert mean.dtype == dtype and var.dtype == dtype and mean.shape == ()
    torch.testing.assert_close(mean, torch.mean(x))
    torch.testing.assert_close(var, torch.var(x))  # unbiased by default
    # and it is NOT the biased (divide by n) estimator
    assert not torch.allclose(var, torch.var(x, correction=0))


def test_sample_mean_var_gradients_match_torch() -> None:
    x = torch.tensor([0.5, -1.0, 2.0, 4.0], dtype=torch.float64, requires_grad=True)
    mean, var = sample_mean_var(x)
    g_ours = torch.autograd.grad(mean + var, x)[0]
    g_torch = torch.autograd.grad(torch.mean(x) + torch.var(x), x)[0]
    torch.testing.assert_close(g_ours, g_torch)


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        (torch.tensor([1.0]), ValueError, "at least 2 values"),
        (torch.tensor([1, 2, 3]), TypeError, "floating-point dtype"),
        (torch.ones(2, 2), ValueError, "must have 1 dimensions"),
        ([1.0, 2.0], TypeError, "must be a torch.Tensor"),
    ],
)
def test_sample_mean_var_bad_input(x, error, match) -> None:
    with pytest.raises(error, match=match):
        sample_mean_var(x)


# ---------------------------------------------------------------- bayes_posterior
def test_bayes_posterior_hiv_example() -> None:
    # D2L 2.6: P(H=1) = 0.0015, test 1 has P(+|H=1) = 1, P(+|H=0) = 0.01
    prior = torch.tensor([0.9985, 0.0015], dtype=torch.float64)
    post = bayes_posterior(prior, torch.tensor([0.01, 1.0], dtype=torch.float64))
    expected = 0.0015 * 1.0 / (0.0015 * 1.0 + 0.9985 * 0.01)
    assert post[1].item() == pytest.approx(expected)
    assert round(post[1].item(), 4) == 0.1306
    # a second, conditionally independent test: P(+|H=1) = 0.98, P(+|H=0) = 0.03
    post2 = bayes_posterior(post, torch.tensor([0.03, 0.98], dtype=torch.float64))
    assert round(post2[1].item(), 4) == 0.8307


def test_bayes_posterior_matches_torch_distributions() -> None:
    # Posterior over the bias of a coin after 7 heads in 10 flips, on a grid.
    p = torch.linspace(0.05, 0.95, 19, dtype=torch.float64)
    prior = torch.full_like(p, 1 / 19)
    likelihood = torch.distributions.Binomial(10, probs=p).log_prob(torch.tensor(7.0)).exp()
    post = bayes_posterior(prior, likelihood)
    expected = torch.softmax(
        torch.distributions.Binomial(10, probs=p).log_prob(torch.tensor(7.0)), 0
    )
    torch.testing.assert_close(post, expected)
    torch.testing.assert_close(post.sum(), torch.tensor(1.0, dtype=torch.float64))


def test_bayes_posterior_renormalises_prior_and_keeps_inputs() -> None:
    prior, lik = torch.tensor([2.0, 6.0]), torch.tensor([0.5, 0.5])
    post = bayes_posterior(prior, lik)
    torch.testing.assert_close(post, torch.tensor([0.25, 0.75]))
    assert torch.equal(prior, torch.tensor([2.0, 6.0]))


@pytest.mark.parametrize(
    ("prior", "lik", "error", "match"),
    [
        (torch.tensor([0.5, 0.5]), torch.tensor([1.0, 0.0, 0.0]), ValueError, "same shape"),
        (
            torch.tensor([0.5, -0.5]),
            torch.tensor([1.0, 1.0]),
            ValueError,
            "prior must be finite and non-negative",
        ),
        (
            torch.tensor([0.5, 0.5]),
            torch.tensor([1.0, float("nan")]),
            ValueError,
            "likelihood must be finite",
        ),
        (torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]), ValueError, "sums to 0"),
        (torch.tensor([1, 0]), torch.tensor([0.5, 1.0]), TypeError, "floating-point dtype"),
        (torch.ones(2, 2), torch.ones(2, 2), ValueError, "must have 1 dimensions"),
        ([0.5, 0.5], torch.tensor([1.0, 1.0]), TypeError, "must be a torch.Tensor"),
    ],
)
def test_bayes_posterior_bad_input(prior, lik, error, match) -> None:
    with pytest.raises(error, match=match):
        bayes_posterior(prior, lik)
