"""A text block of a reply: Markdown as it arrives, or plain text when too long."""

from __future__ import annotations

from claude_tui.domain.text import printable
from claude_tui.tui.widgets.long_text import GrowingText, LongText
from claude_tui.tui.widgets.markdown_text import MarkdownText


class TextBlockView(MarkdownText, GrowingText):
    """One text block of a reply, drawn as Markdown as it arrives."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.catch_up(text)

    def append(self, text: str) -> None:
        super().append(printable(text))


class LongTextBlockView(LongText):
    """A text block too long for Markdown, drawn plain."""

    def __init__(self, text: str) -> None:
        super().__init__(text, final=False)
