"""The claude-tui command: --version, --help, and bad settings, run for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from claude_tui import __version__


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_tui", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})},
    )


def test_version() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"claude-tui {__version__}"


def test_help_names_the_flags_the_environment_and_where_files_live(tmp_path: Path) -> None:
    result = _run("--help", env={"XDG_DATA_HOME": str(tmp_path / "d"),
                                 "XDG_CONFIG_HOME": str(tmp_path / "c")})
    assert result.returncode == 0
    for phrase in ("--model", "--max-tokens", "--system", "ANTHROPIC_API_KEY",
                   "ANTHROPIC_BASE_URL", str(tmp_path / "c" / "claude-tui" / "config.toml"),
                   str(tmp_path / "d" / "claude-tui")):
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
