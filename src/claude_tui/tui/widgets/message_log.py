"""The message log: user and assistant turns, assistant text as Markdown.

A view draws a :class:`~claude_tui.domain.message.Message` and, while it streams,
catches up with it on :meth:`AssistantMessageView.sync`: only the text that arrived
since the last sync is appended (see :class:`~claude_tui.tui.widgets.markdown_text.MarkdownText`).

Text too long for that (see :func:`is_long`) is drawn literally by :class:`LongText`,
which lays out and draws only the rows on screen.
"""

from __future__ import annotations

import asyncio
import json
import time
from bisect import bisect_right

from rich.cells import chop_cells
from rich.segment import Segment
from textual._styles_cache import StylesCache
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from claude_tui.domain.blocks import ContentBlock, TextBlock, ThinkingBlock, ToolUseBlock
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.text import printable
from claude_tui.tui.widgets.markdown_text import MarkdownText
from claude_tui.tui.widgets.selection import show_selection

RETRY_HINT = "Press Ctrl+R to retry."
SYNC_INTERVAL = 0.1  # seconds between redraws of a streaming reply
STATUS_COLORS = {TurnStatus.STREAMING: "accent", TurnStatus.FAILED: "error",
                 TurnStatus.STOPPED: "warning"}  # theme variables for a reply's border


LONG_TEXT = 64_000  # characters: longer text is drawn plain, by LongText
LONG_LINE = 20_000  # characters in one line: the same (Markdown and Static re-wrap it whole)
PLAIN_NOTE = "Shown as plain text: too long for Markdown."


def is_long(text: str) -> bool:
    """Whether ``text`` is too long to draw as Markdown or as one Static.

    Both lay out and draw all of their text whenever it changes or the width does:
    a reply of 100,000 lines or a 1 MB paste would hold up the screen for seconds.
    """
    return len(text) > LONG_TEXT or (
        len(text) > LONG_LINE and any(len(line) > LONG_LINE for line in text.split("\n"))
    )


def _settled_length(text: str, final: bool) -> int:
    """How much of a growing text to show: a trailing CR may be half of a CRLF."""
    return len(text) - 1 if not final and text.endswith("\r") else len(text)


class GrowingText:
    """A view of text that grows (a streaming block): :meth:`catch_up` appends only what
    arrived since its last call. A trailing carriage return waits for the next chunk: it
    may be half of CRLF."""

    shown = 0  # how much of the text given to catch_up is drawn

    def append(self, text: str) -> None:
        raise NotImplementedError

    def catch_up(self, text: str, *, final: bool = False) -> None:
        end = _settled_length(text, final)
        if end > self.shown:
            fresh, self.shown = text[self.shown : end], end
            self.append(fresh)


