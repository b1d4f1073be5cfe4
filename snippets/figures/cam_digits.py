"""CAM and Grad-CAM of a GapCNN trained on the digits: test digits with their maps."""

import torch
from matplotlib.figure import Figure

from dlnotes.cnn.lenet import digits_to_28x28
from dlnotes.data.digits import load_digits_tensors
from dlnotes.modern_cnn.cam import (
    class_activation_map,
    grad_cam,
    normalize_maps,
    train_gap_cnn,
    upsample_maps,
)


def maps_for_figure(count: int = 8) -> dict[str, torch.Tensor]:
    """The first ``count`` test digits, their predictions, and three kinds of maps."""
    net, _ = train_gap_cnn()  # 3 epochs on the training split, seed 0
    _, X_test, _, y_test = load_digits_tensors(seed=0, flatten=False)
    X, y = digits_to_28x28(X_test[:count]), y_test[:count]  # (count, 1, 28, 28)
    with torch.no_grad():
        A, logits = net.features(X), net(X)  # A: (count, 64, 7, 7)
        cam_pred = class_activation_map(A, net.fc.weight, pred := logits.argmax(dim=1))
        runner_up = logits.topk(2, dim=1).indices[:, 1]  # the second most likely class
        cam_runner_up = class_activation_map(A, net.fc.weight, runner_up)
    inner, _ = grad_cam(net, net.features[6], X, pred)  # after the second block: 14x14
    size = (28, 28)
    return {
        "images": X[:, 0],
        "labels": y,
        "pred": pred,
        "runner_up": runner_up,
        "CAM, predicted class": upsample_maps(cam_pred, size),
        "CAM, runner-up class": upsample_maps(cam_runner_up, size),
        "Grad-CAM, 14x14 layer": upsample_maps(inner, size),
    }


def figure() -> Figure:
    data = maps_for_figure()
    rows = ["CAM, predicted class", "CAM, runner-up class", "Grad-CAM, 14x14 layer"]
    n = len(data["labels"])
    fig = Figure(figsize=(1.1 * n, 1.25 * (len(rows) + 1)), layout="constrained")
    axes = fig.subplots(len(rows) + 1, n)
    for j in range(n):
        axes[0, j].imshow(data["images"][j].numpy(), cmap="gray_r", vmin=0, vmax=1)
        axes[0, j].set_title(f"{int(data['labels'][j])} → {int(data['pred'][j])}", fontsize=9)
        for i, row in enumerate(rows, start=1):
            heat = normalize_maps(data[row])[j].numpy()  # each map scaled to [0, 1]
            axes[i, j].imshow(data["images"][j].numpy(), cmap="gray", vmin=0, vmax=1)
            axes[i, j].imshow(heat, cmap="jet", alpha=0.5, vmin=0, vmax=1)
            if row == "CAM, runner-up class":
                axes[i, j].set_title(f"class {int(data['runner_up'][j])}", fontsize=8)
    for i, row in enumerate(["digit: label → prediction", *rows]):
        axes[i, 0].set_ylabel(row.replace(", ", ",\n"), fontsize=8)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
