"""Data: offline datasets (sklearn digits, synthetic data), loaders and preprocessing."""
