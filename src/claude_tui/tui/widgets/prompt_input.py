"""The input box: Enter sends, Ctrl+J / Shift+Enter insert a newline."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import WrappedDocument

from claude_tui.domain.text import visible
from claude_tui.tui.patches import count_rows_in_one_step, rewrap_only_when_width_changes


@rewrap_only_when_width_changes
class PromptInput(TextArea):
    # Enter and the newline keys are handled in ``on_key``, in order with the typed
    # characters before them (a priority binding would run ahead of keys still queued
    # for the widget and send a half-typed message). The bindings are there so the
    # footer shows them.
    NEWLINE_KEYS = ("ctrl+j", "shift+enter")
    BINDINGS = [
        Binding("enter", "submit", "Send", tooltip="send the message", id="prompt.submit"),
        Binding(
            "ctrl+j",
            "newline",
            "Newline",
            show=False,
            key_display="Ctrl+J / Shift+Enter",
            tooltip="new line in the message",
            id="prompt.newline",
        ),
    ]

    class Submitted(Message):
        def __init__(self, text: str, owner: str | None) -> None:
            super().__init__()
            self.text = text
            self.owner = owner  # whose input box it was typed in (see PromptInput.owner)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=True,
            placeholder="Message Claude… (Enter sends, Ctrl+J adds a line)",
        )
        # An opaque tag the app sets (the open conversation): a message submitted just
        # before a switch still says where it was typed.
        self.owner: str | None = None
        # Submitted but not yet taken by the app (keys can outrun messages).
        self.unacknowledged: list[PromptInput.Submitted] = []
        # Offered each key first (the app's completion of slash commands): True if it
        # took the key, which then does nothing else.
        self.completer: Callable[[str], bool] | None = None

    @property
    def wrapped_document(self) -> WrappedDocument:
        """The text as wrapped; TextArea makes a new one with each text it loads."""
        return self._rows

    @wrapped_document.setter
    def wrapped_document(self, document: WrappedDocument) -> None:
        self._rows = count_rows_in_one_step(document)

    def on_key(self, event: events.Key) -> None:
        """Enter sends and the newline keys add a line (``prevent_default``: TextArea's
        own handler, which runs next, would insert a newline); other keys go on to it.
        The ``completer`` sees each key before all that."""
        if self.completer is not None and self.completer(event.key):
            event.stop()
            event.prevent_default()
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_submit()
        elif event.key in self.NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.action_newline()

    def action_submit(self) -> None:
        """Post the text and clear the box; blank input is not sent.

        Clearing here, in order with the keys, keeps whatever is typed next. If the
        app cannot send now, it hands the text back with :meth:`give_back`. Cleared
        by loading nothing rather than by an edit, which would copy the whole text out
        for undo (a second and more for a 1 MB paste).
        """
        text = self.text
        if text.strip():
            self.load_text("")
            submitted = self.Submitted(text, self.owner)
            self.unacknowledged.append(submitted)
            self.post_message(submitted)

    def acknowledge(self, submitted: Submitted) -> bool:
        """The app takes this submission; False if it was already taken."""
        if submitted in self.unacknowledged:
            self.unacknowledged.remove(submitted)
            return True
        return False

    def give_back(self, text: str) -> None:
        """Put refused text back in front of anything typed since."""
        self.set_draft(text + self.text)

    def set_draft(self, text: str) -> None:
        """Replace the text, with the cursor at its end, ready to go on typing."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    def get_line(self, line_index: int) -> Text:
        """A line as drawn: control characters (of a pasted escape sequence, say) as
        visible symbols, one for one, so they never reach the terminal. The text itself,
        and so what is sent, stays as it was pasted."""
        return Text(visible(self.document.get_line(line_index)), end="", no_wrap=True)

    def action_newline(self) -> None:
        self.insert("\n")
