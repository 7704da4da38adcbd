"""Two copies of claude-tui on one data directory never overwrite each other's turns.

Each copy is a :class:`ConversationKeeper` on its own store, as two processes would have;
the app tests run the real command line as the second copy.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.errors import INTERRUPTED
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.store.conversations import ConversationStore, encode
from claude_tui.store.files import LOCK_NAME, write_atomic
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.store.trash import Trash
from tests import ui
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import Cli


def copy(data_dir: Path) -> ConversationKeeper:
    return ConversationKeeper(ConversationStore(data_dir))


def reply(text: str, status: TurnStatus = TurnStatus.COMPLETE) -> Message:
    return Message(role="assistant", content=[TextBlock(text)], status=status)


def texts(data_dir: Path, conversation_id: str) -> list[str]:
    return [
        " ".join(block["text"] for block in message["content"])
        for message in ui.on_disk(data_dir, conversation_id)["messages"]
    ]


async def started(data_dir: Path) -> str:
    conversation = Conversation(model="m", max_tokens=100)
    conversation.append(Message.user("first"))
    conversation.append(reply("first answer"))
    await copy(data_dir).save(conversation)
    return conversation.id


async def test_turns_saved_by_two_copies_are_all_kept_in_the_order_they_began(
    data_dir: Path,
) -> None:
    conversation_id = await started(data_dir)
    one, two = copy(data_dir), copy(data_dir)
    mine, theirs = await one.load(conversation_id), await two.load(conversation_id)

    mine.append(Message.user("from one"))
    assert await one.save(mine) is False  # nobody else wrote: a plain save
    theirs.append(Message.user("from two"))
    theirs.append(reply("answer to two"))
    assert await two.save(theirs) is True  # merged what one saved first
    assert [m.text for m in theirs.messages] == [
        "first",
        "first answer",
        "from one",
        "from two",
        "answer to two",
    ]

    mine.append(reply("answer to one"))
    assert await one.save(mine) is True
    assert texts(data_dir, conversation_id) == [
        "first",
        "first answer",
        "from one",
        "from two",
        "answer to two",
        "answer to one",
    ]
    assert [m.text for m in mine.messages] == texts(data_dir, conversation_id)


async def test_the_copy_streaming_a_reply_keeps_it_whole(data_dir: Path) -> None:
    conversation_id = await started(data_dir)
    one, two = copy(data_dir), copy(data_dir)
    mine = await one.load(conversation_id)
    mine.append(Message.user("question"))
    streaming = reply("the first half", TurnStatus.STREAMING)
    mine.append(streaming)
    await one.save(mine)  # a checkpoint: the other copy reads it as cut short

    theirs = await two.load(conversation_id)
    assert theirs.messages[-1].error == INTERRUPTED
    theirs.append(Message.user("meanwhile, in the other window"))
    await two.save(theirs)

    streaming.content[0] = TextBlock("the first half and the second half")
    streaming.status = TurnStatus.COMPLETE
    assert await one.save(mine) is True
    saved = ui.on_disk(data_dir, conversation_id)["messages"]
    assert [m.get("status") for m in saved] == [None, "complete", None, "complete", None]
    assert saved[3]["content"][0]["text"] == "the first half and the second half"

    theirs.append(Message.user("and more"))
    await two.save(theirs)  # its cut-short copy of the reply does not win
    saved = ui.on_disk(data_dir, conversation_id)["messages"]
    assert saved[3]["status"] == "complete"
    assert saved[3]["content"][0]["text"] == "the first half and the second half"
    assert [m["content"][0]["text"] for m in saved][-2:] == [
        "meanwhile, in the other window",
        "and more",
    ]


async def test_a_reply_read_as_cut_short_is_saved_as_cut_short(data_dir: Path) -> None:
    conversation_id = await started(data_dir)
    one = copy(data_dir)
    mine = await one.load(conversation_id)
    mine.append(reply("half", TurnStatus.STREAMING))
    await one.save(mine)  # a checkpoint, then the copy is gone

    two = copy(data_dir)
    theirs = await two.load(conversation_id)
    theirs.append(Message.user("next"))
    await two.save(theirs)
    saved = ui.on_disk(data_dir, conversation_id)["messages"][2]
    assert (saved["status"], saved["error"]["kind"]) == ("failed", INTERRUPTED.kind)


async def test_a_rename_in_one_copy_survives_a_turn_in_the_other(data_dir: Path) -> None:
    conversation_id = await started(data_dir)
    one, two = copy(data_dir), copy(data_dir)
    mine, theirs = await one.load(conversation_id), await two.load(conversation_id)
    mine.title, mine.title_set_by_user = "Renamed in one", True
    await one.save(mine)
    theirs.append(Message.user("a turn in two"))
    await two.save(theirs)
    saved = ui.on_disk(data_dir, conversation_id)
    assert (saved["title"], saved["title_set_by_user"]) == ("Renamed in one", True)
    assert saved["messages"][-1]["content"][0]["text"] == "a turn in two"
    theirs.title = "Renamed in two, later"  # both changed it: the later save wins
    await two.save(theirs)
    mine.append(Message.user("a turn in one"))
    await one.save(mine)
    assert ui.on_disk(data_dir, conversation_id)["title"] == "Renamed in two, later"
    assert texts(data_dir, conversation_id)[-2:] == ["a turn in two", "a turn in one"]


async def test_a_conversation_the_other_copy_deleted_is_written_again(data_dir: Path) -> None:
    conversation_id = await started(data_dir)
    one = copy(data_dir)
    mine = await one.load(conversation_id)
    (data_dir / "conversations" / f"{conversation_id}.json").unlink()
    mine.append(Message.user("still here"))
    assert await one.save(mine) is False
    assert texts(data_dir, conversation_id) == ["first", "first answer", "still here"]


# -- the app, with the command line as the other copy -----------------------------------


async def test_the_open_conversation_shows_a_turn_another_copy_added(
    fake_api: FakeAnthropic,
    settings: Settings,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ui.disk_checked_every(monkeypatch, 0.25)
    (plans,) = ui.seed(data_dir, "Plans")
    fake_api.enqueue(Reply.text("Answer in the terminal."), Reply.text("Answer in the app."))
    cli = Cli.make(fake_api.url, tmp_path)
    async with ui.running(settings, open=plans.id) as (app, pilot):
        result = await asyncio.to_thread(
            cli.run, "--data-dir", str(data_dir), "-c", "-p", "Asked in the terminal"
        )
        assert result.returncode == 0, result.stderr

        # One look for both: the notice lasts 6 s, and on a loaded machine a look can take
        # longer than that, so a second wait could begin after the notice has gone.
        def both_shown() -> bool:
            seen = ui.seen(app)
            return "Answer in the terminal." in seen and "changed by another claude-tui" in seen

        await ui.wait_until(
            pilot, both_shown, what="the other copy's turn, and the notice after its redraw"
        )
        await ui.send(pilot, app, "Asked in the app")
        assert "Answer in the app." in ui.seen(app)
    assert texts(data_dir, plans.id)[-4:] == [
        "Asked in the terminal",
        "Answer in the terminal.",
        "Asked in the app",
        "Answer in the app.",
    ]


async def test_a_turn_another_copy_saves_while_a_reply_streams_is_merged(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path, tmp_path: Path
) -> None:
    (plans,) = ui.seed(data_dir, "Plans")
    slowly = "Streaming in the app, slowly, for a few seconds after the other copy saved."
    gate = ui.held_reply(fake_api, slowly, after="Streaming ", chunk_size=2, delay=0.05)
    fake_api.enqueue(Reply.text("Answer in the terminal."))
    cli = Cli.make(fake_api.url, tmp_path)
    held = replace(settings, request_timeout=60)  # held while the other copy runs
    async with ui.running(held, open=plans.id) as (app, pilot):
        await ui.send_until_held(pilot, "Asked in the app", gate)
        await ui.wait_until(
            pilot,
            lambda: (
                ui.on_disk(data_dir, plans.id)["messages"][-1]["content"][0]["text"] == "Streaming "
            ),
            what="a checkpoint",
        )
        result = await asyncio.to_thread(
            cli.run, "--data-dir", str(data_dir), "-c", "-p", "Asked in the terminal"
        )
        assert result.returncode == 0, result.stderr
        gate.release()
        await ui.wait_until(
            pilot, lambda: "Answer in the terminal." in ui.seen(app), what="the merged turn to show"
        )
        assert ui.replying(app)  # merged by a checkpoint, shown while the reply streams
        assert "Another claude-tui saved “Plans” too." in ui.seen(app)
        await ui.wait_idle(pilot, app)
        assert slowly in ui.seen(app)
    saved = ui.on_disk(data_dir, plans.id)["messages"]
    assert [m["content"][0]["text"] for m in saved][-4:] == [
        "Asked in the app",
        slowly,
        "Asked in the terminal",
        "Answer in the terminal.",
    ]
    assert [m.get("status") for m in saved][-4:] == [None, "complete", None, "complete"]


async def test_the_open_conversation_broken_from_outside_is_saved_again_from_the_screen(
    settings: Settings, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ui.disk_checked_every(monkeypatch, 0.25)
    (plans,) = ui.seed(data_dir, "Plans")
    path = data_dir / "conversations" / f"{plans.id}.json"
    async with ui.running(settings, open=plans.id) as (app, pilot):
        broken = data_dir / "broken.tmp"
        broken.write_text("oops")
        broken.replace(path)  # at once: never seen half written
        await ui.wait_until(
            pilot,
            lambda: "The copy on screen is saved in its place." in ui.seen(app),
            what="the notice",
        )
        assert f"{plans.id}.json" in ui.seen(app)
        await ui.wait_idle(pilot, app)  # the save the notice speaks of (it comes first)
    assert (data_dir / "quarantine" / f"{plans.id}.json").read_text() == "oops"
    assert texts(data_dir, plans.id) == ["Plans", "Reply about Plans."]


async def test_conversations_another_copy_creates_or_deletes_come_and_go_in_the_list(
    settings: Settings, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ui.disk_checked_every(monkeypatch, 0.25)
    alpha, bravo = ui.seed(data_dir, "Alpha", "Bravo")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        elsewhere = Conversation(model="m", max_tokens=100)
        elsewhere.append(Message.user("Made in the other window"))
        await copy(data_dir).save(elsewhere)
        await ui.wait_until(
            pilot,
            lambda: "Made in the other window" in ui.sidebar_text(app),
            what="the new conversation listed",
        )
        Trash(ConversationStore(data_dir)).put(bravo.id, datetime.now(UTC))  # by the other
        await ui.wait_until(
            pilot, lambda: "Bravo" not in ui.sidebar_text(app), what="the deleted one gone"
        )
        assert "Alpha" in ui.sidebar_text(app)


async def test_a_save_waits_while_another_copy_holds_the_folder_and_then_merges(
    data_dir: Path,
) -> None:
    """Seen once as a flaky session test: between our check that the file is unchanged and
    our write, another copy's save landed, and ours replaced it (their turn lost)."""
    conversation_id = await started(data_dir)
    keeper = copy(data_dir)
    ours = await keeper.load(conversation_id)
    theirs = ConversationStore(data_dir)
    their_copy = theirs.load(conversation_id)
    their_copy.append(Message.user("Asked elsewhere"))
    ours.append(Message.user("Asked here"))
    folder = data_dir / "conversations"
    with lock_of(folder):  # another copy is saving right now
        saving = asyncio.ensure_future(keeper.save(ours))
        await asyncio.wait([saving], timeout=2)  # a save that does not wait ends here
        write_atomic(theirs.path_of(conversation_id), encode(their_copy.to_dict()))
    assert await saving  # it found their save, and merged it
    assert texts(data_dir, conversation_id)[-2:] in (
        ["Asked elsewhere", "Asked here"],
        ["Asked here", "Asked elsewhere"],
    )


@contextmanager
def lock_of(folder: Path) -> Iterator[None]:
    """The folder's lock, held as another copy of the app holds it while it saves."""
    descriptor = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
