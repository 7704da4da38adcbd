"""What is said under a reply: its note (streaming, stopped, failed and why, or why it
ended, with the way forward) and its meter, one dim line of what it took (model, tokens,
cost, time to the first token, speed, stop reason).

A click on the meter asks for the reply's details (:class:`ReplyMeter.Clicked`); the
note's "Continue" and "Raise the limit" post :class:`ReplyNote.ContinueClicked` and
:class:`ReplyNote.RaiseLimitClicked`. The screen decides what they do.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.events import Click
from textual.message import Message as UIMessage
from textual.widgets import Static

from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.pricing import PriceTable, format_cost, message_cost
from claude_tui.domain.stops import stop_note_of
from claude_tui.domain.text import printable, tokens
from claude_tui.domain.usage import server_tool_words

RETRY_HINT = "Press Ctrl+R to retry."
# The way forward in the app, where it differs from what was saved with the failure (which
# the command line and the exports say too): a refused key is replaced here, no restart.
APP_HINTS = {"auth": "Paste another key with /key (or Ctrl+P, “Set API key…”)."}
CONTINUE_KEY = "Ctrl+O"  # (keys.py: chat.continue_reply)
PLAIN_NOTE = "Shown as plain text: too long for Markdown."
SEPARATOR = " · "

# -- the note ------------------------------------------------------------------------


def note_text(message: Message, last: bool = True, plain: bool = False) -> Content:
    """What to say under a reply; the retry hint and Continue only while it is the last
    message."""
    status = _status_text(message, last)
    if not plain:
        return status
    return Content.assemble(status, "\n" if status.plain else "", (PLAIN_NOTE, "$text-muted"))


def _status_text(message: Message, last: bool) -> Content:
    hint = RETRY_HINT if last else ""
    if message.status is TurnStatus.STREAMING:
        return Content.assemble(("● ", "bold"), "streaming…")
    if message.status is TurnStatus.STOPPED:
        if last and message.text.strip():
            hint = "Ctrl+O continues it, Ctrl+R asks again."
        return Content.assemble(("■ stopped by you", "bold"), " · " if hint else "", hint)
    if message.status is TurnStatus.FAILED:
        error = message.error
        if error is None:
            return Content.assemble(("✖ failed", "bold"), " · " if hint else "", hint)
        lines: list[str | tuple[str, str]] = [("✖ " + printable(error.title), "bold")]
        if error.detail:
            lines += ["\n", printable(error.detail)]
        if error.reference:
            lines += ["\n", (printable(error.reference), "$text-muted")]
        way = APP_HINTS.get(error.kind, error.hint)
        lines += ["\n", (printable(way) + " " + hint).strip()]
        return Content.assemble(*lines)
    note = stop_note_of(message)
    if note is None:
        return Content("")
    said = Content.assemble((printable(note.text), "bold"), " ", printable(note.hint))
    if not (last and note.can_continue):
        return said
    # Our own words only in markup: the note above is plain text.
    actions = [Content.from_markup(f"[@click=continue_reply]▶ Continue[/] ({CONTINUE_KEY})")]
    if note.raise_limit:
        actions.append(Content.from_markup("[@click=raise_limit]Raise the limit[/]"))
    return Content.assemble(said, "\n", Content("   ").join(actions))


class ReplyNote(Static):
    """The note under a reply; its "Continue" and "Raise the limit" are links."""

    class ContinueClicked(UIMessage):
        """The reply's "Continue" was clicked."""

    class RaiseLimitClicked(UIMessage):
        """The reply's "Raise the limit" was clicked."""

    def action_continue_reply(self) -> None:
        self.post_message(self.ContinueClicked())

    def action_raise_limit(self) -> None:
        self.post_message(self.RaiseLimitClicked())


# -- the meter -----------------------------------------------------------------------


