# %% [markdown]
# # 笔记本：数字识别上的多层感知机
#
# 这个笔记本用共享的训练循环 `dlnotes.train.Trainer`，在 scikit-learn 自带的 1,797 张手写数字上
# 训练本章的模型：一个带有 64 个 ReLU 隐藏单元的单隐藏层多层感知机。上一章的 softmax 回归也用
# 同样的方式、在同样的小批量上训练，以便两者对比：学习曲线、最后只测量一次的测试精度，以及每个
# 数字的精度。在 CPU 上只需几秒钟。模型及其从零实现见[多层感知机](../mlp/)一节，训练循环见
# [训练循环](../../tricks/training-loop/)一节。

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
# ## 两个模型
#
# softmax 回归就是没有隐藏层的网络：从 64 个像素到 10 个对数几率（logits）的一个线性映射。
# 多层感知机在中间插入一个 64 个单元、使用 ReLU 的隐藏层。两者都由 `make_mlp` 构建，
# 损失函数都是作用在 logits 上的 `F.cross_entropy`。

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
# ## 用共享的训练循环训练
#
# 两个模型用同一套配方：学习率 0.3 的小批量随机梯度下降，20 轮，批量大小 64，打乱顺序也相同。
# 每轮结束后，`Trainer` 在验证集上评估（评估模式，不计算梯度），记录损失和精度。超参数沿用
# 多层感知机一节的设置，没有在本笔记本的测试集上调过；测试集只在最后用一次。

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
# ## 学习曲线
#
# 左图是每轮的训练损失（对数坐标），右图是验证精度。多层感知机起步较慢，因为它的隐藏层一开始
# 只是随机特征；但它的训练损失很快降到远低于线性模型的水平，验证精度最终也更高。

# %%
fig = plot_histories(histories)  # one line per run: training loss, validation accuracy
fig

# %% [markdown]
# ## 测试精度
#
# 只测量一次，用的是 360 张测试图像：训练过程和上面的任何选择都没有看过它们。

# %%
test_iter = load_array((X_test, y_test), batch_size, is_train=False)
test_acc = {name: trainer.evaluate(test_iter)["acc"] for name, trainer in trainers.items()}
for name, acc in test_acc.items():
    print(f"{name:<20} test accuracy {acc:.3f}  ({round(acc * len(y_test))} of {len(y_test)})")

# %% [markdown]
# ## 哪些数字变好了？
#
# 两个模型在测试集上按真实类别统计的精度。`torch.bincount` 配合 `minlength=10` 统计每个类别的
# 测试图像数，以及其中预测正确的数目。每个类别大约只有 36 张测试图像，一张图像就会让该类的精度
# 变化将近 3 个百分点，所以两个方向上的小差异都只是噪声。

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
# ## 小结
#
# - 在完全相同的训练循环、数据和优化器下，一个 64 个 ReLU 单元的隐藏层比线性模型犯的测试错误
#   更少。在这些很小的 8 × 8 数字上，线性模型本来就分得不错，所以提升幅度不大，在 360 张测试
#   图像上只相当于几张图像。
# - 这个比较是公平的，因为除了模型之外一切都固定不变：相同顺序的相同小批量、相同的学习率和
#   训练轮数，而且测试集只用了一次。
# - 如果要选择宽度、深度或训练轮数，应该依据的是验证集（见本章关于模型选择和过拟合的各节）。
