"""The API key dialog: paste a key (masked), keep it for this session or save it in the
config file, and see at once whether the API takes it.

The dialog does not talk to the API or the disk itself: it is given ``check`` (see
``tui/keying.py``), which tries the key, and if the API takes it, uses it (and saves it
when asked). ``check`` answers None when done, else why not, in words: the dialog then
stays, says so, and waits for another try. The key is never shown: the input box masks
it, and no text here holds it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Static

from claude_tui.domain.text import printable
from claude_tui.tui.screens.dialogs import Dialog

KeyCheck = Callable[[str, bool], Awaitable[str | None]]
"""Try a key, and save it (True) or keep it for this session; None, or why not."""

WHERE = "Create a key at console.anthropic.com → API keys, then paste it here."
CHECKING = "Checking the key with the API…"
SAVE = "Save it for the next starts too (Ctrl+S)"
SESSION_ONLY = "Not saved: kept for this session only."


class ApiKeyScreen(Dialog[bool]):
    """Enter (or "Use this key") checks the key; Ctrl+S ticks "save it"; Escape closes."""

    BINDINGS = [Binding("ctrl+s", "toggle_save", "Save it", show=False)]

    def __init__(self, reason: str, config_path: Path, check: KeyCheck) -> None:
        super().__init__("Anthropic API key", "Enter checks it · Escape closes")
        self._reason = reason
        self._config_path = config_path
        self._check = check

    def compose(self) -> ComposeResult:
        with self.frame():
            if self._reason:
                yield Static(Content(printable(self._reason)), id="key-reason")
            yield Static(
                Content(f"{WHERE} It is checked with one request to the API."),
                classes="dialog-label",
            )
            yield Input(
                password=True, placeholder="sk-ant-…", id="key-input", select_on_focus=False
            )
            yield Checkbox(Content(SAVE), id="key-save", compact=True)
            yield Static(Content(SESSION_ONLY), id="key-scope")
            yield Static(id="key-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Use this key", variant="primary", id="key-use")
                yield Button("Cancel", id="key-cancel")

    def on_mount(self) -> None:
        self.query_one("#key-save", Checkbox).can_focus = False  # (Ctrl+S, or a click)
        self.query_one("#key-input").focus()

    def action_toggle_save(self) -> None:
        for box in self.query("#key-save").results(Checkbox):  # (none while composing)
            box.toggle()

    @on(Checkbox.Changed, "#key-save")
    def _save_changed(self, event: Checkbox.Changed) -> None:
        where = printable(str(self._config_path))
        scope = f"Saved in {where}, which only you can read." if event.value else SESSION_ONLY
        self.query_one("#key-scope", Static).update(Content(scope))

    @on(Input.Changed, "#key-input")
    def _changed(self) -> None:
        if not self.query_one("#key-input", Input).disabled:
            self._say("")  # (what was said of the key before this one)

    @on(Input.Submitted, "#key-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._try()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "key-use":
            self._try()
        else:
            self.dismiss(None)

    def _say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#key-status", Static)
        status.set_class(error, "key-refused")
        status.update(Content(printable(text)))

    def _try(self) -> None:
        box = self.query_one("#key-input", Input)
        if box.disabled:
            return  # (a check is under way)
        if not box.value.strip():
            self._say("Paste a key first.", error=True)
            box.focus()
            return
        self._run_check(box.value, self.query_one("#key-save", Checkbox).value)

    @work(exclusive=True, group="key-check", exit_on_error=False)
    async def _run_check(self, key: str, save: bool) -> None:
        box = self.query_one("#key-input", Input)
        use = self.query_one("#key-use", Button)
        box.disabled = use.disabled = True
        self._say(CHECKING)
        try:
            refusal = await self._check(key, save)
        finally:
            box.disabled = use.disabled = False
        if refusal is None:
            self.dismiss(True)
            return
        self._say(refusal, error=True)
        box.focus()
        box.select_all()  # a paste replaces it
