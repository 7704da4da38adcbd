"""What replies took, on the chat screen's behalf: the price table it prices them with,
a reply's details (F4, or a click on its meter line), and where to raise the limit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from claude_tui.config import Settings
from claude_tui.domain.message import Message
from claude_tui.domain.pricing import PriceError, PriceTable
from claude_tui.tui.screens.details import ReplyDetails
from claude_tui.tui.widgets.assistant_message import AssistantMessageView

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen


def price_table(settings: Settings) -> PriceTable:
    """The shipped prices with the config file's ``[prices]`` rows (checked when the file
    was read; settings made otherwise whose rows cannot be used get the shipped ones)."""
    try:
        return settings.price_table()
    except PriceError:
        return PriceTable.default()


class Meter:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen

    @cached_property
    def prices(self) -> PriceTable:
        return price_table(self.screen.services.settings)

    def chosen_reply(self) -> Message | None:
        """The reply whose block has the focus (its thinking), else the last reply."""
        focused = self.screen.focused
        if focused is not None:
            for node in focused.ancestors_with_self:
                if isinstance(node, AssistantMessageView):
                    return node.message
        replies = (m for m in reversed(self.screen.conversation.messages) if m.role == "assistant")
        return next(replies, None)

    def details(self, message: Message | None = None) -> None:
        """Show a reply's details (the chosen reply's, if none is named)."""
        message = message or self.chosen_reply()
        if message is None:
            self.screen.tell("There is no reply yet to show the details of.", timeout=5)
            return
        self.screen.app.push_screen(ReplyDetails(message, self.prices))

    def raise_limit(self) -> None:
        limit = self.screen.conversation.max_tokens
        self.screen.tell(
            f"A reply may be {limit:,} tokens long now: raise max tokens here, then "
            "Continue (Ctrl+O).",
            title="Raise the limit",
            timeout=10,
        )
        self.screen.steering.open_settings(focus="max_tokens")
