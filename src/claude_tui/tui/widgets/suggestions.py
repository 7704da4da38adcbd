"""The list of completions shown above the input box while a slash command is typed.

It never takes the focus: the input box keeps it, and hands it Up, Down, Tab, Enter and
Escape while the list is shown (``PromptInput.completer``).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from claude_tui.domain.text import printable


class Suggestions(OptionList):
    can_focus = False

    def show(self, rows: Sequence[tuple[str, str]], highlight: bool) -> None:
        """``rows``: what each completes to, shown with what it does; the first one
        highlighted (Enter takes it) when ``highlight``. No rows: hidden."""
        width = max((len(label) for label, _ in rows), default=0) + 2
        self.set_options(
            Option(Content.assemble((printable(label).ljust(width), "bold"), (printable(d), "dim")))
            for label, d in rows
        )
        self.highlighted = 0 if rows and highlight else None
        self.display = bool(rows)

    def hide(self) -> None:
        self.display = False
        self.clear_options()

    def step(self, step: int) -> None:
        """Up (-1) or Down (1) through the rows; from none, Down takes the first."""
        if self.highlighted is None:
            self.highlighted = 0 if step > 0 else self.option_count - 1
        elif step > 0:
            self.action_cursor_down()
        else:
            self.action_cursor_up()
