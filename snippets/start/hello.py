# --8<-- [start:import]
import torch

from dlnotes.linear.softmax import softmax

torch.manual_seed(0)
X = torch.randn(2, 5)  # (batch, classes)
P = softmax(X)  # from scratch, see "Softmax regression"
# --8<-- [end:import]
