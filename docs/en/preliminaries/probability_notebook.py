# %% [markdown]
# # Notebook: the law of large numbers
#
# This notebook puts the [Probability and statistics](../probability/) page to work. We
# roll a die many times and watch the relative frequencies settle at $1/6$. Then we
# estimate $\pi$ by throwing random points at a square and measure how fast the error
# shrinks: like $1/\sqrt{n}$. Finally we check the from-scratch autodiff engine of
# [Automatic differentiation](../autograd/) against PyTorch once more. The whole notebook
# runs in a few seconds on a CPU.

# %%
import math

import matplotlib.pyplot as plt
import torch

from dlnotes.autograd.value import Value
from dlnotes.probability import running_frequencies, sample_mean_var

gen = torch.Generator().manual_seed(0)

# %% [markdown]
# ## Rolling a die
#
# `torch.randint(0, 6, ...)` rolls a fair die with faces numbered $0, \dots, 5$.
# `torch.bincount` counts each face. With 6,000 rolls we expect about 1,000 of each.

# %%
rolls = torch.randint(0, 6, (6000,), generator=gen)
counts = torch.bincount(rolls, minlength=6)
print("counts:     ", counts.tolist())
print("frequencies:", [round(c / len(rolls), 3) for c in counts.tolist()])

# %% [markdown]
# `running_frequencies` gives the estimate after every prefix of the rolls: row $t$ holds
# the relative frequencies of the first $t + 1$ rolls. The six curves start out wild and
# converge to the dashed line at $1/6$.

# %%
freqs = running_frequencies(rolls, 6)  # (6000, 6)
n = torch.arange(1, len(rolls) + 1)
fig, ax = plt.subplots(figsize=(6, 3.5))
for face in range(6):
    ax.plot(n, freqs[:, face], lw=1, label=f"face {face + 1}")
ax.axhline(1 / 6, color="black", ls="--", lw=1, label="1/6")
ax.set_xscale("log")
ax.set_xlabel("number of rolls")
ax.set_ylabel("relative frequency")
ax.set_ylim(0, 0.6)
ax.legend(ncol=4, fontsize=7)
fig.tight_layout()
plt.show()

# %% [markdown]
# The sample mean of the faces (valued $1, \dots, 6$) is close to $\mathbb{E}[X] = 3.5$,
# and the unbiased sample variance to $35/12 \approx 2.917$:

# %%
mean, var = sample_mean_var((rolls + 1).float())
print(f"mean {mean:.3f} (exact 3.5), variance {var:.3f} (exact {35 / 12:.3f})")

# %% [markdown]
# ## Estimating pi by Monte Carlo
#
# Draw $n$ points uniformly in the unit square $[0, 1]^2$. The fraction that falls inside
# the quarter disc $x^2 + y^2 \le 1$ estimates its area $\pi/4$, so
# $\hat\pi_n = 4 \cdot (\text{fraction inside})$. Each point is a Bernoulli trial with
# $p = \pi/4$, so the standard deviation of $\hat\pi_n$ is
# $4\sqrt{p(1-p)/n}$. That is the $1/\sqrt{n}$ rate of the law of large numbers.
# We repeat the experiment 50 times for each $n$ and measure the root-mean-square error.


# %%
def estimate_pi(num_points: int, repeats: int, generator: torch.Generator) -> torch.Tensor:
    """`repeats` independent Monte Carlo estimates of pi, each from `num_points` points."""
    xy = torch.rand(repeats, num_points, 2, generator=generator)  # (repeats, n, 2)
    inside = (xy**2).sum(dim=-1) <= 1.0  # (repeats, n)
    return 4 * inside.float().mean(dim=1)  # (repeats,)


sizes = [10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]
rmse = []
for size in sizes:
    estimates = estimate_pi(size, repeats=50, generator=gen)
    rmse.append(((estimates - math.pi) ** 2).mean().sqrt().item())
print(f"one estimate with n = 100,000: {estimate_pi(100_000, 1, gen).item():.4f}")

# %% [markdown]
# On a log-log plot a power law $c\,n^{-1/2}$ is a straight line with slope $-1/2$. We fit
# the slope by least squares on $(\log n, \log \text{RMSE})$ and draw the theoretical
# standard deviation next to the measured errors.

# %%
log_n = torch.log(torch.tensor(sizes, dtype=torch.float64))
log_err = torch.log(torch.tensor(rmse, dtype=torch.float64))
A = torch.stack([log_n, torch.ones_like(log_n)], dim=1)  # (9, 2): [log n, 1]
slope, intercept = torch.linalg.lstsq(A, log_err.unsqueeze(1)).solution.squeeze(1).tolist()
print(f"fitted slope: {slope:.3f} (theory: -0.5)")
assert -0.6 < slope < -0.4

p = math.pi / 4
theory = [4 * math.sqrt(p * (1 - p) / s) for s in sizes]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(sizes, rmse, "o-", label="measured RMSE (50 repeats)")
ax.loglog(sizes, theory, "k--", label="4 sqrt(p(1-p)/n)")
ax.set_xlabel("number of points n")
ax.set_ylabel("error of the estimate of pi")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# Every factor of 100 in $n$ buys one more correct decimal: Monte Carlo is simple and
# works in any dimension, but it converges slowly.
#
# ## An autodiff check
#
# Gradients from the from-scratch `Value` engine must equal PyTorch's. We use a function
# that combines division, `log`, `exp`, `sigmoid` and a reused variable:
# $f(x, y) = \sigma(x y) \log x + e^{-x} / y$.


# %%
def f(x, y):
    """Works on Values and on tensors alike."""
    return (x * y).sigmoid() * x.log() + (-x).exp() / y


xv, yv = Value(1.5), Value(0.8)
out = f(xv, yv)
out.backward()

xt = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
yt = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
out_t = f(xt, yt)
out_t.backward()

print(f"f:     Value {out.data:.6f}   torch {out_t.item():.6f}")
print(f"df/dx: Value {xv.grad:.6f}   torch {xt.grad.item():.6f}")
print(f"df/dy: Value {yv.grad:.6f}   torch {yt.grad.item():.6f}")
assert math.isclose(xv.grad, xt.grad.item(), rel_tol=1e-9)
assert math.isclose(yv.grad, yt.grad.item(), rel_tol=1e-9)

# %% [markdown]
# ## Summary
#
# - Relative frequencies converge to probabilities (the law of large numbers), but
#   slowly: the error of an average of $n$ independent draws shrinks like $1/\sqrt{n}$.
# - Monte Carlo estimates inherit that rate. The log-log slope of $-1/2$ is easy to
#   measure, and it is a good sanity check for any sampling code.
# - The tiny `Value` engine and `torch.autograd` agree to rounding error.
