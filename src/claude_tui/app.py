"""The app: holds the store and the client, runs the workers, routes widget messages.

State flows down (``ChatScreen`` widgets are told what to show); widgets post messages
up (``PromptInput.Submitted``, ``Sidebar.ConversationSelected``). File reads and writes
and the network run in workers and threads; message handlers never wait on them.

Two locks keep the screen honest: ``_view_lock`` serialises everything that rebuilds
or appends to the message log, so a switch can never leave it half built; the keeper
(``core/keeper.py``) serialises writes and keeps unsaved conversations in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from datetime import datetime

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerCancelled, WorkerError, WorkerFailed, WorkerState

from claude_tui.core import paths
from claude_tui.core.claude import (
    NO_API_KEY,
    ClaudeClient,
    Finished,
    MessageStarted,
    UsageUpdated,
    preload_sdk,
)
from claude_tui.core.config import Settings
from claude_tui.core.keeper import ConversationKeeper
from claude_tui.core.models import (
    Conversation,
    ConversationSummary,
    ErrorInfo,
    Message,
    TurnStatus,
    utc_now,
)
from claude_tui.core.storage import (
    ConversationGone,
    ConversationStore,
    ConversationUnreadable,
    StoreError,
)
from claude_tui.core.turn import Turn
from claude_tui.screens.chat import ChatScreen
from claude_tui.screens.help import HelpScreen
from claude_tui.widgets.prompt_input import PromptInput
from claude_tui.widgets.sidebar import Sidebar
from claude_tui.widgets.status_bar import StatusInfo

WELCOME = "Start a conversation: type below and press Enter.  F1 lists every key."
NO_KEY = f"{NO_API_KEY.title} {NO_API_KEY.hint} Saved conversations can still be read."
CHECKPOINT_SECONDS = 1.0  # a streaming reply is saved this often, so a crash loses little
CHAT_ACTIONS = {"new_conversation", "next_conversation", "previous_conversation",
                "toggle_sidebar", "scroll_log", "stop", "retry"}


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
            model=self.settings.model, max_tokens=self.settings.max_tokens,
            system=self.settings.system,
        )

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

    # -- start and stop --------------------------------------------------------------

    async def on_ready(self) -> None:
        """After the first paint: load the list, then import the SDK in a thread."""
        async with self._view_lock:
            await self._show_conversation()
        self._load_conversations()
        self.run_worker(preload_sdk, thread=True, group="preload", exit_on_error=False)
        self.set_interval(60, self._refresh_sidebar)  # keep "5m ago" true

    @work(group="load", exit_on_error=False)
    async def _load_conversations(self) -> None:
        summaries, notices = await asyncio.to_thread(self.store.list_summaries)
        last_open = await asyncio.to_thread(self.store.last_open)
        known = {summary.id for summary in self.summaries}  # saved while we were reading
        self.summaries = self._sorted([*self.summaries,
                                       *(s for s in summaries if s.id not in known)])
        for notice in notices:
            self.notify(notice.message, title="Conversation file not read",
                        severity="warning", timeout=15, markup=False)
        self._refresh_sidebar()
        ids = [summary.id for summary in self.summaries]
        if ids and not self.conversation.messages:
            self._open(last_open if last_open in ids else ids[0], at_startup=True)

    async def action_quit(self) -> None:
        """Quit once the input box has handled the keys typed before Ctrl+Q."""
        # Not _after_typed_keys: a message submitted with Ctrl+Q is kept, but not sent.
        if not self.chat.prompt.call_later(self._quit):
            await self._quit()

    async def _quit(self) -> None:
        await self._take_unacknowledged()
        await self._stop_turn(closing=True)
        for conversation in self.keeper.unsaved:  # one last try for anything not on disk
            await self._save(conversation)
        await self.keeper.flush()
        unsaved = self.keeper.unsaved
        if unsaved and not self._quit_anyway:
            self._quit_anyway = True
            titles = ", ".join(f"'{c.title}'" for c in unsaved)
            self.notify(f"{titles} could not be saved. Free the disk and try again, or press "
                        "Ctrl+Q again to quit and lose the unsaved words.",
                        title="Not quitting yet", severity="error", timeout=30, markup=False)
            return
        self.exit()

    async def _take_unacknowledged(self) -> None:
        """Messages submitted a moment before quitting: keep them, unsent, in their place."""
        prompt = self.chat.prompt
        for submitted in list(prompt.unacknowledged):
            prompt.acknowledge(submitted)
            conversation = await self._owner_conversation(submitted.owner)
            if conversation is not None:
                conversation.append(Message.user(submitted.text))
                self.keeper.mark(conversation)

    async def _owner_conversation(self, owner: str | None) -> Conversation | None:
        if owner is None or owner == self.conversation.id:
            return self.conversation
        if owner in {summary.id for summary in self.summaries}:
            with contextlib.suppress(StoreError):
                return await self.keeper.load(owner)
        return None

    async def on_unmount(self) -> None:
        await self.client.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed is a bug of ours: say so instead of failing silently."""
        if event.worker is self._turn_worker and event.worker.is_finished:
            self._refresh_status()  # Stop / Retry in the footer follow the turn
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self.notify(f"{type(error).__name__}: {error}", title="Something went wrong",
                        severity="error", timeout=20, markup=False)

    # -- conversations ---------------------------------------------------------------

    @work(group="open", exit_on_error=False)
    async def _open(self, conversation_id: str, at_startup: bool = False) -> None:
        """Show a conversation. A newer request supersedes an older one still loading."""
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
            if request != self._open_requests or conversation_id == self.conversation.id:
                return
            self._heading_to = None
            if at_startup and self.conversation.messages:
                return  # the user started a conversation while the list loaded
            self._swap_drafts(conversation, carry=at_startup)
            self.conversation = conversation
            await self._show_conversation()
        await self._remember_open(conversation.id)

    async def _remember_open(self, conversation_id: str) -> None:
        """Which conversation to reopen next launch; written in order, newest last."""
        async with self._state_lock:
            await asyncio.to_thread(self.store.set_last_open, conversation_id)

    def _swap_drafts(self, conversation: Conversation, carry: bool) -> None:
        """Unsent text stays with the conversation it was typed in (unless ``carry``).

        A new conversation is not listed until its first message; its draft waits in
        one slot for the next Ctrl+N.
        """
        if carry:
            return
        prompt = self.chat.prompt
        self._drafts[self.conversation.id if self.conversation.messages else ""] = prompt.text
        prompt.set_draft(self._drafts.pop(conversation.id if conversation.messages else "", ""))

    def _step(self, step: int) -> None:
        ids = [summary.id for summary in self.summaries]
        if not ids:
            return
        current = self._heading_to or self.conversation.id  # quick presses add up
        if current in ids:
            index = (ids.index(current) + step) % len(ids)
        else:
            index = 0 if step > 0 else len(ids) - 1
        self._heading_to = ids[index]
        self._open(ids[index])

    def _after_typed_keys(self, callback: Callable[..., object], *args: object) -> None:
        """Run ``callback`` once the input box has handled the keys already sent to it,
        and a message submitted with them is taken, in the conversation it was typed in."""

        async def then() -> None:
            prompt = self.chat.prompt
            for submitted in list(prompt.unacknowledged):
                if prompt.acknowledge(submitted):
                    await self._accept(submitted)
            result = callback(*args)
            if asyncio.iscoroutine(result):
                await result

        if not self.chat.prompt.call_later(then):
            self.call_later(then)

    def action_next_conversation(self) -> None:
        self._after_typed_keys(self._step, 1)

    def action_previous_conversation(self) -> None:
        self._after_typed_keys(self._step, -1)

    def action_new_conversation(self) -> None:
        self._after_typed_keys(self._new_conversation_now)

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
            log.scroll_page_up(animate=False)
        else:
            log.scroll_page_down(animate=False)

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
        if self.busy:
            yield SystemCommand("Stop reply", "Stop the streaming reply (Escape)",
                                self.action_stop)
        elif self.conversation.can_retry:
            yield SystemCommand("Retry", "Send the last message again (Ctrl+R)",
                                self.action_retry)
        yield SystemCommand("Keys", "List every key (F1)", self.action_help)
        yield from super().get_system_commands(screen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CHAT_ACTIONS and self.screen is not self.chat:
            return False  # a modal is open: its keys are its own
        if action == "stop":
            return self.busy
        if action == "retry":
            return not self.busy and self.conversation.can_retry
        return True

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

    # -- turns -----------------------------------------------------------------------

    def _refuse(self, text: str | None = None) -> bool:
        """Say why nothing can be sent now (handing back ``text``); False if it can."""
        severity: SeverityLevel
        if self.busy:
            message, severity = "Claude is still replying. Press Escape to stop it first.", (
                "warning")
        elif not self.client.has_credentials:
            message, severity = NO_KEY, "error"
        else:
            return False
        if text is not None:
            self.chat.prompt.give_back(text)
        self.notify(message, severity=severity, timeout=10, markup=False)
        return True

    @on(PromptInput.Submitted)
    async def _submitted(self, event: PromptInput.Submitted) -> None:
        if self.chat.prompt.acknowledge(event):  # not already taken by _after_typed_keys
            await self._accept(event)

    async def _accept(self, event: PromptInput.Submitted) -> None:
        async with self._view_lock:  # no switch can happen between the check and the append
            if event.owner is not None and event.owner != self.conversation.id:
                # Enter and a switch arrived together: never send into the wrong one
                known = {summary.id for summary in self.summaries}
                slot = event.owner if event.owner in known else ""
                self._drafts[slot] = event.text + self._drafts.get(slot, "")
                self.notify("Not sent: the conversation changed as you pressed Enter. The "
                            "message is back in the input box of the conversation you wrote "
                            "it in.", severity="warning", timeout=10, markup=False)
                return
            if self._refuse(event.text):
                return
            conversation = self.conversation
            message = Message.user(event.text)
            conversation.append(message)
            self._start_sending(conversation)  # in memory first: nothing can lose it now
            await self.chat.log_view.add_message(message)

    async def action_retry(self) -> None:
        if not self._refuse() and self.conversation.can_retry:
            self._start_sending(self.conversation)

    def _start_sending(self, conversation: Conversation) -> None:
        # Pinned from now until the turn ends: opening it always finds this very copy.
        self.keeper.pin(conversation)
        self._sending = conversation
        self._turn_worker = self._converse(conversation)

    @work(group="turn", exit_on_error=False)
    async def _converse(self, conversation: Conversation) -> None:
        """Save the user's message, then stream the reply into the conversation."""
        self._refresh_status()
        if not await self._save(conversation):  # on disk before the request goes out
            self.keeper.unpin(conversation)
            self._sending = None
            self.notify("Your message was not sent because it could not be saved. It is "
                        "kept here: press Ctrl+R to send it once the disk can be written.",
                        title="Not sent", severity="error", timeout=20, markup=False)
            self._refresh_status()
            return
        await self._remember_open(conversation.id)
        async with self._view_lock:
            turn = Turn(conversation)
            self.turn = turn
        stop_checkpoints = asyncio.Event()
        checkpoints = asyncio.create_task(self._checkpoint(turn, stop_checkpoints))
        try:
            async with self._view_lock:
                if self.conversation is conversation:  # (a rebuild may have drawn it)
                    await self.chat.log_view.add_message(turn.message)
            self._refresh_status()
            self._refresh_sidebar()
            async for event in self.client.stream(conversation):
                turn.apply(event)
                if self.conversation is conversation:
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
            stop_checkpoints.set()
            await asyncio.shield(self._end_turn(turn, checkpoints))

    async def _checkpoint(self, turn: Turn, stop: asyncio.Event) -> None:
        """Save the growing reply every so often while it streams."""
        saved = turn.revision
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CHECKPOINT_SECONDS)
            if not stop.is_set() and turn.revision != saved:
                saved = turn.revision
                with contextlib.suppress(StoreError):  # the final save will say so
                    await self.keeper.save(turn.conversation)

    async def _end_turn(self, turn: Turn, checkpoints: asyncio.Task[None] | None = None) -> None:
        """Give the reply its final status and save it (once, however the turn ended)."""
        if checkpoints is not None:
            await asyncio.wait([checkpoints])  # a checkpoint in flight lands first
        if self.turn is not turn:
            return
        turn.stop()  # no-op unless the stream ended without a verdict
        self.turn = None
        self._sending = None
        self.keeper.unpin(turn.conversation)
        await self._save(turn.conversation)
        if self.conversation is turn.conversation:
            await self.chat.log_view.sync_message(turn.message.id)
        self._refresh_status()
        self._refresh_sidebar()

    async def action_stop(self) -> None:
        await self._stop_turn()

    async def _stop_turn(self, closing: bool = False) -> None:
        worker = self._turn_worker
        if closing and self.turn is not None:
            self.turn.interrupt()  # not "stopped by you": the app was closed
        if worker is not None and not worker.is_finished:
            worker.cancel()
            with contextlib.suppress(WorkerCancelled, WorkerFailed, WorkerError):
                await worker.wait()
        if self.turn is not None:  # cancelled before it could finish the turn itself
            await self._end_turn(self.turn)
        elif self._sending is not None:  # cancelled before it could even start
            self.keeper.unpin(self._sending)
            self._sending = None
