"""What the chat screen works with, made once by the app: the store, the keeper, the
client and the session, the drafts, the settings and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from claude_tui.api.client import ClaudeClient
from claude_tui.config import Settings
from claude_tui.session import ChatSession
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.store.model_cache import ModelCache
from claude_tui.store.trash import Trash
from claude_tui.tui.drafts import DraftBook


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: ConversationStore
    keeper: ConversationKeeper
    client: ClaudeClient
    session: ChatSession
    drafts: DraftBook
    clock: Callable[[], datetime]
    models: ModelCache  # the API's model list, fetched at most daily

    @property
    def trash(self) -> Trash:
        return Trash(self.store)
