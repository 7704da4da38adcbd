"""The message log's cursor: one message at a time, moved and acted on from the keyboard.

With the focus in the log (Ctrl+Up from the input box, or a click on a message), one
message is outlined: Up / Down (k / j), Home / End and ``[`` / ``]`` (the user's messages)
move it, and the keys in the footer act on it. The log only says what was asked: it posts
:class:`CursorLog.Act` (copy, edit, regenerate, delete, …) and :class:`CursorLog.CursorLeft`
(Escape), and the screen does it. What the screen knows and the log does not (the
branches, what can be undone) comes down as :attr:`CursorLog.marks` and
:attr:`CursorLog.can_undo`.

:class:`~claude_tui.tui.widgets.message_log.MessageLog` is a ``CursorLog`` that draws a
window of a long conversation; it tells this class how to draw the messages around one.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.message import Message as UIMessage
from textual.reactive import var
from textual.widget import Widget

from claude_tui.domain.message import Message, TurnStatus
from claude_tui.tui.patches import keymap_of
from claude_tui.tui.widgets.assistant_message import AssistantMessageView, reply_code_blocks
from claude_tui.tui.widgets.log_keys import ACTIONS, LOG_BINDINGS
from claude_tui.tui.widgets.message_marks import NO_MARKS, MessageMarks
from claude_tui.tui.widgets.user_message import LongUserMessageView, UserMessageView

MessageView = UserMessageView | LongUserMessageView | AssistantMessageView
CODE_PROMPT = "press the block's number · Escape cancels"


CHANGES = {"edit", "regenerate", "delete", "undo", "branch_previous", "branch_next"}


class CursorLog(VerticalScroll, can_focus=True):
    """A scrolling list of message views with a cursor on one of them."""

    BINDINGS = LOG_BINDINGS

    can_undo: var[bool] = var(False, bindings=True)
    changing: var[bool] = var(False, bindings=True)
    """A reply streams into these messages (the screen sets it): nothing that changes them
    (edit, ask again, delete, undo, branches) is offered until it ends."""
    """There is a change to the messages to undo (the screen sets it): ``u`` is offered."""

    class CursorLeft(UIMessage, namespace="message_log"):
        """Escape: the user is done with the messages (focus the input box)."""

    class Act(UIMessage, namespace="message_log"):
        """The user asked for ``action`` on ``message`` (``number``: which code block,
        for "copy_code", from 1)."""

        def __init__(self, action: str, message: Message, number: int | None = None) -> None:
            super().__init__()
            self.action = action
            self.message = message
            self.number = number

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cursor: int | None = None  # an index in the messages shown (show_messages)
        self.marks: Callable[[Message], MessageMarks] | None = None
        self._messages: list[Message] = []
        self._marked: MessageView | None = None  # the view drawn with the cursor
        self._code_wanted = False  # "c" was pressed: a block's number comes next
        self._subtitle_before: object = None  # the view's subtitle "c" replaced

    # What the log that draws the messages provides

    async def draw_around(self, index: int) -> None:
        """Draw message ``index`` (and a window around it), if it is not drawn."""
        raise NotImplementedError

    def message_views(self) -> list[MessageView]:
        return [child for child in self.children if isinstance(child, MessageView)]

    def view_of(self, index: int) -> MessageView | None:
        """The view drawing message ``index``, if it is drawn."""
        if not 0 <= index < len(self._messages):
            return None
        message = self._messages[index]
        return next((view for view in self.message_views() if view.message is message), None)

    def marks_of(self, message: Message) -> MessageMarks:
        return NO_MARKS if self.marks is None else self.marks(message)

    def refresh_marks(self) -> None:
        """Ask again for the marks of every message drawn (after a change to the branches,
        a turn that failed); and what the keys can do."""
        for view in self.message_views():
            view.show_marks(self.marks_of(view.message))
        self.refresh_bindings()

    # The cursor

    @property
    def focused_message(self) -> Message | None:
        """The message the cursor is on."""
        if self.cursor is None or not 0 <= self.cursor < len(self._messages):
            return None
        return self._messages[self.cursor]

    async def focus_message(self, index: int | None = None) -> None:
        """Put the cursor on message ``index`` (None: the last), draw it if it is not
        drawn, scroll it into view and focus the log."""
        if not self._messages:
            return
        count = len(self._messages)
        index = count - 1 if index is None else max(0, min(index, count - 1))
        await self._move_to(index)
        self.focus(scroll_visible=False)

    async def _move_to(self, index: int) -> None:
        self._cancel_code()
        self.cursor = index
        if self.view_of(index) is None:
            await self.draw_around(index)
        view = self.view_of(index)
        self.show_cursor()
        if view is not None:
            self.call_after_refresh(self._bring_into_view, view)
        self.refresh_bindings()

    def _bring_into_view(self, view: Widget) -> None:
        """Bring it into view; a message taller than the log from its top."""
        if not view.is_attached:
            return
        top = view.outer_size.height >= self.scrollable_content_region.height
        self.scroll_to_widget(view, animate=False, immediate=True, top=top)

    def show_cursor(self) -> None:
        """Outline the message the cursor is on while the log has the focus (and number
        its code blocks), and only that one."""
        focused = (
            self.is_attached and self.screen.focused is self
        )  # (has_focus is set after on_focus)
        wanted = self.view_of(self.cursor) if self.cursor is not None and focused else None
        if wanted is self._marked:
            return
        if self._marked is not None:
            self._marked.show_cursor(False)
        self._marked = wanted
        if wanted is not None:
            wanted.show_cursor(True)

    def on_focus(self) -> None:
        if self.cursor is None and self._messages:
            self.cursor = self._lowest_in_view()
        self.show_cursor()
        self.refresh_bindings()

    def focus_on_click(self) -> bool:
        return False  # not on pressing the button: dragging selects text (see on_click)

    def on_click(self, event: events.Click) -> None:
        """A click on a message puts the cursor there (not one on a link in it, or the
        end of a drag that selected text)."""
        if self.screen.selections or "@click" in event.style.meta:
            return
        node: DOMNode | None = event.widget
        while node is not None and node is not self and not isinstance(node, MessageView):
            node = node.parent
        if not isinstance(node, MessageView):
            return
        message = node.message
        index = next((i for i, m in enumerate(self._messages) if m is message), None)
        if index is None:
            return
        self._cancel_code()
        self.cursor = index
        self.focus(scroll_visible=False)
        self.show_cursor()
        self.refresh_bindings()
        if event.button == 3:  # a right-click: the menu, as Enter on the message
            self._act("menu")

    def on_blur(self) -> None:
        self._cancel_code()
        self.show_cursor()

    def _lowest_in_view(self) -> int:
        """The last message that shows (focused by Tab): the cursor starts on what is seen."""
        window = self.region
        shown = [v for v in self.message_views() if v.region.overlaps(window)]
        chosen = shown[-1].message if shown else self._messages[-1]
        return next(i for i, m in enumerate(self._messages) if m is chosen)

    # Moving

    async def action_move(self, step: int) -> None:
        start = len(self._messages) if self.cursor is None else self.cursor
        await self._move_to(max(0, min(start + step, len(self._messages) - 1)))

    async def action_first(self) -> None:
        await self._move_to(0)

    async def action_last(self) -> None:
        await self._move_to(len(self._messages) - 1)

    async def action_user(self, step: int) -> None:
        """To the user's previous (``-1``) or next (``1``) message."""
        start = len(self._messages) if self.cursor is None else self.cursor
        index = start + step
        while 0 <= index < len(self._messages):
            if self._messages[index].role == "user":
                await self._move_to(index)
                return
            index += step

    def action_leave(self) -> None:
        if self._code_wanted:
            self._cancel_code()
            return
        self.post_message(self.CursorLeft())
        self.blur()

    # Acting on the message

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in ACTIONS:
            return True
        message = self.focused_message
        if message is None:
            return False
        streaming = message.status is TurnStatus.STREAMING
        if self.changing and action in CHANGES:
            return False
        if action == "details":
            return message.role == "assistant"
        if action == "edit":
            return message.role == "user"
        if action == "regenerate":
            return message.role == "assistant" and not streaming
        if action == "delete":
            return not streaming
        if action == "undo":
            return self.can_undo
        if action in ("branch_previous", "branch_next"):
            return self.marks_of(message).branched
        if action == "copy_code":
            return self._code_count(message) > 0
        if action == "open_file":
            return bool(message.attachments)
        return True

    def offered(self) -> list[tuple[str, str]]:
        """What can be done to the focused message, as (action, key) in the keys' order
        (the menu's entries; "copy_code" once: see :meth:`code_block_count`), each key
        as the user's [keys] remapped it."""
        keymap = keymap_of(self.app)
        offered = []
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or binding.action not in ACTIONS - {"menu"}:
                continue
            if self.check_action(binding.action, ()):
                keys = keymap.get(binding.id or "")
                shown = binding.with_key(keys.split(",")[0], None) if keys else binding
                offered.append((binding.action, self.app.get_key_display(shown)))
        return offered

    def code_block_count(self) -> int:
        """How many code blocks the focused message has numbered."""
        message = self.focused_message
        return 0 if message is None else self._code_count(message)

    def _code_count(self, message: Message) -> int:
        return len(reply_code_blocks(message)) if message.role == "assistant" else 0

    def _act(self, action: str, number: int | None = None) -> None:
        message = self.focused_message
        if message is not None:
            self.post_message(self.Act(action, message, number))

    def action_copy(self) -> None:
        self._act("copy")

    def action_edit(self) -> None:
        self._act("edit")

    def action_regenerate(self) -> None:
        self._act("regenerate")

    def action_delete(self) -> None:
        self._act("delete")

    def action_undo(self) -> None:
        self._act("undo")

    def action_branch_previous(self) -> None:
        self._act("branch_previous")

    def action_branch_next(self) -> None:
        self._act("branch_next")

    def action_menu(self) -> None:
        self._act("menu")

    def action_details(self) -> None:
        self._act("details")

    def action_open_file(self) -> None:
        self._act("open_file")

    def action_copy_code(self) -> None:
        """``c``: the block's number comes next (shown on the message's border)."""
        view = self._marked
        self._code_wanted = True
        if view is not None:
            self._subtitle_before = view.border_subtitle
            view.border_subtitle = CODE_PROMPT

    def _cancel_code(self) -> None:
        if not self._code_wanted:
            return
        self._code_wanted = False
        if self._marked is not None:
            self._marked.border_subtitle = self._subtitle_before  # type: ignore[assignment]

    def on_key(self, event: events.Key) -> None:
        """After ``c``: a digit copies that block; Escape or any other key cancels."""
        if not self._code_wanted:
            return
        self._cancel_code()
        message = self.focused_message
        if event.character is None or not event.character.isdigit() or message is None:
            if event.key == "escape":
                event.stop()
                event.prevent_default()
            return  # the key does what it does
        event.stop()
        event.prevent_default()
        number, count = int(event.character), self._code_count(message)
        if 1 <= number <= count:
            self._act("copy_code", number)
        else:
            blocks = "1 code block" if count == 1 else f"{count} code blocks"
            self.notify(f"This reply has {blocks}: no block {number}.", timeout=3, markup=False)
