"""A data folder synced between machines: the conflict copies that Syncthing, Dropbox,
iCloud Drive and git leave are merged into their conversation, nothing lost, and the copy
goes to the trash."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.store.conflict_names import conflict_of
from claude_tui.store.conflicts import ConflictNotice, listing
from claude_tui.store.conversations import ConversationStore, QuarantineNotice, encode
from claude_tui.store.trash import Trash
from tests import ui
from tests.conftest import FIXED_NOW
from tests.test_cli_harness import Cli

ID = "5f0c3a9e2b7d4c1e8a6f0b3d9e2c7a41"

# The names each tool gives the second copy of <ID>.json
SYNCTHING = f"{ID}.sync-conflict-20261203-101010-ABCDEF7.json"
DROPBOX = f"{ID} (Jane's conflicted copy 2026-12-03).json"
DROPBOX_OLD = f"{ID} (conflicted copy 2026-12-03).json"
GIT = f"{ID}.json.orig"
ICLOUD = f"{ID} 2.json"
EVERY_KIND = [SYNCTHING, DROPBOX, DROPBOX_OLD, GIT, ICLOUD]


def message(role: str, text: str, minutes: int) -> Message:
    return Message(
        role=role,
        content=[TextBlock(text)],
        status=TurnStatus.COMPLETE,
        created_at=FIXED_NOW + timedelta(minutes=minutes),
    )


def two_machines() -> tuple[Conversation, Conversation]:
    """One conversation as two machines saved it: a common start, then a turn each."""
    here = Conversation(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        id=ID,
        title="Trip plans",
        title_set_by_user=True,
    )
    here.append(message("user", "Where to go in May?", 0))
    here.append(message("assistant", "Lisbon is lovely in May.", 1))
    there = Conversation.from_dict(here.to_dict())
    here.append(message("user", "Asked on the laptop", 10))
    here.append(message("assistant", "Answered on the laptop", 11))
    there.append(message("user", "Asked on the desktop", 20))
    there.append(message("assistant", "Answered on the desktop", 21))
    there.title = "Renamed on the desktop"  # (the conversation's own title stays)
    return here, there


IN_ORDER_BEGUN = [
    "Where to go in May?",
    "Lisbon is lovely in May.",
    "Asked on the laptop",
    "Answered on the laptop",
    "Asked on the desktop",
    "Answered on the desktop",
]
EVERY_TEXT = set(IN_ORDER_BEGUN)


def texts_on_disk(data_dir: Path) -> list[str]:
    """Every message the conversation's file holds, on its branch and off it."""
    data = ui.on_disk(data_dir, ID)
    return [
        " ".join(block["text"] for block in m["content"])
        for m in [*data["messages"], *data.get("branches", [])]
    ]


def write_pair(data_dir: Path, copy_name: str) -> bytes:
    """The laptop's file as the conversation, the desktop's as the conflict copy; the
    copy's bytes."""
    here, there = two_machines()
    ConversationStore(data_dir).save(here)
    raw = encode(there.to_dict())
    (data_dir / "conversations" / copy_name).write_bytes(raw)
    return raw


def in_trash(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "trash").glob("*.json"))


@pytest.mark.parametrize("name", EVERY_KIND)
def test_a_conflict_copy_is_merged_and_moved_to_the_trash(data_dir: Path, name: str) -> None:
    raw = write_pair(data_dir, name)
    store = ConversationStore(data_dir)

    summaries, notices = listing(store, FIXED_NOW)

    assert [s.id for s in summaries] == [ID]  # the copy is not a conversation of its own
    assert summaries[0].title == "Trip plans"
    texts = texts_on_disk(data_dir)
    assert set(texts) == EVERY_TEXT and len(texts) == len(EVERY_TEXT)
    assert [m.text for m in store.load(ID).messages] == IN_ORDER_BEGUN  # both turns
    assert not (data_dir / "conversations" / name).exists()
    (trashed,) = in_trash(data_dir)
    assert trashed.read_bytes() == raw  # moved untouched
    assert not (data_dir / "quarantine").exists()
    (notice,) = notices
    assert notice.message == (
        "“Trip plans”: merged the conflict copy a sync tool left (2 messages only it had). "
        f"The copy, {name}, is in the trash."
    )
    (item,) = Trash(store).items()
    assert item.merged_copy and item.id == ID
    assert Trash(store).deleted() == []  # never offered for restoring


