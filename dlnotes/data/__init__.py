"""dlnotes.data."""
