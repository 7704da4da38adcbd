"""Copying text out of the app, and saying how it went.

Two ways, both tried on every copy:

- OSC 52, an escape sequence asking the terminal to set the clipboard
  (``App.copy_to_clipboard``). It works over SSH, but many terminals ignore it, and the app
  cannot know whether this one did.
- The system's clipboard tool (wl-copy, xclip, xsel, pbcopy, clip.exe…), when there is
  one: pyperclip chooses it, in its order (WSL, macOS, Wayland, then X11: xclip, xsel,
  Klipper). That one is known to have worked when it exits with 0.

When neither surely worked, nothing is lost: the text can be written to a file
(:func:`write_copy`, and the dialog in ``screens/save_copy.py``).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyperclip  # type: ignore[import-untyped]
from textual.app import App

TOOL_SECONDS = 5.0
"""How long a clipboard tool may take before it counts as failed (and is stopped)."""


@dataclass(frozen=True)
class Copied:
    """What a copy did: ``tool`` names the system tool that took the text; None when only
    the terminal was asked (OSC 52). ``failed`` names a tool that was there but failed."""

    characters: int
    tool: str | None
    failed: str | None = None

    def words(self) -> str:
        """The notification: whole sentences, ready for one more to be added after them."""
        amount = f"{self.characters:,} character{'' if self.characters == 1 else 's'}"
        if self.tool is not None:
            return f"Copied {amount} ({self.tool} and the terminal)."
        why = (
            f"{self.failed} failed"
            if self.failed is not None
            else "no clipboard tool (wl-copy, xclip, xsel, pbcopy) was found"
        )
        return (
            f"Copied {amount} to the terminal's clipboard (OSC 52). "
            f"Some terminals ignore it, and {why}."
        )


class Clipboard:
    """Copies for the app: the terminal always, the system's tool too when there is one."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app

    async def copy(self, text: str) -> Copied:
        """Copy ``text``; the tool runs in a thread (it is a process), never on the loop."""
        whole = encodable(text)
        self.app.copy_to_clipboard(whole)
        tool, failed = await asyncio.to_thread(system_copy, whole)
        return Copied(len(text), tool, failed)


def encodable(text: str) -> str:
    """``text``, with any lone surrogate (a broken escape in a file) as U+FFFD: every
    way out encodes the text, and one such character would make it raise."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


# -- the system's tool -----------------------------------------------------------------

# pyperclip's copy functions by name: the tool's name, and how to run it. pyperclip runs
# these tools itself without looking at their exit status and lets them write to the
# terminal the app draws on, so the ones that are a command are run here instead, with
# the command line pyperclip would use: failures are seen, output is dropped, and a tool
# that hangs is stopped. pyperclip still decides which one, so its order and its checks
# (WSL in /proc/version, WAYLAND_DISPLAY with wl-copy and wl-paste, DISPLAY…) hold.
_COMMANDS: dict[str, tuple[str, list[str], str]] = {
    "copy_wl": ("wl-copy", ["wl-copy"], "utf-8"),
    "copy_xclip": ("xclip", ["xclip", "-selection", "c"], "utf-8"),
    "copy_xsel": ("xsel", ["xsel", "-b", "-i"], "utf-8"),
    "copy_osx_pbcopy": ("pbcopy", ["pbcopy", "w"], "utf-8"),
    "copy_wsl": ("clip.exe", ["clip.exe"], "utf-16le"),
}
# Clipboards pyperclip reaches through a library rather than a command: its own function
# copies, and raises when it fails.
_LIBRARIES = {
    "copy_windows": "the Windows clipboard",
    "copy_osx_pyobjc": "the macOS pasteboard",
    "copy_klipper": "Klipper",
    "copy_dev_clipboard": "/dev/clipboard",
}
# Not used: Qt's clipboard (pyperclip's last resort under X11 without a tool) would make a
# QApplication in a worker thread, which Qt does not allow.


def system_copy(text: str) -> tuple[str | None, str | None]:
    """Copy ``text`` with the system's clipboard tool: (the tool that took it, None) when it
    worked; (None, the tool) when it failed; (None, None) when there is none. Blocks until
    the tool is done: run it in a thread."""
    try:
        chosen, _ = pyperclip.determine_clipboard()
    except Exception:  # (a broken platform library: as if there were no tool)
        return None, None
    name = getattr(chosen, "__name__", "")
    if name in _COMMANDS:
        tool, command, encoding = _COMMANDS[name]
        if name == "copy_wl" and not text:
            command = [*command, "--clear"]  # (wl-copy waits for input that never comes)
        return _run(tool, command, text.encode(encoding))
    if name in _LIBRARIES:
        return _call(_LIBRARIES[name], chosen, text)
    return None, None


def _run(tool: str, command: list[str], data: bytes) -> tuple[str | None, str | None]:
    try:
        # Output dropped: it would land on the app's screen. (A pipe would also hang: xclip
        # and wl-copy leave a process behind that keeps the clipboard, and the pipe open.)
        done = subprocess.run(
            command,
            input=data,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TOOL_SECONDS,
            start_new_session=True,
            check=False,
        )
    except FileNotFoundError:
        return None, None
    except (OSError, subprocess.SubprocessError):
        return None, tool
    return (tool, None) if done.returncode == 0 else (None, tool)


def _call(tool: str, copy: Callable[[str], object], text: str) -> tuple[str | None, str | None]:
    try:
        copy(text)
    except Exception:
        return None, tool
    return tool, None


# -- to a file, when no clipboard worked -----------------------------------------------


def write_copy(text: str, path: Path) -> None:
    """Write ``text`` (UTF-8) to a new file only its owner can read (mode 0600).

    Never replaces a file (``FileExistsError``); a file left half written (a full disk) is
    removed. Raises ``OSError`` when nothing could be written.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            handle.write(encodable(text).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
