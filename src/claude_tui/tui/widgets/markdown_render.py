"""Markdown turned into rows a terminal can show; no widget of its own.

:func:`parse` splits text into top-level blocks (markdown-it, HTML off), and a
:class:`MarkdownRenderer` draws one block at a width as rows (bullets, quote bars, a code
block's background), in the colours of the widget it draws for.
:class:`~claude_tui.tui.widgets.markdown_text.MarkdownText` decides which blocks to draw
again as text arrives.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content, Span
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

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
INLINE_STYLES = {"em": "italic", "strong": "bold", "s": "strike", "link": "underline $text-accent"}
LINK_TARGET = "$text-muted"
CODE_INLINE = "$text-warning on $warning-muted 30%"
CODE_BLOCK = "on $foreground 7%"  # lighter than the page in a dark theme, darker in a light
CODE_LABEL = "italic $text-muted"
CODE_NUMBER = "bold $text-accent"  # a block's number, top right, while its message has the cursor
QUOTE_BAR = "$primary"
BULLET = "$text-primary"
RULE = "$foreground 30%"
TABLE_HEADER = "bold"
TABLE_LINES = "$foreground 40%"
BULLETS = ("•", "◦", "▪")
CODE_NODES = ("fence", "code_block")


@cache
def markdown_parser() -> MarkdownIt:
    """GitHub-like Markdown, but HTML in a reply is text: ``List<String>`` or ``<div>``
    are shown as written (a terminal cannot draw HTML, so it would be lost).

    Made (and markdown-it imported) when the first reply is drawn, not on the way to the
    first paint of the app.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like", {"html": False})


def code_blocks(text: str) -> list[str]:
    """The code of every code block in ``text`` (fenced with backticks or tildes, or
    indented; also in lists and quotes), in the order they are drawn and numbered: block
    N is ``code_blocks(text)[N - 1]``. Each as written, without the line break markdown-it
    adds at its end."""
    return [
        token.content.removesuffix("\n")
        for token in markdown_parser().parse(text, {})
        if token.type in CODE_NODES
    ]


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
            spans.extend(
                Span(span.start + position, span.end + position, span.style) for span in inner.spans
            )
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


class MarkdownRenderer:
    """Draws Markdown blocks as rows, in the colours of the widget they are for."""

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        # The number drawn on the next code block (counting on), or None: no numbers.
        self.code_number: int | None = None

    def _strips(self, content: Content, width: int, base: Style | None = None) -> list[Strip]:
        """``content`` wrapped at ``width``, its theme variables resolved on the widget's
        background (or ``base``): ``$text`` and faded colours depend on it."""
        widget = self.widget
        return Visual.to_strips(
            widget, content, max(1, width), None, base or widget.visual_style, apply_selection=False
        )

    def draw(self, node: SyntaxTreeNode, width: int) -> list[Strip]:
        """The rows of one block (and of the blocks in it) at ``width``."""
        kind = node.type
        if kind == "paragraph":
            return self._strips(inline_content(_inline(node)), width)
        if kind == "heading":
            return self._strips(
                inline_content(_inline(node), HEADING_STYLES.get(node.tag, "bold")), width
            )
        if kind in CODE_NODES:
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
            rows.extend(self.draw(child, width))
        return rows

    def _code(self, node: SyntaxTreeNode, width: int) -> list[Strip]:
        from textual.highlight import highlight  # (pygments: not on the way to a start)

        code = node.content.rstrip("\n")
        language = node.info.split()[0] if node.info.strip() else "text"
        inner = max(1, width - 4)
        base = self.widget.visual_style + Style.parse(CODE_BLOCK)
        background = base.rich_style
        blank = Strip.blank(width, background)

        def indented(row: Strip) -> Strip:
            padded = Strip.join([Strip.blank(2), row]).apply_style(background)
            return padded.extend_cell_length(width, background)

        # The language, if given, on the block's first row; its number (for copying it)
        # at the row's right end; else that row is blank.
        label = Content.styled(node.info.split()[0], CODE_LABEL) if node.info.strip() else None
        if self.code_number is not None:
            number = Content.styled(f"[{self.code_number}]", CODE_NUMBER)
            self.code_number += 1
            room = max(0, inner - number.cell_length)
            label = Content.assemble((label or Content("")).truncate(room, pad=True), number)
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
        markers = [
            f"{start + number}." if ordered else BULLETS[depth % len(BULLETS)]
            for number in range(len(node.children))
        ]
        indent = max(cell_len(marker) for marker in markers) + 1 if markers else 2
        rows: list[Strip] = []
        for number, (item, marker) in enumerate(zip(node.children, markers, strict=True)):
            if number and not tight:
                rows.append(Strip.blank(0))
            inner = self._children(item, max(1, width - indent), tight=tight) or [Strip.blank(0)]
            first = self._strips(Content.styled(marker.rjust(indent - 1) + " ", BULLET), indent)[0]
            pad = Strip.blank(indent)
            rows.extend(
                Strip.join([first if index == 0 else pad, row]) for index, row in enumerate(inner)
            )
        return rows

    def _table(self, node: SyntaxTreeNode, width: int) -> list[Strip]:
        grid: list[list[Content]] = []
        aligns: list[str] = []  # each column's alignment (":---:" centres, "---:" right)
        header_rows = 0
        for section in node.children:
            for row in section.children:
                grid.append(
                    [
                        inline_content(
                            _inline(cell), TABLE_HEADER if section.type == "thead" else ""
                        )
                        for cell in row.children
                    ]
                )
                header_rows += section.type == "thead"
                for entry in row.children[len(aligns) :]:
                    aligns.append(str(entry.attrGet("style") or "").removeprefix("text-align:"))
        if not grid:
            return []
        columns = max(len(cells) for cells in grid)
        natural = [
            max((cells[c].cell_length for cells in grid if c < len(cells)), default=1)
            for c in range(columns)
        ]
        room = max(columns, width - 3 * (columns - 1))
        sizes = [max(1, n) for n in natural]
        while sum(sizes) > room and max(sizes) > 1:
            widest = sizes.index(max(sizes))
            sizes[widest] -= 1
        separator = self._strips(Content.styled(" │ ", TABLE_LINES), 3)[0]
        rows: list[Strip] = []
        for number, cells in enumerate(grid):
            drawn = [
                self._strips(cells[c], sizes[c]) if c < len(cells) else [Strip.blank(0)]
                for c in range(columns)
            ]
            height = max(len(cell) for cell in drawn)
            for line in range(height):
                parts: list[Strip] = []
                for c, cell in enumerate(drawn):
                    if c:
                        parts.append(separator)
                    piece = cell[line] if line < len(cell) else Strip.blank(0)
                    spare = sizes[c] - piece.cell_length
                    before = {"center": spare // 2, "right": spare}.get(
                        aligns[c] if c < len(aligns) else "", 0
                    )
                    if before > 0:
                        piece = Strip.join([Strip.blank(before), piece])
                    parts.append(piece.extend_cell_length(sizes[c]))
                rows.append(Strip.join(parts))
            if number == header_rows - 1:
                rule = "─┼─".join("─" * size for size in sizes)
                rows.extend(self._strips(Content.styled(rule, TABLE_LINES), width)[:1])
        return rows


def code_count(node: SyntaxTreeNode) -> int:
    """How many code blocks ``node`` is or holds."""
    if node.type in CODE_NODES:
        return 1
    return sum(code_count(child) for child in node.children)


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
