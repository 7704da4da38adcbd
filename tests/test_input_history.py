"""Up in an empty input box brings back the messages sent in this conversation, newest
first, as a shell does; Down goes forward, and past the newest gives the empty box back.
In a message of several lines brought back, Up and Down move the cursor until it is on
the top or bottom row. Typing makes the text a draft: Up and Down move the cursor again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from claude_tui.config import Settings
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.widgets.suggestions import Suggestions
from tests import ui
from tests.fake_api import FakeAnthropic


def sent_by_the_user(app: ClaudeTUI) -> list[str]:
    return [m.text for m in ui.open_conversation(app).messages if m.role == "user"]


def give_the_box_its_history(app: ClaudeTUI) -> None:
    """What the chat screen does at mount (see test_the_chat_screen_gives_the_box_its_history)."""
    ui.prompt(app).message_history = lambda: ui.open_conversation(app).messages


@asynccontextmanager
async def sent_before(
    settings: Settings, data_dir: Path, *questions: str
) -> AsyncIterator[tuple[ClaudeTUI, Pilot[Any]]]:
    """The app, open on a conversation in which ``questions`` were sent (and answered)."""
    conversation = ui.save_exchanges(data_dir, len(questions), questions.__getitem__)
    async with ui.running(settings, open=conversation.id) as (app, pilot):
        give_the_box_its_history(app)
        yield app, pilot


async def press(pilot: Pilot[Any], *keys: str) -> str:
    """Press ``keys``; the input box's text then."""
    await pilot.press(*keys)
    return ui.prompt(pilot.app).text


def last_sent(fake_api: FakeAnthropic) -> str:
    text: str = fake_api.requests[-1].body["messages"][-1]["content"][0]["text"]
    return text


async def test_up_steps_back_newest_first_and_down_comes_forward_to_an_empty_box(
    settings: Settings, data_dir: Path
) -> None:
    async with sent_before(settings, data_dir, "First", "Second", "Third") as (_, pilot):
        assert await press(pilot, "up") == "Third"
        assert await press(pilot, "up") == "Second"
        assert await press(pilot, "up") == "First"
        assert await press(pilot, "up") == "First"  # the oldest: it stays
        assert await press(pilot, "down") == "Second"
        assert await press(pilot, "down") == "Third"
        assert await press(pilot, "down") == ""
        assert await press(pilot, "down") == ""
        assert await press(pilot, "up") == "Third"  # and again from the start


async def test_a_message_of_several_lines_is_walked_through_row_by_row(
    settings: Settings, data_dir: Path
) -> None:
    async with sent_before(
        settings, data_dir, "Short one", "Row one\nRow two\nRow three", "Newest"
    ) as (app, pilot):
        prompt = ui.prompt(app)
        three_rows = "Row one\nRow two\nRow three"
        assert await press(pilot, "up", "up") == three_rows
        assert prompt.cursor_location == (2, len("Row three"))  # at the end, as in a shell
        assert await press(pilot, "up") == three_rows
        assert prompt.cursor_location[0] == 1
        assert await press(pilot, "up") == three_rows
        assert prompt.cursor_location[0] == 0
        assert await press(pilot, "up") == "Short one"

        assert await press(pilot, "down") == three_rows  # come to from above: on its top row
        assert prompt.cursor_location[0] == 0
        assert await press(pilot, "down", "down") == three_rows
        assert prompt.cursor_location[0] == 2
        assert await press(pilot, "down") == "Newest"


async def test_typing_makes_the_text_a_draft_that_up_and_down_leave_alone(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    async with sent_before(settings, data_dir, "First", "Second") as (app, pilot):
        prompt = ui.prompt(app)
        assert await press(pilot, "up") == "Second"
        await ui.type_text(pilot, ", again")
        assert await press(pilot, "up") == "Second, again"
        assert prompt.cursor_location == (0, 0)  # the cursor moved instead
        assert await press(pilot, "down") == "Second, again"
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
        assert last_sent(fake_api) == "Second, again"
        assert await press(pilot, "up") == "Second, again"  # now sent, the newest


async def test_up_in_a_box_with_text_moves_the_cursor(settings: Settings, data_dir: Path) -> None:
    async with sent_before(settings, data_dir, "First") as (app, pilot):
        prompt = ui.prompt(app)
        await ui.type_text(pilot, "line one\nline two")
        assert await press(pilot, "up") == "line one\nline two"
        assert prompt.cursor_location == (0, len("line two"))
        assert await press(pilot, "up", "down", "down") == "line one\nline two"


async def test_a_message_sent_again_is_one_step_back_not_two(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    async with sent_before(settings, data_dir, "First", "Second") as (app, pilot):
        await pilot.press("up", "enter")  # the newest, sent as it was
        await ui.wait_idle(pilot, app)
        assert last_sent(fake_api) == "Second"
        assert sent_by_the_user(app)[-2:] == ["Second", "Second"]
        assert await press(pilot, "up", "up") == "First"


async def test_slash_suggestions_keep_up_and_down_while_they_show(
    settings: Settings, data_dir: Path
) -> None:
    async with sent_before(settings, data_dir, "First", "Second") as (app, pilot):
        box = ui.chat_screen(app).query_one(Suggestions)
        await ui.type_text(pilot, "/")
        assert box.display and box.highlighted is None
        assert await press(pilot, "down") == "/"  # the list took it, not the history
        assert box.highlighted == 0
        assert await press(pilot, "tab") == "/model "


async def test_the_chat_screen_gives_the_box_its_history(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    """Messages sent through the app come back, a path that starts with / too; a new
    conversation has none."""
    async with ui.running(settings) as (app, pilot):
        for text in ("hello", "/usr/bin/env is a path", "two\nrows"):
            await ui.submit(pilot, text)
            await ui.wait_idle(pilot, app)
        assert last_sent(fake_api) == "two\nrows"
        assert await press(pilot, "up") == "two\nrows"
        assert await press(pilot, "up", "up") == "/usr/bin/env is a path"
        assert await press(pilot, "up") == "hello"
        assert await press(pilot, "down", "down") == "two\nrows"

        await ui.wait_until(pilot, lambda: ui.chat_screen(app).ready)
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: not ui.open_conversation(app).messages)
        assert await press(pilot, "up") == ""
