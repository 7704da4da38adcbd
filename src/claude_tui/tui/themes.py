"""The theme: the one the config file names, and the one chosen in the palette, kept.

``theme = "..."`` in the config file chooses the theme at start; a name Textual does not
know is said in a notice, naming the setting and the theme used instead. Choosing a theme
in the palette (Ctrl+P → "Theme") writes it into the config file (its comments and other
keys kept), so the next start has it; a file that cannot be written is said in a notice,
and the theme stays for this session.
"""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual.command import CommandPalette
from textual.theme import ThemeProvider

from claude_tui import paths
from claude_tui.config import ConfigError, save_theme
from claude_tui.tui.readable import readable_variables

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import App

    from claude_tui.config import Settings
    from claude_tui.tui.app import ClaudeTUI

MESSAGE_FRAME = 4  # a message's border and padding, left and right


class Looks:
    """The CSS variables of claude-tui's own, added to the theme's."""

    def __init__(self, settings: Settings) -> None:
        self.reading_width = settings.reading_width

    def variables(self, theme: dict[str, str]) -> dict[str, str]:
        """The theme's text colours made readable (see :mod:`readable`), and
        ``$message-width``: the widest a message is (its text at the reading width, with
        its border and padding)."""
        width = self.reading_width
        return {
            **readable_variables(theme),
            "message-width": f"{width + MESSAGE_FRAME}" if width else "100%",
        }


class ThemeChoice:
    """The app's theme as the settings name it, and the palette's choice written back."""

    def __init__(self, app: App[Any], settings: Settings) -> None:
        self.app = app
        self.path: Path = settings.config_path or paths.config_file()
        self.unknown: str | None = None  # a name in the config file no theme has
        named = settings.theme
        if named is not None and named in app.available_themes:
            app.theme = named
        elif named is not None:
            self.unknown = named

    def report(self) -> None:
        """Say (once the app shows notices) that the config file's theme is not known."""
        if self.unknown is None:
            return
        known = ", ".join(sorted(self.app.available_themes))
        self.app.notify(
            f"theme = {self.unknown!r} in {self.path} is not a theme; using "
            f"{self.app.theme!r} instead. Choose one with Ctrl+P → Theme. Themes: {known}.",
            title="Unknown theme",
            severity="warning",
            timeout=20,
            markup=False,
        )

    def palette(self) -> CommandPalette:
        """The palette of themes (Ctrl+P → "Theme"): the one picked is kept."""
        return CommandPalette(providers=[ChosenThemes], placeholder="Search for themes…")

    def choose(self, name: str) -> None:
        self.app.theme = name
        self.unknown = None
        self.app.run_worker(self._keep(name), group="theme", exclusive=True, exit_on_error=False)

    async def _keep(self, name: str) -> None:
        try:
            await asyncio.to_thread(save_theme, name, self.path)
        except ConfigError as error:
            self.app.notify(
                f"The theme {name!r} is used until you quit, but could not be kept for the "
                f"next start: {error}.",
                title="Theme not saved",
                severity="warning",
                timeout=15,
                markup=False,
            )


class ChosenThemes(ThemeProvider):
    """Textual's themes, each kept in the config file once chosen."""

    @property
    def commands(self) -> list[tuple[str, Callable[[], None]]]:
        choice = cast("ClaudeTUI", self.app).theme_choice
        return [(name, partial(choice.choose, name)) for name in sorted(self.app.available_themes)]
