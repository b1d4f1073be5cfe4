"""Automatic differentiation from scratch: a tiny reverse-mode engine on scalars."""

from dlnotes.autograd.value import Value

__all__ = ["Value"]
