"""Claude.ai's data export: ``conversations.json``, a list of conversations.

Each is ``{"uuid", "name", "created_at", "updated_at", "chat_messages": [...]}``; a message
is ``{"uuid", "text", "sender": "human" | "assistant", "created_at", "content": [{"type":
"text", "text"}, ...], "attachments": [{"file_name", "extracted_content"}], "files":
[{"file_name"}]}``. The text is taken from ``content``'s text blocks (``text`` when there
are none); an attachment's extracted text becomes an attached text file, as if it had been
attached here; a file the export holds only by name (an image) becomes a note saying so.
A message with nothing in it is left out.
"""

from __future__ import annotations

from typing import Any

from claude_tui.domain.blocks import ContentBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.importing import (
    FILE_NOTE,
    IMAGE_NOTE,
    Context,
    Unreadable,
    assemble,
    file_block,
    imported_id,
    new_message,
    text_blocks,
    text_field,
    when,
)
from claude_tui.domain.message import Message, Role

SOURCE = "Claude.ai"
_ROLES: dict[str, Role] = {"human": "user", "assistant": "assistant"}


def conversation(data: object, context: Context) -> Conversation:
    if not isinstance(data, dict):
        raise Unreadable("it is not an object")
    conversation_id = imported_id(SOURCE, text_field(data, "uuid"))
    chat = data.get("chat_messages")
    if not isinstance(chat, list):
        raise Unreadable('"chat_messages" must be a list')
    created = when(data.get("created_at"), "created_at")
    updated = when(data.get("updated_at"), "updated_at")
    messages = []
    for number, item in enumerate(chat, start=1):
        try:
            message = _message(item, conversation_id, context)
        except Unreadable as error:
            raise Unreadable(f"message {number}: {error}") from error
        if message is not None:
            messages.append(message)
    name = data.get("name")
    return assemble(
        conversation_id,
        name if isinstance(name, str) else None,
        created,
        updated,
        messages,
        context,
    )


def _message(data: object, conversation_id: str, context: Context) -> Message | None:
    if not isinstance(data, dict):
        raise Unreadable("it is not an object")
    source_id = text_field(data, "uuid")
    sender = data.get("sender")
    role = _ROLES.get(sender) if isinstance(sender, str) else None
    if role is None:
        raise Unreadable(f'"sender" must be "human" or "assistant", not {sender!r}')
    created = when(data.get("created_at"), "created_at")
    if created is None:
        raise Unreadable('"created_at" is missing')
    content = [*_files(data, context), *_text(data)]
    if not content:
        return None
    return new_message(conversation_id, source_id, role, content, created)


def _text(data: dict[str, Any]) -> list[ContentBlock]:
    blocks = data.get("content")
    if isinstance(blocks, list):
        texts = [
            block["text"]
            for block in blocks
            if isinstance(block, dict)
            and block.get("type") == "text"
            and isinstance(block.get("text"), str)
        ]
        if any(text.strip() for text in texts):
            return text_blocks("\n\n".join(text for text in texts if text.strip()))
    text = data.get("text")
    return text_blocks(text) if isinstance(text, str) else []


_IMAGE_ENDINGS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".bmp")


def _an_image(item: dict[str, Any], name: str) -> bool:
    """Whether a file of the export is an image: as its ``file_kind`` says, else as its
    name's ending does (one without a name: an image, as the export's files mostly are)."""
    kind = item.get("file_kind")
    if kind is not None:
        return bool(kind == "image")
    return name == "file" or name.lower().endswith(_IMAGE_ENDINGS)


def _files(data: dict[str, Any], context: Context) -> list[ContentBlock]:
    """The message's attachments with their text as files; the rest as notes."""
    kept: list[ContentBlock] = []
    notes: list[str] = []
    for key in ("attachments", "files"):
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise Unreadable(f'"{key}" must be a list')
        for item in items:
            if not isinstance(item, dict):
                raise Unreadable(f'an item of "{key}" is not an object')
            name = item.get("file_name")
            name = name if isinstance(name, str) and name else "file"
            content = item.get("extracted_content")
            block = file_block(name, content, context) if isinstance(content, str) else None
            if block is not None:
                kept.append(block)
            elif key == "files" and _an_image(item, name):
                notes.append(IMAGE_NOTE)
            else:
                notes.append(FILE_NOTE.format(name=name))
    return [*kept, *text_blocks("\n".join(notes))]
