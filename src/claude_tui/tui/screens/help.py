"""A modal that lists every key (the list is made from the bindings: ``tui/keys.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class KeyRow(Protocol):
    @property
    def keys(self) -> str: ...
    @property
    def does(self) -> str: ...
    @property
    def names(self) -> str: ...


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help.close")]

    def __init__(self, rows: Sequence[KeyRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, style="bold")
        table.add_column(ratio=1)
        for row in self.rows:  # (Text: never markup)
            names = ("  " + row.names, "italic") if row.names else ""
            table.add_row(Text(row.keys), Text.assemble(row.does, names))
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = r"Escape closes · in italics: its name for \[keys] in the config"
            yield Static(table)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
