"""Benchmarks of claude-tui: ``python -m benchmarks`` (see benchmarks/README.md)."""
