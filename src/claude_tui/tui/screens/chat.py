"""The main screen: sidebar, message log, input box, status bar and footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from claude_tui.tui.widgets.message_log import MessageLog
from claude_tui.tui.widgets.prompt_input import PromptInput
from claude_tui.tui.widgets.sidebar import Sidebar
from claude_tui.tui.widgets.status_bar import StatusBar


class ChatScreen(Screen[None]):
    AUTO_FOCUS = "#prompt"

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar")
            with Vertical(id="chat"):
                yield MessageLog(id="log")
                yield PromptInput(id="prompt")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def log_view(self) -> MessageLog:
        return self.query_one(MessageLog)

    @property
    def prompt(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)
