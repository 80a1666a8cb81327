"""Synthetic Linux memory images that the unmodified volatility3 CLI analyses."""
