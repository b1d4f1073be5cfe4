"""Linear neural networks: linear regression, softmax regression and their training loop."""
