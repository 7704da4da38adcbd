"""A conversation file written by a newer claude-tui opens read-only, and is never written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claude_tui.config import Settings
from claude_tui.domain.conversation import SCHEMA_VERSION
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.keeper import ConversationKeeper
from tests import ui
from tests.fake_api import FakeAnthropic
from tests.test_cli_harness import Cli


def from_the_future(data_dir: Path, title: str, *, messages: object = None) -> Path:
    """A conversation as a newer claude-tui might write it: a higher schema version and a
    field this version does not know."""
    (older,) = ui.seed(data_dir, title)
    path = data_dir / "conversations" / f"{older.id}.json"
    data = json.loads(path.read_text())
    data["schema_version"] = SCHEMA_VERSION + 1
    data["branches"] = [{"from": data["messages"][0]["id"], "name": "what if"}]
    if messages is not None:
        data["messages"] = messages
    path.write_text(json.dumps(data, indent=2))
    return path


async def test_it_is_shown_read_only_and_nothing_is_sent_or_written(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    path = from_the_future(data_dir, "Written tomorrow")
    before = path.read_bytes()
    async with ui.running(settings) as (app, pilot):
        notice = "“Written tomorrow” is shown read-only: a newer claude-tui wrote it."
        await ui.wait_until(pilot, lambda: notice in ui.seen(app), what="the notice")
        shown = ui.seen(app)
        assert "Reply about Written tomorrow." in shown
        assert "read-only: written by a newer claude-tui" in shown  # the status bar
        app.clear_notifications()
        refused = "This conversation is read-only"
        await ui.submit(pilot, "one more")
        await ui.wait_until(pilot, lambda: refused in ui.seen(app), what="the refusal")
        assert ui.prompt(app).text == "one more"  # handed back, not lost
        app.clear_notifications()
        await pilot.press("f2")  # renaming would write it too
        await ui.wait_until(pilot, lambda: refused in ui.seen(app), what="the refusal to rename")
        assert "Rename conversation" not in ui.screen_text(app)
        assert ui.open_conversation(app).title == "Written tomorrow"
    assert fake_api.requests == []
    assert path.read_bytes() == before
    assert not (data_dir / "quarantine").exists()


async def test_one_this_version_cannot_read_is_left_alone_and_the_rest_load(
    settings: Settings, data_dir: Path
) -> None:
    path = from_the_future(data_dir, "Unreadable here", messages={"tree": []})
    before = path.read_bytes()
    ui.seed(data_dir, "An ordinary one")
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(
            pilot,
            lambda: "Reply about An ordinary one." in ui.screen_text(app),
            what="the other conversation to open",
        )
        assert "Unreadable here" not in ui.screen_text(app)
    assert path.read_bytes() == before
    assert not (data_dir / "quarantine").exists()


async def test_the_keeper_refuses_to_write_it(data_dir: Path) -> None:
    path = from_the_future(data_dir, "Written tomorrow")
    before = path.read_bytes()
    keeper = ConversationKeeper(ConversationStore(data_dir))
    conversation = await keeper.load(path.stem)
    assert conversation.read_only
    assert [m.text for m in conversation.messages] == [
        "Written tomorrow",
        "Reply about Written tomorrow.",
    ]
    with pytest.raises(StoreError, match="read-only: a newer claude-tui wrote it"):
        await keeper.save(conversation)
    assert path.read_bytes() == before
    assert not keeper.is_live(conversation.id)  # not held as unsaved: there is nothing to save


def test_the_command_line_does_not_continue_it(fake_api: FakeAnthropic, tmp_path: Path) -> None:
    cli = Cli.make(fake_api.url, tmp_path)
    path = from_the_future(cli.data_dir, "Written tomorrow")
    before = path.read_bytes()
    result = cli.run("-c", "-p", "one more")
    assert result.returncode == 1
    assert "“Written tomorrow” is read-only: a newer claude-tui wrote it." in result.stderr
    assert fake_api.requests == []
    assert path.read_bytes() == before
