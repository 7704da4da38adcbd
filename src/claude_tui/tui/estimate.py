"""The token estimate on the input box's bottom border, at the right: "≈ 12,400 tokens ·
≈ $0.03", the conversation with the draft as its next message, as the API counts it
(``count_tokens``), and the input price of that many tokens (cached tokens cost less).

A pause in typing (``ESTIMATE_DELAY``) starts the count, in a worker of its own group, so
a newer count cancels an older one and an older one never shows over a newer. Nothing is
counted for an empty draft or without a key, and a failure shows nothing (it is an
estimate). Drawn as the border's subtitle, it takes no room and never moves the input box.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.css.query import NoMatches
from textual.timer import Timer

from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.domain.pricing import format_cost
from claude_tui.domain.text import tokens
from claude_tui.domain.usage import Usage

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen

ESTIMATE_DELAY = 0.8  # seconds after the last key
COUNTED = ("model", "messages", "system", "thinking", "tools")
"""What of a request ``count_tokens`` takes."""


def estimate_text(count: int, dollars: float | None) -> str:
    """ "≈ 12,400 tokens · ≈ $0.03" (without the price for a model the table does not
    know)."""
    said = f"≈ {tokens(count)} tokens"
    return said if dollars is None else f"{said} · ≈ {format_cost(dollars)}"


def count_params(request: dict[str, Any]) -> dict[str, Any]:
    return {key: request[key] for key in COUNTED if key in request}


def with_draft(conversation: Conversation, draft: str, upto: int | None = None) -> Conversation:
    """A copy of the conversation (sharing its messages) with the draft sent last; with
    ``upto`` (an edit of that message), in its place."""
    return replace(conversation, messages=[*conversation.messages[:upto], Message.user(draft)])


class Estimate:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self._timer: Timer | None = None

    @property
    def shown(self) -> str:
        """The estimate on screen ("" when none is)."""
        with contextlib.suppress(NoMatches):
            return str(self.screen.prompt.border_subtitle or "")
        return ""

    def show(self, text: str) -> None:
        with contextlib.suppress(NoMatches):  # closing
            self.screen.prompt.border_subtitle = Content(f" {text} ") if text else None

    def changed(self) -> None:
        """The draft changed: count again after a pause in typing (an empty one hides
        the estimate at once)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        document = self.screen.prompt.document
        if document.line_count == 1 and not document.get_line(0).strip():
            self._hide()
            return
        self._timer = self.screen.set_timer(ESTIMATE_DELAY, self._count)

    def _hide(self) -> None:
        self.screen.workers.cancel_group(self.screen, "estimate")
        self.show("")

    def _count(self) -> None:
        self._timer = None
        screen = self.screen
        draft = screen.prompt.text
        if not draft.strip() or not screen.services.client.has_credentials:
            self._hide()
            return
        upto = screen.actions.edit_point()  # an edit: what follows it is not sent
        screen.run_worker(
            self._counted(screen.conversation, draft, upto),
            group="estimate",
            exclusive=True,
            exit_on_error=False,
        )

    async def _counted(self, conversation: Conversation, draft: str, upto: int | None) -> None:
        screen = self.screen
        client = screen.services.client
        try:
            request = await asyncio.to_thread(
                client.request_for, with_draft(conversation, draft, upto)
            )
            count = await client.count_tokens(count_params(request))
        except Exception:  # an estimate: a failure shows nothing
            count = None
        if screen.conversation is not conversation or screen.prompt.text != draft:
            return  # outdated (a newer count is on its way, or none is wanted)
        if count is None:
            self.show("")
            return
        usage, now = Usage(input_tokens=count), screen.services.clock()
        self.show(
            estimate_text(count, screen.meter.prices.price_of(conversation.model, usage, now))
        )
