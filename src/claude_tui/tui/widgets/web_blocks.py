"""What a reply did on the web, and the sources it cites.

A search (or a fetch) is drawn where it happened in the reply: "Searching: <query>" while it
runs, then the results as a compact list of titles and hosts; once the reply has ended, one
line ("Searched: <query> · 5 results"). Its result block is drawn with it (the view of the
result itself draws nothing). The sources the text cites are listed under the reply,
numbered as the markers in the text (``[1]``).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from claude_tui.domain.sources import Citing, WebActivity

MAX_RESULTS_SHOWN = 8


def activity_text(activity: WebActivity, collapsed: bool) -> Content:
    """The search as a heading, with its results under it unless ``collapsed``."""
    heading = activity.heading(done=collapsed)
    if activity.error is not None:
        return Content.assemble(("⚠ ", "$warning"), (heading, "$warning"))
    if collapsed:
        return Content.assemble(("⌕ ", "$text-muted"), (heading, "$text-muted"))
    running = activity.results is None
    heading += "…" if running else ""
    lines: list[str | tuple[str, str]] = [("⌕ ", "bold"), (heading, "bold")]
    results = activity.results or ()
    for title, host in results[:MAX_RESULTS_SHOWN]:
        lines += ["\n  · ", title, (f"  {host}", "$text-muted")]
    if len(results) > MAX_RESULTS_SHOWN:
        lines += ["\n", (f"  … and {len(results) - MAX_RESULTS_SHOWN} more", "$text-muted")]
    return Content.assemble(*lines)


class WebToolView(Static):
    """A search or a fetch of a reply, with its results."""

    def __init__(self, activity: WebActivity, *, collapsed: bool) -> None:
        super().__init__(classes="web-tool")
        self.activity: WebActivity | None = None
        self.collapsed = False
        self.show(activity, collapsed=collapsed)

    def show(self, activity: WebActivity, *, collapsed: bool) -> None:
        if (activity, collapsed) == (self.activity, self.collapsed):
            return
        self.activity, self.collapsed = activity, collapsed
        self.update(activity_text(activity, collapsed))


class PairedResultView(Static):
    """A web tool's result, drawn by the view of the search that asked for it."""

    def __init__(self) -> None:
        super().__init__(classes="web-result")
        self.display = False


class SourcesView(Static):
    """The sources a reply cites, numbered; hidden while there are none."""

    def __init__(self) -> None:
        super().__init__(classes="reply-sources")
        self.shown: tuple[str, ...] = ()
        self.display = False

    def show(self, citing: Citing) -> None:
        lines = tuple(source.line() for source in citing.sources)
        if lines == self.shown:
            return
        self.shown = lines
        self.display = bool(lines)
        parts: list[str | tuple[str, str]] = [("Sources", "bold")]
        for source in citing.sources:
            where = f"  {source.where}" if source.where else ""
            parts += ["\n", (f"[{source.number}] ", "bold"), source.title, (where, "$text-muted")]
        self.update(Content.assemble(*parts))
