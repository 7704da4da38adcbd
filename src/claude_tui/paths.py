"""Where claude-tui keeps its files (platformdirs, so XDG_* variables are honoured)."""

from __future__ import annotations

import os
import shlex
import stat
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


def log_dir() -> Path:
    """Where ``--debug`` writes its log (XDG_STATE_HOME's, on Linux)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


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


# -- who may change the data folder ------------------------------------------------

_WRITABLE_BY_OTHERS = stat.S_IWGRP | stat.S_IWOTH


def writable_by_others(folder: Path) -> dict[Path, int]:
    """The data folder, and the folders in it, that its group or other users can write
    (mode 0777, 0775…), with their modes: anyone of them could plant, change or remove
    conversations."""
    if os.name != "posix":
        return {}
    try:
        inside = [path for path in folder.iterdir() if path.is_dir() and not path.is_symlink()]
    except OSError:  # not there yet (it is made for its owner alone), or unreadable
        inside = []
    shared = {}
    for path in [folder, *sorted(inside)]:
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode) and mode & _WRITABLE_BY_OTHERS:
            shared[path] = stat.S_IMODE(mode)
    return shared


def permissions_warning(folder: Path) -> str | None:
    """What to tell the person when others can write the data folder (or a folder in it),
    with the way to fix it; None when only its owner can. The commands print it on
    standard error, the app shows it as a notice."""
    shared = writable_by_others(folder)
    if not shared:
        return None
    named = ", ".join(f"{path} (mode {mode:04o})" for path, mode in shared.items())
    fix = "claude-tui --fix-permissions"
    if folder != data_dir():
        fix += f" --data-dir {shlex.quote(str(folder))}"
    chmod = "chmod go-w " + " ".join(shlex.quote(str(path)) for path in shared)
    return (
        f"other users can write the data folder: {named}. They could plant, change or "
        f"remove conversations. To make it yours alone, run: {fix} (or: {chmod})"
    )


def fix_permissions(folder: Path) -> list[Path]:
    """Take write permission away from the group and others on the data folder and the
    folders in it (``chmod go-w``); the folders changed. Raises ``OSError``."""
    shared = writable_by_others(folder)
    for path, mode in shared.items():
        path.chmod(mode & ~_WRITABLE_BY_OTHERS)
    return list(shared)
