"""The trash and attached files (store/trash.py): a conversation in the trash keeps its
files and gets them back when restored; files nothing names any more are removed once a
day old, when the trash is purged (as the app does at start, in a thread)."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tui.config import Settings
from claude_tui.domain.attachments import Attachment
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.attachments import AttachmentStore
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.trash import Trash
from tests import files, ui
from tests.conftest import FIXED_NOW

DAY = timedelta(days=1)


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore(tmp_path / "data")


def _now() -> datetime:
    return datetime.now(UTC)


def _attach(store: ConversationStore, path: Path, *, age: timedelta = 2 * DAY) -> Attachment:
    """Keep the file as the app does, written ``age`` ago."""
    attachment = AttachmentStore(store.root).add(path)
    when = time.time() - age.total_seconds()
    os.utime(AttachmentStore(store.root).path_of(attachment), (when, when))
    return attachment


def _save(store: ConversationStore, *attachments: Attachment) -> Conversation:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1024)
    conversation.messages.append(Message.user("Look", attachments))
    conversation.messages.append(Message(role="assistant", content=[TextBlock("Seen.")]))
    store.save(conversation)
    return conversation


def _kept(store: ConversationStore) -> set[str]:
    folder = AttachmentStore(store.root).folder
    return {path.name for path in folder.iterdir() if not path.name.startswith(".")}


def test_a_conversation_in_the_trash_keeps_its_files_and_gets_them_back_restored(
    store: ConversationStore, tmp_path: Path
) -> None:
    shot = _attach(store, files.image(tmp_path / "shot.png"))
    conversation = _save(store, shot)
    trash = Trash(store)
    trash.put(conversation.id, _now())
    assert trash.prune_attachments(_now() + 2 * DAY) == []
    assert _kept(store) == {shot.file_name}
    (item,) = trash.items()
    trash.restore(item)
    restored = store.load(conversation.id)
    assert restored.messages[0].attachments == [shot]
    assert AttachmentStore(store.root).read(shot) == (tmp_path / "shot.png").read_bytes()


def test_purging_the_trash_removes_the_files_only_it_named(
    store: ConversationStore, tmp_path: Path
) -> None:
    shared = _attach(store, files.image(tmp_path / "shared.png", 10, 10))
    own = _attach(store, files.pdf(tmp_path / "own.pdf"))
    deleted = _save(store, shared, own)
    _save(store, shared)  # another conversation holds the shared file
    trash = Trash(store)
    trash.put(deleted.id, _now() - 31 * DAY)
    assert trash.purge(_now()) == 1
    assert _kept(store) == {shared.file_name}


def test_an_unnamed_file_is_removed_only_once_a_day_old(
    store: ConversationStore, tmp_path: Path
) -> None:
    named = _attach(store, files.image(tmp_path / "named.png", 10, 10))
    _save(store, named)
    old = _attach(store, files.text(tmp_path / "old.txt", "old\n"))
    new = _attach(store, files.text(tmp_path / "new.txt", "new\n"), age=timedelta(hours=1))
    removed = Trash(store).prune_attachments(_now())
    assert [path.name for path in removed] == [old.file_name]
    assert _kept(store) == {named.file_name, new.file_name}


def test_a_file_a_draft_names_stays(store: ConversationStore, tmp_path: Path) -> None:
    drafted = _attach(store, files.image(tmp_path / "drafted.png"))
    (store.root / "drafts.json").write_text(
        json.dumps({"version": 1, "drafts": {"": "about this"}, "files": [drafted.to_dict()]})
    )
    assert Trash(store).prune_attachments(_now()) == []
    assert _kept(store) == {drafted.file_name}


def test_nothing_is_removed_while_a_conversation_file_cannot_be_read(
    store: ConversationStore, tmp_path: Path
) -> None:
    orphan = _attach(store, files.image(tmp_path / "orphan.png"))
    store.ensure()
    os.mkfifo(store.conversations_dir / "odd.json")  # it might name the file
    assert Trash(store).prune_attachments(_now()) == []
    assert _kept(store) == {orphan.file_name}
    os.unlink(store.conversations_dir / "odd.json")
    assert [p.name for p in Trash(store).prune_attachments(_now())] == [orphan.file_name]


def test_a_purge_looks_for_unnamed_files_once_a_day_unless_it_emptied_something(
    store: ConversationStore, tmp_path: Path
) -> None:
    trash = Trash(store)
    _attach(store, files.text(tmp_path / "first.txt", "1\n"))
    trash.purge(_now())
    assert _kept(store) == set()  # the first purge of the day removed it
    second = _attach(store, files.text(tmp_path / "second.txt", "2\n"))
    trash.purge(_now() + timedelta(hours=1))
    assert _kept(store) == {second.file_name}  # not again the same day
    trash.purge(_now() + DAY + timedelta(hours=1))
    assert _kept(store) == set()
    third = _attach(store, files.text(tmp_path / "third.txt", "3\n"))
    deleted = _save(store, third)
    trash.put(deleted.id, _now() - 31 * DAY)
    trash.purge(_now() + DAY + timedelta(hours=2))  # it emptied a conversation: at once
    assert _kept(store) == set()


async def test_the_app_removes_unnamed_files_at_start_and_keeps_the_rest(
    settings: Settings, data_dir: Path, tmp_path: Path
) -> None:
    store = ConversationStore(data_dir)
    named = _attach(store, files.image(tmp_path / "named.png", 10, 10))
    conversation = _save(store, named)
    unnamed = _attach(store, files.text(tmp_path / "unnamed.txt", "left behind\n"))
    unnamed_path = AttachmentStore(data_dir).path_of(unnamed)
    before = (FIXED_NOW - 2 * DAY).timestamp()  # two days before the app's clock
    for path in AttachmentStore(data_dir).folder.iterdir():
        os.utime(path, (before, before))
    async with ui.running(settings, open=conversation.id) as (app, pilot):
        await ui.wait_until(pilot, lambda: not unnamed_path.exists(), what="unnamed file gone")
        await ui.quit_app(pilot, app)
    assert _kept(store) == {named.file_name}
