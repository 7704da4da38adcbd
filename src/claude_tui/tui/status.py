"""What the status bar says: the model, the tokens and cost of the last reply and in total,
how much of the model's context window the last request filled, whether a reply streams
(here or elsewhere), and a notice (no key, read-only, a retry's countdown)."""

from __future__ import annotations

import time

from claude_tui.domain.catalog import ModelInfo
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.events import Retrying
from claude_tui.domain.message import TurnStatus
from claude_tui.domain.pricing import PriceTable, conversation_cost, message_cost
from claude_tui.tui.widgets.status_bar import StatusInfo


def status_of(
    conversation: Conversation,
    replying_in: str | None,
    retry: tuple[Retrying, float] | None,
    has_credentials: bool,
    *,
    model: ModelInfo | None = None,
    prices: PriceTable | None = None,
) -> StatusInfo:
    """The status of ``conversation`` while a reply streams into ``replying_in`` (an id)
    and ``retry`` waits (the event, and when the wait ends on the monotonic clock).

    ``model`` is the catalog's entry for the conversation's model (its context window;
    None: the gauge is not shown), ``prices`` the price table (None: the shipped one).
    """
    here = replying_in == conversation.id
    last = conversation.last_metered
    return StatusInfo(
        model=conversation.model,
        last=last.usage if last is not None else None,
        last_partial=last is not None and last.status is not TurnStatus.COMPLETE,
        total=conversation.total_usage,
        streaming=here and retry is None,
        streaming_elsewhere=replying_in is not None and not here,
        notice=_notice(conversation, here, retry, has_credentials),
        last_cost=message_cost(last, prices) if last is not None else None,
        total_cost=conversation_cost(conversation, prices) if last is not None else None,
        context_used=last.context_tokens if last is not None else None,
        context_window=model.max_input_tokens if model is not None else None,
    )


def _notice(
    conversation: Conversation,
    streaming_here: bool,
    retry: tuple[Retrying, float] | None,
    has_credentials: bool,
) -> str:
    if not has_credentials:
        return "no API key: /key sets one"
    if conversation.read_only:
        return "read-only: written by a newer claude-tui"
    if not streaming_here or retry is None:
        return ""
    event, until = retry
    return (
        f"{event.error.title.rstrip('.')} · "
        f"{event.countdown(until - time.monotonic())} · Escape stops"
    )
