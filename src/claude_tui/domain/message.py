"""A message of a conversation, how a reply ended, and their JSON form."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from claude_tui.domain.attachments import Attachment, AttachmentBlock
from claude_tui.domain.blocks import ContentBlock, TextBlock, block_from_dict
from claude_tui.domain.errors import INTERRUPTED, ErrorInfo
from claude_tui.domain.stops import stop_note_of
from claude_tui.domain.usage import Usage
from claude_tui.domain.values import (
    SchemaError,
    as_optional_string,
    as_string,
    format_timestamp,
    new_id,
    parse_timestamp,
    utc_now,
)

Role = Literal["user", "assistant"]


def stable_id(*parts: str) -> str:
    """An id made from ``parts``: the same for every reader that knows them, and (as a
    new id is) 32 hex digits."""
    joined = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(joined).hexdigest()[:32]


class TurnStatus(StrEnum):
    """How an assistant reply ended (or that it has not ended yet)."""

    COMPLETE = "complete"
    STOPPED = "stopped"
    FAILED = "failed"
    STREAMING = "streaming"


@dataclass
class Message:
    role: Role
    content: list[ContentBlock] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utc_now)
    status: TurnStatus = TurnStatus.COMPLETE
    response_id: str | None = None
    model: str | None = None
    stop_reason: str | None = None
    stop_sequence: str | None = None
    usage: Usage | None = None
    error: ErrorInfo | None = None
    # What the reply was asked for and how it went (assistant messages; None in older files)
    max_tokens: int | None = None
    context: str | None = None  # the digest of what came before it (see domain/context.py)
    first_token_seconds: float | None = None
    thinking_seconds: float | None = None
    duration_seconds: float | None = None
    request: dict[str, Any] | None = None  # what was asked, without the messages
    # The whole prompt of the newest request of a continued reply (whose usage sums every
    # request's): how much of the context window it used. None: usage.prompt_tokens says.
    last_prompt_tokens: int | None = None
    # Off the current branch only (in ``Conversation.branches``): the id of the message it
    # follows, None at the start. On the branch, the message before it is its parent.
    parent: str | None = None
    # Counts the changes to a message whose line in the file changed (Continue, a move to
    # or from a branch): not saved, it tells a saved copy from an outdated one.
    edition: int = field(default=0, compare=False, repr=False)

    @classmethod
    def user(cls, text: str, attachments: Iterable[Attachment] = ()) -> Message:
        """A message of the user's: its files first (as the API prefers), then its text."""
        files: list[ContentBlock] = [AttachmentBlock(attachment) for attachment in attachments]
        return cls(role="user", content=[*files, TextBlock(text)])

    @property
    def attachments(self) -> list[Attachment]:
        """The files it holds, in order."""
        return [block.attachment for block in self.content if isinstance(block, AttachmentBlock)]

    @property
    def text(self) -> str:
        """Every text block, joined: what a reader thinks of as the message. Blocks are
        apart by a blank line, except text blocks side by side where one cites a source:
        the API splits a sentence into blocks where a citation begins and ends."""
        parts: list[str] = []
        previous: ContentBlock | None = None
        for block in self.content:
            if isinstance(block, TextBlock):
                if parts:
                    glued = isinstance(previous, TextBlock) and (
                        bool(block.citations) or bool(previous.citations)
                    )
                    parts.append("" if glued else "\n\n")
                parts.append(block.text)
            previous = block
        return "".join(parts)

    @property
    def context_tokens(self) -> int | None:
        """The whole prompt of the reply's newest request (None: no usage reported)."""
        if self.last_prompt_tokens is not None:
            return self.last_prompt_tokens
        return self.usage.prompt_tokens if self.usage is not None else None

    @property
    def stop_note(self) -> str | None:
        """What to say under a reply that did not simply end its turn, in words (the
        app adds the way forward: see :func:`stop_note_of`)."""
        note = stop_note_of(self)
        return note.text if note is not None else None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "role": self.role,
            "created_at": format_timestamp(self.created_at),
            "content": [block.to_dict() for block in self.content],
        }
        if self.role == "assistant":
            data.update(
                status=self.status.value,
                response_id=self.response_id,
                model=self.model,
                stop_reason=self.stop_reason,
                usage=self.usage.to_dict() if self.usage else None,
                error=self.error.to_dict() if self.error else None,
            )
            data.update(
                (name, getattr(self, name)) for name in _REPLY_EXTRAS if getattr(self, name)
            )
        return data

    def branch_dict(self) -> dict[str, Any]:
        """The message as a branch holds it: with the id of the message it follows."""
        return {**self.to_dict(), "parent": self.parent}

    @classmethod
    def from_dict(cls, data: object) -> Message:
        if not isinstance(data, dict):
            raise SchemaError("a message must be an object")
        role = data.get("role")
        if role not in ("user", "assistant"):
            raise SchemaError(f"unknown role {role!r}")
        content = data.get("content")
        if not isinstance(content, list):
            raise SchemaError("message content must be a list")
        try:
            status = TurnStatus(data.get("status", "complete"))
        except ValueError as error:
            raise SchemaError(f"unknown status {data.get('status')!r}") from error
        usage = data.get("usage")
        error_info = data.get("error")
        if status is TurnStatus.STREAMING:  # the app closed mid-reply: keep what was saved
            status, error_info = TurnStatus.FAILED, INTERRUPTED.to_dict()
        return cls(
            role=role,
            content=[block_from_dict(block) for block in content],
            id=as_string(data.get("id") or new_id()),
            created_at=parse_timestamp(data.get("created_at")),
            status=status,
            response_id=as_optional_string(data.get("response_id")),
            model=as_optional_string(data.get("model")),
            stop_reason=as_optional_string(data.get("stop_reason")),
            stop_sequence=as_optional_string(data.get("stop_sequence")),
            max_tokens=_count(data.get("max_tokens")),
            context=as_optional_string(data.get("context")),
            first_token_seconds=_seconds(data.get("first_token_seconds")),
            thinking_seconds=_seconds(data.get("thinking_seconds")),
            duration_seconds=_seconds(data.get("duration_seconds")),
            last_prompt_tokens=_count(data.get("last_prompt_tokens")),
            request=request if isinstance(request := data.get("request"), dict) else None,
            parent=as_optional_string(data.get("parent")),
            usage=Usage.from_dict(usage) if usage is not None else None,
            error=ErrorInfo.from_dict(error_info) if error_info is not None else None,
        )


_REPLY_EXTRAS = (
    "request",
    "stop_sequence",
    "max_tokens",
    "context",
    "first_token_seconds",
    "thinking_seconds",
    "duration_seconds",
    "last_prompt_tokens",
)
"""Saved only when set, so a file stays as short as what it knows."""


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _seconds(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1e9:
        return float(value)
    return None
