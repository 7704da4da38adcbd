"""The app: holds the store and the client, runs the workers, routes widget messages.

State flows down (``ChatScreen`` widgets are told what to show); widgets post
messages up (``PromptInput.Submitted``, ``Sidebar.ConversationSelected``).
Disk and network run in workers, never on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker

from claude_tui.core import paths
from claude_tui.core.claude import (
    ClaudeClient,
    Finished,
    MessageStarted,
    UsageUpdated,
    preload_sdk,
)
from claude_tui.core.config import Settings
from claude_tui.core.models import (
    Conversation,
    ConversationSummary,
    ErrorInfo,
    Message,
    TurnStatus,
    utc_now,
)
from claude_tui.core.storage import ConversationStore, StoreError, encode
from claude_tui.core.turn import Turn
from claude_tui.screens.chat import ChatScreen
from claude_tui.screens.help import HelpScreen
from claude_tui.widgets.prompt_input import PromptInput
from claude_tui.widgets.sidebar import Sidebar
from claude_tui.widgets.status_bar import StatusInfo

WELCOME = "Start a conversation: type below and press Enter.  F1 lists every key."
NO_KEY = (
    "No API key is set, so messages cannot be sent yet. Set one in your shell "
    "(export ANTHROPIC_API_KEY=...) and start claude-tui again. "
    "Saved conversations can still be read."
)


class ClaudeTUI(App[None]):
    TITLE = "claude-tui"
    CSS_PATH = [paths.styles_dir() / "app.tcss"]
    BINDINGS = [
        Binding("ctrl+n", "new_conversation", "New", id="app.new_conversation"),
        Binding("ctrl+pagedown,alt+down", "next_conversation", "Next", show=False,
                priority=True, id="app.next_conversation"),
        Binding("ctrl+pageup,alt+up", "previous_conversation", "Previous", show=False,
                priority=True, id="app.previous_conversation"),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="app.toggle_sidebar"),
        Binding("escape", "stop", "Stop", id="app.stop"),
        Binding("ctrl+r", "retry", "Retry", id="app.retry"),
        Binding("pageup", "scroll_log(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "scroll_log(1)", "Scroll down", show=False, priority=True),
        Binding("f1", "help", "Keys", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.store = ConversationStore(settings.resolved_data_dir())
        self.client = ClaudeClient(settings)
        self.clock = clock
        self.summaries: list[ConversationSummary] = []
        self.conversation = self._new_conversation()
        self.turn: Turn | None = None
        self._turn_worker: Worker[None] | None = None
        self._save_lock = asyncio.Lock()
        self._turn_done = asyncio.Event()
        self._footer_actions: tuple[bool, bool] | None = None
        self._drafts: dict[str, str] = {}

    # -- the screen ------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return ChatScreen()

    @property
    def chat(self) -> ChatScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, ChatScreen)
        return screen

    def _new_conversation(self) -> Conversation:
        return Conversation(
            model=self.settings.model,
            max_tokens=self.settings.max_tokens,
            system=self.settings.system,
        )

    def _empty_text(self) -> str:
        return WELCOME if self.client.has_credentials else f"{WELCOME}\n\n{NO_KEY}"

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
        actions = (turn is not None, conversation.can_retry)
        if actions != self._footer_actions:  # the footer recomposes on every refresh
            self._footer_actions = actions
            self.refresh_bindings()

    def _refresh_sidebar(self) -> None:
        streaming_id = self.turn.conversation.id if self.turn is not None else None
        self.chat.sidebar.show(self.summaries, self.conversation.id, self.clock(), streaming_id)

    async def _show_conversation(self) -> None:
        chat = self.chat
        await chat.log_view.show_messages(self.conversation.messages, self._empty_text())
        chat.sidebar.highlight(self.conversation.id)
        self._refresh_status()

    # -- start and stop --------------------------------------------------------------

    async def on_ready(self) -> None:
        """After the first paint: load the list, then import the SDK in a thread."""
        await self._show_conversation()
        self._load_conversations()
        self.run_worker(preload_sdk, thread=True, group="preload", exit_on_error=False)
        self.set_interval(60, self._refresh_sidebar)  # keep "5m ago" true

    @work(group="load", exit_on_error=False)
    async def _load_conversations(self) -> None:
        summaries, notices = await asyncio.to_thread(self.store.list_summaries)
        last_open = await asyncio.to_thread(self.store.last_open)
        self.summaries = summaries
        for notice in notices:
            self.notify(notice.message, title="Conversation file quarantined",
                        severity="warning", timeout=15, markup=False)
        ids = [summary.id for summary in summaries]
        self._refresh_sidebar()
        if ids and not self.conversation.messages:
            # text typed while the list loaded belongs to what the user is about to see
            self._open(last_open if last_open in ids else ids[0], carry_draft=True)

    async def action_quit(self) -> None:
        await self._stop_turn()
        self.exit()

    async def on_unmount(self) -> None:
        await self.client.close()

    # -- conversations ---------------------------------------------------------------

    @work(group="open", exclusive=True, exit_on_error=False)
    async def _open(self, conversation_id: str, carry_draft: bool = False) -> None:
        if conversation_id == self.conversation.id:
            return
        if self.turn is not None and self.turn.conversation.id == conversation_id:
            conversation = self.turn.conversation
        else:
            try:
                conversation = await asyncio.to_thread(self.store.load, conversation_id)
            except StoreError as error:
                self.notify(str(error), title="Cannot open", severity="error", markup=False)
                self.summaries = [s for s in self.summaries if s.id != conversation_id]
                self._refresh_sidebar()
                return
        await self._switch_to(conversation, carry_draft=carry_draft)
        await asyncio.to_thread(self.store.set_last_open, conversation.id)

    def _draft_key(self, conversation: Conversation) -> str:
        # A new conversation is not listed until its first message: its draft waits in
        # one slot for the next Ctrl+N.
        return conversation.id if conversation.messages else ""

    async def _switch_to(self, conversation: Conversation, carry_draft: bool = False) -> None:
        """Show ``conversation``; unsent text stays with the conversation it was typed in."""
        prompt = self.chat.prompt
        if not carry_draft:
            self._drafts[self._draft_key(self.conversation)] = prompt.text
            prompt.set_draft(self._drafts.pop(self._draft_key(conversation), ""))
        self.conversation = conversation
        await self._show_conversation()

    def _step(self, step: int) -> None:
        ids = [summary.id for summary in self.summaries]
        if not ids:
            return
        if self.conversation.id in ids:
            index = (ids.index(self.conversation.id) + step) % len(ids)
        else:
            index = 0 if step > 0 else len(ids) - 1
        self._open(ids[index])

    def action_next_conversation(self) -> None:
        self._step(1)

    def action_previous_conversation(self) -> None:
        self._step(-1)

    async def action_new_conversation(self) -> None:
        if self.conversation.messages:
            await self._switch_to(self._new_conversation())
        self.chat.prompt.focus()

    @on(Sidebar.ConversationSelected)
    def _conversation_selected(self, event: Sidebar.ConversationSelected) -> None:
        self._open(event.conversation_id)
        self.chat.prompt.focus()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.chat.sidebar
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.chat.prompt.focus()

    def action_scroll_log(self, direction: int) -> None:
        log = self.chat.log_view
        if direction < 0:
            log.scroll_page_up()
        else:
            log.scroll_page_down()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield SystemCommand("New conversation", "Start a new conversation (Ctrl+N)",
                            self.action_new_conversation)
        yield SystemCommand("Next conversation", "Open the next one in the list",
                            self.action_next_conversation)
        yield SystemCommand("Previous conversation", "Open the previous one in the list",
                            self.action_previous_conversation)
        yield SystemCommand("Toggle sidebar", "Hide or show the conversation list (Ctrl+B)",
                            self.action_toggle_sidebar)
        if self.turn is not None:
            yield SystemCommand("Stop reply", "Stop the streaming reply (Escape)",
                                self.action_stop)
        if self.turn is None and self.conversation.can_retry:
            yield SystemCommand("Retry", "Send the last message again (Ctrl+R)",
                                self.action_retry)
        yield SystemCommand("Keys", "List every key (F1)", self.action_help)
        yield from super().get_system_commands(screen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self.turn is not None
        if action == "retry":
            return self.turn is None and self.conversation.can_retry
        return True

    # -- saving ----------------------------------------------------------------------

    async def _save(self, conversation: Conversation) -> bool:
        """Write the conversation (off the event loop); say so if it fails."""
        data = encode(conversation)
        async with self._save_lock:
            try:
                await asyncio.to_thread(self.store.save_encoded, conversation.id, data)
            except StoreError as error:
                self.notify(f"{error}. It is kept in memory; the next save will retry.",
                            title="Not saved", severity="error", timeout=15, markup=False)
                return False
        summary = ConversationSummary.of(conversation)
        self.summaries = [summary] + [s for s in self.summaries if s.id != conversation.id]
        self.summaries.sort(key=lambda s: s.updated_at, reverse=True)
        self._refresh_sidebar()
        return True

    # -- turns -----------------------------------------------------------------------

    @on(PromptInput.Submitted)
    async def _submitted(self, event: PromptInput.Submitted) -> None:
        if self.turn is not None:
            self.notify("Claude is still replying. Press Escape to stop it first.",
                        severity="warning")
            return
        if not self.client.has_credentials:
            self.notify(NO_KEY, title="No API key", severity="error", timeout=15, markup=False)
            return
        conversation = self.conversation
        message = Message.user(event.text)
        conversation.append(message)
        self.chat.prompt.clear()
        await self.chat.log_view.add_message(message)
        await self._save(conversation)  # on disk before the request goes out
        await asyncio.to_thread(self.store.set_last_open, conversation.id)
        await self._start_turn(conversation)

    async def action_retry(self) -> None:
        if not self.client.has_credentials:
            self.notify(NO_KEY, title="No API key", severity="error", timeout=15, markup=False)
        elif self.turn is None and self.conversation.can_retry:
            await self._start_turn(self.conversation)

    async def _start_turn(self, conversation: Conversation) -> None:
        turn = Turn(conversation)
        self.turn = turn
        self._turn_done = asyncio.Event()
        if self.conversation is conversation:
            await self.chat.log_view.add_message(turn.message)
        self._refresh_status()
        self._refresh_sidebar()
        self._turn_worker = self._run_turn(turn)

    def _showing(self, turn: Turn) -> bool:
        return self.conversation is turn.conversation

    @work(group="turn", exit_on_error=False)
    async def _run_turn(self, turn: Turn) -> None:
        try:
            async for event in self.client.stream(turn.conversation):
                turn.apply(event)
                if self._showing(turn):
                    await self.chat.log_view.sync_message(turn.message.id)
                    if isinstance(event, MessageStarted | UsageUpdated | Finished):
                        self._refresh_status()
        except asyncio.CancelledError:
            turn.stop()
            raise
        except Exception as error:  # a bug of ours: keep the text, say what happened
            turn.fail(ErrorInfo(kind="unexpected", title="Something unexpected went wrong.",
                                detail=f"{type(error).__name__}: {error}",
                                hint="The text that arrived is kept."))
        finally:
            turn.stop()  # no-op unless the stream ended without a verdict
            self.turn = None
            await self._save(turn.conversation)
            self._turn_done.set()
            if self._showing(turn):
                await self.chat.log_view.sync_message(turn.message.id)
            self._refresh_status()

    async def action_stop(self) -> None:
        await self._stop_turn()

    async def _stop_turn(self) -> None:
        worker = self._turn_worker
        if worker is not None and self.turn is not None:
            worker.cancel()
            await self._turn_done.wait()