def test_merging_again_adds_nothing_twice(data_dir: Path) -> None:
    """A crash after the conversation was written and before the copy left: the next
    start merges the copy again."""
    raw = write_pair(data_dir, SYNCTHING)
    store = ConversationStore(data_dir)
    listing(store, FIXED_NOW)
    merged = ui.on_disk(data_dir, ID)
    (data_dir / "conversations" / SYNCTHING).write_bytes(raw)

    _, notices = listing(store, FIXED_NOW)

    assert ui.on_disk(data_dir, ID) == merged
    assert [n.message for n in notices] == [
        "“Trip plans”: merged the conflict copy a sync tool left (it had no message that "
        f"was not there). The copy, {SYNCTHING}, is in the trash."
    ]
    assert len(in_trash(data_dir)) == 2  # both copies kept there, neither over the other


def test_several_copies_of_one_conversation_are_all_merged(data_dir: Path) -> None:
    here, there = two_machines()
    third = Conversation.from_dict(there.to_dict())
    third.messages[2:] = [message("user", "Asked on the phone", 30)]
    store = ConversationStore(data_dir)
    store.save(here)
    folder = data_dir / "conversations"
    (folder / SYNCTHING).write_bytes(encode(there.to_dict()))
    (folder / DROPBOX).write_bytes(encode(third.to_dict()))

    _, notices = listing(store, FIXED_NOW)

    assert set(texts_on_disk(data_dir)) == EVERY_TEXT | {"Asked on the phone"}
    assert len(notices) == 2 and len(in_trash(data_dir)) == 2
    assert sorted(path.name for path in folder.iterdir() if not path.name.startswith(".")) == [
        f"{ID}.json"
    ]


def test_a_copy_whose_conversation_is_gone_becomes_it(data_dir: Path) -> None:
    _, there = two_machines()
    folder = data_dir / "conversations"
    folder.mkdir(parents=True)
    (folder / DROPBOX).write_bytes(encode(there.to_dict()))

    summaries, notices = listing(ConversationStore(data_dir), FIXED_NOW)

    assert [s.id for s in summaries] == [ID]
    assert texts_on_disk(data_dir) == [m.text for m in there.messages]
    assert "(4 messages only it had)" in notices[0].message


def test_an_unreadable_copy_is_quarantined_untouched(data_dir: Path) -> None:
    here, _ = two_machines()
    store = ConversationStore(data_dir)
    store.save(here)
    before = ui.on_disk(data_dir, ID)
    broken = b'{"schema_version": 2, "id": "' + ID.encode() + b'", "messa'  # cut short
    (data_dir / "conversations" / SYNCTHING).write_bytes(broken)

    summaries, notices = listing(store, FIXED_NOW)

    assert [s.id for s in summaries] == [ID]
    assert ui.on_disk(data_dir, ID) == before
    assert (data_dir / "quarantine" / SYNCTHING).read_bytes() == broken
    (notice,) = notices
    assert isinstance(notice, QuarantineNotice)
    assert notice.message.startswith(f"Could not read {SYNCTHING} (")


def test_a_copy_of_another_conversation_is_quarantined_not_merged(data_dir: Path) -> None:
    here, there = two_machines()
    store = ConversationStore(data_dir)
    store.save(here)
    other = {**there.to_dict(), "id": "0" * 32}
    (data_dir / "conversations" / SYNCTHING).write_bytes(encode(other))

    _, notices = listing(store, FIXED_NOW)

    assert set(texts_on_disk(data_dir)) == {m.text for m in here.messages}
    assert json.loads((data_dir / "quarantine" / SYNCTHING).read_text())["id"] == "0" * 32
    assert "its id does not match its file name" in notices[0].message


def test_a_copy_that_cannot_be_moved_now_stays_for_the_next_time(data_dir: Path) -> None:
    write_pair(data_dir, SYNCTHING)
    (data_dir / "trash").write_text("a file where the trash folder goes")

    summaries, notices = listing(ConversationStore(data_dir), FIXED_NOW)

    assert [s.id for s in summaries] == [ID]
    assert set(texts_on_disk(data_dir)) == EVERY_TEXT  # merged all the same
    folder = data_dir / "conversations"
    assert (folder / SYNCTHING).exists()
    assert not (data_dir / "quarantine").exists()
    (notice,) = notices
    assert isinstance(notice, ConflictNotice)
    assert notice.message.startswith(f"Could not merge the sync conflict copy {SYNCTHING}: ")
    assert notice.message.endswith("; it stays where it is")

    (data_dir / "trash").unlink()
    _, notices = listing(ConversationStore(data_dir), FIXED_NOW)
    assert "(it had no message that was not there)" in notices[0].message
    assert not (folder / SYNCTHING).exists()
    assert set(texts_on_disk(data_dir)) == EVERY_TEXT