def seconds_text(seconds: float) -> str:
    """ "0.8 s", "12 s", "2 min 5 s"."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def tokens_per_second(message: Message) -> float | None:
    """Output tokens over the time they took to arrive (from the first token to the end);
    None when that is not known."""
    usage, duration, first = message.usage, message.duration_seconds, message.first_token_seconds
    if usage is None or duration is None or first is None or not usage.output_tokens:
        return None
    streamed = duration - first
    return usage.output_tokens / streamed if streamed > 0.05 else None


def cost_text(message: Message, prices: PriceTable | None) -> str | None:
    """ "$0.0031", "≥ $0.0031" (a reply that did not finish: its output is not counted),
    "cost unknown" (no price for its model); None for a reply without usage."""
    if message.usage is None:
        return None
    cost = message_cost(message, prices)
    if cost is None:
        return "cost unknown"
    finished = message.status is TurnStatus.COMPLETE
    return format_cost(cost) if finished else f"≥ {format_cost(cost)}"


def meter_parts(message: Message, prices: PriceTable | None) -> list[tuple[int, str]]:
    """The meter's parts in the order shown, each with its rank (0 is kept longest)."""
    if message.status is TurnStatus.STREAMING:
        return []
    finished = message.status is TurnStatus.COMPLETE
    parts: list[tuple[int, str]] = []
    if message.model:
        parts.append((0, printable(message.model)))
    usage = message.usage
    if usage is not None:
        counted = f"in {tokens(usage.input_tokens)}"
        if finished:
            counted += f" · out {tokens(usage.output_tokens)}"
        if usage.doubtful:  # the API's counts were impossible: clamped (details say more)
            counted += " (doubtful counts)"
        parts.append((1, counted))
        if usage.cache_read_input_tokens:
            parts.append((3, f"cache read {tokens(usage.cache_read_input_tokens)}"))
        if usage.cache_creation_input_tokens:
            parts.append((4, f"cache write {tokens(usage.cache_creation_input_tokens)}"))
    searched = server_tool_words(usage).replace(" · ", ", ") if usage is not None else ""
    cost = cost_text(message, prices)
    if searched:  # with the cost, which is of the tokens alone; kept as long as the counts
        parts.append((1, f"{cost} + {searched} unpriced" if cost else f"{searched} unpriced"))
    elif cost is not None:
        parts.append((2, cost))
    if message.first_token_seconds is not None:
        parts.append((7, f"first token {seconds_text(message.first_token_seconds)}"))
    speed = tokens_per_second(message) if finished else None
    if speed is not None:
        parts.append((6, f"{speed:,.0f} tok/s"))
    if finished and message.stop_reason:
        parts.append((5, printable(message.stop_reason).replace("_", " ")))
    return parts


def fit(parts: Sequence[tuple[int, str]], width: int, separator: str = SEPARATOR) -> str:
    """The parts joined, the highest ranks left out until the line fits ``width``."""
    kept = list(parts)
    while kept:
        line = separator.join(text for _, text in kept)
        if width <= 0 or len(line) <= width or len(kept) == 1:
            return line
        kept.remove(max(kept, key=lambda part: part[0]))
    return ""


class ReplyMeter(Static):
    """One dim line under a finished reply; a click asks for its details."""

    class Clicked(UIMessage):
        """The meter of ``message`` was clicked: show its details."""

        def __init__(self, message: Message) -> None:
            super().__init__()
            self.message = message

    def __init__(self, message: Message, prices: PriceTable | None = None) -> None:
        super().__init__(classes="message-meter")
        self.message = message
        self.prices = prices
        self.tooltip = "Click for the reply's details"

    def follow(self) -> None:
        """The reply changed: draw the line again (hidden while it streams)."""
        self.display = bool(meter_parts(self.message, self.prices))
        self.refresh()

    def render(self) -> Content:
        parts = meter_parts(self.message, self.prices)
        return Content(fit(parts, self.content_region.width))

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self.message))
