"""Which thinking a request may send back.

A thinking block is bound to what came before it (the system prompt and every earlier
message): sent back after that changed, the API answers 400. So each reply records a digest
of its context when it starts (``Message.context``), and its thinking is sent back only
while the conversation still leads up to it the same way, to the same model. A different
model could not read it anyway.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from claude_tui.domain.message import Message


def context_digests(system: str | None, messages: Sequence[Message]) -> Iterator[str]:
    """For each message, the digest of the system prompt and the messages before it; then
    one more, for a message appended after them."""
    digest = hashlib.sha256(b"system\0" + (system or "").encode("utf-8", "surrogatepass"))
    yield digest.hexdigest()[:32]
    for message in messages:
        for part in (message.id, message.role, message.text):
            digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
        yield digest.hexdigest()[:32]


def context_of_next(system: str | None, messages: Sequence[Message]) -> str:
    """The context digest of a message appended after ``messages``."""
    *_, last = context_digests(system, messages)
    return last


def same_model(a: str | None, b: str | None) -> bool:
    """``claude-x-1`` and its dated ``claude-x-1-20260101`` are the same model."""
    if not a or not b:
        return False
    return a == b or a.startswith(b + "-") or b.startswith(a + "-")


def thinking_readable(
    system: str | None, model: str, messages: Sequence[Message]
) -> frozenset[str]:
    """The ids of the replies whose thinking may be sent back to ``model`` now."""
    return frozenset(
        message.id
        for message, digest in zip(messages, context_digests(system, messages), strict=False)
        if message.role == "assistant"
        and message.context == digest
        and same_model(message.model, model)
    )
