"""Claude's thinking in a reply: dimmed, under its own label."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from claude_tui.domain.text import printable
from claude_tui.tui.widgets.long_text import LongText


class ThinkingBlockView(Static):
    """Claude's thinking, dimmed, under its own label; never focusable."""

    def __init__(self, text: str) -> None:
        super().__init__(Content(printable(text)), classes="thinking")
        self.border_title = "Thinking"

    def catch_up(self, text: str) -> None:
        self.update(Content(printable(text)))


class LongThinkingBlockView(LongText):
    """Thinking too long for :class:`ThinkingBlockView`."""

    def __init__(self, text: str) -> None:
        super().__init__(text, final=False, classes="thinking")
        self.border_title = "Thinking"
