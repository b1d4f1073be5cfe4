"""Training tricks as small, tested functions: mixing, soft targets, weight-decay groups,
BatchNorm folding, initialization, debugging checks and the learning-rate range test."""
