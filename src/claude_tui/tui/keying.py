"""Setting the API key inside the app: the dialog (``screens/api_key.py``) at the first
start without a key, after the API refused the key (401), with ``/key`` and from the
palette ("Set API key…").

A key pasted there is checked with one cheap request (one model of ``/v1/models``);
taken, the client sends with it from then on (no restart: Ctrl+R retries the turn that
failed), and it is saved in the config file (0600) when the user asks. The key itself is
never shown, told or written anywhere else.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from claude_tui import paths
from claude_tui.config import ConfigError, environment_key, save_api_key, usable_key
from claude_tui.tui.screens.api_key import ApiKeyScreen

if TYPE_CHECKING:
    from claude_tui.tui.app import ClaudeTUI

NO_KEY_REASON = "No API key is set: claude-tui needs one to talk to Claude."
REFUSED_REASON = "The API refused the key. Paste another one to go on."
# What the API answers to a key it knows but will not serve now: the key is right.
KNOWN_KEY_KINDS = ("permission", "not_found", "rate_limit")


class Keying:
    class Wanted(Message):
        """Open the key dialog (``reason``: why, or empty when the user asked)."""

        def __init__(self, reason: str = "") -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, app: ClaudeTUI) -> None:
        self.app = app
        self.client = app.services.client

    @property
    def config_path(self) -> Path:
        return self.app.settings.config_path or paths.config_file()

    def open(self, reason: str = "") -> None:
        """Show the key dialog, unless it is showing."""
        if not isinstance(self.app.screen, ApiKeyScreen):
            self.app.push_screen(ApiKeyScreen(reason, self.config_path, self.check))

    async def check(self, pasted: str, save: bool) -> str | None:
        """Try the key; taken: use it (and save it if asked) and say so. Else why not."""
        try:
            key = usable_key(pasted, "The key")
        except ConfigError as error:
            return f"{error}. Copy it again, all of it."
        if key is None:
            return "Paste a key first."
        failure = await self.client.check_key(key)
        if failure is not None and failure.kind == "auth":
            return f"The API refused this key ({failure.facts}). Copy it again, or create another."
        if failure is not None and failure.kind not in KNOWN_KEY_KINDS:
            return f"The key could not be checked: {failure.sentence()}"
        self.client.use_key(key)
        told = "The API key works."
        if save:
            told = await self._save(key)
        chat = self.app.chat
        if chat.conversation.can_retry:
            told += " Press Ctrl+R to retry."
        self.app.notify(told, title="API key", timeout=10, markup=False)
        await self._caught_up()
        return None

    async def _save(self, key: str) -> str:
        """Save the key in the config file; what to tell."""
        path = self.config_path
        try:
            await asyncio.to_thread(save_api_key, key, path)
        except ConfigError as error:
            return f"The API key works for this session, but was not saved: {error}."
        told = f"The API key works, and is saved in {path} (only you can read it)."
        if environment_key(os.environ) is not None:
            told += (
                " ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in your environment still comes "
                "first at the next start: remove it from your shell's settings."
            )
        return told

    async def _caught_up(self) -> None:
        """The chat screen follows the key: the status bar, the welcome, the model list."""
        chat = self.app.chat
        chat.conversation_changed()
        if not chat.conversation.messages:
            async with chat.view_lock:
                await chat.draw()
        chat.run_worker(chat.opening.read_models(), group="models", exit_on_error=False)
