"""What the app knows and shows: the open conversation, the list, the status line, saving.

The base of :class:`~claude_tui.tui.app.ClaudeTUI`, split out by concern: this module owns the
state and how it is pushed down to the widgets; ``turns.py`` owns the turn lifecycle;
``app.py`` the keys, the start and the switching.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.app import App
from textual.timer import Timer
from textual.worker import Worker

from claude_tui.api.client import ClaudeClient
from claude_tui.config import Settings
from claude_tui.domain.conversation import READ_ONLY, Conversation, ConversationSummary
from claude_tui.domain.errors import NO_API_KEY
from claude_tui.domain.events import Retrying
from claude_tui.domain.message import TurnStatus
from claude_tui.domain.turn import Turn
from claude_tui.domain.values import utc_now
from claude_tui.store.conversations import (
    ConversationGone,
    ConversationStore,
    ConversationUnreadable,
    StoreError,
)
from claude_tui.store.drafts import DraftStore
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.tui.screens.chat import ChatScreen
from claude_tui.tui.widgets.status_bar import StatusInfo

DRAFT_SAVE_DELAY = 0.5  # seconds after the last key
WELCOME = "Start a conversation: type below and press Enter.  F1 lists every key."
NO_KEY = f"{NO_API_KEY.title} {NO_API_KEY.hint} Saved conversations can still be read."


class ChatState(App[None]):
    def __init__(
        self,
        settings: Settings,
        *,
        prompt: str | None = None,
        resume: bool = False,
        clock: Callable[[], datetime] = utc_now,
        freeze_after_start: bool = False,
    ) -> None:
        """``prompt``: send this at once; ``resume``: into (or just open) the conversation
        used last, else into a new one; ``freeze_after_start``: leave what exists once the
        SDK is imported out of later garbage collections (see ``collector``: for the
        process of ``claude-tui``, not for tests that start many apps in one)."""
        super().__init__()
        self.freeze_after_start = freeze_after_start
        self.settings = settings
        self.initial_prompt = prompt
        self.resume = resume
        self.store = ConversationStore(settings.resolved_data_dir())
        self.drafts = DraftStore(self.store.root)
        self._drafts_lock = asyncio.Lock()
        self._drafts_timer: Timer | None = None
        self._drafts_loaded = False
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
        self._quit_warned: float | None = None  # when quitting was refused (unsaved words)
        self._chat_ready = False  # the chat screen is drawn
        self._listed = False  # the startup listing is done
        self._listed_stamp: int | None = None  # the conversations folder when last listed
        self._sending: Conversation | None = None  # pinned while its message goes out
        self._retrying: tuple[Retrying, float] | None = None  # and when the wait ends
        self._retry_timer: Timer | None = None
        self._drafts_unsaved = False  # the last save of the drafts failed

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
            streaming=here and self._retrying is None,
            streaming_elsewhere=turn is not None and not here,
            notice=self._notice(here),
        )
        actions = (self.busy, conversation.can_retry)
        if actions != self._footer_actions:  # the footer recomposes on every refresh
            self._footer_actions = actions
            self.refresh_bindings()

    def _notice(self, streaming_here: bool) -> str:
        if not self.client.has_credentials:
            return "no API key: set ANTHROPIC_API_KEY"
        if self.conversation.read_only:
            return "read-only: written by a newer claude-tui"
        return self._retry_notice() if streaming_here else ""

    def _retry_notice(self) -> str:
        if self._retrying is None:
            return ""
        event, until = self._retrying
        return (f"{event.error.title.rstrip('.')} · "
                f"{event.countdown(until - time.monotonic())} · Escape stops")

    def _show_retry(self, event: Retrying | None) -> None:
        """Count down to the next attempt in the status bar (None: no wait any more)."""
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
        self._retrying = None if event is None else (event, time.monotonic() + event.delay)
        if event is not None:
            self._retry_timer = self.set_interval(1.0, self._refresh_status)
            self.notify(event.describe(), title="Retrying", severity="warning",
                        timeout=min(max(event.delay, 3.0), 10.0), markup=False)
        self._refresh_status()

    def _refresh_sidebar(self) -> None:
        streaming_id = self.turn.conversation.id if self.turn is not None else None
        self.chat.sidebar.show(self.summaries, self.conversation.id, self.clock(), streaming_id)

    async def _show_conversation(self, at: int | None = None) -> None:
        """Draw the open conversation: its newest messages, or from message ``at`` on."""
        self.chat.prompt.owner = self.conversation.id
        self.chat.sidebar.highlight(self.conversation.id)
        self._refresh_status()
        empty = WELCOME if self.client.has_credentials else f"{WELCOME}\n\n{NO_KEY}"
        await self.chat.log_view.show_messages(self.conversation.messages, empty, at)

    # -- switching -------------------------------------------------------------------

    @work(group="open", exit_on_error=False)
    async def _open(
        self, conversation_id: str, at_startup: bool = False, at_message: str | None = None
    ) -> None:
        """Show a conversation (scrolled to ``at_message``, if given). A newer request
        supersedes an older one still loading."""
        self._open_requests += 1
        request = self._open_requests
        try:
            conversation = await self.keeper.load(conversation_id)
        except StoreError as error:
            if request == self._open_requests:
                self._heading_to = None
            self.notify(str(error), title="Cannot open", severity="error", markup=False)
            if isinstance(error, ConversationGone | ConversationUnreadable):
                self.summaries = [s for s in self.summaries if s.id != conversation_id]
                self._refresh_sidebar()
            return
        async with self._view_lock:
            if request != self._open_requests:
                return
            if conversation_id == self.conversation.id and at_message is None:
                return
            self._heading_to = None
            if at_startup and self.conversation.messages:
                return  # the user started a conversation while the list loaded
            if conversation is not self.conversation:
                self._swap_drafts(conversation, carry=at_startup)
            self.conversation = conversation
            at = next((n for n, m in enumerate(conversation.messages) if m.id == at_message),
                      None)
            await self._show_conversation(at)
        if conversation.read_only:
            self.notify(f"“{conversation.title}” is shown read-only: {READ_ONLY}",
                        title="Read-only", severity="warning", timeout=10, markup=False)
        await self._remember_open(conversation.id)

    def open_conversation(self, conversation_id: str) -> None:
        """Open a conversation (from the palette) and put the cursor in the input box."""
        self._open(conversation_id)
        self.chat.prompt.focus()

    def _swap_drafts(self, conversation: Conversation, carry: bool) -> None:
        """Unsent text stays with the conversation it was typed in (unless ``carry``:
        then it comes along, or if there is none, the new conversation's own draft shows).

        A new conversation is not listed until its first message; its draft waits in
        one slot for the next Ctrl+N.
        """
        prompt = self.chat.prompt
        if carry:
            if not prompt.text:
                prompt.set_draft(self._drafts.pop(self._draft_key(conversation), ""))
            return
        self._drafts[self._draft_key(self.conversation)] = prompt.text
        prompt.set_draft(self._drafts.pop(self._draft_key(conversation), ""))

    @staticmethod
    def _draft_key(conversation: Conversation) -> str:
        return conversation.id if conversation.messages else ""

    def _drafts_changed(self) -> None:
        """Save the drafts soon (a pause in typing), so a crash loses at most a moment."""
        if self._drafts_timer is not None:
            self._drafts_timer.stop()
        self._drafts_timer = self.set_timer(DRAFT_SAVE_DELAY, self._save_drafts)

    async def _save_drafts(self) -> None:
        if self._drafts_timer is not None:
            self._drafts_timer.stop()
            self._drafts_timer = None
        if not self.screen_stack or not self._drafts_loaded:
            return  # closing (the last save is made), or not read yet (it saves after)
        drafts = {**self._drafts, self._draft_key(self.conversation): self.chat.prompt.text}
        async with self._drafts_lock:
            try:
                await asyncio.to_thread(self.drafts.save, drafts)
                self._drafts_unsaved = False
            except OSError:  # kept in memory; tried again by _catch_up
                self._drafts_unsaved = True

    async def _new_conversation_now(self) -> None:
        async with self._view_lock:
            self._open_requests += 1  # a switch still loading is superseded
            self._heading_to = None
            if self.conversation.messages:
                conversation = self._new_conversation()
                self._swap_drafts(conversation, carry=False)
                self.conversation = conversation
                await self._show_conversation()
        self.chat.prompt.focus()


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
            if await self.keeper.save(conversation):
                self._merged(conversation)
        except StoreError as error:
            saved = False
            self.notify(f"{error}. Nothing is lost: it stays in memory, and is saved as "
                        "soon as the disk allows.", title="Not saved", severity="error",
                        timeout=20, markup=False)
        self._list(conversation)  # listed either way: it is in memory
        return saved

    def _merged(self, conversation: Conversation) -> None:
        """Another copy of the app saved this conversation too: say so and redraw it."""
        self.notify(f"Another claude-tui saved “{conversation.title}” too. Its messages "
                    "were merged in; nothing was overwritten.", title="Merged",
                    timeout=10, markup=False)
        self._redraw(conversation)

    @work(group="redraw", exit_on_error=False)
    async def _redraw(self, conversation: Conversation) -> None:
        async with self._view_lock:
            if self.conversation is conversation:
                await self._show_conversation()

    async def _catch_up(self) -> None:
        """Save what is only in memory because a save failed (a full or read-only disk),
        now that it may succeed; say so when it does."""
        for conversation in self.keeper.unsaved:
            try:
                merged = await self.keeper.save(conversation)
            except StoreError:
                return  # not yet: the failure was said when it happened
            if merged:
                self._merged(conversation)
            self.notify(f"“{conversation.title}” is saved now.", title="Saved", timeout=6,
                        markup=False)
        if self._drafts_unsaved:
            await self._save_drafts()

    async def _reload_if_changed(self) -> None:
        """The open conversation's file changed (another copy of the app wrote it) and
        nothing here is unsaved: show the file as it is now."""
        conversation = self.conversation
        if self.busy or self.keeper.is_live(conversation.id) or not conversation.messages:
            return
        if not await asyncio.to_thread(self.keeper.changed_on_disk, conversation.id):
            return
        try:
            fresh = await self.keeper.load(conversation.id)  # not live: read from the file
        except ConversationUnreadable as error:  # broken from outside, and set aside
            self.notify(f"{error}. The copy on screen is saved in its place.",
                        title="Conversation file not read", severity="warning", timeout=15,
                        markup=False)
            await self._save(conversation)
            return
        except StoreError:
            return  # gone: what is on screen stays, and is saved if continued
        async with self._view_lock:
            if self.conversation is not conversation or self.busy or fresh is conversation:
                return
            self.conversation = fresh
            await self._show_conversation()
        self._list(fresh)
        self._refresh_sidebar()
        self.notify(f"“{fresh.title}” was changed by another claude-tui; this is it now.",
                    title="Updated", timeout=6, markup=False)

    def _list(self, conversation: Conversation) -> None:
        """Put the conversation in the sidebar as it is now, in its place by date."""
        summary = ConversationSummary.of(conversation)
        self.summaries = self._sorted(
            [summary, *(s for s in self.summaries if s.id != conversation.id)]
        )
        self._refresh_sidebar()

