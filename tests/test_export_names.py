"""Where an export lands: any name the file system takes, a title of wide letters, and a
folder given as the target (on the command line and in the app's dialog)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claude_tui.config import Settings
from claude_tui.store.export import write_export
from claude_tui.tui.screens.dialogs import AskText
from tests import ui
from tests.test_cli_harness import Cli
from tests.test_cli_saved import _save

WHEN = datetime(2026, 11, 20, 9, 5, tzinfo=UTC)
LONGEST = 255  # bytes in a file name, on the usual file systems


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli.make("http://127.0.0.1:9", tmp_path)  # nothing here talks to the API


def test_a_file_name_of_243_bytes_is_written_and_replaced(cli: Cli, tmp_path: Path) -> None:
    _save(cli, "a" * 32, "Long names", WHEN, "hello", "Hi!")
    target = tmp_path / ("n" * 240 + ".md")
    result = cli.run("export", "--last", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "Hi!" in target.read_text()
    target.write_text("old")
    again = cli.run("export", "--last", "-o", str(target), "--force")
    assert again.returncode == 0, again.stderr
    assert "Hi!" in target.read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["config.toml", "data", target.name]
    )  # nothing staged is left behind


@pytest.mark.parametrize("name", ["n" * (LONGEST + 1), "é" * 127 + ".md"], ids=["256", "wide"])
def test_a_name_longer_than_the_system_takes_is_refused_in_words(
    cli: Cli, tmp_path: Path, name: str
) -> None:
    _save(cli, "a" * 32, "Long names", WHEN, "hello", "Hi!")
    result = cli.run("export", "--last", "-o", str(tmp_path / name))
    assert result.returncode == 1
    assert result.stderr.startswith("claude-tui: could not write ")
    assert result.stderr.rstrip().endswith("File name too long")
    assert "Traceback" not in result.stderr


def test_a_taken_name_of_253_bytes_gets_a_number_within_the_limit(tmp_path: Path) -> None:
    taken = tmp_path / ("n" * 250 + ".md")
    taken.write_text("another file")
    written = write_export(taken, "the export")
    assert len(os.fsencode(written.name)) <= LONGEST
    assert written.name.endswith("-1.md") and written.read_text() == "the export"
    assert taken.read_text() == "another file"


@pytest.mark.parametrize("letter", ["漢", "\U00020000"], ids=["3 bytes", "4 bytes"])
def test_a_title_of_70_wide_letters_is_exported_into_a_folder(
    cli: Cli, tmp_path: Path, letter: str
) -> None:
    _save(cli, "a" * 32, letter * 70, WHEN, "hello", "Hi!")
    folder = tmp_path / "exports"
    folder.mkdir()
    for fmt in ("md", "json"):
        result = cli.run("export", "--last", "--format", fmt, "-o", str(folder))
        assert result.returncode == 0, result.stderr
    names = sorted(path.name for path in folder.iterdir())
    assert [name.rsplit(".", 1)[1] for name in names] == ["json", "md"]
    for name in names:
        stem = name.rsplit(".", 1)[0]
        assert stem and set(stem) == {letter}  # cut between letters, never inside one
        assert len(os.fsencode(name)) <= LONGEST


async def test_the_dialog_writes_into_an_existing_folder_under_the_conversations_name(
    settings: Settings, data_dir: Path, tmp_path: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    folder = tmp_path / "exports"
    folder.mkdir()
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.palette(pilot, app, "export markdown", "Export as Markdown", opens=AskText)
        await pilot.press("ctrl+a", "ctrl+k")
        await ui.submit(pilot, str(folder))
        await ui.wait_until(pilot, lambda: "Wrote" in ui.screen_text(app))
    assert [path.name for path in folder.iterdir()] == ["alpha.md"]
    assert "Reply about Alpha." in (folder / "alpha.md").read_text()
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("exports")) == [
        "exports"
    ]  # nothing beside the folder
