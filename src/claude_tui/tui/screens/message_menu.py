"""The menu of what can be done to a message: Enter on it in the messages.

It offers what the message's keys offer (the log says which apply) and answers with the
chosen action's name, ``copy_code:N`` for code block N.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from claude_tui.tui.screens.dialogs import Choose

LABELS = {
    "copy": "Copy the message (Markdown)",
    "edit": "Edit it",
    "regenerate": "Ask for the reply again",
    "delete": "Delete it",
    "undo": "Undo the last change",
    "branch_previous": "The previous branch",
    "branch_next": "The next branch",
    "details": "Details",
    "open_file": "Open its files in the system's viewer",
}


def menu_entries(offered: Sequence[tuple[str, str]], code_blocks: int) -> list[tuple[str, Content]]:
    """The entries, each (answer, text): one per action offered, one per code block."""
    entries: list[tuple[str, Content]] = []
    for action, key in offered:
        if action == "copy_code":
            entries += [
                (f"copy_code:{n}", _entry(f"Copy code block {n}", f"c {n}"))
                for n in range(1, code_blocks + 1)
            ]
        elif action in LABELS:
            entries.append((action, _entry(LABELS[action], key)))
    return entries


def _entry(label: str, key: str) -> Content:
    return Content.assemble(label, ("  " + key, "$text-muted"))


class MessageMenu(Choose):
    """What to do with the message; dismissed with the answer (None: Escape)."""

    def __init__(self, title: str, offered: Sequence[tuple[str, str]], code_blocks: int) -> None:
        super().__init__(title, menu_entries(offered, code_blocks), "Nothing can be done to it.")
        self.add_class("message-menu")
