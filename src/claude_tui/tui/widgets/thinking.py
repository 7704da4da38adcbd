"""Claude's thinking in a reply: one line, collapsed, that opens to the whole text.

Collapsed it says how long Claude thought and how many words the thinking shown has
("▸ Thought for 12 s · 310 words"); while it streams, "▸ Thinking… 120 words", counted as
the words arrive. A click, or Enter when it has the focus, opens it (the text dimmed,
under its own label) and closes it again. Closed, the text is not drawn at all, so a long
thinking costs nothing to stream.

The count is of words, not tokens: the app asks for the thinking *summarized*, so the text
shown is shorter than what the model thought (and was billed for, as output); a token
count made from it would understate that.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click
from textual.reactive import reactive
from textual.widgets import Static

from claude_tui.domain.text import printable
from claude_tui.tui.widgets.long_text import LongText, is_long
from claude_tui.tui.widgets.reply_footer import seconds_text


class ThinkingBlockView(Static):
    """The text of a thinking, dimmed, under its own label (short enough for a Static)."""

    def __init__(self, text: str) -> None:
        super().__init__(Content(printable(text)), classes="thinking")
        self.border_title = "Thinking"

    def catch_up(self, text: str, *, final: bool = False) -> None:
        self.update(Content(printable(text)))


class LongThinkingBlockView(LongText):
    """Thinking too long for :class:`ThinkingBlockView`."""

    def __init__(self, text: str) -> None:
        super().__init__(text, final=False, classes="thinking")
        self.border_title = "Thinking"


class WordCount:
    """Counts the words of a growing text, looking at each character once."""

    def __init__(self) -> None:
        self._counted = 0  # how much of the text is counted: up to a white space
        self._words = 0

    def of(self, text: str) -> int:
        if len(text) < self._counted:  # not the same text: start again
            self._counted = self._words = 0
        fresh = text[self._counted :]
        cut = max(fresh.rfind(" "), fresh.rfind("\n"), fresh.rfind("\t"))
        if cut >= 0:
            self._words += len(fresh[: cut + 1].split())
            self._counted += cut + 1
            fresh = fresh[cut + 1 :]
        return self._words + (1 if fresh.strip() else 0)


def thinking_summary(
    words: int, *, done: bool, seconds: float | None, expanded: bool = False
) -> Content:
    """The one line a thinking shows: "▸ Thought for 12 s · 310 words"."""
    arrow = "▾ " if expanded else "▸ "
    if not done:
        said = "Thinking…"
    elif seconds is not None:
        said = f"Thought for {seconds_text(seconds)}"
    else:
        said = "Thought"
    count = f"{words:,} word{'s' if words != 1 else ''}" if words else ""
    if done and not words:
        count = "not shown by the API"
    parts: list[str | tuple[str, str]] = [arrow, (said, "italic")]
    if count:
        parts.append((f" · {count}", "$text-muted"))
    return Content.assemble(*parts)


class ThinkingView(Vertical, can_focus=True):
    """A thinking block: collapsed to one line, opened by a click or Enter."""

    BINDINGS = [
        Binding(
            "enter",
            "open_or_close",
            "Open / close",
            show=False,
            tooltip="open or close Claude's thinking (Shift+Tab to it, or click it)",
            id="thinking.open",
        )
    ]

    expanded: reactive[bool] = reactive(False, init=False)

    def __init__(self, text: str, *, seconds: float | None = None, done: bool = True) -> None:
        super().__init__(classes="thinking-block")
        self.text = text
        self.seconds = seconds
        self.done = done
        self._count = WordCount()
        self._body: ThinkingBlockView | LongThinkingBlockView | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._summary(), classes="thinking-summary")

    def on_mount(self) -> None:
        self.tooltip = "Enter or a click opens or closes the thinking"

    @property
    def summary(self) -> Static:
        return self.query_one(".thinking-summary", Static)

    def _summary(self) -> Content:
        words = self._count.of(self.text)
        return thinking_summary(words, done=self.done, seconds=self.seconds, expanded=self.expanded)

    def catch_up(self, text: str, *, seconds: float | None = None, done: bool = False) -> None:
        """The block grew (or ended): update the line, and the text if it is open."""
        if (text, seconds, done) == (self.text, self.seconds, self.done):
            return
        self.text, self.seconds, self.done = text, seconds, done
        if self.is_mounted:  # one line, always: no layout needed (streaming stays cheap)
            self.summary.update(self._summary(), layout=False)
        body = self._body
        if body is None:
            return
        if isinstance(body, ThinkingBlockView) and is_long(text):
            self.call_next(self._open)  # too long for a Static now: the other view
            return
        body.catch_up(text, final=done)

    def action_open_or_close(self) -> None:
        self.expanded = not self.expanded

    def on_click(self, event: Click) -> None:
        event.stop()
        self.expanded = not self.expanded

    def focus_on_click(self) -> bool:
        return False  # a click opens it; the cursor stays in the input box

    async def watch_expanded(self, expanded: bool) -> None:
        self.summary.update(self._summary())
        self.set_class(expanded, "-expanded")
        if expanded:
            await self._open()
        elif self._body is not None:
            body, self._body = self._body, None
            await body.remove()

    async def _open(self) -> None:
        if not self.expanded:
            return  # closed again meanwhile
        if self._body is not None:
            await self._body.remove()
        body: ThinkingBlockView | LongThinkingBlockView
        if is_long(self.text):
            body = LongThinkingBlockView(self.text)
        else:
            body = ThinkingBlockView(self.text)
        if self.done:
            body.catch_up(self.text, final=True)
        self._body = body
        await self.mount(body)
