"""The message log: a conversation's messages, a window of them at a time.

A long conversation opens with its newest messages, and older (or newer) ones are
mounted a batch at a time as the user scrolls to them. Each message is drawn by its own
view: :mod:`~claude_tui.tui.widgets.user_message` and
:mod:`~claude_tui.tui.widgets.assistant_message` (whose blocks are drawn by
:mod:`~claude_tui.tui.widgets.text_block`, :mod:`~claude_tui.tui.widgets.thinking` and
:mod:`~claude_tui.tui.widgets.other_blocks`).
"""

from __future__ import annotations

import asyncio

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.pricing import PriceTable
from claude_tui.tui.patches import release_line_caches
from claude_tui.tui.widgets.assistant_message import PLAIN_NOTE, AssistantMessageView
from claude_tui.tui.widgets.log_cursor import CursorLog, MessageView
from claude_tui.tui.widgets.message_marks import MessageMarks
from claude_tui.tui.widgets.text_block import LongTextBlockView, TextBlockView
from claude_tui.tui.widgets.thinking import LongThinkingBlockView
from claude_tui.tui.widgets.user_message import LongUserMessageView, UserMessageView, user_view

# The views are importable from here too, as they were before the log was split.
__all__ = [
    "PLAIN_NOTE",
    "AssistantMessageView",
    "EarlierMessages",
    "LaterMessages",
    "LongTextBlockView",
    "LongThinkingBlockView",
    "LongUserMessageView",
    "MessageLog",
    "MessageMarks",
    "TextBlockView",
    "UserMessageView",
]


class EarlierMessages(Static):
    """The top of a long conversation: older messages are drawn when scrolled to."""


class LaterMessages(Static):
    """The bottom of a window opened at an older message: newer ones come on scrolling."""


