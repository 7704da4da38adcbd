"""What the status bar says: the model, the tokens of the last reply and in total, whether
a reply streams (here or elsewhere), and a notice (no key, read-only, a retry's countdown)."""

from __future__ import annotations

import time

from claude_tui.domain.conversation import Conversation
from claude_tui.domain.events import Retrying
from claude_tui.domain.message import TurnStatus
from claude_tui.tui.widgets.status_bar import StatusInfo


def status_of(
    conversation: Conversation,
    replying_in: str | None,
    retry: tuple[Retrying, float] | None,
    has_credentials: bool,
) -> StatusInfo:
    """The status of ``conversation`` while a reply streams into ``replying_in`` (an id)
    and ``retry`` waits (the event, and when the wait ends on the monotonic clock)."""
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
    )


def _notice(
    conversation: Conversation,
    streaming_here: bool,
    retry: tuple[Retrying, float] | None,
    has_credentials: bool,
) -> str:
    if not has_credentials:
        return "no API key: set ANTHROPIC_API_KEY"
    if conversation.read_only:
        return "read-only: written by a newer claude-tui"
    if not streaming_here or retry is None:
        return ""
    event, until = retry
    return (
        f"{event.error.title.rstrip('.')} · "
        f"{event.countdown(until - time.monotonic())} · Escape stops"
    )
