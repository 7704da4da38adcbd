"""Races and failures: nothing the user typed or Claude sent is lost or misplaced."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from claude_tui.config import Settings
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.chat import ChatScreen
from claude_tui.tui.widgets.prompt_input import PromptInput
from claude_tui.tui.widgets.sidebar import ConversationList
from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.ui import (
    conversation_files,
    flat,
    make_app,
    on_disk,
    screen_text,
    seed,
    send,
    send_until_held,
    type_text,
    wait_idle,
    wait_open,
    wait_until,
)

SIZE = (120, 36)


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
    app = make_app(replace(settings, data_dir=uncreatable_dir))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_text(pilot, "Precious words")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Not sent" in screen_text(app), what="the notice")
        assert "Precious words" in screen_text(app)
        app.clear_notifications()
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "Not sent" in screen_text(app), what="again")
        assert app.is_running
        assert "Precious words" in screen_text(app)
    assert fake_api.requests == []


async def test_opening_the_same_conversation_twice_shows_it(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo = seed(data_dir, "Alpha", "Bravo")
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_open(pilot, app, alpha.id)
        await pilot.press("tab")
        app.post_message(events.Key("2", "2"))
        app.post_message(events.Key("2", "2"))
        await wait_until(pilot, lambda: "Reply about Bravo." in screen_text(app))
        await pilot.pause(0.2)
        assert app.chat.conversation.id == bravo.id
        assert "Reply about Bravo." in screen_text(app)


async def test_keys_typed_right_after_enter_stay_in_the_input(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for key in ["a", "b", "enter", "c", "d"]:
            app.post_message(events.Key(key, "\r" if key == "enter" else key))
        await wait_idle(pilot, app)
        assert app.query_one(PromptInput).text == "cd"
    assert fake_api.requests[0].body["messages"][0]["content"][0]["text"] == "ab"


async def test_a_model_id_is_shown_as_text_not_markup(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(Reply.text("Hi.", model="claude-[@click=app.quit]x[/] [link=y]z[/link]"))
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send(pilot, app, "hello")
        assert "claude-[@click=app.quit]x[/] [link=y]z[/link]" in screen_text(app)
        assert app.is_running


async def test_quitting_right_after_enter_saves_the_message(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_text(pilot, "Said just before quitting")
        await pilot.press("enter", "ctrl+q")
        await pilot.pause()
    (path,) = conversation_files(data_dir)
    messages = on_disk(data_dir, path.stem)["messages"]
    assert messages[0]["content"][0]["text"] == "Said just before quitting"
    assert all(message.get("status") != "streaming" for message in messages)


async def test_a_streaming_reply_is_checkpointed_to_disk(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    gate = Gate(after="Written so far")
    fake_api.enqueue(Reply.text("Written so far, and more", gate=gate))
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send_until_held(pilot, "go", gate)

        def checkpointed() -> bool:
            files = conversation_files(data_dir)
            messages = on_disk(data_dir, files[0].stem)["messages"] if files else []
            return len(messages) == 2 and messages[1]["content"] != []

        await wait_until(pilot, checkpointed, timeout=5, what="a checkpoint")
        (path,) = conversation_files(data_dir)
        reply = on_disk(data_dir, path.stem)["messages"][1]
        assert reply["status"] == "streaming"
        assert reply["content"][0]["text"] == "Written so far"
        gate.release()
        await wait_idle(pilot, app)
    reply = on_disk(data_dir, path.stem)["messages"][1]
    assert reply["status"] == "complete"
    assert reply["content"][0]["text"] == "Written so far, and more"


async def test_chat_keys_do_nothing_under_the_help_screen(
    settings: Settings, data_dir: Path
) -> None:
    alpha, _ = seed(data_dir, "Alpha", "Bravo")
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_open(pilot, app, alpha.id)
        await pilot.press("f1", "alt+down", "ctrl+n", "ctrl+b")
        await pilot.pause(0.2)
        assert app.chat.conversation.id == alpha.id
        await pilot.press("escape")
        await pilot.pause()
        assert "Conversations" in screen_text(app)


async def test_the_sidebar_keeps_the_users_place_when_it_refreshes(
    settings: Settings, data_dir: Path
) -> None:
    alpha, _, _ = seed(data_dir, "Alpha", "Bravo", "Charlie")
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_open(pilot, app, alpha.id)
        await pilot.press("tab", "down", "down")
        conversation_list = app.query_one(ConversationList)
        assert conversation_list.highlighted == 2
        app.chat.mutate_reactive(ChatScreen.summaries)  # what a save or the minute timer does
        await pilot.pause()
        assert conversation_list.highlighted == 2


async def test_a_crlf_split_across_chunks_renders_as_it_does_after_a_reload(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(Reply.text("line one\r\nline two", chunk_size=9))  # "…one\r" | "\n…"
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send(pilot, app, "crlf")
        await pilot.pause(0.2)
        streamed = flat(screen_text(app))
        async with app.chat.view_lock:
            await app.chat.draw()
        await pilot.pause(0.2)
        assert flat(screen_text(app)) == streamed
        assert "line one" in streamed
        assert "claude-sonnet-5-5 Message Claude" in streamed  # the reply's model line


async def test_enter_and_ctrl_q_in_one_burst_keep_the_message(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for key, char in [("h", "h"), ("i", "i"), ("enter", "\r"), ("ctrl+q", None)]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.5)
    (path,) = conversation_files(data_dir)
    assert on_disk(data_dir, path.stem)["messages"][0]["content"][0]["text"] == "hi"


async def test_enter_and_a_switch_in_one_burst_never_misplace_the_message(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    alpha, _ = seed(data_dir, "Alpha", "Bravo")
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_open(pilot, app, alpha.id)
        for key, char in [("o", "o"), ("k", "k"), ("enter", "\r"), ("ctrl+n", None)]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.5)
        await wait_idle(pilot, app)
        assert app.chat.conversation.messages == []  # nothing landed in the new conversation
        await pilot.press("alt+down")  # from the new conversation to the top of the list
        await wait_open(pilot, app, alpha.id)
        texts = [message.text for message in app.chat.conversation.messages]
        sent = bool(fake_api.requests)
        # either it was sent in Alpha before the switch, or it waits in Alpha's input box
        assert ("ok" in texts) if sent else (app.query_one(PromptInput).text == "ok")


async def test_quick_presses_of_next_add_up(settings: Settings, data_dir: Path) -> None:
    conversations = seed(data_dir, "One", "Two", "Three", "Four", "Five")
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_open(pilot, app, conversations[0].id)
        for _ in range(3):
            app.post_message(events.Key("alt+down", None))
        await wait_open(pilot, app, conversations[3].id)
        await pilot.pause(0.3)
        assert app.chat.conversation.id == conversations[3].id


async def warned_of_unsaved_words(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    """Send a message that cannot be saved, press Ctrl+Q once: the app warns instead."""
    await type_text(pilot, "cannot be saved")
    await pilot.press("enter")
    await wait_until(pilot, lambda: "Not sent" in screen_text(app))
    app.clear_notifications()
    await pilot.press("ctrl+q")
    await wait_until(pilot, lambda: "Not quitting yet" in screen_text(app))


async def test_quitting_with_unsaved_words_asks_for_a_second_ctrl_q(
    fake_api: FakeAnthropic, settings: Settings, uncreatable_dir: Path
) -> None:
    app = make_app(replace(settings, data_dir=uncreatable_dir))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await warned_of_unsaved_words(pilot, app)
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
    assert app.return_code == 0


async def test_enter_then_a_switch_to_a_conversation_in_memory_sends_where_it_was_typed(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    """Bravo is live in memory, so opening it needs no disk read and could win the race."""
    alpha, bravo = seed(data_dir, "Alpha", "Bravo")
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_open(pilot, app, alpha.id)
        app.chat.keeper.mark(ConversationStore(data_dir).load(bravo.id))
        for key, char in [("h", "h"), ("i", "i"), ("enter", "\r"), ("alt+down", None)]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.5)
        await wait_idle(pilot, app)
    in_alpha = [m["content"][0]["text"] for m in on_disk(data_dir, alpha.id)["messages"]]
    in_bravo = [m["content"][0]["text"] for m in on_disk(data_dir, bravo.id)["messages"]]
    assert "hi" in in_alpha
    assert "hi" not in in_bravo


async def test_a_reply_that_could_not_be_saved_is_saved_once_the_disk_allows(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    """The disk fails mid-reply (here the folder turns into a file; root ignores modes):
    the app says so, keeps everything on screen and in memory, and saves it afterwards."""
    gate = Gate(after="First half, ")
    fake_api.enqueue(Reply.text("First half, second half.", chunk_size=6, gate=gate))
    folder = data_dir / "conversations"
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send_until_held(pilot, "Keep this", gate)
        folder.rename(data_dir / "moved-away")
        folder.write_text("in the way")
        await type_text(pilot, "an unsent draft")
        gate.release()
        await wait_until(pilot, lambda: "Not saved" in screen_text(app), what="the notice")
        seen = flat(screen_text(app))
        assert "Nothing is lost: it stays in memory, and is saved as soon as" in seen
        assert "First half, second half." in seen
        assert app.is_running
        app.clear_notifications()

        folder.unlink()
        (data_dir / "moved-away").rename(folder)
        await wait_until(pilot, lambda: "is saved now." in flat(screen_text(app)),
                         what="the save once the disk allows", timeout=15)
        assert "“Keep this” is saved now." in flat(screen_text(app))
        assert app.chat.keeper.unsaved == []
        (path,) = conversation_files(data_dir)
        user, reply = on_disk(data_dir, path.stem)["messages"]
        assert user["content"][0]["text"] == "Keep this"
        assert (reply["status"], reply["content"][0]["text"]) == (
            "complete", "First half, second half.")
        assert app.query_one(PromptInput).text == "an unsent draft"


async def test_a_draft_that_could_not_be_saved_is_saved_once_the_disk_allows(
    settings: Settings, data_dir: Path
) -> None:
    seed(data_dir, "Alpha")
    blocker = data_dir / "drafts.json"
    blocker.mkdir()  # a folder where the file goes: every write of it fails
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: "Reply about Alpha." in screen_text(app))
        await type_text(pilot, "half a thought")
        await pilot.pause(1.0)  # the drafts are written half a second after typing stops
        assert blocker.is_dir()
        blocker.rmdir()
        await wait_until(pilot, blocker.is_file, what="the drafts to be saved", timeout=15)
        assert "half a thought" in blocker.read_text()


async def test_a_second_ctrl_q_long_after_the_warning_warns_again(
    fake_api: FakeAnthropic, settings: Settings, uncreatable_dir: Path
) -> None:
    app = make_app(replace(settings, data_dir=uncreatable_dir))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await warned_of_unsaved_words(pilot, app)
        app.clear_notifications()
        assert app._quit_warned is not None
        app._quit_warned -= 60  # as if it were a minute ago: the warning is not fresh
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: "Not quitting yet" in screen_text(app))
        assert app.is_running

