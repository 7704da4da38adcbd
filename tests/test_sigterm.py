"""SIGTERM (or SIGHUP: the terminal closed) to the full-screen app: it quits as Ctrl+Q
does (a draft kept, a streaming reply saved as it is) and gives the terminal back (no app
screen, no mouse mode)."""

from __future__ import annotations

import re
import signal

import pytest
from benchmarks.terminal import Terminal

from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.test_cli_harness import KEY, Cli

ENTER_APP_SCREEN = b"\x1b[?1049h"
LEAVE_APP_SCREEN = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"
SWITCHES = re.compile(rb"(\x1b\[[?<>]?[0-9;]*[a-zA-Z])*")  # modes set, nothing drawn


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["term", "hup"])
def test_sigterm_saves_the_streaming_reply_and_the_draft_and_restores_the_terminal(
    cli: Cli, fake_api: FakeAnthropic, number: int
) -> None:
    gate = Gate(after="Half a")
    fake_api.enqueue(Reply.text("Half a reply, and the rest.", gate=gate))
    env = {**cli.environment(KEY), "TERM": "xterm-256color"}
    terminal = Terminal(cli.argv("Tell me everything"), env=env, cwd=cli.data_dir.parent)
    try:
        terminal.wait_for("Half a", timeout=60)
        gate.wait_held(timeout=60)
        terminal.send("unsent words")
        terminal.wait_for("unsent words", timeout=60)
        terminal.process.send_signal(number)
        status = terminal.process.wait(60)
    finally:
        gate.release()
        terminal.close()
    assert status == 128 + number  # as a shell reports it
    output = bytes(terminal._raw)
    after = output[output.rindex(ENTER_APP_SCREEN) :]
    assert LEAVE_APP_SCREEN in after and MOUSE_OFF in after
    assert SWITCHES.fullmatch(output[output.rindex(LEAVE_APP_SCREEN) :]), output[-300:]
    reply = cli.only_conversation()["messages"][1]
    assert reply["content"][0]["text"] == "Half a"
    assert reply["status"] != "streaming"
    assert "unsent words" in (cli.data_dir / "drafts.json").read_text()
