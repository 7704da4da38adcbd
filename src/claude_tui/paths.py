"""Where claude-tui keeps its files (platformdirs, so XDG_* variables are honoured)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "claude-tui"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Files that can be made again (the model list): losing them loses nothing."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def styles_dir() -> Path:
    """The folder of ``.tcss`` files.

    An installed wheel carries it inside the package (``claude_tui/styles``); an
    editable install or a source checkout has it at the top of the project.
    """
    packaged = Path(str(resources.files("claude_tui"))) / "styles"
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / "styles"
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError(f"claude-tui's stylesheets are missing (looked in {packaged})")
