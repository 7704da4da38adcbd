"""The conversation store (core/storage.py): files on disk, quarantine, last open."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import SCHEMA_VERSION, UNBRANCHED_SCHEMA, Conversation
from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore, ConversationUnreadable, StoreError
from claude_tui.store.files import LOCK_NAME

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(data_dir: Path) -> ConversationStore:
    return ConversationStore(data_dir)


def conversation(
    conversation_id: str, *, title: str = "A chat", updated: datetime = NOW, replies: int = 1
) -> Conversation:
    result = Conversation(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        system="Be brief.",
        id=conversation_id,
        title=title,
        created_at=NOW - timedelta(days=1),
        updated_at=updated,
    )
    for n in range(replies):
        result.messages.append(
            Message(
                role="user", content=[TextBlock(f"Question {n} — é")], id=f"u{n}", created_at=NOW
            )
        )
        result.messages.append(
            Message(
                role="assistant",
                content=[TextBlock(f"Answer {n}")],
                id=f"a{n}",
                created_at=NOW,
                response_id=f"msg_{n}",
                model="claude-sonnet-5-5",
                stop_reason="end_turn",
                usage=Usage(10, 20, 3, 4),
            )
        )
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- saving and loading ----------------------------------------------------------


def test_save_then_load_gives_the_same_conversation(store: ConversationStore) -> None:
    original = conversation("abc123", replies=2)
    original.messages.append(
        Message(
            role="assistant",
            content=[TextBlock("partial")],
            id="a-failed",
            created_at=NOW,
            status=TurnStatus.FAILED,
            error=ErrorInfo(kind="interrupted", title="Broke off", status_code=None),
        )
    )
    store.save(original)
    assert store.load("abc123") == original


def test_the_file_is_pretty_human_readable_json(store: ConversationStore) -> None:
    store.save(conversation("abc123"))
    path = store.conversations_dir / "abc123.json"
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert text.startswith('{\n  "schema_version": 2,\n')
    assert text.endswith("}\n")
    assert "Question 0 — é" in text  # not \u-escaped
    assert json.loads(text)["schema_version"] == UNBRANCHED_SCHEMA


def test_files_are_private_and_no_temporary_files_are_left(
    store: ConversationStore, data_dir: Path
) -> None:
    for n in range(3):
        store.save(conversation("abc123", title=f"version {n}"))
    store.save(conversation("def456"))
    store.set_last_open("abc123")
    assert mode(data_dir) == 0o700
    assert mode(store.conversations_dir) == 0o700
    assert sorted(p.name for p in store.conversations_dir.iterdir()) == [
        LOCK_NAME,  # the lock of saves (empty)
        "abc123.json",
        "def456.json",
    ]
    assert sorted(p.name for p in data_dir.iterdir()) == ["conversations", "state.json"]
    for path in [*store.conversations_dir.iterdir(), store.state_file]:
        assert mode(path) == 0o600, path
    assert store.load("abc123").title == "version 2"


def test_loading_a_missing_conversation_raises_store_error(store: ConversationStore) -> None:
    with pytest.raises(StoreError, match="no longer exists"):
        store.load("nothere")


@pytest.mark.parametrize("bad_id", ["a/b", "../etc/passwd", ".hidden", "..", ""])
def test_path_of_rejects_ids_that_are_not_plain_names(
    store: ConversationStore, bad_id: str
) -> None:
    with pytest.raises(StoreError):
        store.path_of(bad_id)
    with pytest.raises(StoreError):
        store.load(bad_id)


def test_saving_under_a_bad_id_writes_nothing(store: ConversationStore, data_dir: Path) -> None:
    with pytest.raises(StoreError):
        store.save(conversation("../escaped"))
    assert not (data_dir / "escaped.json").exists()
    assert not store.conversations_dir.exists() or list(store.conversations_dir.iterdir()) == []


# -- listing ---------------------------------------------------------------------


def test_summaries_are_newest_first_with_message_counts(store: ConversationStore) -> None:
    store.save(conversation("old", title="Old", updated=NOW - timedelta(days=3), replies=1))
    store.save(conversation("new", title="New", updated=NOW, replies=3))
    store.save(conversation("mid", title="Mid", updated=NOW - timedelta(hours=2), replies=2))
    summaries, notices = store.list_summaries()
    assert notices == []
    assert [(s.id, s.title, s.message_count) for s in summaries] == [
        ("new", "New", 6),
        ("mid", "Mid", 4),
        ("old", "Old", 2),
    ]
    assert summaries[0].updated_at == NOW


def test_an_empty_store_lists_nothing(store: ConversationStore) -> None:
    assert store.list_summaries() == ([], [])


# -- quarantine ------------------------------------------------------------------

BAD_FILES = {
    "badjson": b'{"schema_version": 1, "id": "badjson",',
    "latin1": '{"schema_version": 1, "title": "caf\xe9"}'.encode("latin-1"),
    "shape": b"[1, 2, 3]\n",
    "noversion": b'{"id": "noversion", "title": "x", "messages": []}',
}


def test_unreadable_files_are_quarantined_untouched_and_reported(store: ConversationStore) -> None:
    store.save(conversation("good", title="Good one"))
    store.ensure()
    for name, raw in BAD_FILES.items():
        (store.conversations_dir / f"{name}.json").write_bytes(raw)

    summaries, notices = store.list_summaries()

    assert [s.id for s in summaries] == ["good"]
    assert sorted(n.original.name for n in notices) == sorted(f"{n}.json" for n in BAD_FILES)
    for notice in notices:
        name = notice.original.stem
        assert notice.moved_to == store.quarantine_dir / f"{name}.json"
        assert notice.moved_to.read_bytes() == BAD_FILES[name]
        assert not notice.original.exists()
        assert f"{name}.json" in notice.message
        assert str(notice.moved_to) in notice.message
        assert notice.reason
    reasons = {n.original.stem: n.reason for n in notices}
    assert "JSON" in reasons["badjson"]
    assert "UTF-8" in reasons["latin1"]
    assert mode(store.quarantine_dir) == 0o700
    # The next listing is clean, and the good conversation is still there.
    assert [s.id for s in store.list_summaries()[0]] == ["good"]
    assert store.list_summaries()[1] == []


def test_a_file_whose_id_does_not_match_its_name_is_quarantined(store: ConversationStore) -> None:
    store.save(conversation("real"))
    raw = (store.conversations_dir / "real.json").read_bytes()
    (store.conversations_dir / "copy.json").write_bytes(raw)
    summaries, notices = store.list_summaries()
    assert [s.id for s in summaries] == ["real"]
    assert [n.original.name for n in notices] == ["copy.json"]
    assert notices[0].moved_to.read_bytes() == raw


def test_loading_an_unreadable_file_quarantines_it(store: ConversationStore) -> None:
    store.ensure()
    raw = b'{"schema_version": 1, "id": "broken", "messages": "nope"}'
    path = store.conversations_dir / "broken.json"
    path.write_bytes(raw)
    with pytest.raises(ConversationUnreadable) as caught:
        store.load("broken")
    assert isinstance(caught.value, StoreError)
    assert caught.value.notice.moved_to.read_bytes() == raw
    assert not path.exists()
    assert "broken.json" in str(caught.value)


def test_quarantining_a_second_file_of_the_same_name_keeps_the_first(
    store: ConversationStore,
) -> None:
    store.ensure()
    path = store.conversations_dir / "same.json"
    path.write_bytes(b"first {")
    first = store.list_summaries()[1]
    path.write_bytes(b"second {")
    second = store.list_summaries()[1]
    path.write_bytes(b"third {")
    third = store.list_summaries()[1]
    moved = [first[0].moved_to, second[0].moved_to, third[0].moved_to]
    assert len(set(moved)) == 3
    assert [p.read_bytes() for p in moved] == [b"first {", b"second {", b"third {"]
    assert sorted(p.name for p in store.quarantine_dir.iterdir()) == sorted(p.name for p in moved)


def newer_file(store: ConversationStore, conversation_id: str, **changes: object) -> bytes:
    data = conversation(conversation_id).to_dict()
    data["schema_version"] = SCHEMA_VERSION + 1
    data.update(changes)
    raw = json.dumps(data, indent=2).encode()
    store.ensure()
    (store.conversations_dir / f"{conversation_id}.json").write_bytes(raw)
    return raw


def test_a_newer_schema_file_is_read_as_read_only_and_left_alone(store: ConversationStore) -> None:
    raw = newer_file(store, "future", new_field={"x": 1})
    path = store.conversations_dir / "future.json"
    assert store.load("future").read_only
    assert path.read_bytes() == raw
    assert not store.quarantine_dir.exists()
    summaries, notices = store.list_summaries()
    assert notices == []
    assert [s.id for s in summaries] == ["future"]
    assert path.read_bytes() == raw


def test_a_newer_schema_file_with_a_new_shape_is_not_quarantined_by_the_listing(
    store: ConversationStore,
) -> None:
    raw = newer_file(store, "future", messages={"stored_in": "future/"})
    path = store.conversations_dir / "future.json"
    store.list_summaries()
    with pytest.raises(StoreError, match=r"newer claude-tui .*update claude-tui") as caught:
        store.load("future")
    assert not isinstance(caught.value, ConversationUnreadable)
    assert path.read_bytes() == raw
    assert not store.quarantine_dir.exists()


# -- last open -------------------------------------------------------------------


def test_last_open_round_trips(store: ConversationStore) -> None:
    assert store.last_open() is None
    store.set_last_open("abc123")
    assert store.last_open() == "abc123"
    assert json.loads(store.state_file.read_text()) == {"last_open": "abc123"}
    store.set_last_open(None)
    assert store.last_open() is None


@pytest.mark.parametrize(
    "raw", [b"{not json", b"\xff\xfe\x00", b"[1, 2]", b'{"last_open": 5}', b'"abc"']
)
def test_a_corrupt_state_file_gives_none(store: ConversationStore, raw: bytes) -> None:
    store.ensure()
    store.state_file.write_bytes(raw)
    assert store.last_open() is None


# -- saving through the keeper: ended messages are encoded once and reused ------------


async def test_keeper_saves_exactly_what_to_dict_says_as_a_reply_grows_and_ends(
    store: ConversationStore,
) -> None:
    from claude_tui.store.conversations import encode
    from claude_tui.store.keeper import ConversationKeeper

    keeper = ConversationKeeper(store)
    chat = conversation("grow", replies=3)
    await keeper.save(chat)
    assert store.path_of("grow").read_bytes() == encode(chat.to_dict())
    reply = Message(
        role="assistant",
        content=[TextBlock("Half")],
        status=TurnStatus.STREAMING,
        id="r",
        created_at=NOW,
    )
    chat.messages += [Message.user("More?"), reply]
    await keeper.save(chat)  # a checkpoint
    assert store.load("grow").messages[-1].text == "Half"
    reply.content[0] = TextBlock("Half and the rest")
    reply.status, reply.stop_reason = TurnStatus.COMPLETE, "end_turn"
    await keeper.save(chat)
    assert store.path_of("grow").read_bytes() == encode(chat.to_dict())
    assert store.load("grow").to_dict() == chat.to_dict()

    # The same ids in a copy read back from disk (and changed) are not taken for the old.
    again = store.load("grow")
    again.messages[0].content = [TextBlock("Edited elsewhere")]
    await keeper.save(again)
    assert store.load("grow").messages[0].text == "Edited elsewhere"


async def test_a_save_under_way_is_not_taken_for_one_that_failed(
    store: ConversationStore,
) -> None:
    """The app's disk check saves again what a failed save left (and says "is saved now"):
    a save still under way, waiting for the folder's lock, is not one of those."""
    import asyncio

    from claude_tui.store.files import folder_lock
    from claude_tui.store.keeper import ConversationKeeper

    keeper = ConversationKeeper(store)
    chat = conversation("slow", replies=1)
    store.ensure()
    with folder_lock(store.conversations_dir):  # another copy of the app is writing
        saving = asyncio.ensure_future(keeper.save(chat))
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert not saving.done()
        assert keeper.unsaved == []
    await saving
    assert keeper.unsaved == []
    assert store.load("slow").to_dict() == chat.to_dict()


