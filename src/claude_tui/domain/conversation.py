"""A conversation, its summary for lists, and its JSON form (a file is the whole truth)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from claude_tui.domain import values
from claude_tui.domain.message import Message, TurnStatus, stable_id
from claude_tui.domain.settings import ChatSettings
from claude_tui.domain.stops import stop_note_of
from claude_tui.domain.usage import Usage
from claude_tui.domain.values import NewerSchemaError, SchemaError, new_id, utc_now

SCHEMA_VERSION = 3
"""2: the conversation's settings beyond model, max_tokens and system (thinking, effort,
sampling, stop sequences, web search); a file of schema 1 reads with them not set.
3: ``branches``, the messages off the current branch (see domain/branches.py). A file
without branches is still written as schema 2, which the version before reads."""
UNBRANCHED_SCHEMA = 2
DEFAULT_TITLE = "New conversation"
READ_ONLY = "a newer claude-tui wrote it. Update claude-tui to continue it."
TITLE_LENGTH = 60


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
    thinking: str | None = None
    thinking_budget: int | None = None
    effort: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop_sequences: tuple[str, ...] = ()
    web_search: bool = False
    web_fetch: bool = False
    id: str = field(default_factory=new_id)
    title: str = DEFAULT_TITLE
    title_set_by_user: bool = False
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    messages: list[Message] = field(default_factory=list)  # the current branch, in order
    # Every other message, each with the id of the message it follows (Message.parent):
    # together with ``messages``, a tree (see domain/branches.py).
    branches: list[Message] = field(default_factory=list)
    # Read from a file of a newer claude-tui (a higher schema version): shown, never
    # written, since this version could drop what it does not know. Not saved itself.
    read_only: bool = field(default=False, compare=False)
    # Read from a file whose text is not what a save of it writes (a message had no id, or
    # the id of another; a lone surrogate became U+FFFD): the next save writes it whole.
    mended: bool = field(default=False, compare=False, repr=False)

    @classmethod
    def start(cls, settings: ChatSettings) -> Conversation:
        """A new, empty conversation with these settings."""
        return cls(**settings.to_fields())

    @property
    def settings(self) -> ChatSettings:
        return ChatSettings.of(self)

    def apply(self, settings: ChatSettings) -> bool:
        """Take these settings for the next turns; whether anything changed."""
        if settings == self.settings:
            return False
        for name, value in settings.to_fields().items():
            setattr(self, name, value)
        self.touch()
        return True

    def append(self, message: Message) -> None:
        if not self.messages and message.role == "user" and not self.title_set_by_user:
            names = ", ".join(attachment.name for attachment in message.attachments)
            self.title = title_from_text(message.text or names)
        self.messages.append(message)
        self.touch()

    def touch(self) -> None:
        self.updated_at = utc_now()

    @property
    def every_message(self) -> list[Message]:
        """The branch shown and every other branch: what was asked, and paid for."""
        return [*self.messages, *self.branches] if self.branches else self.messages

    @property
    def total_usage(self) -> Usage:
        """Of every reply, on every branch: what the conversation has cost so far."""
        total = Usage()
        for message in self.every_message:
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

    @property
    def can_continue(self) -> bool:
        """True when the last message is a reply that stopped where it can go on (its
        limit reached, paused by the API, or stopped by the user after some text):
        Continue joins more onto it."""
        if not self.messages or self.read_only:
            return False
        last = self.messages[-1]
        if last.role == "assistant" and last.status is TurnStatus.STOPPED:
            return bool(last.text.strip())
        note = stop_note_of(last)
        return note is not None and note.can_continue

    def header_dict(self) -> dict[str, Any]:
        """Everything but the messages, in the file's order (the messages come last)."""
        return {
            "schema_version": SCHEMA_VERSION if self.branches else UNBRANCHED_SCHEMA,
            "id": self.id,
            "title": self.title,
            "title_set_by_user": self.title_set_by_user,
            "created_at": values.format_timestamp(self.created_at),
            "updated_at": values.format_timestamp(self.updated_at),
            **self.settings.to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        data = self.header_dict()
        if self.branches:
            data["branches"] = [message.branch_dict() for message in self.branches]
        data["messages"] = [message.to_dict() for message in self.messages]
        return data

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
        branches = data.get("branches", [])
        if not isinstance(branches, list):
            raise SchemaError("branches must be a list")
        max_tokens = data.get("max_tokens")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool):
            raise SchemaError("max_tokens must be an integer")
        conversation_id = values.as_string(data.get("id"))
        ids = _Ids(conversation_id)
        conversation = cls(
            **ChatSettings.from_dict(data).to_fields(),
            id=conversation_id,
            title=values.as_string(data.get("title", DEFAULT_TITLE)),
            title_set_by_user=bool(data.get("title_set_by_user", False)),
            created_at=values.parse_timestamp(data.get("created_at")),
            updated_at=values.parse_timestamp(data.get("updated_at")),
            messages=[
                _on_branch(ids.read(message, "messages", index))
                for index, message in enumerate(messages)
            ],
            branches=_branches(branches, ids, newer=version > SCHEMA_VERSION),
            read_only=version > SCHEMA_VERSION,
        )
        conversation.mended = ids.mended
        return conversation


class _Ids:
    """Every message read gets an id of its own that every reader of the file agrees on
    (merging two copies goes by ids, see domain/merge.py): a message without one gets one
    made from the conversation's id, its place and its content; a message with the id of a
    message read before it (the current branch is read first) gets one made from its place
    and that id. The file holds them from its next save."""

    def __init__(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        self.seen: set[str] = set()
        self.mended = False

    def read(self, data: object, part: str, index: int) -> Message:
        if isinstance(data, dict) and not data.get("id"):
            content = json.dumps(data, sort_keys=True, default=str)
            data = {**data, "id": stable_id(self.conversation_id, part, str(index), content)}
            self.mended = True
        message = Message.from_dict(data)
        while message.id in self.seen:
            message.id = stable_id(self.conversation_id, part, str(index), message.id)
            self.mended = True
        self.seen.add(message.id)
        return message


def _branches(data: list[Any], ids: _Ids, *, newer: bool) -> list[Message]:
    """The messages off the current branch. A newer version's that this one cannot read
    are left out: its file is only shown (read-only), never written."""
    try:
        return [ids.read(message, "branches", index) for index, message in enumerate(data)]
    except SchemaError:
        if newer:
            return []
        raise


def _on_branch(message: Message) -> Message:
    message.parent = None  # on the current branch, the message before is its parent
    return message


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


def newest_first(summaries: Iterable[ConversationSummary]) -> tuple[ConversationSummary, ...]:
    """The order of every list of conversations: the one updated last first."""
    return tuple(sorted(summaries, key=lambda s: s.updated_at, reverse=True))
