"""Config values checked at start: a bad one is named, and nothing runs (exit status 2),
not even the app. White space around an API key is dropped, wherever the key comes from."""

from __future__ import annotations

import pytest

from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import KEY, Cli

BAD_VALUES = {
    "negative retries": ("max_retries = -1", "max_retries must be a whole number from 0 to 100"),
    "endless retries": ("max_retries = 1000", "max_retries must be a whole number from 0 to 100"),
    "nan timeout": ("request_timeout = nan", "request_timeout must be a number of seconds"),
    "inf timeout": ("request_timeout = inf", "request_timeout must be a number of seconds"),
    "zero timeout": ("request_timeout = 0", "request_timeout must be a number of seconds"),
    "negative timeout": ("request_timeout = -5.0", "request_timeout must be a number of seconds"),
}


@pytest.mark.parametrize(("line", "words"), BAD_VALUES.values(), ids=BAD_VALUES)
@pytest.mark.parametrize("args", [("-p", "hi"), ("list",), ()], ids=repr)
def test_a_bad_number_in_the_config_file_is_named_and_nothing_runs(
    cli: Cli, fake_api: FakeAnthropic, line: str, words: str, args: tuple[str, ...]
) -> None:
    cli.config.write_text(line + "\n")
    result = cli.run(*args)  # () is the app: the error comes before it starts
    assert result.returncode == 2
    assert result.stderr.startswith(f"claude-tui: {cli.config}: {words}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert fake_api.requests == []
    assert not (cli.data_dir / "conversations").exists()


@pytest.mark.parametrize("padded", [f"{KEY}\n", f"{KEY}\r\n", f"  {KEY}\t"], ids=repr)
def test_white_space_around_the_key_in_the_environment_is_dropped(
    cli: Cli, fake_api: FakeAnthropic, padded: str
) -> None:
    fake_api.enqueue(Reply.text("Hello."))
    result = cli.run("-p", "hi", key=padded)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello.\n"
    assert fake_api.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_white_space_around_the_key_in_the_config_file_is_dropped(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Hello."))
    cli.config.write_text(f'max_retries = 0\napi_key = "{KEY}\\n"\n')
    cli.config.chmod(0o600)
    result = cli.run("-p", "hi", key=None)
    assert result.returncode == 0, result.stderr
    assert fake_api.requests[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ANTHROPIC_API_KEY", "sk-ant-SECRET\nmore"),
        ("ANTHROPIC_API_KEY", "sk-ant SECRET"),
        ("ANTHROPIC_AUTH_TOKEN", "sk-ant-SECRET\x1b[2J"),
    ],
)
def test_a_key_with_white_space_or_a_control_inside_is_refused_naming_its_source(
    cli: Cli, fake_api: FakeAnthropic, variable: str, value: str
) -> None:
    if variable == "ANTHROPIC_API_KEY":
        result = cli.run("-p", "hi", key=value)
    else:
        cli.env[variable] = value
        result = cli.run("-p", "hi", key=None)
    assert result.returncode == 2
    assert result.stderr == (
        f"claude-tui: {variable} has a space, a line break or another character no API key has\n"
    )
    assert fake_api.requests == []
