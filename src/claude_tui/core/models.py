"""Conversations, messages and content blocks, and their JSON form.

Plain dataclasses: no Textual, no SDK. Everything here round-trips through
``to_dict`` / ``from_dict`` so a conversation file is the whole truth.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

SCHEMA_VERSION = 1
DEFAULT_TITLE = "New conversation"
READ_ONLY = "a newer claude-tui wrote it. Update claude-tui to continue it."
TITLE_LENGTH = 60
Role = Literal["user", "assistant"]


class SchemaError(ValueError):
    """A conversation file that does not match the schema."""


class NewerSchemaError(SchemaError):
    """A conversation file written by a newer claude-tui: left alone, not quarantined."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_timestamp(value: object) -> datetime:
    if not isinstance(value, str):
        raise SchemaError(f"expected a timestamp, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
        # In UTC, as the file will hold it: an offset can push a moment at either end of
        # the calendar (year 1, year 9999) out of range, which no save could then write.
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise SchemaError(f"bad timestamp {value!r}") from error


class TurnStatus(StrEnum):
    """How an assistant reply ended (or that it has not ended yet)."""

    COMPLETE = "complete"
    STOPPED = "stopped"
    FAILED = "failed"
    STREAMING = "streaming"


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    @property
    def prompt_tokens(self) -> int:
        """The whole prompt: uncached input plus cache writes and reads."""
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens

    @property
    def has_cache(self) -> bool:
        return bool(self.cache_creation_input_tokens or self.cache_read_input_tokens)

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
        )

    def to_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in USAGE_FIELDS}

    @classmethod
    def from_dict(cls, data: object) -> Usage:
        if not isinstance(data, dict):
            raise SchemaError("usage must be an object")
        values = {}
        for name in USAGE_FIELDS:
            value = data.get(name) or 0
            if not isinstance(value, int) or isinstance(value, bool):
                raise SchemaError(f"usage.{name} must be an integer")
            values[name] = value
        return cls(**values)


USAGE_FIELDS = tuple(field.name for field in fields(Usage))


@dataclass
class TextBlock:
    text: str
    type: Literal["text"] = "text"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text}


@dataclass
class ThinkingBlock:
    thinking: str
    signature: str = ""
    type: Literal["thinking"] = "thinking"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "thinking", "thinking": self.thinking, "signature": self.signature}


@dataclass
class ToolUseBlock:
    id: str
    name: str
    input: Any = field(default_factory=dict)
    type: Literal["tool_use"] = "tool_use"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "tool_use", "id": self.id, "name": self.name, "input": self.input}


@dataclass
class OtherBlock:
    """A block type this version does not know: kept verbatim, shown by its type."""

    data: dict[str, Any]

    @property
    def type(self) -> str:
        return str(self.data.get("type", "unknown"))

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)


ContentBlock = TextBlock | ThinkingBlock | ToolUseBlock | OtherBlock


def block_from_dict(data: object) -> ContentBlock:
    if not isinstance(data, dict):
        raise SchemaError("a content block must be an object")
    kind = data.get("type")
    try:
        if kind == "text":
            return TextBlock(text=_string(data["text"]))
        if kind == "thinking":
            return ThinkingBlock(
                thinking=_string(data["thinking"]), signature=_string(data.get("signature", ""))
            )
        if kind == "tool_use":
            return ToolUseBlock(
                id=_string(data["id"]), name=_string(data["name"]), input=data.get("input", {})
            )
    except KeyError as error:
        raise SchemaError(f"{kind} block lacks {error}") from error
    if not isinstance(kind, str):
        raise SchemaError("a content block needs a type")
    return OtherBlock(data=dict(data))


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise SchemaError(f"expected a string, got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class ErrorInfo:
    """Why a turn failed, in words for a person, plus what the API said."""

    kind: str
    title: str
    detail: str = ""
    hint: str = ""
    status_code: int | None = None
    request_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "detail": self.detail,
            "hint": self.hint,
            "status_code": self.status_code,
            "request_id": self.request_id,
        }

    @classmethod
    def from_dict(cls, data: object) -> ErrorInfo:
        if not isinstance(data, dict):
            raise SchemaError("error must be an object")
        status = data.get("status_code")
        request_id = data.get("request_id")
        return cls(
            kind=_string(data.get("kind", "unknown")),
            title=_string(data.get("title", "")),
            detail=_string(data.get("detail", "")),
            hint=_string(data.get("hint", "")),
            status_code=status if isinstance(status, int) else None,
            request_id=request_id if isinstance(request_id, str) else None,
        )