def test_a_git_backup_with_conflict_markers_is_read_as_both_sides(
    data_dir: Path, tmp_path: Path
) -> None:
    """A real ``git merge`` of the conversation changed on two machines: its file with
    conflict markers, kept as ``.orig`` (as ``git mergetool`` does), and the laptop's side
    checked out."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    here, there = two_machines()
    repo = data_dir
    folder = repo / "conversations"
    folder.mkdir(parents=True)
    base = Conversation.from_dict(here.to_dict())
    base.messages[2:] = []

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=repo,
            check=False,
            capture_output=True,
        )

    path = folder / f"{ID}.json"
    git("init", "-q", "-b", "laptop")
    path.write_bytes(encode(base.to_dict()))
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "desktop")
    path.write_bytes(encode(there.to_dict()))
    git("commit", "-qam", "desktop")
    git("checkout", "-q", "laptop")
    path.write_bytes(encode(here.to_dict()))
    git("commit", "-qam", "laptop")
    git("merge", "desktop")
    assert b"<<<<<<<" in path.read_bytes()  # git could not merge it by lines
    shutil.copy(path, folder / GIT)
    git("checkout", "--ours", str(path))

    _, notices = listing(ConversationStore(data_dir), FIXED_NOW)

    assert set(texts_on_disk(data_dir)) == EVERY_TEXT
    assert "(2 messages only it had)" in notices[0].message
    assert not (folder / GIT).exists()


@pytest.mark.parametrize(
    ("name", "of"),
    [
        (SYNCTHING, ID),
        (DROPBOX, ID),
        (f"{ID} (Jane\u2019s conflicted copy 2026-12-03).json", ID),
        (f"{ID} (conflicted copy 2026-12-03 (1)).json", ID),
        (DROPBOX_OLD, ID),
        (GIT, ID),
        (ICLOUD, ID),
        (f"{ID} 13.json", ID),
        (f"{ID}.json", None),
        ("my notes 2.json", None),  # not an id this app makes: too risky to take as a copy
        (f".{ID}.json.abcd1234.tmp", None),
        (f"{ID}.sync-conflict-2026-ABC.json", None),
    ],
)
def test_the_names_sync_tools_give(name: str, of: str | None) -> None:
    assert conflict_of(name) == of


# -- the app and the command line --------------------------------------------------


async def test_the_app_merges_at_start_and_says_so(settings: Settings, data_dir: Path) -> None:
    raw = write_pair(data_dir, SYNCTHING)
    async with ui.running(settings, open=ID) as (app, pilot):
        notice = "merged the conflict copy a sync tool left (2 messages only it had)"
        await ui.wait_until(pilot, lambda: notice in ui.seen(app), what="the notice")
        assert "Sync conflict merged" in ui.seen(app)
        assert ui.listed_ids(app) == [ID]
        shown = ui.screen_text(app)
        assert "Answered on the laptop" in shown and "Answered on the desktop" in shown
        assert "Conversation file not read" not in ui.seen(app)
    assert set(texts_on_disk(data_dir)) == EVERY_TEXT
    assert in_trash(data_dir)[0].read_bytes() == raw


def test_list_merges_first_and_shows_the_conversation_once(tmp_path: Path) -> None:
    cli = Cli.make("http://127.0.0.1:9", tmp_path)  # nothing here talks to the API
    write_pair(cli.data_dir, DROPBOX)

    result = cli.run("list", "--json")

    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    assert [(row["id"], row["message_count"]) for row in rows] == [(ID, 6)]
    assert "merged the conflict copy a sync tool left (2 messages only it had)" in result.stderr
    assert not (cli.data_dir / "quarantine").exists()


async def test_a_copy_that_arrives_while_the_app_runs_is_merged_and_shown(
    settings: Settings, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ui.disk_checked_every(monkeypatch, 0.1)
    here, there = two_machines()
    ConversationStore(data_dir).save(here)
    async with ui.running(settings, open=ID) as (app, pilot):
        assert "Answered on the desktop" not in ui.screen_text(app)
        (data_dir / "conversations" / SYNCTHING).write_bytes(encode(there.to_dict()))
        await ui.wait_until(
            pilot,
            lambda: "Answered on the desktop" in ui.screen_text(app),
            what="the merged conversation to be shown",
        )
        assert "merged the conflict copy a sync tool left" in ui.seen(app)
        assert ui.listed_ids(app) == [ID]
    assert set(texts_on_disk(data_dir)) == EVERY_TEXT
    assert not (data_dir / "conversations" / SYNCTHING).exists()
