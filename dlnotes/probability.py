"""Probability from scratch: relative frequencies, sample statistics and Bayes' rule.

Three small functions used on the *Probability and statistics* page:

* :func:`running_frequencies`: the law of large numbers in one tensor;
* :func:`sample_mean_var`: the sample mean and the unbiased sample variance;
* :func:`bayes_posterior`: Bayes' rule over a finite set of hypotheses.
"""

from __future__ import annotations

import torch

from dlnotes._checks import check_same_shape, check_tensor

__all__ = ["bayes_posterior", "running_frequencies", "sample_mean_var"]


# --8<-- [start:running_frequencies]
def running_frequencies(samples: torch.Tensor, num_outcomes: int) -> torch.Tensor:
    """Cumulative relative frequency of each outcome after 1, 2, ..., n draws.

    Row ``t`` holds, for every outcome ``j``, the fraction of the first ``t + 1``
    samples equal to ``j``: by the law of large numbers it tends to ``P(X = j)``.

    Args:
        samples: 1-D integer tensor of ``n`` outcomes in ``0, ..., num_outcomes - 1``.
        num_outcomes: the number ``k`` of possible outcomes.

    Returns:
        Float tensor of shape ``(n, k)``; every row sums to 1.

    Example:
        >>> import torch
        >>> from dlnotes.probability import running_frequencies
        >>> running_frequencies(torch.tensor([0, 1, 1, 2]), 3)
        tensor([[1.0000, 0.0000, 0.0000],
                [0.5000, 0.5000, 0.0000],
                [0.3333, 0.6667, 0.0000],
                [0.2500, 0.5000, 0.2500]])
    """
    check_tensor(samples, "samples", ndim=1, integer=True)
    if isinstance(num_outcomes, bool) or not isinstance(num_outcomes, int):
        raise TypeError(f"num_outcomes must be an int, got {type(num_outcomes).__name__}")
    if num_outcomes < 1:
        raise ValueError(f"num_outcomes must be >= 1, got {num_outcomes}")
    if samples.numel() == 0:
        raise ValueError("samples must contain at least one outcome, got an empty tensor")
    if samples.min() < 0 or samples.max() >= num_outcomes:
        raise ValueError(
            f"samples must lie in 0..{num_outcomes - 1}, "
            f"got values in {samples.min().item()}..{samples.max().item()}"
        )
    n = samples.shape[0]
    one_hot = torch.zeros(n, num_outcomes)  # (n, k)
    one_hot[torch.arange(n), samples.long()] = 1.0  # row t: a 1 in the column of outcome t
    counts = one_hot.cumsum(dim=0)  # (n, k): how often each outcome appeared so far
    draws = torch.arange(1, n + 1, dtype=counts.dtype).reshape(-1, 1)  # (n, 1)
    return counts / draws  # broadcast (n, k) / (n, 1)


# --8<-- [end:running_frequencies]


# --8<-- [start:sample_mean_var]
def sample_mean_var(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Sample mean and unbiased sample variance (divide by ``n - 1``) of a 1-D sample.

    Args:
        x: 1-D floating-point tensor with at least two values.

    Returns:
        ``(mean, var)``, two 0-d tensors, equal to ``torch.mean(x)`` and
        ``torch.var(x)`` (whose default is the unbiased estimator too).

    Example:
        >>> import torch
        >>> from dlnotes.probability import sample_mean_var
        >>> mean, var = sample_mean_var(torch.tensor([1.0, 2.0, 3.0, 4.0]))
        >>> mean.item(), round(var.item(), 4)
        (2.5, 1.6667)
    """
    check_tensor(x, "x", ndim=1, floating=True)
    n = x.shape[0]
    if n < 2:
        raise ValueError(f"x needs at least 2 values for an unbiased variance, got {n}")
    mean = x.sum() / n
    var = ((x - mean) ** 2).sum() / (n - 1)  # n - 1: Bessel's correction
    return mean, var


# --8<-- [end:sample_mean_var]


# --8<-- [start:bayes_posterior]
def bayes_posterior(prior: torch.Tensor, likelihood: torch.Tensor) -> torch.Tensor:
    """Posterior ``P(h | d)`` over ``k`` hypotheses by Bayes' rule.

    ``P(h | d) = P(d | h) P(h) / sum_h' P(d | h') P(h')``: multiply the prior by the
    likelihood of the observed data and normalise.

    Args:
        prior: 1-D tensor ``P(h)`` of shape ``(k,)``, non-negative (it is renormalised).
        likelihood: 1-D tensor ``P(d | h)`` of shape ``(k,)``, non-negative.

    Returns:
        Tensor of shape ``(k,)`` summing to 1.

    Example:
        >>> import torch
        >>> from dlnotes.probability import bayes_posterior
        >>> bayes_posterior(torch.tensor([0.5, 0.5]), torch.tensor([0.9, 0.3]))
        tensor([0.7500, 0.2500])
        >>> bayes_posterior(torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]))
        Traceback (most recent call last):
        ...
        ValueError: prior * likelihood sums to 0: the data is impossible under every hypothesis
    """
    check_tensor(prior, "prior", ndim=1, floating=True)
    check_tensor(likelihood, "likelihood", ndim=1, floating=True)
    check_same_shape(prior, likelihood, ("prior", "likelihood"))
    for name, t in (("prior", prior), ("likelihood", likelihood)):
        if not torch.isfinite(t).all() or (t < 0).any():
            raise ValueError(f"{name} must be finite and non-negative, got {t.tolist()}")
    joint = prior * likelihood  # (k,): P(d, h) up to the prior's scale
    evidence = joint.sum()  # P(d)
    if evidence <= 0:
        raise ValueError(
            "prior * likelihood sums to 0: the data is impossible under every hypothesis"
        )
    return joint / evidence


# --8<-- [end:bayes_posterior]
