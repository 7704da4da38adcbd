"""One turn's whole lifecycle, for the app and the command line alike (no Textual here).

A turn goes: the user's message is accepted (appended and pinned in memory, so nothing can
lose it); it is saved before any request goes out; the reply streams into a :class:`Turn`,
saved every ``CHECKPOINT_SECONDS`` on a timer (also while the stream stalls); and however
the turn ends (finished, failed, stopped, cancelled, closed), the reply gets its final
status and one last save. :meth:`ChatSession.run_turn` yields what happens, for the app and
the console to show each in its own way::

    async with contextlib.aclosing(session.run_turn(conversation)) as updates:
        async for update in updates:
            ...
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from claude_tui.api.client import ClaudeClient
from claude_tui.api.request import placed_attachments, request_summary, with_attachments
from claude_tui.domain.attachments import Attachment
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.errors import unexpected
from claude_tui.domain.events import Retrying, StreamEvent
from claude_tui.domain.message import Message
from claude_tui.domain.turn import CHECKPOINT_SECONDS, Turn
from claude_tui.store.attachments import AttachmentStore
from claude_tui.store.conversations import StoreError
from claude_tui.store.keeper import ConversationKeeper

MAX_AUTO_CONTINUES = 8
"""How many times a reply paused by the API (``pause_turn``) goes on by itself."""


@dataclass(frozen=True)
class TurnStarted:
    """The reply exists: ``turn.message`` is appended to the conversation (streaming)."""

    turn: Turn


@dataclass(frozen=True)
class NotSent:
    """The user's message could not be saved, so nothing was sent; the message stays in
    memory, unpinned (the keeper lists it as unsaved)."""

    error: StoreError


@dataclass(frozen=True)
class TurnEnded:
    """The reply has its final status and the final save was tried (``saved``; if not,
    ``error`` says why)."""

    turn: Turn
    saved: bool
    error: StoreError | None = None


# Every stream event but Retrying is already applied to the turn when it is yielded.
TurnUpdate = TurnStarted | NotSent | TurnEnded | StreamEvent


def _nothing(conversation: Conversation) -> None:
    """The default ``on_merged``: nobody to tell."""


@dataclass(eq=False)
class _Run:
    """The turn under way, from ``accept`` (or ``run_turn``'s start) until its final save."""

    conversation: Conversation
    task: asyncio.Task[object] | None = None  # the task running run_turn
    turn: Turn | None = None
    halt: asyncio.Event = field(default_factory=asyncio.Event)  # ends the checkpoints
    checkpoints: asyncio.Task[None] | None = None
    ending: asyncio.Task[tuple[bool, StoreError | None]] | None = None  # the final save


class ChatSession:
    """One lifecycle of a turn, for the app and the command line alike.

    One turn at a time. ``on_merged`` is called when a save (a checkpoint or the final
    one) merged in another copy's messages; it must not raise.
    """

    def __init__(
        self,
        client: ClaudeClient,
        keeper: ConversationKeeper,
        *,
        on_merged: Callable[[Conversation], None] = _nothing,
    ) -> None:
        self.client = client
        self.keeper = keeper
        self.attachments = AttachmentStore(keeper.store.root)
        self.on_merged = on_merged
        self._run: _Run | None = None
        self._last_open_lock = asyncio.Lock()

    @property
    def turn(self) -> Turn | None:
        """The reply streaming now, if any (None again once it is ending)."""
        run = self._run
        return run.turn if run is not None and run.ending is None else None

    @property
    def busy(self) -> bool:
        """A message is accepted and its turn has not ended (its final save not landed)."""
        return self._run is not None

    def replying_in(self, conversation: Conversation) -> bool:
        """Is the turn under way (from its message's acceptance to its end) in this one?"""
        return self._run is not None and self._run.conversation is conversation

    def accept(
        self, conversation: Conversation, text: str, attachments: Sequence[Attachment] = ()
    ) -> Message:
        """Append the user's message (its text, and its files, kept already in
        ``attachments/``) and pin the conversation in the keeper, so nothing can lose it;
        no I/O (``run_turn`` saves it before any request goes out)."""
        if self._run is not None:
            raise RuntimeError("a turn is under way: one at a time")
        message = Message.user(text, attachments)
        conversation.append(message)
        self.keeper.pin(conversation)
        self._run = _Run(conversation)
        return message

    async def remember_open(self, conversation_id: str | None) -> None:
        """Make this the conversation used last (for ``-c`` and the next launch): written in
        a thread, one write at a time, so the newest call lands last. A convenience: it
        never fails a turn."""
        async with self._last_open_lock:
            with contextlib.suppress(OSError):
                await asyncio.to_thread(self.keeper.store.set_last_open, conversation_id)

    async def run_turn(
        self, conversation: Conversation, *, continuing: bool = False
    ) -> AsyncGenerator[TurnUpdate, None]:
        """Save the conversation (its new message), stream the reply, end the turn.

        Yields NotSent (and stops) if the save fails; else TurnStarted, every stream event,
        and TurnEnded after the final save, unless the generator was cancelled or closed
        (the turn then still ends: stopped, and saved). ``continuing``: the reply is the
        conversation's last message, which goes on (Continue after a max_tokens stop). A
        reply paused by the API (``pause_turn``) goes on by itself.
        """
        run = self._begin(conversation)
        try:
            try:
                if await self.keeper.save(conversation):  # on disk before the request
                    self.on_merged(conversation)
            except StoreError as error:
                self._settle(run)
                yield NotSent(error)
                return
            await self.remember_open(conversation.id)
            request = await self._request(conversation, continuing=continuing)
            resume = conversation.messages[-1] if continuing else None
            run.turn = turn = Turn(conversation, resume=resume)
            turn.message.request = request_summary(request)
            run.checkpoints = asyncio.create_task(self._checkpoint(turn, run.halt))
            try:
                yield TurnStarted(turn)
                for _leg in range(1 + MAX_AUTO_CONTINUES):
                    events = cast(AsyncGenerator[StreamEvent, None], self.client.send(request))
                    async with contextlib.aclosing(events):
                        async for event in events:
                            if not isinstance(event, Retrying):
                                turn.apply(event)
                            yield event
                    if turn.message.stop_reason != "pause_turn":
                        break
                    request = await self._request(conversation, continuing=True)
                    turn = turn.resumed()
                    run.turn = turn
            except Exception as error:  # a bug of ours: keep the text, say what happened
                turn.fail(unexpected(error))
            finally:
                saved, save_error = await asyncio.shield(self._ending(run))
            yield TurnEnded(turn, saved, save_error)
        finally:
            if run.turn is None:  # cancelled before the reply began: only let go of it
                self._settle(run)

    async def _request(self, conversation: Conversation, *, continuing: bool) -> dict[str, Any]:
        """The request for the conversation as it stands, its files read in a thread."""
        request = self.client.request_for(conversation, continuing=continuing)
        if placed_attachments(request):
            request = await asyncio.to_thread(with_attachments, request, self.attachments.read)
        return request

    def _begin(self, conversation: Conversation) -> _Run:
        run = self._run
        if run is None:  # a retry: no message was accepted for this turn
            run = self._run = _Run(conversation)
        elif run.conversation is not conversation or run.task is not None:
            raise RuntimeError("a turn is under way: one at a time")
        run.task = asyncio.current_task()
        self.keeper.pin(conversation)
        return run

    def _settle(self, run: _Run) -> None:
        """The turn is over (or never began): unpin its conversation."""
        self.keeper.unpin(run.conversation)
        if self._run is run:
            self._run = None

    async def _checkpoint(self, turn: Turn, halt: asyncio.Event) -> None:
        """Save the growing reply every CHECKPOINT_SECONDS if it changed, until halted."""
        saved = turn.revision
        while not halt.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(halt.wait(), CHECKPOINT_SECONDS)
            if not halt.is_set() and turn.revision != saved:
                saved = turn.revision
                with contextlib.suppress(StoreError):  # the final save says so
                    if await self.keeper.save(turn.conversation):
                        self.on_merged(turn.conversation)

    def _ending(self, run: _Run) -> asyncio.Task[tuple[bool, StoreError | None]]:
        """The end of ``run``'s turn, started once, however the turn ended."""
        if run.ending is None:
            run.halt.set()
            run.ending = asyncio.ensure_future(self._end(run))
        return run.ending

    async def _end(self, run: _Run) -> tuple[bool, StoreError | None]:
        """Give the reply its final status and save it: (saved, why not)."""
        assert run.turn is not None
        try:
            if run.checkpoints is not None:
                await asyncio.wait([run.checkpoints])  # a checkpoint in flight lands first
            run.turn.stop()  # no-op when the stream gave its verdict
            self.keeper.unpin(run.conversation)
            try:
                if await self.keeper.save(run.conversation):
                    self.on_merged(run.conversation)
            except StoreError as error:
                return False, error
            return True, None
        finally:
            self._settle(run)

    async def stop(self, closing: bool = False) -> None:
        """Stop the turn under way and return once its final save has landed.

        ``closing``: the app is closing, so the reply is marked interrupted rather than
        stopped by the user. Cancels the task running ``run_turn`` (not to be called from
        it). Idle, this does nothing; with a message accepted and no ``run_turn`` started,
        it only unpins the conversation.
        """
        run = self._run
        if run is None:
            return
        if closing and run.turn is not None:
            run.turn.interrupt()
        task = run.task
        if task is not None and not task.done():
            if task is asyncio.current_task():
                raise RuntimeError("stop() from inside run_turn: leave the loop instead")
            task.cancel()
            await asyncio.wait([task])
        if run.turn is not None:  # (also when its task died before it could end the turn)
            await asyncio.shield(self._ending(run))
        else:
            self._settle(run)
