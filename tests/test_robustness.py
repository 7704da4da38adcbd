"""Races and failures: nothing the user typed or Claude sent is lost or misplaced."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from claude_tui.config import Settings
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.widgets.sidebar import ConversationList
from tests import ui
from tests.fake_api import FakeAnthropic, Reply


@pytest.fixture
def uncreatable_dir(tmp_path: Path) -> Path:
    """A data folder that cannot be created: its parent is a regular file."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker / "data"


# -- the keeper (core) -------------------------------------------------------------


async def test_a_conversation_whose_save_failed_is_served_from_memory(
    uncreatable_dir: Path,
) -> None:
    keeper = ConversationKeeper(ConversationStore(uncreatable_dir))
    conversation = Conversation(model="m", max_tokens=10)
    conversation.append(Message.user("keep me"))
    with pytest.raises(StoreError, match="Could not save"):
        await keeper.save(conversation)
    assert await keeper.load(conversation.id) is conversation
    assert keeper.unsaved == [conversation]


async def test_a_pinned_conversation_stays_in_memory_after_saving(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    keeper = ConversationKeeper(store)
    conversation = Conversation(model="m", max_tokens=10)
    conversation.append(Message.user("streaming into this"))
    keeper.pin(conversation)
    await keeper.save(conversation)
    conversation.append(Message.user("newer than the file"))
    assert await keeper.load(conversation.id) is conversation
    keeper.unpin(conversation)
    await keeper.save(conversation)
    reloaded = await keeper.load(conversation.id)
    assert reloaded is not conversation
    assert [m.text for m in reloaded.messages] == ["streaming into this", "newer than the file"]


# -- the app -----------------------------------------------------------------------


async def test_an_unwritable_data_folder_keeps_the_message_and_sends_nothing(
    fake_api: FakeAnthropic, settings: Settings, uncreatable_dir: Path
) -> None:
    async with ui.running(replace(settings, data_dir=uncreatable_dir)) as (app, pilot):
        await ui.submit(pilot, "Precious words")
        await ui.wait_until(pilot, lambda: "Not sent" in ui.screen_text(app), what="the notice")
        assert "Precious words" in ui.screen_text(app)
        app.clear_notifications()
        await pilot.press("ctrl+r")
        await ui.wait_until(pilot, lambda: "Not sent" in ui.screen_text(app), what="again")
        assert app.is_running
        assert "Precious words" in ui.screen_text(app)
    assert fake_api.requests == []


async def test_opening_the_same_conversation_twice_shows_it(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo = ui.seed(data_dir, "Alpha", "Bravo")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("tab")
        ui.burst(app, "2", "2")
        await ui.wait_open(pilot, app, bravo.id)
        await ui.wait_idle(pilot, app)  # the second opening too
        assert ui.open_conversation(app).id == bravo.id
        assert "Reply about Bravo." in ui.screen_text(app)


async def test_keys_typed_right_after_enter_stay_in_the_input(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    async with ui.running(settings) as (app, pilot):
        ui.burst(app, "a", "b", "enter", "c", "d")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text == "cd", what="cd in the input")
        await ui.wait_idle(pilot, app)
        assert ui.prompt(app).text == "cd"
    assert fake_api.requests[0].body["messages"][0]["content"][0]["text"] == "ab"


async def test_a_model_id_is_shown_as_text_not_markup(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(Reply.text("Hi.", model="claude-[@click=app.quit]x[/] [link=y]z[/link]"))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "hello")
        assert "claude-[@click=app.quit]x[/] [link=y]z[/link]" in ui.screen_text(app)
        assert app.is_running


def assert_said_before_quitting(data_dir: Path, text: str) -> None:
    """The message is on disk, and no reply is left marked as streaming."""
    messages = ui.the_saved_conversation(data_dir)["messages"]
    assert messages[0]["content"][0]["text"] == text
    assert all(message.get("status") != "streaming" for message in messages)


async def test_quitting_right_after_enter_saves_the_message(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    async with ui.running(settings) as (app, pilot):
        await ui.submit(pilot, "Said just before quitting")
        await ui.quit_app(pilot, app)
    assert_said_before_quitting(data_dir, "Said just before quitting")


async def test_enter_and_ctrl_q_in_one_burst_keep_the_message(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    async with ui.running(settings) as (app, _):
        ui.burst(app, "h", "i", "enter", "ctrl+q")
        await ui.wait_closed(app)
    assert_said_before_quitting(data_dir, "hi")


async def test_a_streaming_reply_is_checkpointed_to_disk(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    gate = ui.held_reply(fake_api, "Written so far, and more", after="Written so far")
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "go", gate)

        def checkpointed() -> bool:
            files = ui.conversation_files(data_dir)
            messages = ui.on_disk(data_dir, files[0].stem)["messages"] if files else []
            return len(messages) == 2 and messages[1]["content"] != []

        await ui.wait_until(pilot, checkpointed, what="a checkpoint")
        reply = ui.the_saved_conversation(data_dir)["messages"][1]
        assert reply["status"] == "streaming"
        assert reply["content"][0]["text"] == "Written so far"
        gate.release()
        await ui.wait_idle(pilot, app)
    reply = ui.the_saved_conversation(data_dir)["messages"][1]
    assert reply["status"] == "complete"
    assert reply["content"][0]["text"] == "Written so far, and more"


async def test_chat_keys_do_nothing_under_the_help_screen(
    settings: Settings, data_dir: Path
) -> None:
    alpha, _ = ui.seed(data_dir, "Alpha", "Bravo")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("f1", "alt+down", "ctrl+n", "ctrl+b")
        await ui.wait_idle(pilot, app)
        assert ui.open_conversation(app).id == alpha.id
        await pilot.press("escape")
        await pilot.pause()
        assert "Conversations" in ui.screen_text(app)
        assert "Reply about Alpha." in ui.screen_text(app)


async def test_the_sidebar_keeps_the_users_place_when_it_refreshes(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    """The list is drawn again when a reply is saved (and every minute, for the ages):
    the row the user moved to stays highlighted."""
    alpha, _, _ = ui.seed(data_dir, "Alpha", "Bravo", "Charlie")
    gate = ui.held_reply(fake_api, "Done.", after="")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.send_until_held(pilot, "More", gate)
        await pilot.press("tab", "down", "down")
        conversation_list = app.query_one(ConversationList)
        assert conversation_list.highlighted == 2
        gate.release()
        await ui.wait_idle(pilot, app)
        assert ui.sidebar_text(app) == "Alpha just now Bravo 2h ago Charlie 3h ago"  # drawn again
        assert conversation_list.highlighted == 2


async def test_a_crlf_split_across_chunks_renders_as_it_does_after_a_reload(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(Reply.text("line one\r\nline two", chunk_size=9))  # "…one\r" | "\n…"
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "crlf")
        streamed = ui.seen(app)
        crlf = ui.open_conversation(app).id
        await pilot.press("ctrl+n")  # away, and back: drawn anew from what was saved
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).id != crlf, what="a new one")
        await pilot.press("alt+down")
        await ui.wait_open(pilot, app, crlf)
        assert ui.seen(app) == streamed
        assert "line one" in streamed
        assert "line two claude-sonnet-5-5 · in 10 · out 5" in streamed  # its meter line


async def test_enter_and_a_switch_in_one_burst_never_misplace_the_message(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    alpha, _ = ui.seed(data_dir, "Alpha", "Bravo")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        ui.burst(app, "o", "k", "enter", "ctrl+n")
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).id != alpha.id, what="Ctrl+N")
        await ui.wait_idle(pilot, app)
        assert ui.open_conversation(app).messages == []  # nothing landed in the new conversation
        await pilot.press("alt+down")  # from the new conversation to the top of the list
        await ui.wait_open(pilot, app, alpha.id)
        texts = [message.text for message in ui.open_conversation(app).messages]
        sent = bool(fake_api.requests)
        # either it was sent in Alpha before the switch, or it waits in Alpha's input box
        assert ("ok" in texts) if sent else (ui.prompt(app).text == "ok")


async def test_quick_presses_of_next_add_up(settings: Settings, data_dir: Path) -> None:
    conversations = ui.seed(data_dir, "One", "Two", "Three", "Four", "Five")
    async with ui.running(settings, open=conversations[0].id) as (app, pilot):
        ui.burst(app, "alt+down", "alt+down", "alt+down")
        await ui.wait_open(pilot, app, conversations[3].id)
        await ui.wait_idle(pilot, app)  # no opening still under way
        assert ui.open_conversation(app).id == conversations[3].id


async def warned_of_unsaved_words(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    """Send a message that cannot be saved, press Ctrl+Q once: the app warns instead."""
    await ui.submit(pilot, "cannot be saved")
    await ui.wait_until(pilot, lambda: "Not sent" in ui.screen_text(app))
    app.clear_notifications()
    await pilot.press("ctrl+q")
    await ui.wait_until(pilot, lambda: "Not quitting yet" in ui.screen_text(app))


async def test_quitting_with_unsaved_words_asks_for_a_second_ctrl_q(
    fake_api: FakeAnthropic, settings: Settings, uncreatable_dir: Path
) -> None:
    async with ui.running(replace(settings, data_dir=uncreatable_dir)) as (app, pilot):
        await warned_of_unsaved_words(pilot, app)
        assert app.is_running
        await ui.quit_app(pilot, app)
    assert app.return_code == 0


async def test_a_second_ctrl_q_long_after_the_warning_warns_again(
    fake_api: FakeAnthropic,
    settings: Settings,
    uncreatable_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ui.quit_warning_lasts(monkeypatch, 0.5)
    async with ui.running(replace(settings, data_dir=uncreatable_dir)) as (app, pilot):
        await warned_of_unsaved_words(pilot, app)
        app.clear_notifications()
        await pilot.pause(0.6)  # the warning is not fresh any more (time, not speed)
        await pilot.press("ctrl+q")
        await ui.wait_until(pilot, lambda: "Not quitting yet" in ui.screen_text(app))
        assert app.is_running


async def test_enter_then_a_switch_to_a_conversation_in_memory_sends_where_it_was_typed(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    """Bravo is live in memory, so opening it needs no disk read and could win the race."""
    alpha, bravo = ui.seed(data_dir, "Alpha", "Bravo")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        ui.keeper(app).mark(ConversationStore(data_dir).load(bravo.id))
        ui.burst(app, "h", "i", "enter", "alt+down")
        await ui.wait_open(pilot, app, bravo.id)
        await ui.wait_idle(pilot, app)
    in_alpha = [m["content"][0]["text"] for m in ui.on_disk(data_dir, alpha.id)["messages"]]
    in_bravo = [m["content"][0]["text"] for m in ui.on_disk(data_dir, bravo.id)["messages"]]
    assert "hi" in in_alpha
    assert "hi" not in in_bravo


async def test_a_reply_that_could_not_be_saved_is_saved_once_the_disk_allows(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fails mid-reply (here the folder turns into a file; root ignores modes):
    the app says so, keeps everything on screen and in memory, and saves it afterwards."""
    ui.disk_checked_every(monkeypatch, 0.25)
    gate = ui.held_reply(fake_api, "First half, second half.", after="First half, ", chunk_size=6)
    folder = data_dir / "conversations"
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "Keep this", gate)
        folder.rename(data_dir / "moved-away")
        folder.write_text("in the way")
        await ui.type_text(pilot, "an unsent draft")
        gate.release()
        await ui.wait_until(pilot, lambda: "Not saved" in ui.screen_text(app), what="the notice")
        assert "Nothing is lost: it stays in memory, and is saved as soon as" in ui.seen(app)
        await ui.wait_idle(pilot, app)  # the reply's last words are drawn after the notice
        assert "First half, second half." in ui.seen(app)
        assert app.is_running
        app.clear_notifications()

        folder.unlink()
        (data_dir / "moved-away").rename(folder)
        await ui.wait_until(
            pilot,
            lambda: "is saved now." in ui.seen(app),
            what="the save once the disk allows",
            timeout=15,
        )
        assert "“Keep this” is saved now." in ui.seen(app)
        assert ui.keeper(app).unsaved == []
        user, reply = ui.the_saved_conversation(data_dir)["messages"]
        assert user["content"][0]["text"] == "Keep this"
        assert (reply["status"], reply["content"][0]["text"]) == (
            "complete",
            "First half, second half.",
        )
        assert ui.prompt(app).text == "an unsent draft"


async def test_a_draft_that_could_not_be_saved_is_saved_once_the_disk_allows(
    settings: Settings, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ui.disk_checked_every(monkeypatch, 0.25)
    (alpha,) = ui.seed(data_dir, "Alpha")
    blocker = data_dir / "drafts.json"
    blocker.mkdir()  # a folder where the file goes: every write of it fails
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.wait_idle(pilot, app)  # the start has written what it writes
        untouched = data_dir.stat().st_mtime_ns
        await ui.type_text(pilot, "half a thought")
        # Half a second after the typing stops, the drafts are written: a temporary file
        # is made beside drafts.json (and removed when it cannot take its place).
        await ui.wait_until(
            pilot,
            lambda: data_dir.stat().st_mtime_ns != untouched,
            what="a first try at saving the drafts",
        )
        assert blocker.is_dir()
        blocker.rmdir()
        await ui.wait_until(pilot, blocker.is_file, what="the drafts to be saved", timeout=15)
        assert "half a thought" in blocker.read_text()
