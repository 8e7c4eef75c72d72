"""Benchmarks: ratios side by side, never timed assertions (see bench/README.md)."""
