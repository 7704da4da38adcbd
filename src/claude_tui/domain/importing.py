"""Conversations brought in from another app's data export (``claude-tui import FILE``).

Two exports are read, both a ``conversations.json`` holding a JSON list of conversations:
Claude.ai's (see :mod:`claude_tui.domain.claude_export`) and ChatGPT's (see
:mod:`claude_tui.domain.chatgpt_export`). The whole file is converted before anything is
written: the first conversation that cannot be read stops the import, named by its place
and its title (:class:`ImportProblem`), and nothing is written.

Ids are made from the source's ids (:func:`imported_id`), so importing the same export
again finds the conversations it brought in before, and a message keeps its id across
imports: what to do with them is the store's part (``store/importing.py``).

No I/O here: the files a message held (Claude.ai's extracted text) are made attachments by
the ``attach`` function the caller gives, which also keeps their bytes for the writing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from claude_tui.domain.attachments import Attachment, AttachmentBlock
from claude_tui.domain.blocks import ContentBlock, TextBlock
from claude_tui.domain.conversation import DEFAULT_TITLE, Conversation, title_from_text
from claude_tui.domain.message import Message, Role, stable_id
from claude_tui.domain.settings import ChatSettings
from claude_tui.domain.text import well_formed
from claude_tui.domain.values import SchemaError, parse_timestamp

Attach = Callable[[str, bytes], Attachment]
"""Make an attachment of a file's name and bytes (and keep the bytes for writing);
raises ValueError when the file cannot be one."""

IMAGE_NOTE = "(An image was here; the export does not hold it.)"
FILE_NOTE = "(A file was here: {name}; the export does not hold its content.)"


class ImportProblem(Exception):
    """The export cannot be imported; the message says where and why, for a person."""


class Unreadable(ValueError):
    """One conversation of the export is not as the export's format has it."""


@dataclass
class Imported:
    """What an export brings: its conversations, in the file's order."""

    source: str  # "Claude.ai" or "ChatGPT"
    conversations: list[Conversation] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What converting one conversation needs beyond its JSON."""

    defaults: ChatSettings
    attach: Attach


def imported_id(source: str, source_id: str) -> str:
    """The id of the conversation ``source_id`` of ``source`` here: the same for every
    import of it, 32 hex digits like any conversation id."""
    return stable_id("import", source, source_id)


def message_id(conversation_id: str, source_id: str) -> str:
    return stable_id(conversation_id, "imported", source_id)


def convert(
    data: object,
    defaults: ChatSettings,
    attach: Attach,
    step: Callable[[int, int], None] | None = None,
) -> Imported:
    """Every conversation of an export's JSON, converted; ImportProblem at the first one
    that cannot be (or when the JSON is no export this reads). ``step(done, total)`` is
    called after each."""
    from claude_tui.domain import chatgpt_export, claude_export

    if not isinstance(data, list):
        raise ImportProblem(
            "this is not a Claude.ai or ChatGPT export: an export's conversations.json is a "
            "list of conversations, and this file is not"
        )
    first = next((item for item in data if isinstance(item, dict)), {})
    if "mapping" in first:
        source, reader = chatgpt_export.SOURCE, chatgpt_export.conversation
    elif "chat_messages" in first:
        source, reader = claude_export.SOURCE, claude_export.conversation
    elif not data:
        return Imported("an empty export")
    else:
        raise ImportProblem(
            "this is not a Claude.ai or ChatGPT export: its conversations have neither "
            '"chat_messages" (Claude.ai) nor "mapping" (ChatGPT)'
        )
    imported = Imported(source)
    context = Context(defaults, attach)
    for number, item in enumerate(data, start=1):
        try:
            imported.conversations.append(reader(item, context))
        except (Unreadable, SchemaError, ValueError) as error:
            raise ImportProblem(f"conversation {number}{_titled(item)}: {error}") from error
        if step is not None:
            step(number, len(data))
    return imported


def _titled(item: object) -> str:
    if isinstance(item, dict):
        for key in ("name", "title"):
            title = item.get(key)
            if isinstance(title, str) and title.strip():
                return f" (“{' '.join(title.split())[:60]}”)"
    return ""


def field_of(data: dict[str, Any], *names: str) -> Any:
    """The first of ``names`` that ``data`` holds (not None); Unreadable if none."""
    for name in names:
        value = data.get(name)
        if value is not None:
            return value
    raise Unreadable(f'"{names[0]}" is missing')


def text_field(data: dict[str, Any], *names: str) -> str:
    value = field_of(data, *names)
    if not isinstance(value, str) or not value:
        raise Unreadable(f'"{names[0]}" must be a non-empty string')
    return value


def when(value: object, name: str) -> datetime | None:
    """A timestamp as either export writes it (ISO text, or seconds since 1970); None
    when it is missing."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (ValueError, OverflowError, OSError) as error:
            raise Unreadable(f'"{name}" is no time: {value!r}') from error
    try:
        return parse_timestamp(value)
    except SchemaError as error:
        raise Unreadable(f'"{name}" is no time: {value!r}') from error


def new_message(
    conversation_id: str,
    source_id: str,
    role: Role,
    content: list[ContentBlock],
    created_at: datetime,
) -> Message:
    return Message(
        role=role,
        content=content,
        id=message_id(conversation_id, source_id),
        created_at=created_at,
    )


def text_blocks(text: str) -> list[ContentBlock]:
    text = well_formed(text)
    return [TextBlock(text)] if text.strip() else []


def file_block(name: str, content: str, context: Context) -> ContentBlock | None:
    """A file's extracted text as an attachment; None when there is no text to keep."""
    if not content.strip():
        return None
    try:
        attachment = context.attach(well_formed(name) or "file.txt", well_formed(content).encode())
    except ValueError:
        return None
    return AttachmentBlock(attachment)


def assemble(
    conversation_id: str,
    title: str | None,
    created_at: datetime | None,
    updated_at: datetime | None,
    messages: list[Message],
    context: Context,
    branches: list[Message] | None = None,
) -> Conversation:
    """The conversation made of what was read; its title from the first message when the
    export gave none."""
    conversation = Conversation.start(context.defaults)
    conversation.id = conversation_id
    named = well_formed(" ".join((title or "").split()))
    first = next((m.text for m in messages if m.role == "user" and m.text.strip()), "")
    conversation.title = named or (title_from_text(first) if first else DEFAULT_TITLE)
    conversation.title_set_by_user = bool(named)
    conversation.messages = messages
    conversation.branches = branches or []
    times = [m.created_at for m in [*messages, *conversation.branches]]
    conversation.created_at = created_at or min(times, default=conversation.created_at)
    conversation.updated_at = updated_at or max(times, default=conversation.created_at)
    return conversation
