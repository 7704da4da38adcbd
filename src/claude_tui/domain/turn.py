"""One assistant reply being built from stream events."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from claude_tui.domain.blocks import ContentBlock, TextBlock, ThinkingBlock
from claude_tui.domain.context import context_of_next
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.errors import INTERRUPTED, ErrorInfo
from claude_tui.domain.events import (
    BlockFinished,
    BlockStarted,
    BlockUpdated,
    Failed,
    Finished,
    MessageStarted,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    UsageUpdated,
)
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage

CHECKPOINT_SECONDS = 1.0  # a streaming reply is saved this often, so a crash loses little


class Turn:
    """Applies stream events to a new assistant message in ``conversation``.

    The message is appended to the conversation at once (status ``streaming``), so
    whatever arrives is part of the conversation, on screen and on disk, even if the
    turn later fails or is stopped.
    """

    def __init__(
        self,
        conversation: Conversation,
        *,
        resume: Message | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``resume``: go on with this reply (the conversation's last message) instead of
        starting one; what arrives is joined onto it, its usage added to what it had."""
        self.conversation = conversation
        self._clock = clock
        self._started = clock()
        self._thinking_since: float | None = None
        self._positions: dict[int, int] = {}
        self._joined: dict[int, str] = {}  # a resumed text block's text before this turn
        self._joined_citations: dict[int, list[dict[str, Any]]] = {}  # and its citations
        self.revision = 0  # counts the events applied: has anything changed since a save?
        self._resumed = resume is not None
        if resume is not None:
            self.message = resume
            self._base_usage = resume.usage or Usage()
            self._offset = resume.duration_seconds or 0.0
            resume.status, resume.stop_reason, resume.stop_sequence = (
                TurnStatus.STREAMING,
                None,
                None,
            )
            resume.max_tokens = conversation.max_tokens
            resume.edition += 1
            return
        self._base_usage = Usage()
        self._offset = 0.0
        self.message = Message(
            role="assistant",
            status=TurnStatus.STREAMING,
            model=conversation.model,
            max_tokens=conversation.max_tokens,
            context=context_of_next(conversation.system, conversation.messages),
        )
        conversation.append(self.message)

    def resumed(self) -> Turn:
        """A turn going on with this one's finished reply (after ``pause_turn``)."""
        turn = Turn(self.conversation, resume=self.message, clock=self._clock)
        turn.revision = self.revision
        return turn

    @property
    def done(self) -> bool:
        return self.message.status is not TurnStatus.STREAMING

    def _block(self, index: int, default: ContentBlock) -> ContentBlock:
        position = self._positions.get(index)
        if position is None:
            content = self.message.content
            if not self._positions and isinstance(default, TextBlock) and content:
                tail = content[-1]
                if isinstance(tail, TextBlock):  # a resumed reply: its text goes on
                    self._positions[index] = len(content) - 1
                    self._joined[index] = tail.text
                    self._joined_citations[index] = list(tail.citations or [])
                    return tail
            self._positions[index] = len(content)
            content.append(default)
            return default
        return self.message.content[position]

    def _replace(self, index: int, block: ContentBlock) -> None:
        kept = self._block(index, block)  # makes its place (or joins a resumed text)
        if kept is block:
            return
        if index in self._joined and isinstance(block, TextBlock):
            citations = self._cited(index, block.citations)
            block = TextBlock(self._joined[index] + block.text, citations=citations)
        self.message.content[self._positions[index]] = block

    def _cited(
        self, index: int, citations: list[dict[str, Any]] | None
    ) -> list[dict[str, Any]] | None:
        """A block's citations, after those of the resumed text it joins."""
        return [*self._joined_citations.get(index, []), *(citations or [])] or None

    def _seconds(self) -> float:
        return self._offset + self._clock() - self._started

    def _timed(self, event: StreamEvent) -> None:
        """Time to the first token, the thinking, and the whole reply."""
        message = self.message
        thinking = isinstance(event, ThinkingDelta) or (
            isinstance(event, BlockStarted) and isinstance(event.block, ThinkingBlock)
        )
        if isinstance(event, TextDelta | ThinkingDelta) and message.first_token_seconds is None:
            message.first_token_seconds = self._seconds()
        if thinking and self._thinking_since is None:
            self._thinking_since = self._clock()
        elif self._thinking_since is not None and isinstance(
            event, BlockFinished | Finished | Failed | TextDelta
        ):
            spent = self._clock() - self._thinking_since
            message.thinking_seconds = (message.thinking_seconds or 0.0) + spent
            self._thinking_since = None
        message.duration_seconds = self._seconds()

    def apply(self, event: StreamEvent) -> None:
        self.revision += 1
        message = self.message
        self._timed(event)
        if isinstance(event, MessageStarted):
            message.response_id = event.response_id
            message.model = event.model
            # message_start's output count (1) is a placeholder, not a count: until
            # message_delta reports the output, none is counted (a reply cut short or
            # stopped before it adds nothing to the totals).
            message.usage = self._base_usage + replace(event.usage, output_tokens=0)
            self._prompt(event.usage)
        elif isinstance(event, BlockStarted):
            self._replace(event.index, event.block)
        elif isinstance(event, TextDelta):
            block = self._block(event.index, TextBlock(""))
            if isinstance(block, TextBlock):
                block.text += event.text
        elif isinstance(event, ThinkingDelta):
            block = self._block(event.index, ThinkingBlock(""))
            if isinstance(block, ThinkingBlock):
                block.thinking += event.text
        elif isinstance(event, BlockFinished):
            self._replace(event.index, event.block)
        elif isinstance(event, BlockUpdated):
            block = self._block(event.index, event.block)
            if isinstance(block, TextBlock) and isinstance(event.block, TextBlock):
                block.citations = self._cited(event.index, event.block.citations)
            else:
                self._replace(event.index, event.block)
        elif isinstance(event, UsageUpdated):
            message.usage = self._base_usage + event.usage
            self._prompt(event.usage)
        elif isinstance(event, Finished):
            message.usage = self._base_usage + event.usage
            self._prompt(event.usage)
            message.stop_reason = event.stop_reason
            message.stop_sequence = event.stop_sequence
            message.status = TurnStatus.COMPLETE
            self.conversation.touch()
        elif isinstance(event, Failed):
            self.fail(event.error)

    def _prompt(self, usage: Usage) -> None:
        """A continued reply sums its requests' usage: keep its newest prompt apart."""
        if self._resumed:
            self.message.last_prompt_tokens = usage.prompt_tokens

    def fail(self, error: ErrorInfo) -> None:
        self.message.status = TurnStatus.FAILED
        self.message.error = error
        self.conversation.touch()

    def interrupt(self) -> None:
        """The app is closing mid-reply: keep what arrived, marked as cut short."""
        if not self.done:
            self.fail(INTERRUPTED)

    def stop(self) -> None:
        """The user stopped the reply: keep what arrived."""
        if not self.done:
            self.message.status = TurnStatus.STOPPED
            self.conversation.touch()
