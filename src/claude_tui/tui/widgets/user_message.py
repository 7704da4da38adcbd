"""The user's messages: a Static, or a LongText for a big paste."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from claude_tui.domain.message import Message
from claude_tui.domain.text import printable
from claude_tui.tui.widgets.long_text import LongText, is_long


class UserMessageView(Static):
    """A user message as typed, control characters made visible."""

    def __init__(self, message: Message) -> None:
        super().__init__(Content(printable(message.text)), classes="message user")
        self.message = message
        self.border_title = "You"


class LongUserMessageView(LongText):
    """A user message too long for :class:`UserMessageView` (a big paste)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text, classes="message user")
        self.message = message
        self.border_title = "You"


def user_view(message: Message) -> Widget:
    """The view for a user message: plain and line by line if it is too long for one Static."""
    if is_long(message.text):
        return LongUserMessageView(message)
    return UserMessageView(message)
