# %% [markdown]
# # Notebook: LeNet and ResNet on digits
#
# This notebook trains two convolutional networks on the 1,797 handwritten digits that
# ship with scikit-learn, with the shared training loop `dlnotes.train.Trainer`: LeNet
# (the modern variant with ReLU and max pooling, from the page [LeNet](../../cnn/lenet/))
# and a small residual network built from D2L's `Residual` block (page
# [ResNet](../resnet/)). Both are trained with the same recipe on the same batches; the
# notebook shows their parameter counts, learning curves, the test accuracy measured once
# at the end, a confusion matrix and the test digits they get wrong. It runs in well
# under a minute on a CPU.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

from dlnotes.cnn.lenet import digits_to_28x28, lenet
from dlnotes.cnn.summary import count_parameters, format_summary, summarize
from dlnotes.data.arrays import load_array
from dlnotes.data.digits import load_digits_tensors
from dlnotes.modern_cnn.resnet import Residual
from dlnotes.train import Trainer, plot_histories, top1_accuracy

batch_size, num_epochs, lr = 32, 10, 2e-3
X_train_all, X_test, y_train_all, y_test = load_digits_tensors(flatten=False, seed=0)
# hold out the last 287 training images as a validation set for the learning curves
X_train, y_train = X_train_all[:1150], y_train_all[:1150]
X_val, y_val = X_train_all[1150:], y_train_all[1150:]
print(
    "train:", tuple(X_train.shape), "validation:", tuple(X_val.shape), "test:", tuple(X_test.shape)
)

# %% [markdown]
# ## Two models
#
# LeNet needs 28 × 28 inputs, so its images are upsampled with `digits_to_28x28`
# (bilinear interpolation; the LeNet page explains why rather than padding). The small
# ResNet works on the 8 × 8 images directly: a 3 × 3 convolution with padding 1 keeps the
# resolution, so four residual blocks fit into 8 × 8 pixels. Its layout follows D2L's
# ResNet in miniature: a stem (convolution, batch normalization, ReLU) with 16 channels,
# two blocks at 8 × 8 with 16 channels, two blocks at 4 × 4 with 32 channels (the first
# halves the resolution and needs a 1 × 1 convolution on the shortcut), then global
# average pooling and one linear layer. Each `Residual` block contains two 3 × 3
# convolutions with batch normalization.


# %%
def small_resnet(num_classes=10):
    """A four-block ResNet for 1x8x8 images, built from D2L's Residual block."""
    return nn.Sequential(
        # stem: (n, 1, 8, 8) -> (n, 16, 8, 8)
        nn.Conv2d(1, 16, kernel_size=3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        Residual(16, 16),  # (n, 16, 8, 8)
        Residual(16, 16),  # (n, 16, 8, 8)
        Residual(16, 32, use_1x1conv=True, strides=2),  # (n, 32, 4, 4)
        Residual(32, 32),  # (n, 32, 4, 4)
        nn.AdaptiveAvgPool2d(1),  # (n, 32, 1, 1): global average pooling
        nn.Flatten(),  # (n, 32)
        nn.Linear(32, num_classes),  # (n, 10): logits
    )


inputs = {"LeNet": digits_to_28x28, "small ResNet": lambda X: X}  # what each model sees
torch.manual_seed(0)
models = {"LeNet": lenet("modern"), "small ResNet": small_resnet()}
for name, net in models.items():
    print(f"{name:<13} {count_parameters(net):6,d} parameters")
print()
resnet = models["small ResNet"]
print(format_summary(summarize(resnet, torch.zeros(1, 1, 8, 8)), resnet))

# %% [markdown]
# The ResNet has fewer parameters than LeNet: no large fully connected layer holds most
# of its weights, global average pooling leaves 32 numbers for the last layer. The
# number of parameters is not the cost, though: all its convolutions run with 16 or 32
# channels, and the training times printed below compare the computation.
#
# ## Training with the shared loop
#
# The same recipe for both: Adam with learning rate 0.002, decayed to zero along a cosine
# over the 10 epochs (stepped after every batch), batches of 32, the same shuffling. After
# every epoch the `Trainer` evaluates the validation set in evaluation mode (batch
# normalization then uses its running statistics) and records the loss and the accuracy.
# The test set is used once, at the end.

# %%
histories, trainers = {}, {}
for name, net in models.items():
    transform = inputs[name]
    generator = torch.Generator().manual_seed(0)  # the same batches for both models
    train_data = (transform(X_train), y_train)
    train_iter = load_array(train_data, batch_size, is_train=True, generator=generator)
    val_iter = load_array((transform(X_val), y_val), 256, is_train=False)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    num_steps = num_epochs * len(train_iter)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=num_steps)
    trainer = Trainer(
        net,
        optimizer,
        F.cross_entropy,
        device="cpu",
        metrics={"acc": top1_accuracy},
        scheduler=scheduler,
        scheduler_interval="step",
    )
    histories[name] = trainer.fit(train_iter, epochs=num_epochs, val_loader=val_iter)
    trainers[name] = trainer

