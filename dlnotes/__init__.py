"""dlnotes: tested reference implementations for the dlnotes knowledge base.

Modules are organised by topic, one concept per module::

    dlnotes.tensors      broadcasting and memory sharing, from scratch
    dlnotes.linalg       products and norms, from scratch
    dlnotes.calculus     numerical derivatives and gradients
    dlnotes.autograd     a tiny reverse-mode automatic differentiation engine (Value)
    dlnotes.probability  running frequencies, sample statistics, Bayes' rule
    dlnotes.data         datasets and loaders (offline digits, synthetic data, Fashion-MNIST)
    dlnotes.linear       linear and softmax regression, the chapter-2 training loop
    dlnotes.losses       regression losses (L2, L1, Huber, SmoothL1)
    dlnotes.mlp          chapter 3: perceptron, MLP, activations, dropout, backprop, init, ...
    dlnotes.computation  chapter 4: blocks, parameters, custom layers, devices, data idioms
    dlnotes.cnn          chapter 5: cross-correlation, padding, channels, pooling, LeNet, summaries
    dlnotes.modern_cnn   chapter 6: AlexNet to DenseNet, normalization, mobile nets, SE, CAM
    dlnotes.optim        chapter 7: SGD to RAdam from scratch, schedules, test functions
    dlnotes.metrics      accuracy and friends
    dlnotes.train        the one training loop (Trainer), callbacks, checkpoints, EMA, seeds
    dlnotes.tricks       training tricks: MixUp/CutMix, soft targets, BN folding, debugging checks
    dlnotes.bench        the speed-trick benchmark (python -m dlnotes.bench)
    dlnotes.experiments  measured experiments over seeds (python -m dlnotes.experiments.<name>)
    dlnotes.plotting     matplotlib helpers that work outside Jupyter

Example:
    >>> import dlnotes
    >>> dlnotes.__version__
    '0.1.0'
"""

__version__ = "0.1.0"
