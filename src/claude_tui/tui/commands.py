"""The command palette's "go to conversation": every conversation, by fuzzy title."""

from __future__ import annotations

import asyncio
import heapq
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import FuzzySearch

from claude_tui.domain.conversation import ConversationSummary
from claude_tui.domain.text import ago, printable

if TYPE_CHECKING:
    from claude_tui.tui.app import ClaudeTUI

RECENT = 10  # offered before anything is typed
SHOWN = 30  # matches offered at most


def _display(title: str, offsets: tuple[int, ...] = ()) -> Content:
    """The title as plain text (never markup), matched letters emphasised."""
    shown = Content("Go to: ") + Content(printable(title).replace("\n", " "))
    for offset in offsets:
        start = len("Go to: ") + offset
        shown = shown.stylize("bold underline", start, start + 1)
    return shown


def _may_match(query: str, title: str) -> bool:
    """Every letter of the query appears in the title, in order: the fuzzy matcher's
    first condition, checked far more cheaply than the matcher itself does."""
    position = 0
    for char in query:
        if char.isspace():
            continue
        position = title.find(char, position) + 1
        if not position:
            return False
    return True


class ConversationCommands(Provider):
    @property
    def _app(self) -> ClaudeTUI:
        from claude_tui.tui.app import ClaudeTUI

        app = self.app
        assert isinstance(app, ClaudeTUI)
        return app

    def _go(self, conversation_id: str) -> None:
        app = self._app
        app.open_conversation(conversation_id)

    async def discover(self) -> Hits:
        app = self._app
        now = app.services.clock()
        for summary in app.chat.summaries[:RECENT]:
            yield DiscoveryHit(
                _display(summary.title),
                partial(self._go, summary.id),
                text=f"Go to: {summary.title}",
                help=ago(summary.updated_at, now),
            )

    async def search(self, query: str) -> Hits:
        """The best matches (at most ``SHOWN``): yielding thousands would cost the palette
        more than it could show."""
        app = self._app
        now = app.services.clock()
        fuzzy = FuzzySearch(case_sensitive=False)
        lowered = query.lower()
        found: list[tuple[float, int, ConversationSummary, tuple[int, ...]]] = []
        for number, summary in enumerate(list(app.chat.summaries)):
            if number % 500 == 499:
                await asyncio.sleep(0)  # keep the keys flowing while thousands are scored
            if not _may_match(lowered, summary.title.lower()):
                continue
            score, offsets = fuzzy.match(query, summary.title)
            if score > 0:
                found.append((score, number, summary, tuple(offsets)))
        for score, _, summary, offsets in heapq.nlargest(
            SHOWN, found, key=lambda item: (item[0], -item[1])
        ):
            yield Hit(
                score,
                _display(summary.title, offsets),
                partial(self._go, summary.id),
                text=f"Go to: {summary.title}",
                help=ago(summary.updated_at, now),
            )
