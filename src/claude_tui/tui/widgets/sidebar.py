"""The conversation list: most recently used first, the open one highlighted.

A filter box above the list narrows it by title as you type. The list draws a page of
conversations at a time and adds the next page as the highlight or the scroll nears
its end, so ten thousand conversations cost no more to show than a hundred.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from claude_tui.domain.conversation import ConversationSummary
from claude_tui.domain.text import ago, contains_all, printable, query_words

PAGE = 100  # options drawn at a time
MORE_ID = "sidebar.more"


class ConversationList(OptionList):
    """The list itself; Up/Down move the highlight, Enter opens."""


class FilterInput(Input):
    """Typing narrows the list; Enter opens the first match, Down enters the list,
    Escape clears the filter. Holds no control characters (as screens/dialogs.PlainInput)."""

    BINDINGS = [
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("down", "into_list", "Into the list", show=False),
    ]

    class Cleared(Message):
        pass

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(printable(text), start, end)  # a paste's escape codes, as symbols

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())

    def action_into_list(self) -> None:
        self.screen.focus_next(ConversationList)


class Sidebar(Vertical):
    BINDINGS = [
        Binding(
            str(n),
            f"open_nth({n})",
            f"Open #{n}",
            show=False,
            key_display="1 … 9",
            tooltip="open the Nth conversation (in the sidebar)",
            id=f"sidebar.open_{n}",
        )
        for n in range(1, 10)
    ]

    class ConversationSelected(Message):
        def __init__(self, conversation_id: str, *, browsing: bool = False) -> None:
            super().__init__()
            self.conversation_id = conversation_id
            self.browsing = browsing  # picked with 1-9: the user stays in the list

    class FilterLeft(Message):
        """The user cleared the filter with Escape: the app puts focus back."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._summaries: list[ConversationSummary] = []
        self._visible: list[ConversationSummary] = []
        self._shown = 0  # how many of ``_visible`` are options now
        self._active: str | None = None
        self._now: datetime | None = None
        self._streaming_id: str | None = None
        self.loading = True  # until the app has read the list the first time

    def compose(self) -> ComposeResult:
        yield Label("Conversations", id="sidebar-title")
        yield FilterInput(placeholder="Filter by title", id="sidebar-filter")
        yield ConversationList(id="conversation-list")

    def on_mount(self) -> None:
        self.watch(self.option_list, "scroll_y", self._scrolled, init=False)
        self.filter_input.display = False  # shown by Ctrl+G, hidden again when empty

    @on(Input.Blurred, "#sidebar-filter")
    def _filter_blurred(self, event: Input.Blurred) -> None:
        event.stop()
        if not self.filter_input.value:
            self.filter_input.display = False

    @property
    def option_list(self) -> ConversationList:
        return self.query_one(ConversationList)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def conversation_ids(self) -> list[str]:
        """The conversations the list offers (those matching the filter), in order."""
        return [summary.id for summary in self._visible]

    def focus_filter(self) -> None:
        self.display = True
        self.filter_input.display = True
        self.filter_input.focus()

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
        self._summaries = list(summaries)
        self._active, self._now, self._streaming_id = active_id, now, streaming_id
        self._redraw()

    def _redraw(self) -> None:
        conversation_list = self.option_list
        browsing = None  # where the user is, if they are moving through the list
        highlighted = conversation_list.highlighted
        if (
            conversation_list.has_focus
            and highlighted is not None
            and highlighted < min(self._shown, len(self._visible))
        ):
            browsing = self._visible[highlighted].id
        words = query_words(self.filter_input.value)
        self._visible = [s for s in self._summaries if contains_all(s.title, words)]
        wanted = self._index_of(browsing or self._active)
        self._shown = min(len(self._visible), max(self._shown, PAGE, (wanted or 0) + PAGE))
        options = [self._option(s) for s in self._visible[: self._shown]]
        conversation_list.set_options(options)
        self._add_more_marker()
        if not self._visible:
            text = (
                "No match"
                if words
                else ("Loading conversations…" if self.loading else "No conversations yet")
            )
            conversation_list.add_option(Option(Content(text), disabled=True))
        self.highlight(browsing or self._active)

    def _index_of(self, conversation_id: str | None) -> int | None:
        for index, summary in enumerate(self._visible):
            if summary.id == conversation_id:
                return index
        return None

    def _option(self, summary: ConversationSummary) -> Option:
        assert self._now is not None
        return Option(
            Content.assemble(
                (printable(summary.title).replace("\n", " "), "bold"),
                "\n",
                ("● replying…", "$accent")
                if summary.id == self._streaming_id
                else (ago(summary.updated_at, self._now), "$text-muted"),
            ),
            id=summary.id,
        )

    def _add_more_marker(self) -> None:
        rest = len(self._visible) - self._shown
        if rest > 0:
            self.option_list.add_option(
                Option(Content(f"↓ {rest:,} more"), id=MORE_ID, disabled=True)
            )

    def _show_more(self) -> None:
        """Add the next page of options (the highlight or the scroll reached the end)."""
        if self._shown >= len(self._visible):
            return
        conversation_list = self.option_list
        conversation_list.remove_option(MORE_ID)
        start, self._shown = self._shown, min(len(self._visible), self._shown + PAGE)
        conversation_list.add_options([self._option(s) for s in self._visible[start : self._shown]])
        self._add_more_marker()

    def _scrolled(self, scroll_y: float) -> None:
        conversation_list = self.option_list
        if scroll_y >= conversation_list.max_scroll_y - conversation_list.size.height:
            self._show_more()

    @on(OptionList.OptionHighlighted, "#conversation-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index >= self._shown - 10:
            self._show_more()

    def highlight(self, conversation_id: str | None) -> None:
        index = self._index_of(conversation_id)
        if index is not None and index >= self._shown:
            while self._shown <= index:
                self._show_more()
        self.option_list.highlighted = index

    @on(Input.Changed, "#sidebar-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._shown = 0
        if self._now is not None:
            self._redraw()
        if event.value and self._visible:
            self.option_list.highlighted = 0

    @on(Input.Submitted, "#sidebar-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        highlighted = self.option_list.highlighted
        ids = self.conversation_ids
        if ids:
            index = highlighted if highlighted is not None and highlighted < len(ids) else 0
            self.post_message(self.ConversationSelected(ids[index]))

    @on(FilterInput.Cleared)
    def _filter_cleared(self, event: FilterInput.Cleared) -> None:
        event.stop()
        self.filter_input.display = False
        self.post_message(self.FilterLeft())

    @on(OptionList.OptionSelected, "#conversation-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None and event.option.id != MORE_ID:
            self.post_message(self.ConversationSelected(event.option.id))

    def action_open_nth(self, n: int) -> None:
        ids = self.conversation_ids
        if 1 <= n <= len(ids):
            self.post_message(self.ConversationSelected(ids[n - 1], browsing=True))
