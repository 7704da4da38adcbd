"""Every few seconds: save what could not be saved, and follow what another copy of
claude-tui saved (the open conversation's file, conversations created or deleted)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerCancelled, WorkerFailed

from claude_tui.store import conflicts
from claude_tui.store.conversations import ConversationUnreadable, StoreError

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen


class DiskWatch:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.worker: Worker[None] | None = None

    def check(self) -> None:
        if self.worker is None or self.worker.is_finished:
            self.worker = self.screen.run_worker(self._check(), group="disk", exit_on_error=False)

    async def finish(self) -> None:
        """Let a check under way end (quitting): a file it set aside is saved again
        before the app goes."""
        worker = self.worker
        if worker is not None and not worker.is_finished:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()

    async def _check(self) -> None:
        await self.catch_up()
        await self.reload_if_changed()
        await self.relist_if_changed()

    async def catch_up(self) -> None:
        """Save what is only in memory because a save failed (a full or read-only disk),
        now that it may succeed; say so when it does."""
        screen = self.screen
        for conversation in screen.keeper.unsaved:
            try:
                merged = await screen.keeper.save(conversation)
            except StoreError:
                return  # not yet: the failure was said when it happened
            if merged:
                screen.merged(conversation)
            screen.tell(f"“{conversation.title}” is saved now.", title="Saved", timeout=6)
        if screen.drafts.unsaved:
            await screen.save_drafts()

    async def reload_if_changed(self) -> None:
        """The open conversation's file changed (another copy of the app wrote it) and
        nothing here is unsaved: show the file as it is now."""
        screen = self.screen
        conversation = screen.conversation
        keeper = screen.keeper
        if screen.session.busy or keeper.is_live(conversation.id) or not conversation.messages:
            return
        if not await asyncio.to_thread(keeper.changed_on_disk, conversation.id):
            return
        try:
            fresh = await keeper.load(conversation.id)  # not live: read from the file
        except ConversationUnreadable as error:  # broken from outside, and set aside
            keeper.mark(conversation)  # unsaved from now on: quitting saves it too
            saved = await screen.save(conversation)  # said only once it is so
            then = (
                "The copy on screen is saved in its place."
                if saved
                else "The copy on screen is kept, and saved as soon as the disk allows."
            )
            screen.tell(
                f"{error}. {then}",
                title="Conversation file not read",
                severity="warning",
                timeout=15,
            )
            return
        except StoreError:
            return  # gone: what is on screen stays, and is saved if continued
        async with screen.view_lock:
            if (
                screen.conversation is not conversation
                or screen.session.busy
                or (fresh is conversation)
            ):
                return
            screen.opening.show(fresh)
            await screen.draw()
        screen.show_in_list(fresh)
        screen.tell(
            f"“{fresh.title}” was changed by another claude-tui; this is it now.",
            title="Updated",
            timeout=6,
        )

    async def relist_if_changed(self) -> None:
        """Conversations another copy created or deleted: the list follows the folder
        (whose modification time changes with each file added, replaced or removed)."""
        screen = self.screen
        opening = screen.opening
        if screen.session.busy or not opening.listed:
            return  # streaming (each checkpoint changes the folder), or not listed yet
        store = screen.services.store
        stamp = await asyncio.to_thread(store.folder_stamp)
        if stamp == opening.listed_stamp:
            return
        opening.listed_stamp = stamp
        now = screen.services.clock()  # (a sync tool's conflict copy that came is merged)
        summaries, notices = await asyncio.to_thread(conflicts.listing, store, now)
        opening.take(summaries, replace=True)
        opening.tell_set_aside(notices)
