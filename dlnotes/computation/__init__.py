"""Chapter 4, deep learning computation (PyTorch essentials): blocks, parameters, custom
layers, file I/O, devices, modes, tensor and data idioms, and Python pitfalls."""
