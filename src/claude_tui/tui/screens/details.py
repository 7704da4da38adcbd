"""A reply's details: what it took (tokens, cost, time), why it ended, what was asked for,
and its response id, selectable and with a button that copies it.

Opened by F4 (on the reply whose thinking has the focus, else the last reply) and by a
click on a reply's meter line. Everything shown is plain text (``rich.Text``), never markup.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.pricing import PriceTable, format_cost, message_cost
from claude_tui.domain.stops import stop_note_of
from claude_tui.domain.text import printable, tokens
from claude_tui.domain.usage import DOUBTFUL_WORDS, TOOLS_NOT_PRICED, server_tool_words
from claude_tui.tui.widgets.reply_footer import seconds_text, tokens_per_second

NOT_RECORDED = "not recorded"
Row = tuple[str, str]  # (label, value); a value of "" makes the label a heading

# Keys of ``Message.request`` shown in rows of their own (the rest are listed as they are).
_ASKED = (
    "tools",
    "model",
    "max_tokens",
    "thinking",
    "output_config",
    "temperature",
    "top_p",
    "stop_sequences",
    "cache_control",
    "anthropic_version",
    "system_characters",
    "stream",
)


def stop_words(message: Message) -> str:
    """Why the reply ended, in words, with the API's name for it."""
    if message.status is TurnStatus.STREAMING:
        return "still streaming"
    if message.status is TurnStatus.STOPPED:
        return "stopped by you"
    if message.status is TurnStatus.FAILED:
        title = message.error.title if message.error is not None else "failed"
        return f"failed: {title}"
    reason = message.stop_reason
    if reason in (None, "end_turn"):
        return "Claude ended its turn (end_turn)"
    note = stop_note_of(message)
    said = note.text if note is not None else reason
    return f"{said} ({reason})"


def _tokens(count: int) -> str:
    return tokens(count)


def _seconds(value: float | None) -> str:
    return seconds_text(value) if value is not None else NOT_RECORDED


def _cost(message: Message, prices: PriceTable | None) -> str:
    if message.usage is None:
        return NOT_RECORDED
    cost = message_cost(message, prices)
    if cost is None:
        return "unknown: claude-tui has no price for this model"
    table = prices or PriceTable.default()
    prefix = "" if message.status is TurnStatus.COMPLETE else "at least "
    said = f"{prefix}{format_cost(cost)} (prices checked {table.checked.isoformat()})"
    if message.usage.server_tool_requests:
        said += (
            f" for the tokens; {server_tool_words(message.usage)} {TOOLS_NOT_PRICED}: "
            "claude-tui has no checked price per use"
        )
    return said


def _thinking(value: object) -> str:
    if not isinstance(value, dict):
        return "the model's default" if value is None else str(value)
    kind = str(value.get("type", "?"))
    words = {"disabled": "off", "enabled": "on, with a budget"}.get(kind, kind)
    budget = value.get("budget_tokens")
    if isinstance(budget, int):
        words += f" of {_tokens(budget)} tokens"
    display = value.get("display")
    return f"{words} ({display})" if display else words


def _caching(value: object) -> str:
    if not isinstance(value, dict):
        return "off"
    ttl = value.get("ttl", "5m")
    return f"on ({'1 hour' if ttl == '1h' else '5 minutes'})"


def _tools(tools: object) -> str:
    """ "web search (at most 5 uses; example.org), web fetch", or "none"."""
    if not isinstance(tools, list) or not tools:
        return "none"
    said = []
    for tool in tools:
        if not isinstance(tool, dict):
            continue
        name = str(tool.get("name") or tool.get("type") or "?").replace("_", " ")
        limits = []
        if isinstance(uses := tool.get("max_uses"), int):
            limits.append(f"at most {uses} use{'' if uses == 1 else 's'}")
        if isinstance(domains := tool.get("allowed_domains"), list) and domains:
            limits.append(", ".join(str(domain) for domain in domains))
        said.append(f"{name} ({'; '.join(limits)})" if limits else name)
    return ", ".join(said) or "none"


