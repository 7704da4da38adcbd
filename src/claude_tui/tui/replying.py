"""A turn on screen: take a submitted message, run the turn through the ChatSession in a
worker, and show each update: the reply in the log, the countdown of a retry, the ending.

One reply streams at a time. The session pins the conversation from the moment its
message is accepted until its turn ends, so opening it always finds the copy the reply
is streaming into.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.worker import Worker

from claude_tui.domain import branches
from claude_tui.domain.conversation import READ_ONLY, Conversation
from claude_tui.domain.errors import NO_API_KEY
from claude_tui.domain.events import Finished, MessageStarted, Retrying, UsageUpdated
from claude_tui.domain.message import Message
from claude_tui.session import NotSent, TurnEnded, TurnStarted
from claude_tui.tui.drafts import NEW
from claude_tui.tui.keying import REFUSED_REASON, Keying
from claude_tui.tui.submit import Submitted

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen

NO_KEY = (
    f"{NO_API_KEY.title} Type /key to paste one (or Ctrl+P, “Set API key…”). Saved "
    "conversations can still be read."
)


class Replying:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.session = screen.session
        self.worker: Worker[None] | None = None
        self._retry_timer: Timer | None = None

    def refuse(self, text: str | None = None) -> bool:
        """Say why nothing can be sent now (handing back ``text``); False if it can."""
        screen = self.screen
        severity: SeverityLevel
        if self.session.busy:
            message = "Claude is still replying. Press Escape to stop it first."
            severity = "warning"
        elif not screen.services.client.has_credentials:
            message, severity = NO_KEY, "error"
        elif screen.conversation.read_only:
            message, severity = f"This conversation is read-only: {READ_ONLY}", "warning"
        else:
            return False
        if text is not None:
            screen.prompt.give_back(text)
        screen.tell(message, severity=severity, timeout=10)
        return True

    async def accept(self, submitted: Submitted) -> None:
        """Send a submitted message, in the conversation it was typed in or not at all."""
        screen = self.screen
        async with screen.view_lock:  # no switch can happen between the check and the append
            if submitted.owner is not None and submitted.owner != screen.conversation.id:
                # Enter and a switch arrived together: never send into the wrong one
                screen.drafts.put_back(self.refused_owner(submitted.owner), submitted.text)
                screen.tell(
                    "Not sent: the conversation changed as you pressed Enter. The "
                    "message is back in the input box of the conversation you "
                    "wrote it in.",
                    severity="warning",
                    timeout=10,
                )
                return
            if self.refuse(submitted.text):
                return
            # Its @paths and chips read and checked against the model (refused: all kept)
            outgoing = await screen.attaching.prepare(submitted.text)
            if outgoing is None or self.refuse(submitted.text):
                return
            conversation = screen.conversation
            fork_at = screen.actions.take_edit(conversation.id)  # an edited message
            if fork_at is not None:  # the old one, and what followed it, become a branch
                branches.fork(conversation, fork_at)
            # nothing can lose it from here
            message = self.session.accept(conversation, outgoing.text, outgoing.attachments)
            screen.attaching.sent(outgoing)
            self.start(conversation)
            if fork_at is None:
                await screen.log_view.add_message(message)
            else:
                await screen.draw()

    async def retry(self) -> None:
        if not self.refuse() and self.screen.conversation.can_retry:
            self.start(self.screen.conversation)

    async def continue_reply(self) -> None:
        """Go on with the last reply (cut at its token limit, or paused): what comes is
        joined onto it, on screen and on disk."""
        if not self.refuse() and self.screen.conversation.can_continue:
            self.start(self.screen.conversation, continuing=True)

    def start(self, conversation: Conversation, *, continuing: bool = False) -> None:
        self.worker = self.screen.run_worker(
            self._run(conversation, continuing), group="turn", exit_on_error=False
        )
        self.screen.conversation_changed()

    async def _run(self, conversation: Conversation, continuing: bool = False) -> None:
        """Run the turn and show it; however it ends, the screen catches up."""
        screen = self.screen
        reply: Message | None = None
        told = False  # that the final save failed
        turn = self.session.run_turn(conversation, continuing=continuing)
        try:
            async with contextlib.aclosing(turn) as updates:
                async for update in updates:
                    if isinstance(update, TurnStarted):
                        reply = update.turn.message
                        await self._started(conversation, reply)
                    elif isinstance(update, NotSent):
                        self._not_sent()
                        told = True
                    elif isinstance(update, Retrying):
                        self._show_retry(update)
                    elif isinstance(update, TurnEnded):
                        if update.error is not None:
                            screen.not_saved(update.error)
                            told = True
                    else:
                        if screen.retry is not None:
                            self._show_retry(None)
                        if screen.conversation is conversation and reply is not None:
                            await screen.log_view.sync_message(reply.id)
                            if isinstance(update, MessageStarted | UsageUpdated | Finished):
                                screen.conversation_changed()
        finally:
            await asyncio.shield(self._ended(conversation, reply, told))

    async def _started(self, conversation: Conversation, reply: Message) -> None:
        screen = self.screen
        screen.show_in_list(conversation)  # saved: it is listed, by date
        async with screen.view_lock:
            if screen.conversation is conversation:  # (a rebuild may have drawn it)
                await screen.log_view.add_message(reply)
        screen.replying_in = conversation.id

    def _not_sent(self) -> None:
        self.screen.tell(
            "Your message was not sent because it could not be saved. It is "
            "kept here: press Ctrl+R to send it once the disk can be written.",
            title="Not sent",
            severity="error",
            timeout=20,
        )

    async def _ended(self, conversation: Conversation, reply: Message | None, told: bool) -> None:
        screen = self.screen
        if not told and any(c is conversation for c in screen.keeper.unsaved):
            screen.not_saved(f"“{conversation.title}” could not be saved")  # (stopped)
        if screen.retry is not None:
            self._show_retry(None)
        screen.show_in_list(conversation)
        if reply is not None and screen.conversation is conversation:
            await screen.log_view.sync_message(reply.id)
        screen.replying_in = None
        screen.conversation_changed()
        refused = reply is not None and reply.error is not None and reply.error.kind == "auth"
        if refused and screen.conversation is conversation and screen.app.screen is screen:
            screen.post_message(Keying.Wanted(REFUSED_REASON))  # (a dialog open: not over it)

    def _show_retry(self, event: Retrying | None) -> None:
        """Count down to the next attempt in the status bar (None: no wait any more)."""
        screen = self.screen
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
        screen.retry = None if event is None else (event, time.monotonic() + event.delay)
        if event is not None:
            self._retry_timer = screen.set_interval(
                1.0, lambda: screen.mutate_reactive(type(screen).retry)
            )
            screen.tell(
                event.describe(),
                title="Retrying",
                severity="warning",
                timeout=min(max(event.delay, 3.0), 10.0),
            )

    async def stop(self, closing: bool = False) -> None:
        """Stop the streaming reply (``closing``: the app is closing); returns once the
        reply is saved and shown as it ended."""
        await self.session.stop(closing=closing)
        worker = self.worker
        if worker is not None and not worker.is_finished:
            worker.cancel()
            with contextlib.suppress(Exception):
                await worker.wait()

    async def close(self) -> list[Conversation]:
        """Ready to quit: a message submitted a moment ago is kept unsent, a streaming
        reply ends as cut short, and everything is saved. The conversations that could
        not be saved."""
        screen = self.screen
        await screen.disk.finish()
        for submitted in screen.submit.take_pending():
            conversation = await screen.opening.owner(submitted.owner)
            if conversation is not None:  # (with its chips; its @paths stay as typed)
                files = screen.attaching.take_chips(conversation)
                conversation.append(Message.user(submitted.text, files))
                screen.keeper.mark(conversation)
        await self.stop(closing=True)
        for conversation in screen.keeper.unsaved:  # one last try for anything not on disk
            await screen.save(conversation)
        await screen.keeper.flush()
        await screen.save_drafts()
        return screen.keeper.unsaved

    def refused_owner(self, owner: str) -> str:
        """Where text refused for ``owner`` goes: its draft, or the new one's."""
        return owner if owner in self.screen.listed_ids else NEW
