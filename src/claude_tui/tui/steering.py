"""Steering the open conversation: the settings panel, the model picker, the thinking key,
and what the slash commands change. Each change applies to the conversation, which is
saved (a new one is saved with its first message) and shown at once in the status bar.

The rules (what a model accepts, fitting the settings to it) are ``domain/steering.py``;
the panel and the picker are ``screens/settings.py`` and ``screens/model_picker.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from textual.notifications import SeverityLevel

from claude_tui import paths
from claude_tui.config import ConfigError, save_defaults
from claude_tui.domain.catalog import Catalog, ModelInfo
from claude_tui.domain.conversation import READ_ONLY, Conversation
from claude_tui.domain.pricing import PriceError, PriceTable
from claude_tui.domain.settings import ChatSettings
from claude_tui.domain.steering import fit_to_model, thinking_words, toggled_thinking
from claude_tui.tui.screens.model_picker import ModelPicker
from claude_tui.tui.screens.settings import SettingsScreen

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen


class Steering:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.services = screen.services
        self.saved_defaults: ChatSettings | None = None  # "Save as defaults" in this run
        self.told_unknown: set[str] = set()  # models already said to be unknown

    @property
    def defaults(self) -> ChatSettings:
        """What a new conversation starts with."""
        return self.saved_defaults or self.services.settings.chat_defaults()

    def model(self, model_id: str) -> ModelInfo:
        """The model of the list; one not listed takes everything (the API then says no)."""
        return self.screen.catalog.find(model_id) or ModelInfo(model_id, model_id)

    def tell(self, message: str, severity: SeverityLevel = "information") -> None:
        timeout = 6 if severity == "information" else 20
        self.screen.tell(message, severity=severity, timeout=timeout)

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        """One at a time: a panel or picker opened anew replaces one still asking."""
        self.screen.run_worker(work, group="steer", exclusive=True, exit_on_error=False)

    async def apply(self, settings: ChatSettings, conversation: Conversation | None = None) -> bool:
        """Take ``settings`` for the conversation (the open one) from its next turn on; False
        (and said why) when it is read-only."""
        screen = self.screen
        conversation = conversation or screen.conversation
        if conversation.read_only:
            self.tell(f"This conversation is read-only: {READ_ONLY}", "warning")
            return False
        if conversation.apply(settings):
            if conversation.messages:  # a new conversation is saved with its first message
                await screen.save(conversation)
            if conversation is screen.conversation:
                screen.conversation_changed()
        return True

    # -- the settings panel ------------------------------------------------------------

    def open_settings(self, focus: str = "model") -> None:
        self._run(self._settings(focus))

    async def _settings(self, focus: str) -> None:
        screen = self.screen
        conversation = screen.conversation
        panel = SettingsScreen(conversation.settings, screen.catalog, focus)
        answer = await screen.app.push_screen_wait(panel)
        if answer is None or not await self.apply(answer.settings, conversation):
            return
        if not answer.as_defaults:
            self.tell("Saved: the next reply uses these settings.")
            return
        path = self.services.settings.config_path or paths.config_file()
        try:
            await asyncio.to_thread(save_defaults, answer.settings, path)
        except ConfigError as error:
            self.tell(f"Saved for this conversation, but not as the defaults: {error}", "error")
            return
        self.saved_defaults = answer.settings
        self.tell(f"Saved, and new conversations start with them ({path}).")

    # -- the model -------------------------------------------------------------------

    def open_picker(self) -> None:
        self._run(self._pick())

    async def _pick(self) -> None:
        screen = self.screen
        picker = ModelPicker(
            screen.catalog,
            screen.conversation.model,
            self.prices(),
            self.refresh_models,
            self.services.clock,
        )
        chosen = await screen.app.push_screen_wait(picker)
        if chosen is not None:
            await self.use_model(chosen)

    def prices(self) -> PriceTable:
        table = PriceTable.default()
        try:
            return table.with_overrides(self.services.settings.prices)
        except PriceError:
            return table  # (the app's start says what is wrong with the config's prices)

    async def refresh_models(self) -> Catalog:
        await self.screen.opening.read_models(refresh=True)
        return self.screen.catalog

    async def use_model(self, model_id: str) -> bool:
        """Talk to ``model_id`` from the next turn on, the other settings fitted to it.
        A model the API's list lacks is refused (the offline list refuses none)."""
        catalog = self.screen.catalog
        model = catalog.find(model_id)
        if model is None and catalog.source != "fallback":
            self.tell(catalog.unknown_model_words(model_id), "error")
            return False
        model = model or ModelInfo(model_id, model_id)
        settings = self.screen.conversation.settings.with_changes(model=model_id)
        settings, notes = fit_to_model(settings, model)
        if not await self.apply(settings):
            return False
        self.tell(" ".join([f"Model: {model.display_name}.", *notes]))
        return True

    def check_model(self) -> None:
        """Say once per model when the API's list lacks the open conversation's model
        (launched with ``--model gpt-4o``, say). The offline list says nothing."""
        catalog = self.screen.catalog
        model_id = self.screen.conversation.model
        if catalog.source == "fallback" or model_id in self.told_unknown:
            return
        if catalog.find(model_id) is None:
            self.told_unknown.add(model_id)
            self.tell(f"{catalog.unknown_model_words(model_id)} Alt+P picks another.", "warning")

    # -- thinking --------------------------------------------------------------------

    def toggle_thinking(self) -> None:
        self._run(self._toggle_thinking())

    async def _toggle_thinking(self) -> None:
        conversation = self.screen.conversation
        model = self.model(conversation.model)
        settings = toggled_thinking(conversation.settings, model)
        if settings is None:
            now = thinking_words(conversation.thinking, conversation.thinking_budget)
            self.tell(f"{model.display_name} always thinks: thinking stays {now}.")
        elif await self.apply(settings, conversation):
            self.tell(f"Thinking: {thinking_words(settings.thinking, settings.thinking_budget)}")
