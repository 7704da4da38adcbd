"""Drawing the mouse selection on widgets that draw their own rows."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget


def show_selection(row: Strip, span: tuple[int, int], widget: Widget) -> Strip:
    """``row`` with its cells from ``span[0]`` to ``span[1]`` (-1: to the end) drawn in
    the screen's selection style, over the row's own colours."""
    start, end = span
    end = row.cell_length if end == -1 else min(end, row.cell_length)
    start = max(0, start)
    if end <= start:
        return row
    chosen = Style.from_styles(widget.screen.get_component_styles("screen--selection"))
    # Added to the widget's style first: the theme's selection colour may be "auto" (a
    # contrast with the background), which only a background can resolve.
    over = (widget.visual_style + chosen).rich_style
    before, middle, after = row.divide([start, end, row.cell_length])
    selected = Strip(Segment.apply_style(middle, post_style=over), middle.cell_length)
    return Strip.join([before, selected, after])
