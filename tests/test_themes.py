"""The theme: chosen in the palette, kept in the config file, used at the next start."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from claude_tui.config import ConfigError, load_settings, read_config_file
from claude_tui.config import Settings as AppSettings
from claude_tui.tui.app import ClaudeTUI
from tests.conftest import FIXED_NOW
from tests.ui import SIZE, make_app, running, screen_strips, seen, type_text, wait_until

COMMENTED = '# my settings\nmodel = "claude-sonnet-5-5"  # the usual one\n'


async def choose_theme(pilot: Pilot[Any], app: ClaudeTUI, name: str) -> None:
    """Ctrl+P → "Theme", then the theme ``name``."""
    await pilot.press("ctrl+p")
    await type_text(pilot, "theme")
    await wait_until(pilot, lambda: "Change the current theme" in seen(app), what="Theme offered")
    await pilot.press("enter")
    await wait_until(pilot, lambda: "Search for themes" in seen(app), what="the themes")
    await type_text(pilot, name)
    await wait_until(pilot, lambda: name in seen(app), what=f"{name} offered")
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.theme == name, what=f"{name} in use")


def background_of(app: ClaudeTUI) -> str:
    """The colour the log is drawn on (a cell in the middle of the screen)."""
    strips = screen_strips(app)
    row = strips[len(strips) // 2]
    styles = [style for _, style, _ in row if style is not None and style.bgcolor is not None]
    color = styles[-1].bgcolor
    assert color is not None
    return color.get_truecolor().hex.lower()


async def test_the_theme_chosen_in_the_palette_is_used_at_the_next_start(
    settings: AppSettings, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(COMMENTED)
    settings = replace(settings, config_path=config)
    async with running(settings) as (app, pilot):
        await choose_theme(pilot, app, "solarized-light")
        await wait_until(pilot, lambda: "solarized-light" in config.read_text(), what="kept")
        await app.workers.wait_for_complete()
    assert config.read_text() == COMMENTED + 'theme = "solarized-light"\n'  # comments kept

    loaded = load_settings(config_path=config)
    again = ClaudeTUI(replace(settings, theme=loaded.theme), clock=lambda: FIXED_NOW)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: bool(screen_strips(again)[0]))
        await pilot.pause()
        assert again.theme == "solarized-light"
        assert background_of(again) == "#fdf6e3"  # solarized-light's background


async def test_a_theme_that_cannot_be_kept_is_said_and_used(
    settings: AppSettings, tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("")
    config = tmp_path / "a-file" / "config.toml"  # its folder is a file: cannot be written
    async with running(replace(settings, config_path=config)) as (app, pilot):
        await choose_theme(pilot, app, "nord")
        await wait_until(pilot, lambda: "could not be kept" in seen(app), what="the notice")
        assert "The theme 'nord' is used until you quit" in seen(app)
        assert background_of(app) == "#2e3440"  # nord's background: in use all the same


async def test_an_unknown_theme_in_the_config_file_is_named_with_the_one_used(
    settings: AppSettings, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    app = ClaudeTUI(
        replace(settings, config_path=config, theme="no-such-theme"), clock=lambda: FIXED_NOW
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: "Unknown theme" in seen(app), what="the notice")
        assert "theme = 'no-such-theme' in" in seen(app)
        assert "is not a theme; using 'textual-dark' instead" in seen(app)
        assert app.theme == "textual-dark"


async def test_a_known_theme_in_the_config_file_is_used(settings: AppSettings) -> None:
    app = ClaudeTUI(replace(settings, theme="gruvbox"), clock=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: bool(screen_strips(app)[0]))
        await pilot.pause()
        assert background_of(app) == "#282828"  # gruvbox's
        assert "Unknown theme" not in seen(app)


def test_the_config_file_names_a_theme_and_a_reading_width(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "nord"\nreading_width = 80\n')
    assert read_config_file(config) == {"theme": "nord", "reading_width": 80}
    config.write_text("reading_width = 0\n")
    assert load_settings(config_path=config).reading_width == 0  # no limit
    assert load_settings(config_path=tmp_path / "config.toml").theme is None


@pytest.mark.parametrize("width", [-1, 5, 19, 1001])
def test_a_reading_width_out_of_range_is_refused_with_the_setting_named(
    tmp_path: Path, width: int
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"reading_width = {width}\n")
    with pytest.raises(ConfigError, match=r"reading_width must be 0 \(no limit\) or a number"):
        read_config_file(config)


@pytest.mark.parametrize("text", ['theme = ""', "theme = 3", 'reading_width = "wide"'])
def test_a_theme_or_width_of_the_wrong_kind_is_refused(tmp_path: Path, text: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text + "\n")
    with pytest.raises(ConfigError, match=r"theme|reading_width"):
        read_config_file(config)


def test_make_app_pins_the_theme(settings: AppSettings) -> None:
    """(The tests' own pin wins over a theme in the settings, so snapshots stay put.)"""
    assert make_app(replace(settings, theme="nord")).theme == "textual-dark"
