"""A tiny reverse-mode automatic differentiation engine on scalars.

Every arithmetic operation on :class:`Value` objects records a node in a computational
graph: the result remembers its inputs (``_prev``), the name of the operation (``op``) and
a closure (``_backward``) that applies the chain rule locally, i.e. adds
``local derivative * out.grad`` to the ``grad`` of each input. :meth:`Value.backward`
sorts the graph topologically (iteratively, so deep graphs do not hit Python's recursion
limit) and runs the closures from the output back to the leaves.

The design follows Karpathy's *micrograd* (2020); the code here is written from scratch
and fixes two things: calling ``backward()`` twice accumulates into the leaves exactly
like ``torch.autograd`` (interior gradients are reset first, so nothing is counted twice),
and bad input raises a clear ``TypeError`` or ``ValueError``.
"""

# --8<-- [start:value]
from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real


class Value:
    """A scalar that remembers how it was computed, so it can be differentiated.

    Args:
        data: the number stored in the node (any real number; stored as ``float``).
        _prev: the input nodes this value was computed from (empty for a leaf).
        op: the name of the operation that produced it (``""`` for a leaf).

    Attributes:
        data: the value of the node.
        grad: ``d(output)/d(self)`` after ``output.backward()``; starts at ``0.0``.

    Example:
        >>> from dlnotes.autograd.value import Value
        >>> x = Value(3.0)
        >>> y = x * x + 2 * x  # y = x^2 + 2x
        >>> y.backward()
        >>> y.data, x.grad  # dy/dx = 2x + 2
        (15.0, 8.0)
        >>> Value("3")
        Traceback (most recent call last):
        ...
        TypeError: Value expects a real number (int or float), got str
    """

    def __init__(self, data: float, _prev: tuple[Value, ...] = (), op: str = "") -> None:
        if isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(
                f"Value expects a real number (int or float), got {type(data).__name__}"
            )
        self.data = float(data)
        self.grad = 0.0
        self._backward: Callable[[], None] = lambda: None  # a leaf has nothing to pass on
        self._prev = _prev
        self.op = op

    def __repr__(self) -> str:
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

    @staticmethod
    def _lift(other: Value | float) -> Value:
        """Wrap a plain number in a leaf ``Value``; reject anything else."""
        if isinstance(other, Value):
            return other
        if isinstance(other, bool) or not isinstance(other, Real):
            raise TypeError(
                f"cannot combine Value with {type(other).__name__}; use a Value or a number"
            )
        return Value(other)

    # ---- binary operations: out = self (op) other ------------------------------------
    def __add__(self, other: Value | float) -> Value:
        other = Value._lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:  # d(a+b)/da = d(a+b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = Value._lift(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Value:
        """``self ** exponent`` for a plain-number exponent (a ``Value`` raises ``TypeError``)."""
        if isinstance(exponent, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a plain number "
                "(int or float); for a variable exponent write (b * a.log()).exp()"
            )
        if isinstance(exponent, bool) or not isinstance(exponent, Real):
            raise TypeError(f"exponent must be an int or float, got {type(exponent).__name__}")
        p = float(exponent)
        if self.data < 0 and not p.is_integer():
            raise ValueError(f"{self.data} ** {exponent} is not a real number")
        out = Value(self.data**p, (self,), f"**{exponent}")

        def _backward() -> None:  # d(a^p)/da = p a^(p-1)
            self.grad += p * self.data ** (p - 1) * out.grad

        out._backward = _backward
        return out

    # Everything else is built from +, *, ** (so it needs no backward of its own).
    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Value | float) -> Value:
        return self + (-Value._lift(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * Value._lift(other) ** -1

    def __radd__(self, other: float) -> Value:  # 2 + x
        return self + other

    def __rsub__(self, other: float) -> Value:  # 2 - x
        return Value._lift(other) - self

    def __rmul__(self, other: float) -> Value:  # 2 * x
        return self * other

    def __rtruediv__(self, other: float) -> Value:  # 2 / x
        return Value._lift(other) / self

    def __rpow__(self, base: float) -> Value:  # 2 ** x
        raise TypeError(
            "number ** Value is not supported: the exponent must be a plain number; "
            "write (x * math.log(base)).exp() instead"
        )

    # ---- unary functions: out = f(self), d(out)/d(self) = f'(self) ---------------------
    def exp(self) -> Value:
        """``e ** self``."""
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward() -> None:  # (e^a)' = e^a
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        """Natural logarithm; raises ``ValueError`` unless ``self.data > 0``."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive input, got {self.data}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward() -> None:  # (ln a)' = 1 / a
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:  # tanh' = 1 - tanh^2
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        """``max(self, 0)``, with derivative 0 at 0 (as in PyTorch)."""
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward() -> None:  # relu' = 1 if a > 0 else 0 (0 at a = 0, like PyTorch)
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        """Logistic sigmoid ``1 / (1 + e ** -self)``, computed without overflow."""
        # Two branches so that exp never overflows for large |a|.
        if self.data >= 0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            s = math.exp(self.data) / (1.0 + math.exp(self.data))
        out = Value(s, (self,), "sigmoid")

        def _backward() -> None:  # sigmoid' = s (1 - s)
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    # ---- reverse pass ------------------------------------------------------------------
    def topological_order(self) -> list[Value]:
        """Every node of the graph below ``self``, each one after all of its inputs.

        Iterative depth-first search with an explicit stack, so a graph that is
        100,000 operations deep works (a recursive version hits the recursion limit).

        Example:
            >>> from dlnotes.autograd.value import Value
            >>> a, b = Value(2.0), Value(3.0)
            >>> [v.op or "leaf" for v in (a * b + a).topological_order()]
            ['leaf', 'leaf', '*', '+']
        """
        order: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:  # all inputs are already in `order`
                order.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))  # revisit once the inputs are done
            stack.extend((child, False) for child in reversed(node._prev))
        return order

    def backward(self, gradient: float = 1.0) -> None:
        """Add ``gradient * d(self)/d(leaf)`` to ``leaf.grad`` for every leaf below ``self``.

        Leaves accumulate across calls (like ``torch.autograd``: set ``leaf.grad = 0.0``
        to start afresh); interior nodes are reset on every call.

        Example:
            >>> from dlnotes.autograd.value import Value
            >>> x = Value(2.0)
            >>> y = x * x * x  # reuses x: its three contributions add up
            >>> y.backward()
            >>> x.grad  # 3 x^2
            12.0
            >>> y.backward()  # gradients accumulate in leaves
            >>> x.grad
            24.0
        """
        order = self.topological_order()
        for node in order:
            if node._prev:  # interior node: forget the previous call
                node.grad = 0.0
        self.grad += gradient
        for node in reversed(order):  # outputs first, leaves last
            node._backward()


# --8<-- [end:value]
