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

from claude_tui.domain.blocks import ContentBlock, TextBlock, ThinkingBlock, ToolUseBlock
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.stops import stop_note_of
from claude_tui.domain.text import printable
from claude_tui.tui.widgets.long_text import is_long
from claude_tui.tui.widgets.other_blocks import other_block_view, tool_use_text, tool_use_view
from claude_tui.tui.widgets.text_block import LongTextBlockView, TextBlockView
from claude_tui.tui.widgets.thinking import LongThinkingBlockView, ThinkingBlockView

RETRY_HINT = "Press Ctrl+R to retry."
SYNC_INTERVAL = 0.1  # seconds between redraws of a streaming reply
STATUS_COLORS = {
    TurnStatus.STREAMING: "accent",
    TurnStatus.FAILED: "error",
    TurnStatus.STOPPED: "warning",
}  # theme variables for a reply's border
PLAIN_NOTE = "Shown as plain text: too long for Markdown."


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
        return tool_use_view(block)
    return other_block_view(block)


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
    note = stop_note_of(message)
    if note is None:
        return Content("")
    return Content.assemble((printable(note.text), "bold"), " ", printable(note.hint))


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
        yield Static(_footer_text(self.message, self.last, self.plain), classes="message-footer")

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
        shown = (
            message.status,
            message.stop_reason,
            message.error,
            message.model,
            self.last,
            plain,
        )
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
                    view.update(tool_use_text(block))
            if self.is_attached:
                self.refresh_footer()

    async def _replace_view(self, position: int, view: Widget) -> None:
        """The block grew too long for its view: draw it with ``view`` from now on."""
        old = self._views[position]
        self._views[position] = view
        await self.mount(view, before=old)
        await old.remove()
