"""The model picker: every model of the list in one line each (name, id, context window,
longest reply, price in and out per million tokens), narrowed as you type; Enter picks.

It is given the model list, the open conversation's model, the prices, and a way to ask the
API for the list again (Ctrl+R or the button); it answers with the id picked, or None.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from claude_tui.domain.catalog import Catalog, ModelInfo
from claude_tui.domain.pricing import PriceTable
from claude_tui.domain.steering import price_words, size_words
from claude_tui.domain.text import ago, printable, query_words
from claude_tui.tui.screens.dialogs import Dialog, PlainInput

Refresher = Callable[[], Awaitable[Catalog]]
HEADER = ("  model", "id", "context", "output", "in / out $/M")
WIDTHS = (21, 20, 8, 7)


def source_words(catalog: Catalog, now: datetime) -> str:
    """Where the list came from, for a person."""
    if catalog.source == "fallback":
        return "Offline list: the API could not be asked. Ctrl+R asks again."
    when = ago(catalog.fetched_at, now) if catalog.fetched_at else "earlier"
    return f"From the API, {when}. Ctrl+R asks again."


def matches(model: ModelInfo, words: list[str]) -> bool:
    """Every typed word is in the model's name or id."""
    text = f"{model.display_name} {model.id}".lower()
    return all(word in text for word in words)


def _cells(*cells: str) -> str:
    fixed = zip(cells, WIDTHS, strict=False)
    head = "".join(cell[: width - 1].ljust(width) for cell, width in fixed)
    return head + cells[-1]


class ModelPicker(Dialog[str]):
    BINDINGS = [
        Binding("ctrl+r", "refresh", "Refresh", id="picker.refresh"),
        Binding("down", "cursor(1)", "Next", show=False, id="picker.down"),
        Binding("up", "cursor(-1)", "Previous", show=False, id="picker.up"),
    ]

    def __init__(
        self,
        catalog: Catalog,
        current: str,
        prices: PriceTable,
        refresh: Refresher,
        now: Callable[[], datetime],
    ) -> None:
        super().__init__("Choose a model", "Enter picks · Ctrl+R refreshes · Escape cancels")
        self.catalog = catalog
        self.current = current
        self.prices = prices
        self._refresh = refresh
        self._now = now
        self.shown: list[ModelInfo] = []

    def compose(self) -> ComposeResult:
        with self.frame() as frame:
            frame.add_class("picker-body")
            yield PlainInput(placeholder="Type to narrow: name or id", id="picker-filter")
            yield Static(Content(_cells(*HEADER)), id="picker-header")
            yield OptionList(id="picker-models")
            with Horizontal(id="picker-foot"):
                yield Static(id="picker-source")
                yield Button("Refresh", id="picker-refresh", compact=True)

    def on_mount(self) -> None:
        self.query_one("#picker-filter").focus()
        self._show()

    def row(self, model: ModelInfo) -> Content:
        mark = "● " if model.id == self.current else "  "
        price = price_words(self.prices.lookup(model.id))
        line = _cells(
            f"{mark}{printable(model.display_name)}",
            printable(model.id),
            size_words(model.max_input_tokens),
            size_words(model.max_tokens),
            price,
        )
        return Content(line).stylize("bold", 0, len(mark) + len(model.display_name))

    def _show(self) -> None:
        words = query_words(self.query_one("#picker-filter", Input).value)
        self.shown = [model for model in self.catalog.models if matches(model, words)]
        listing = self.query_one("#picker-models", OptionList)
        listing.set_options(Option(self.row(model), id=model.id) for model in self.shown)
        ids = [model.id for model in self.shown]
        if ids:
            listing.highlighted = ids.index(self.current) if self.current in ids else 0
        source = source_words(self.catalog, self._now())
        if not ids:
            source = f"No model's name or id has all of those words. {source}"
        self.query_one("#picker-source", Static).update(Content(source))

    @on(Input.Changed, "#picker-filter")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._show()

    @on(Input.Submitted, "#picker-filter")
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        highlighted = self.query_one("#picker-models", OptionList).highlighted
        if self.shown and highlighted is not None:
            self.dismiss(self.shown[highlighted].id)

    @on(OptionList.OptionSelected, "#picker-models")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#picker-refresh")
    def _refresh_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_refresh()

    def action_cursor(self, step: int) -> None:
        """Up and Down move through the list while the cursor stays in the filter."""
        listing = self.query_one("#picker-models", OptionList)
        if step > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()

    @work(exclusive=True, group="models", exit_on_error=False)
    async def action_refresh(self) -> None:
        self.query_one("#picker-source", Static).update(Content("Asking the API for its models…"))
        self.catalog = await self._refresh()
        self._show()
