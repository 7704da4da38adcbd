"""Colour on the command line: only on a terminal, and never with ``NO_COLOR`` set to
anything (https://no-color.org), in ``-p``, ``chat``, ``list`` and ``import``.

Standard output and error are each a pseudo-terminal here, as in a person's shell."""

from __future__ import annotations

import os
import pty
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import Cli

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
ESC = "\x1b["


@dataclass
class OnTerminal:
    returncode: int
    stdout: str
    stderr: str


def _drain(master: int, sink: bytearray) -> None:
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the other side is closed
            return
        if not chunk:
            return
        sink.extend(chunk)


def on_terminal(cli: Cli, *args: str, stdin: str = "", colour: str | None = None) -> OnTerminal:
    """Run with standard output and error on terminals of their own; NO_COLOR set to
    ``colour`` (unset when None)."""
    env = cli.environment("test-key")
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm-256color"
    if colour is not None:
        env["NO_COLOR"] = colour
    out_master, out_slave = pty.openpty()
    err_master, err_slave = pty.openpty()
    sinks = (bytearray(), bytearray())
    readers = [
        threading.Thread(target=_drain, args=(master, sink), daemon=True)
        for master, sink in zip((out_master, err_master), sinks, strict=True)
    ]
    for reader in readers:
        reader.start()
    try:
        process = subprocess.run(
            cli.argv(*args),
            input=stdin.encode(),
            stdout=out_slave,
            stderr=err_slave,
            env=env,
            timeout=60,
        )
    finally:
        os.close(out_slave)
        os.close(err_slave)
    for reader in readers:
        reader.join(timeout=10)
    os.close(out_master)
    os.close(err_master)
    out, err = (sink.decode(errors="replace").replace("\r\n", "\n") for sink in sinks)
    return OnTerminal(process.returncode, out, err)


@pytest.fixture
def imported(cli: Cli) -> Cli:
    result = cli.run("import", str(EXPORTS / "claude_conversations.json"))
    assert result.returncode == 0, result.stderr
    return cli


def test_list_has_a_bold_heading_on_a_terminal_and_none_with_no_color(imported: Cli) -> None:
    coloured = on_terminal(imported, "list")
    assert coloured.returncode == 0
    assert coloured.stdout.startswith(f"{ESC}1mID ")
    plain = on_terminal(imported, "list", colour="1")
    assert plain.returncode == 0
    assert plain.stdout.startswith("ID ")
    assert ESC not in plain.stdout + plain.stderr
    assert plain.stdout == coloured.stdout.replace(f"{ESC}1m", "").replace(f"{ESC}0m", "")


def test_list_through_a_pipe_has_no_colour(imported: Cli) -> None:
    result = imported.run("list")
    assert result.stdout.startswith("ID ")
    assert ESC not in result.stdout


def test_print_s_error_is_red_on_a_terminal_and_plain_with_no_color(cli: Cli) -> None:
    cli.config.write_text("max_retries = 0\nmodel = 7\n")  # a config error, before any request
    coloured = on_terminal(cli, "-p", "hello")
    assert coloured.returncode == 2
    assert coloured.stderr.startswith(f"{ESC}1;31mclaude-tui:{ESC}0m ")
    plain = on_terminal(cli, "-p", "hello", colour="yes")
    assert plain.stderr.startswith("claude-tui: ")
    assert ESC not in plain.stderr


def test_print_s_reply_and_notes_have_no_colour_with_no_color(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Hi.", stop_reason="max_tokens"))
    result = on_terminal(cli, "-p", "hello", colour="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hi.\n"
    assert "Claude reached" in result.stderr  # a note, told without colour
    assert ESC not in result.stderr


def test_chat_s_heading_is_bold_on_a_terminal_and_plain_with_no_color(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Hello!"), Reply.text("Hello!"))
    coloured = on_terminal(cli, "chat", stdin="hi\n")
    assert coloured.returncode == 0, coloured.stderr
    assert f"{ESC}1mClaude:{ESC}0m Hello!" in coloured.stdout
    assert f"{ESC}2mTalking with" in coloured.stderr
    plain = on_terminal(cli, "chat", stdin="hi\n", colour="1")
    assert "Claude: Hello!" in plain.stdout
    assert ESC not in plain.stdout + plain.stderr


def test_an_empty_no_color_leaves_colour_on(imported: Cli) -> None:
    """no-color.org: only a NO_COLOR set to something turns colour off."""
    assert on_terminal(imported, "list", colour="").stdout.startswith(f"{ESC}1mID ")


def test_import_s_progress_bar_has_colour_only_without_no_color(cli: Cli) -> None:
    export = str(EXPORTS / "chatgpt_conversations.json")
    coloured = on_terminal(cli, "import", export)
    assert coloured.returncode == 0, coloured.stderr
    assert "Reading chatgpt_conversations.json" in coloured.stderr
    assert f"{ESC}38;" in coloured.stderr  # the bar's colours
    plain = on_terminal(cli, "import", export, colour="1")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("Imported chatgpt_conversations.json (ChatGPT")
    assert "━" in plain.stderr  # the bar, drawn
    assert f"{ESC}38;" not in plain.stderr
