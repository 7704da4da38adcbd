"""Small modal dialogs: ask for a line of text, confirm, or choose from a list.

Each returns its answer through ``dismiss`` (None when cancelled with Escape). Every
text shown comes in as plain text or ``Content``: never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from claude_tui.domain.text import printable

T = TypeVar("T")


class Dialog(ModalScreen[T | None], Generic[T]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, subtitle: str = "Escape cancels") -> None:
        super().__init__(classes="dialog")
        self._title = title
        self._subtitle = subtitle

    def frame(self) -> Vertical:
        frame = Vertical(classes="dialog-body")
        frame.border_title = Content(printable(self._title))
        frame.border_subtitle = Content(self._subtitle)
        return frame

    def action_cancel(self) -> None:
        self.dismiss(None)


class PlainInput(Input):
    """An input box that holds no control characters: escape codes in a paste are kept as
    visible symbols (core/text.printable), so they never reach the terminal."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(printable(text), start, end)


class AskText(Dialog[str]):
    """One line of text, e.g. a new title or a file name; Enter accepts."""

    def __init__(self, title: str, label: str, value: str = "") -> None:
        super().__init__(title, "Enter accepts · Escape cancels")
        self._label = label
        self._value = value

    def compose(self) -> ComposeResult:
        with self.frame():
            yield Static(Content(printable(self._label)), classes="dialog-label")
            yield PlainInput(
                printable(self._value).replace("\n", " "), id="dialog-input", select_on_focus=True
            )

    @on(Input.Submitted, "#dialog-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)


class Confirm(Dialog[bool]):
    """A yes/no question; Enter or Y confirms, Escape or N cancels."""

    BINDINGS = [
        Binding("y", "confirm", "Yes", show=False),
        Binding("n", "cancel", "No", show=False),
    ]

    def __init__(self, title: str, question: str, confirm_label: str) -> None:
        super().__init__(title, "Enter / Y confirms · Escape / N cancels")
        self._question = question
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with self.frame():
            yield Static(Content(printable(self._question)), classes="dialog-label")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._confirm_label, variant="error", id="dialog-confirm")
                yield Button("Cancel", id="dialog-cancel")

    def on_mount(self) -> None:
        self.query_one("#dialog-confirm").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "dialog-confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)


class Choose(Dialog[str]):
    """Pick one of a list (Up/Down, Enter); returns the chosen option's id."""

    def __init__(self, title: str, options: Sequence[tuple[str, Content]], empty: str) -> None:
        super().__init__(title, "Enter chooses · Escape cancels" if options else "Escape closes")
        self._options = options
        self._empty = empty

    def compose(self) -> ComposeResult:
        with self.frame():
            if self._options:
                yield OptionList(
                    *(Option(text, id=oid) for oid, text in self._options), id="dialog-choices"
                )
            else:
                yield Static(Content(self._empty), classes="dialog-label")

    @on(OptionList.OptionSelected, "#dialog-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
