"""Web search and web fetch in the app: turned on from /web and from the settings panel,
offered only where the model has them; a search drawn as it runs and collapsed once the
reply ends; cited text with its markers and its sources; the searches counted; a paused
reply that goes on by itself; a block this version does not know, kept and sent back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox

from claude_tui.config import Settings
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.details import ReplyDetails
from tests import ui
from tests.fake_api import (
    FakeAnthropic,
    Gate,
    Reply,
    paused_search_reply,
    search_error_blocks,
    web_search_reply,
)
from tests.test_settings_ui import models_from_the_api, open_panel

SEARCH_TOOL = {"type": "web_search_20260318", "name": "web_search"}


async def web_on(pilot: Pilot[Any], app: ClaudeTUI, command: str = "/web") -> None:
    await models_from_the_api(pilot, app)
    await ui.submit(pilot, command)
    await ui.wait_until(pilot, lambda: "Web search: on." in ui.seen(app), what="the notice")


async def test_web_search_from_the_slash_command_searches_and_cites(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    fake_api.enqueue(web_search_reply("python asyncio"))
    async with ui.running(settings) as (app, pilot):
        await web_on(pilot, app)
        await ui.send(pilot, app, "What is asyncio?")
        seen = ui.seen(app)
        assert fake_api.requests[-1].body["tools"] == [SEARCH_TOOL]
        assert "Searched: python asyncio · 3 results" in seen
        assert "asyncio is a library to write concurrent code[1], and coroutines" in seen
        assert "declared with async def[2][1]." in seen
        assert "[1] asyncio — Asynchronous I/O" in seen
        assert "https://docs.python.org/3/library/asyncio.html" in seen
        assert "[2] PEP 492 - Coroutines with async and await syntax" in seen
        assert "Async/await - Wikipedia" not in seen  # found, not cited: collapsed away
        assert "1 search (not priced)" in ui.screen_text(app).splitlines()[-2]  # status bar
        saved = ui.the_saved_conversation(data_dir)
    assert saved["web_search"] is True
    reply = saved["messages"][-1]
    kinds = [block["type"] for block in reply["content"]]
    assert kinds[:3] == ["text", "server_tool_use", "web_search_tool_result"]
    cited = [block for block in reply["content"] if "citations" in block]
    assert [c["url"] for c in cited[0]["citations"]] == [
        "https://docs.python.org/3/library/asyncio.html"
    ]
    assert reply["usage"]["web_search_requests"] == 1


async def test_a_search_shows_its_query_then_its_results_then_one_line(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    before_result = Gate()
    mid_text = Gate(after="Let me search for that.According to")
    reply = web_search_reply("python asyncio", gate=mid_text)
    fake_api.enqueue(Reply(**{**reply.__dict__, "hold_before_block": (2, before_result)}))
    async with ui.running(settings) as (app, pilot):
        await web_on(pilot, app)
        await ui.submit(pilot, "What is asyncio?")
        await ui.wait_until(pilot, lambda: before_result.held, what="the search")
        await ui.wait_until(pilot, lambda: "Searching: python asyncio" in ui.seen(app))
        before_result.release()
        await ui.wait_until(pilot, lambda: mid_text.held, what="the text after the search")
        await ui.wait_until(pilot, lambda: "Async/await - Wikipedia" in ui.seen(app))
        seen = ui.seen(app)
        assert "Searched: python asyncio" in seen
        assert "asyncio — Asynchronous I/O docs.python.org" in seen  # title and host
        assert "en.wikipedia.org" in seen
        assert "3 results" not in seen  # not yet collapsed
        mid_text.release()
        await ui.wait_idle(pilot, app)
        seen = ui.seen(app)
        assert "Searched: python asyncio · 3 results" in seen
        assert "en.wikipedia.org" not in seen


async def test_web_search_from_the_settings_panel(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        panel = await open_panel(pilot, app)
        search = panel.query_one("#settings-web_search", Checkbox)
        fetch = panel.query_one("#settings-web_fetch", Checkbox)
        assert not search.disabled and not search.value
        search.value = fetch.value = True
        await pilot.press("ctrl+s")
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        assert ui.on_disk(data_dir, alpha.id)["web_search"] is True
        assert ui.on_disk(data_dir, alpha.id)["web_fetch"] is True
        await ui.send(pilot, app, "Read the docs")
        tools = fake_api.requests[-1].body["tools"]
        assert [tool["name"] for tool in tools] == ["web_search", "web_fetch"]
        seen = ui.seen(app)
        assert "Fetched: https://docs.python.org/3/library/asyncio.html · asyncio" in seen
        assert "1 search · 1 fetch (not priced)" in seen


async def test_a_model_without_web_search_is_not_offered_it(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    fake_api.without_web_search = {"claude-haiku-4-5"}
    (alpha,) = ui.seed(data_dir, "Alpha", model="claude-haiku-4-5")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await models_from_the_api(pilot, app)
        await ui.submit(pilot, "/web")
        await ui.wait_until(pilot, lambda: "cannot search the web" in ui.seen(app))
        assert "Claude Haiku 4.5 cannot search the web." in ui.seen(app)
        assert ui.prompt(app).text == "/web"  # given back
        assert ui.open_conversation(app).web_search is False
        ui.prompt(app).clear()
        panel = await open_panel(pilot, app)
        search = panel.query_one("#settings-web_search", Checkbox)
        assert search.disabled and not search.value
        assert "Claude Haiku 4.5 does not offer it" in ui.seen(app)


async def test_switching_to_a_model_without_it_turns_web_search_off(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    fake_api.without_web_search = {"claude-haiku-4-5"}
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await web_on(pilot, app, "/web on")
        await ui.submit(pilot, "/model claude-haiku-4-5")
        await ui.wait_until(pilot, lambda: "web search is now off" in ui.seen(app))
        assert ui.open_conversation(app).web_search is False
        await ui.send(pilot, app, "Hello")
        assert "tools" not in fake_api.requests[-1].body


async def test_the_details_count_the_searches_and_do_not_price_them(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(web_search_reply("python asyncio"))
    async with ui.running(settings) as (app, pilot):
        await web_on(pilot, app)
        await ui.send(pilot, app, "What is asyncio?")
        await pilot.press("f4")
        await ui.wait_for_screen(pilot, app, ReplyDetails)
        seen = ui.seen(app)
        assert "Web searches 1" in seen
        assert "1 search not priced" in seen
        assert "Server tools web search" in seen  # what was asked for, in words
        assert "web_search_20260318" not in seen


async def test_a_paused_reply_goes_on_with_its_search_sent_back_as_it_came(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    fake_api.enqueue(paused_search_reply("python asyncio"), Reply.text("Here is the answer."))
    async with ui.running(settings) as (app, pilot):
        await web_on(pilot, app)
        await ui.send(pilot, app, "What is asyncio?")
        assert len(fake_api.requests) == 2
        assert "Here is the answer." in ui.seen(app)
        saved = ui.the_saved_conversation(data_dir)
    paused = saved["messages"][-1]["content"][:2]
    sent_back = fake_api.requests[1].body["messages"][-1]
    assert sent_back["role"] == "assistant"
    assert sent_back["content"] == paused  # exactly as it came
    assert [block["type"] for block in paused] == ["server_tool_use", "web_search_tool_result"]
    assert saved["messages"][-1]["stop_reason"] == "end_turn"


async def test_a_block_this_version_does_not_know_is_shown_kept_and_sent_back(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    unknown = {"type": "holographic_block", "payload": {"depth": 3, "note": "é"}}
    fake_api.enqueue(
        Reply.blocks(
            [{"type": "text", "text": "Before."}, unknown, {"type": "text", "text": "After."}]
        )
    )
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Show me")
        assert "(a holographic_block block this version does not show)" in ui.seen(app)
        saved = ui.the_saved_conversation(data_dir)
        assert saved["messages"][-1]["content"][1] == unknown
        await ui.send(pilot, app, "Again")
    sent = fake_api.requests[-1].body["messages"][1]
    assert sent["content"] == [
        {"type": "text", "text": "Before."},
        unknown,
        {"type": "text", "text": "After."},
    ]


async def test_a_search_that_failed_says_why_in_words(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    blocks = [*search_error_blocks("python asyncio", "too_many_requests")]
    fake_api.enqueue(Reply.blocks([*blocks, {"type": "text", "text": "I could not search."}]))
    async with ui.running(settings) as (app, pilot):
        await web_on(pilot, app)
        await ui.send(pilot, app, "What is asyncio?")
        assert "Searched: python asyncio · failed: too many requests" in ui.seen(app)