for name, history in histories.items():
    print(name)
    for epoch in (1, 2, 5, 10):
        loss, acc = history["train_loss"][epoch - 1], history["val_acc"][epoch - 1]
        print(f"  epoch {epoch:2d}: train loss {loss:.3f}, validation accuracy {acc:.3f}")
    seconds = sum(history["time"])
    print(f"  {seconds:.1f} s of training in total")

# %% [markdown]
# ## Learning curves
#
# Training loss (left, log scale) and validation accuracy (right) per epoch. With batch
# normalization and residual connections, the ResNet's training loss falls faster than
# LeNet's.

# %%
fig = plot_histories(histories)  # one line per run: training loss, validation accuracy
fig

# %% [markdown]
# ## Test accuracy
#
# Measured once, on the 360 test images that neither training nor any choice above looked
# at. One test image is 0.28 percentage points.

# %%
predictions = {}
for name, net in models.items():
    test_iter = load_array((inputs[name](X_test), y_test), 256, is_train=False)
    acc = trainers[name].evaluate(test_iter)["acc"]
    net.eval()
    with torch.no_grad():
        predictions[name] = net(inputs[name](X_test)).argmax(dim=1)  # (360,)
    errors = int((predictions[name] != y_test).sum())
    print(f"{name:<13} test accuracy {acc:.3f}  ({errors} of {len(y_test)} wrong)")

# %% [markdown]
# ## Confusion matrices
#
# Entry (i, j) counts the test images of digit i that the model classified as j; the
# diagonal holds the correct ones. `torch.bincount` over `10 * true + predicted` counts
# all 100 pairs at once.

# %%
confusion = {
    name: torch.bincount(10 * y_test + y_pred, minlength=100).reshape(10, 10)
    for name, y_pred in predictions.items()
}
fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
for ax, (name, cm) in zip(axes, confusion.items(), strict=True):
    ax.imshow(cm.numpy(), cmap="Blues")
    for i in range(10):
        for j in range(10):
            if cm[i, j] > 0:
                color = "white" if i == j else "black"
                ax.text(j, i, int(cm[i, j]), ha="center", va="center", fontsize=8, color=color)
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(name)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The digits they get wrong
#
# Up to eight misclassified test images per model, as the 8 × 8 images the data set
# holds, with the true and the predicted label. Some are hard even for a person at this
# resolution.

# %%
num_shown = 8
fig, axes = plt.subplots(2, num_shown, figsize=(1.2 * num_shown, 3.2))
for row, (name, y_pred) in zip(axes, predictions.items(), strict=True):
    wrong = torch.nonzero(y_pred != y_test).flatten()[:num_shown]
    for ax in row:
        ax.axis("off")
    for ax, i in zip(row, wrong.tolist(), strict=False):
        ax.imshow(X_test[i, 0].numpy(), cmap="gray_r")
        ax.set_title(f"{int(y_test[i])} → {int(y_pred[i])}", fontsize=9)
    row[0].text(-0.5, -2.5, name, fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Takeaways
#
# - The small ResNet, trained with exactly the same loop, optimizer and batches, makes
#   fewer test errors than LeNet here, with fewer parameters, on the original 8 × 8
#   images. Batch normalization and residual connections make it easy to train, and its
#   global average pooling replaces LeNet's large fully connected layers.
# - The test set has only 360 images, and both models come from a single seed and a
#   recipe that was not tuned for either. The difference in this notebook is a handful of
#   images; a careful comparison would repeat the runs with several seeds.
# - The validation set is what one would use to choose the number of epochs, the width
#   or the learning rate; the test set is looked at once.