class LongText(Widget, GrowingText):
    """Literal text of any length, folded at the width like a terminal does.

    Only the rows on screen are drawn, and a change of width re-counts rows line by
    line (a division for ASCII lines), so its cost does not depend on what is shown.
    """

    DEFAULT_CSS = "LongText { height: auto; }"

    def __init__(self, text: str = "", *, final: bool = True, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._lines = [""]
        self._ends: list[int] = []  # cumulative rows at the end of each line, at _width
        self._width = 0
        self._folded: dict[int, list[str]] = {}  # rows of non-ASCII lines, at _width
        self.catch_up(text, final=final)

    @property
    def text(self) -> str:
        """The text as drawn (controls made visible, tabs expanded)."""
        return "\n".join(self._lines)

    def append(self, text: str) -> None:
        if not text:
            return
        first, *rest = printable(text).split("\n")
        changed = len(self._lines) - 1
        last = self._lines[-1] + first
        self._lines[-1] = last.expandtabs() if "\t" in first else last
        self._lines.extend(line.expandtabs() if "\t" in line else line for line in rest)
        del self._ends[changed:]
        for index in [i for i in self._folded if i >= changed]:
            del self._folded[index]
        self.refresh(layout=True)

    def _rows(self, width: int) -> list[int]:
        if width != self._width:
            self._width, self._ends, self._folded = width, [], {}
        ends, lines = self._ends, self._lines
        total = ends[-1] if ends else 0
        for index in range(len(ends), len(lines)):
            line = lines[index]
            if line.isascii():
                total += max(1, -(-len(line) // width))
            else:
                total += len(self._fold(index))
            ends.append(total)
        return ends

    def _fold(self, index: int) -> list[str]:
        folded = self._folded.get(index)
        if folded is None:
            if len(self._folded) > 256:
                self._folded.clear()
            folded = self._folded[index] = chop_cells(self._lines[index], self._width) or [""]
        return folded

    def _height(self, width: int) -> int:
        if width < 1:
            return 0
        ends = self._rows(width)
        if len(ends) > 1 and not self._lines[-1]:  # the text ends with a newline
            return ends[-2]
        return ends[-1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._height(width)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.rich_style
        if width < 1 or y >= self._height(width):
            return Strip.blank(width, style)
        ends = self._ends
        index = bisect_right(ends, y)
        row = y - (ends[index - 1] if index else 0)
        line = self._lines[index]
        if line.isascii():
            start = row * width
            piece = line[start : start + width]
        else:
            pieces = self._fold(index)
            start, piece = sum(map(len, pieces[:row])), pieces[row]
        strip = Strip([Segment(piece, style)])
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            first, last = span
            strip = show_selection(
                strip, (first - start, len(piece) if last == -1 else last - start), self)
        # Where each row starts in the text, for selecting it with the mouse.
        return strip.apply_offsets(start, index)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract(self.text), "\n"


class UserMessageView(Static):
    def __init__(self, message: Message) -> None:
        super().__init__(Content(printable(message.text)), classes="message user")
        self.message = message
        self.border_title = "You"


class LongUserMessageView(LongText):
    """A user message too long for :class:`UserMessageView` (a big paste)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text, classes="message user")
        self.message = message
        self.border_title = "You"


def user_view(message: Message) -> Widget:
    if is_long(message.text):
        return LongUserMessageView(message)
    return UserMessageView(message)


class TextBlockView(MarkdownText, GrowingText):
    """One text block of a reply, drawn as Markdown as it arrives."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.catch_up(text)

    def append(self, text: str) -> None:
        super().append(printable(text))


class ThinkingBlockView(Static):
    """Claude's thinking, dimmed, under its own label; never focusable."""

    def __init__(self, text: str) -> None:
        super().__init__(Content(printable(text)), classes="thinking")
        self.border_title = "Thinking"

    def catch_up(self, text: str) -> None:
        self.update(Content(printable(text)))


def _tool_use_text(block: ToolUseBlock) -> Content:
    arguments = json.dumps(block.input, ensure_ascii=False, indent=2)
    return Content.assemble(
        ("Tool use: ", "bold"), printable(block.name), "\n", (printable(arguments), "dim")
    )


class LongTextBlockView(LongText):
    """A text block too long for Markdown, drawn plain."""

    def __init__(self, text: str) -> None:
        super().__init__(text, final=False)


class LongThinkingBlockView(LongText):
    """Thinking too long for :class:`ThinkingBlockView`."""

    def __init__(self, text: str) -> None:
        super().__init__(text, final=False, classes="thinking")
        self.border_title = "Thinking"


def _block_text(block: ContentBlock) -> str:
    if isinstance(block, TextBlock):
        return block.text
    return block.thinking if isinstance(block, ThinkingBlock) else ""


def block_view(block: ContentBlock) -> Widget:
    if isinstance(block, TextBlock):
        if is_long(block.text):
            return LongTextBlockView(block.text)
        return TextBlockView(block.text)
    if isinstance(block, ThinkingBlock):
        if is_long(block.thinking):
            return LongThinkingBlockView(block.thinking)
        return ThinkingBlockView(block.thinking)
    if isinstance(block, ToolUseBlock):
        return Static(_tool_use_text(block), classes="tool-use")
    return Static(Content(f"[{printable(block.type)} block]"), classes="other-block")


def _footer_text(message: Message, last: bool = True, plain: bool = False) -> Content:
    """What to say under a reply; the retry hint only while it is the last message."""
    status = _status_text(message, last)
    if not plain:
        return status
    return Content.assemble(status, "\n" if status.plain else "", (PLAIN_NOTE, "dim"))


def _status_text(message: Message, last: bool) -> Content:
    hint = RETRY_HINT if last else ""
    if message.status is TurnStatus.STREAMING:
        return Content.assemble(("● ", "bold"), "streaming…")
    if message.status is TurnStatus.STOPPED:
        return Content.assemble(("■ stopped by you", "bold"), " · " if hint else "", hint)
    if message.status is TurnStatus.FAILED:
        error = message.error
        if error is None:
            return Content.assemble(("✖ failed", "bold"), " · " if hint else "", hint)
        lines: list[str | tuple[str, str]] = [("✖ " + printable(error.title), "bold")]
        if error.detail:
            lines += ["\n", printable(error.detail)]
        if error.reference:
            lines += ["\n", (printable(error.reference), "dim")]
        lines += ["\n", (printable(error.hint) + " " + hint).strip()]
        return Content.assemble(*lines)
    note = message.stop_note
    return Content.assemble((printable(note), "bold")) if note else Content("")


class AssistantMessageView(Vertical):
    def __init__(self, message: Message) -> None:
        super().__init__(classes="message assistant")
        self.message = message
        self.border_title = "Claude"
        self.last = True  # the conversation's last message: a failed reply offers a retry
        self._views: list[Widget] = []
        self._lock = asyncio.Lock()
        self._footer_shown: tuple[object, ...] | None = None
        self._mounted = False
        self._last_sync = 0.0
        self._sync_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        for block in self.message.content:
            view = block_view(block)
            self._views.append(view)
            yield view
        yield Static(_footer_text(self.message, self.last, self.plain),
                     classes="message-footer")

    @property
    def plain(self) -> bool:
        """Whether a text block is drawn plain (too long for Markdown)."""
        return any(isinstance(view, LongTextBlockView) for view in self._views)

    @property
    def footer(self) -> Static:
        return self.query_one(".message-footer", Static)

    async def on_mount(self) -> None:
        self._mounted = True
        await self.sync()  # the message may have grown between compose and mount

    def refresh_footer(self) -> None:
        message = self.message
        plain = self.plain
        shown = (message.status, message.stop_reason, message.error, message.model, self.last,
                 plain)
        if shown == self._footer_shown:
            return
        self._footer_shown = shown
        # Inline, not a class: a class on this container would restyle every block of
        # a long reply's Markdown (about a second for 50 KB) when the reply ends.
        border_color = STATUS_COLORS.get(message.status)
        if border_color is None:
            self.styles.clear_rule("border")
        else:
            color = Color.parse(self.app.theme_variables.get(border_color, "red"))
            self.styles.border = ("round", color)
        self.footer.set_class(message.status is TurnStatus.FAILED, "failed")
        self.footer.set_class(message.status is TurnStatus.STOPPED, "stopped")
        footer_text = _footer_text(message, self.last, plain)
        self.footer.update(footer_text)
        self.footer.display = bool(footer_text.plain)
        if message.model:
            self.border_subtitle = Content(printable(message.model))

    def schedule_sync(self) -> None:
        """Catch up soon: ``SYNC_INTERVAL`` after the last time at most.

        A stream sends dozens of events a second, and each redraw costs a layout and a
        repaint of the log; ten redraws a second read as smooth and leave the app idle
        most of the time (measured with ``python -m benchmarks``, figure 2). The end of
        a reply is drawn at once (:meth:`MessageLog.sync_message`).
        """
        if self._sync_timer is None:
            wait = max(0.001, self._last_sync + SYNC_INTERVAL - time.monotonic())
            self._sync_timer = self.set_timer(wait, self._timed_sync)

    async def _timed_sync(self) -> None:
        self._sync_timer = None
        await self.sync()

    async def sync(self) -> None:
        """Catch up with the message: new blocks, new text, and its status."""
        self._last_sync = time.monotonic()
        if not self._mounted:  # on_mount catches up
            return
        async with self._lock:
            final = self.message.status is not TurnStatus.STREAMING
            for position, block in enumerate(self.message.content):
                if not self.is_attached:
                    return  # removed from the log (a switch) while we waited
                if position >= len(self._views):
                    view = block_view(block)
                    self._views.append(view)
                    await self.mount(view, before=self.footer)
                    continue
                view = self._views[position]
                if isinstance(view, LongTextBlockView) and isinstance(block, TextBlock):
                    view.catch_up(block.text, final=final)
                elif isinstance(view, LongThinkingBlockView) and isinstance(block, ThinkingBlock):
                    view.catch_up(block.thinking, final=final)
                elif isinstance(view, TextBlockView | ThinkingBlockView) and is_long(
                    _block_text(block)
                ):
                    await self._replace_view(position, block_view(block))
                elif isinstance(view, TextBlockView) and isinstance(block, TextBlock):
                    view.catch_up(block.text, final=final)
                elif isinstance(view, ThinkingBlockView) and isinstance(block, ThinkingBlock):
                    view.catch_up(block.thinking)
                elif isinstance(block, ToolUseBlock) and isinstance(view, Static):
                    view.update(_tool_use_text(block))
            if self.is_attached:
                self.refresh_footer()

    async def _replace_view(self, position: int, view: Widget) -> None:
        """The block grew too long for its view: draw it with ``view`` from now on."""
        old = self._views[position]
        self._views[position] = view
        await self.mount(view, before=old)
        await old.remove()


def release_line_caches() -> None:
    """Let go of the drawn lines of widgets that are gone.

    Textual (8.2) memoises ``StylesCache.get_inner_outer`` with an ``lru_cache`` on the
    method, so its 1,024 entries keep that many widgets' caches of drawn lines alive
    after the widgets are removed: switching through conversations grew by about 0.4 MB
    a switch (``python -m benchmarks``, figure 6). The memo is only of two colours.
    """
    memo = getattr(StylesCache, "get_inner_outer", None)
    if memo is not None and hasattr(memo, "cache_clear"):
        memo.cache_clear()


class EarlierMessages(Static):
    """The top of a long conversation: older messages are drawn when scrolled to."""


class LaterMessages(Static):
    """The bottom of a window opened at an older message: newer ones come on scrolling."""


class MessageLog(VerticalScroll):
    """Follows a streaming reply while the user is at the bottom (``anchor``).

    A long conversation opens with its newest messages; older ones are mounted a
    batch at a time as the user scrolls up to them, so opening stays quick. Opened *at*
    a message (a search hit), it shows a window from there, and newer messages are
    mounted as the user scrolls down.
    """

    can_focus = False
    FIRST = 6  # messages drawn on opening: enough to fill a screen, quick to draw
    BATCH = 10  # messages drawn each time the user scrolls to the edge of what is drawn

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._assistant_views: dict[str, AssistantMessageView] = {}
        self._messages: list[Message] = []
        self._first_shown = 0
        self._end_shown = 0  # one past the newest message drawn
        self._loading = False
        self._generation = 0  # counts rebuilds: a batch for an older one is dropped

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self._scrolled, init=False)

    async def show_messages(
        self, messages: list[Message], empty_text: str = "", at: int | None = None
    ) -> None:
        """Replace the log with the newest of these messages, scrolled to the end; or,
        with ``at``, with a window that starts at that message, scrolled to it.

        ``messages`` is the conversation's own list: messages appended to it later are
        added with :meth:`add_message`.
        """
        self._generation += 1
        self._assistant_views.clear()
        await self.remove_children()
        release_line_caches()
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
        if at is None or not 0 <= at < count:
            self.anchor()
            self.call_after_refresh(self._fill_viewport)
            return
        self.anchor(False)
        target = views[at - first + (1 if first else 0)]
        self.call_after_refresh(self._reveal, target)

    def _reveal(self, target: Widget) -> None:
        self.scroll_to_widget(target, top=True, animate=False, immediate=True)
        target.add_class("found")

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

    async def _mount_earlier(self) -> None:
        """Mount the previous batch above, keeping the view where the user is."""
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
            if start == 0:
                await markers[0].remove()
            else:
                markers[0].update(self._earlier_text())
            self.call_after_refresh(self._keep_place, height_before)
        finally:
            self._loading = False

    async def _mount_later(self) -> None:
        """Mount the next batch below (the window was opened at an older message)."""
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

    def _view(self, message: Message) -> Widget:
        if message.role == "user":
            return user_view(message)
        view = AssistantMessageView(message)
        view.last = message is self._messages[-1]
        self._assistant_views[message.id] = view
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
