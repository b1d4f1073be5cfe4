"""dlnotes.autograd."""
