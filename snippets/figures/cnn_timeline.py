"""Image classification architectures 1998-2022: parameters and ImageNet top-1 by year.

Where each number comes from:

* Parameters: counted by `count_parameters` on the models themselves, built on the meta
  device (no memory, no initialization). torchvision's builders for AlexNet (the 2014
  "one weird trick" layout), VGG-16, GoogLeNet (without the two auxiliary classifiers,
  which are dropped at inference), ResNet-50, DenseNet-121, ShuffleNet V2 1.0x,
  EfficientNet-B0, RegNetY-400MF (built on the CPU: its builder computes the widths with
  tensors, which fails on meta), ViT-B/16 and ConvNeXt-T; these counts equal the
  `num_params` that torchvision documents for the weights. LeNet-5 is D2L's version
  (`dlnotes.cnn.lenet`), MobileNet (v1, 1.0, 224) is `dlnotes.modern_cnn.mobile.mobilenet_v1`
  (the paper's Table 8 says 4.2 M). SE-ResNet-50 is ResNet-50 plus one squeeze-and-excitation
  module with reduction ratio r = 16 per bottleneck block (Hu et al., 2018), built with
  `torchvision.ops.SqueezeExcitation`.
* Top-1: the ImageNet-1K validation accuracy that torchvision documents for its
  `IMAGENET1K_V1` weights of that model (`weights.meta["_metrics"]`, shipped with the
  installed torchvision, the numbers of its documentation tables). These are torchvision's
  trainings, not the papers' numbers. Models without torchvision weights get no point.
* Years: the first public version of the paper (arXiv, or the journal for LeNet-5).
  ShuffleNet (2017) is not in torchvision; its successor ShuffleNet V2 (2018) is shown.
"""

import torch
from matplotlib.figure import Figure
from torchvision import models as tvm
from torchvision.models.resnet import Bottleneck
from torchvision.ops import SqueezeExcitation

from dlnotes.cnn.lenet import lenet
from dlnotes.cnn.summary import count_parameters
from dlnotes.modern_cnn.mobile import mobilenet_v1


