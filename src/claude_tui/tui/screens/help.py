"""A modal that lists every key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, str]] = [
    ("Enter", "send the message"),
    ("Ctrl+J / Shift+Enter", "new line in the message"),
    ("Ctrl+N", "new conversation"),
    ("Ctrl+PageDown / Alt+Down", "next conversation"),
    ("Ctrl+PageUp / Alt+Up", "previous conversation"),
    ("Tab / Shift+Tab", "move between the input and the sidebar"),
    ("Up / Down, Enter", "pick a conversation (sidebar)"),
    ("1 … 9", "open the Nth conversation (sidebar)"),
    ("Ctrl+G", "filter the conversations by title"),
    ("Ctrl+F", "search every message"),
    ("F2", "rename the conversation"),
    ("F8", "delete the conversation (to the trash)"),
    ("Ctrl+B", "hide / show the sidebar"),
    ("PageUp / PageDown", "scroll the messages"),
    ("Escape", "stop a streaming reply"),
    ("Ctrl+R", "retry the last message"),
    ("Ctrl+P", "every action: go to, restore, export…"),
    ("F1", "this list"),
    ("Ctrl+Q", "quit"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        width = max(len(key) for key, _ in KEYS) + 2
        rows = [Content.assemble((key.ljust(width), "bold"), what) for key, what in KEYS]
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Escape closes"
            yield Static(Content("\n").join(rows))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
