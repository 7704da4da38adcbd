"""The input box: Enter sends, Ctrl+J / Shift+Enter insert a newline."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea


class PromptInput(TextArea):
    # Enter and the newline keys are handled in ``_on_key``, in order with the typed
    # characters before them (a priority binding would run ahead of keys still queued
    # for the widget and send a half-typed message). The bindings are there so the
    # footer shows them.
    NEWLINE_KEYS = ("ctrl+j", "shift+enter")
    BINDINGS = [
        Binding("enter", "submit", "Send", id="prompt.submit"),
        Binding("ctrl+j", "newline", "Newline", show=False, id="prompt.newline"),
    ]

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=True,
            placeholder="Message Claude… (Enter sends, Ctrl+J adds a line)",
        )

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_submit()
        elif event.key in self.NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.action_newline()
        else:
            await super()._on_key(event)

    def action_submit(self) -> None:
        """Post the text; blank input is not sent. The app clears the box once accepted."""
        if self.text.strip():
            self.post_message(self.Submitted(self.text))

    def set_draft(self, text: str) -> None:
        """Replace the text, with the cursor at its end, ready to go on typing."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    def action_newline(self) -> None:
        self.insert("\n")
