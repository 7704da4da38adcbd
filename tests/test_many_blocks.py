"""A reply of thousands of content blocks draws in time that grows with its length, and
the keys stay alive while it streams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claude_tui.config import Settings
from claude_tui.domain.blocks import ContentBlock, TextBlock, ToolUseBlock
from claude_tui.domain.message import Message
from claude_tui.tui.widgets.assistant_message import (
    VIEW_LIMIT,
    AssistantMessageView,
    reply_code_blocks,
    view_groups,
)
from claude_tui.tui.widgets.other_blocks import OVERFLOW_NOTE
from tests import ui
from tests.fake_api import FakeAnthropic, Gate, Reply

BLOCKS = 10_000


def mixed_blocks(count: int) -> list[dict[str, Any]]:
    """Text and tool uses in turn (each its own view, were there no limit), text last."""
    return [
        {"type": "text", "text": f"Block {number}."}
        if number % 2 or number == count - 1
        else {"type": "tool_use", "name": "look", "input": {"n": number}}
        for number in range(count)
    ]


def reply_views(app: Any) -> int:
    (view,) = app.screen.query(AssistantMessageView)
    return len(view.children) - 3  # its blocks' views, not the sources, note and meter under them


async def test_ten_thousand_blocks_stream_stop_on_escape_and_keep_what_arrived(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    blocks = mixed_blocks(BLOCKS)
    half = "".join(block.get("text", "") for block in blocks[: BLOCKS // 2])
    gate = Gate(after=half)
    fake_api.enqueue(Reply.blocks(blocks, stop_reason="end_turn", gate=gate))
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "many blocks", gate)
        last = f"Block {BLOCKS // 2 - 1}."
        await ui.wait_until(pilot, lambda: last in ui.screen_text(app), 60, "the last block")
        assert reply_views(app) == VIEW_LIMIT  # the last of them drawing the blocks left
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: not ui.replying(app), what="the reply to stop")
        gate.release()
    reply = ui.the_saved_conversation(data_dir)["messages"][1]
    assert reply["status"] == "stopped"
    assert len(reply["content"]) >= BLOCKS // 2 - 1
    assert reply["content"][BLOCKS // 2 - 1] == {"type": "text", "text": last}


async def test_a_saved_reply_of_ten_thousand_blocks_opens_with_every_block_readable(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.blocks(mixed_blocks(BLOCKS), stop_reason="end_turn"))
    async with ui.running(settings) as (app, pilot):
        await ui.submit(pilot, "many blocks")
        last = f"Block {BLOCKS - 1}."
        await ui.wait_until(pilot, lambda: last in ui.screen_text(app), 60, "the last block")
        conversation_id = ui.open_conversation(app).id
    async with ui.running(settings, open=conversation_id) as (app, pilot):
        assert reply_views(app) == VIEW_LIMIT
        text = app.screen.query(AssistantMessageView).first().children[VIEW_LIMIT - 1]
        shown = text.text  # type: ignore[attr-defined]
        assert shown.startswith(OVERFLOW_NOTE)
        assert "Tool use: look" in shown and last in shown and "Block 9001." in shown
        assert last in ui.screen_text(app)


def test_a_reply_of_exactly_as_many_runs_as_views_draws_its_last_text_as_markdown() -> None:
    """The limit is on views: a reply that fits them draws its last run of text blocks
    as Markdown (its code numbered for ``c``), not as the plain text of blocks left."""
    blocks: list[ContentBlock] = [
        ToolUseBlock(id=f"t{n}", name="look", input={}) if n % 2 == 0 else TextBlock(f"Text {n}.")
        for n in range(VIEW_LIMIT - 1)
    ]  # one view each, a tool use last
    blocks += [TextBlock("Last:"), TextBlock("```\ncode\n```")]  # one view for both
    groups, overflowing = view_groups(blocks)
    assert (len(groups), overflowing) == (VIEW_LIMIT, False)
    message = Message(role="assistant", content=blocks)
    assert reply_code_blocks(message)[-1] == "code"

    more = [*blocks, ToolUseBlock(id="last", name="look", input={}), TextBlock("```\nplain\n```")]
    groups, overflowing = view_groups(more)
    assert (len(groups), overflowing) == (VIEW_LIMIT, True)
    assert "plain" not in reply_code_blocks(Message(role="assistant", content=more))
