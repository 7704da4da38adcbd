"""One line at the bottom: the model (a click on it posts :class:`StatusBar.ModelClicked`),
whether a reply streams, a notice, the tokens and cost of the last turn and of the whole
conversation ("last in 1,234 · out 187 · $0.012  │  total in … · $0.42"), and how full
the context window is.

The context gauge turns amber at :data:`CONTEXT_HIGH` and red at :data:`CONTEXT_FULL`,
where it also says what to do; the bar carries the class ``-context-high`` or
``-context-full`` meanwhile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from claude_tui.domain.pricing import Cost, format_cost
from claude_tui.domain.text import printable, tokens
from claude_tui.domain.usage import TOOLS_NOT_PRICED, Usage, server_tool_words

CONTEXT_HIGH = 0.80  # of the context window: the gauge turns amber
CONTEXT_FULL = 0.95  # and red, and says what to do
GAUGE_CELLS = 6
FULL_ADVICE = "start a new conversation (Ctrl+N)"


@dataclass(frozen=True)
class StatusInfo:
    model: str = ""
    last: Usage | None = None
    last_partial: bool = False  # the reply ended early: the output count is not final
    total: Usage | None = None
    streaming: bool = False
    streaming_elsewhere: bool = False
    notice: str = ""
    last_cost: float | None = None  # USD of the last metered reply (None: no price)
    total_cost: Cost | None = None  # of every metered reply (None: none is metered)
    context_used: int | None = None  # the last request's whole prompt, in tokens
    context_window: int | None = None  # the model's max_input_tokens (None: not known)

    @property
    def context_share(self) -> float | None:
        if self.context_used is None or not self.context_window:
            return None
        return self.context_used / self.context_window

    @property
    def context_level(self) -> str:
        """ "" (or no gauge), "high" or "full"."""
        share = self.context_share
        if share is None or share < CONTEXT_HIGH:
            return ""
        return "full" if share >= CONTEXT_FULL else "high"


Part = str | tuple[str, str]


@dataclass(frozen=True)
class Section:
    """Parts shown together; ``short`` stands in for them before they are left out."""

    parts: list[Part]
    short: list[Part] | None = None


def _cost_words(cost: Cost, at_least: bool) -> str:
    """ "$0.42", "≥ $0.42" (a reply that did not finish), "$0.42 + unknown" (some replies
    have no price), "cost unknown" (none has)."""
    if cost.unpriced and not cost.priced:
        return "cost unknown"
    money = format_cost(cost.dollars)
    money = f"{money} + unknown" if cost.unpriced else money
    return f"≥ {money}" if at_least else money


def usage_section(
    label: str,
    usage: Usage,
    cost: Cost | None,
    *,
    cache: bool,
    partial: bool = False,
    at_least: bool = False,
) -> Section:
    """ "last in 1,234 · out 187 · cache read 2,048 · $0.012"; shortened to its cost."""
    output = "?" if partial else tokens(usage.output_tokens)
    head: Part = (f"{label} ", "$text-muted")
    parts: list[Part] = [head, f"in {tokens(usage.input_tokens)} · out {output}"]
    if cache and usage.cache_read_input_tokens:
        parts.append(f" · cache read {tokens(usage.cache_read_input_tokens)}")
    if cache and usage.cache_creation_input_tokens:
        parts.append(f" · cache write {tokens(usage.cache_creation_input_tokens)}")
    searched = server_tool_words(usage)
    if searched:
        parts.append(f" · {searched} ({TOOLS_NOT_PRICED})")
    if cost is None:
        return Section(parts)
    money = _cost_words(cost, at_least or partial)
    return Section([*parts, " · ", (money, "bold")], [head, (money, "bold")])


def gauge_section(info: StatusInfo) -> Section | None:
    """ "context ██░░░░░░ 24%": amber from 80 %, red from 95 % with what to do."""
    share = info.context_share
    if share is None:
        return None
    percent = min(math.floor(share * 100), 999)
    filled = min(GAUGE_CELLS, round(share * GAUGE_CELLS))
    bar = "█" * filled + "░" * (GAUGE_CELLS - filled)
    level = info.context_level
    style = {"high": "bold $warning", "full": "bold $error"}.get(level, "")
    shown = "<1" if percent == 0 and info.context_used else str(percent)
    said: Part = (f"context {shown}%", style) if style else f"context {shown}%"
    bar_part: Part = (f" {bar}", style or "$text-muted")
    if level != "full":
        return Section([said, bar_part], [said])
    advice: Part = (f" · {FULL_ADVICE}", "$error")
    return Section([said, bar_part, advice], [said, (" · Ctrl+N", "$error")])


class StatusBar(Static):
    """Sections, most important first; on a narrow terminal the least important are
    shortened, then go."""

    class ModelClicked(Message):
        """The model's name was clicked (to change the model or the settings)."""

    info: reactive[StatusInfo] = reactive(StatusInfo, layout=False)

    def _sections(self) -> list[Section]:
        info = self.info
        sections = [Section([(self._model_text(), "bold")])]
        if info.streaming:
            sections.append(Section([("● streaming", "bold $accent")], [("●", "bold $accent")]))
        elif info.streaming_elsewhere:
            sections.append(
                Section([("● streaming in another conversation", "$accent")], [("●", "$accent")])
            )
        if info.notice:
            sections.append(Section([(printable(info.notice), "$warning")]))
        gauge = gauge_section(info)
        if gauge is not None and info.context_level:
            sections.append(gauge)  # nearly full: it matters more than the rest
        if info.last is not None:
            last_cost = None if info.total_cost is None else Cost.of(info.last_cost)
            sections.append(
                usage_section("last", info.last, last_cost, cache=True, partial=info.last_partial)
            )
        if gauge is not None and not info.context_level:
            sections.append(gauge)
        if info.total is not None and (info.total.input_tokens or info.total.output_tokens):
            total = usage_section(
                "total", info.total, info.total_cost, cache=False, at_least=info.last_partial
            )
            sections.append(total)
        return sections

    def _model_text(self) -> str:
        return printable(self.info.model) or "no model"

    def watch_info(self, info: StatusInfo) -> None:
        level = info.context_level
        self.set_class(level == "high", "-context-high")
        self.set_class(level == "full", "-context-full")

    def render(self) -> Content:
        sections = self._sections()
        shown = [section.parts for section in sections]
        width = self.content_region.width or 10_000
        while True:
            parts: list[Part] = []
            for section in shown:
                if parts:
                    parts.append(("  │  ", "$text-muted"))
                parts.extend(section)
            content = Content.assemble(*parts)
            if content.cell_length <= width or len(shown) == 1:
                return content
            last = sections[len(shown) - 1]
            if last.short is not None and shown[-1] is not last.short:
                shown[-1] = last.short
            else:
                shown.pop()

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.x < Content(self._model_text()).cell_length:
            event.stop()
            self.post_message(self.ModelClicked())
