"""Markdown drawn by one widget: a reply's text, finished or still arriving.

Textual's ``Markdown`` makes a widget of every paragraph, list item and code block, and
styles and lays out each of them: opening a conversation of a few replies took most of a
second, and every chunk of a long reply re-laid out all of its blocks. :class:`MarkdownText`
is one widget. Its text is split into top-level blocks (markdown-it, HTML off), each block
is turned into rows once per width and kept; a chunk that arrives re-parses and re-draws
only the last two blocks, the only ones it can change.

Rows are drawn like a terminal shows them (bullets, quote bars, a code block's
background), and selecting with the mouse copies the text as shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content, Span
from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

from claude_tui.tui.widgets.selection import show_selection

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

# Theme variables, resolved when drawn: the look follows the app's theme.
HEADING_STYLES = {
    "h1": "bold underline $text-primary",
    "h2": "bold $text-primary",
    "h3": "bold $text-secondary",
    "h4": "bold",
    "h5": "bold italic",
    "h6": "italic",
}
INLINE_STYLES = {
    "em": "italic",
    "strong": "bold",
    "s": "strike",
    "link": "underline $text-accent",
}
LINK_TARGET = "$text-muted"
CODE_INLINE = "$text-warning on $warning-muted 30%"
CODE_BLOCK = "on $foreground 7%"  # lighter than the page in a dark theme, darker in a light
CODE_LABEL = "dim italic"
QUOTE_BAR = "$primary"
BULLET = "$text-primary"
RULE = "$foreground 30%"
TABLE_HEADER = "bold"
TABLE_LINES = "$foreground 40%"
BULLETS = ("•", "◦", "▪")


@cache
def markdown_parser() -> MarkdownIt:
    """GitHub-like Markdown, but HTML in a reply is text: ``List<String>`` or ``<div>``
    are shown as written (a terminal cannot draw HTML, so it would be lost).

    Made (and markdown-it imported) when the first reply is drawn, not on the way to the
    first paint of the app.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like", {"html": False})


def parse(text: str, references: dict[str, object]) -> list[SyntaxTreeNode]:
    """The top-level blocks of ``text``; the link reference definitions it holds are
    put in ``references``."""
    from markdown_it.tree import SyntaxTreeNode

    env = {"references": references}
    return SyntaxTreeNode(markdown_parser().parse(text, env)).children


