"""``claude-tui -p``: one reply printed, the exchange saved; run for real against the fake API."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.test_cli_harness import Cli, said


@pytest.fixture
def cli(fake_api: FakeAnthropic, tmp_path: Path) -> Cli:
    return Cli.make(fake_api.url, tmp_path)


def test_the_reply_streams_to_stdout_and_the_exchange_is_saved(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Apples, pears and plums.", chunk_size=5))
    result = cli.run("-p", "--model", "claude-haiku-5-5", "--system", "Be brief.",
                     "--max-tokens", "300", "Name three fruits")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Apples, pears and plums.\n"
    assert result.stderr == ""
    body = fake_api.requests[0].body
    assert body["stream"] is True
    assert (body["model"], body["system"], body["max_tokens"]) == (
        "claude-haiku-5-5", "Be brief.", 300)
    assert said(body) == [("user", "Name three fruits")]
    saved = cli.only_conversation()
    assert (saved["title"], saved["model"], saved["system"], saved["max_tokens"]) == (
        "Name three fruits", "claude-haiku-5-5", "Be brief.", 300)
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
        ("user", "Summarize this:\n\nline one\n  indented line")]
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
        ("user", "Count in Spanish"), ("assistant", "Uno."), ("user", "And then?")]
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
    assert lines[2] == (
        "  Check ANTHROPIC_API_KEY (or api_key in the config file) and restart claude-tui.")
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
def test_an_empty_prompt_is_a_usage_error(cli: Cli, fake_api: FakeAnthropic,
                                          args: tuple[str, ...]) -> None:
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
        "ab\r\ncd\x1b[2J\x07\tend")


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
