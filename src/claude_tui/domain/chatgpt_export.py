"""ChatGPT's data export: ``conversations.json``, a list of conversations.

Each is ``{"title", "create_time", "update_time", "id" (or "conversation_id"),
"current_node", "mapping": {node id: {"id", "parent", "children", "message"}}}``: a tree of
messages, ``current_node`` the last message of the branch shown. A message is ``{"id",
"author": {"role"}, "create_time", "content": {"content_type", "parts"}, "metadata"}``.

The branch shown becomes the conversation's messages; every other branch is imported as a
branch here (``Conversation.branches``, see domain/branches.py), so an edited question or a
regenerated answer keeps its alternatives. Left out: system and tool messages, messages
hidden in ChatGPT, messages to a tool (``recipient`` other than ``all``) and the empty
ones; a message's parent here is then the nearest one kept above it. An image in a
message becomes a note saying one was there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from claude_tui.domain.conversation import Conversation
from claude_tui.domain.importing import (
    FILE_NOTE,
    IMAGE_NOTE,
    Context,
    Unreadable,
    assemble,
    field_of,
    imported_id,
    new_message,
    text_blocks,
    when,
)
from claude_tui.domain.message import Message, Role
from claude_tui.domain.values import utc_now

SOURCE = "ChatGPT"
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant"}


def conversation(data: object, context: Context) -> Conversation:
    if not isinstance(data, dict):
        raise Unreadable("it is not an object")
    source_id = field_of(data, "conversation_id", "id")
    if not isinstance(source_id, str) or not source_id:
        raise Unreadable('"id" must be a non-empty string')
    conversation_id = imported_id(SOURCE, source_id)
    mapping = data.get("mapping")
    if not isinstance(mapping, dict):
        raise Unreadable('"mapping" must be an object')
    for node_id, node in mapping.items():
        if not isinstance(node, dict):
            raise Unreadable(f"node {node_id} is not an object")
    created = when(data.get("create_time"), "create_time")
    tree = _Tree(mapping, conversation_id, created or utc_now())
    path = tree.path_to(_current(data, mapping))
    on_path = set(path)
    messages = [tree.kept(node_id) for node_id in path]
    shown = [message for message in messages if message is not None]
    branches = []
    for node_id in mapping:
        message = tree.kept(node_id)
        if message is not None and node_id not in on_path:
            message.parent = tree.kept_parent(node_id)
            branches.append(message)
    title = data.get("title")
    return assemble(
        conversation_id,
        title if isinstance(title, str) else None,
        created,
        when(data.get("update_time"), "update_time"),
        shown,
        context,
        sorted(branches, key=lambda message: message.created_at),
    )


def _current(data: dict[str, Any], mapping: dict[str, Any]) -> str | None:
    """The last node of the branch shown; without one, the newest leaf."""
    current = data.get("current_node")
    if current is not None:
        if not isinstance(current, str) or current not in mapping:
            raise Unreadable(f'"current_node" {current!r} is not in "mapping"')
        return current
    leaves = [node_id for node_id, node in mapping.items() if not node.get("children")]
    return max(leaves, key=lambda node_id: _time_of(mapping[node_id]), default=None)


def _time_of(node: dict[str, Any]) -> float:
    message = node.get("message")
    value = message.get("create_time") if isinstance(message, dict) else None
    return float(value) if isinstance(value, int | float) else 0.0


class _Tree:
    """The export's tree, each node's message converted once (None: left out)."""

    def __init__(self, mapping: dict[str, Any], conversation_id: str, start: datetime) -> None:
        self.mapping = mapping
        self.conversation_id = conversation_id
        self.start = start
        self._kept: dict[str, Message | None] = {}
        self._kept_parent: dict[str, str | None] = {}
        self._times: dict[str, datetime] = {}

    def parent_of(self, node_id: str) -> str | None:
        parent = self.mapping[node_id].get("parent")
        if parent is None:
            return None
        if not isinstance(parent, str) or parent not in self.mapping:
            raise Unreadable(f'node {node_id}: its parent {parent!r} is not in "mapping"')
        return parent

    def path_to(self, node_id: str | None) -> list[str]:
        """The nodes from the root down to ``node_id``."""
        path: list[str] = []
        seen: set[str] = set()
        while node_id is not None:
            if node_id in seen:
                raise Unreadable(f"node {node_id} is its own ancestor")
            seen.add(node_id)
            path.append(node_id)
            node_id = self.parent_of(node_id)
        return path[::-1]

    def kept_parent(self, node_id: str) -> str | None:
        """The id (here) of the nearest message kept above the node's."""
        if node_id not in self._kept_parent:
            above = self.path_to(node_id)[:-1]
            found = next((self.kept(n) for n in reversed(above) if self.kept(n)), None)
            self._kept_parent[node_id] = found.id if found is not None else None
        return self._kept_parent[node_id]

    def time_of(self, node_id: str) -> datetime:
        """When the node's message was written; a message without a time takes the time
        of the one above it (and the first, the conversation's)."""
        if node_id not in self._times:
            found = self.start
            for step in self.path_to(node_id):  # (from the root: each time once)
                if step not in self._times:
                    message = self.mapping[step].get("message")
                    value = message.get("create_time") if isinstance(message, dict) else None
                    self._times[step] = when(value, "create_time") or found
                found = self._times[step]
        return self._times[node_id]

    def kept(self, node_id: str) -> Message | None:
        if node_id not in self._kept:
            try:
                self._kept[node_id] = self._convert(node_id)
            except Unreadable as error:
                raise Unreadable(f"message {node_id}: {error}") from error
        return self._kept[node_id]

    def _convert(self, node_id: str) -> Message | None:
        data = self.mapping[node_id].get("message")
        if data is None:
            return None
        if not isinstance(data, dict):
            raise Unreadable("it is not an object")
        author = data.get("author")
        role_name = author.get("role") if isinstance(author, dict) else None
        if not isinstance(role_name, str):
            raise Unreadable('"author" must be an object with a "role"')
        role = _ROLES.get(role_name)  # (system, tool: not part of the talk)
        metadata = data.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        if (
            role is None
            or metadata.get("is_visually_hidden_from_conversation")
            or data.get("recipient", "all") != "all"
        ):
            return None
        content = data.get("content")
        if not isinstance(content, dict):
            raise Unreadable('"content" must be an object')
        notes = [
            FILE_NOTE.format(name=item.get("name") or "file")
            for item in metadata.get("attachments") or ()
            if isinstance(item, dict)
        ]
        blocks = text_blocks("\n\n".join([*notes, _text(content)]))
        if not blocks:
            return None
        source_id = data.get("id")
        return new_message(
            self.conversation_id,
            source_id if isinstance(source_id, str) and source_id else node_id,
            role,
            blocks,
            self.time_of(node_id),
        )


def _text(content: dict[str, Any]) -> str:
    """The text of a message's content: its parts (an image as a note), or its code."""
    kind = content.get("content_type")
    if kind == "code":
        code = content.get("text")
        return f"```\n{code}\n```" if isinstance(code, str) and code.strip() else ""
    if kind not in ("text", "multimodal_text"):
        return ""  # (thoughts, browsing displays, system notes: not part of the talk)
    parts = content.get("parts")
    if parts is None:
        return ""
    if not isinstance(parts, list):
        raise Unreadable('"parts" must be a list')
    texts = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            texts.append(part["text"])  # (an audio transcription)
        elif isinstance(part, dict):
            texts.append(IMAGE_NOTE if "image" in str(part.get("content_type")) else "")
    return "\n\n".join(text for text in texts if text.strip())
