"""A reply of Claude's: its blocks, and under them a status line (streaming, stopped,
failed and why, or how it ended).

A view draws a :class:`~claude_tui.domain.message.Message` and, while it streams,
catches up with it on :meth:`AssistantMessageView.sync`: only the text that arrived
since the last sync is appended (see :class:`~claude_tui.tui.widgets.markdown_text.MarkdownText`).
Text too long for that (see :func:`~claude_tui.tui.widgets.long_text.is_long`) is drawn
literally by :class:`~claude_tui.tui.widgets.long_text.LongText`.
"""

from __future__ import annotations

import asyncio
import time

from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from claude_tui.domain.blocks import (
    ContentBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    block_runs,
)
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.pricing import PriceTable
from claude_tui.domain.sources import (
    Citing,
    cited_text,
    cites,
    reply_sources,
    result_activity,
    web_activity,
)
from claude_tui.domain.text import printable
from claude_tui.tui.widgets.long_text import is_long
from claude_tui.tui.widgets.markdown_render import code_blocks
from claude_tui.tui.widgets.message_marks import MessageMarks, marked_title
from claude_tui.tui.widgets.other_blocks import (
    OverflowView,
    other_block_view,
    tool_use_text,
    tool_use_view,
)
from claude_tui.tui.widgets.reply_footer import (
    PLAIN_NOTE,
    RETRY_HINT,
    ReplyMeter,
    ReplyNote,
    note_text,
)
from claude_tui.tui.widgets.text_block import LongTextBlockView, TextBlockView
from claude_tui.tui.widgets.thinking import ThinkingView
from claude_tui.tui.widgets.web_blocks import PairedResultView, SourcesView, WebToolView

SYNC_INTERVAL = 0.1  # seconds between redraws of a streaming reply
VIEW_LIMIT = 200  # views a reply draws at most, the last for all the blocks left
STATUS_COLORS = {
    TurnStatus.STREAMING: "accent",
    TurnStatus.FAILED: "error",
    TurnStatus.STOPPED: "warning",
}  # theme variables for a reply's border
TITLE = "Claude"
__all__ = ["PLAIN_NOTE", "RETRY_HINT", "AssistantMessageView", "block_view", "reply_code_blocks"]


def view_groups(content: list[ContentBlock]) -> tuple[list[range], bool]:
    """The blocks each view draws: :func:`block_runs` (a run of text blocks is one text, so
    a reply of ten thousand short blocks is one view, not ten thousand), but no more than
    ``VIEW_LIMIT``
    views; and whether the last of them draws every block left (:class:`OverflowView`)."""
    runs = block_runs(content)
    if len(runs) <= VIEW_LIMIT:
        return runs, False
    return [*runs[: VIEW_LIMIT - 1], range(runs[VIEW_LIMIT - 1].start, len(content))], True


def _is_text(block: ContentBlock) -> bool:
    return isinstance(block, TextBlock)


def run_text(content: list[ContentBlock], run: range, streaming: bool = False) -> str | None:
    """The text a run of text blocks draws, with the markers of the sources it cites (a
    block still ``streaming`` gets its markers once complete); None for a run of another
    block."""
    if not _is_text(content[run.start]):
        return None
    cited = any(cites(content[position]) for position in run)
    citing = _citing(content, streaming) if cited else Citing()
    return cited_text(content, run, citing)


def _citing(content: list[ContentBlock], streaming: bool) -> Citing:
    """The sources of the reply's complete blocks (all of them once it has ended)."""
    return reply_sources(content, len(content) - 1 if streaming else None)


def reply_code_blocks(message: Message) -> list[str]:
    """The code blocks of a reply, numbered as drawn while it has the cursor: block N is
    ``reply_code_blocks(message)[N - 1]``. The blocks of every text drawn as Markdown, in
    order (text too long for Markdown is drawn plain, without numbers)."""
    content = message.content
    groups, overflowing = view_groups(content)
    if overflowing:  # (the blocks left are drawn plain)
        groups.pop()
    streaming = message.status is TurnStatus.STREAMING
    texts = (run_text(content, run, streaming) for run in groups)
    return [
        code
        for text in texts
        if text is not None and not is_long(text)
        for code in code_blocks(text)
    ]


def _thinking_seconds(message: Message) -> float | None:
    """How long the reply thought, when it has one thinking block (per block, that is
    not known)."""
    blocks = sum(isinstance(block, ThinkingBlock) for block in message.content)
    return message.thinking_seconds if blocks == 1 else None


