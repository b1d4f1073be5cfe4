"""dlnotes: tested reference implementations for the dlnotes knowledge base.

Modules are organised by topic, one concept per module::

    dlnotes.data        datasets and loaders (offline digits, synthetic data, Fashion-MNIST)
    dlnotes.autograd    a tiny reverse-mode automatic differentiation engine
    dlnotes.linear      linear and softmax regression
    dlnotes.losses      regression losses
    dlnotes.metrics     accuracy and friends
    dlnotes.plotting    matplotlib helpers that work outside Jupyter

Example:
    >>> import dlnotes
    >>> dlnotes.__version__
    '0.1.0'
"""

__version__ = "0.1.0"
