# %% [markdown]
# # A tour of dlnotes
#
# This page is an executed notebook: the docs build runs it and shows its outputs, and the
# test suite runs it too. It takes a quick walk through the package: generate data, fit a
# linear model with the from-scratch pieces, compare with the closed-form solution, and
# plot the training loss.

# %%
import torch

import dlnotes
from dlnotes.data.arrays import load_array
from dlnotes.data.synthetic import synthetic_data
from dlnotes.linear.regression import linreg, normal_equation, sgd, squared_loss
from dlnotes.plotting import plot

print("dlnotes", dlnotes.__version__, "| torch", torch.__version__)

# %% [markdown]
# ## Data
#
# 1,000 examples from $y = \mathbf{X}\mathbf{w} + b + \epsilon$ with
# $\mathbf{w} = [2, -3.4]^\top$, $b = 4.2$ and Gaussian noise $\epsilon$.

# %%
g = torch.Generator().manual_seed(0)
true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
features, labels = synthetic_data(true_w, true_b, 1000, generator=g)
print(features.shape, labels.shape)

# %% [markdown]
# ## Training from scratch
#
# Minibatch stochastic gradient descent on the squared loss.

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
# ## Compare with the closed-form solution

# %%
w_star, b_star = normal_equation(features, labels)
print("SGD:            w =", w.detach().reshape(-1), "b =", round(b.item(), 4))
print("normal equation w =", w_star.reshape(-1), "b =", round(float(b_star), 4))

# %%
fig = plot(list(range(1, num_epochs + 1)), losses, xlabel="epoch", ylabel="loss", yscale="log")
fig

# %% [markdown]
# Next: [linear regression](../../linear-networks/linear-regression/) explains every step.
