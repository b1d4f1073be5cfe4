# %% [markdown]
# # Notebook: an MLP on digits
#
# This notebook trains the model of this chapter, a multilayer perceptron with one hidden
# layer of 64 ReLUs, on the 1,797 handwritten digits that ship with scikit-learn, with the
# shared training loop `dlnotes.train.Trainer`. Softmax regression from the previous
# chapter is trained the same way, on the same batches, so the two can be compared:
# learning curves, the test accuracy measured once at the end, and the accuracy per digit.
# It runs in a few seconds on a CPU. The model and its from-scratch version are explained
# on the page [Multilayer perceptrons](../mlp/), the loop on the page
# [The training loop](../../tricks/training-loop/).

# %%
import matplotlib.pyplot as plt
import torch
from torch.nn import functional as F

from dlnotes.data.arrays import load_array
from dlnotes.data.digits import load_digits_tensors
from dlnotes.mlp.mlp import make_mlp
from dlnotes.train import Trainer, plot_histories, seed_everything, top1_accuracy

batch_size, num_epochs, lr = 64, 20, 0.3
X_train_all, X_test, y_train_all, y_test = load_digits_tensors(test_size=0.2, seed=0)
# hold out the last 287 training images as a validation set for the learning curves
X_train, y_train = X_train_all[:1150], y_train_all[:1150]
X_val, y_val = X_train_all[1150:], y_train_all[1150:]
print(
    "train:", tuple(X_train.shape), "validation:", tuple(X_val.shape), "test:", tuple(X_test.shape)
)


def loaders(seed):
    """Fresh loaders; the same seed gives the same shuffled batches."""
    generator = torch.Generator().manual_seed(seed)
    train_iter = load_array((X_train, y_train), batch_size, is_train=True, generator=generator)
    val_iter = load_array((X_val, y_val), batch_size, is_train=False)
    return train_iter, val_iter


# %% [markdown]
# ## Two models
#
# Softmax regression is a network with no hidden layer: one linear map from the 64 pixels
# to 10 logits. The MLP inserts a hidden layer of 64 units with ReLU. `make_mlp` builds
# both; the loss is `F.cross_entropy` on the logits in both cases.

# %%
seed_everything(0)
models = {
    "softmax regression": make_mlp(64, [], 10),
    "MLP (64 hidden)": make_mlp(64, [64], 10),
}
for name, net in models.items():
    print(f"{name:<20} {sum(p.numel() for p in net.parameters()):5d} parameters")
print(models["MLP (64 hidden)"])

# %% [markdown]
# ## Training with the shared loop
#
# The same recipe for both: minibatch SGD with learning rate 0.3, 20 epochs, batches of 64,
# the same shuffling. After every epoch the `Trainer` evaluates the validation set
# (in evaluation mode, without gradients) and records the loss and the accuracy. The
# hyperparameters are the ones used on the MLP page; they were not tuned on the test set
# of this notebook, which is used once, at the end.

# %%
histories, trainers = {}, {}
for name, net in models.items():
    train_iter, val_iter = loaders(seed=0)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    trainer = Trainer(net, optimizer, F.cross_entropy, device="cpu", metrics={"acc": top1_accuracy})
    histories[name] = trainer.fit(train_iter, epochs=num_epochs, val_loader=val_iter)
    trainers[name] = trainer

for name, history in histories.items():
    print(name)
    for epoch in (1, 5, 10, 20):
        loss, acc = history["train_loss"][epoch - 1], history["val_acc"][epoch - 1]
        print(f"  epoch {epoch:2d}: train loss {loss:.3f}, validation accuracy {acc:.3f}")

# %% [markdown]
# ## Learning curves
#
# Training loss (left, on a log scale) and validation accuracy (right) per epoch. The MLP
# starts slower, since its hidden layer begins as random features, but its training loss
# soon falls well below that of the linear model and its validation accuracy ends higher.

# %%
fig = plot_histories(histories)  # one line per run: training loss, validation accuracy
fig

# %% [markdown]
# ## Test accuracy
#
# Measured once, on the 360 test images that neither training nor any choice above looked
# at:

# %%
test_iter = load_array((X_test, y_test), batch_size, is_train=False)
test_acc = {name: trainer.evaluate(test_iter)["acc"] for name, trainer in trainers.items()}
for name, acc in test_acc.items():
    print(f"{name:<20} test accuracy {acc:.3f}  ({round(acc * len(y_test))} of {len(y_test)})")

# %% [markdown]
# ## Which digits improve?
#
# Accuracy per true class on the test set, for both models. `torch.bincount` with
# `minlength=10` counts the test images of each class, and the correct ones among them.
# With about 36 test images per class, a single image moves a class's accuracy by almost
# 3 points, so small differences in either direction are noise.

# %%
per_class = {}
for name, net in models.items():
    net.eval()
    with torch.no_grad():
        y_pred = net(X_test).argmax(dim=1)  # (360,)
    correct = torch.bincount(y_test[y_pred == y_test], minlength=10)
    per_class[name] = correct / torch.bincount(y_test, minlength=10)
print(f"{'digit':<20}" + "".join(f"{d:>5d}" for d in range(10)))
for name, acc in per_class.items():
    print(f"{name:<20}" + "".join(f"{a:5.2f}" for a in acc.tolist()))

fig, ax = plt.subplots(figsize=(6, 3.2))
width = 0.4
for i, (name, acc) in enumerate(per_class.items()):
    positions = [digit + (i - 0.5) * width for digit in range(10)]
    ax.bar(positions, acc.tolist(), width=width, label=name)
ax.set_xticks(range(10))
ax.set_xlabel("digit")
ax.set_ylabel("test accuracy")
ax.set_ylim(0.7, 1.01)
ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Takeaways
#
# - One hidden layer of 64 ReLUs, trained with exactly the same loop, data and optimizer,
#   makes fewer test errors than the linear model. The gain is modest on these small 8 × 8
#   digits, which a linear model already classifies well, and on 360 test images it
#   amounts to a handful of images.
# - The comparison is fair because everything except the model is held fixed: the same
#   batches in the same order, the same learning rate and number of epochs, and a test set
#   used only once.
# - The validation set is what one would use to choose the width, the depth or the number
#   of epochs (see the chapter's pages on model selection and overfitting).
