"""The conversation list: most recently used first, the open one highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from claude_tui.core.models import ConversationSummary
from claude_tui.core.text import ago, printable


class ConversationList(OptionList):
    """The list itself; Up/Down move the highlight, Enter opens."""


class Sidebar(Vertical):
    BINDINGS = [
        Binding(str(n), f"open_nth({n})", f"Open #{n}", show=False, id=f"sidebar.open_{n}")
        for n in range(1, 10)
    ]

    class ConversationSelected(Message):
        def __init__(self, conversation_id: str) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._summaries: list[ConversationSummary] = []

    def compose(self) -> ComposeResult:
        yield Label("Conversations", id="sidebar-title")
        yield ConversationList(id="conversation-list")

    @property
    def option_list(self) -> ConversationList:
        return self.query_one(ConversationList)

    @property
    def conversation_ids(self) -> list[str]:
        return [summary.id for summary in self._summaries]

    def show(
        self,
        summaries: Sequence[ConversationSummary],
        active_id: str | None,
        now: datetime,
        streaming_id: str | None = None,
    ) -> None:
        """Redraw the list and highlight ``active_id`` (if it is in the list).

        The conversation a reply is streaming into says so under its title.
        """
        conversation_list = self.option_list
        browsing = None  # where the user is, if they are moving through the list
        if conversation_list.has_focus and conversation_list.highlighted is not None:
            ids = self.conversation_ids
            if conversation_list.highlighted < len(ids):
                browsing = ids[conversation_list.highlighted]
        self._summaries = list(summaries)
        options = [
            Option(
                Content.assemble(
                    (printable(summary.title).replace("\n", " "), "bold"),
                    "\n",
                    ("● replying…", "$accent")
                    if summary.id == streaming_id
                    else (ago(summary.updated_at, now), "dim"),
                ),
                id=summary.id,
            )
            for summary in self._summaries
        ]
        conversation_list.set_options(options)
        if not options:
            conversation_list.add_option(Option(Content("No conversations yet"), disabled=True))
        self.highlight(browsing or active_id)

    def highlight(self, conversation_id: str | None) -> None:
        ids = self.conversation_ids
        conversation_list = self.option_list
        if conversation_id in ids:
            conversation_list.highlighted = ids.index(conversation_id)
        else:
            conversation_list.highlighted = None

    @on(OptionList.OptionSelected, "#conversation-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.ConversationSelected(event.option.id))

    def action_open_nth(self, n: int) -> None:
        ids = self.conversation_ids
        if 1 <= n <= len(ids):
            self.post_message(self.ConversationSelected(ids[n - 1]))
