"""The claude-tui command: --version, --help, and bad settings, run for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from claude_tui import __version__
from claude_tui.cli import split_command


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_version() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"claude-tui {__version__}"


def test_help_names_the_flags_the_environment_and_where_files_live(tmp_path: Path) -> None:
    result = _run(
        "--help", env={"XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    )
    assert result.returncode == 0
    for phrase in (
        "--model",
        "--max-tokens",
        "--system",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        str(tmp_path / "c" / "claude-tui" / "config.toml"),
        str(tmp_path / "d" / "claude-tui"),
    ):
        assert phrase in result.stdout


def test_a_broken_config_file_is_refused_with_its_path(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("max_tokens = 'lots'\n")
    result = _run("--config", str(config))
    assert result.returncode == 2
    assert f"claude-tui: {config}: max_tokens has the wrong type" in result.stderr


def test_a_missing_config_file_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    result = _run("--config", str(tmp_path / "typo.toml"))
    assert result.returncode == 2
    assert f"claude-tui: {tmp_path / 'typo.toml'} does not exist" in result.stderr


def test_bad_flag_values_are_refused() -> None:
    result = _run("--max-tokens", "0")
    assert result.returncode == 2
    assert "must be at least 1" in result.stderr


def test_help_lists_the_commands_with_examples() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for phrase in (
        "claude-tui chat [options]",
        "claude-tui list [--json]",
        "claude-tui export (ID | --last)",
        "-p, --print",
        "-c, --continue",
        "examples:",
        'claude-tui -p "Name three fruits"',
        "git diff | claude-tui -p",
        "claude-tui -p -- list",
    ):
        assert phrase in result.stdout, phrase
    for command, phrase in (
        ("chat", "quit, exit or Ctrl+D leaves"),
        ("list", "--json"),
        ("export", "--force"),
    ):
        sub = _run(command, "--help")
        assert sub.returncode == 0, command
        assert f"usage: claude-tui {command}" in sub.stdout
        assert phrase in sub.stdout


@pytest.mark.parametrize(
    ("argv", "command", "rest"),
    [
        (["list"], "list", []),
        (["--data-dir", "d", "list", "--json"], "list", ["--data-dir", "d", "--json"]),
        (["--model", "list", "export", "--last"], "export", ["--model", "list", "--last"]),
        (["--model=x", "chat", "-c"], "chat", ["--model=x", "-c"]),
        (["-p", "--", "list"], None, ["-p", "--", "list"]),
        (["--", "chat"], None, ["--", "chat"]),
        (["--model", "X", "hello", "list"], None, ["--model", "X", "hello", "list"]),
        (["-p", "-c", "what is a list?"], None, ["-p", "-c", "what is a list?"]),
    ],
)
def test_a_command_is_the_first_word_that_is_not_an_option(
    argv: list[str], command: str | None, rest: list[str]
) -> None:
    assert split_command(argv) == (command, rest)


def test_options_of_the_prompt_are_not_taken_by_commands(tmp_path: Path) -> None:
    result = _run("-p", "list", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "claude-tui list: error: unrecognized arguments: -p" in result.stderr


def test_the_full_screen_app_needs_a_terminal(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "claude_tui", "--data-dir", str(tmp_path), "--model", "X", "hello"],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "the full-screen app needs a terminal" in result.stderr
    assert "echo question | claude-tui -p" in result.stderr
    assert not (tmp_path / "conversations").exists()
