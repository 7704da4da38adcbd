"""The blocks of a reply that are neither text nor thinking: a tool use, and any kind
this version does not know, named by its type."""

from __future__ import annotations

import json

from textual.content import Content
from textual.widgets import Static

from claude_tui.domain.blocks import ContentBlock, ToolUseBlock
from claude_tui.domain.text import printable


def tool_use_text(block: ToolUseBlock) -> Content:
    arguments = json.dumps(block.input, ensure_ascii=False, indent=2)
    return Content.assemble(
        ("Tool use: ", "bold"), printable(block.name), "\n", (printable(arguments), "dim")
    )


def tool_use_view(block: ToolUseBlock) -> Static:
    """A tool use: its name, and its input as indented JSON (updated as it streams)."""
    return Static(tool_use_text(block), classes="tool-use")


def other_block_view(block: ContentBlock) -> Static:
    """A block of a kind this version does not draw: its type, in brackets."""
    return Static(Content(f"[{printable(block.type)} block]"), classes="other-block")
