"""``--debug``: a log of the requests in the user log folder, read back here. It says the
model, the sizes, the status, the timings and the retries; it never holds the key, the
Authorization header, or what was said."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from claude_tui import debug_log
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import KEY, Cli

SECRET_KEY = "sk-ant-api03-very-secret-key-0123456789"
PROMPT = "my private question about tulips"
ANSWER = "a private answer about tulips"


@pytest.fixture
def log_file(cli: Cli, tmp_path: Path) -> Path:
    state = tmp_path / "state"
    cli.env["XDG_STATE_HOME"] = str(state)
    return state / "claude-tui" / "log" / "debug.log"


def _private_parts_absent(text: str) -> None:
    for secret in (SECRET_KEY, KEY, "Bearer", "uthorization", "x-api-key", "tulips"):
        assert secret not in text, secret


def test_a_reply_is_logged_without_its_content_or_the_key(
    cli: Cli, fake_api: FakeAnthropic, log_file: Path
) -> None:
    fake_api.enqueue(Reply.text(ANSWER))
    result = cli.run("-p", "--debug", "--model", "claude-haiku-5-5", PROMPT, key=SECRET_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{ANSWER}\n"
    assert result.stderr == f"(Writing a debug log to {log_file}: no content, no key.)\n"
    log = log_file.read_text()
    assert "POST /v1/messages (attempt 1 of 1): model=claude-haiku-5-5 messages=1 bytes=" in log
    assert "reply ended: stop_reason=end_turn" in log
    assert "stream began after" in log
    assert '"HTTP/1.1 200 OK"' in log  # the HTTP layer's line
    _private_parts_absent(log)
    assert oct(log_file.stat().st_mode & 0o777) == "0o600"


def test_retries_and_failures_are_logged(cli: Cli, fake_api: FakeAnthropic, log_file: Path) -> None:
    cli.config.write_text("max_retries = 1\nrequest_timeout = 20\n")
    fake_api.enqueue(Reply.error(529, retry_after=0), Reply.error(401))
    result = cli.run("-p", "--debug", PROMPT, key=SECRET_KEY)
    assert result.returncode == 1
    log = log_file.read_text()
    assert "POST /v1/messages (attempt 1 of 2)" in log
    assert "overloaded (HTTP 529" in log
    assert "retrying in 0.0 s" in log
    assert "POST /v1/messages (attempt 2 of 2)" in log
    assert "(HTTP 401" in log
    _private_parts_absent(log)


def test_without_debug_no_log_is_written(cli: Cli, fake_api: FakeAnthropic, log_file: Path) -> None:
    fake_api.enqueue(Reply.text(ANSWER))
    assert cli.run("-p", PROMPT).returncode == 0
    assert not log_file.parent.exists()


def test_a_log_that_cannot_be_written_is_told(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "state-file"
    blocker.write_text("")  # a file where the log folder would go
    cli.env["XDG_STATE_HOME"] = str(blocker)
    result = cli.run("-p", "--debug", PROMPT)
    assert result.returncode == 1
    assert "claude-tui: cannot write the debug log" in result.stderr


@pytest.fixture
def started_log(tmp_path: Path) -> Iterator[Path]:
    loggers = [logging.getLogger(name) for name in debug_log.LOGGERS]
    before = [(logger.level, list(logger.handlers)) for logger in loggers]
    path = debug_log.start(SECRET_KEY, path=tmp_path / "debug.log")
    yield path
    for logger, (level, handlers) in zip(loggers, before, strict=True):
        for handler in logger.handlers:
            if handler not in handlers:
                handler.close()
        logger.handlers[:] = handlers
        logger.setLevel(level)


def test_the_key_is_hidden_whoever_logs_it(started_log: Path) -> None:
    """The SDK or the HTTP layer logging headers (at a level the log takes) never puts
    the key in the file."""
    headers = {"authorization": f"Bearer {SECRET_KEY}", "x-api-key": "another-key-value"}
    logging.getLogger("anthropic").warning("Request headers: %s", headers)
    logging.getLogger("httpx2").info("Authorization: Bearer %s", SECRET_KEY)
    try:
        raise ValueError(f"bad key {SECRET_KEY}")
    except ValueError:
        logging.getLogger("claude_tui.api").exception("it failed")
    log = started_log.read_text()
    assert SECRET_KEY not in log
    assert "another-key-value" not in log
    assert log.count(debug_log.HIDDEN) == 4  # two headers, a line, the traceback
    assert "it failed" in log
    assert "ValueError: bad key [key hidden]" in log


def test_the_sdk_s_debug_lines_with_the_request_s_content_stay_out(started_log: Path) -> None:
    logging.getLogger("anthropic._base_client").debug("Request options: %s", PROMPT)
    logging.getLogger("httpx2").debug("sending %s", PROMPT)
    assert PROMPT not in started_log.read_text()


def test_a_gateway_s_credentials_in_the_base_url_stay_out(
    cli: Cli, fake_api: FakeAnthropic, log_file: Path
) -> None:
    # A gateway reached with a user and password, and a token in the query: the HTTP
    # layer's line names the URL, which the log shows with them hidden. (The fake API has
    # no such path, so the reply is a 404: the log line is what is looked at.)
    host = fake_api.url.removeprefix("http://")
    cli.env["ANTHROPIC_BASE_URL"] = f"http://gwuser:GWPASSWORD@{host}?token=QTOKENSECRET"
    cli.run("-p", "--debug", PROMPT, key=SECRET_KEY)
    log = log_file.read_text()
    assert "HTTP Request: POST http://gwuser:***@" in log
    assert "token=***" in log
    for secret in ("GWPASSWORD", "QTOKENSECRET"):
        assert secret not in log, secret
    _private_parts_absent(log)
