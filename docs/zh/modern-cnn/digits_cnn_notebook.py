# %% [markdown]
# # 笔记本：数字识别上的 LeNet 与 ResNet
#
# 这个笔记本用共享的训练循环 `dlnotes.train.Trainer`，在 scikit-learn 自带的 1,797 张手写数字上
# 训练两个卷积神经网络：LeNet（使用 ReLU 和最大汇聚层的现代版本，见 [LeNet](../../cnn/lenet/)
# 一节），以及用《动手学深度学习》的 `Residual` 残差块搭建的一个小型残差网络（见
# [ResNet](../resnet/) 一节）。两者用同一套配方、在同样的小批量上训练；笔记本给出它们的参数量、
# 学习曲线、最后只测量一次的测试精度、混淆矩阵，以及它们分错的测试数字。在 CPU 上运行远不到
# 一分钟。

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
# ## 两个模型
#
# LeNet 需要 28 × 28 的输入，所以它的图像先用 `digits_to_28x28` 上采样（双线性插值；LeNet 一节
# 解释了为什么不用填充）。小型残差网络直接处理 8 × 8 的图像：填充为 1 的 3 × 3 卷积保持分辨率
# 不变，所以 8 × 8 的像素里放得下四个残差块。它的布局是《动手学深度学习》中 ResNet 的缩微版：
# 16 个通道的主干（卷积、批量规范化、ReLU），两个 16 通道、8 × 8 的残差块，两个 32 通道、
# 4 × 4 的残差块（其中第一个把分辨率减半，捷径上需要一个 1 × 1 卷积），最后是全局平均汇聚层和
# 一个线性层。每个 `Residual` 块包含两个带批量规范化的 3 × 3 卷积。


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
# 残差网络的参数比 LeNet 少：没有一个大的全连接层占据大部分权重，全局平均汇聚之后，最后一层只需
# 处理 32 个数。不过参数量并不等于计算量：它的所有卷积都有 16 或 32 个通道，下面打印的训练时间
# 可以用来比较计算量。
#
# ## 用共享的训练循环训练
#
# 两个模型用同一套配方：学习率 0.002 的 Adam，学习率在 10 轮中按余弦曲线衰减到零（每个批量之后
# 调整一次），批量大小 32，打乱顺序也相同。每轮结束后，`Trainer` 在评估模式下（此时批量规范化
# 使用其移动平均统计量）评估验证集，记录损失和精度。测试集只在最后用一次。

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
# ## 学习曲线
#
# 每轮的训练损失（左，对数坐标）和验证精度（右）。有了批量规范化和残差连接，残差网络的训练损失
# 比 LeNet 下降得更快。

# %%
fig = plot_histories(histories)  # one line per run: training loss, validation accuracy
fig

# %% [markdown]
# ## 测试精度
#
# 只测量一次，用的是训练过程和上面任何选择都没有看过的 360 张测试图像。一张测试图像对应
# 0.28 个百分点。

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
# ## 混淆矩阵
#
# 第 (i, j) 项是真实数字为 i、被模型分类为 j 的测试图像数；对角线上是分类正确的图像。
# 对 `10 * true + predicted` 做 `torch.bincount`，一次就数出全部 100 种组合。

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
# ## 分错的数字
#
# 每个模型最多展示八张分错的测试图像，显示的是数据集中原始的 8 × 8 图像，并标出真实标签和
# 预测标签。在这样的分辨率下，有些数字连人也很难认出。

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
# ## 小结
#
# - 小型残差网络与 LeNet 用完全相同的训练循环、优化器和小批量训练；它在原始的 8 × 8 图像上、
#   用更少的参数，在这里犯的测试错误比 LeNet 少。批量规范化和残差连接让它容易训练，全局平均
#   汇聚层则取代了 LeNet 中庞大的全连接层。
# - 测试集只有 360 张图像，两个模型都只来自一个随机种子，而且配方并没有为任何一方调过。本笔记本
#   中的差距只是几张图像；严谨的比较应当用多个随机种子重复实验。
# - 选择训练轮数、宽度或学习率时应该看验证集；测试集只看一次。
