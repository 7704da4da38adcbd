"""Keeping many conversations: rename, delete and restore, duplicate, export, search.

The base of :class:`~claude_tui.tui.app.ClaudeTUI` for the actions on whole conversations.
Dialogs ask (``screens/dialogs.py``, ``screens/search.py``); the core does the work
(``core/trash.py``, ``core/search.py``, ``core/export.py``), in threads.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import work
from textual.content import Content
from textual.notifications import SeverityLevel

from claude_tui.domain.conversation import READ_ONLY, Conversation
from claude_tui.domain.text import ago, printable
from claude_tui.domain.values import new_id
from claude_tui.store import export
from claude_tui.store.conversations import StoreError
from claude_tui.store.search import SearchHit, search
from claude_tui.store.trash import KEEP_FOR, Trash
from claude_tui.tui.screens.dialogs import AskText, Choose, Confirm
from claude_tui.tui.screens.search import SearchScreen
from claude_tui.tui.turns import TurnLifecycle

EXPORT_FORMATS = {"md": "Markdown", "json": "JSON"}


class ConversationActions(TurnLifecycle):
    @property
    def trash(self) -> Trash:
        return Trash(self.store)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification of the app (and of its widgets and screens, which hand theirs
        to the app): a conversation's title, a file name or an error in it can never reach
        the terminal as control codes."""
        super().notify(printable(message), title=printable(title), severity=severity,
                       timeout=timeout, markup=markup)

    def _tell(self, message: str, *, title: str = "", severity: str = "information") -> None:
        self.notify(message, title=title, severity=severity,  # type: ignore[arg-type]
                    timeout=10 if severity == "information" else 20, markup=False)

    def _replying_in(self, conversation: Conversation) -> bool:
        turn = self.turn
        return (turn is not None and turn.conversation is conversation) or (
            self._sending is conversation)

    # -- rename ----------------------------------------------------------------------

    @work(group="manage", exclusive=True, exit_on_error=False)
    async def action_rename(self) -> None:
        conversation = self.conversation
        if conversation.read_only:
            self._tell(f"This conversation is read-only: {READ_ONLY}", severity="warning")
            return
        answer = await self.push_screen_wait(
            AskText("Rename conversation", "New title:", conversation.title))
        if answer is None:
            return
        title = answer.strip()
        if not title:
            self._tell("A title cannot be empty; the old one is kept.", severity="warning")
            return
        conversation.title = title
        conversation.title_set_by_user = True
        if conversation.messages:  # a new conversation is saved with its first message
            await self._save(conversation)

    # -- delete and restore ------------------------------------------------------------

    @work(group="manage", exclusive=True, exit_on_error=False)
    async def action_delete(self) -> None:
        conversation = self.conversation
        if not conversation.messages:
            self._tell("This conversation is empty: there is nothing to delete.")
            return
        if self._replying_in(conversation):
            self._tell("Claude is replying in this conversation. Press Escape to stop the "
                       "reply first.", severity="warning")
            return
        days = KEEP_FOR.days
        confirmed = await self.push_screen_wait(Confirm(
            "Delete conversation",
            f"Delete “{conversation.title}”?\n\nIt goes to the trash, where it is kept for "
            f"{days} days: Ctrl+P → “Restore from trash” brings it back.",
            "Delete",
        ))
        if not confirmed or self._replying_in(conversation):
            return
        if self.keeper.is_live(conversation.id) and not await self._save(conversation):
            return  # not on disk: deleting would lose it; _save has said why
        try:
            await asyncio.to_thread(self.trash.put, conversation.id, self.clock())
        except StoreError as error:
            self._tell(f"Could not delete “{conversation.title}”: {error}.",
                       title="Not deleted", severity="error")
            return
        self.keeper.forget(conversation.id)
        ids = self.listed_ids
        position = ids.index(conversation.id) if conversation.id in ids else 0
        self.summaries = [s for s in self.summaries if s.id != conversation.id]
        self._refresh_sidebar()
        self._tell(f"“{conversation.title}” is in the trash. Ctrl+P → “Restore from trash” "
                   "brings it back.", title="Deleted")
        remaining = self.listed_ids
        if remaining:
            self._open(remaining[min(position, len(remaining) - 1)])
        else:
            await self._new_conversation_now()

    @work(group="manage", exclusive=True, exit_on_error=False)
    async def action_restore(self) -> None:
        items = await asyncio.to_thread(self.trash.items)
        now = self.clock()
        options = [
            (item.path.name, Content.assemble(
                (printable(item.title).replace("\n", " "), "bold"), "\n",
                (f"deleted {ago(item.deleted_at, now)} · kept until "
                 f"{item.purge_after():%b %d, %Y}", "dim")))
            for item in items
        ]
        chosen = await self.push_screen_wait(
            Choose("Restore from trash", options, "The trash is empty."))
        item = next((item for item in items if item.path.name == chosen), None)
        if item is None:
            return
        try:
            conversation_id = await asyncio.to_thread(self.trash.restore, item)
            conversation = await self.keeper.load(conversation_id)
        except StoreError as error:
            self._tell(f"Could not restore “{item.title}”: {error}.", title="Not restored",
                       severity="error")
            return
        self._list(conversation)
        self._tell(f"“{conversation.title}” is back.", title="Restored")
        self._open(conversation_id)

    async def _purge_trash(self) -> None:
        await asyncio.to_thread(self.trash.purge, self.clock())

    # -- duplicate ---------------------------------------------------------------------

    async def action_duplicate(self) -> None:
        source = self.conversation
        if not source.messages:
            self._tell("This conversation is empty: there is nothing to duplicate.")
            return
        now = self.clock()
        data: dict[str, Any] = {**source.to_dict(), "id": new_id(),
                                "title": f"{source.title} (copy)", "title_set_by_user": True}
        copy = Conversation.from_dict(data)  # a reply still streaming is copied as it is
        copy.created_at = copy.updated_at = now
        await self._save(copy)
        self._tell(f"You are now in “{copy.title}”; the original is unchanged.",
                   title="Duplicated")
        self._open(copy.id)

    # -- export ------------------------------------------------------------------------

    @work(group="manage", exclusive=True, exit_on_error=False)
    async def action_export(self, fmt: str) -> None:
        conversation = self.conversation
        if not conversation.messages:
            self._tell("This conversation is empty: there is nothing to export.")
            return
        default = Path.cwd() / export.default_filename(conversation, fmt)
        answer = await self.push_screen_wait(AskText(
            f"Export as {EXPORT_FORMATS[fmt]}",
            "Write to this file (an existing file is never overwritten):", str(default)))
        if not answer or not answer.strip():
            return
        path = Path(answer.strip()).expanduser()
        text = export.to_markdown(conversation) if fmt == "md" else export.to_json(conversation)
        try:
            written = await asyncio.to_thread(export.write_export, path, text)
        except OSError as error:
            self._tell(f"Could not write {path}: {error.strerror or error}.",
                       title="Not exported", severity="error")
            return
        self._tell(f"Wrote {written}", title="Exported")

    # -- search ------------------------------------------------------------------------

    def action_search(self) -> None:
        self.push_screen(SearchScreen(self._search_messages), self._go_to_hit)

    async def _search_messages(self, query: str) -> list[SearchHit]:
        # Conversations in memory that are newer than their files: snapshots taken here,
        # on the event loop, never while a reply changes them.
        live = {c.id: c.to_dict() for c in self.keeper.live}
        return await asyncio.to_thread(search, self.store, query, self.listed_ids, live=live)

    def _go_to_hit(self, hit: SearchHit | None) -> None:
        if hit is not None:
            self._open(hit.conversation_id, at_message=hit.message_id)