class MessageLog(CursorLog):
    """Follows a streaming reply while the user is at the bottom (``anchor``).

    A long conversation opens with its newest messages; older ones are mounted a
    batch at a time as the user scrolls up to them, so opening stays quick. Opened *at*
    a message (a search hit), it shows a window from there, and newer messages are
    mounted as the user scrolls down. Its cursor (keys, marks, what it posts) is
    :class:`~claude_tui.tui.widgets.log_cursor.CursorLog`'s.
    """

    FIRST = 6  # messages drawn on opening: enough to fill a screen, quick to draw
    BATCH = 10  # messages drawn each time the user scrolls to the edge of what is drawn

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._assistant_views: dict[str, AssistantMessageView] = {}
        self._first_shown = 0
        self._end_shown = 0  # one past the newest message drawn
        self._loading = False  # a batch was asked for by scrolling
        self._batch_lock = asyncio.Lock()  # one batch mounted at a time
        self._rebuild_lock = asyncio.Lock()
        self._generation = 0  # counts rebuilds: a batch for an older one is dropped
        self.prices: PriceTable | None = None  # what replies cost (None: the shipped table)

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self._scrolled, init=False)

    async def show_messages(
        self,
        messages: list[Message],
        empty_text: str = "",
        at: int | None = None,
        *,
        found: bool = True,
    ) -> None:
        """Replace the log with the newest of these messages, scrolled to the end; or,
        with ``at``, with a window that starts at that message, scrolled to it (and
        marked ``found``, a search hit).

        ``messages`` is the conversation's own list: messages appended to it later are
        added with :meth:`add_message`. The cursor stays on its message in the same list
        (as far as it still reaches), and is cleared for another list.
        """
        async with self._rebuild_lock:
            await self._show(messages, empty_text, at, found)

    async def _show(
        self, messages: list[Message], empty_text: str, at: int | None, found: bool
    ) -> None:
        self._generation += 1
        self._assistant_views.clear()
        self._marked = None
        await self.remove_children()
        release_line_caches()
        if messages is not self._messages or not messages:
            self.cursor = None
        elif self.cursor is not None:
            self.cursor = min(self.cursor, len(messages) - 1)
        self._messages = messages
        count = len(messages)
        first = max(0, count - self.FIRST)
        if at is not None:
            first = max(0, min(at, first))
        # Opened at a message: enough below it that it can be scrolled to the top.
        shown = self.FIRST if at is None else self.FIRST + self.BATCH
        self._first_shown, self._end_shown = first, min(count, first + shown)
        views: list[Widget] = [self._view(m) for m in messages[first : self._end_shown]]
        if self._first_shown:
            views.insert(0, EarlierMessages(self._earlier_text(), classes="earlier"))
        if self._end_shown < count:
            views.append(LaterMessages(self._later_text(), classes="earlier"))
        if not views and empty_text:
            views.append(Static(Content(empty_text), classes="empty-log"))
        await self.mount_all(views)
        self.show_cursor()
        if at is None or not 0 <= at < count:
            self.anchor()
            self.call_after_refresh(self._fill_viewport)
            return
        self.anchor(False)
        target = views[at - first + (1 if first else 0)]
        self.call_after_refresh(self._reveal, target, found)

    def _reveal(self, target: Widget, found: bool) -> None:
        self.scroll_to_widget(target, top=True, animate=False, immediate=True)
        target.set_class(found, "found")

    def _earlier_text(self) -> Content:
        count = self._first_shown
        return Content(f"↑ {count} earlier message{'s' if count != 1 else ''}: scroll up")

    def _later_text(self) -> Content:
        count = len(self._messages) - self._end_shown
        return Content(f"↓ {count} later message{'s' if count != 1 else ''}: scroll down")

    def _scrolled(self, scroll_y: float) -> None:
        if self._loading:
            return
        if scroll_y <= 1 and self._first_shown:
            self._loading = True
            self.run_worker(self._mount_earlier(), group="earlier", exit_on_error=False)
        elif self._end_shown < len(self._messages) and scroll_y >= self.max_scroll_y - 1:
            self._loading = True
            self.run_worker(self._mount_later(), group="earlier", exit_on_error=False)

    async def _fill_viewport(self) -> None:
        """Too few messages to scroll: there is no scrolling up to ask for more."""
        if self._first_shown and self.max_scroll_y <= 0 and not self._loading:
            self._loading = True
            await self._mount_earlier()

    async def draw_around(self, index: int) -> None:
        """Draw message ``index``: the batch next to what is drawn, or a window from it."""
        while self.view_of(index) is None:
            window = (self._first_shown, self._end_shown)
            if self._first_shown - self.BATCH <= index < self._first_shown:
                await self._mount_earlier()
            elif self._end_shown <= index < self._end_shown + self.BATCH:
                await self._mount_later()
            if window == (self._first_shown, self._end_shown):  # far from what is drawn
                newest = index >= len(self._messages) - self.FIRST
                await self.show_messages(self._messages, at=None if newest else index, found=False)
                return

    async def _mount_earlier(self) -> None:
        """Mount the previous batch above, keeping the view where the user is."""
        async with self._batch_lock:
            await self._mount_earlier_batch()

    async def _mount_earlier_batch(self) -> None:
        generation = self._generation
        try:
            markers = list(self.query(EarlierMessages))
            if not markers:
                return
            start = max(0, self._first_shown - self.BATCH)
            views = [self._view(m) for m in self._messages[start : self._first_shown]]
            self._first_shown = start
            height_before = self.virtual_size.height
            await self.mount_all(views, after=markers[0])
            if generation != self._generation:
                return  # the log was rebuilt meanwhile
            self.show_cursor()
            if start == 0:
                await markers[0].remove()
            else:
                markers[0].update(self._earlier_text())
            self.call_after_refresh(self._keep_place, height_before)
        finally:
            self._loading = False

    async def _mount_later(self) -> None:
        """Mount the next batch below (the window was opened at an older message)."""
        async with self._batch_lock:
            await self._mount_later_batch()

    async def _mount_later_batch(self) -> None:
        generation = self._generation
        try:
            markers = list(self.query(LaterMessages))
            if not markers:
                return
            end = min(len(self._messages), self._end_shown + self.BATCH)
            views = [self._view(m) for m in self._messages[self._end_shown : end]]
            self._end_shown = end
            await self.mount_all(views, before=markers[0])
            if generation != self._generation:
                return
            self.show_cursor()
            if end == len(self._messages):
                await markers[0].remove()
                self.anchor()
            else:
                markers[0].update(self._later_text())
        finally:
            self._loading = False

    def _keep_place(self, height_before: int) -> None:
        grown = self.virtual_size.height - height_before
        if grown > 0:
            self.scroll_to(y=self.scroll_y + grown, animate=False, immediate=True)
        self.call_after_refresh(self._fill_viewport)

    def _view(self, message: Message) -> MessageView:
        view: MessageView
        if message.role == "user":
            view = user_view(message)
        else:
            view = AssistantMessageView(message, self.prices)
            view.last = message is self._messages[-1]
            self._assistant_views[message.id] = view
        view.show_marks(self.marks_of(message))
        return view

    def no_longer_last(self) -> None:
        """A message was added: the replies above it no longer offer a retry."""
        for view in self._assistant_views.values():
            if view.last and view.message is not self._messages[-1]:
                view.last = False
                if view.is_mounted:
                    view.refresh_footer()

    async def add_message(self, message: Message) -> None:
        """Draw a message just appended to the conversation, and follow it."""
        if message.id in self._assistant_views:
            return  # already drawn by a rebuild
        if self._end_shown < len(self._messages) - 1:  # opened at an older message
            await self.show_messages(self._messages)
            return
        self._end_shown = len(self._messages)
        self.no_longer_last()
        await self.query(".empty-log").remove()
        await self.mount(self._view(message))
        self.anchor()

    async def sync_message(self, message_id: str) -> None:
        """Bring the view of an assistant message up to date, if shown: soon while it
        streams, at once when it has ended."""
        view = self._assistant_views.get(message_id)
        if view is None:
            return
        if view.message.status is TurnStatus.STREAMING:
            view.schedule_sync()
        else:
            await view.sync()
            if view.message is self.focused_message:
                self.refresh_bindings()  # it can be asked again, or deleted, now
