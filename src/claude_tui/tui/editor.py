"""Writing a message in the user's own editor (Alt+E in the input box).

The app gives the terminal to the editor (``App.suspend``), the editor opens a file
holding the draft, and what the file holds when the editor ends comes back into the input
box. The editor is ``$VISUAL``, else ``$EDITOR`` (each may carry options: ``code
--wait``), else ``nano`` where it is installed, else ``vi``. An editor that cannot start,
ends with an error or leaves a file that cannot be read: a notice, and the draft stays as
it was.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported

from claude_tui.tui.widgets.prompt_input import PromptInput

UNCHANGED = "The message is as it was."


class EditorError(Exception):
    """What went wrong, in words for the user."""


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """The editor to run, as a command line (the file's path goes after it)."""
    for name in ("VISUAL", "EDITOR"):
        chosen = environ.get(name, "").strip()
        if chosen:
            try:
                words = shlex.split(chosen)
            except ValueError as error:
                raise EditorError(f"${name} is not a command line ({error}).") from error
            if words:
                return words
    return ["nano"] if shutil.which("nano") else ["vi"]


def edited(draft: str, command: list[str]) -> str:
    """Run ``command`` on a file holding ``draft`` (in a folder for the user alone) and
    give back what the file holds after it; the folder is removed either way."""
    with tempfile.TemporaryDirectory(prefix="claude-tui-") as folder:
        path = Path(folder) / "message.md"
        try:
            path.write_text(draft, encoding="utf-8")
        except OSError as error:
            raise EditorError(f"Could not write the draft for the editor: {error}") from error
        try:
            status = subprocess.run([*command, str(path)], check=False).returncode
        except OSError as error:
            raise EditorError(f"Could not start the editor “{command[0]}”: {error}") from error
        if status != 0:
            raise EditorError(f"The editor “{command[0]}” ended with an error (status {status}).")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as error:
            raise EditorError(f"Could not read what the editor wrote: {error}") from error
    # Editors end a file with a line break; the draft did not have one.
    if text.endswith("\n") and not draft.endswith("\n"):
        text = text.removesuffix("\n").removesuffix("\r")
    return text


def _edited_or_why(draft: str, command: list[str]) -> str | EditorError:
    """:func:`edited`, its failure as a value (Ctrl+C in an editor that lets it through
    reaches this process too: the editor was stopped, the app goes on)."""
    try:
        return edited(draft, command)
    except EditorError as error:
        return error
    except KeyboardInterrupt:
        return EditorError(f"The editor “{command[0]}” was interrupted.")


class ExternalEditor:
    """Alt+E: the draft in the user's editor, and back."""

    def __init__(self, app: App[Any], environ: Mapping[str, str] = os.environ) -> None:
        self.app = app
        self.environ = environ

    def edit(self, prompt: PromptInput) -> None:
        """Give the terminal to the editor on the draft, then put its text in ``prompt``.

        Nothing may leave ``App.suspend`` as an exception: Textual takes the terminal back
        only when its block ends normally. A headless app (the tests) has no terminal to
        give: the editor runs as it is."""
        draft = prompt.text
        try:
            command = editor_command(self.environ)
            if self.app.is_headless:
                text = _edited_or_why(draft, command)
            else:
                with self.app.suspend():
                    text = _edited_or_why(draft, command)
        except SuspendNotSupported:
            text = EditorError("This terminal cannot be handed to an editor.")
        except EditorError as error:
            text = error
        if isinstance(text, EditorError):
            self._refused(str(text))
            return
        if text != draft:
            prompt.set_draft(text)
        prompt.focus()

    def _refused(self, why: str) -> None:
        self.app.notify(
            f"{why} {UNCHANGED}", title="Editor", severity="error", timeout=10, markup=False
        )
