"""Drawing the mouse selection on widgets that draw their own rows."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget


def show_selection(row: Strip, span: tuple[int, int], widget: Widget) -> Strip:
    """``row`` with its characters from ``span[0]`` to ``span[1]`` (-1: to the end) drawn
    in the screen's selection style, over the row's own colours."""
    text = row.text
    first, last = max(0, span[0]), len(text) if span[1] == -1 else span[1]
    # Offsets count characters; a wide character (CJK, most emoji) takes two cells.
    start, end = cell_len(text[:first]), min(cell_len(text[:last]), row.cell_length)
    if end <= start:
        return row
    chosen = Style.from_styles(widget.screen.get_component_styles("screen--selection"))
    # Added to the widget's style first: the theme's selection colour may be "auto" (a
    # contrast with the background), which only a background can resolve.
    over = (widget.visual_style + chosen).rich_style
    before, middle, after = row.divide([start, end, row.cell_length])
    selected = Strip(Segment.apply_style(middle, post_style=over), middle.cell_length)
    return Strip.join([before, selected, after])
