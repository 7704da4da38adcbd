"""The turn lifecycle: accept a message, save it, stream the reply, end the turn.

One reply streams at a time. A conversation is pinned in memory from the moment its
message is accepted until its turn ends, so opening it always finds the copy the reply
is streaming into; the reply is checkpointed every second and saved when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib

from textual import on, work
from textual.notifications import SeverityLevel
from textual.worker import WorkerCancelled, WorkerError, WorkerFailed

from claude_tui.domain.conversation import READ_ONLY, Conversation
from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.events import Finished, MessageStarted, Retrying, UsageUpdated
from claude_tui.domain.message import Message
from claude_tui.domain.turn import CHECKPOINT_SECONDS, Turn
from claude_tui.store.conversations import (
    StoreError,
)
from claude_tui.tui.state import NO_KEY, ChatState
from claude_tui.tui.widgets.prompt_input import PromptInput


class TurnLifecycle(ChatState):
    # -- turns -----------------------------------------------------------------------

    def _refuse(self, text: str | None = None) -> bool:
        """Say why nothing can be sent now (handing back ``text``); False if it can."""
        severity: SeverityLevel
        if self.busy:
            message = "Claude is still replying. Press Escape to stop it first."
            severity = "warning"
        elif not self.client.has_credentials:
            message, severity = NO_KEY, "error"
        elif self.conversation.read_only:
            message, severity = f"This conversation is read-only: {READ_ONLY}", "warning"
        else:
            return False
        if text is not None:
            self.chat.prompt.give_back(text)
        self.notify(message, severity=severity, timeout=10, markup=False)
        return True

    @on(PromptInput.Submitted)
    async def _submitted(self, event: PromptInput.Submitted) -> None:
        if self.chat.prompt.acknowledge(event):  # not already taken by _after_typed_keys
            await self._accept(event)

    async def _accept(self, event: PromptInput.Submitted) -> None:
        async with self._view_lock:  # no switch can happen between the check and the append
            if event.owner is not None and event.owner != self.conversation.id:
                # Enter and a switch arrived together: never send into the wrong one
                slot = event.owner if event.owner in self.listed_ids else ""
                self._drafts[slot] = event.text + self._drafts.get(slot, "")
                self.notify("Not sent: the conversation changed as you pressed Enter. The "
                            "message is back in the input box of the conversation you wrote "
                            "it in.", severity="warning", timeout=10, markup=False)
                return
            if self._refuse(event.text):
                return
            conversation = self.conversation
            message = Message.user(event.text)
            conversation.append(message)
            self._start_sending(conversation)  # in memory first: nothing can lose it now
            await self.chat.log_view.add_message(message)

    async def action_retry(self) -> None:
        if not self._refuse() and self.conversation.can_retry:
            self._start_sending(self.conversation)

    def _start_sending(self, conversation: Conversation) -> None:
        # Pinned from now until the turn ends: opening it always finds this very copy.
        self.keeper.pin(conversation)
        self._sending = conversation
        self._turn_worker = self._converse(conversation)

    @work(group="turn", exit_on_error=False)
    async def _converse(self, conversation: Conversation) -> None:
        """Save the user's message, then stream the reply into the conversation."""
        self._refresh_status()
        if not await self._save(conversation):  # on disk before the request goes out
            self.keeper.unpin(conversation)
            self._sending = None
            self.notify("Your message was not sent because it could not be saved. It is "
                        "kept here: press Ctrl+R to send it once the disk can be written.",
                        title="Not sent", severity="error", timeout=20, markup=False)
            self._refresh_status()
            return
        await self._remember_open(conversation.id)
        async with self._view_lock:
            turn = Turn(conversation)
            self.turn = turn
        stop_checkpoints = asyncio.Event()
        checkpoints = asyncio.create_task(self._checkpoint(turn, stop_checkpoints))
        try:
            async with self._view_lock:
                if self.conversation is conversation:  # (a rebuild may have drawn it)
                    await self.chat.log_view.add_message(turn.message)
            self._refresh_status()
            self._refresh_sidebar()
            async for event in self.client.stream(conversation):
                if isinstance(event, Retrying):
                    self._show_retry(event)
                    continue
                if self._retrying is not None:
                    self._show_retry(None)
                turn.apply(event)
                if self.conversation is conversation:
                    await self.chat.log_view.sync_message(turn.message.id)
                    if isinstance(event, MessageStarted | UsageUpdated | Finished):
                        self._refresh_status()
        except asyncio.CancelledError:
            turn.stop()
            raise
        except Exception as error:  # a bug of ours: keep the text, say what happened
            turn.fail(ErrorInfo(kind="unexpected", title="Something unexpected went wrong.",
                                detail=f"{type(error).__name__}: {error}",
                                hint="The text that arrived is kept."))
        finally:
            stop_checkpoints.set()
            await asyncio.shield(self._end_turn(turn, checkpoints))

    async def _checkpoint(self, turn: Turn, stop: asyncio.Event) -> None:
        """Save the growing reply every so often while it streams."""
        saved = turn.revision
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CHECKPOINT_SECONDS)
            if not stop.is_set() and turn.revision != saved:
                saved = turn.revision
                with contextlib.suppress(StoreError):  # the final save will say so
                    if await self.keeper.save(turn.conversation):
                        self._merged(turn.conversation)

    async def _end_turn(self, turn: Turn, checkpoints: asyncio.Task[None] | None = None) -> None:
        """Give the reply its final status and save it (once, however the turn ended)."""
        if checkpoints is not None:
            await asyncio.wait([checkpoints])  # a checkpoint in flight lands first
        if self.turn is not turn:
            return
        turn.stop()  # no-op unless the stream ended without a verdict
        self.turn = None
        if self._retrying is not None:
            self._show_retry(None)
        self._sending = None
        self.keeper.unpin(turn.conversation)
        await self._save(turn.conversation)
        if self.conversation is turn.conversation:
            await self.chat.log_view.sync_message(turn.message.id)
        self._refresh_status()
        self._refresh_sidebar()

    async def action_stop(self) -> None:
        await self._stop_turn()

    async def _stop_turn(self, closing: bool = False) -> None:
        worker = self._turn_worker
        if closing and self.turn is not None:
            self.turn.interrupt()  # not "stopped by you": the app was closed
        if worker is not None and not worker.is_finished:
            worker.cancel()
            with contextlib.suppress(WorkerCancelled, WorkerFailed, WorkerError):
                await worker.wait()
        if self.turn is not None:  # cancelled before it could finish the turn itself
            await self._end_turn(self.turn)
        elif self._sending is not None:  # cancelled before it could even start
            self.keeper.unpin(self._sending)
            self._sending = None

