"""Many conversations, in the core: the summary index, the trash, drafts, search."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.domain.values import SchemaError
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.drafts import DraftStore
from claude_tui.store.search import search, snippet
from claude_tui.store.trash import Trash
from tests.test_storage import NOW, conversation


@pytest.fixture
def store(data_dir: Path) -> ConversationStore:
    return ConversationStore(data_dir)


# -- the index -----------------------------------------------------------------------


def titles(store: ConversationStore) -> list[str]:
    summaries, notices = store.list_summaries()
    assert notices == []
    return [summary.title for summary in summaries]


def test_listing_writes_an_index_and_later_listings_read_it(store: ConversationStore) -> None:
    store.save(conversation("a", title="Alpha"))
    assert titles(store) == ["Alpha"]
    index = json.loads(store.index.path.read_text())
    assert index["entries"]["a"][-1] == "Alpha"
    # The index is what a second listing reads for an unchanged file: prove it by
    # editing the cache alone.
    index["entries"]["a"][-1] = "From the index"
    store.index.path.write_text(json.dumps(index))
    assert titles(store) == ["From the index"]


def test_a_changed_file_is_read_again(store: ConversationStore) -> None:
    store.save(conversation("a", title="Alpha"))
    titles(store)
    store.save(conversation("a", title="Beta"))  # same size, a new file all the same
    assert titles(store) == ["Beta"]


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b'{"version": 99, "entries": {}}',
        b'{"version": 2, "entries": {"a": {"key": "x"}}}',
        b'{"version": 2, "entries": {"a": [1, 2, 3]}}',
        b'{"version": 2, "entries": {"a": [1, 2, 3, 4, "x", 1, "t"]}}',
        b'{"version": 2, "entries": []}',
        b"\xff\xfe",
    ],
)
def test_a_broken_index_is_rebuilt(store: ConversationStore, damage: bytes) -> None:
    store.save(conversation("a", title="Alpha"))
    store.save(conversation("b", title="Beta", updated=NOW - timedelta(hours=1)))
    store.ensure()
    store.index.path.write_bytes(damage)
    assert titles(store) == ["Alpha", "Beta"]
    assert set(json.loads(store.index.path.read_text())["entries"]) == {"a", "b"}


def test_deleted_and_added_files_are_noticed(store: ConversationStore) -> None:
    store.save(conversation("a", title="Alpha"))
    titles(store)
    store.path_of("a").unlink()
    store.save(conversation("b", title="Beta"))
    assert titles(store) == ["Beta"]
    assert set(json.loads(store.index.path.read_text())["entries"]) == {"b"}


def test_ten_thousand_conversations_are_listed_correctly_and_then_from_the_index(
    store: ConversationStore,
) -> None:
    store.ensure()
    template = conversation("x", replies=2).to_dict()
    for n in range(10_000):
        template.update(
            id=f"c{n:05}", title=f"Chat {n}", updated_at=(NOW - timedelta(minutes=n)).isoformat()
        )
        (store.conversations_dir / f"c{n:05}.json").write_text(json.dumps(template))
    first, notices = store.list_summaries()
    assert notices == []
    assert len(first) == 10_000
    assert [s.title for s in first[:3]] == ["Chat 0", "Chat 1", "Chat 2"]
    assert first[-1].title == "Chat 9999" and first[-1].message_count == 4
    assert len(json.loads(store.index.path.read_text())["entries"]) == 10_000
    again, _ = store.list_summaries()
    assert again == first
    store.save(conversation("c09999", title="Touched", updated=NOW + timedelta(minutes=1)))
    touched, _ = store.list_summaries()
    assert touched[0].title == "Touched" and len(touched) == 10_000


# -- the trash -----------------------------------------------------------------------


def test_delete_moves_the_file_untouched_and_restore_brings_it_back(
    store: ConversationStore,
) -> None:
    store.save(conversation("a", title="Alpha"))
    original = store.path_of("a").read_bytes()
    trash = Trash(store)
    moved = trash.put("a", NOW)
    assert not store.path_of("a").exists()
    assert moved.parent == store.root / "trash" and moved.read_bytes() == original
    assert titles(store) == []
    [item] = trash.items()
    assert (item.id, item.title, item.deleted_at) == ("a", "Alpha", NOW)
    assert trash.restore(item) == "a"
    assert store.path_of("a").read_bytes() == original
    assert trash.items() == [] and titles(store) == ["Alpha"]


def test_the_trash_is_purged_after_thirty_days_only(store: ConversationStore) -> None:
    trash = Trash(store)
    for cid, days_ago in (("old", 31), ("edge", 30), ("recent", 29)):
        store.save(conversation(cid, title=cid))
        trash.put(cid, NOW - timedelta(days=days_ago))
    assert trash.purge(NOW) == 2
    assert [item.id for item in trash.items()] == ["recent"]


def test_restoring_over_an_existing_conversation_is_refused(store: ConversationStore) -> None:
    store.save(conversation("a", title="Deleted"))
    trash = Trash(store)
    trash.put("a", NOW)
    store.save(conversation("a", title="Came back another way"))
    [item] = trash.items()
    with pytest.raises(StoreError, match="already exists"):
        trash.restore(item)
    assert item.path.exists()
    assert titles(store) == ["Came back another way"]


def test_deleting_what_is_not_on_disk_says_so(store: ConversationStore) -> None:
    with pytest.raises(StoreError, match="not saved"):
        Trash(store).put("missing", NOW)


def test_foreign_and_unreadable_files_in_the_trash(store: ConversationStore) -> None:
    trash = Trash(store)
    store.save(conversation("a"))
    moved = trash.put("a", NOW)
    moved.write_bytes(b"\xff broken")
    (trash.folder / "notes.json").write_text("{}")
    [item] = trash.items()
    assert item.id == "a" and "unreadable" in item.title


# -- drafts --------------------------------------------------------------------------


def test_drafts_round_trip_and_empty_ones_are_dropped(data_dir: Path) -> None:
    drafts = DraftStore(data_dir)
    assert drafts.load() == {}
    drafts.save({"a": "half a thought\nsecond line [bold]", "b": "", "": "new one"})
    assert DraftStore(data_dir).load() == {"a": "half a thought\nsecond line [bold]", "": "new one"}
    assert oct(os.stat(drafts.path).st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("damage", [b"", b"[]", b"\xff", b'{"version": 1, "drafts": []}'])
def test_broken_drafts_are_refused_for_the_app_to_set_aside(data_dir: Path, damage: bytes) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "drafts.json").write_bytes(damage)
    with pytest.raises(SchemaError):
        DraftStore(data_dir).load()


def test_drafts_that_are_not_text_are_left_out(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "drafts.json").write_bytes(b'{"version": 1, "drafts": {"a": 3, "b": "kept"}}')
    assert DraftStore(data_dir).load() == {"b": "kept"}


# -- search --------------------------------------------------------------------------


def chat(cid: str, *texts: str) -> Conversation:
    result = conversation(cid, title=f"Title {cid}", replies=0)
    for n, text in enumerate(texts):
        role = "user" if n % 2 == 0 else "assistant"
        result.messages.append(Message(role=role, content=[TextBlock(text)], id=f"{cid}-{n}"))
    return result


def test_search_finds_every_word_in_any_case_in_the_given_order(store: ConversationStore) -> None:
    store.save(chat("a", "How do I parse JSON in Rust?", "Use serde_json; it parses JSON."))
    store.save(chat("b", "json and rust, briefly", "Nothing here"))
    store.save(chat("c", "Only python"))
    hits = search(store, "rust JSON", ["b", "a", "c"])
    assert [(h.conversation_id, h.message_index, h.role) for h in hits] == [
        ("b", 0, "user"),
        ("a", 0, "user"),
    ]
    assert hits[1].title == "Title a" and hits[1].message_id == "a-0"
    start, end = hits[1].match
    assert hits[1].snippet[start:end].lower() == "rust"


def test_search_stops_at_the_limit_and_ignores_an_empty_query(store: ConversationStore) -> None:
    for n in range(5):
        store.save(chat(f"c{n}", "needle", "needle again"))
    order = [f"c{n}" for n in range(5)]
    assert len(search(store, "needle", order, limit=3)) == 3
    assert search(store, "   ", order) == []


def test_search_reads_live_copies_and_skips_vanished_or_broken_files(
    store: ConversationStore,
) -> None:
    store.save(chat("a", "old words"))
    live = chat("a", "old words", "brand new words")
    store.save(chat("b", "new words"))
    store.path_of("b").write_bytes(b"\xff\xfe not json")
    hits = search(store, "new", ["a", "b", "gone"], live={"a": live.to_dict()})
    assert [(h.conversation_id, h.message_index) for h in hits] == [("a", 1)]


def test_search_finds_text_that_json_escapes(store: ConversationStore) -> None:
    store.save(chat("a", 'She said "hello\\world"'))
    assert len(search(store, '"hello\\world"', ["a"])) == 1


def test_a_snippet_is_one_line_around_the_hit() -> None:
    text = "word " * 40 + "the NEEDLE\nis here " + "tail " * 40
    shown, (start, end) = snippet(text, "needle")
    assert "\n" not in shown and shown.startswith("…") and shown.endswith("…")
    assert shown[start:end] == "NEEDLE"
    assert len(shown) <= 110
