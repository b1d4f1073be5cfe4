"""Chapter 5, convolutional neural networks: cross-correlation, padding and stride,
channels, pooling, LeNet, and a per-layer summary of any network (shapes, parameters)."""
