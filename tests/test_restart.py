"""Quit and relaunch: every conversation is back as it was, the last used one open."""

from __future__ import annotations

from pathlib import Path

from claude_tui.config import Settings
from claude_tui.store.conversations import ConversationStore
from tests import ui
from tests.fake_api import FakeAnthropic, Reply


async def test_quit_and_relaunch_restores_every_conversation(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(
        Reply.text("First reply, with `code`.", input_tokens=30, output_tokens=11),
        Reply.text("Second reply.", input_tokens=40, output_tokens=5),
    )
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "First topic")
        first_id = ui.open_conversation(app).id
        await pilot.press("ctrl+n")
        await ui.send(pilot, app, "Second topic")
        await pilot.press("alt+down")  # back to the first: the one open at quit
        await ui.wait_open(pilot, app, first_id)
        before = {path.name: path.read_bytes() for path in ui.conversation_files(data_dir)}
        await ui.quit_app(pilot, app)
    assert app.return_code == 0
    assert {path.name: path.read_bytes() for path in ui.conversation_files(data_dir)} == before

    async with ui.running(settings, open=first_id) as (again, pilot):
        shown = ui.seen(again)
        assert "Conversations Second topic just now First topic just now" in shown
        assert "You First topic" in shown
        assert "First reply, with code." in shown
        assert "last in 30 · out 11" in shown
        await pilot.press("alt+up")
        await ui.wait_until(pilot, lambda: "Second reply." in ui.screen_text(again))
        assert "last in 40 · out 5" in ui.screen_text(again)
    assert {path.name: path.read_bytes() for path in ui.conversation_files(data_dir)} == before


async def test_quitting_mid_stream_saves_the_partial_reply_as_interrupted(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    gate = ui.held_reply(fake_api, "Partial reply text", after="Partial ")
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "Go", gate, shown="Partial")
        await ui.quit_app(pilot, app)
    gate.release()
    user, reply = ui.the_saved_conversation(data_dir)["messages"]
    assert user["content"][0]["text"] == "Go"
    assert reply["status"] == "failed"
    assert reply["error"]["title"] == "claude-tui closed before this reply finished."
    assert reply["content"][0]["text"] == "Partial "


async def test_a_corrupt_file_is_quarantined_with_a_notice_and_the_rest_load(
    settings: Settings, data_dir: Path
) -> None:
    (good,) = ui.seed(data_dir, "Still fine")
    broken = data_dir / "conversations" / "broken.json"
    broken.write_bytes(b'{"schema_version": 1, "id": "broken", "title": "x", "mess')
    async with ui.running(settings, open=good.id) as (app, pilot):
        await ui.wait_until(pilot, lambda: "quarantine" in ui.screen_text(app), what="the notice")
        app.clear_notifications()
        await ui.wait_until(pilot, lambda: "Reply about Still fine." in ui.screen_text(app))
    store = ConversationStore(data_dir)
    assert not broken.exists()
    assert (store.quarantine_dir / "broken.json").read_bytes().endswith(b'"mess')
