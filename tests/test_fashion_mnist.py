"""dlnotes.data.fashion_mnist, entirely offline: the real dataset class is replaced by a fake."""

from __future__ import annotations

import os
from typing import ClassVar

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image
from torch.utils.data import RandomSampler, SequentialSampler

from dlnotes.data.fashion_mnist import (
    FASHION_MNIST_CLASSES,
    get_fashion_mnist_labels,
    load_data_fashion_mnist,
    synthetic_fashion_mnist,
)


def test_classes() -> None:
    assert len(FASHION_MNIST_CLASSES) == 10
    assert FASHION_MNIST_CLASSES[0] == "t-shirt" and FASHION_MNIST_CLASSES[9] == "ankle boot"
    assert len(set(FASHION_MNIST_CLASSES)) == 10


def test_get_labels_from_tensor_list_and_scalar() -> None:
    assert get_fashion_mnist_labels(torch.tensor([0, 9, 5])) == ["t-shirt", "ankle boot", "sandal"]
    assert get_fashion_mnist_labels([1, 8]) == ["trouser", "bag"]
    assert get_fashion_mnist_labels(torch.tensor(3)) == ["dress"]
    assert get_fashion_mnist_labels(torch.arange(10)) == list(FASHION_MNIST_CLASSES)


def test_get_labels_bad_inputs() -> None:
    with pytest.raises(ValueError, match=r"\[0, 9\], got 10"):
        get_fashion_mnist_labels(torch.tensor([10]))
    with pytest.raises(ValueError, match=r"\[0, 9\], got -1"):
        get_fashion_mnist_labels([-1])
    with pytest.raises(TypeError, match="integer dtype"):
        get_fashion_mnist_labels(torch.tensor([1.0]))
    with pytest.raises(TypeError, match="labels must be ints, got float"):
        get_fashion_mnist_labels([1.0])
    with pytest.raises(ValueError, match="labels must have 0 or 1 dimensions"):
        get_fashion_mnist_labels(torch.zeros(2, 2, dtype=torch.long))


def test_synthetic_shapes_dtypes_ranges() -> None:
    X, y = synthetic_fashion_mnist(64, generator=torch.Generator().manual_seed(0))
    assert X.shape == (64, 1, 28, 28) and X.dtype == torch.float32
    assert y.shape == (64,) and y.dtype == torch.int64
    assert 0.0 <= X.min() and X.max() <= 1.0
    assert 0 <= y.min() and y.max() <= 9
    assert torch.allclose(X * 255, (X * 255).round(), atol=1e-4)  # like ToTensor of bytes


def test_synthetic_is_reproducible_with_a_generator() -> None:
    a = synthetic_fashion_mnist(5, generator=torch.Generator().manual_seed(1))
    b = synthetic_fashion_mnist(5, generator=torch.Generator().manual_seed(1))
    c = synthetic_fashion_mnist(5, generator=torch.Generator().manual_seed(2))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])


def test_synthetic_bad_n() -> None:
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        synthetic_fashion_mnist(0)
    with pytest.raises(TypeError, match="n must be an int"):
        synthetic_fashion_mnist(2.5)


class _FakeFashionMNIST(torch.utils.data.Dataset):
    """Stands in for torchvision.datasets.FashionMNIST: PIL images, int labels, no files."""

    calls: ClassVar[list[dict]] = []

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        type(self).calls.append({"root": root, "train": train, "download": download})
        self.transform = transform
        self.n = 10 if train else 6
        g = torch.Generator().manual_seed(int(train))
        self.pixels = torch.randint(0, 256, (self.n, 28, 28), generator=g, dtype=torch.uint8)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        img = Image.fromarray(self.pixels[i].numpy(), mode="L")
        return (self.transform(img) if self.transform else img), i % 10


@pytest.fixture
def fake_dataset(monkeypatch):
    _FakeFashionMNIST.calls = []
    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", _FakeFashionMNIST)
    return _FakeFashionMNIST


def test_loader_pipeline_with_fake_data(fake_dataset, tmp_path) -> None:
    train_iter, test_iter = load_data_fashion_mnist(4, root=str(tmp_path))
    assert fake_dataset.calls == [
        {"root": str(tmp_path), "train": True, "download": True},
        {"root": str(tmp_path), "train": False, "download": True},
    ]
    assert isinstance(train_iter.sampler, RandomSampler)  # training data is shuffled
    assert isinstance(test_iter.sampler, SequentialSampler)  # test data keeps its order
    X, y = next(iter(test_iter))
    assert X.shape == (4, 1, 28, 28) and X.dtype == torch.float32
    assert y.tolist() == [0, 1, 2, 3] and y.dtype == torch.int64
    expected = torch.from_numpy(np.asarray(fake_dataset(".", train=False).pixels[0])) / 255
    torch.testing.assert_close(X[0, 0], expected)  # ToTensor scaling
    assert [len(yb) for _, yb in train_iter] == [4, 4, 2]


def test_loader_resize_and_root_expansion(fake_dataset) -> None:
    train_iter, _ = load_data_fashion_mnist(3, resize=32, root="~/somewhere")
    assert fake_dataset.calls[0]["root"] == os.path.expanduser("~/somewhere")
    assert next(iter(train_iter))[0].shape == (3, 1, 32, 32)
    train_iter, _ = load_data_fashion_mnist(2, resize=(20, 24), root="~/somewhere")
    assert next(iter(train_iter))[0].shape == (2, 1, 20, 24)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1, got 0"),
        ({"batch_size": -3}, ValueError, "batch_size must be >= 1"),
        ({"batch_size": 2.0}, TypeError, "batch_size must be an int"),
        ({"batch_size": True}, TypeError, "batch_size must be an int"),
        ({"batch_size": 8, "resize": 0}, ValueError, "resize must be a positive int"),
        ({"batch_size": 8, "resize": (1, 2, 3)}, ValueError, "resize must be"),
        ({"batch_size": 8, "resize": 2.5}, ValueError, "resize must be"),
        ({"batch_size": 8, "num_workers": -1}, ValueError, "num_workers must be an int >= 0"),
        ({"batch_size": 8, "root": 3}, TypeError, "root must be a path"),
    ],
)
def test_bad_arguments_fail_before_any_download(monkeypatch, kwargs, error, match) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("the dataset (and so the download) must not be reached")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", no_network)
    with pytest.raises(error, match=match):
        load_data_fashion_mnist(**kwargs)