def _thinking_done(message: Message, position: int) -> bool:
    block = message.content[position]
    return (
        message.status is not TurnStatus.STREAMING
        or position < len(message.content) - 1
        or (isinstance(block, ThinkingBlock) and bool(block.signature))
    )


def block_view(
    message: Message, run: range, *, seconds: float | None, done: bool, overflow: bool = False
) -> Widget:
    """The view of the reply's blocks in ``run`` (see :func:`view_groups`), caught up with
    them (``done``: they are complete); ``seconds`` as :func:`_thinking_seconds` gives;
    ``overflow``: the blocks past the views drawn one each."""
    if overflow:
        return OverflowView(message.content[run.start : run.stop], done=done)
    streaming = message.status is TurnStatus.STREAMING
    text = run_text(message.content, run, streaming)
    if text is not None:
        view: LongTextBlockView | TextBlockView
        view = LongTextBlockView(text) if is_long(text) else TextBlockView(text)
        view.catch_up(text, final=done)
        return view
    block = message.content[run.start]
    if isinstance(block, ThinkingBlock):
        done = _thinking_done(message, run.start)
        return ThinkingView(block.thinking, seconds=seconds, done=done)
    if isinstance(block, ToolUseBlock):
        return tool_use_view(block)
    activity = web_activity(message.content, run.start)
    if activity is not None:
        return WebToolView(activity, collapsed=not streaming)
    if result_activity(message.content, run.start) is not None:
        return PairedResultView()
    return other_block_view(block)


