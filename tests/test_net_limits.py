"""What is read from the API has limits (api/limits.py): an error body is cut at 1 MB and
its detail at 1 KB, one event of a stream may not pass 4 MB, nor a whole stream 256 MB, and
a gzip body counts as what it inflates to. Each cut is said. A long reply still streams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from claude_tui.api import limits
from claude_tui.api.client import ClaudeClient
from claude_tui.config import Settings
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.events import Failed, StreamEvent, TextDelta
from claude_tui.domain.message import Message
from tests import ui
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import Cli

CUT = "(cut at 1 KB). The API's response was larger than 1 MB and was cut."
BOMB = 64 << 20  # inflated: enough to tell, little enough for a machine without the limits


def asking(text: str) -> Conversation:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=100)
    conversation.append(Message.user(text))
    return conversation


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[ClaudeClient]:
    client = ClaudeClient(settings)
    yield client
    await client.close()


async def events_of(client: ClaudeClient, text: str = "Hi") -> list[StreamEvent]:
    return [event async for event in client.stream(asking(text))]


def the_error(events: list[StreamEvent]) -> Failed:
    assert isinstance(events[-1], Failed), events[-1]
    return events[-1]


@pytest.mark.parametrize(
    "reply", [Reply.huge_error(500), Reply.gzip_bomb(BOMB)], ids=["50 MB", "gzip bomb"]
)
def test_the_command_line_prints_and_saves_a_huge_error_cut(
    cli: Cli, fake_api: FakeAnthropic, reply: Reply
) -> None:
    fake_api.enqueue(reply)
    result = cli.run("-p", "Hi")
    assert result.returncode == 1
    assert result.stderr.startswith("claude-tui: The API had an internal error.\n")
    assert CUT in result.stderr
    assert len(result.stderr) < 4000
    error = cli.only_conversation()["messages"][1]["error"]
    assert error["status_code"] == 500
    assert error["detail"].endswith(CUT)
    assert len(error["detail"].encode()) < 1200
    assert sum(path.stat().st_size for path in cli.data_dir.rglob("*") if path.is_file()) < 20_000


async def test_the_app_shows_a_huge_error_cut(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.huge_error(529))
    shown = ui.flat(await ui.screen_after_sending(settings, "Hi"))
    assert "Claude is overloaded right now." in shown
    assert "The API's response was larger than 1 MB and was cut." in shown
    error = ui.the_saved_conversation(data_dir)["messages"][1]["error"]
    assert error["detail"].startswith('{"type": "error", "error": {"type": "overloaded_error"')
    assert error["detail"].endswith(CUT)


def test_a_gzip_bomb_mid_stream_is_cut_and_the_text_before_kept(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.gzip_bomb(BOMB, stream=True, text_before="Partial answer"))
    result = cli.run("-p", "Hi")
    assert result.returncode == 1
    assert result.stdout == "Partial answer\n"
    assert result.stderr == (
        "claude-tui: The API's response was cut.\n"
        "  One event of the reply's stream was larger than 4 MB.\n"
        "  The text that arrived is kept.\n"
    )
    reply = cli.only_conversation()["messages"][1]
    assert (reply["status"], reply["content"]) == (
        "failed",
        [{"type": "text", "text": "Partial answer"}],
    )


async def test_a_stream_longer_than_its_limit_is_cut(
    client: ClaudeClient, fake_api: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "STREAM_LIMIT", 64 << 10)  # 64 KB, for a short test
    fake_api.enqueue(Reply.text("word " * 40_000, chunk_size=500))
    events = await events_of(client)
    error = the_error(events).error
    assert (error.title, error.detail) == (
        "The API's response was cut.",
        "The reply's stream was larger than 64 KB.",
    )
    received = "".join(event.text for event in events if isinstance(event, TextDelta))
    assert 0 < len(received) < 64 << 10


@pytest.mark.parametrize("size", [50_000, 5_000_000], ids=["50 KB", "5 MB"])
def test_a_long_reply_streams_whole(cli: Cli, fake_api: FakeAnthropic, size: int) -> None:
    text = ("All work and no play. " * (size // 22 + 1))[:size]
    fake_api.enqueue(Reply.text(text, chunk_size=4096))
    result = cli.run("-p", "Hi")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"{text}\n"
    assert cli.only_conversation()["messages"][1]["content"][0]["text"] == text


def test_a_huge_header_fails_the_request_without_being_read_whole(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    """The HTTP layer reads at most 100 KB of headers (h11): a guard, should that change.
    It is said so (not "could not reach the API"), and not sent again: it cannot help."""
    cli.config.write_text("max_retries = 2\nrequest_timeout = 20\n")
    fake_api.enqueue(*[Reply.huge_header(64 << 20)] * 3)
    result = cli.run("-p", "Hi")
    assert result.returncode == 1
    assert result.stderr.startswith("claude-tui: The API's answer could not be read.\n")
    assert "headers longer than the 100 KB that are read" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(fake_api.requests) == 1
    assert cli.only_conversation()["messages"][1]["status"] == "failed"


def test_an_error_made_of_what_looks_like_urls_is_cut_all_the_same(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    """Credentials are looked for in what the API said (tests/test_secrets.py): text made to
    make that search slow ("a.a.a…", "a://a://…") takes it no longer than any."""
    fake_api.enqueue(Reply.error(500, "a." * 200_000 + "a://" * 100_000))
    result = cli.run("-p", "Hi")
    assert result.returncode == 1
    assert "a.a.a.a.a.a" in result.stderr
    assert "… (cut at 1 KB)" in result.stderr
