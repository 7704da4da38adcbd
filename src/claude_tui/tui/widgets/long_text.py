"""Text too long for Markdown or for one Static, drawn literally by :class:`LongText`.

:class:`GrowingText` is any view of text that grows as a reply streams: it appends only
what arrived since it last caught up.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.cells import chop_cells
from rich.segment import Segment
from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from claude_tui.domain.text import printable
from claude_tui.tui.widgets.selection import show_selection

LONG_TEXT = 64_000  # characters: longer text is drawn plain, by LongText
LONG_LINE = 20_000  # characters in one line: the same (Markdown and Static re-wrap it whole)


def is_long(text: str) -> bool:
    """Whether ``text`` is too long to draw as Markdown or as one Static.

    Both lay out and draw all of their text whenever it changes or the width does:
    a reply of 100,000 lines or a 1 MB paste would hold up the screen for seconds.
    """
    return len(text) > LONG_TEXT or (
        len(text) > LONG_LINE and any(len(line) > LONG_LINE for line in text.split("\n"))
    )


def _settled_length(text: str, final: bool) -> int:
    """How much of a growing text to show: a trailing CR may be half of a CRLF."""
    return len(text) - 1 if not final and text.endswith("\r") else len(text)


class GrowingText:
    """A view of text that grows (a streaming block): :meth:`catch_up` appends only what
    arrived since its last call. A trailing carriage return waits for the next chunk: it
    may be half of CRLF."""

    shown = 0  # how much of the text given to catch_up is drawn

    def append(self, text: str) -> None:
        raise NotImplementedError

    def catch_up(self, text: str, *, final: bool = False) -> None:
        end = _settled_length(text, final)
        if end > self.shown:
            fresh, self.shown = text[self.shown : end], end
            self.append(fresh)


class LongText(Widget, GrowingText):
    """Literal text of any length, folded at the width like a terminal does.

    Only the rows on screen are drawn, and a change of width re-counts rows line by
    line (a division for ASCII lines), so its cost does not depend on what is shown.
    """

    DEFAULT_CSS = "LongText { height: auto; }"

    def __init__(self, text: str = "", *, final: bool = True, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._lines = [""]
        self._ends: list[int] = []  # cumulative rows at the end of each line, at _width
        self._width = 0
        self._folded: dict[int, list[str]] = {}  # rows of non-ASCII lines, at _width
        self.catch_up(text, final=final)

    @property
    def text(self) -> str:
        """The text as drawn (controls made visible, tabs expanded)."""
        return "\n".join(self._lines)

    def append(self, text: str) -> None:
        if not text:
            return
        first, *rest = printable(text).split("\n")
        changed = len(self._lines) - 1
        last = self._lines[-1] + first
        self._lines[-1] = last.expandtabs() if "\t" in first else last
        self._lines.extend(line.expandtabs() if "\t" in line else line for line in rest)
        del self._ends[changed:]
        for index in [i for i in self._folded if i >= changed]:
            del self._folded[index]
        self.refresh(layout=True)

    def _rows(self, width: int) -> list[int]:
        if width != self._width:
            self._width, self._ends, self._folded = width, [], {}
        ends, lines = self._ends, self._lines
        total = ends[-1] if ends else 0
        for index in range(len(ends), len(lines)):
            line = lines[index]
            if line.isascii():
                total += max(1, -(-len(line) // width))
            else:
                total += len(self._fold(index))
            ends.append(total)
        return ends

    def _fold(self, index: int) -> list[str]:
        folded = self._folded.get(index)
        if folded is None:
            if len(self._folded) > 256:
                self._folded.clear()
            folded = self._folded[index] = chop_cells(self._lines[index], self._width) or [""]
        return folded

    def _height(self, width: int) -> int:
        if width < 1:
            return 0
        ends = self._rows(width)
        if len(ends) > 1 and not self._lines[-1]:  # the text ends with a newline
            return ends[-2]
        return ends[-1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._height(width)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.rich_style
        if width < 1 or y >= self._height(width):
            return Strip.blank(width, style)
        ends = self._ends
        index = bisect_right(ends, y)
        row = y - (ends[index - 1] if index else 0)
        line = self._lines[index]
        if line.isascii():
            start = row * width
            piece = line[start : start + width]
        else:
            pieces = self._fold(index)
            start, piece = sum(map(len, pieces[:row])), pieces[row]
        strip = Strip([Segment(piece, style)])
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            first, last = span
            strip = show_selection(
                strip, (first - start, len(piece) if last == -1 else last - start), self
            )
        # Where each row starts in the text, for selecting it with the mouse.
        return strip.apply_offsets(start, index)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract(self.text), "\n"
