"""The user's messages: a Static, or a LongText for a big paste; a line per attached file
above the text ("▪ shot.png · PNG image · 14 KB", or "attachment missing": the screen says
which files are gone, through the marks)."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from claude_tui.domain.message import Message
from claude_tui.domain.text import printable
from claude_tui.tui.widgets.attachment_chips import MARK, chip_content, chip_words
from claude_tui.tui.widgets.long_text import LongText, is_long
from claude_tui.tui.widgets.message_marks import UNANSWERED, MessageMarks, marked_title

TITLE = "You"


def _show_marks(view: Widget, marks: MessageMarks) -> None:
    """Its branch by the title; "not answered" under it, in the warning colour."""
    view.border_title = marked_title(TITLE, marks)
    view.border_subtitle = UNANSWERED if marks.unanswered else None
    view.set_class(marks.unanswered, "unanswered")


def message_content(message: Message, missing: frozenset[str] = frozenset()) -> Content:
    """Its files (a line each), then its text as typed, control characters made visible."""
    files = [chip_content(a, missing=a.digest in missing) for a in message.attachments]
    text = Content(printable(message.text))
    if not files:
        return text
    chips = Content("\n").join(files)
    return Content.assemble(chips, "\n\n", text) if message.text else chips


class UserMessageView(Static):
    """A user message as typed, control characters made visible."""

    def __init__(self, message: Message) -> None:
        super().__init__(message_content(message), classes="message user")
        self.message = message
        self.border_title = TITLE
        self._missing: frozenset[str] = frozenset()

    def show_marks(self, marks: MessageMarks) -> None:
        _show_marks(self, marks)
        if marks.missing != self._missing:
            self._missing = marks.missing
            self.update(message_content(self.message, marks.missing))

    def show_cursor(self, shown: bool) -> None:
        self.set_class(shown, "cursor")


class LongUserMessageView(LongText):
    """A user message too long for :class:`UserMessageView` (a big paste)."""

    def __init__(self, message: Message) -> None:
        files = "".join(f"{MARK} {chip_words(a)}\n" for a in message.attachments)
        super().__init__(
            f"{files}\n{message.text}" if files else message.text, classes="message user"
        )
        self.message = message
        self.border_title = TITLE

    def show_marks(self, marks: MessageMarks) -> None:
        _show_marks(self, marks)

    def show_cursor(self, shown: bool) -> None:
        self.set_class(shown, "cursor")


def user_view(message: Message) -> UserMessageView | LongUserMessageView:
    """The view for a user message: plain and line by line if it is too long for one Static."""
    if is_long(message.text):
        return LongUserMessageView(message)
    return UserMessageView(message)