def test_the_file_has_one_message_a_line(store: ConversationStore) -> None:
    store.save(conversation("lines", replies=2))
    lines = store.path_of("lines").read_text().splitlines()
    assert lines[-3:] == [lines[-3], "  ]", "}"]
    message_lines = [line for line in lines if line.startswith('    {"id": ')]
    assert len(message_lines) == 4
    assert all(json.loads(line.rstrip(","))["content"] for line in message_lines)


async def test_a_loaded_conversation_is_saved_again_from_its_files_lines(
    store: ConversationStore,
) -> None:
    from claude_tui.store.conversations import encode, encode_message
    from claude_tui.store.keeper import ConversationKeeper

    store.save(conversation("lines", replies=3))
    stored = store.read("lines")
    assert stored.lines == [encode_message(m.to_dict()) for m in stored.conversation.messages]
    keeper = ConversationKeeper(store)
    chat = await keeper.load("lines")
    chat.append(Message.user('One more, with a newline\nand "quotes"'))
    await keeper.save(chat)
    assert store.path_of("lines").read_bytes() == encode(chat.to_dict())
    assert store.load("lines").messages[-1].text == 'One more, with a newline\nand "quotes"'


def test_a_file_in_another_layout_gives_no_lines(store: ConversationStore) -> None:
    data = conversation("old", replies=2).to_dict()
    store.ensure()
    store.path_of("old").write_text(json.dumps(data, indent=2))  # an older version's layout
    stored = store.read("old")
    assert stored.lines is None and len(stored.conversation.messages) == 4
