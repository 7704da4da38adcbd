"""Token counts a server reports below zero or beyond reason are clamped where they enter
(0 to a billion) and the usage is marked doubtful: saved so, and said in the reply's details."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_tui.api.client import ClaudeClient
from claude_tui.config import Settings
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.usage import Usage
from claude_tui.store.export import to_markdown
from claude_tui.tui.screens.details import ReplyDetails
from claude_tui.tui.widgets.reply_footer import ReplyMeter
from tests import ui
from tests.fake_api import FakeAnthropic, Reply


async def test_odd_counts_are_clamped_saved_as_doubtful_and_said_in_the_details(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(
        Reply.text("Odd counts.", input_tokens=-5, output_tokens=10**15, cache_read_input_tokens=-1)
    )
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "count")
        meter = ui.flat(str(app.chat.query_one(ReplyMeter).render()))
        assert "in 0 · out 1,000,000,000 (doubtful counts)" in meter  # marked where shown
        assert "in -5" not in meter
        await pilot.press("f4")
        await ui.wait_for_screen(pilot, app, ReplyDetails)
        shown = ui.seen(app)
        assert "Input 0" in shown
        assert "Output 1,000,000,000" in shown
        assert "Doubtful The API reported impossible token counts" in shown
    saved = ui.the_saved_conversation(data_dir)
    exported = to_markdown(Conversation.from_dict(saved))
    assert "(from token counts the API reported wrong)" in exported
    usage = saved["messages"][1]["usage"]
    assert usage == {
        "input_tokens": 0,
        "output_tokens": 1_000_000_000,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "doubtful": True,
    }


def test_usage_is_clamped_and_flagged_as_it_enters_from_a_file_too() -> None:
    sane = Usage.from_dict({"input_tokens": 12, "output_tokens": 7})
    assert sane == Usage(12, 7) and "doubtful" not in sane.to_dict()
    odd = Usage.from_dict({"input_tokens": -5, "output_tokens": 10**12})
    assert odd == Usage(0, 1_000_000_000, doubtful=True)
    assert Usage.from_dict(odd.to_dict()) == odd  # the flag survives a save
    assert (sane + odd).doubtful


@pytest.mark.parametrize(("answered", "counted"), [(-7, 0), (10**15, 1_000_000_000), (42, 42)])
async def test_a_token_count_of_the_api_is_clamped_too(
    fake_api: FakeAnthropic, settings: Settings, answered: int, counted: int
) -> None:
    fake_api.token_count = answered
    client = ClaudeClient(settings)
    try:
        params = {"model": "claude-sonnet-5-5", "messages": [{"role": "user", "content": "Hi"}]}
        assert await client.count_tokens(params) == counted
    finally:
        await client.close()
