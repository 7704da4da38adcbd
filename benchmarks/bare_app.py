"""The yardstick for the first paint: a bare Textual app with the same kinds of widgets
as claude-tui's main screen (a sidebar with a title and an OptionList, a VerticalScroll
log, a TextArea input with the same placeholder, a status line, a Footer) and nothing
else: no settings, no storage, no SDK.

Run it in a terminal with ``python benchmarks/bare_app.py``; Ctrl+Q quits.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Label, OptionList, Static, TextArea

PLACEHOLDER = "Message Claude… (Enter sends, Ctrl+J adds a line)"


class BareApp(App[None]):
    CSS = """
    #main { height: 1fr; }
    #sidebar { width: 30%; max-width: 36; border-right: vkey $panel-lighten-2;
               background: $panel; }
    #sidebar-title { padding: 0 1; text-style: bold; color: $text-muted; }
    #conversation-list { height: 1fr; border: none; background: $panel; }
    #log { height: 1fr; padding: 0 1; }
    #prompt { height: auto; max-height: 10; border-top: solid $panel-lighten-2; }
    #status { height: 1; padding: 0 1; background: $panel; }
    """
    BINDINGS = [
        Binding("ctrl+n", "noop", "New"),
        Binding("ctrl+b", "noop", "Sidebar"),
        Binding("ctrl+f", "noop", "Search"),
        Binding("escape", "noop", "Stop"),
        Binding("f1", "noop", "Keys"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                yield Label("Conversations", id="sidebar-title")
                yield OptionList(id="conversation-list")
            with Vertical(id="chat"):
                with VerticalScroll(id="log"):
                    yield Static("Start a conversation: type below and press Enter.")
                yield TextArea(
                    placeholder=PLACEHOLDER,
                    compact=True,
                    soft_wrap=True,
                    show_line_numbers=False,
                    id="prompt",
                )
        yield Static("claude-sonnet-5-5", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#prompt").focus()

    def action_noop(self) -> None:
        pass


if __name__ == "__main__":
    BareApp().run()
