"""What the SDK hands us, made into our own values where it enters: every text
well-formed (a JSON escape such as ``"\\ud800"`` in a delta becomes U+FFFD, so what is kept
can always be saved, sent again and shown) and every token count within reason."""

from __future__ import annotations

import json
from typing import Any

from claude_tui.domain.blocks import (
    ContentBlock,
    OtherBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
)
from claude_tui.domain.text import well_formed, well_formed_data
from claude_tui.domain.usage import SERVER_TOOL_FIELDS, USAGE_FIELDS, Usage


def text_of(value: object) -> str:
    """A text the API sent (None as ""), well-formed."""
    return well_formed(value) if isinstance(value, str) else ""


def usage_of(raw: Any) -> Usage:
    """The SDK's usage as ours: counts it leaves out are 0, counts out of reason are
    clamped and mark the usage doubtful (see :meth:`Usage.reported`)."""
    counts = {}
    for name in USAGE_FIELDS:
        value = getattr(raw, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            counts[name] = value
    usage = Usage.reported(counts)
    tools = getattr(raw, "server_tool_use", None)
    if tools is None:
        return usage
    return usage.with_server_tools(
        {name: getattr(tools, name, None) for name in SERVER_TOOL_FIELDS}
    )


def merged_usage(current: Usage, raw: Any) -> Usage:
    """``message_delta`` usage is cumulative; fields it leaves out keep their value."""
    update = usage_of(raw)
    fields = (*USAGE_FIELDS, *SERVER_TOOL_FIELDS)
    counts = {name: getattr(update, name) or getattr(current, name) for name in fields}
    return Usage(**counts, doubtful=current.doubtful or update.doubtful)


def _plain_data(raw: Any) -> Any:
    """An SDK object (or a value) as well-formed JSON data."""
    data = raw.to_dict() if hasattr(raw, "to_dict") else raw
    return well_formed_data(json.loads(json.dumps(data, default=str)))


def citations_of(raw: Any) -> list[dict[str, Any]] | None:
    """The citations of an SDK text block (None when it has none)."""
    citations = getattr(raw, "citations", None)
    if not citations:
        return None
    return [data for data in map(_plain_data, citations) if isinstance(data, dict)] or None


def block_of(raw: Any) -> ContentBlock:
    """A content block of the SDK as ours."""
    kind = getattr(raw, "type", None)
    if kind == "text":
        return TextBlock(text=text_of(raw.text), citations=citations_of(raw))
    if kind == "thinking":
        return ThinkingBlock(thinking=text_of(raw.thinking), signature=text_of(raw.signature))
    if kind == "tool_use":
        return ToolUseBlock(
            id=text_of(raw.id), name=text_of(raw.name), input=well_formed_data(raw.input)
        )
    data = _plain_data(raw) if hasattr(raw, "to_dict") else {"type": str(kind)}
    return OtherBlock(data=data)


def with_partial_input(block: ContentBlock, partial_json: str) -> ContentBlock:
    """A server tool's block with its input as streamed so far, its last text cut short
    included (a search's query appears as it is written); the block as it is when that
    JSON cannot be read."""
    if not isinstance(block, OtherBlock) or not partial_json:
        return block
    from jiter import from_json  # (the SDK's own parser of partial JSON)

    try:
        given = from_json(partial_json.encode(), partial_mode="trailing-strings")
    except ValueError:
        return block
    return OtherBlock(data={**block.data, "input": well_formed_data(given)})