class AssistantMessageView(Vertical):
    def __init__(self, message: Message, prices: PriceTable | None = None) -> None:
        super().__init__(classes="message assistant")
        self.message = message
        self.prices = prices  # for the cost in the meter (None: the shipped table)
        self.border_title = TITLE
        self.cursor = False  # the log's cursor is on it: outlined, its code blocks numbered
        self.last = True  # the conversation's last message: a failed reply offers a retry
        self._views: list[Widget] = []
        self._lock = asyncio.Lock()
        self._footer_shown: tuple[object, ...] | None = None
        self._mounted = False
        self._last_sync = 0.0
        self._sync_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        message = self.message
        groups, overflowing = view_groups(message.content)
        seconds = _thinking_seconds(message)
        final = message.status is not TurnStatus.STREAMING
        for index, run in enumerate(groups):
            done = final or index < len(groups) - 1
            overflow = overflowing and index == VIEW_LIMIT - 1
            view = block_view(message, run, seconds=seconds, done=done, overflow=overflow)
            self._views.append(view)
            yield view
        self._sources = SourcesView()
        self._sources.show(_citing(message.content, not final))
        yield self._sources
        self._footer = ReplyNote(
            note_text(message, self.last, self.plain), classes="message-footer"
        )
        self._meter = ReplyMeter(message, self.prices)
        yield self._footer
        yield self._meter

    @property
    def plain(self) -> bool:
        """Whether a text block is drawn plain (too long for Markdown)."""
        return any(isinstance(view, LongTextBlockView) for view in self._views)

    @property
    def footer(self) -> ReplyNote:
        return self._footer

    @property
    def meter(self) -> ReplyMeter:
        return self._meter

    async def on_mount(self) -> None:
        self._mounted = True
        await self.sync()  # the message may have grown between compose and mount

    def refresh_footer(self) -> None:
        message = self.message
        plain = self.plain
        shown = (
            message.status,
            message.stop_reason,
            message.error,
            message.model,
            self.last,
            plain,
            message.edition,
        )
        if shown == self._footer_shown:
            return
        self._footer_shown = shown
        self._paint_border()
        self.footer.set_class(message.status is TurnStatus.FAILED, "failed")
        self.footer.set_class(message.status is TurnStatus.STOPPED, "stopped")
        footer_text = note_text(message, self.last, plain)
        self.footer.update(footer_text)
        self.footer.display = bool(footer_text.plain)
        self.meter.follow()
        # The model by the border while it streams; then the meter says it.
        streaming = message.status is TurnStatus.STREAMING
        self.border_subtitle = Content(printable(message.model or "")) if streaming else None

    def _paint_border(self) -> None:
        # Inline, not a class: a class on this container restyles every block of the
        # reply (cheap since one widget draws a text's Markdown, but not free).
        border_color = STATUS_COLORS.get(self.message.status)
        if border_color is None:  # the style sheet's, .cursor's when it has it
            for side in ("border_top", "border_right", "border_bottom", "border_left"):
                self.styles.clear_rule(side)  # ("border" is only a shorthand: no rule)
        else:
            color = Color.parse(self.app.theme_variables.get(border_color, "red"))
            self.styles.border = ("heavy" if self.cursor else "round", color)

    def show_marks(self, marks: MessageMarks) -> None:
        self.border_title = marked_title(TITLE, marks)

    def show_cursor(self, shown: bool) -> None:
        """Outline it and number its code blocks (for ``c`` and a number), or stop."""
        if shown == self.cursor:
            return
        self.cursor = shown
        self.set_class(shown, "cursor")
        if self._mounted:
            self._paint_border()
        self._number_code_blocks()

    def _number_code_blocks(self) -> None:
        number = 1
        for view in self._views:
            if isinstance(view, TextBlockView):
                view.first_code_number = number if self.cursor else None
                number += view.code_count

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
        """Catch up with the message: new blocks, new text, and its status. Only the last
        view can have grown since (the blocks before it are complete), so a sync costs
        the same whatever the number of blocks drawn."""
        self._last_sync = time.monotonic()
        if not self._mounted:  # on_mount catches up
            return
        async with self._lock:
            message = self.message
            groups, overflowing = view_groups(message.content)
            seconds = _thinking_seconds(message)
            final = message.status is not TurnStatus.STREAMING
            fresh: list[Widget] = []
            for index in range(max(0, len(self._views) - 1), len(groups)):
                done = final or index < len(groups) - 1
                overflow = overflowing and index == VIEW_LIMIT - 1
                if index < len(self._views):
                    await self._catch_up(index, groups[index], seconds, done, overflow)
                else:
                    run = groups[index]
                    view = block_view(message, run, seconds=seconds, done=done, overflow=overflow)
                    fresh.append(view)
            if not self.is_attached:
                return  # removed from the log (a switch) while we waited
            if fresh:
                self._views.extend(fresh)
                await self.mount_all(fresh, before=self._sources)
            self._sources.show(_citing(message.content, not final))
            if final:
                self._collapse_web_tools(groups)
            self.refresh_footer()
            if self.cursor:
                self._number_code_blocks()  # a block that arrived

    async def _catch_up(
        self, index: int, run: range, seconds: float | None, done: bool, overflow: bool
    ) -> None:
        """Bring the view of ``run`` up to date with its blocks."""
        message = self.message
        view = self._views[index]
        text = run_text(message.content, run, message.status is TurnStatus.STREAMING)
        block = message.content[run.start]
        if isinstance(view, OverflowView):
            view.catch_up_blocks(message.content[run.start : run.stop], done=done)
        elif overflow:  # the blocks past it arrived: it draws them all from now on
            new = block_view(message, run, seconds=seconds, done=done, overflow=True)
            await self._replace_view(index, new)
        elif isinstance(view, LongTextBlockView) and text is not None:
            view.catch_up(text, final=done)
        elif isinstance(view, TextBlockView) and text is not None and is_long(text):
            await self._replace_view(index, block_view(message, run, seconds=seconds, done=done))
        elif isinstance(view, TextBlockView) and text is not None:
            view.catch_up(text, final=done)
        elif isinstance(view, ThinkingView) and isinstance(block, ThinkingBlock):
            view.catch_up(block.thinking, seconds=seconds, done=_thinking_done(message, run.start))
        elif isinstance(view, WebToolView):
            activity = web_activity(message.content, run.start)
            if activity is not None:
                view.show(activity, collapsed=message.status is not TurnStatus.STREAMING)
        elif isinstance(block, ToolUseBlock) and isinstance(view, Static):
            view.update(tool_use_text(block))

    def _collapse_web_tools(self, groups: list[range]) -> None:
        """The reply has ended: each search and fetch says in one line what it found."""
        for view, run in zip(self._views, groups, strict=False):
            if isinstance(view, WebToolView):
                activity = web_activity(self.message.content, run.start)
                if activity is not None:
                    view.show(activity, collapsed=True)

    async def _replace_view(self, index: int, view: Widget) -> None:
        """The text grew too long for its view: draw it with ``view`` from now on."""
        old = self._views[index]
        self._views[index] = view
        await self.mount(view, before=old)
        await old.remove()
