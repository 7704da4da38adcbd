"""What is in the data folder cannot stop the app or the command line: text that is not
well-formed Unicode is mended as it is read, a file that cannot be read (a number Python
refuses, a FIFO, a device) is quarantined or ignored as a broken file is, and temporary
files that a killed save left behind are removed.

A FIFO or ``/dev/zero`` hangs a reader that opens it as a file: the command line runs in a
process of its own with a timeout (and a memory limit, against ``/dev/zero``), and the app
has a watchdog that opens the FIFOs' other end, so that a regression fails, never hangs.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.drafts import DraftStore
from claude_tui.store.trash import Trash
from claude_tui.tui.screens.dialogs import Choose
from tests import ui
from tests.conftest import FIXED_NOW
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import KEY, Cli, said

SURROGATE_ESCAPE = b"\\ud8"
HUGE = "9" * 5000  # a JSON integer Python refuses to read: over 4300 digits
MEMORY = 2**31  # for the command line (which needs under 400 MB): /dev/zero read whole fails


def run(cli: Cli, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``claude-tui`` run to its end, as ``Cli.run`` does, but with a limit on its memory."""

    def limited() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run(
        cli.argv(*args),
        input="",
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli.environment(KEY),
        preexec_fn=limited,
    )


def reply(text: str) -> Message:
    return Message(role="assistant", content=[TextBlock(text)])


def saved(data_dir: Path, title: str, *texts: str) -> Conversation:
    """A conversation on disk, its messages ``texts`` (a question, an answer, ...)."""
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1024)
    for n, text in enumerate(texts):
        conversation.append(Message.user(text) if n % 2 == 0 else reply(text))
    conversation.title = title
    ConversationStore(data_dir).save(conversation)
    return conversation


# -- text that is not well-formed Unicode, already on disk ------------------------------