def inline_content(node: SyntaxTreeNode | None, base: str = "") -> Content:
    """The text of an inline node with its emphasis, code and links as styles."""
    if node is None:
        return Content("")
    pieces: list[str] = []
    spans: list[Span] = []
    open_styles: list[tuple[str, int]] = []
    position = 0

    def add(text: str, style: str = "") -> None:
        nonlocal position
        pieces.append(text)
        if style and text:
            spans.append(Span(position, position + len(text), style))
        position += len(text)

    for child in node.children:
        kind = child.type
        if kind == "text":
            add(child.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "code_inline":
            add(child.content, CODE_INLINE)
        elif kind == "image":
            add(f"🖼 {child.content or 'image'}", INLINE_STYLES["link"])
            if source := str(child.attrGet("src") or ""):
                add(f" ({source})", LINK_TARGET)
        elif kind in ("em", "strong", "s", "link"):
            open_styles.append((INLINE_STYLES[kind], position))
            inner = inline_content(child)
            pieces.append(inner.plain)
            spans.extend(span._shift(position) for span in inner.spans)
            position += len(inner.plain)
            style, start = open_styles.pop()
            spans.append(Span(start, position, style))
            # A URL written as such (linkify, <autolink>) is its own target.
            written = kind == "link" and child.markup not in ("linkify", "autolink")
            href = str(child.attrGet("href") or "") if written else ""
            if href and href not in (inner.plain, f"mailto:{inner.plain}"):
                add(f" ({href})", LINK_TARGET)  # links cannot be clicked: say where they go
        else:  # anything else is shown as its text
            add(child.content)
    content = Content("".join(pieces), spans=sorted(spans, key=lambda span: span.start))
    return content.stylize_before(base) if base else content


@dataclass
class Block:
    """A top-level block of the text, and its rows as last drawn (see ``placed``)."""

    node: SyntaxTreeNode
    rows: list[Strip] | None = None


def placed(row: Strip, style: RichStyle, y: int) -> Strip:
    """``row`` as shown at row ``y``: on the widget's style, each cell marked with its
    place for selecting with the mouse. Made once per row and kept: Strip's own
    ``apply_style`` and ``apply_offsets`` would keep a chain of three strips (each
    with its caches) per row, which a long conversation holds by the thousand and the
    garbage collector walks on every full pass."""
    segments: list[Segment] = []
    x = 0
    for text, own, _ in row:
        place = RichStyle.from_meta({"offset": (x, y)})
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
        # The last blocks are parsed again with each append: they start at _tail_start
        # (a line start) in the source, and _blocks[_stable:] are theirs.
        self._tail_start = 0
        self._stable = 0
        self._references = False  # the text defines links by reference ([1]: https://…)
        self._rows: list[Strip] | None = None  # every row, as last drawn
        self._drawn_for: tuple[object, ...] = ()  # the width, theme and background drawn at
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

    # Drawing

    def _all_rows(self, width: int) -> list[Strip]:
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
            for number, block in enumerate(self._blocks):
                if block.rows is None:
                    drawn = [Strip.blank(width)] if number else []  # the row between blocks
                    drawn += self._draw(block.node, width)
                    start = len(rows)
                    block.rows = [placed(row, style, start + index)
                                  for index, row in enumerate(drawn)]
                rows.extend(block.rows)
            self._rows = rows
        return self._rows

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._all_rows(width)) if width > 0 else 0

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.visual_style.rich_style
        rows = self._all_rows(width) if width > 0 else []
        if y >= len(rows):
            return Strip.blank(width, style)
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(y)) is not None:
            return show_selection(rows[y], span, self)
        return rows[y]

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        rows = self._all_rows(self.size.width) if self.size.width > 0 else []
        text = "\n".join(row.text.rstrip() for row in rows)
        return selection.extract(text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    # Blocks to rows

    def _strips(self, content: Content, width: int, base: Style | None = None) -> list[Strip]:
        """``content`` wrapped at ``width``, its theme variables resolved on the widget's
        background (or ``base``): ``$text`` and faded colours depend on it."""
        return Visual.to_strips(self, content, max(1, width), None, base or self.visual_style,
                                apply_selection=False)

    def _draw(self, node: SyntaxTreeNode, width: int) -> list[Strip]:
        """The rows of one block (and of the blocks in it) at ``width``."""
        kind = node.type
        if kind == "paragraph":
            return self._strips(inline_content(_inline(node)), width)
        if kind == "heading":
            return self._strips(inline_content(_inline(node), HEADING_STYLES.get(node.tag, "bold")),
                                width)
        if kind in ("fence", "code_block"):
            return self._code(node, width)
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node, width)
        if kind == "blockquote":
            bar = self._strips(Content.styled("▌ ", QUOTE_BAR), 2)[0]
            inner = self._children(node, max(1, width - 2))
            return [Strip.join([bar, row]) for row in inner]
        if kind == "hr":
            return self._strips(Content.styled("─" * max(1, width), RULE), width)
        if kind == "table":
            return self._table(node, width)
        text = node.content or "".join(child.content for child in node.children)
        return self._strips(Content(text.rstrip("\n")), width) if text else []

    def _children(self, node: SyntaxTreeNode, width: int, tight: bool = False) -> list[Strip]:
        rows: list[Strip] = []
        for number, child in enumerate(node.children):
            if number and not tight:
                rows.append(Strip.blank(0))
            rows.extend(self._draw(child, width))
        return rows

    def _code(self, node: SyntaxTreeNode, width: int) -> list[Strip]:
        from textual.highlight import highlight  # (pygments: not on the way to a start)

        code = node.content.rstrip("\n")
        language = node.info.split()[0] if node.info.strip() else "text"
        inner = max(1, width - 4)
        base = self.visual_style + self._get_style(CODE_BLOCK)
        background = base.rich_style
        blank = Strip.blank(width, background)

        def indented(row: Strip) -> Strip:
            padded = Strip.join([Strip.blank(2), row]).apply_style(background)
            return padded.extend_cell_length(width, background)

        # The language, if given, on the block's first row; else that row is blank.
        label = Content.styled(node.info.split()[0], CODE_LABEL) if node.info.strip() else None
        rows = [indented(self._strips(label, inner, base)[0]) if label else blank]
        # Long lines fold at the width, every character kept (wrapping at words would
        # drop the space where a line breaks).
        for line in highlight(code, language=language).split("\n"):
            pieces = line.fold(inner) if line else []
            rows.extend(indented(self._strips(piece, inner, base)[0]) for piece in pieces)
            if not pieces:
                rows.append(indented(Strip.blank(0)))
        rows.append(blank)
        return rows

    def _list(self, node: SyntaxTreeNode, width: int) -> list[Strip]:
        ordered = node.type == "ordered_list"
        first_number = node.attrGet("start")
        start = int(first_number) if ordered and first_number is not None else 1
        depth = _depth(node)
        tight = all(not _loose(item) for item in node.children)
        markers = [f"{start + number}." if ordered else BULLETS[depth % len(BULLETS)]
                   for number in range(len(node.children))]
        indent = max(cell_len(marker) for marker in markers) + 1 if markers else 2
        rows: list[Strip] = []
        for number, (item, marker) in enumerate(zip(node.children, markers, strict=True)):
            if number and not tight:
                rows.append(Strip.blank(0))
            inner = self._children(item, max(1, width - indent), tight=tight) or [Strip.blank(0)]
            first = self._strips(Content.styled(marker.rjust(indent - 1) + " ", BULLET),
                                 indent)[0]
            pad = Strip.blank(indent)
            rows.extend(Strip.join([first if index == 0 else pad, row])
                        for index, row in enumerate(inner))
        return rows

    def _table(self, node: SyntaxTreeNode, width: int) -> list[Strip]:
        grid: list[list[Content]] = []
        aligns: list[str] = []  # each column's alignment (":---:" centres, "---:" right)
        header_rows = 0
        for section in node.children:
            for row in section.children:
                grid.append([inline_content(_inline(cell), TABLE_HEADER if section.type ==
                                            "thead" else "") for cell in row.children])
                header_rows += section.type == "thead"
                for entry in row.children[len(aligns):]:
                    aligns.append(str(entry.attrGet("style") or "").removeprefix("text-align:"))
        if not grid:
            return []
        columns = max(len(cells) for cells in grid)
        natural = [max((cells[c].cell_length for cells in grid if c < len(cells)), default=1)
                   for c in range(columns)]
        room = max(columns, width - 3 * (columns - 1))
        sizes = [max(1, n) for n in natural]
        while sum(sizes) > room and max(sizes) > 1:
            widest = sizes.index(max(sizes))
            sizes[widest] -= 1
        separator = self._strips(Content.styled(" │ ", TABLE_LINES), 3)[0]
        rows: list[Strip] = []
        for number, cells in enumerate(grid):
            drawn = [self._strips(cells[c], sizes[c]) if c < len(cells) else [Strip.blank(0)]
                     for c in range(columns)]
            height = max(len(cell) for cell in drawn)
            for line in range(height):
                parts: list[Strip] = []
                for c, cell in enumerate(drawn):
                    if c:
                        parts.append(separator)
                    piece = cell[line] if line < len(cell) else Strip.blank(0)
                    spare = sizes[c] - piece.cell_length
                    before = {"center": spare // 2, "right": spare}.get(
                        aligns[c] if c < len(aligns) else "", 0)
                    if before > 0:
                        piece = Strip.join([Strip.blank(before), piece])
                    parts.append(piece.extend_cell_length(sizes[c]))
                rows.append(Strip.join(parts))
            if number == header_rows - 1:
                rule = "─┼─".join("─" * size for size in sizes)
                rows.extend(self._strips(Content.styled(rule, TABLE_LINES), width)[:1])
        return rows


def _inline(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    for child in node.children:
        if child.type == "inline":
            return child
    return None


def _depth(node: SyntaxTreeNode) -> int:
    """How many lists ``node`` is in."""
    depth, parent = 0, node.parent
    while parent is not None:
        depth += parent.type in ("bullet_list", "ordered_list")
        parent = parent.parent
    return depth


def _loose(item: SyntaxTreeNode) -> bool:
    """A list item whose paragraphs markdown-it shows (a blank line between items)."""
    return any(not child.hidden for child in item.children if child.type == "paragraph")
