"""The content blocks of a message, and their JSON form."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from claude_tui.domain.attachments import Attachment, AttachmentBlock
from claude_tui.domain.values import SchemaError, as_string


@dataclass
class TextBlock:
    text: str
    type: Literal["text"] = "text"
    citations: list[dict[str, Any]] | None = None
    """The sources this text cites (web search results, pages of a document), as the API
    sent them; saved only when there are some."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "text", "text": self.text}
        if self.citations:
            data["citations"] = [dict(citation) for citation in self.citations]
        return data


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


ContentBlock = TextBlock | ThinkingBlock | ToolUseBlock | AttachmentBlock | OtherBlock


def block_from_dict(data: object) -> ContentBlock:
    if not isinstance(data, dict):
        raise SchemaError("a content block must be an object")
    kind = data.get("type")
    try:
        if kind == "text":
            return TextBlock(text=as_string(data["text"]), citations=citations_of(data))
        if kind == "thinking":
            return ThinkingBlock(
                thinking=as_string(data["thinking"]), signature=as_string(data.get("signature", ""))
            )
        if kind == "tool_use":
            return ToolUseBlock(
                id=as_string(data["id"]), name=as_string(data["name"]), input=data.get("input", {})
            )
        if kind == "attachment":
            with contextlib.suppress(SchemaError):  # else kept verbatim, as it was
                return AttachmentBlock(Attachment.from_dict(data))
    except KeyError as error:
        raise SchemaError(f"{kind} block lacks {error}") from error
    if not isinstance(kind, str):
        raise SchemaError("a content block needs a type")
    return OtherBlock(data=dict(data))


def citations_of(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The citations of a text block's JSON: those that are objects (None when none)."""
    citations = data.get("citations")
    if not isinstance(citations, list):
        return None
    kept = [dict(citation) for citation in citations if isinstance(citation, dict)]
    return kept or None


def block_runs(content: Sequence[ContentBlock]) -> list[range]:
    """The blocks of a message in runs: text blocks side by side as one run (one text, as
    :attr:`Message.text` joins them), any other block alone."""
    runs: list[range] = []
    start = 0
    for position in range(1, len(content)):
        if not (
            isinstance(content[position], TextBlock)
            and isinstance(content[position - 1], TextBlock)
        ):
            runs.append(range(start, position))
            start = position
    if content:
        runs.append(range(start, len(content)))
    return runs