INTERRUPTED = ErrorInfo(
    kind="interrupted",
    title="claude-tui closed before this reply finished.",
    hint="The text that arrived is kept.",
)


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
    usage: Usage | None = None
    error: ErrorInfo | None = None

    @classmethod
    def user(cls, text: str) -> Message:
        return cls(role="user", content=[TextBlock(text)])

    @property
    def text(self) -> str:
        """Every text block, joined: what a reader thinks of as the message."""
        return "\n\n".join(block.text for block in self.content if isinstance(block, TextBlock))

    @property
    def stop_note(self) -> str | None:
        """What to say under a reply that did not simply end its turn."""
        if self.role != "assistant" or self.status is not TurnStatus.COMPLETE:
            return None
        if self.stop_reason in (None, "end_turn"):
            return None
        return f"stopped: {self.stop_reason}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "role": self.role,
            "created_at": _timestamp(self.created_at),
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
        return data

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
            id=_string(data.get("id") or new_id()),
            created_at=parse_timestamp(data.get("created_at")),
            status=status,
            response_id=_optional_string(data.get("response_id")),
            model=_optional_string(data.get("model")),
            stop_reason=_optional_string(data.get("stop_reason")),
            usage=Usage.from_dict(usage) if usage is not None else None,
            error=ErrorInfo.from_dict(error_info) if error_info is not None else None,
        )


def _optional_string(value: object) -> str | None:
    return None if value is None else _string(value)


def title_from_text(text: str) -> str:
    """A one-line title from the first line of a message."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            if len(line) > TITLE_LENGTH:
                return line[: TITLE_LENGTH - 1].rstrip() + "…"
            return line
    return DEFAULT_TITLE


@dataclass
class Conversation:
    model: str
    max_tokens: int
    system: str | None = None
    id: str = field(default_factory=new_id)
    title: str = DEFAULT_TITLE
    title_set_by_user: bool = False
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    messages: list[Message] = field(default_factory=list)
    # Read from a file of a newer claude-tui (a higher schema version): shown, never
    # written, since this version could drop what it does not know. Not saved itself.
    read_only: bool = field(default=False, compare=False)

    def append(self, message: Message) -> None:
        if not self.messages and message.role == "user" and not self.title_set_by_user:
            self.title = title_from_text(message.text)
        self.messages.append(message)
        self.touch()

    def touch(self) -> None:
        self.updated_at = utc_now()

    @property
    def total_usage(self) -> Usage:
        total = Usage()
        for message in self.messages:
            if message.usage is not None:
                total = total + message.usage
        return total

    @property
    def last_metered(self) -> Message | None:
        """The newest message the API reported usage for."""
        for message in reversed(self.messages):
            if message.usage is not None:
                return message
        return None

    @property
    def last_usage(self) -> Usage | None:
        last = self.last_metered
        return last.usage if last is not None else None

    @property
    def can_retry(self) -> bool:
        """True when the last exchange has no finished reply: a retry would resend it."""
        if not self.messages:
            return False
        last = self.messages[-1]
        return last.role == "user" or last.status in (TurnStatus.FAILED, TurnStatus.STOPPED)

    def header_dict(self) -> dict[str, Any]:
        """Everything but the messages, in the file's order (the messages come last)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "title_set_by_user": self.title_set_by_user,
            "created_at": _timestamp(self.created_at),
            "updated_at": _timestamp(self.updated_at),
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": self.system,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.header_dict(),
                "messages": [message.to_dict() for message in self.messages]}

    @classmethod
    def from_dict(cls, data: object, *, newer: bool = False) -> Conversation:
        """The conversation of a file's JSON. A file of a newer schema raises
        NewerSchemaError, unless ``newer``: then it is read as far as this version
        understands it, as a read-only conversation."""
        if not isinstance(data, dict):
            raise SchemaError("a conversation must be an object")
        version = data.get("schema_version")
        if not isinstance(version, int):
            raise SchemaError("schema_version is missing")
        if version > SCHEMA_VERSION and not newer:
            raise NewerSchemaError(f"written by a newer claude-tui (schema {version})")
        messages = data.get("messages")
        if not isinstance(messages, list):
            raise SchemaError("messages must be a list")
        max_tokens = data.get("max_tokens")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool):
            raise SchemaError("max_tokens must be an integer")
        return cls(
            model=_string(data.get("model")),
            max_tokens=max_tokens,
            system=_optional_string(data.get("system")),
            id=_string(data.get("id")),
            title=_string(data.get("title", DEFAULT_TITLE)),
            title_set_by_user=bool(data.get("title_set_by_user", False)),
            created_at=parse_timestamp(data.get("created_at")),
            updated_at=parse_timestamp(data.get("updated_at")),
            messages=[Message.from_dict(message) for message in messages],
            read_only=version > SCHEMA_VERSION,
        )


@dataclass(frozen=True)
class ConversationSummary:
    """What the sidebar needs of a conversation, without its messages."""

    id: str
    title: str
    updated_at: datetime
    message_count: int

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationSummary:
        return cls(
            id=conversation.id,
            title=conversation.title,
            updated_at=conversation.updated_at,
            message_count=len(conversation.messages),
        )
