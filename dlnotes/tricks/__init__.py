"""Training tricks as small, tested functions: mixing, soft targets, weight-decay groups,
BatchNorm folding, initialization, debugging checks and the learning-rate range test."""

from dlnotes.tricks.debug import (
    check_batch_independence,
    check_initial_loss,
    init_classifier_bias,
    overfit_one_batch,
)
from dlnotes.tricks.fold_bn import fold_batchnorm, fold_bn_into_conv
from dlnotes.tricks.init import init_weights
from dlnotes.tricks.lr_finder import lr_range_test
from dlnotes.tricks.mixing import MixUpCutMix, cutmix, mixup
from dlnotes.tricks.soft_targets import (
    distillation_loss,
    label_smoothing_cross_entropy,
    soft_target_cross_entropy,
)
from dlnotes.tricks.weight_decay import param_groups_weight_decay

__all__ = [
    "MixUpCutMix",
    "check_batch_independence",
    "check_initial_loss",
    "cutmix",
    "distillation_loss",
    "fold_batchnorm",
    "fold_bn_into_conv",
    "init_classifier_bias",
    "init_weights",
    "label_smoothing_cross_entropy",
    "lr_range_test",
    "mixup",
    "overfit_one_batch",
    "param_groups_weight_decay",
    "soft_target_cross_entropy",
]
