# %% [markdown]
# # dlnotes 导览
#
# 本页是一个已执行的笔记本：文档构建时会运行它并展示输出，测试套件也会运行它。
# 我们快速走一遍这个包：生成数据，用从零实现的组件拟合一个线性模型，与解析解比较，最后画出训练损失。

# %%
import torch

import dlnotes
from dlnotes.data.arrays import load_array
from dlnotes.data.synthetic import synthetic_data
from dlnotes.linear.regression import linreg, normal_equation, sgd, squared_loss
from dlnotes.plotting import plot

print("dlnotes", dlnotes.__version__, "| torch", torch.__version__)

# %% [markdown]
# ## 数据
#
# 从 $y = \mathbf{X}\mathbf{w} + b + \epsilon$ 生成 1,000 个样本，其中
# $\mathbf{w} = [2, -3.4]^\top$，$b = 4.2$，$\epsilon$ 是高斯噪声。

# %%
g = torch.Generator().manual_seed(0)
true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
features, labels = synthetic_data(true_w, true_b, 1000, generator=g)
print(features.shape, labels.shape)

# %% [markdown]
# ## 从零开始训练
#
# 在平方损失上做小批量随机梯度下降。

# %%
torch.manual_seed(0)
w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr, num_epochs, batch_size = 0.03, 3, 10
losses = []
for epoch in range(num_epochs):
    for X, y in load_array((features, labels), batch_size, generator=g):
        squared_loss(linreg(X, w, b), y).sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        losses.append(squared_loss(linreg(features, w, b), labels).mean().item())
    print(f"epoch {epoch + 1}: loss {losses[-1]:.6f}")

# %% [markdown]
# ## 与解析解比较

# %%
w_star, b_star = normal_equation(features, labels)
print("SGD:            w =", w.detach().reshape(-1), "b =", round(b.item(), 4))
print("normal equation w =", w_star.reshape(-1), "b =", round(float(b_star), 4))

# %%
fig = plot(list(range(1, num_epochs + 1)), losses, xlabel="epoch", ylabel="loss", yscale="log")
fig

# %% [markdown]
# 下一步：[线性回归](../../linear-networks/linear-regression/)逐步讲解了上面的每一步。
