"""Parameters vs multiply-adds (224x224 input) of mobile and classic CNNs, counted on meta."""

import torch
import torchvision
from matplotlib.figure import Figure
from torch.utils.flop_counter import FlopCounterMode

from dlnotes.cnn.summary import count_parameters
from dlnotes.modern_cnn.mobile import mobilenet_v1

MODELS = {
    "MobileNet v1": mobilenet_v1,
    "MobileNet v2": torchvision.models.mobilenet_v2,
    "MobileNet v3-S": torchvision.models.mobilenet_v3_small,
    "MobileNet v3-L": torchvision.models.mobilenet_v3_large,
    "ShuffleNet v2 1.0x": torchvision.models.shufflenet_v2_x1_0,
    "ShuffleNet v2 2.0x": torchvision.models.shufflenet_v2_x2_0,
    "SqueezeNet 1.1": torchvision.models.squeezenet1_1,
    "EfficientNet-B0": torchvision.models.efficientnet_b0,
    "ResNet-18": torchvision.models.resnet18,
    "ResNet-50": torchvision.models.resnet50,
    "VGG-16": torchvision.models.vgg16,
}


def figure():
    fig = Figure(figsize=(6.4, 4.0))
    ax = fig.subplots()
    for i, (name, build) in enumerate(MODELS.items()):
        with torch.device("meta"):  # shapes only: no memory, no initialization cost
            net = build()
            with FlopCounterMode(display=False) as counter:
                net(torch.zeros(1, 3, 224, 224))
        macs, params = counter.get_total_flops() / 2 / 1e9, count_parameters(net) / 1e6
        mobile = i < 8
        ax.scatter(macs, params, color="C0" if mobile else "C3", s=25)
        left = name in ("MobileNet v3-L", "VGG-16")  # labels that would overlap or clip
        ax.annotate(
            name,
            (macs, params),
            fontsize="x-small",
            textcoords="offset points",
            xytext=(-4, 2) if left else (4, 2),
            ha="right" if left else "left",
        )
    ax.set_xscale("log")
    ax.set_xlim(0.03, 40)
    ax.set_yscale("log")
    ax.set_xlabel("multiply-adds per 224x224 image (G)")
    ax.set_ylabel("parameters (M)")
    fig.subplots_adjust(left=0.11, right=0.97, bottom=0.13, top=0.97)
    return fig