def se_resnet50() -> torch.nn.Module:
    """ResNet-50 plus the SE modules (r = 16) of every bottleneck block, for counting only."""
    net = tvm.resnet50()
    widths = [b.conv3.out_channels for b in net.modules() if isinstance(b, Bottleneck)]
    net.se = torch.nn.ModuleList(SqueezeExcitation(c, c // 16) for c in widths)  # 16 blocks
    return net


# name, year, builder, torchvision weights (None: no torchvision weights)
MODELS = [
    ("LeNet-5", 1998, lenet, None),
    ("AlexNet", 2012, tvm.alexnet, tvm.AlexNet_Weights),
    ("VGG-16", 2014, tvm.vgg16, tvm.VGG16_Weights),
    ("GoogLeNet", 2014, lambda: tvm.googlenet(aux_logits=False, init_weights=False),
     tvm.GoogLeNet_Weights),
    ("ResNet-50", 2015, tvm.resnet50, tvm.ResNet50_Weights),
    ("DenseNet-121", 2016, tvm.densenet121, tvm.DenseNet121_Weights),
    ("SE-ResNet-50", 2017, se_resnet50, None),
    ("MobileNet", 2017, mobilenet_v1, None),
    ("ShuffleNet V2", 2018, tvm.shufflenet_v2_x1_0, tvm.ShuffleNet_V2_X1_0_Weights),
    ("EfficientNet-B0", 2019, tvm.efficientnet_b0, tvm.EfficientNet_B0_Weights),
    ("RegNetY-400MF", 2020, tvm.regnet_y_400mf, tvm.RegNet_Y_400MF_Weights),
    ("ViT-B/16", 2020, tvm.vit_b_16, tvm.ViT_B_16_Weights),
    ("ConvNeXt-T", 2022, tvm.convnext_tiny, tvm.ConvNeXt_Tiny_Weights),
]  # fmt: skip

# label offsets in points (dx, dy), chosen by hand so that no two labels overlap
PARAMS_LABEL = {"LeNet-5": (0, 9), "GoogLeNet": (-6, 0), "ResNet-50": (-6, 0),
                "DenseNet-121": (0, 10), "MobileNet": (-6, -2), "EfficientNet-B0": (0, 10),
                "ViT-B/16": (-6, 0), "ConvNeXt-T": (0, 10)}  # fmt: skip
TOP1_LABEL = {"GoogLeNet": (-6, 0), "ResNet-50": (0, 9), "EfficientNet-B0": (-6, 0),
              "ViT-B/16": (-6, 0), "ConvNeXt-T": (0, 9)}  # fmt: skip


def collect() -> list[tuple[str, int, int, float | None]]:
    """(name, year, parameters, torchvision top-1 in % or None) per model."""
    rows = []
    for name, year, build, weights in MODELS:
        if build is tvm.regnet_y_400mf:
            net = build()  # 4.3 M parameters on the CPU: cheap
        else:
            with torch.device("meta"):
                net = build()
        params = count_parameters(net)
        top1 = None
        if weights is not None:
            meta = weights.IMAGENET1K_V1.meta
            assert params == meta["num_params"], (name, params, meta["num_params"])
            top1 = meta["_metrics"]["ImageNet-1K"]["acc@1"]
        rows.append((name, year, params, top1))
    return rows


def _label(ax, text, x, y, offset) -> None:
    dx, dy = offset
    ha = "center" if dx == 0 else ("left" if dx > 0 else "right")
    ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                va="center", fontsize=8)  # fmt: skip


def figure() -> Figure:
    rows = collect()
    fig = Figure(figsize=(8.0, 5.6))
    grid = fig.add_gridspec(2, 2, width_ratios=(1.4, 7), height_ratios=(1.2, 1), wspace=0.05)
    ax_old = fig.add_subplot(grid[0, 0])  # 1998: LeNet alone, on a broken axis
    ax_new = fig.add_subplot(grid[0, 1], sharey=ax_old)
    ax_acc = fig.add_subplot(grid[1, 1], sharex=ax_new)
    for name, year, params, top1 in rows:
        ax = ax_old if year < 2000 else ax_new
        color = "C0" if top1 is not None else "C7"
        ax.scatter(year, params, color=color, s=28, zorder=3)
        count = f"{params / 1e6:.3g} M" if params >= 1e6 else f"{params:,}"
        _label(ax, f"{name} ({count})", year, params, PARAMS_LABEL.get(name, (6, 0)))
        if top1 is not None:
            ax_acc.scatter(year, top1, color="C1", s=28, zorder=3)
            _label(ax_acc, f"{name} {top1:.1f}", year, top1, TOP1_LABEL.get(name, (6, 0)))
    ax_old.set_yscale("log")
    ax_old.set_ylim(2e4, 6e8)
    ax_old.set_xlim(1997, 1999)
    ax_old.set_xticks([1998])
    ax_old.set_ylabel("parameters (log scale)")
    ax_new.set_xlim(2010.8, 2023.9)
    ax_new.tick_params(labelleft=False)
    ax_new.set_title("parameters (grey: no torchvision weights)", fontsize=9)
    for ax, spine in ((ax_old, "right"), (ax_new, "left")):  # mark the broken axis
        ax.spines[spine].set_visible(False)
    ax_acc.set_xticks(range(2012, 2023, 2))
    ax_acc.set_ylim(52, 87)
    ax_acc.set_xlabel("year of the paper")
    ax_acc.set_ylabel("top-1 (%)")
    ax_acc.set_title("ImageNet-1K top-1 of torchvision's IMAGENET1K_V1 weights", fontsize=9)
    fig.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.09, hspace=0.3)
    return fig
