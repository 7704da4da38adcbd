"""Write copied text to a file: for when no clipboard surely took it.

Enter writes the file (only its owner may read it; an existing file is never replaced) and
closes with its path; what went wrong (no such folder, no permission, a name taken) is said
inside the dialog, the name kept to be corrected. Escape closes without writing (None).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Static

from claude_tui.domain.text import printable
from claude_tui.tui.clipboard import write_copy
from claude_tui.tui.screens.dialogs import Dialog, PlainInput


def default_copy_path(now: datetime) -> str:
    """``~/claude-tui-copy-20261202-143005.md``: in the home folder, named by the time."""
    return f"~/claude-tui-copy-{now:%Y%m%d-%H%M%S}.md"


def trouble(error: OSError, path: Path) -> str:
    """What kept ``path`` from being written, in words, with what to do."""
    if isinstance(error, FileExistsError):
        return f"{path} already exists. Choose another name: no file is replaced."
    if isinstance(error, IsADirectoryError):
        return f"{path} is a folder. Add a file name to it."
    if isinstance(error, FileNotFoundError | NotADirectoryError):
        return f"There is no folder {path.parent}. Choose a folder that exists."
    if isinstance(error, PermissionError):
        return f"Not allowed to write {path} (permission denied). Choose another folder."
    return f"Could not write {path}: {error.strerror or error}."


class SaveCopyScreen(Dialog[Path]):
    """Ask where to write ``text``; dismissed with the file written, or None."""

    def __init__(self, text: str, *, path: str | None = None, why: str = "") -> None:
        super().__init__("Save to a file", "Enter writes · Escape cancels")
        self.text = text
        self._path = path if path is not None else default_copy_path(datetime.now())
        self._why = why

    def compose(self) -> ComposeResult:
        label = f"{self._why} " if self._why else ""
        label += (
            f"Write the {len(self.text):,} characters to this file "
            "(only you can read it; no file is replaced):"
        )
        with self.frame():
            yield Static(Content(printable(label)), classes="dialog-label")
            yield PlainInput(self._path, id="save-copy-path", select_on_focus=False)
            yield Static("", id="save-copy-error")

    @property
    def error(self) -> Static:
        return self.query_one("#save-copy-error", Static)

    @on(Input.Submitted, "#save-copy-path")
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        if not typed:
            self._say("Type the name of the file to write.")
            return
        path = Path(typed).expanduser()
        try:
            await asyncio.to_thread(write_copy, self.text, path)
        except OSError as error:
            self._say(trouble(error, path))
            return
        self.dismiss(path)

    def _say(self, words: str) -> None:
        self.error.update(Content(printable(words)))
        self.error.display = True
