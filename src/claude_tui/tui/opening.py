"""Opening conversations: the list at start, a switch, a new conversation, stepping
through the list. A newer request supersedes an older one still loading; the log is
rebuilt under the screen's ``view_lock``."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker

from claude_tui.api.client import preload_sdk
from claude_tui.domain import branches
from claude_tui.domain.conversation import (
    READ_ONLY,
    Conversation,
    ConversationSummary,
    newest_first,
)
from claude_tui.domain.values import SchemaError
from claude_tui.store import conflicts
from claude_tui.store.conversations import (
    ConversationGone,
    ConversationUnreadable,
    StoreError,
)
from claude_tui.store.lookup import most_recently_used
from claude_tui.tui.submit import Submitted

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen

WELCOME = "Start a conversation: type below and press Enter.  F1 lists every key."


MODELS_CHECK_SECONDS = 3600.0  # how often the model list's age is checked (it lasts a day)


class Opening:
    class SdkLoaded(Message):
        """The SDK is imported (the app may now freeze what exists out of collections)."""

    def __init__(self, screen: ChatScreen, *, prompt: str | None, resume: bool) -> None:
        self.screen = screen
        self.services = screen.services
        self.initial_prompt = prompt  # send this at once (``claude-tui "question"``)
        self.resume = resume  # into (or just open) the conversation used last
        self.requests = 0  # a newer open supersedes an older one still loading
        self.heading_to: str | None = None  # the conversation a switch is loading
        self.listed = False  # the startup listing is done
        self.listed_stamp: int | None = None  # the conversations folder when last listed

    # -- one conversation ------------------------------------------------------------

    def open(
        self, conversation_id: str, at_startup: bool = False, at_message: str | None = None
    ) -> Worker[None]:
        """Show a conversation (scrolled to ``at_message``, if given)."""
        return self.screen.run_worker(
            self._open(conversation_id, at_startup, at_message), group="open", exit_on_error=False
        )

    async def _open(self, conversation_id: str, at_startup: bool, at_message: str | None) -> None:
        screen = self.screen
        self.requests += 1
        request = self.requests
        try:
            conversation = await screen.keeper.load(conversation_id)
        except StoreError as error:
            if request == self.requests:
                self.heading_to = None
            screen.tell(str(error), title="Cannot open", severity="error")
            if isinstance(error, ConversationGone | ConversationUnreadable):
                screen.unlist(conversation_id)
            return
        async with screen.view_lock:
            if request != self.requests:
                return
            if conversation_id == screen.conversation.id and at_message is None:
                return
            self.heading_to = None
            if at_startup and screen.conversation.messages:
                return  # the user started a conversation while the list loaded
            self.show(conversation, carry=at_startup)
            # A message in another branch: that branch is shown (and remembered)
            revealed = at_message is not None and branches.reveal(conversation, at_message)
            at = next((n for n, m in enumerate(conversation.messages) if m.id == at_message), None)
            await screen.draw(at)
        if revealed:
            await screen.save(conversation)
        if conversation.read_only:
            screen.tell(
                f"“{conversation.title}” is shown read-only: {READ_ONLY}",
                title="Read-only",
                severity="warning",
                timeout=10,
            )
        await self.services.session.remember_open(conversation.id)  # reopened next launch

    def show(self, conversation: Conversation, carry: bool = False) -> None:
        """Make ``conversation`` the open one; unsent text stays with the one it was typed
        in (with ``carry``, at start, it comes along). Hold ``view_lock``."""
        screen = self.screen
        prompt = screen.prompt
        if carry:
            if not prompt.text:
                prompt.set_draft(screen.drafts.claim(conversation))
        elif conversation is not screen.conversation:
            screen.actions.leaving()  # an edit under way waits; its draft is swapped
            prompt.set_draft(screen.drafts.swap(screen.conversation, prompt.text, conversation))
        before, screen.conversation = screen.conversation, conversation
        if conversation is not before:
            screen.actions.arrived(conversation)  # (an edit left here goes on)

    async def new_now(self) -> None:
        """A new conversation, unless the open one has no message yet."""
        screen = self.screen
        async with screen.view_lock:
            self.requests += 1  # a switch still loading is superseded
            self.heading_to = None
            if screen.conversation.messages:
                self.show(screen.new_conversation())
                await screen.draw()
        screen.prompt.focus()

    def step(self, step: int) -> None:
        """Open the next (1) or previous (-1) conversation of the list as shown."""
        ids = self.screen.sidebar.conversation_ids  # filtered, if it is
        if not ids:
            return
        current = self.heading_to or self.screen.conversation.id  # quick presses add up
        if current in ids:
            index = (ids.index(current) + step) % len(ids)
        else:
            index = 0 if step > 0 else len(ids) - 1
        self.heading_to = ids[index]
        self.open(ids[index])

    async def owner(self, owner: str | None) -> Conversation | None:
        """The conversation a submission was typed in, loaded if need be."""
        screen = self.screen
        if owner is None or owner == screen.conversation.id:
            return screen.conversation
        if owner in screen.listed_ids:
            with contextlib.suppress(StoreError):
                return await screen.keeper.load(owner)
        return None

    # -- the list ----------------------------------------------------------------------

    def load_list(self) -> Worker[None]:
        # The function, not a coroutine made now: an app that quits before the worker
        # starts leaves no coroutine never awaited behind.
        return self.screen.run_worker(self._load_list, group="load", exit_on_error=False)

    async def _load_list(self) -> None:
        """The list from the index at once, then checked against the files; then the
        conversation used last, or the prompt given on the command line."""
        screen, store = self.screen, self.services.store
        stamp = await asyncio.to_thread(store.folder_stamp)
        indexed, cached = await asyncio.to_thread(store.indexed_summaries)
        last_open = await asyncio.to_thread(store.last_open)
        await self._load_drafts()
        if indexed:
            self.take(indexed)
        # (sync tools' conflict copies merged first: the list then shows the merged files)
        summaries, notices = await asyncio.to_thread(
            conflicts.listing, store, self.services.clock(), cached
        )
        self.listed_stamp = stamp  # read before the listing: no change can slip between
        self.listed = True
        self.take(summaries, replace=True)
        self.tell_set_aside(notices)
        last_used = most_recently_used(last_open, screen.listed_ids)
        if self.initial_prompt is not None:
            prompt, self.initial_prompt = self.initial_prompt, None
            if self.resume and last_used is not None:
                await self.open(last_used, at_startup=True).wait()
            await screen.replying.accept(Submitted(prompt, screen.conversation.id))
        elif last_used is not None and not screen.conversation.messages:
            self.open(last_used, at_startup=True)
        else:
            async with screen.view_lock:
                self.show(screen.conversation, carry=True)
        screen.drafts_changed()  # text typed while loading is saved with the rest
        # Only now: importing the SDK in a thread takes seconds of the interpreter's lock,
        # which slowed reading the list three-fold when both ran at once.
        screen.run_worker(self._preload_sdk(), group="preload", exit_on_error=False)
        screen.run_worker(
            asyncio.to_thread(self.services.trash.purge, self.services.clock()),
            group="purge",
            exit_on_error=False,
        )

    async def _load_drafts(self) -> None:
        drafts = self.services.drafts
        try:
            saved, files = await asyncio.to_thread(drafts.store.read)
        except SchemaError as error:  # moved aside, or the next save would overwrite it
            notice = await asyncio.to_thread(
                self.services.store.set_aside, drafts.store.path, error
            )
            self.screen.tell(
                notice.message, title="Drafts not read", severity="warning", timeout=15
            )
            saved, files = {}, {}
        drafts.take(saved)
        self.screen.attaching.restore(files)

    async def _preload_sdk(self) -> None:
        await asyncio.to_thread(preload_sdk)
        self.screen.post_message(self.SdkLoaded())
        await self.read_models()
        self.screen.set_interval(MODELS_CHECK_SECONDS, self.read_models)

    async def read_models(self, *, refresh: bool = False) -> None:
        """The model list: the cached one while under a day old, else the API's (saved in
        the cache), else the offline list. Never fails."""
        services = self.services
        self.screen.catalog = await services.client.catalog(
            services.models, now=services.clock(), refresh=refresh
        )

    def take(self, summaries: list[ConversationSummary], replace: bool = False) -> None:
        """Show what was read from the disk, merged with what is listed already (this copy
        may have saved meanwhile): the newer of two summaries wins, the disk's if they are
        as new. With ``replace`` (the listing checked against the files), a conversation
        the disk no longer has is dropped, unless it is open or only in memory."""
        screen = self.screen
        keeper = screen.keeper
        listed = {s.id: s for s in summaries}
        for mine in screen.summaries:
            theirs = listed.get(mine.id)
            if theirs is None:
                if not replace or keeper.is_live(mine.id) or mine.id == screen.conversation.id:
                    listed[mine.id] = mine
            elif mine.updated_at > theirs.updated_at or keeper.is_live(mine.id):
                listed[mine.id] = mine
        screen.sidebar.loading = False
        screen.summaries = newest_first(listed.values())

    def tell_set_aside(self, notices: list[conflicts.Notice]) -> None:
        """What the listing merged (sync conflict copies) or set aside (unreadable files)."""
        for notice in notices:
            if isinstance(notice, conflicts.ConflictNotice) and notice.failed is None:
                self.screen.tell(notice.message, title="Sync conflict merged", timeout=15)
                continue
            title = "Conversation file not read"
            if isinstance(notice, conflicts.ConflictNotice):
                title = "Sync conflict not merged"
            self.screen.tell(notice.message, title=title, severity="warning", timeout=15)
