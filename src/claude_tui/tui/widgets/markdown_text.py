"""Markdown drawn by one widget: a reply's text, finished or still arriving.

Textual's ``Markdown`` makes a widget of every paragraph, list item and code block, and
styles and lays out each of them: opening a conversation of a few replies took most of a
second, and every chunk of a long reply re-laid out all of its blocks. :class:`MarkdownText`
is one widget. Its text is split into top-level blocks (markdown-it, HTML off), each block
is turned into rows once per width and kept; a chunk that arrives re-parses and re-draws
only the last two blocks, the only ones it can change.

Rows are drawn like a terminal shows them (bullets, quote bars, a code block's
background; see :mod:`~claude_tui.tui.widgets.markdown_render`), and selecting with the
mouse copies the text as shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from claude_tui.tui.patches import offset_style
from claude_tui.tui.widgets.markdown_render import MarkdownRenderer, code_count, parse
from claude_tui.tui.widgets.selection import show_selection

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode


@dataclass
class Block:
    """A top-level block of the text, and its rows as last drawn (see ``placed``)."""

    node: SyntaxTreeNode
    rows: list[Strip] | None = None
    _codes: int | None = None

    @property
    def codes(self) -> int:
        """How many code blocks it holds."""
        if self._codes is None:
            self._codes = code_count(self.node)
        return self._codes


def placed(row: Strip, style: RichStyle, y: int) -> Strip:
    """``row`` as shown at row ``y``: on the widget's style, each cell marked with its
    place for selecting with the mouse. Made once per row and kept: Strip's own
    ``apply_style`` and ``apply_offsets`` would keep a chain of three strips (each
    with its caches) per row, which a long conversation holds by the thousand and the
    garbage collector walks on every full pass."""
    segments: list[Segment] = []
    x = 0
    for text, own, _ in row:
        place = offset_style(x, y)
        segments.append(Segment(text, style + own + place if own else style + place))
        x += len(text)
    return Strip(segments, row.cell_length)


class MarkdownText(Widget):
    """Markdown text that may grow: :meth:`append` re-draws only the last two blocks."""

    DEFAULT_CSS = "MarkdownText { height: auto; }"

    def __init__(self, text: str = "", *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._source = ""
        self._blocks: list[Block] = []
        self._renderer = MarkdownRenderer(self)
        # The last blocks are parsed again with each append: they start at _tail_start
        # (a line start) in the source, and _blocks[_stable:] are theirs.
        self._tail_start = 0
        self._stable = 0
        self._references = False  # the text defines links by reference ([1]: https://…)
        self._rows: list[Strip] | None = None  # every row, as last drawn
        self._drawn_for: tuple[object, ...] = ()  # the width, theme and background drawn at
        self._first_code_number: int | None = None
        self.append(text)

    @property
    def source(self) -> str:
        """The Markdown drawn."""
        return self._source

    def append(self, text: str) -> None:
        """Add text at the end; only the last two blocks are parsed and drawn again.

        Two, not one: a chunk can make the last block part of the one before it (``10``
        alone is a paragraph, ``10.`` continues the list above it). And a new link
        reference definition anywhere makes every append parse the whole text, since links
        anywhere may use it and it may still be growing (rare in a reply, and correct).
        """
        if not text:
            return
        self._source += text
        references: dict[str, object] = {}
        tail = self._source[self._tail_start :]
        nodes = parse(tail, references)
        if references:
            self._references = True
        if self._references and self._tail_start:
            self._tail_start = self._stable = 0
            tail = self._source
            nodes = parse(tail, {})
        del self._blocks[self._stable :]
        self._blocks.extend(Block(node) for node in nodes)
        if len(nodes) > 2 and nodes[-2].map is not None and not self._references:
            lines = tail.split("\n")
            self._tail_start += sum(len(line) + 1 for line in lines[: nodes[-2].map[0]])
            self._stable += len(nodes) - 2
        self._rows = None
        self.refresh(layout=True)

    @property
    def code_count(self) -> int:
        """How many code blocks the text holds (nested ones too)."""
        return sum(block.codes for block in self._blocks)

    @property
    def first_code_number(self) -> int | None:
        """The number drawn on the first code block (the others count on from it), or
        None: code blocks are not numbered."""
        return self._first_code_number

    @first_code_number.setter
    def first_code_number(self, number: int | None) -> None:
        if number == self._first_code_number:
            return
        self._first_code_number = number
        for block in self._blocks:
            if block.codes:
                block.rows = None  # only the blocks with code are drawn again
        self._rows = None
        self.refresh()

    # Drawing

    def rows_at(self, width: int) -> list[Strip]:
        style = self.visual_style.rich_style
        drawn_for = (width, self.app.theme, style)
        if drawn_for != self._drawn_for:
            self._drawn_for, self._rows = drawn_for, None
            for block in self._blocks:
                block.rows = None
        if self._rows is None:
            # A block's rows are drawn where they are shown: the stable blocks never
            # move, so only the rows of the blocks parsed again (see append) are made
            # again as text arrives.
            rows: list[Strip] = []
            code_number = self._first_code_number
            for number, block in enumerate(self._blocks):
                if block.rows is None:
                    drawn = [Strip.blank(width)] if number else []  # the row between blocks
                    self._renderer.code_number = code_number
                    drawn += self._renderer.draw(block.node, width)
                    start = len(rows)
                    block.rows = [
                        placed(row, style, start + index) for index, row in enumerate(drawn)
                    ]
                rows.extend(block.rows)
                if code_number is not None:
                    code_number += block.codes
            self._rows = rows
        return self._rows

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows_at(width)) if width > 0 else 0

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.visual_style.rich_style
        rows = self.rows_at(width) if width > 0 else []
        if y >= len(rows):
            return Strip.blank(width, style)
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(y)) is not None:
            return show_selection(rows[y], span, self)
        return rows[y]

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        rows = self.rows_at(self.size.width) if self.size.width > 0 else []
        text = "\n".join(row.text.rstrip() for row in rows)
        return selection.extract(text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()
