"""A real writer process (tests/crash_writer.py) killed with SIGKILL at random moments:
every conversation file left behind is whole, and is the last state the writer saved or
the one it was saving. Nothing is quarantined, nothing lost, and each restart carries on
from what the files hold."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claude_tui.domain.message import TurnStatus
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.files import LOCK_NAME
from tests.crash_writer import IDS, State, state_of, text_of

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 24
SEED = 20261125

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


class Transcript:
    """What the writer said, checked line by line against what it said before."""

    def __init__(self) -> None:
        self.saved: dict[str, State] = {}  # the last state on disk, per conversation
        self.in_flight: tuple[str, State] | None = None

    def follow(self, output: str) -> int:
        """Take in one run's output; return how many saves it completed."""
        self.in_flight = None
        saves = 0
        for line in output.splitlines(keepends=True):
            if not line.endswith("\n"):
                break  # cut by the kill
            word, conversation_id, count, length, ended = line.split()
            state = (int(count), int(length), ended == "1")
            if word == "loaded":  # a restart reads exactly what the last run left
                assert self.saved.get(conversation_id) == state, line
            elif word == "begin":
                assert self.in_flight is None, line
                self.in_flight = (conversation_id, state)
            else:
                assert word == "saved" and self.in_flight == (conversation_id, state), line
                self.saved[conversation_id] = state
                self.in_flight = None
                saves += 1
        return saves

    def allowed(self, conversation_id: str) -> set[State | None]:
        """What the file may hold now: the last saved state, or the one being written."""
        allowed: set[State | None] = {self.saved.get(conversation_id)}
        if self.in_flight is not None and self.in_flight[0] == conversation_id:
            allowed.add(self.in_flight[1])
        return allowed


def run_and_kill(data_dir: Path, rng: random.Random) -> str:
    """Start the writer, kill it at a random moment, and return all it printed."""
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_writer", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert writer.stdout is not None
    output = ""
    try:
        if rng.random() < 0.3:  # while it starts: before it reads the files, or as it does
            time.sleep(rng.uniform(0, 0.25))
        else:  # mid-run: once it has saved something, a little later
            line = ""
            while not line.startswith("saved "):
                line = writer.stdout.readline()
                assert line, f"the writer stopped on its own (exit {writer.wait()})"
                output += line
            time.sleep(rng.uniform(0, 0.15))
        writer.send_signal(signal.SIGKILL)
        output += writer.stdout.read()  # to the end: the pipe closes as the writer dies
        writer.wait(timeout=10)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL
    return output


def check_folder(store: ConversationStore, transcript: Transcript) -> dict[str, State]:
    """Check every file against the transcript; return the state each file holds."""
    folder = store.conversations_dir
    names = {path.name for path in folder.iterdir()} if folder.exists() else set()
    files = {f"{conversation_id}.json" for conversation_id in IDS}
    # Only the conversations, the lock of saves, and the temporary files of saves cut
    # short (hidden names).
    for name in names - files - {LOCK_NAME}:
        assert name.startswith(".") and name.endswith(".tmp"), name
        assert any(name.startswith(f".{file}.") for file in files), name

    on_disk: dict[str, State] = {}
    for conversation_id in IDS:
        if f"{conversation_id}.json" not in names:
            assert None in transcript.allowed(conversation_id), conversation_id
            continue
        conversation = store.load(conversation_id)  # raises if the file is not whole
        state = on_disk[conversation_id] = state_of(conversation)
        assert state in transcript.allowed(conversation_id), (conversation_id, state)
        for index, message in enumerate(conversation.messages):
            assert message.role == ("user" if index % 2 == 0 else "assistant")
            whole = text_of(conversation_id, index)
            if index < len(conversation.messages) - 1:
                assert message.text == whole
                assert message.status is TurnStatus.COMPLETE
            else:  # the newest may be a reply cut short: it reads back as interrupted
                assert whole.startswith(message.text)

    summaries, notices = store.list_summaries()
    assert notices == []
    assert not store.quarantine_dir.exists()
    assert {s.id: s.message_count for s in summaries} == {
        conversation_id: state[0] for conversation_id, state in on_disk.items()
    }
    return on_disk


def test_a_writer_killed_at_random_moments_leaves_only_whole_files(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    data_dir = tmp_path / "data"
    store = ConversationStore(data_dir)
    transcript = Transcript()
    saves = kills_mid_save = 0
    for _ in range(ROUNDS):
        saves += transcript.follow(run_and_kill(data_dir, rng))
        kills_mid_save += transcript.in_flight is not None
        transcript.saved = check_folder(store, transcript)  # what the next run must load
    # The kills fell during saves too, and the conversations grew across the runs.
    assert saves > ROUNDS
    assert kills_mid_save > 0
    assert set(transcript.saved) == set(IDS)
    assert max(count for count, _, _ in transcript.saved.values()) > 2
