"""A data folder that others can write: every command says so on standard error, and
``claude-tui --fix-permissions`` makes it its owner's alone."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from claude_tui import paths
from claude_tui.config import Settings
from claude_tui.tui.app import FIX_PERMISSIONS
from tests import ui
from tests.fake_api import FakeAnthropic
from tests.test_cli_harness import Cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli.make("http://127.0.0.1:9", tmp_path)  # nothing here talks to the API


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702])
def test_a_data_folder_others_can_write_is_named_with_the_fix_and_can_be_fixed(
    cli: Cli, mode: int
) -> None:
    cli.data_dir.mkdir()
    cli.data_dir.chmod(mode)
    result = cli.run("list")
    assert result.returncode == 0
    assert result.stderr.startswith(
        f"claude-tui: other users can write the data folder: {cli.data_dir} (mode {mode:04o})."
    ), result.stderr
    assert f"claude-tui --fix-permissions --data-dir {cli.data_dir}" in result.stderr
    assert f"chmod go-w {cli.data_dir}" in result.stderr

    fixed = cli.run("--fix-permissions")
    assert fixed.returncode == 0, fixed.stderr
    assert f"{cli.data_dir}: group and others can no longer write it." in fixed.stderr
    assert _mode(cli.data_dir) == mode & 0o755
    assert cli.run("list").stderr == ""


def test_a_folder_inside_it_that_others_can_write_is_named_too(cli: Cli) -> None:
    conversations = cli.data_dir / "conversations"
    conversations.mkdir(parents=True)
    cli.data_dir.chmod(0o700)
    conversations.chmod(0o777)
    warning = paths.permissions_warning(cli.data_dir)
    assert warning is not None and f"{conversations} (mode 0777)" in warning
    assert f"{cli.data_dir} (mode" not in warning
    result = cli.run("export", "--last")
    assert f"{conversations} (mode 0777)" in result.stderr
    assert cli.run("--fix-permissions").returncode == 0
    assert _mode(conversations) == 0o755
    assert paths.permissions_warning(cli.data_dir) is None


def test_a_folder_only_its_owner_can_write_says_nothing(cli: Cli) -> None:
    cli.data_dir.mkdir(mode=0o755)
    assert paths.permissions_warning(cli.data_dir) is None
    assert paths.permissions_warning(cli.data_dir / "not there yet") is None
    result = cli.run("--fix-permissions")
    assert (result.returncode, result.stderr) == (
        0,
        f"{cli.data_dir}: only you can write it already.\n",
    )


async def test_the_app_warns_of_a_data_folder_others_can_write_and_fixes_it_from_the_palette(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    data_dir.mkdir()
    data_dir.chmod(0o777)
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: "Other users can write" in ui.seen(app), what="warning")
        await ui.palette(pilot, app, "yours alone", FIX_PERMISSIONS)
        await ui.wait_until(pilot, lambda: "Only you can write" in ui.seen(app), what="the fix")
    assert _mode(data_dir) == 0o755
