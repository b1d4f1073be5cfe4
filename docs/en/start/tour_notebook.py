# %% [markdown]
# # A tour of dlnotes
#
# Math: $a^2 + b^2 = c^2$.

# %%
import torch

torch.manual_seed(0)
print(torch.rand(2))
