"""Shared fixtures: a fake Messages API on 127.0.0.1, settings that point at it, and
an environment that can never reach a real API or the user's own files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from claude_tui.config import Settings
from tests.fake_api import FakeAnthropic

if TYPE_CHECKING:
    from tests.test_cli_harness import Cli

FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real key, no real endpoint, no real data, config or cache directory."""
    for name in (
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_PROFILE",
        "ANTHROPIC_CONFIG_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path / "anthropic-config"))


@pytest.fixture
def fake_api() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(fake_api: FakeAnthropic, data_dir: Path) -> Settings:
    return Settings(
        api_key="test-key",
        base_url=fake_api.url,
        data_dir=data_dir,
        max_retries=0,
        request_timeout=5.0,
    )


@pytest.fixture
def cli(fake_api: FakeAnthropic, tmp_path: Path) -> Cli:
    """``claude-tui`` as a user runs it, in a process of its own, against the fake API."""
    from tests.test_cli_harness import Cli

    return Cli.make(fake_api.url, tmp_path)
