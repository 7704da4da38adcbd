"""The chat screen: the open conversation, the list and the status, and the chat keys.

State goes down (reactives, watchers, ``data_bind``), messages come up. Its helpers, one
concern each: ``replying`` (a turn), ``opening``, ``library``, ``watch``, ``meter``,
``estimate``, ``steering``, ``slash``, ``attaching``; ``view_lock`` serialises what
rebuilds the log. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from typing import Any, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, TextArea
from textual.worker import Worker, WorkerState

from claude_tui.domain.catalog import Catalog
from claude_tui.domain.conversation import Conversation, ConversationSummary, newest_first
from claude_tui.domain.events import Retrying
from claude_tui.domain.steering import fitted_defaults
from claude_tui.store.conversations import StoreError
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.tui.actions import MessageActions
from claude_tui.tui.attaching import Attaching
from claude_tui.tui.estimate import Estimate
from claude_tui.tui.keys import CHAT_ACTIONS, CHAT_BINDINGS
from claude_tui.tui.library import Library
from claude_tui.tui.meter import Meter
from claude_tui.tui.opening import WELCOME, Opening
from claude_tui.tui.replying import NO_KEY, Replying
from claude_tui.tui.services import Services
from claude_tui.tui.slash import Slash
from claude_tui.tui.status import status_of
from claude_tui.tui.steering import Steering
from claude_tui.tui.submit import SubmitHandshake, Submitted
from claude_tui.tui.watch import DiskWatch
from claude_tui.tui.widgets.attachment_chips import AttachmentChips
from claude_tui.tui.widgets.message_log import MessageLog
from claude_tui.tui.widgets.prompt_input import PromptInput
from claude_tui.tui.widgets.reply_footer import ReplyMeter, ReplyNote
from claude_tui.tui.widgets.sidebar import Sidebar
from claude_tui.tui.widgets.status_bar import StatusBar, StatusInfo
from claude_tui.tui.widgets.suggestions import Suggestions

DRAFT_SAVE_DELAY = 0.5  # seconds after the last key
DISK_CHECK_SECONDS = 2.0  # how often failed saves are retried and the open file checked


class ChatScreen(Screen[None]):
    AUTO_FOCUS = "#prompt"
    BINDINGS = CHAT_BINDINGS

    conversation: var[Conversation] = var(cast(Conversation, None), always_update=True, init=False)
    summaries: var[tuple[ConversationSummary, ...]] = var((), always_update=True, init=False)
    replying_in: var[str | None] = var(None, init=False)  # the conversation a reply streams into
    retry: var[tuple[Retrying, float] | None] = var(None, init=False)  # and when the wait ends
    now: var[datetime | None] = var(None, init=False)  # for "5m ago" in the list
    status: var[StatusInfo] = var(StatusInfo)
    # The models to choose from: the offline list until the API's is read (after the
    # first paint, then daily).
    catalog: var[Catalog] = var(Catalog.fallback, init=False)

    def __init__(
        self, services: Services, *, prompt: str | None = None, resume: bool = False
    ) -> None:
        super().__init__()
        self.services = services
        self.keeper: ConversationKeeper = services.keeper
        self.session = services.session
        self.drafts = services.drafts
        self.view_lock = asyncio.Lock()
        self.ready = False  # drawn: the chat keys work from now on
        self.opening = Opening(self, prompt=prompt, resume=resume)
        self.replying = Replying(self)
        self.library = Library(self)
        self.disk = DiskWatch(self)
        self.meter = Meter(self)  # prices, a reply's details
        self.estimate = Estimate(self)  # the tokens a draft would send
        self.steering = Steering(self)  # settings, model, thinking
        self.slash = Slash(self)  # slash commands in the input box
        self.actions = MessageActions(self)  # copy, edit, branches, delete… of a message
        self.attaching = Attaching(self)  # @path, the picker, a pasted path, the chips
        self._drafts_timer: Timer | None = None
        self._footer_actions: tuple[bool, ...] | None = None
        self.set_reactive(ChatScreen.conversation, self.new_conversation())

    def new_conversation(self) -> Conversation:
        """A new conversation with the default settings, fitted to its model."""
        return Conversation.start(fitted_defaults(self.steering.defaults, self.catalog))

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar")
            with Vertical(id="chat"):
                yield MessageLog(id="log")
                yield Suggestions(id="suggestions")
                yield AttachmentChips(id="chips")
                yield PromptInput(id="prompt")
        yield StatusBar(id="status").data_bind(info=ChatScreen.status)
        yield Footer()

    def on_mount(self) -> None:
        self.log_view.prices = self.meter.prices
        self.log_view.marks = self.actions.marks
        self.submit = SubmitHandshake(self.prompt, self.slash.accept, self.slash.refuses_now)
        self.attaching.mount()  # the completer of slash commands and @paths, a pasted path
        self.prompt.message_history = lambda: self.conversation.messages

    async def start(self) -> None:
        """After the first paint: draw the open conversation, then read the list."""
        async with self.view_lock:
            await self.draw()
        self.ready = True
        self.now = self.services.clock()
        self.opening.load_list()
        self.set_interval(60, lambda: setattr(self, "now", self.services.clock()))
        self.set_interval(DISK_CHECK_SECONDS, self.disk.check)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def log_view(self) -> MessageLog:
        return self.query_one(MessageLog)

    @property
    def prompt(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def listed_ids(self) -> list[str]:
        """The sidebar's conversations, in its order."""
        return [summary.id for summary in self.summaries]

    async def draw(self, at: int | None = None) -> None:
        """Draw the open conversation (newest messages, or from ``at`` on); hold view_lock."""
        credentials = self.services.client.has_credentials
        empty = WELCOME if credentials else f"{WELCOME}\n\n{NO_KEY}"
        await self.log_view.show_messages(self.conversation.messages, empty, at)

    def watch_conversation(self, before: Conversation, conversation: Conversation) -> None:
        if conversation is not before:  # another one is open (not one changed in place:
            with contextlib.suppress(NoMatches):  # the user's place in the list stays)
                self.prompt.owner = conversation.id
                self.sidebar.highlight(conversation.id)
            self.steering.check_model()
            self.actions.left()
            self.attaching.switched()
        self._follow_actions()
        self.actions.follow()

    def watch_summaries(self) -> None:
        self._show_list()

    def watch_replying_in(self) -> None:
        self._show_list()
        self._follow_actions()

    def watch_now(self) -> None:
        self._show_list()

    def watch_catalog(self) -> None:
        self.steering.check_model()

    def _show_list(self) -> None:
        with contextlib.suppress(NoMatches):  # closing: the sidebar may be gone
            self.sidebar.show(
                self.summaries,
                self.conversation.id,
                self.now or self.services.clock(),
                self.replying_in,
            )

    def compute_status(self) -> StatusInfo:
        if self.conversation is None:
            return StatusInfo()
        return status_of(
            self.conversation,
            self.replying_in,
            self.retry,
            self.services.client.has_credentials,
            model=self.catalog.find(self.conversation.model),
            prices=self.meter.prices,
        )

    def _follow_actions(self) -> None:
        """Stop, Retry and Continue in the footer follow the turn and the conversation."""
        conversation = self.conversation
        actions = (self.session.busy, conversation.can_retry, conversation.can_continue)
        if actions != self._footer_actions:  # the footer recomposes on every refresh
            self._footer_actions = actions
            self.refresh_bindings()

    def conversation_changed(self) -> None:
        """The open conversation changed in place (a reply's usage, its title)."""
        self.mutate_reactive(ChatScreen.conversation)

    def show_in_list(self, conversation: Conversation) -> None:
        """Put the conversation in the list as it is now, in its place by date."""
        summary = ConversationSummary.of(conversation)
        self.summaries = newest_first(
            [summary, *(s for s in self.summaries if s.id != conversation.id)]
        )

    def unlist(self, conversation_id: str) -> None:
        self.summaries = tuple(s for s in self.summaries if s.id != conversation_id)

    def tell(self, message: str, **options: Any) -> None:
        """A notification of plain text (``options`` as for ``notify``): never read as
        markup; the app makes control characters visible."""
        self.notify(message, markup=False, **options)

    async def save(self, conversation: Conversation) -> bool:
        """Write the conversation (in a thread) and list it; say so if it fails."""
        saved = True
        try:
            if await self.keeper.save(conversation):
                self.merged(conversation)
        except StoreError as error:
            saved = False
            self.not_saved(error)
        self.show_in_list(conversation)  # listed either way: it is in memory
        return saved

    def not_saved(self, error: StoreError | str) -> None:
        self.tell(
            f"{error}. Nothing is lost: it stays in memory, and is saved as soon as "
            "the disk allows.",
            title="Not saved",
            severity="error",
            timeout=20,
        )

    def merged(self, conversation: Conversation) -> None:
        """Another copy of the app saved this conversation too: say so and redraw it."""
        self.tell(
            f"Another claude-tui saved “{conversation.title}” too. Its messages "
            "were merged in; nothing was overwritten.",
            title="Merged",
            timeout=10,
        )
        self.run_worker(self._redraw(conversation), group="redraw", exit_on_error=False)

    async def _redraw(self, conversation: Conversation) -> None:
        async with self.view_lock:
            if self.conversation is conversation:
                self.conversation_changed()
                await self.draw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CHAT_ACTIONS and (not self.ready or self.app.screen is not self):
            return False  # still starting, or a modal is open: its keys are its own
        if action == "cancel_edit":
            return self.actions.editing is not None
        if action == "stop":
            return self.session.busy
        if action == "retry":  # the last turn, or the unanswered message with the cursor
            retried = self.conversation.can_retry or bool(self.actions.unanswered_focused())
            return not self.session.busy and retried
        if action == "continue_reply":
            return not self.session.busy and self.conversation.can_continue
        return True

    def action_new_conversation(self) -> None:
        self.submit.after_typed_keys(self.opening.new_now)

    def action_next_conversation(self) -> None:
        self.submit.after_typed_keys(lambda: self.opening.step(1))

    def action_previous_conversation(self) -> None:
        self.submit.after_typed_keys(lambda: self.opening.step(-1))

    def action_toggle_sidebar(self) -> None:
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.prompt.focus()

    def action_scroll_log(self, direction: int) -> None:
        log = self.log_view
        (log.scroll_page_up if direction < 0 else log.scroll_page_down)(animate=False)

    def action_filter(self) -> None:
        self.sidebar.focus_filter()

    def action_cancel_edit(self) -> None:
        self.actions.cancel_edit()

    async def action_focus_log(self) -> None:
        await self.actions.cursor.focus_log()

    async def on_message_log_act(self, event: MessageLog.Act) -> None:
        await self.actions.act(event)

    def on_message_log_cursor_left(self) -> None:
        self.actions.cursor.left()

    async def action_stop(self) -> None:
        await self.replying.stop()

    async def action_retry(self) -> None:
        await self.actions.retry()

    async def action_continue_reply(self) -> None:
        await self.replying.continue_reply()

    def action_reply_details(self) -> None:
        self.meter.details()

    def action_search(self) -> None:
        self.library.search()

    def action_rename(self) -> None:
        self.library.rename()

    def action_delete(self) -> None:
        self.library.delete()

    def action_settings(self) -> None:
        self.steering.open_settings()

    def action_pick_model(self) -> None:
        self.steering.open_picker()

    def action_toggle_thinking(self) -> None:
        self.steering.toggle_thinking()

    def action_attach_file(self) -> None:
        self.attaching.pick()

    @on(PromptInput.Submitted)
    async def _submitted(self, event: Submitted) -> None:
        await self.submit.received(event)

    @on(TextArea.Changed, "#prompt")
    def _prompt_changed(self) -> None:
        self.drafts_changed()
        self.estimate.changed()
        self.attaching.typed()  # (slash commands, then @path)

    async def on_reply_note_continue_clicked(self, _: ReplyNote.ContinueClicked) -> None:
        await self.replying.continue_reply()

    def on_reply_note_raise_limit_clicked(self, _: ReplyNote.RaiseLimitClicked) -> None:
        self.meter.raise_limit()

    def on_reply_meter_clicked(self, event: ReplyMeter.Clicked) -> None:
        self.meter.details(event.message)

    def on_status_bar_model_clicked(self) -> None:
        if self.check_action("settings", ()):
            self.steering.open_settings()

    def drafts_changed(self) -> None:
        """Save the drafts soon (a pause in typing), so a crash loses at most a moment."""
        if self._drafts_timer is not None:
            self._drafts_timer.stop()
        self._drafts_timer = self.set_timer(DRAFT_SAVE_DELAY, self.save_drafts)

    @on(Sidebar.FilterLeft)
    def _filter_left(self) -> None:
        self.prompt.focus()

    @on(Sidebar.ConversationSelected)
    def _conversation_selected(self, event: Sidebar.ConversationSelected) -> None:
        self.opening.open(event.conversation_id)
        if not event.browsing:
            self.prompt.focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed is a bug of ours: say so instead of failing silently."""
        if event.worker.group == "turn":
            self._follow_actions()
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self.tell(
                f"{type(error).__name__}: {error}",
                title="Something went wrong",
                severity="error",
                timeout=20,
            )

    async def save_drafts(self) -> None:
        if self._drafts_timer is not None:
            self._drafts_timer.stop()
            self._drafts_timer = None
        with contextlib.suppress(NoMatches):  # closing: the last save is made by close()
            typed = self.prompt.text
            await self.drafts.save(self.conversation, typed, self.attaching.chips)
