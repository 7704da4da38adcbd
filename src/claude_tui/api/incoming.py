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
from claude_tui.domain.usage import USAGE_FIELDS, Usage


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
    return Usage.reported(counts)


def merged_usage(current: Usage, raw: Any) -> Usage:
    """``message_delta`` usage is cumulative; fields it leaves out keep their value."""
    update = usage_of(raw)
    counts = {name: getattr(update, name) or getattr(current, name) for name in USAGE_FIELDS}
    return Usage(**counts, doubtful=current.doubtful or update.doubtful)


def block_of(raw: Any) -> ContentBlock:
    """A content block of the SDK as ours."""
    kind = getattr(raw, "type", None)
    if kind == "text":
        return TextBlock(text=text_of(raw.text))
    if kind == "thinking":
        return ThinkingBlock(thinking=text_of(raw.thinking), signature=text_of(raw.signature))
    if kind == "tool_use":
        return ToolUseBlock(
            id=text_of(raw.id), name=text_of(raw.name), input=well_formed_data(raw.input)
        )
    data = raw.to_dict() if hasattr(raw, "to_dict") else {"type": str(kind)}
    return OtherBlock(data=well_formed_data(json.loads(json.dumps(data, default=str))))