def asked_rows(request: dict[str, Any] | None, message: Message) -> list[Row]:
    """What the request asked for (``Message.request``)."""
    if request is None:
        return [("Asked for", ""), ("Request", NOT_RECORDED)]
    limit = request.get("max_tokens", message.max_tokens)
    effort = (request.get("output_config") or {}).get("effort")
    stops = request.get("stop_sequences") or []
    system = request.get("system_characters")
    rows: list[Row] = [
        ("Asked for", ""),
        ("Max tokens", _tokens(limit) if isinstance(limit, int) else NOT_RECORDED),
        ("Thinking", _thinking(request.get("thinking"))),
        ("Effort", str(effort) if effort else "the model's default"),
        ("Temperature", str(request.get("temperature", "the default"))),
        ("Top p", str(request.get("top_p", "the default"))),
        ("Stop sequences", ", ".join(json.dumps(s, ensure_ascii=False) for s in stops) or "none"),
        ("Prompt caching", _caching(request.get("cache_control"))),
        ("API version", str(request.get("anthropic_version", "the SDK's"))),
        ("System prompt", f"{system:,} characters" if isinstance(system, int) else "none"),
        ("Server tools", _tools(request.get("tools"))),
    ]
    for key, value in request.items():
        if key not in _ASKED:
            rows.append((key, json.dumps(value, ensure_ascii=False, default=str)[:200]))
    return rows


def detail_rows(message: Message, prices: PriceTable | None = None) -> list[Row]:
    """Everything known about a reply but what was asked for, in rows."""
    usage = message.usage
    speed = tokens_per_second(message)
    created = message.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    rows: list[Row] = [
        ("Reply", ""),
        ("Model", message.model or NOT_RECORDED),
        ("Ended", stop_words(message)),
        ("Started", created),
        ("Tokens", ""),
    ]
    if usage is None:
        rows.append(("Usage", NOT_RECORDED))
    else:
        rows += [
            ("Input", _tokens(usage.input_tokens)),
            ("Cache write", _tokens(usage.cache_creation_input_tokens)),
            ("Cache read", _tokens(usage.cache_read_input_tokens)),
            ("Output", f"{_tokens(usage.output_tokens)} (thinking included)"),
        ]
        if message.last_prompt_tokens is not None:
            rows.append(("Newest prompt", _tokens(message.last_prompt_tokens)))
        if usage.doubtful:
            rows.append(("Doubtful", DOUBTFUL_WORDS))
        if usage.server_tool_requests:
            rows += [
                ("Web searches", f"{usage.web_search_requests:,}"),
                ("Web fetches", f"{usage.web_fetch_requests:,}"),
            ]
    rows += [
        ("Cost", _cost(message, prices)),
        ("Time", ""),
        ("First token after", _seconds(message.first_token_seconds)),
        ("Thinking", _seconds(message.thinking_seconds)),
        ("Whole reply", _seconds(message.duration_seconds)),
        ("Tokens per second", f"{speed:,.0f}" if speed is not None else NOT_RECORDED),
    ]
    return rows


def _table(rows: list[Row]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    for label, value in rows:
        if value:
            # (italic, not dim: faint text does not read in every theme, tui/readable.py)
            table.add_row(Text(printable(label), style="italic"), Text(printable(value)))
        else:  # a heading
            table.add_row(Text(printable(label), style="bold"), Text(""))
    return table


class ReplyDetails(ModalScreen[None]):
    """Everything about one reply; Escape closes."""

    BINDINGS = [Binding("escape", "close", "Close", id="details.close")]

    def __init__(self, message: Message, prices: PriceTable | None = None) -> None:
        super().__init__(classes="dialog")
        self.message = message
        self.prices = prices

    def compose(self) -> ComposeResult:
        response_id = self.message.response_id
        with Vertical(classes="dialog-body details-body") as frame:
            frame.border_title = "Reply details"
            frame.border_subtitle = "Escape closes"
            with VerticalScroll(id="details-rows"), Horizontal(id="details-columns"):
                yield Static(_table(detail_rows(self.message, self.prices)), id="details-took")
                yield Static(
                    _table(asked_rows(self.message.request, self.message)), id="details-asked"
                )
            yield Static(Content("Response id"), classes="details-label")
            with Horizontal(id="details-id-row"):
                yield TextArea(
                    printable(response_id or "none: the reply did not begin"),
                    read_only=True,
                    soft_wrap=False,
                    compact=True,
                    highlight_cursor_line=False,
                    id="details-id",
                )
                yield Button("Copy id", id="details-copy", disabled=response_id is None)
                yield Button("Close", id="details-close")

    def on_mount(self) -> None:
        self.query_one("#details-close", Button).focus()

    @on(Button.Pressed, "#details-copy")
    def _copy(self, event: Button.Pressed) -> None:
        event.stop()
        if self.message.response_id:
            self.app.copy_to_clipboard(self.message.response_id)
            self.notify("The response id is copied.", title="Copied", markup=False)

    @on(Button.Pressed, "#details-close")
    def _close(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
