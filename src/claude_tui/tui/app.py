"""The app: keys, start and quit, switching conversations, the palette.

State flows down (``ChatScreen`` widgets are told what to show); widgets post messages
up (``PromptInput.Submitted``, ``Sidebar.ConversationSelected``). File reads and writes
and the network run in workers and threads; message handlers never wait on them.

Two locks keep the screen honest: ``_view_lock`` serialises everything that rebuilds
or appends to the message log, so a switch can never leave it half built; the keeper
(``core/keeper.py``) serialises writes and keeps unsaved conversations in memory.
The state lives in ``state.py`` and the turn lifecycle in ``turns.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from functools import partial

import rich
from rich.segment import Segments
from textual import on, work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import TextArea
from textual.worker import Worker, WorkerState

from claude_tui import paths
from claude_tui.api.client import preload_sdk
from claude_tui.domain.conversation import Conversation, ConversationSummary
from claude_tui.domain.message import Message
from claude_tui.domain.values import SchemaError
from claude_tui.store.conversations import (
    QuarantineNotice,
    StoreError,
)
from claude_tui.store.lookup import most_recently_used
from claude_tui.tui import collector
from claude_tui.tui.commands import ConversationCommands
from claude_tui.tui.manage import EXPORT_FORMATS, ConversationActions
from claude_tui.tui.screens.chat import ChatScreen
from claude_tui.tui.screens.help import HelpScreen
from claude_tui.tui.widgets.prompt_input import PromptInput
from claude_tui.tui.widgets.sidebar import Sidebar

QUIT_ANYWAY_SECONDS = 10.0  # a second Ctrl+Q within this quits with unsaved words lost
DISK_CHECK_SECONDS = 2.0  # how often failed saves are retried and the open file checked

CHAT_ACTIONS = {"new_conversation", "next_conversation", "previous_conversation",
                "toggle_sidebar", "scroll_log", "stop", "retry", "rename", "delete",
                "restore", "duplicate", "export", "search", "filter"}


class ClaudeTUI(ConversationActions):
    TITLE = "claude-tui"
    COMMANDS = ConversationActions.COMMANDS | {ConversationCommands}
    CSS_PATH = [paths.styles_dir() / "app.tcss"]
    BINDINGS = [
        Binding("ctrl+n", "new_conversation", "New", id="app.new_conversation"),
        Binding("ctrl+pagedown,alt+down", "next_conversation", "Next", show=False,
                priority=True, id="app.next_conversation"),
        Binding("ctrl+pageup,alt+up", "previous_conversation", "Previous", show=False,
                priority=True, id="app.previous_conversation"),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="app.toggle_sidebar"),
        Binding("ctrl+f", "search", "Search", id="app.search"),
        Binding("ctrl+g", "filter", "Filter", show=False, id="app.filter"),
        Binding("f2", "rename", "Rename", show=False, id="app.rename"),
        Binding("f8", "delete", "Delete", show=False, id="app.delete"),
        Binding("escape", "stop", "Stop", id="app.stop"),
        Binding("ctrl+r", "retry", "Retry", id="app.retry"),
        Binding("pageup", "scroll_log(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "scroll_log(1)", "Scroll down", show=False, priority=True),
        Binding("f1", "help", "Keys", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    # -- the screen ------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return ChatScreen()

    def _fatal_error(self) -> None:
        """Textual's crash report, without the values of local variables: one could be
        the API key, and the report is printed to the terminal."""
        from rich.traceback import Traceback  # (pygments and more: not on the way to a start)

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    # -- start and stop --------------------------------------------------------------

    async def on_ready(self) -> None:
        """After the first paint: load the list, then import the SDK in a thread."""
        async with self._view_lock:
            await self._show_conversation()
        self._chat_ready = True  # the chat keys work from now on
        self._load_conversations()
        self.set_interval(60, self._refresh_ages)
        self.set_interval(DISK_CHECK_SECONDS, self._check_disk)

    def _refresh_ages(self) -> None:
        """Keep "5m ago" true; not while closing, when the sidebar may be gone."""
        with contextlib.suppress(NoMatches):
            self._refresh_sidebar()

    @work(group="disk", exclusive=True, exit_on_error=False)
    async def _check_disk(self) -> None:
        """Every few seconds: save what could not be saved, and show what another copy of
        the app saved."""
        await self._catch_up()
        await self._reload_if_changed()
        await self._relist_if_changed()

    async def _relist_if_changed(self) -> None:
        """Conversations another copy created or deleted: the list follows the folder
        (whose modification time changes with each file added, replaced or removed)."""
        if self.busy or not self._listed:
            return  # streaming (each checkpoint changes the folder), or not listed yet
        stamp = await asyncio.to_thread(self.store.folder_stamp)
        if stamp == self._listed_stamp:
            return
        self._listed_stamp = stamp
        summaries, notices = await asyncio.to_thread(self.store.list_summaries)
        self._take_listing(summaries, replace=True)
        self._tell_set_aside(notices)

    def _tell_set_aside(self, notices: list[QuarantineNotice]) -> None:
        for notice in notices:
            self.notify(notice.message, title="Conversation file not read",
                        severity="warning", timeout=15, markup=False)

    @work(group="load", exit_on_error=False)
    async def _load_conversations(self) -> None:
        """The list from the index at once, then checked against the files."""
        stamp = await asyncio.to_thread(self.store.folder_stamp)
        indexed, cached = await asyncio.to_thread(self.store.indexed_summaries)
        last_open = await asyncio.to_thread(self.store.last_open)
        try:
            for key, text in (await asyncio.to_thread(self.drafts.load)).items():
                self._drafts.setdefault(key, text)
        except SchemaError as error:  # moved aside, or the next save would overwrite it
            notice = await asyncio.to_thread(self.store.set_aside, self.drafts.path, error)
            self.notify(notice.message, title="Drafts not read", severity="warning",
                        timeout=15, markup=False)
        self._drafts_loaded = True  # from now on saving them cannot lose the saved ones
        if indexed:
            self._take_listing(indexed)
        summaries, notices = await asyncio.to_thread(self.store.list_summaries, cached)
        self._listed_stamp = stamp  # read before the listing: no change can slip between
        self._listed = True
        self._take_listing(summaries, replace=True)
        self._tell_set_aside(notices)
        ids = self.listed_ids
        last_used = most_recently_used(last_open, ids)
        if self.initial_prompt is not None:
            prompt, self.initial_prompt = self.initial_prompt, None
            if self.resume and last_used is not None:
                await self._open(last_used, at_startup=True).wait()
            await self._accept(PromptInput.Submitted(prompt, self.conversation.id))
        elif last_used is not None and not self.conversation.messages:
            self._open(last_used, at_startup=True)
        else:
            self._swap_drafts(self.conversation, carry=True)
        self._drafts_changed()  # text typed while loading is saved with the rest
        # Only now: importing the SDK in a thread takes seconds of the interpreter's lock,
        # which slowed reading the list three-fold when both ran at once.
        self.run_worker(self._preload_sdk(), group="preload", exit_on_error=False)
        self.run_worker(self._purge_trash(), group="purge", exit_on_error=False)

    async def _preload_sdk(self) -> None:
        await asyncio.to_thread(preload_sdk)
        if self.freeze_after_start:
            collector.freeze_startup()

    def _take_listing(self, summaries: list[ConversationSummary], replace: bool = False) -> None:
        """Show what was read from the disk, merged with what is listed already (this copy
        may have saved meanwhile): the newer of two summaries wins, the disk's if they are
        as new. With ``replace`` (the
        listing checked against the files), a conversation the disk no longer has is
        dropped, unless it is open or only in memory."""
        listed = {s.id: s for s in summaries}
        for mine in self.summaries:
            theirs = listed.get(mine.id)
            if theirs is None:
                keep = (not replace or self.keeper.is_live(mine.id)
                        or mine.id == self.conversation.id)
                if keep:
                    listed[mine.id] = mine
            elif mine.updated_at > theirs.updated_at or self.keeper.is_live(mine.id):
                listed[mine.id] = mine
        self.summaries = self._sorted(list(listed.values()))
        self.chat.sidebar.loading = False
        self._refresh_sidebar()

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
        await self._save_drafts()
        unsaved = self.keeper.unsaved
        warned = self._quit_warned  # a second Ctrl+Q counts only soon after the warning
        if unsaved and (warned is None or time.monotonic() - warned > QUIT_ANYWAY_SECONDS):
            self._quit_warned = time.monotonic()
            titles = ", ".join(f"'{c.title}'" for c in unsaved)
            self.notify(f"{titles} could not be saved. Free the disk and try again, or press "
                        "Ctrl+Q again now to quit and lose the unsaved words.",
                        title="Not quitting yet", severity="error", timeout=QUIT_ANYWAY_SECONDS,
                        markup=False)
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
        if owner in self.listed_ids:
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

    def _step(self, step: int) -> None:
        ids = self.chat.sidebar.conversation_ids  # the list as shown: filtered, if it is
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

    @on(TextArea.Changed, "#prompt")
    def _prompt_changed(self) -> None:
        self._drafts_changed()

    def action_filter(self) -> None:
        self.chat.sidebar.focus_filter()

    @on(Sidebar.FilterLeft)
    def _filter_left(self) -> None:
        self.chat.prompt.focus()

    @on(Sidebar.ConversationSelected)
    def _conversation_selected(self, event: Sidebar.ConversationSelected) -> None:
        if event.browsing:
            self._open(event.conversation_id)
        else:
            self.open_conversation(event.conversation_id)

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
        yield SystemCommand("Search messages", "Find words in every conversation (Ctrl+F)",
                            self.action_search)
        yield SystemCommand("Filter conversations", "Narrow the list by title (Ctrl+G)",
                            self.action_filter)
        yield SystemCommand("Rename conversation", "Give the open conversation a title (F2)",
                            self.action_rename)
        yield SystemCommand("Delete conversation", "Move the open conversation to the trash "
                            "(F8)", self.action_delete)
        yield SystemCommand("Restore from trash", "Bring back a deleted conversation",
                            self.action_restore)
        yield SystemCommand("Duplicate conversation", "A copy to take in another direction",
                            self.action_duplicate)
        for fmt, label in EXPORT_FORMATS.items():
            yield SystemCommand(f"Export as {label}", f"Write the open conversation to a "
                                f".{fmt} file", partial(self.action_export, fmt))
        yield SystemCommand("Keys", "List every key (F1)", self.action_help)
        for command in super().get_system_commands(screen):
            if command.title != "Keys":  # Textual's key panel; ours is above (F1)
                yield command

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CHAT_ACTIONS and (not self._chat_ready or self.screen is not self.chat):
            return False  # still starting, or a modal is open: its keys are its own
        if action == "stop":
            return self.busy
        if action == "retry":
            return not self.busy and self.conversation.can_retry
        return True

