# %% [markdown]
# # 笔记本：大数定律
#
# 本笔记本把[概率与统计](../probability/)一节的内容付诸实践。我们先反复掷骰子，观察相对频率
# 如何稳定在 $1/6$；再向正方形随机投点来估计 $\pi$，并测量误差缩小的速度：按 $1/\sqrt{n}$。
# 最后，再次把[自动微分](../autograd/)一节从零实现的引擎与 PyTorch 对照检验。整个笔记本在 CPU
# 上几秒钟就能运行完。

# %%
import math

import matplotlib.pyplot as plt
import torch

from dlnotes.autograd.value import Value
from dlnotes.probability import running_frequencies, sample_mean_var

gen = torch.Generator().manual_seed(0)

# %% [markdown]
# ## 掷骰子
#
# `torch.randint(0, 6, ...)` 掷一枚均匀的骰子，点数记为 $0, \dots, 5$；`torch.bincount`
# 统计每个点数出现的次数。掷 6,000 次，每个点数预计出现约 1,000 次。

# %%
rolls = torch.randint(0, 6, (6000,), generator=gen)
counts = torch.bincount(rolls, minlength=6)
print("counts:     ", counts.tolist())
print("frequencies:", [round(c / len(rolls), 3) for c in counts.tolist()])

# %% [markdown]
# `running_frequencies` 给出每个前缀下的估计：第 $t$ 行是前 $t + 1$ 次投掷的相对频率。
# 六条曲线起初波动剧烈，随后收敛到 $1/6$ 处的虚线。

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
# 点数（取值 $1, \dots, 6$）的样本均值接近 $\mathbb{E}[X] = 3.5$，无偏样本方差接近
# $35/12 \approx 2.917$：

# %%
mean, var = sample_mean_var((rolls + 1).float())
print(f"mean {mean:.3f} (exact 3.5), variance {var:.3f} (exact {35 / 12:.3f})")

# %% [markdown]
# ## 用蒙特卡洛方法估计圆周率
#
# 在单位正方形 $[0, 1]^2$ 中均匀地抽取 $n$ 个点，落在四分之一圆 $x^2 + y^2 \le 1$ 内的比例
# 是其面积 $\pi/4$ 的估计，因此 $\hat\pi_n = 4 \times$（圆内比例）。每个点都是一次
# $p = \pi/4$ 的伯努利试验，所以 $\hat\pi_n$ 的标准差为 $4\sqrt{p(1-p)/n}$，这正是大数定律中
# $1/\sqrt{n}$ 的收敛速度。对每个 $n$ 重复实验 50 次，计算均方根误差。


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
# 在双对数坐标下，幂律 $c\,n^{-1/2}$ 是一条斜率为 $-1/2$ 的直线。我们在
# $(\log n, \log \text{RMSE})$ 上用最小二乘拟合斜率，并把理论标准差与实测误差画在一起。

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
# $n$ 每增大 100 倍，才多得一位准确的小数：蒙特卡洛方法简单，在任何维度下都适用，但收敛很慢。
#
# ## 自动微分检验
#
# 从零实现的 `Value` 引擎算出的梯度必须与 PyTorch 的相同。我们选一个同时用到除法、`log`、
# `exp`、`sigmoid`，并多次使用同一变量的函数：$f(x, y) = \sigma(x y) \log x + e^{-x} / y$。


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
# ## 小结
#
# - 相对频率收敛到概率（大数定律），但很慢：$n$ 个独立样本的平均值，其误差按 $1/\sqrt{n}$ 缩小。
# - 蒙特卡洛估计也继承了这一速度。双对数坐标下 $-1/2$ 的斜率很容易测量，是检查任何抽样代码的
#   好办法。
# - 小小的 `Value` 引擎与 `torch.autograd` 的结果一致，误差仅为舍入误差。
