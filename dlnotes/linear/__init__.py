"""dlnotes.linear."""
