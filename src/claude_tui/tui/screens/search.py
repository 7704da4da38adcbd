"""Search every message: type words, pick a hit, and its conversation opens at it.

The screen knows nothing of files: the app hands it ``searcher``, which runs the search
(in a thread) and returns the hits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from claude_tui.domain.text import printable
from claude_tui.store.search import LIMIT, SearchHit
from claude_tui.tui.screens.dialogs import Dialog, PlainInput

Searcher = Callable[[str, bool], Awaitable[list[SearchHit]]]  # (words, every branch)
PAUSE = 0.15  # wait for a pause in typing before searching


def hit_text(hit: SearchHit) -> Content:
    start, end = hit.match
    text = hit.snippet
    who = "You" if hit.role == "user" else "Claude"
    return Content.assemble(
        (printable(hit.title).replace("\n", " "), "bold"),
        (f"  · {who}" + ("  · in another branch" if hit.elsewhere else ""), "$text-muted"),
        "\n",
        printable(text[:start]),
        (printable(text[start:end]), "reverse"),
        printable(text[end:]),
    )


class SearchScreen(Dialog[SearchHit]):
    BINDINGS = [
        Binding("down", "into_results", "Results", show=False),
        Binding("ctrl+b", "every_branch", "Every branch", show=False),
    ]

    def __init__(self, searcher: Searcher, query: str = "") -> None:
        super().__init__("Search messages", "Enter opens · Escape closes")
        self._searcher = searcher
        self._query = query
        self._hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with self.frame() as frame:
            frame.add_class("search-body")
            yield PlainInput(
                self._query, placeholder="Words to find in any message", id="search-input"
            )
            yield Checkbox("Every branch, not only the one shown (Ctrl+B)", id="search-branches")
            yield Static(Content("Type to search every conversation."), id="search-status")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one("#search-input").focus()
        if self._query:
            self._search(self._query)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search(event.value)

    @on(Checkbox.Changed, "#search-branches")
    def _branches_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._search(self.query_one("#search-input", Input).value)

    def action_every_branch(self) -> None:
        self.query_one("#search-branches", Checkbox).toggle()

    @work(exclusive=True, group="search", exit_on_error=False)
    async def _search(self, query: str) -> None:
        status = self.query_one("#search-status", Static)
        results = self.query_one("#search-results", OptionList)
        if not query.strip():
            self._hits = []
            results.clear_options()
            status.update(Content("Type to search every conversation."))
            return
        await asyncio.sleep(PAUSE)
        status.update(Content("Searching…"))
        hits = await self._searcher(query, self.query_one("#search-branches", Checkbox).value)
        self._hits = hits
        results.set_options(Option(hit_text(hit), id=str(n)) for n, hit in enumerate(hits))
        if len(hits) >= LIMIT:
            results.highlighted = 0
            status.update(
                Content(
                    f"The first {LIMIT} messages found are shown; there are "
                    "more: add words to narrow the search."
                )
            )
        elif hits:
            results.highlighted = 0
            many = "s" if len(hits) != 1 else ""
            status.update(Content(f"{len(hits)} message{many} found. Enter opens one."))
        else:
            status.update(Content(f"No message contains {printable(query.strip())!r}."))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        results = self.query_one("#search-results", OptionList)
        if self._hits:
            self.dismiss(self._hits[results.highlighted or 0])

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._hits[int(event.option.id or 0)])

    def action_into_results(self) -> None:
        self.query_one("#search-results").focus()
