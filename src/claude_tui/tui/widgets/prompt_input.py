"""The input box: Enter sends, Ctrl+J / Shift+Enter insert a newline, Up in an empty box
brings back the messages sent before (as a shell's history does)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import WrappedDocument

from claude_tui.domain.message import Message as ChatMessage
from claude_tui.domain.text import visible
from claude_tui.tui.patches import count_rows_in_one_step, rewrap_only_when_width_changes

HISTORY_WORDS = "your earlier messages (in an empty input box)"


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
        # They take over TextArea's own Up and Down, and move the cursor when not used for
        # the history (see action_history_previous).
        Binding(
            "up",
            "history_previous",
            "Earlier",
            show=False,
            tooltip=HISTORY_WORDS,
            id="prompt.history_previous",
        ),
        Binding(
            "down",
            "history_next",
            "Later",
            show=False,
            tooltip=HISTORY_WORDS,
            id="prompt.history_next",
        ),
        # Priority: the box itself would take Alt+E as the letter. The message it posts
        # reaches the app after the keys typed before it.
        Binding(
            "alt+e",
            "edit_in_editor",
            "Editor",
            show=False,
            priority=True,
            tooltip="write the message in your editor ($VISUAL, else $EDITOR)",
            id="prompt.editor",
        ),
    ]

    class Submitted(Message):
        def __init__(self, text: str, owner: str | None) -> None:
            super().__init__()
            self.text = text
            self.owner = owner  # whose input box it was typed in (see PromptInput.owner)

    class EditorWanted(Message):
        """Alt+E: write the text of ``prompt`` in the user's editor (the app opens it)."""

        def __init__(self, prompt: PromptInput) -> None:
            super().__init__()
            self.prompt = prompt

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
        # Set by the screen: whether it refuses ``text`` now (and has said why).
        self.refuses: Callable[[str], bool] = lambda text: False
        # Offered each key first (the app's completion of slash commands): True if it
        # took the key, which then does nothing else.
        self.completer: Callable[[str], bool] | None = None
        # Told of each paste before it is inserted (the screen offers to attach a path).
        self.paste_watcher: Callable[[str], object] | None = None
        # Whether files wait to be sent with the text (then an empty text may be sent).
        self.has_files: Callable[[], bool] = lambda: False
        # The open conversation's messages, oldest first: Up brings back the user's (the
        # screen sets it). (Not ``history``: that is TextArea's, of edits to undo.)
        self.message_history: Callable[[], Sequence[ChatMessage]] | None = None
        # While Up and Down step through them: how far back (1: the newest), and the text
        # brought back. Any change to that text ends it: the text is a draft from then on.
        self._recalled: tuple[int, str] | None = None

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

    def on_paste(self, event: events.Paste) -> None:
        if self.paste_watcher is not None:
            self.paste_watcher(event.text)

    def action_submit(self) -> None:
        """Post the text and clear the box; blank input is not sent.

        Clearing here, in order with the keys, keeps whatever is typed next. If the
        app cannot send now, it hands the text back with :meth:`give_back`. Text the
        app refuses at once (``refuses``: Claude is still replying, say) stays in the box
        untouched, and so does text typed while the message before is still being
        taken, so that refused messages are never glued together. Cleared
        by loading nothing rather than by an edit, which would copy the whole text out
        for undo (a second and more for a 1 MB paste).
        """
        text = self.text
        if not (text.strip() or self.has_files()) or self.unacknowledged or self.refuses(text):
            return  # one message in flight at a time; a refused one stays as it was typed
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

    def action_edit_in_editor(self) -> None:
        self.post_message(self.EditorWanted(self))

    # -- the history: Up and Down ------------------------------------------------------

    def action_history_previous(self) -> None:
        """Up: from an empty box, the newest message sent; from one brought back, the one
        before it, once the cursor is on the top row. Otherwise the cursor moves up."""
        back = self._steps_back()
        if back is None:
            stepping = self.document.end == (0, 0)  # empty (without copying out the text)
        else:
            stepping = self.navigator.is_first_wrapped_line(self.cursor_location)
        earlier = self._earlier() if stepping else []
        back = back or 0
        if back >= len(earlier):
            self.action_cursor_up()
            return
        self._recall(back + 1, earlier[back])
        self.move_cursor(self.document.end)

    def action_history_next(self) -> None:
        """Down: on the bottom row of a message brought back, the one sent after it, and
        after the newest an empty box again. Otherwise the cursor moves down."""
        back = self._steps_back()
        if back is None or not self.navigator.is_last_wrapped_line(self.cursor_location):
            self.action_cursor_down()
            return
        earlier = self._earlier()
        if back <= 1 or back - 2 >= len(earlier):
            self._recalled = None
            self.load_text("")
            return
        self._recall(back - 1, earlier[back - 2])
        self.move_cursor((0, len(self.document.get_line(0))))

    def _steps_back(self) -> int | None:
        """How far back the text shown is; None when it is not one brought back as it was."""
        if self._recalled is not None and self._recalled[1] != self.text:
            self._recalled = None  # edited (or replaced): a draft now
        return self._recalled[0] if self._recalled is not None else None

    def _earlier(self) -> list[str]:
        """The user's messages, newest first, a message repeated right after itself once."""
        earlier: list[str] = []
        messages = self.message_history() if self.message_history is not None else ()
        for message in reversed(messages):
            text = message.text if message.role == "user" else ""
            if text.strip() and (not earlier or earlier[-1] != text):
                earlier.append(text)
        return earlier

    def _recall(self, back: int, text: str) -> None:
        self._recalled = (back, text)
        self.load_text(text)
