"""The meter in the app, over the real SDK and the fake API: the status bar's costs and
context gauge, a reply's meter line and details, thinking collapsed, Continue after the
token limit, and the token estimate of a draft."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from claude_tui.config import Settings
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.details import ReplyDetails
from claude_tui.tui.widgets.reply_footer import ReplyMeter, ReplyNote
from claude_tui.tui.widgets.status_bar import StatusBar
from claude_tui.tui.widgets.thinking import ThinkingView
from tests import ui
from tests.fake_api import FakeAnthropic, Reply

COUNT_PATH = "/v1/messages/count_tokens"


def status(app: ClaudeTUI) -> str:
    return ui.flat(str(app.chat.query_one(StatusBar).render()))


def counts(fake_api: FakeAnthropic) -> list[Any]:
    return [request for request in fake_api.all_requests if request.path == COUNT_PATH]


async def test_the_status_bar_prices_the_turn_and_the_conversation(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    cached = {"input_tokens": 1000, "output_tokens": 500, "cache_read_input_tokens": 200_000}
    fake_api.enqueue(Reply.text("One.", **cached), Reply.text("Two.", **cached))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "first")
        # claude-sonnet-5-5 today: input 2, cache read 0.10, output 10 per million
        turn = (1000 * 2 + 200_000 * 0.10 + 500 * 10) / 1_000_000
        assert turn == pytest.approx(0.027)
        shown = status(app)
        assert "last in 1,000 · out 500 · cache read 200,000 · $0.027" in shown
        await ui.send(pilot, app, "second")
        shown = status(app)
        assert "cache read 200,000 · $0.027" in shown  # this turn
        assert "total $0.054" in shown  # the conversation (its tokens left out: too wide)


@pytest.mark.parametrize(
    ("input_tokens", "said", "level"),
    [
        (500_000, "context 50%", ""),
        (850_000, "context 85%", "-context-high"),
        (970_000, "context 97% · start a new conversation (Ctrl+N)", "-context-full"),
    ],
)
async def test_the_context_gauge_fills_and_warns(
    fake_api: FakeAnthropic, settings: Settings, input_tokens: int, said: str, level: str
) -> None:
    fake_api.enqueue(Reply.text("Long.", input_tokens=input_tokens))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "a long talk")
        bar = app.chat.query_one(StatusBar)
        assert said in status(app)
        assert bar.has_class("-context-high") is (level == "-context-high")
        assert bar.has_class("-context-full") is (level == "-context-full")


async def test_a_click_on_the_model_opens_the_settings_and_elsewhere_nothing(
    settings: Settings,
) -> None:
    from claude_tui.tui.screens.settings import SettingsScreen

    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: app.chat.ready)
        await pilot.click(StatusBar, offset=(60, 0))  # not on the model: nothing
        await pilot.pause()
        assert app.screen is app.chat
        await pilot.click(StatusBar, offset=(3, 0))  # on "claude-sonnet-5-5"
        await ui.wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen))


async def test_a_reply_has_a_meter_line_and_details_with_its_id(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(
        Reply.text(
            "Measured.",
            input_tokens=1200,
            output_tokens=300,
            cache_creation_input_tokens=4000,
            message_id="msg_meter_42",
        )
    )
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "measure")
        meter = ui.flat(str(app.chat.query_one(ReplyMeter).render()))
        assert meter.startswith("claude-sonnet-5-5 · in 1,200 · out 300 · cache write 4,000 · $")
        assert meter.endswith("end turn")
        await pilot.press("f4")
        await ui.wait_for_screen(pilot, app, ReplyDetails)
        shown = ui.seen(app)
        for words in (
            "Model claude-sonnet-5-5",
            "Ended Claude ended its turn (end_turn)",
            "Input 1,200",
            "Cache write 4,000",
            "Output 300",
            "Cost $",
            "First token after",
            "Tokens per second",
            "Max tokens 8,192",
            "Thinking adaptive (summarized)",
            "Prompt caching on (5 minutes)",
        ):
            assert words in shown, words
        assert app.screen.query_one("#details-id", TextArea).text == "msg_meter_42"
        await pilot.click("#details-copy")
        assert app.clipboard == "msg_meter_42"
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        await pilot.click(ReplyMeter)  # a click on the line opens them too
        await ui.wait_for_screen(pilot, app, ReplyDetails)
        assert isinstance(app.screen, ReplyDetails) and app.screen.message.response_id


async def test_thinking_shows_one_line_until_opened(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(
        Reply.blocks(
            [
                {"type": "thinking", "thinking": "Weigh the options carefully first."},
                {"type": "text", "text": "The answer."},
            ]
        )
    )
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "think")
        assert "▸ Thought for" in ui.seen(app) and "5 words" in ui.seen(app)
        assert "Weigh the options" not in ui.seen(app)
        (view,) = app.chat.query(ThinkingView)
        view.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "▾ Thought for" in ui.seen(app)
        assert "Weigh the options carefully first." in ui.seen(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "Weigh the options" not in ui.seen(app)
        await pilot.click(ThinkingView)  # a click opens it, and leaves the focus be
        await pilot.pause()
        assert "Weigh the options carefully first." in ui.seen(app)
        await pilot.click(ThinkingView)
        await pilot.pause()
        assert "Weigh the options" not in ui.seen(app)


async def test_continue_joins_the_rest_onto_the_reply_cut_at_its_limit(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(
        Reply.text("The first half", stop_reason="max_tokens", output_tokens=40),
        Reply.text(" and the second half.", output_tokens=20),
    )
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "tell me everything")
        shown = ui.seen(app)
        assert "Claude reached the 8,192-token limit." in shown
        assert "▶ Continue (Ctrl+O)" in shown and "Raise the limit" in shown
        await pilot.press("ctrl+o")
        await ui.wait_idle(pilot, app)
        shown = ui.seen(app)
        assert "The first half and the second half." in shown
        assert "Continue (Ctrl+O)" not in shown and "token limit" not in shown
        assert len(app.chat.query(ReplyMeter)) == 1  # one reply on screen
        assert "out 60" in ui.flat(str(app.chat.query_one(ReplyMeter).render()))
    sent = fake_api.requests[-1].body["messages"]
    assert sent[-1] == {
        "role": "assistant",
        "content": [{"type": "text", "text": "The first half"}],
    }
    _, answer = ui.the_saved_conversation(data_dir)["messages"]
    assert [block["text"] for block in answer["content"]] == ["The first half and the second half."]
    assert answer["stop_reason"] == "end_turn" and answer["usage"]["output_tokens"] == 60


async def test_the_continue_link_in_the_note_continues(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(Reply.text("Cut", stop_reason="max_tokens"), Reply.text(" short no more."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "go")
        note = app.chat.query_one(ReplyNote)
        await pilot.click(ReplyNote, offset=(2, note.size.height - 1))  # "▶ Continue"
        await ui.wait_until(pilot, lambda: len(fake_api.requests) == 2, what="Continue")
        await ui.wait_idle(pilot, app)
        assert "Cut short no more." in ui.seen(app)


async def test_raise_the_limit_opens_the_settings(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    from claude_tui.tui.screens.settings import SettingsScreen

    fake_api.enqueue(Reply.text("Cut", stop_reason="max_tokens"))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "go")
        note = app.chat.query_one(ReplyNote)
        line = note.size.height - 1
        await pilot.click(ReplyNote, offset=(len("▶ Continue (Ctrl+O)   ") + 2, line))
        told = "A reply may be 8,192 tokens long now"
        await ui.wait_until(pilot, lambda: told in ui.seen(app), what="where to raise it")
        await ui.wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await ui.wait_until(pilot, lambda: app.focused is not None)
        assert app.focused is not None and app.focused.id == "settings-max_tokens"
        assert len(fake_api.requests) == 1  # nothing was sent


async def test_the_estimate_counts_a_draft_once_typing_pauses(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: app.chat.ready)
        await ui.type_text(pilot, "ten keys!!")  # quickly, as a person types
        await ui.wait_until(pilot, lambda: "≈" in ui.screen_text(app), what="the estimate")
        assert len(counts(fake_api)) <= 2
        body = counts(fake_api)[-1].body
        assert body["messages"][-1] == {
            "role": "user",
            "content": [{"type": "text", "text": "ten keys!!"}],
        }
        assert "tokens · ≈ $" in ui.seen(app)
        for _ in "ten keys!!":
            await pilot.press("backspace")
        await ui.wait_until(pilot, lambda: "≈" not in ui.screen_text(app), what="no estimate")
        asked = len(counts(fake_api))
        await pilot.pause(1.0)
        assert len(counts(fake_api)) == asked  # an empty draft is not counted


async def test_no_estimate_without_a_key(fake_api: FakeAnthropic, settings: Settings) -> None:
    async with ui.running(replace(settings, api_key=None)) as (app, pilot):
        await ui.wait_until(pilot, lambda: ui.key_dialog_open(app), what="the key dialog")
        await ui.close_key_dialog(pilot, app)
        await ui.type_text(pilot, "hello")
        assert ui.prompt(app).text == "hello"
        await pilot.pause(1.2)
        assert not counts(fake_api) and "≈" not in ui.screen_text(app)


async def test_a_failed_count_shows_nothing(fake_api: FakeAnthropic, settings: Settings) -> None:
    async with ui.running(replace(settings, model="claude-no-such-model")) as (app, pilot):
        await ui.wait_until(pilot, lambda: app.chat.ready)
        await ui.type_text(pilot, "hello")
        await ui.wait_until(pilot, lambda: bool(counts(fake_api)), what="a count")
        await pilot.pause(0.3)
        assert "≈" not in ui.screen_text(app)
        assert "Something went wrong" not in ui.screen_text(app)


async def _press_f3_without_replies(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    await ui.wait_until(pilot, lambda: app.chat.ready)
    await pilot.press("f4")
    await pilot.pause()


async def test_details_without_a_reply_say_so(settings: Settings) -> None:
    async with ui.running(settings) as (app, pilot):
        await _press_f3_without_replies(pilot, app)
        assert ui.on_chat_screen(app)
        assert "There is no reply yet" in ui.screen_text(app)
