"""Whole conversations: rename, delete and restore, duplicate, export, search.

Dialogs ask (``screens/dialogs.py``, ``screens/search.py``); the store does the work
(``store/trash.py``, ``store/search.py``, ``store/export.py``), in threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.notifications import SeverityLevel

from claude_tui.domain.conversation import READ_ONLY, Conversation
from claude_tui.domain.text import ago, printable
from claude_tui.domain.values import new_id
from claude_tui.store import export
from claude_tui.store.conversations import StoreError
from claude_tui.store.search import SearchHit, search
from claude_tui.store.trash import KEEP_FOR
from claude_tui.tui.screens.dialogs import AskText, Choose, Confirm
from claude_tui.tui.screens.search import SearchScreen

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen

EXPORT_FORMATS = {"md": "Markdown", "json": "JSON"}


class Library:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.services = screen.services

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        """One dialog at a time: a new action replaces one still asking."""
        self.screen.run_worker(work, group="manage", exclusive=True, exit_on_error=False)

    def _tell(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information"
    ) -> None:
        timeout = 10 if severity == "information" else 20
        self.screen.tell(message, title=title, severity=severity, timeout=timeout)

    # -- rename ----------------------------------------------------------------------

    def rename(self) -> None:
        self._run(self._rename())

    async def _rename(self) -> None:
        conversation = self.screen.conversation
        if conversation.read_only:
            self._tell(f"This conversation is read-only: {READ_ONLY}", severity="warning")
            return
        answer = await self.screen.app.push_screen_wait(
            AskText("Rename conversation", "New title:", conversation.title)
        )
        if answer is None:
            return
        title = answer.strip()
        if not title:
            self._tell("A title cannot be empty; the old one is kept.", severity="warning")
            return
        conversation.title = title
        conversation.title_set_by_user = True
        if conversation.messages:  # a new conversation is saved with its first message
            await self.screen.save(conversation)

    # -- delete and restore ------------------------------------------------------------

    def delete(self) -> None:
        self._run(self._delete())

    async def _delete(self) -> None:
        conversation = self.screen.conversation
        if not conversation.messages:
            self._tell("This conversation is empty: there is nothing to delete.")
            return
        if self.screen.session.replying_in(conversation):
            self._tell(
                "Claude is replying in this conversation. Press Escape to stop the reply first.",
                severity="warning",
            )
            return
        days = KEEP_FOR.days
        confirmed = await self.screen.app.push_screen_wait(
            Confirm(
                "Delete conversation",
                f"Delete “{conversation.title}”?\n\nIt goes to the trash, where it is kept for "
                f"{days} days: Ctrl+P → “Restore from trash” brings it back.",
                "Delete",
            )
        )
        if not confirmed or self.screen.session.replying_in(conversation):
            return
        if self.screen.keeper.is_live(conversation.id) and not await self.screen.save(conversation):
            return  # not on disk: deleting would lose it; _save has said why
        try:
            await asyncio.to_thread(self.services.trash.put, conversation.id, self.services.clock())
        except StoreError as error:
            self._tell(
                f"Could not delete “{conversation.title}”: {error}.",
                title="Not deleted",
                severity="error",
            )
            return
        self.screen.keeper.forget(conversation.id)
        ids = self.screen.listed_ids
        position = ids.index(conversation.id) if conversation.id in ids else 0
        self.screen.unlist(conversation.id)
        self._tell(
            f"“{conversation.title}” is in the trash. Ctrl+P → “Restore from trash” "
            "brings it back.",
            title="Deleted",
        )
        remaining = self.screen.listed_ids
        if remaining:
            self.screen.opening.open(remaining[min(position, len(remaining) - 1)])
        else:
            await self.screen.opening.new_now()

    def restore(self) -> None:
        self._run(self._restore())

    async def _restore(self) -> None:
        items = await asyncio.to_thread(self.services.trash.deleted)
        now = self.services.clock()
        options = [
            (
                item.path.name,
                Content.assemble(
                    (printable(item.title).replace("\n", " "), "bold"),
                    "\n",
                    (
                        f"deleted {ago(item.deleted_at, now)} · kept until "
                        f"{item.purge_after():%b %d, %Y}",
                        "$text-muted",
                    ),
                ),
            )
            for item in items
        ]
        chosen = await self.screen.app.push_screen_wait(
            Choose("Restore from trash", options, "The trash is empty.")
        )
        item = next((item for item in items if item.path.name == chosen), None)
        if item is None:
            return
        try:
            conversation_id = await asyncio.to_thread(self.services.trash.restore, item)
            conversation = await self.screen.keeper.load(conversation_id)
        except StoreError as error:
            self._tell(
                f"Could not restore “{item.title}”: {error}.",
                title="Not restored",
                severity="error",
            )
            return
        self.screen.show_in_list(conversation)
        self._tell(f"“{conversation.title}” is back.", title="Restored")
        self.screen.opening.open(conversation_id)

    # -- duplicate ---------------------------------------------------------------------

    async def duplicate(self) -> None:
        source = self.screen.conversation
        if not source.messages:
            self._tell("This conversation is empty: there is nothing to duplicate.")
            return
        now = self.services.clock()
        data: dict[str, Any] = {
            **source.to_dict(),
            "id": new_id(),
            "title": f"{source.title} (copy)",
            "title_set_by_user": True,
        }
        copy = Conversation.from_dict(data)  # a reply still streaming is copied as it is
        copy.created_at = copy.updated_at = now
        await self.screen.save(copy)
        self._tell(f"You are now in “{copy.title}”; the original is unchanged.", title="Duplicated")
        self.screen.opening.open(copy.id)

    # -- export ------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        self._run(self._export(fmt))

    async def _export(self, fmt: str) -> None:
        conversation = self.screen.conversation
        if not conversation.messages:
            self._tell("This conversation is empty: there is nothing to export.")
            return
        default = Path.cwd() / export.default_filename(conversation, fmt)
        answer = await self.screen.app.push_screen_wait(
            AskText(
                f"Export as {EXPORT_FORMATS[fmt]}",
                "Write to this file, or into this folder (an existing file is never overwritten):",
                str(default),
            )
        )
        if not answer or not answer.strip():
            return
        path = export.target(Path(answer.strip()).expanduser(), conversation, fmt)
        attached = {a.digest: a for m in conversation.messages for a in m.attachments}
        files = self.screen.session.attachments  # linked where kept (stat: in a thread)
        uris = await asyncio.to_thread(lambda: {d: files.uri(a) for d, a in attached.items()})
        text = export.render(conversation, fmt, links=lambda a: uris.get(a.digest))
        try:
            written = await asyncio.to_thread(export.write_export, path, text)
        except OSError as error:
            self._tell(
                f"Could not write {path}: {error.strerror or error}.",
                title="Not exported",
                severity="error",
            )
            return
        self._tell(f"Wrote {written}", title="Exported")

    # -- search ------------------------------------------------------------------------

    def search(self) -> None:
        self.screen.app.push_screen(SearchScreen(self._search_messages), self._go_to_hit)

    async def _search_messages(self, query: str, all_branches: bool) -> list[SearchHit]:
        # Conversations in memory that are newer than their files: snapshots taken here,
        # on the event loop, never while a reply changes them.
        live = {c.id: c.to_dict() for c in self.screen.keeper.live}
        return await asyncio.to_thread(
            search,
            self.services.store,
            query,
            self.screen.listed_ids,
            live=live,
            all_branches=all_branches,
        )

    def _go_to_hit(self, hit: SearchHit | None) -> None:
        if hit is not None:
            self.screen.opening.open(hit.conversation_id, at_message=hit.message_id)
