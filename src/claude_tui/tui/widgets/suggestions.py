"""The list of completions shown above the input box while a slash command or an ``@path``
is typed.

It never takes the focus: the input box keeps it, and hands it Up, Down, Tab, Enter and
Escape while the list is shown (``PromptInput.completer``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
            Option(
                Content.assemble(
                    (printable(label).ljust(width), "bold"), (printable(d), "$text-muted")
                )
            )
            for label, d in rows
        )
        self.highlighted = 0 if rows and highlight else None
        self.display = bool(rows)

    def hide(self) -> None:
        self.display = False
        self.clear_options()

    def take_key(self, key: str, complete: Callable[[int], bool]) -> bool:
        """A key the input box hands over while the list is shown; True if taken: Up and
        Down move, Escape hides, Tab takes the highlighted row (the first when none is),
        Enter the highlighted one. ``complete(row)``: False if it changed nothing."""
        if key == "escape":
            self.hide()
        elif key in ("up", "down"):
            self.step(1 if key == "down" else -1)
        elif self.highlighted is None:
            return key == "tab" and complete(0)
        else:
            return complete(self.highlighted) or key == "tab"
        return True

    def step(self, step: int) -> None:
        """Up (-1) or Down (1) through the rows; from none, Down takes the first."""
        if self.highlighted is None:
            self.highlighted = 0 if step > 0 else self.option_count - 1
        elif step > 0:
            self.action_cursor_down()
        else:
            self.action_cursor_up()
