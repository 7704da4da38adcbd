"""What can be done to a message: copy it or a code block of it, edit it, ask again,
switch between its branches, delete it and undo, continue it, see its details.

The log posts what the user asked of the focused message (``MessageLog.Act``); this does
it to the open conversation (the tree's rules are ``domain/branches.py``), saves, and
redraws the log at the same message. Editing puts the message back in the input box with
a banner; sending it then forks the conversation there (see ``Replying.accept``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Static

from claude_tui.domain import branches
from claude_tui.domain.attachments import Attachment
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.sources import cited_markdown
from claude_tui.store import export
from claude_tui.tui.clipboard import Clipboard
from claude_tui.tui.cursor import MessageCursor
from claude_tui.tui.opener import open_files
from claude_tui.tui.screens.dialogs import Confirm
from claude_tui.tui.screens.save_copy import SaveCopyScreen
from claude_tui.tui.widgets.assistant_message import reply_code_blocks
from claude_tui.tui.widgets.message_log import MessageLog
from claude_tui.tui.widgets.message_marks import MessageMarks

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen

UNDO_DEPTH = 20  # deletes remembered for undo, per visit to a conversation


@dataclass(frozen=True)
class Editing:
    """A message of the user's is being edited in the input box."""

    conversation_id: str
    message_id: str
    draft: str  # what the input box held before: Escape gives it back


