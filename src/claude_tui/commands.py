"""The command palette's "go to conversation": every conversation, by fuzzy title."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import FuzzySearch

from claude_tui.core.text import ago, printable

if TYPE_CHECKING:
    from claude_tui.state import ChatState

RECENT = 10  # offered before anything is typed


def _display(title: str, offsets: tuple[int, ...] = ()) -> Content:
    """The title as plain text (never markup), matched letters emphasised."""
    shown = Content("Go to: ") + Content(printable(title).replace("\n", " "))
    for offset in offsets:
        start = len("Go to: ") + offset
        shown = shown.stylize("bold underline", start, start + 1)
    return shown


class ConversationCommands(Provider):
    @property
    def _app(self) -> ChatState:
        from claude_tui.state import ChatState

        app = self.app
        assert isinstance(app, ChatState)
        return app

    def _go(self, conversation_id: str) -> None:
        app = self._app
        app.open_conversation(conversation_id)

    async def discover(self) -> Hits:
        app = self._app
        now = app.clock()
        for summary in app.summaries[:RECENT]:
            yield DiscoveryHit(_display(summary.title), partial(self._go, summary.id),
                               text=f"Go to: {summary.title}",
                               help=ago(summary.updated_at, now))

    async def search(self, query: str) -> Hits:
        app = self._app
        now = app.clock()
        fuzzy = FuzzySearch(case_sensitive=False)
        for summary in list(app.summaries):
            score, offsets = fuzzy.match(query, summary.title)
            if score > 0:
                yield Hit(score, _display(summary.title, tuple(offsets)),
                          partial(self._go, summary.id), text=f"Go to: {summary.title}",
                          help=ago(summary.updated_at, now))
