# --8<-- [start:import]
import torch

import dlnotes

print(dlnotes.__version__, torch.__version__ >= "2")
# --8<-- [end:import]
