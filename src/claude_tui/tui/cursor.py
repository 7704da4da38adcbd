"""The message cursor, on the chat screen's behalf: Ctrl+Up puts it on the last message,
Escape gives the input box the focus back, and Enter on a message opens its menu.

The keys themselves and what they post are the log's (``widgets/log_cursor.py``); what the
actions do is the screen's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_tui.domain.message import Message
from claude_tui.tui.screens.message_menu import MessageMenu
from claude_tui.tui.widgets.message_log import MessageLog

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen

MENU_TITLE = {"user": "Your message", "assistant": "Claude's reply"}


class MessageCursor:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen

    async def focus_log(self) -> None:
        """Ctrl+Up: the cursor on the last message, the focus in the messages."""
        if not self.screen.conversation.messages:
            self.screen.tell("No messages yet.", timeout=3)
            return
        await self.screen.log_view.focus_message(None)

    def left(self) -> None:
        """Escape in the messages: back to the input box."""
        self.screen.prompt.focus()

    def menu(self, message: Message) -> None:
        """The menu of what can be done to ``message`` (the one the cursor is on); the
        choice comes back from the log as the key would have sent it."""
        log = self.screen.log_view
        if log.focused_message is not message:
            return

        def chosen(answer: str | None) -> None:
            if answer:
                action, _, number = answer.partition(":")
                log.post_message(MessageLog.Act(action, message, int(number) if number else None))

        menu = MessageMenu(MENU_TITLE[message.role], log.offered(), log.code_block_count())
        self.screen.app.push_screen(menu, chosen)
