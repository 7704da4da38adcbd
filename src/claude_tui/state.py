"""What the app knows and shows: the open conversation, the list, the status line, saving.

The base of :class:`~claude_tui.app.ClaudeTUI`, split out by concern: this module owns the
state and how it is pushed down to the widgets; ``turns.py`` owns the turn lifecycle;
``app.py`` the keys, the start and the switching.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from textual.app import App
from textual.worker import Worker

from claude_tui.core.claude import (
    NO_API_KEY,
    ClaudeClient,
)
from claude_tui.core.config import Settings
from claude_tui.core.keeper import ConversationKeeper
from claude_tui.core.models import (
    Conversation,
    ConversationSummary,
    TurnStatus,
    utc_now,
)
from claude_tui.core.storage import (
    ConversationStore,
    StoreError,
)
from claude_tui.core.turn import Turn
from claude_tui.screens.chat import ChatScreen
from claude_tui.widgets.status_bar import StatusInfo

WELCOME = "Start a conversation: type below and press Enter.  F1 lists every key."
NO_KEY = f"{NO_API_KEY.title} {NO_API_KEY.hint} Saved conversations can still be read."


class ChatState(App[None]):
    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self.settings = settings
        self.store = ConversationStore(settings.resolved_data_dir())
        self.keeper = ConversationKeeper(self.store)
        self.client = ClaudeClient(settings)
        self.clock = clock
        self.summaries: list[ConversationSummary] = []
        self.conversation = self._new_conversation()
        self.turn: Turn | None = None
        self._turn_worker: Worker[None] | None = None
        self._view_lock = asyncio.Lock()
        self._state_lock = asyncio.Lock()
        self._open_requests = 0
        self._footer_actions: tuple[bool, bool] | None = None
        self._drafts: dict[str, str] = {}
        self._heading_to: str | None = None  # the conversation a switch is loading
        self._quit_anyway = False
        self._sending: Conversation | None = None  # pinned while its message goes out

    @property
    def chat(self) -> ChatScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, ChatScreen)
        return screen

    def _new_conversation(self) -> Conversation:
        return Conversation(
            model=self.settings.model, max_tokens=self.settings.max_tokens,
            system=self.settings.system,
        )

    @property
    def listed_ids(self) -> list[str]:
        """The sidebar's conversations, in its order."""
        return [summary.id for summary in self.summaries]

    @property
    def busy(self) -> bool:
        """A message is being sent or a reply streams (one at a time)."""
        worker = self._turn_worker
        return worker is not None and not worker.is_finished

    def _refresh_status(self) -> None:
        conversation, turn = self.conversation, self.turn
        here = turn is not None and turn.conversation is conversation
        last = conversation.last_metered
        self.chat.status.info = StatusInfo(
            model=conversation.model,
            last=last.usage if last is not None else None,
            last_partial=last is not None and last.status is not TurnStatus.COMPLETE,
            total=conversation.total_usage,
            streaming=here,
            streaming_elsewhere=turn is not None and not here,
            notice="" if self.client.has_credentials else "no API key: set ANTHROPIC_API_KEY",
        )
        actions = (self.busy, conversation.can_retry)
        if actions != self._footer_actions:  # the footer recomposes on every refresh
            self._footer_actions = actions
            self.refresh_bindings()

    def _refresh_sidebar(self) -> None:
        streaming_id = self.turn.conversation.id if self.turn is not None else None
        self.chat.sidebar.show(self.summaries, self.conversation.id, self.clock(), streaming_id)

    async def _show_conversation(self) -> None:
        self.chat.prompt.owner = self.conversation.id
        self.chat.sidebar.highlight(self.conversation.id)
        self._refresh_status()
        empty = WELCOME if self.client.has_credentials else f"{WELCOME}\n\n{NO_KEY}"
        await self.chat.log_view.show_messages(self.conversation.messages, empty)

    async def _remember_open(self, conversation_id: str) -> None:
        """Which conversation to reopen next launch; written in order, newest last."""
        async with self._state_lock:
            await asyncio.to_thread(self.store.set_last_open, conversation_id)

    # -- saving ----------------------------------------------------------------------

    @staticmethod
    def _sorted(summaries: list[ConversationSummary]) -> list[ConversationSummary]:
        return sorted(summaries, key=lambda s: s.updated_at, reverse=True)

    async def _save(self, conversation: Conversation) -> bool:
        """Write the conversation (in a thread); say so if it fails."""
        saved = True
        try:
            await self.keeper.save(conversation)
        except StoreError as error:
            saved = False
            self.notify(f"{error}. Nothing is lost: it stays in memory, and the next save "
                        "tries again.", title="Not saved", severity="error", timeout=20,
                        markup=False)
        summary = ConversationSummary.of(conversation)  # listed either way: it is in memory
        self.summaries = self._sorted(
            [summary, *(s for s in self.summaries if s.id != conversation.id)]
        )
        self._refresh_sidebar()
        return saved

