# %% [markdown]
# # Notebook: digits end to end
#
# This notebook runs the whole pipeline of this chapter on real data, in a few seconds on a
# CPU: load the 1,797 handwritten digits that ship with scikit-learn, look at some of them,
# train softmax regression (the concise `torch.nn` version), plot the learning curves,
# measure the test accuracy, and then look at *which* digits the model gets wrong with a
# confusion matrix. Every function used here is explained on the pages
# [The image classification dataset](../image-classification-dataset/) and
# [Softmax regression on digits](../softmax-regression-digits/).

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

from dlnotes.data.digits import load_data_digits
from dlnotes.linear.train import plot_history, train_ch3

torch.manual_seed(0)
batch_size, num_epochs, lr = 64, 10, 0.5
train_iter, test_iter = load_data_digits(batch_size, seed=0)
X_test, y_test = test_iter.dataset.tensors  # (360, 64) floats in [0, 1], (360,) labels
print("training examples:", len(train_iter.dataset), "test examples:", len(X_test))
print("one batch:", next(iter(train_iter))[0].shape)

# %% [markdown]
# ## The data
#
# Each image has 8 × 8 pixels with intensities scaled to $[0, 1]$; the loaders hand them out
# flattened into vectors of 64 features, so we reshape them back to draw them.

# %%
fig, axes = plt.subplots(2, 8, figsize=(8, 2.4))
for ax, image, label in zip(axes.flat, X_test[:16], y_test[:16], strict=True):
    ax.imshow(image.reshape(8, 8).numpy(), cmap="gray_r")
    ax.set_title(f"label {int(label)}", fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Training
#
# Softmax regression is one linear layer from 64 pixels to 10 logits. `nn.CrossEntropyLoss`
# takes the logits (it applies log-softmax itself), and `train_ch3` alternates one epoch of
# minibatch SGD with an evaluation on the test set.

# %%
net = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
nn.init.normal_(net[1].weight, std=0.01)
nn.init.zeros_(net[1].bias)
loss = nn.CrossEntropyLoss()
trainer = torch.optim.SGD(net.parameters(), lr=lr)
history = train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
for epoch in range(num_epochs):
    print(
        f"epoch {epoch + 1:2d}: train loss {history['train_loss'][epoch]:.3f}, "
        f"train acc {history['train_acc'][epoch]:.3f}, test acc {history['test_acc'][epoch]:.3f}"
    )

# %% [markdown]
# ## Learning curves

# %%
fig = plot_history(history)
plt.show()

# %% [markdown]
# ## Final test accuracy
#
# The accuracy on the 360 held-out images after the last epoch (the model never saw them
# during training):

# %%
print(f"final test accuracy: {history['test_acc'][-1]:.3f}")

# %% [markdown]
# ## Confusion matrix
#
# Entry $(i, j)$ of the confusion matrix counts the test images of true class $i$ that the
# model predicted as class $j$. The diagonal holds the correct predictions; everything off
# the diagonal is a mistake, and its position says which two digits were confused. With
# labels and predictions in $\{0, \dots, 9\}$, the pair $(i, j)$ gets the single index
# $10 i + j$, so one `torch.bincount` counts all pairs at once.

# %%
net.eval()
with torch.no_grad():
    y_pred = net(X_test).argmax(dim=1)  # (360,)
num_classes = 10
confusion = torch.bincount(
    y_test * num_classes + y_pred, minlength=num_classes**2
).reshape(num_classes, num_classes)  # rows: true class, columns: predicted class
assert confusion.sum() == len(y_test)
assert int(confusion.trace()) == round(history["test_acc"][-1] * len(y_test))  # the diagonal
print(confusion)

fig, ax = plt.subplots(figsize=(4.5, 4))
ax.imshow(confusion.numpy(), cmap="Blues")
for i in range(num_classes):
    for j in range(num_classes):
        if confusion[i, j] > 0:
            color = "white" if confusion[i, j] > confusion.max() / 2 else "black"
            ax.text(j, i, int(confusion[i, j]), ha="center", va="center", fontsize=8, color=color)
ax.set_xticks(range(num_classes))
ax.set_yticks(range(num_classes))
ax.set_xlabel("predicted class")
ax.set_ylabel("true class")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The misclassified digits
#
# Looking at the mistakes is often more instructive than the accuracy itself: many of them
# are digits that a person would also hesitate over at 8 × 8 pixels.

# %%
wrong = (y_pred != y_test).nonzero().flatten()
print("misclassified:", len(wrong), "of", len(y_test))
shown = wrong[:8]
fig, axes = plt.subplots(1, len(shown), figsize=(1.1 * len(shown), 1.6), squeeze=False)
for ax, i in zip(axes.flat, shown, strict=True):
    ax.imshow(X_test[i].reshape(8, 8).numpy(), cmap="gray_r")
    ax.set_title(f"true {int(y_test[i])}\npred {int(y_pred[i])}", fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Takeaways
#
# - A linear model on raw pixels already gets most digits right; its mistakes concentrate
#   on a few pairs of similar-looking digits, which the confusion matrix makes visible.
# - To do better the model needs features that are not linear in the pixels: the
#   multilayer perceptrons of the next chapter.
