"""What is sent for a conversation: the request's parameters and the history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus


def history_params(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """The conversation as the Messages API wants it.

    Failed replies and replies with no text are left out (they stay on screen and on
    disk). After a user message, its last usable reply is the one sent. Consecutive
    user messages (left by failed turns) are merged, so roles alternate.
    """
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "user":
            blocks = [{"type": "text", "text": message.text}]
            if turns and turns[-1]["role"] == "user":
                turns[-1]["content"].extend(blocks)
            else:
                turns.append({"role": "user", "content": blocks})
            continue
        if message.status in (TurnStatus.FAILED, TurnStatus.STREAMING) or not message.text.strip():
            continue
        reply = {"role": "assistant", "content": [{"type": "text", "text": message.text}]}
        if turns and turns[-1]["role"] == "assistant":
            turns[-1] = reply
        elif turns:
            turns.append(reply)
    while turns and turns[-1]["role"] == "assistant":
        turns.pop()  # a retry of the last reply resends the last user message
    return turns


def build_request(conversation: Conversation) -> dict[str, Any]:
    request: dict[str, Any] = {
        "model": conversation.model,
        "max_tokens": conversation.max_tokens,
        "messages": history_params(conversation.messages),
    }
    if conversation.system:
        request["system"] = conversation.system
    return request
