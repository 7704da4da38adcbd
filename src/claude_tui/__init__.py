"""claude-tui: a full-screen terminal app for talking with Claude."""

__version__ = "0.1.0"
