"""``claude-tui -p``: one reply printed, the exchange saved; run for real against the fake API."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.message import Message
from claude_tui.store.conversations import ConversationStore
from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.test_cli_harness import KEY, Cli, Running, said


def test_the_reply_streams_to_stdout_and_the_exchange_is_saved(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Apples, pears and plums.", chunk_size=5))
    result = cli.run(
        "-p",
        "--model",
        "claude-haiku-5-5",
        "--system",
        "Be brief.",
        "--max-tokens",
        "300",
        "Name three fruits",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Apples, pears and plums.\n"
    assert result.stderr == ""
    body = fake_api.requests[0].body
    assert body["stream"] is True
    assert (body["model"], body["system"], body["max_tokens"]) == (
        "claude-haiku-5-5",
        "Be brief.",
        300,
    )
    assert said(body) == [("user", "Name three fruits")]
    saved = cli.only_conversation()
    assert (saved["title"], saved["model"], saved["system"], saved["max_tokens"]) == (
        "Name three fruits",
        "claude-haiku-5-5",
        "Be brief.",
        300,
    )
    user, reply = saved["messages"]
    assert user["content"] == [{"type": "text", "text": "Name three fruits"}]
    assert reply["status"] == "complete"
    assert reply["content"][0]["text"] == "Apples, pears and plums."
    assert cli.last_open() == saved["id"]  # -c and the app follow it


def test_the_prompt_can_come_from_stdin_or_from_both(cli: Cli, fake_api: FakeAnthropic) -> None:
    fake_api.enqueue(Reply.text("one"), Reply.text("two"))
    piped = cli.run("-p", stdin="What is 2+2?\n")
    both = cli.run("-p", "Summarize this:", stdin="line one\n  indented line\n\n")
    assert (piped.returncode, piped.stdout) == (0, "one\n")
    assert (both.returncode, both.stdout) == (0, "two\n")
    assert said(fake_api.requests[0].body) == [("user", "What is 2+2?")]
    assert said(fake_api.requests[1].body) == [
        ("user", "Summarize this:\n\nline one\n  indented line")
    ]
    assert len(cli.conversations()) == 2


def test_continue_sends_the_history_and_keeps_the_conversation_settings(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Uno."), Reply.text("Dos."))
    assert cli.run("-p", "Count in Spanish").returncode == 0
    result = cli.run("-p", "-c", "--model", "claude-opus-5-5", "And then?")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Dos.\n"
    assert "Continuing “Count in Spanish” (2 messages" in result.stderr
    assert "apply to new conversations" in result.stderr
    second = fake_api.requests[1].body
    assert second["model"] == "claude-sonnet-5-5"  # the conversation's own, not --model
    assert said(second) == [
        ("user", "Count in Spanish"),
        ("assistant", "Uno."),
        ("user", "And then?"),
    ]
    saved = cli.only_conversation()
    assert [m["role"] for m in saved["messages"]] == ["user", "assistant"] * 2


def test_a_refused_key_is_explained_on_stderr_and_saved_as_failed(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.error(401))
    result = cli.run("-p", "hello")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "claude-tui: The API key was refused."
    assert "invalid x-api-key · HTTP 401 · request id req_" in lines[1]
    assert lines[2] == ("  Check ANTHROPIC_API_KEY (or api_key in the config file).")
    user, reply = cli.only_conversation()["messages"]
    assert user["content"][0]["text"] == "hello"  # saved before the request went out
    assert (reply["status"], reply["error"]["kind"], reply["content"]) == ("failed", "auth", [])


def test_a_dropped_stream_keeps_the_text_that_arrived(cli: Cli, fake_api: FakeAnthropic) -> None:
    fake_api.enqueue(Reply.drop_mid_stream("The first half of", chunk_size=6))
    result = cli.run("-p", "Tell me a story")
    assert result.returncode == 1
    assert result.stdout == "The first half of\n"
    assert result.stderr.startswith("claude-tui: The connection broke off mid-reply.\n")
    reply = cli.only_conversation()["messages"][1]
    assert reply["status"] == "failed"
    assert reply["error"]["kind"] == "interrupted"
    assert reply["content"] == [{"type": "text", "text": "The first half of"}]


def test_an_unreachable_api_is_an_error_in_words(cli: Cli, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cli.url = f"http://127.0.0.1:{port}"  # nothing listens there now
    result = cli.run("-p", "anyone there?")
    assert result.returncode == 1
    assert result.stderr.startswith("claude-tui: Could not reach the API.\n")
    assert f"Connecting to http://127.0.0.1:{port} failed." in result.stderr
    assert cli.only_conversation()["messages"][1]["error"]["kind"] == "connection"


def test_without_a_key_nothing_is_sent_or_saved(cli: Cli, fake_api: FakeAnthropic) -> None:
    result = cli.run("-p", "hello", key=None)
    assert result.returncode == 1
    assert result.stderr.startswith("claude-tui: No API key is set.\n")
    assert "export ANTHROPIC_API_KEY=" in result.stderr
    assert fake_api.requests == []
    assert cli.conversations() == []


@pytest.mark.parametrize("args", [("-p",), ("-p", "   ")])
def test_an_empty_prompt_is_a_usage_error(
    cli: Cli, fake_api: FakeAnthropic, args: tuple[str, ...]
) -> None:
    result = cli.run(*args, stdin="\n \n")
    assert result.returncode == 2
    assert "claude-tui: nothing to send" in result.stderr
    assert fake_api.requests == []


def test_control_codes_never_reach_the_terminal_and_crlf_split_across_chunks_is_one_newline(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("ab\r\ncd\x1b[2J\x07\tend", chunk_size=3))
    result = cli.run("-p", "hi")
    assert result.returncode == 0
    assert result.stdout == "ab\ncd\u241b[2J\u2407\tend\n"
    # the file keeps the reply as it came
    assert cli.only_conversation()["messages"][1]["content"][0]["text"] == (
        "ab\r\ncd\x1b[2J\x07\tend"
    )


def test_ctrl_c_stops_the_reply_saves_it_as_stopped_and_exits_130(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    gate = Gate(after="So far ")
    fake_api.enqueue(Reply.text("So far so good", gate=gate))
    running = cli.start("-p", "go")
    running.close_input()  # (piped input is read to its end before anything is sent)
    try:
        running.wait_for_output("So far ")
        running.interrupt()
        status = running.finish()
    finally:
        gate.release()
        running.kill()
    assert status == 130
    assert running.stdout == "So far \n"
    assert "Stopped. What arrived is kept." in running.stderr
    assert "Traceback" not in running.stderr
    reply = cli.only_conversation()["messages"][1]
    assert reply["status"] == "stopped"
    assert reply["content"] == [{"type": "text", "text": "So far "}]


def test_a_prompt_named_like_a_command_goes_after_double_dash(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Listed."))
    result = cli.run("-p", "--", "list")
    assert (result.returncode, result.stdout) == (0, "Listed.\n")
    assert said(fake_api.requests[0].body) == [("user", "list")]


def test_a_stalled_reply_is_checkpointed_while_the_process_waits(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    cli.config.write_text("max_retries = 0\nrequest_timeout = 120\n")  # it waits that long
    gate = Gate(after="Half an answer")
    fake_api.enqueue(Reply.text("Half an answer, and the rest.", gate=gate))
    running = cli.start("-p", "go")
    running.close_input()
    try:
        running.wait_for_output("Half an answer")
        _wait_for_checkpoint(cli, "Half an answer", running)  # nothing more arrives meanwhile
        running.process.kill()  # no chance to save anything more
        running.process.wait(30)
    finally:
        gate.release()
        running.kill()
    reply = cli.only_conversation()["messages"][1]
    assert reply["status"] == "streaming"
    assert reply["content"] == [{"type": "text", "text": "Half an answer"}]


def _wait_for_checkpoint(cli: Cli, text: str, running: Running) -> None:
    """Until the first reply is on disk, still streaming, with ``text``: a checkpoint saved
    it while ``running`` waits for the rest."""
    deadline = time.monotonic() + 60
    while _saved_reply(cli) != ("streaming", text):
        assert time.monotonic() < deadline, f"no checkpoint; on disk: {cli.conversations()}"
        assert running.process.poll() is None, running.stderr
        time.sleep(0.05)


def _saved_reply(cli: Cli) -> tuple[str, str] | None:
    """The first reply on disk, (status, text), if it is saved yet."""
    conversations = cli.conversations()
    if not conversations or len(conversations[0]["messages"]) < 2:
        return None
    reply = conversations[0]["messages"][1]
    return reply["status"], "".join(block.get("text", "") for block in reply["content"])


def test_a_message_that_cannot_be_saved_is_not_sent(cli: Cli, fake_api: FakeAnthropic) -> None:
    cli.data_dir.mkdir()
    (cli.data_dir / "conversations").write_text("")  # a file where the folder must be
    result = cli.run("-p", "hello")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"claude-tui: not sent, because it could not be saved: Could not save to "
        f"{cli.data_dir / 'conversations'}"
    )
    assert fake_api.requests == []


def test_a_reader_that_stops_early_ends_it_with_141_and_the_reply_saved_as_stopped(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    gate = Gate(after="line one\n")
    fake_api.enqueue(Reply.text("line one\nline two\n", chunk_size=9, gate=gate))
    process = subprocess.Popen(
        cli.argv("-p", "two lines"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli.environment(KEY),
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        assert process.stdout.readline() == b"line one\n"  # like `| head -1`
        process.stdout.close()
        gate.release()
        assert process.wait(timeout=60) == 141
    finally:
        gate.release()
        if process.poll() is None:
            process.kill()
    assert process.stderr.read() == b""
    reply = cli.only_conversation()["messages"][1]
    assert reply["status"] == "stopped"
    assert reply["content"][0]["text"].startswith("line one\n")


def test_a_turn_another_copy_saved_meanwhile_is_merged_and_said(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    cli.config.write_text("max_retries = 0\nrequest_timeout = 120\n")  # held meanwhile
    gate = Gate(after="Mine ")
    fake_api.enqueue(Reply.text("Mine in the terminal.", gate=gate))
    running = cli.start("-p", "Asked in the terminal")
    running.close_input()
    try:
        _wait_for_checkpoint(cli, "Mine ", running)
        store = ConversationStore(cli.data_dir)  # another copy of claude-tui
        theirs = store.read(cli.only_conversation()["id"]).conversation
        theirs.append(Message.user("Asked elsewhere"))
        theirs.append(Message(role="assistant", content=[TextBlock("Answered elsewhere.")]))
        store.save(theirs)
        gate.release()
        status = running.finish(timeout=60)
    finally:
        gate.release()
        running.kill()
    assert status == 0, running.stderr
    assert running.stdout == "Mine in the terminal.\n"
    assert running.stderr == (
        "(Another claude-tui saved this conversation meanwhile; its messages were merged in.)\n"
    )
    texts = [m["content"][0]["text"] for m in cli.only_conversation()["messages"]]
    assert sorted(texts) == sorted(
        ["Asked in the terminal", "Mine in the terminal.", "Asked elsewhere", "Answered elsewhere."]
    )


@pytest.mark.parametrize(("interrupted", "status"), [(False, 1), (True, 130)])
def test_a_reply_that_cannot_be_saved_is_said_and_fails(
    cli: Cli, fake_api: FakeAnthropic, interrupted: bool, status: int
) -> None:
    gate = Gate(after="Said ")
    fake_api.enqueue(Reply.text("Said and done.", gate=gate))
    running = cli.start("-p", "go")
    running.close_input()
    folder = cli.data_dir / "conversations"
    try:
        running.wait_for_output("Said ")
        # The checkpoint of "Said " lands first: later ones wait for the reply to change (it
        # cannot, held at the gate), so none remakes the folder between the next two lines.
        _wait_for(lambda: any("Said " in p.read_text() for p in folder.glob("*.json")))
        folder.rename(cli.data_dir / "elsewhere")
        folder.write_text("")  # a file where the folder must be: no save can land
        if interrupted:
            running.interrupt()  # (the gate still holds: the reply cannot end first)
        else:
            gate.release()
        assert running.finish() == status
    finally:
        gate.release()
        running.kill()
    assert f"claude-tui: the reply could not be saved: Could not save to {folder}" in (
        running.stderr
    )


def test_a_message_whose_turn_failed_is_not_sent_again_with_the_next(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    """-p -c after a 413: only the new message goes out, never glued to the failed one."""
    fake_api.enqueue(Reply.error(413), Reply.text("Short answer."))
    assert cli.run("-p", "a huge question").returncode == 1
    result = cli.run("-p", "-c", "ok, a short question instead")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Short answer.\n"
    assert said(fake_api.requests[1].body) == [("user", "ok, a short question instead")]
    texts = [m["content"][0]["text"] for m in cli.only_conversation()["messages"] if m["content"]]
    assert texts == ["a huge question", "ok, a short question instead", "Short answer."]


def _wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    """Until ``condition()`` holds (a file another process writes, say)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)
