"""Merging two copies goes by message ids (domain/merge.py): every message read has one of
its own that every reader agrees on, and two messages sharing one both survive.

In the style of tests/test_two_copies.py: each copy is a ConversationKeeper on its own
store, as two processes would have, and the command line runs for real as another copy.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.conversations import ConversationStore, encode
from claude_tui.store.keeper import ConversationKeeper
from tests import ui
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import Cli, said
from tests.test_two_copies import copy, reply, started


def file_of(data_dir: Path, conversation_id: str) -> Path:
    return data_dir / "conversations" / f"{conversation_id}.json"


def rewrite(data_dir: Path, conversation_id: str, change: Any) -> None:
    """Change the file as a person (or another program) would: ``change(data)``, the
    layout kept (one message a line, which a save reuses when it can)."""
    path = file_of(data_dir, conversation_id)
    data = json.loads(path.read_text())
    change(data)
    path.write_bytes(encode(data))


def without_ids(data: dict[str, Any]) -> None:
    for message in data["messages"]:
        del message["id"]


def every_text(data_dir: Path, conversation_id: str) -> Counter[str]:
    """How often each text is on disk, on the branch shown and on the others."""
    data = ui.on_disk(data_dir, conversation_id)
    return Counter(
        " ".join(block["text"] for block in message["content"])
        for message in [*data["messages"], *data.get("branches", [])]
    )


async def opened_twice(
    data_dir: Path, change: Any
) -> tuple[str, ConversationKeeper, Conversation, ConversationKeeper, Conversation]:
    """A conversation saved, its file changed by ``change`` (see :func:`rewrite`), then
    opened by two copies: its id, and each copy with what it opened."""
    conversation_id = await started(data_dir)
    rewrite(data_dir, conversation_id, change)
    one, two = copy(data_dir), copy(data_dir)
    return (
        conversation_id,
        one,
        await one.load(conversation_id),
        two,
        await two.load(conversation_id),
    )


def ids_on_disk(data_dir: Path, conversation_id: str) -> list[str]:
    return [message.get("id") for message in ui.on_disk(data_dir, conversation_id)["messages"]]


async def test_messages_without_ids_are_read_with_the_same_ids_by_every_reader(
    data_dir: Path,
) -> None:
    conversation_id, one, mine, _, theirs = await opened_twice(data_dir, without_ids)
    ids = [message.id for message in mine.messages]
    assert ids == [message.id for message in theirs.messages]
    assert len(set(ids)) == 2 and all(ids)

    mine.append(Message.user("and so"))
    await one.save(mine)
    assert ids_on_disk(data_dir, conversation_id)[:2] == ids  # kept from now on


async def test_a_turn_saved_by_two_copies_of_a_file_without_ids_is_not_duplicated(
    data_dir: Path,
) -> None:
    conversation_id, one, mine, two, theirs = await opened_twice(data_dir, without_ids)
    mine.append(Message.user("from one"))
    await one.save(mine)
    theirs.append(Message.user("from two"))
    assert await two.save(theirs) is True
    assert every_text(data_dir, conversation_id) == Counter(
        ["first", "first answer", "from one", "from two"]
    )


async def test_a_turn_of_the_command_line_in_a_file_without_ids_is_not_duplicated(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    data_dir = cli.data_dir
    conversation_id = ui.save_exchanges(data_dir, 1).id  # "Question number 0", "Answer 0."
    rewrite(data_dir, conversation_id, without_ids)
    app = copy(data_dir)  # as the app holds the conversation open
    shown = await app.load(conversation_id)
    fake_api.enqueue(Reply.text("Answer in the terminal."))

    result = await asyncio.to_thread(cli.run, "-c", "-p", "Asked in the terminal")
    assert result.returncode == 0, result.stderr
    assert said(fake_api.requests[0].body)[:2] == [
        ("user", "Question number 0"),
        ("assistant", "Answer 0."),
    ]

    shown.append(Message.user("Asked in the app"))
    assert await app.save(shown) is True
    assert every_text(data_dir, conversation_id) == Counter(
        [
            "Question number 0",
            "Answer 0.",
            "Asked in the terminal",
            "Answer in the terminal.",
            "Asked in the app",
        ]
    )


async def test_two_messages_of_one_file_that_share_an_id_are_both_kept(data_dir: Path) -> None:
    def one_id(data: dict[str, Any]) -> None:
        data["messages"][1]["id"] = data["messages"][0]["id"]

    conversation_id, one, mine, two, theirs = await opened_twice(data_dir, one_id)
    first_id = ids_on_disk(data_dir, conversation_id)[0]
    assert [m.text for m in mine.messages] == ["first", "first answer"]
    assert mine.messages[0].id == first_id
    assert mine.messages[1].id != first_id
    assert [m.id for m in theirs.messages] == [m.id for m in mine.messages]

    mine.append(Message.user("from one"))
    await one.save(mine)
    assert ids_on_disk(data_dir, conversation_id) == [m.id for m in mine.messages]
    theirs.append(Message.user("from two"))
    await two.save(theirs)
    assert every_text(data_dir, conversation_id) == Counter(
        ["first", "first answer", "from one", "from two"]
    )


async def test_when_two_copies_hold_other_words_under_one_id_both_are_kept_once(
    data_dir: Path,
) -> None:
    conversation_id = await started(data_dir)
    one, two = copy(data_dir), copy(data_dir)
    mine = await one.load(conversation_id)

    def said_otherwise(data: dict[str, Any]) -> None:  # as an edit by hand would
        data["messages"][0]["content"][0]["text"] = "said otherwise"

    rewrite(data_dir, conversation_id, said_otherwise)
    theirs = await two.load(conversation_id)

    mine.append(Message.user("from one"))
    assert await one.save(mine) is True
    assert every_text(data_dir, conversation_id) == Counter(
        ["first", "said otherwise", "first answer", "from one"]
    )
    theirs.append(Message.user("from two"))
    assert await two.save(theirs) is True
    everything = Counter(["first", "said otherwise", "first answer", "from one", "from two"])
    assert every_text(data_dir, conversation_id) == everything
    mine.append(reply("answer in one"))
    assert await one.save(mine) is True
    assert every_text(data_dir, conversation_id) == everything + Counter(["answer in one"])

    data = ui.on_disk(data_dir, conversation_id)
    ids = [message["id"] for message in [*data["messages"], *data["branches"]]]
    assert len(ids) == len(set(ids))
    reread = ConversationStore(data_dir).load(conversation_id)
    assert sorted(message.id for message in reread.every_message) == sorted(ids)
