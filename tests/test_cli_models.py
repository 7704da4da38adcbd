"""``--model`` is checked against the models the API lists before ``-p`` or ``chat`` sends or
saves anything; run for real against the fake API, with the list cached in XDG_CACHE_HOME."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from tests.fake_api import FakeAnthropic, Reply
from tests.fake_models import MODELS
from tests.test_cli_harness import Cli

LISTED = ", ".join(model.id for model in MODELS)


def cached_ids(tmp_path: Path) -> list[str]:
    """The model ids kept in the user's cache folder (the autouse fixture's XDG_CACHE_HOME)."""
    document = json.loads((tmp_path / "xdg-cache" / "claude-tui" / "models.json").read_text())
    return [model["id"] for model in document["models"]]


def model_lists(fake_api: FakeAnthropic) -> int:
    return sum(r.path.startswith("/v1/models") for r in fake_api.all_requests)


def test_an_unknown_model_is_refused_before_anything_is_sent_or_saved(
    cli: Cli, fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    result = cli.run("--model", "gpt-4o", "-p", "hi")
    assert result.returncode == 2
    assert result.stderr == (
        f"claude-tui: does not know the model 'gpt-4o'. The API lists: {LISTED}.\n"
    )
    assert result.stdout == ""
    assert fake_api.requests == []
    assert cli.conversations() == []
    assert cached_ids(tmp_path) == [model.id for model in MODELS]


def test_a_listed_model_is_used_and_the_list_is_asked_once(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Hello from Haiku."), Reply.text("Again."))
    first = cli.run("--model", "claude-haiku-4-5", "-p", "hi")
    again = cli.run("--model", "claude-haiku-4-5", "-p", "hi again")
    assert (first.returncode, first.stdout, first.stderr) == (0, "Hello from Haiku.\n", "")
    assert (again.returncode, again.stdout) == (0, "Again.\n")
    assert [r.body["model"] for r in fake_api.requests] == ["claude-haiku-4-5"] * 2
    assert {c["model"] for c in cli.conversations()} == {"claude-haiku-4-5"}
    assert model_lists(fake_api) == 1  # the second run read the cache


def test_chat_refuses_an_unknown_model_too(cli: Cli, fake_api: FakeAnthropic) -> None:
    result = cli.run("chat", "--model", "claude-sonnet-9", stdin="hello\n")
    assert result.returncode == 2
    assert result.stderr.startswith("claude-tui: does not know the model 'claude-sonnet-9'.")
    assert "You:" not in result.stdout
    assert fake_api.requests == []
    assert cli.conversations() == []


def test_a_model_set_in_the_config_file_is_checked_too(cli: Cli, fake_api: FakeAnthropic) -> None:
    cli.config.write_text('max_retries = 0\nmodel = "claude-opus-4"\n')
    result = cli.run("-p", "hi")
    assert result.returncode == 2
    assert result.stderr == (
        f"claude-tui: does not know the model 'claude-opus-4'. The API lists: {LISTED}.\n"
        "(It is the model set in the config file; --model chooses another.)\n"
    )
    assert fake_api.requests == []
    fake_api.enqueue(Reply.text("Fine."))
    assert cli.run("-p", "--model", "claude-opus-5-5", "hi").returncode == 0
    assert fake_api.requests[0].body["model"] == "claude-opus-5-5"


def test_without_the_api_the_built_in_list_decides(cli: Cli, fake_api: FakeAnthropic) -> None:
    with socket.socket() as probe:  # a port held but not listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        cli.url = f"http://127.0.0.1:{probe.getsockname()[1]}"
        unknown = cli.run("--model", "gpt-4o", "-p", "hi")
        known = cli.run("--model", "claude-opus-4-8", "-p", "hi")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith(
        "claude-tui: does not know the model 'gpt-4o'. The API could not be asked; "
        "the models claude-tui knows are: claude-fable-5-1, "
    )
    assert "claude-opus-4-8" in unknown.stderr
    assert known.returncode == 1  # checked, then sent: the API cannot be reached
    assert known.stderr.startswith("claude-tui: Could not reach the API.\n")
    assert [c["model"] for c in cli.conversations()] == ["claude-opus-4-8"]
