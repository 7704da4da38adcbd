"""Our stream events: what a streaming reply is turned into, whatever the SDK says.

A stream ends with exactly one :class:`Finished` or :class:`Failed`; :class:`Retrying` says a
request is sent again after a wait."""

from __future__ import annotations

import math
from dataclasses import dataclass

from claude_tui.domain.blocks import ContentBlock
from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.usage import Usage


@dataclass(frozen=True)
class MessageStarted:
    response_id: str
    model: str
    usage: Usage


@dataclass(frozen=True)
class BlockEvent:
    """A content block of the reply, whole: as it starts (``BlockStarted``) and as it ends
    (``BlockFinished``, with everything the deltas added)."""

    index: int
    block: ContentBlock


class BlockStarted(BlockEvent):
    pass


class BlockFinished(BlockEvent):
    pass


class BlockUpdated(BlockEvent):
    """A block grew in a way that is not text: a server tool's input as it streams (a
    search's query), a citation of a text block (the block's text is left as it is)."""


@dataclass(frozen=True)
class Delta:
    """More text for block ``index``: of the reply (``TextDelta``) or of its thinking
    (``ThinkingDelta``)."""

    index: int
    text: str


class TextDelta(Delta):
    pass


class ThinkingDelta(Delta):
    pass


@dataclass(frozen=True)
class UsageUpdated:
    usage: Usage


@dataclass(frozen=True)
class Finished:
    stop_reason: str
    usage: Usage
    stop_sequence: str | None = None


@dataclass(frozen=True)
class Failed:
    error: ErrorInfo


@dataclass(frozen=True)
class Retrying:
    """The request failed before any of the reply arrived; it is sent again in ``delay``
    seconds, as attempt ``attempt`` of ``attempts``."""

    error: ErrorInfo
    attempt: int
    attempts: int
    delay: float

    def countdown(self, left: float) -> str:
        """``retrying in 4 s (attempt 2 of 3)``, with ``left`` seconds to go."""
        return f"retrying in {wait_words(left)} (attempt {self.attempt} of {self.attempts})"

    def describe(self) -> str:
        """What happened and when the next attempt goes out, in sentences."""
        return f"{self.error.title} {self.countdown(self.delay).capitalize()}."


StreamEvent = (
    MessageStarted
    | BlockStarted
    | TextDelta
    | ThinkingDelta
    | BlockFinished
    | BlockUpdated
    | UsageUpdated
    | Finished
    | Failed
    | Retrying
)


def wait_words(seconds: float) -> str:
    """``12 s``, ``3 min``, ``2 h``: a wait as a person says it."""
    if seconds < 90:
        return f"{max(math.ceil(seconds), 1)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"
