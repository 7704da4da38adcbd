"""Quit and relaunch: every conversation is back as it was, the last used one open."""

from __future__ import annotations

from pathlib import Path

from claude_tui.config import Settings
from claude_tui.store.conversations import ConversationStore
from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.ui import (
    conversation_files,
    flat,
    make_app,
    on_disk,
    screen_text,
    send,
    send_until_held,
    wait_open,
    wait_until,
)

SIZE = (120, 36)


async def test_quit_and_relaunch_restores_every_conversation(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(
        Reply.text("First reply, with `code`.", input_tokens=30, output_tokens=11),
        Reply.text("Second reply.", input_tokens=40, output_tokens=5),
    )
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send(pilot, app, "First topic")
        first_id = app.chat.conversation.id
        await pilot.press("ctrl+n")
        await send(pilot, app, "Second topic")
        await pilot.press("alt+down")  # back to the first: the one open at quit
        await wait_open(pilot, app, first_id)
        before = {path.name: path.read_bytes() for path in conversation_files(data_dir)}
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert {path.name: path.read_bytes() for path in conversation_files(data_dir)} == before

    again = make_app(settings)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await wait_open(pilot, again, first_id)
        await pilot.pause()
        seen = flat(screen_text(again))
        assert "Conversations Second topic just now First topic just now" in seen
        assert "You First topic" in seen
        assert "First reply, with code." in seen
        assert "last in 30 · out 11" in seen
        await pilot.press("alt+up")
        await wait_until(pilot, lambda: "Second reply." in screen_text(again))
        assert "last in 40 · out 5" in screen_text(again)
    assert {path.name: path.read_bytes() for path in conversation_files(data_dir)} == before


async def test_quitting_mid_stream_saves_the_partial_reply_as_interrupted(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    gate = Gate(after="Partial ")
    fake_api.enqueue(Reply.text("Partial reply text", gate=gate))
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send_until_held(pilot, "Go", gate)
        await wait_until(pilot, lambda: "Partial" in screen_text(app))
        await pilot.press("ctrl+q")
        await pilot.pause()
    gate.release()
    (path,) = conversation_files(data_dir)
    user, reply = on_disk(data_dir, path.stem)["messages"]
    assert user["content"][0]["text"] == "Go"
    assert reply["status"] == "failed"
    assert reply["error"]["title"] == "claude-tui closed before this reply finished."
    assert reply["content"][0]["text"] == "Partial "


async def test_a_corrupt_file_is_quarantined_with_a_notice_and_the_rest_load(
    settings: Settings, data_dir: Path
) -> None:
    from tests.ui import seed

    (good,) = seed(data_dir, "Still fine")
    broken = data_dir / "conversations" / "broken.json"
    broken.write_bytes(b'{"schema_version": 1, "id": "broken", "title": "x", "mess')
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_open(pilot, app, good.id)
        await wait_until(pilot, lambda: "quarantine" in screen_text(app), what="the notice")
        app.clear_notifications()
        await wait_until(pilot, lambda: "Reply about Still fine." in screen_text(app))
    store = ConversationStore(data_dir)
    assert not broken.exists()
    assert (store.quarantine_dir / "broken.json").read_bytes().endswith(b'"mess')