def test_a_saved_lone_surrogate_is_sent_as_u_fffd_and_mended_on_disk_by_the_next_save(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    before = saved(cli.data_dir, "Caf\ud800", "half an emoji: \ud83d", "a reply: \udc00!")
    path = cli.data_dir / "conversations" / f"{before.id}.json"
    assert path.read_bytes().count(SURROGATE_ESCAPE) == 2  # as an older version wrote them
    fake_api.enqueue(Reply.text("Mended."))

    result = cli.run("-c", "-p", "And now?")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Mended.\n"
    assert said(fake_api.requests[0].body) == [
        ("user", "half an emoji: \ufffd"),
        ("assistant", "a reply: \ufffd!"),
        ("user", "And now?"),
    ]
    raw = path.read_bytes()
    assert b"\\ud" not in raw
    data = json.loads(raw)
    assert data["title"] == "Caf\ufffd"
    assert [m["content"][0]["text"] for m in data["messages"]] == [
        "half an emoji: \ufffd",
        "a reply: \ufffd!",
        "And now?",
        "Mended.",
    ]


async def test_the_app_sends_a_saved_lone_surrogate_as_u_fffd_and_saves_it_mended(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    before = saved(data_dir, "Caf\ud800", "half an emoji: \ud83d", "a reply: \udc00!")
    fake_api.enqueue(Reply.text("Mended."))
    async with ui.running(settings, open=before.id) as (app, pilot):
        assert "Caf\ufffd" in ui.sidebar_text(app)
        await ui.send(pilot, app, "And now?")
        assert "Mended." in ui.screen_text(app)
    assert said(fake_api.requests[0].body)[:2] == [
        ("user", "half an emoji: \ufffd"),
        ("assistant", "a reply: \ufffd!"),
    ]
    assert b"\\ud" not in (data_dir / "conversations" / f"{before.id}.json").read_bytes()


def test_drafts_trash_and_index_are_read_mended(data_dir: Path) -> None:
    store = ConversationStore(data_dir)
    kept = saved(data_dir, "Kept \udfff", "question \ud800")
    gone = saved(data_dir, "Gone \ud800", "question")
    Trash(store).put(gone.id, FIXED_NOW)
    store.list_summaries()  # writes the index (mended: it was read from the file)
    index = store.index.path.read_bytes().replace("\ufffd".encode(), b"\\udfff")
    store.index.path.write_bytes(index)  # as an older version wrote it
    DraftStore(data_dir).save({kept.id: "draft \udbff"})

    assert store.indexed_summaries()[0][0].title == "Kept \ufffd"
    assert store.list_summaries()[0][0].title == "Kept \ufffd"
    assert [item.title for item in Trash(store).items()] == ["Gone \ufffd"]
    assert DraftStore(data_dir).load() == {kept.id: "draft \ufffd"}


# -- a number Python refuses to read -------------------------------------------------


def plant_huge_numbers(data_dir: Path) -> tuple[Conversation, Conversation]:
    """Every file of the data folder that is read, with an integer of 5000 digits (and a
    good conversation, and a good one in the trash); the good ones."""
    store = ConversationStore(data_dir)
    kept, deleted = ui.seed(data_dir, "Kept", "Deleted")
    store.list_summaries()
    Trash(store).put(deleted.id, FIXED_NOW)
    broken = f'{{"schema_version": 2, "id": "huge", "max_tokens": {HUGE}, "messages": []}}'
    (data_dir / "trash" / "20261125T000000000000Z--huge.json").write_text(broken)
    (data_dir / "conversations" / "huge.json").write_text(broken)
    for name in ("drafts.json", "index.json", "usage.json", "state.json"):
        (data_dir / name).write_text(f'{{"version": 1, "drafts": {{}}, "n": {HUGE}}}')
    return kept, deleted


async def test_a_huge_number_in_drafts_or_the_trash_does_not_stop_the_app(
    settings: Settings, data_dir: Path
) -> None:
    kept, deleted = plant_huge_numbers(data_dir)
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: ui.listed_ids(app) == [kept.id], what="the list")
        await ui.wait_until(pilot, lambda: "drafts.json" in ui.seen(app), what="the notice")
        assert "Could not read drafts.json (a number in it is too long to read)" in ui.seen(app)
        app.clear_notifications()
        await ui.palette(pilot, app, "restore", "Restore from trash", opens=Choose)
        assert "(unreadable: 20261125T000000000000Z--huge.json)" in ui.seen(app)
        await pilot.press("enter")  # the one deleted last: the good one
        await ui.wait_open(pilot, app, deleted.id)
        assert "Reply about Deleted." in ui.screen_text(app)
        assert sorted(ui.listed_ids(app)) == sorted([kept.id, deleted.id])
    assert (data_dir / "quarantine" / "drafts.json").read_text().endswith(f"{HUGE}}}")
    assert (data_dir / "quarantine" / "huge.json").exists()


def test_a_huge_number_anywhere_does_not_stop_list(cli: Cli) -> None:
    kept, deleted = plant_huge_numbers(cli.data_dir)
    result = run(cli, "list")
    assert result.returncode == 0, result.stderr
    assert kept.id in result.stdout and "Kept" in result.stdout
    assert deleted.id not in result.stdout
    assert "Could not read huge.json (a number in it is too long to read)" in result.stderr
    assert "Traceback" not in result.stderr


# -- FIFOs and devices -----------------------------------------------------------------

FIFOS = ("conversations/fifo.json", "index.json", "state.json", "drafts.json", "usage.json")


def plant_fifos(data_dir: Path, *, device: bool = True) -> None:
    """FIFOs in place of a conversation and of the app's own files, and (``device``) a
    conversation that is a link to /dev/zero. What a command replaced is planted again."""
    (data_dir / "conversations").mkdir(parents=True, exist_ok=True)
    for name in FIFOS:
        path = data_dir / name
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISFIFO(path.lstat().st_mode):
                path.unlink()
        if not path.exists():
            os.mkfifo(path)
    zero = data_dir / "conversations" / "zero.json"
    if device and not zero.is_symlink():
        zero.symlink_to("/dev/zero")


def assert_set_aside_untouched(data_dir: Path) -> None:
    quarantine = data_dir / "quarantine"
    assert stat.S_ISFIFO((quarantine / "fifo.json").lstat().st_mode)
    assert os.readlink(quarantine / "zero.json") == "/dev/zero"
    assert not (data_dir / "conversations" / "fifo.json").exists()


def test_list_continue_and_export_pass_fifos_and_devices_by(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    (kept,) = ui.seed(cli.data_dir, "Kept")
    plant_fifos(cli.data_dir)
    listed = run(cli, "list")
    assert listed.returncode == 0, listed.stderr
    assert kept.id in listed.stdout
    assert "Could not read fifo.json (not a regular file but a FIFO)" in listed.stderr
    assert "Could not read zero.json (not a regular file but a device)" in listed.stderr
    assert_set_aside_untouched(cli.data_dir)

    fake_api.enqueue(Reply.text("Still here."))
    plant_fifos(cli.data_dir)
    continued = run(cli, "-c", "-p", "Are you there?")
    assert continued.returncode == 0, continued.stderr
    assert continued.stdout == "Still here.\n"
    assert said(fake_api.requests[0].body)[0] == ("user", "Kept")

    plant_fifos(cli.data_dir)
    exported = run(cli, "export", "--last")
    assert exported.returncode == 0, exported.stderr
    assert "Still here." in exported.stdout
    assert list((cli.data_dir / "quarantine").glob("fifo*.json"))


@contextlib.contextmanager
def watchdog(data_dir: Path, after: float = 30) -> Iterator[None]:
    """Once the block has run ``after`` seconds, or has failed, open the other end of every
    FIFO planted, again and again: a reader stuck on one (in a thread the app left behind,
    which the test's event loop waits for) then reads an empty file and goes on."""
    ended, failed = threading.Event(), threading.Event()

    def unblock() -> None:
        failed.wait(after)
        while not ended.wait(0.1):
            for name in FIFOS:
                with contextlib.suppress(OSError):
                    os.close(os.open(data_dir / name, os.O_WRONLY | os.O_NONBLOCK))

    threading.Thread(target=unblock, daemon=True).start()
    try:
        yield
    except BaseException:
        failed.set()  # and never ended: until the process ends
        raise
    ended.set()


async def test_the_app_lists_sends_and_quits_past_fifos(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    (kept,) = ui.seed(data_dir, "Kept")
    plant_fifos(data_dir, device=False)
    fake_api.enqueue(Reply.text("Answered."))
    with watchdog(data_dir):
        async with ui.running(settings) as (app, pilot):
            await ui.wait_until(pilot, lambda: ui.listed_ids(app) == [kept.id], what="the list")
            await ui.wait_until(pilot, lambda: "fifo.json" in ui.seen(app), what="the notice")
            assert "not a regular file but a FIFO" in ui.seen(app)
            await ui.wait_open(pilot, app, kept.id)
            await ui.send(pilot, app, "Still there?")
            assert "Answered." in ui.screen_text(app)
            await ui.quit_app(pilot, app)
    assert stat.S_ISFIFO((data_dir / "quarantine" / "fifo.json").lstat().st_mode)
    assert stat.S_ISFIFO((data_dir / "quarantine" / "drafts.json").lstat().st_mode)
    assert ui.on_disk(data_dir, kept.id)["messages"][-1]["content"][0]["text"] == "Answered."


def test_a_file_over_the_size_limit_is_quarantined(data_dir: Path) -> None:
    from claude_tui.store import files

    store = ConversationStore(data_dir)
    (kept,) = ui.seed(data_dir, "Kept")
    big = store.conversations_dir / "big.json"
    with big.open("wb") as file:
        file.truncate(files.CONVERSATION_LIMIT + 1)  # sparse: no disk taken
    summaries, notices = store.list_summaries()
    assert [s.id for s in summaries] == [kept.id]
    assert [n.message for n in notices] == [
        f"Could not read big.json (larger than 256 MB); it was moved untouched to "
        f"{store.quarantine_dir / 'big.json'}"
    ]


# -- temporary files left by a killed save -----------------------------------------------


def test_stale_temporary_files_of_ours_are_removed_at_start(cli: Cli) -> None:
    (kept,) = ui.seed(cli.data_dir, "Kept")
    folder = cli.data_dir / "conversations"
    hours_ago = time.time() - 2 * 3600

    def planted(path: Path, *, old: bool = True) -> Path:
        path.write_bytes(b"x" * 1000)
        if old:
            os.utime(path, (hours_ago, hours_ago))
        return path

    left = planted(folder / f".{kept.id}.json.k3j_h5g6.tmp")
    left_in_root = planted(cli.data_dir / ".index.json.abcd1234.tmp")
    in_progress = planted(folder / f".{kept.id}.json.a1b2c3d4.tmp", old=False)
    not_ours = [planted(folder / ".notes.tmp"), planted(folder / "draft.tmp")]
    not_a_file = folder / ".other.json.zzzzzzzz.tmp"
    os.mkfifo(not_a_file)
    os.utime(not_a_file, (hours_ago, hours_ago))
    link = folder / ".linked.json.yyyyyyyy.tmp"
    link.symlink_to(not_ours[0])

    result = run(cli, "list")

    assert result.returncode == 0, result.stderr
    assert kept.id in result.stdout
    assert not left.exists() and not left_in_root.exists()
    assert in_progress.exists()  # (a save of another copy, maybe)
    assert all(path.exists() for path in not_ours)
    assert stat.S_ISFIFO(not_a_file.lstat().st_mode) and link.is_symlink()
    assert result.stderr == ""
