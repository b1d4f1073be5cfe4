"""The two benchmark workloads: a CIFAR-sized ResNet and a small GPT-like decoder.

Both take synthetic data (the benchmark measures speed, not accuracy) and have a
``checkpointing`` switch that recomputes each block's activations in the backward pass
instead of storing them (T38).
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.checkpoint import checkpoint

# --8<-- [end:imports]

__all__ = ["BasicBlock", "ResNetCIFAR", "TinyGPT"]


# --8<-- [start:resnet]
class _Checkpointed(nn.Module):
    """Runs ``blocks`` in order, optionally under activation checkpointing."""

    checkpointing = False

    def _run(self, blocks: nn.ModuleList, x: torch.Tensor) -> torch.Tensor:
        for block in blocks:
            if self.checkpointing and self.training and torch.is_grad_enabled():
                x = checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x)
        return x


class BasicBlock(nn.Module):
    """Two 3x3 conv-BN-ReLU layers plus a shortcut (He et al., 2016)."""

    def __init__(self, c_in: int, c_out: int, stride: int = 1) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False),  # no bias before BN (T08)
            nn.BatchNorm2d(c_out),
            nn.ReLU(inplace=True),
            nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )
        self.shortcut = nn.Sequential()
        if stride != 1 or c_in != c_out:  # match the shape of the body's output
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.body(x) + self.shortcut(x))


class ResNetCIFAR(_Checkpointed):
    """ResNet for 3x32x32 images; ``width=64, blocks=(2, 2, 2, 2)`` is ResNet-18."""

    def __init__(self, width: int = 64, blocks: tuple[int, ...] = (2, 2, 2, 2), classes: int = 10):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)
        )
        layers, c = [], width
        for stage, n in enumerate(blocks):
            c_out = width * 2**stage
            for i in range(n):
                layers.append(BasicBlock(c, c_out, stride=2 if stage > 0 and i == 0 else 1))
                c = c_out
        self.blocks = nn.ModuleList(layers)
        self.head = nn.Linear(c, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (n, 3, 32, 32) -> (n, classes)
        x = self._run(self.blocks, self.stem(x))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# --8<-- [end:resnet]


# --8<-- [start:gpt]
class _DecoderBlock(nn.Module):
    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (n, t, d)
        n, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(n, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (n, h, t, d/h)
        x = x + self.proj(a.transpose(1, 2).reshape(n, t, d))
        return x + self.mlp(self.ln2(x))


class TinyGPT(_Checkpointed):
    """A GPT-2-style decoder-only transformer (pre-LayerNorm, causal attention)."""

    def __init__(
        self, vocab: int = 50304, seq: int = 1024, d: int = 768, layers: int = 12, heads: int = 12
    ):
        super().__init__()
        if d % heads:
            raise ValueError(f"d ({d}) must be divisible by heads ({heads})")
        self.seq = seq
        self.tok, self.pos = nn.Embedding(vocab, d), nn.Embedding(seq, d)
        self.blocks = nn.ModuleList(_DecoderBlock(d, heads) for _ in range(layers))
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.tok.weight  # tied input and output embeddings

    def forward(self, idx: torch.Tensor) -> torch.Tensor:  # (n, t) ints -> (n, t, vocab)
        t = idx.shape[1]
        if t > self.seq:
            raise ValueError(f"sequence length {t} exceeds the model's {self.seq}")
        x = self.tok(idx) + self.pos(torch.arange(t, device=idx.device))
        return self.head(self.ln(self._run(self.blocks, x)))


# --8<-- [end:gpt]
