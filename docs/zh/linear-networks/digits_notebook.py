# %% [markdown]
# # 笔记本：端到端数字识别
#
# 这个笔记本在真实数据上把本章的整条流程跑一遍，在 CPU 上只需几秒钟：加载 scikit-learn 自带的
# 1,797 张手写数字，看看其中几张，训练softmax回归（`torch.nn` 的简洁实现），画出学习曲线，
# 测量测试精度，再用混淆矩阵看看模型究竟把*哪些*数字认错了。这里用到的每个函数都在
# [图像分类数据集](../image-classification-dataset/)和
# [手写数字上的softmax回归](../softmax-regression-digits/)两节中有讲解。

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
# ## 数据
#
# 每张图像有 8 × 8 个像素，灰度值已缩放到 $[0, 1]$；加载器给出的是展平后的 64 维特征向量，
# 所以画图前要先把它们变回 8 × 8 的形状。

# %%
fig, axes = plt.subplots(2, 8, figsize=(8, 2.4))
for ax, image, label in zip(axes.flat, X_test[:16], y_test[:16], strict=True):
    ax.imshow(image.reshape(8, 8).numpy(), cmap="gray_r")
    ax.set_title(f"label {int(label)}", fontsize=9)
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 训练
#
# softmax回归就是一个从 64 个像素到 10 个 logits 的线性层。`nn.CrossEntropyLoss` 以 logits 为输入
# （它自己会做 log-softmax），`train_ch3` 则交替进行一轮小批量随机梯度下降和一次测试集上的评估。

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
# ## 学习曲线

# %%
fig = plot_history(history)
plt.show()

# %% [markdown]
# ## 最终测试精度
#
# 最后一轮结束后，模型在 360 张留出图像上的精度（训练时模型从未见过这些图像）：

# %%
print(f"final test accuracy: {history['test_acc'][-1]:.3f}")

# %% [markdown]
# ## 混淆矩阵
#
# 混淆矩阵的第 $(i, j)$ 项统计的是真实类别为 $i$、却被模型预测为类别 $j$ 的测试图像数。
# 对角线上是预测正确的样本；对角线以外的都是错误，其位置说明了哪两个数字被混淆。
# 标签和预测都在 $\{0, \dots, 9\}$ 中，因此可以把 $(i, j)$ 对编码成单个索引 $10 i + j$，
# 一次 `torch.bincount` 就能统计所有的组合。

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
# ## 被分错的数字
#
# 看看错误样本往往比精度本身更有启发：其中不少数字在 8 × 8 的分辨率下，人也会犹豫。

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
# ## 小结
#
# - 直接作用于像素的线性模型已经能认对大多数数字；它的错误集中在少数几对长得相像的数字上，
#   混淆矩阵让这一点一目了然。
# - 要做得更好，模型需要关于像素非线性的特征：这就是下一章的多层感知机。
