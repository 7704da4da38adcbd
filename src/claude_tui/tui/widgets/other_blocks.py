"""The blocks of a reply that are neither text nor thinking: a tool use, and any kind
this version does not know, named by its type."""

from __future__ import annotations

import json
from dataclasses import replace

from textual.content import Content
from textual.widgets import Static

from claude_tui.domain.blocks import ContentBlock, TextBlock, ThinkingBlock, ToolUseBlock
from claude_tui.domain.sources import result_activity, web_activity
from claude_tui.domain.text import printable
from claude_tui.tui.widgets.long_text import LongText

OVERFLOW_NOTE = "The rest of this reply has too many blocks to draw each; here it is as plain text."


def tool_use_text(block: ToolUseBlock) -> Content:
    arguments = json.dumps(block.input, ensure_ascii=False, indent=2)
    return Content.assemble(
        ("Tool use: ", "bold"), printable(block.name), "\n", (printable(arguments), "$text-muted")
    )


def plain_text(block: ContentBlock) -> str:
    """A block as plain text, for :class:`OverflowView`."""
    if isinstance(block, TextBlock):
        return block.text
    if isinstance(block, ThinkingBlock):
        return f"Thinking:\n{block.thinking}"
    if isinstance(block, ToolUseBlock):
        return tool_use_text(block).plain
    return unknown_words(block.type)


class OverflowView(LongText):
    """The blocks of a reply past the number drawn one view each, as one plain text: a
    reply of thousands of blocks draws (and streams) in time that grows with its length,
    with the keys alive, instead of with the square of its number of blocks. A block
    joins the text once complete (the text only grows), the last one when the reply
    ends."""

    def __init__(self, blocks: list[ContentBlock], *, done: bool) -> None:
        super().__init__(classes="overflow-blocks")
        self.catch_up_blocks(blocks, done=done)

    def catch_up_blocks(self, blocks: list[ContentBlock], *, done: bool) -> None:
        complete = blocks if done else blocks[:-1]
        texts = [_plain_in(complete, position) for position in range(len(complete))]
        self.catch_up("\n\n".join([OVERFLOW_NOTE, *texts]), final=done)


def _plain_in(blocks: list[ContentBlock], position: int) -> str:
    """A block among ``blocks`` as plain text: a search as "Searching: <query>", its result
    as "Searched: <query> · 3 results" (each its own, so the text only grows); any other
    as :func:`plain_text`."""
    activity = web_activity(blocks, position)
    if activity is not None:
        return replace(activity, results=None, error=None).heading(done=False)
    found = result_activity(blocks, position)
    if found is not None:
        return found.heading(done=True)
    return plain_text(blocks[position])


def tool_use_view(block: ToolUseBlock) -> Static:
    """A tool use: its name, and its input as indented JSON (updated as it streams)."""
    return Static(tool_use_text(block), classes="tool-use")


def unknown_words(kind: str) -> str:
    """What stands for a block of a kind this version does not draw."""
    return f"(a {printable(kind)} block this version does not show)"


def other_block_view(block: ContentBlock) -> Static:
    """A block of a kind this version does not draw (kept and sent back as it came)."""
    return Static(Content(unknown_words(block.type)), classes="other-block")
