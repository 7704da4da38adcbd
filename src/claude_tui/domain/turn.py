"""One assistant reply being built from stream events."""

from __future__ import annotations

from dataclasses import replace

from claude_tui.domain.blocks import ContentBlock, TextBlock, ThinkingBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.errors import INTERRUPTED, ErrorInfo
from claude_tui.domain.events import (
    BlockFinished,
    BlockStarted,
    Failed,
    Finished,
    MessageStarted,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    UsageUpdated,
)
from claude_tui.domain.message import Message, TurnStatus

CHECKPOINT_SECONDS = 1.0  # a streaming reply is saved this often, so a crash loses little


class Turn:
    """Applies stream events to a new assistant message in ``conversation``.

    The message is appended to the conversation at once (status ``streaming``), so
    whatever arrives is part of the conversation, on screen and on disk, even if the
    turn later fails or is stopped.
    """

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.message = Message(
            role="assistant", status=TurnStatus.STREAMING, model=conversation.model
        )
        self._positions: dict[int, int] = {}
        self.revision = 0  # counts the events applied: has anything changed since a save?
        conversation.append(self.message)

    @property
    def done(self) -> bool:
        return self.message.status is not TurnStatus.STREAMING

    def _block(self, index: int, default: ContentBlock) -> ContentBlock:
        position = self._positions.get(index)
        if position is None:
            self._positions[index] = len(self.message.content)
            self.message.content.append(default)
            return default
        return self.message.content[position]

    def _replace(self, index: int, block: ContentBlock) -> None:
        position = self._positions.get(index)
        if position is None:
            self._block(index, block)
        else:
            self.message.content[position] = block

    def apply(self, event: StreamEvent) -> None:
        self.revision += 1
        message = self.message
        if isinstance(event, MessageStarted):
            message.response_id = event.response_id
            message.model = event.model
            # message_start's output count (1) is a placeholder, not a count: until
            # message_delta reports the output, none is counted (a reply cut short or
            # stopped before it adds nothing to the totals).
            message.usage = replace(event.usage, output_tokens=0)
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
        elif isinstance(event, UsageUpdated):
            message.usage = event.usage
        elif isinstance(event, Finished):
            message.usage = event.usage
            message.stop_reason = event.stop_reason
            message.status = TurnStatus.COMPLETE
            self.conversation.touch()
        elif isinstance(event, Failed):
            self.fail(event.error)

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
