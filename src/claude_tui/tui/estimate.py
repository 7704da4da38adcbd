"""The token estimate on the input box's bottom border, at the right: "≈ 12,400 tokens ·
≈ $0.03", the conversation with the draft as its next message, as the API counts it
(``count_tokens``), and the input price of that many tokens (cached tokens cost less).

A pause in typing (``ESTIMATE_DELAY``) starts the count, in a worker of its own group, so
a newer count cancels an older one and an older one never shows over a newer. Nothing is
counted for an empty draft (no text, no file) or without a key, and a failure shows nothing
(it is an estimate). Drawn as the border's subtitle, it takes no room and never moves the
input box.

Files (the draft's chips and those earlier in the conversation) count by their own
estimates (``Attachment.tokens``): the API counts the request with a line of text in each
file's place. Sending every file's bytes again at each pause in typing would upload
megabytes for an estimate.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.css.query import NoMatches
from textual.timer import Timer

from claude_tui.api.request import placed_attachments, with_attachments
from claude_tui.domain.attachments import Attachment
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


def with_draft(
    conversation: Conversation,
    draft: str,
    upto: int | None = None,
    attachments: Sequence[Attachment] = (),
) -> Conversation:
    """A copy of the conversation (sharing its messages) with the draft (and its files)
    sent last; with ``upto`` (an edit of that message), in its place."""
    draft_message = Message.user(draft, attachments)
    return replace(conversation, messages=[*conversation.messages[:upto], draft_message])


def files_set_apart(request: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The request with a line of text in place of each file, and the files' estimate."""
    files = placed_attachments(request)
    if not files:
        return request, 0
    return with_attachments(request, lambda _: None), sum(a.tokens for a in files)


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
        empty = document.line_count == 1 and not document.get_line(0).strip()
        if empty and not self.screen.attaching.pending:
            self._hide()
            return
        self._timer = self.screen.set_timer(ESTIMATE_DELAY, self._count)

    def _hide(self) -> None:
        self.screen.workers.cancel_group(self.screen, "estimate")
        self.show("")

    def _count(self) -> None:
        self._timer = None
        screen = self.screen
        draft, files = screen.prompt.text, list(screen.attaching.pending)
        if not (draft.strip() or files) or not screen.services.client.has_credentials:
            self._hide()
            return
        upto = screen.actions.edit_point()  # an edit: what follows it is not sent
        screen.run_worker(
            self._counted(
                screen.conversation, draft, with_draft(screen.conversation, draft, upto, files)
            ),
            group="estimate",
            exclusive=True,
            exit_on_error=False,
        )

    async def _counted(self, conversation: Conversation, draft: str, drafted: Conversation) -> None:
        """Count ``drafted`` (``conversation`` with ``draft`` and the chips sent next)."""
        screen = self.screen
        client = screen.services.client
        try:
            request, files = await asyncio.to_thread(
                lambda: files_set_apart(client.request_for(drafted))
            )
            count = await client.count_tokens(count_params(request)) + files
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
