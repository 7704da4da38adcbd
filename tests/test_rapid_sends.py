"""Enter pressed again and again while Claude replies: the input box is never rewritten."""

from __future__ import annotations

from pathlib import Path

from claude_tui.config import Settings
from tests import ui
from tests.fake_api import FakeAnthropic


async def test_two_hundred_sends_while_streaming_leave_the_typed_text_as_it_was(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    gate = ui.held_reply(fake_api, "Slow reply", after="Slow")
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "first", gate)
        keys = [key for number in range(200) for key in (*f"m{number:03}", "enter")]
        ui.burst(app, *keys)
        typed = "".join(f"m{number:03}" for number in range(200))
        # The text is whole once the last key but one is handled; the last Enter, refused,
        # shows the notice again if the first one has timed out meanwhile (a slow machine).
        await ui.wait_until(
            pilot,
            lambda: (
                ui.prompt(app).text == typed and "Claude is still replying" in ui.screen_text(app)
            ),
            what="the typed text and the refusal",
        )
        gate.release()
        await ui.wait_idle(pilot, app)
        assert ui.prompt(app).text == typed
    assert len(fake_api.requests) == 1
    messages = ui.the_saved_conversation(data_dir)["messages"]
    assert [message["role"] for message in messages] == ["user", "assistant"]


async def test_enter_pressed_in_a_burst_sends_the_first_and_keeps_the_rest_in_order(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    gate = ui.held_reply(fake_api, "Slow reply", after="Slow")
    async with ui.running(settings) as (app, pilot):
        ui.burst(app, "a", "enter", "b", "enter", "c", "enter", "d")
        await ui.wait_until(pilot, lambda: gate.held, what="the reply to reach the gate")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text == "bcd", what="the rest")
        gate.release()
        await ui.wait_idle(pilot, app)
        assert ui.prompt(app).text == "bcd"
    assert len(fake_api.requests) == 1
    assert ui.the_saved_conversation(data_dir)["messages"][0]["content"][0]["text"] == "a"