class MessageActions:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.editing: Editing | None = None
        self.last_copy: str | None = None  # for "Save the last copy to a file"
        self._undo: list[tuple[int, branches.Snapshot]] = []  # (messages, the tree before)
        self._unanswered: set[str] = set()
        self._clipboard: Clipboard | None = None
        # Edits left for another conversation: (the edit, its text, its files)
        self._paused: dict[str, tuple[Editing, str, list[Attachment]]] = {}
        self.cursor = MessageCursor(screen)  # Ctrl+Up, Escape, the menu on Enter

    # What the log draws on each message

    def marks(self, message: Message) -> MessageMarks:
        conversation = self.screen.conversation
        unanswered = message.id in self._unanswered
        gone = self.screen.attaching.missing
        missing = frozenset(a.digest for a in message.attachments if a.digest in gone)
        if not conversation.branches:  # (no need to find where it is)
            return MessageMarks(unanswered=unanswered, missing=missing)
        index = self._index(message)
        if index is None:
            return MessageMarks(missing=missing)
        branch = branches.branch_mark(conversation, index)
        return MessageMarks(branch=branch, unanswered=unanswered, missing=missing)

    def follow(self) -> None:
        """The open conversation changed: redraw the marks that changed with it."""
        screen = self.screen
        conversation = screen.conversation
        unanswered = branches.unanswered(conversation.messages)
        replying = screen.session.replying_in(conversation)
        with contextlib.suppress(NoMatches):
            screen.log_view.changing = replying  # (nothing is changed under a reply)
        if replying:  # its message is being answered
            users = [m for m in conversation.messages if m.role == "user"]
            unanswered.discard(users[-1].id if users else "")
        if unanswered != self._unanswered:
            self._unanswered = unanswered
            with contextlib.suppress(NoMatches):  # (closing: the widgets may be gone)
                screen.log_view.refresh_marks()

    def left(self) -> None:
        """Another conversation is open: an edit ends, undo forgets."""
        self.cancel_edit()
        self._undo.clear()
        self._set_can_undo()

    # Dispatch

    async def act(self, event: MessageLog.Act) -> None:
        handlers: dict[str, Callable[[Message], Coroutine[Any, Any, None]]] = {
            "copy": self.copy,
            "edit": self.edit,
            "regenerate": self.regenerate,
            "delete": self.delete,
            "undo": self.undo,
            "branch_previous": lambda m: self.switch(m, -1),
            "branch_next": lambda m: self.switch(m, 1),
            "details": self.details,
            "open_file": lambda m: open_files(self.screen, m),
            "continue": self.continue_reply,
            "retry": self.regenerate,
        }
        if event.action == "menu":
            self.cursor.menu(event.message)
        elif event.action == "copy_code":
            await self.copy_code(event.message, event.number or 1)
        elif event.action in handlers:
            await handlers[event.action](event.message)

    # Copying

    async def copy_text(self, text: str, what: str) -> None:
        if self._clipboard is None:
            self._clipboard = Clipboard(self.screen.app)
        copied = await self._clipboard.copy(text)
        self.last_copy = text
        hint = (
            "" if copied.tool else " Ctrl+P → “Save the last copy to a file” if it did not arrive."
        )
        self.screen.tell(f"{what}: {copied.words()}{hint}", timeout=6)

    async def copy(self, message: Message) -> None:
        """The message's Markdown source, as it was sent or received (a reply that cites
        sources with its markers, and the sources under it)."""
        await self.copy_text(cited_markdown(message.content) or message.text, "The message")

    async def copy_code(self, message: Message, number: int) -> None:
        blocks = reply_code_blocks(message)
        if not 1 <= number <= len(blocks):
            self.screen.tell(f"This message has no code block {number}.", timeout=4)
            return
        await self.copy_text(blocks[number - 1], f"Code block {number}")

    async def copy_conversation(self) -> None:
        conversation = self.screen.conversation
        await self.copy_text(
            export.to_markdown(conversation, self.screen.meter.prices), "The conversation"
        )

    def save_last_copy(self) -> None:
        if self.last_copy is None:
            self.screen.tell("Nothing was copied yet.", timeout=4)
            return
        self.screen.app.push_screen(SaveCopyScreen(self.last_copy))

    # Changes to the tree

    def _refused(self) -> bool:
        return self.screen.replying.refuse()

    def _index(self, message: Message) -> int | None:
        try:
            return self.screen.conversation.messages.index(message)
        except ValueError:
            return None

    async def _changed(self, at: int | None) -> None:
        """Save the open conversation and draw it again at message ``at``."""
        screen = self.screen
        screen.conversation_changed()
        await screen.save(screen.conversation)
        async with screen.view_lock:
            await screen.draw()
        self.follow()
        messages = screen.conversation.messages
        if at is not None and messages:
            await screen.log_view.focus_message(min(at, len(messages) - 1))

    async def switch(self, message: Message, step: int) -> None:
        index = self._index(message)
        if index is None or self.screen.session.replying_in(self.screen.conversation):
            return
        if branches.switch(self.screen.conversation, index, step):
            await self._changed(index)

    async def regenerate(self, message: Message) -> None:
        """Ask again for this reply (or the reply to this message of yours): the old one
        and what followed it stay, as a branch."""
        index = self._index(message)
        if index is None or self._refused():
            return
        fork_at = index + 1 if message.role == "user" else index
        conversation = self.screen.conversation
        after = len(conversation.messages) - fork_at - (message.role == "assistant")
        if fork_at < len(conversation.messages):
            branches.fork(conversation, fork_at)
        if after > 0:
            self.screen.tell(
                f"The {after} message{'s' if after != 1 else ''} after it are kept on the "
                "other branch: Left / Right on the new reply switches back.",
                timeout=8,
            )
        async with self.screen.view_lock:
            await self.screen.draw()
        self.screen.replying.start(conversation)
        self.screen.prompt.focus()  # as after sending: the reply streams below

    def unanswered_focused(self) -> Message | None:
        """The message with the cursor, if it is one of yours that was never answered, or
        a failed reply before the last message (Ctrl+R asks again for it)."""
        log = self.screen.log_view
        message = log.focused_message if log.has_focus else None
        if message is None or message is self.screen.conversation.messages[-1]:
            return None  # (the last turn: retried as ever)
        failed = message.role == "assistant" and message.status is TurnStatus.FAILED
        return message if failed or message.id in self._unanswered else None

    async def retry(self) -> None:
        """Ctrl+R: send the unanswered message with the cursor again (its failed reply,
        and what followed it, kept as a branch), or else retry the last turn."""
        message = self.unanswered_focused()
        if message is None:
            await self.screen.replying.retry()
        else:
            await self.regenerate(message)

    async def continue_reply(self, message: Message) -> None:
        if message is self.screen.conversation.messages[-1]:
            await self.screen.replying.continue_reply()
        else:
            self.screen.tell("Only the last reply can be continued.", timeout=4)

    async def details(self, message: Message) -> None:
        if message.role == "assistant":
            self.screen.meter.details(message)
        else:
            self.screen.tell("Details are kept for Claude's replies.", timeout=4)

    async def delete(self, message: Message) -> None:
        index = self._index(message)
        if index is None or self._refused():
            return
        count = len(branches.turn_span(self.screen.conversation, index))
        self.screen.run_worker(self._delete(message, count), group="actions")

    async def _delete(self, message: Message, count: int) -> None:
        """Delete ``count`` messages from ``message`` on: more than one, once confirmed."""
        screen = self.screen
        what = _deleted(count)
        if count > 1:
            confirmed = await screen.app.push_screen_wait(
                Confirm("Delete", f"Delete {what}?\n\nu (on a message) undoes it.", "Delete")
            )
            if not confirmed:
                return
        index = self._index(message)
        if index is None or self._refused():
            return
        before = branches.snapshot(screen.conversation)
        branches.delete(screen.conversation, index)
        self._undo = [*self._undo[-UNDO_DEPTH + 1 :], (count, before)]
        self._set_can_undo()
        await self._changed(index)
        screen.tell(f"Deleted {what}. Press u on a message (or Ctrl+P → Undo) to undo.", timeout=6)

    async def undo(self, _: Message | None = None) -> None:
        if not self._undo or self._refused():
            self.screen.tell("Nothing to undo.", timeout=4)
            return
        count, before = self._undo.pop()
        self._set_can_undo()
        branches.restore(self.screen.conversation, before)
        await self._changed(self.screen.log_view.cursor)
        back = "are" if count > 1 else "is"
        self.screen.tell(f"Undone: {_deleted(count)} {back} back.", timeout=4)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def _set_can_undo(self) -> None:
        with contextlib.suppress(NoMatches):
            self.screen.log_view.can_undo = bool(self._undo)

    # Editing

    async def edit(self, message: Message) -> None:
        screen = self.screen
        if self._index(message) is None or message.role != "user" or self._refused():
            return
        prompt = screen.prompt
        draft = self.editing.draft if self.editing is not None else prompt.text
        self._begin_edit(Editing(screen.conversation.id, message.id, draft), message.text)
        screen.attaching.begin_edit(message.attachments)  # its files, as chips
        prompt.focus()

    def _begin_edit(self, editing: Editing, text: str) -> None:
        """The message's text (or the edit so far) in the input box, under the banner."""
        screen = self.screen
        self.editing = editing
        screen.prompt.set_draft(text)
        yours = [m.id for m in screen.conversation.messages if m.role == "user"]
        number = yours.index(editing.message_id) + 1
        self._banner(
            f"Editing your message {number} · Enter sends it as a new branch · Esc cancels"
        )

    def _banner(self, text: str | None) -> None:
        """Show the banner above the input box with ``text``, or remove it (None)."""
        screen = self.screen
        with contextlib.suppress(NoMatches):  # (closing: the widgets may be gone)
            if text is None:
                screen.query_one("#edit-banner").remove()
            elif banners := list(screen.query("#edit-banner").results(Static)):
                banners[0].update(Content(text))
            else:
                banner = Static(Content(text), id="edit-banner")
                screen.query_one("#chat").mount(banner, before=screen.prompt)
        screen.refresh_bindings()

    def cancel_edit(self) -> None:
        """Escape: the draft the input box held comes back."""
        editing, self.editing = self.editing, None
        if editing is not None:
            self._banner(None)
            if editing.conversation_id == self.screen.conversation.id:
                self.screen.prompt.set_draft(editing.draft)
                self.screen.attaching.end_edit()

    def leaving(self) -> None:
        """Another conversation opens: an edit under way waits for this one to come back,
        and the input box holds its draft again (the draft book keeps it)."""
        editing, self.editing = self.editing, None
        if editing is not None:
            attaching = self.screen.attaching
            chips = list(attaching.pending)
            self._paused[editing.conversation_id] = (editing, self.screen.prompt.text, chips)
            self.screen.prompt.set_draft(editing.draft)
            attaching.end_edit()  # the draft's own files, to be kept as its
            self._banner(None)

    def arrived(self, conversation: Conversation) -> None:
        """``conversation`` is open again: its edit goes on where it was left."""
        paused = self._paused.pop(conversation.id, None)
        if paused is None:
            return
        editing, text, chips = paused
        if any(m.id == editing.message_id for m in conversation.messages):
            self._begin_edit(replace(editing, draft=self.screen.prompt.text), text)
            self.screen.attaching.begin_edit(chips)
        elif text.strip():  # its message is gone (another copy deleted it): a draft now
            prompt = self.screen.prompt
            prompt.set_draft(text + (f"\n\n{prompt.text}" if prompt.text else ""))

    def edit_point(self) -> int | None:
        """Where the message being edited is in the open conversation (None: no edit)."""
        editing = self.editing
        if editing is None or editing.conversation_id != self.screen.conversation.id:
            return None
        ids = [m.id for m in self.screen.conversation.messages]
        return ids.index(editing.message_id) if editing.message_id in ids else None

    def take_edit(self, conversation_id: str) -> int | None:
        """Sending now: where the edited message is (its text is replaced there by a new
        branch), or None if no edit is under way (or its message is gone)."""
        editing = self.editing
        if editing is None or editing.conversation_id != conversation_id:
            return None
        point = self.edit_point()
        self.editing = None
        self._banner(None)
        return point


def _deleted(count: int) -> str:
    """What a delete of ``count`` messages (yours and its replies) takes, in words."""
    return "this message and its reply" if count > 1 else "this message"
