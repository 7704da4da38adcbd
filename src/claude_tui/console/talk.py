"""Talking to Claude without the full screen: one prompt (``-p``), or ``chat`` line by line.

Each exchange is saved like the app saves it: the user's message before the request goes
out, the reply (checkpointed while it streams) with its status when it ends. Ctrl+C stops
a streaming reply; what arrived is kept and saved as stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import cast

from claude_tui.api.client import ClaudeClient, preload_sdk
from claude_tui.config import Settings
from claude_tui.console.terminal import (
    EXIT_INTERRUPTED,
    OutputClosed,
    ReplyWriter,
    Streams,
    one_line,
)
from claude_tui.domain.conversation import READ_ONLY, Conversation
from claude_tui.domain.errors import NO_API_KEY
from claude_tui.domain.events import Retrying, StreamEvent, TextDelta
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.text import printable
from claude_tui.domain.turn import CHECKPOINT_SECONDS, Turn
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.store.lookup import most_recently_used

EXIT_WORDS = ("quit", "exit")
NO_KEY_HINT = ("Set it in your shell (export ANTHROPIC_API_KEY=...), or api_key in the "
               "config file, and run this again.")


@dataclass(frozen=True)
class Request:
    """What the command line asked for, beyond the settings."""

    resume: bool = False  # -c: continue the conversation used last
    new_settings_given: bool = False  # --model / --system / --max-tokens were on the line


class Refused(Exception):
    """Nothing can be done; the message says why, for a person."""


def compose_prompt(argument: str | None, piped: str | None) -> str:
    """The message to send: the argument, a blank line, then the piped text (either alone
    is fine). Blank lines around it are dropped; indentation inside is kept."""
    parts = [part for part in (argument, piped) if part and part.strip()]
    text = "\n\n".join(part.rstrip() for part in parts)
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def read_piped(streams: Streams) -> str | None:
    """Standard input, when it is not a terminal (a pipe, a file); else None."""
    stdin = streams.stdin
    if stdin is None or stdin.closed or stdin.isatty():
        return None
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        return stdin.read()
    raw: bytes = buffer.read()
    return raw.decode(stdin.encoding or "utf-8", errors="replace")


def open_conversation(
    settings: Settings, keeper: ConversationKeeper, request: Request, streams: Streams
) -> Conversation:
    """A new conversation with the settings, or with ``-c`` the one used last."""
    store = keeper.store
    if request.resume:
        summaries, notices = store.list_summaries()
        streams.notices(notices)
        conversation_id = most_recently_used(store.last_open(), [s.id for s in summaries])
        if conversation_id is not None:
            try:
                conversation = keeper.take(store.read(conversation_id))
            except StoreError as error:
                raise Refused(str(error)) from error
            if conversation.read_only:
                raise Refused(f"“{one_line(conversation.title)}” is read-only: {READ_ONLY}")
            streams.note(f"Continuing “{one_line(conversation.title)}” "
                         f"({len(conversation.messages)} messages, {conversation.model}).")
            if request.new_settings_given:
                streams.note("(--model, --system and --max-tokens apply to new conversations; "
                             "this one keeps its own.)")
            return conversation
        streams.note("No saved conversation to continue: starting a new one.")
    return Conversation(model=settings.model, max_tokens=settings.max_tokens,
                        system=settings.system)


async def stream_reply(
    client: ClaudeClient, turn: Turn, writer: ReplyWriter,
    checkpoint: Callable[[], Awaitable[object]], note: Callable[[str], None],
) -> None:
    """Stream the reply into ``turn``, its text into ``writer``, retries into ``note``;
    checkpoint every second.

    Cancelled (Ctrl+C) or cut off (output closed), the turn is stopped: what arrived stays.
    """
    saved_at = time.monotonic()
    try:
        events = cast(AsyncGenerator[StreamEvent, None], client.stream(turn.conversation))
        async with contextlib.aclosing(events):
            async for event in events:
                if isinstance(event, Retrying):
                    note(event.describe())
                    continue
                turn.apply(event)
                if isinstance(event, TextDelta):
                    writer.text(event.index, event.text)
                if not turn.done and time.monotonic() - saved_at >= CHECKPOINT_SECONDS:
                    with contextlib.suppress(StoreError):  # the final save says so
                        await checkpoint()
                    saved_at = time.monotonic()
    finally:
        turn.stop()  # no-op when the stream gave its verdict


class Session:
    """One conversation being talked in, its client on one event loop, its saves."""

    def __init__(self, settings: Settings, keeper: ConversationKeeper,
                 conversation: Conversation, streams: Streams) -> None:
        self.keeper = keeper  # its saves merge what another copy of claude-tui saved
        self.store = keeper.store
        self.conversation = conversation
        self.streams = streams
        self.client = ClaudeClient(settings)
        self.runner = asyncio.Runner()

    @classmethod
    def open(cls, settings: Settings, request: Request, streams: Streams) -> Session | None:
        """A session in a new or (``-c``) the last used conversation; None, with the
        reason said, when there is no key or the conversation cannot be read."""
        if not settings.has_credentials:
            streams.error(NO_API_KEY.title)
            streams.note("  " + NO_KEY_HINT)
            return None
        keeper = ConversationKeeper(ConversationStore(settings.resolved_data_dir()))
        try:
            conversation = open_conversation(settings, keeper, request, streams)
        except Refused as error:
            streams.error(str(error))
            return None
        return cls(settings, keeper, conversation, streams)

    def close(self) -> None:
        try:
            self.runner.run(self.client.close())
        finally:
            self.runner.close()

    def accept(self, text: str) -> bool:
        """Add the user's message and save it; False (message taken back) if it cannot be."""
        conversation = self.conversation
        conversation.append(Message.user(text))
        try:
            self._write()
        except StoreError as error:
            conversation.messages.pop()
            self.streams.error(f"not sent, because it could not be saved: {error}")
            return False
        self.store.set_last_open(conversation.id)  # -c and the app follow it
        return True

    def reply(self, writer: ReplyWriter) -> tuple[Message, bool]:
        """Stream a reply to the conversation as it stands: (the reply, whether it was saved).

        Raises KeyboardInterrupt (Ctrl+C) or OutputClosed after the reply is saved.
        """
        turn = Turn(self.conversation)
        try:
            self.runner.run(stream_reply(self.client, turn, writer,
                                         partial(self.keeper.save, self.conversation),
                                         self.streams.note))
        finally:
            turn.stop()  # a second Ctrl+C may land before stream_reply could
            saved = self._save()
            with contextlib.suppress(OutputClosed):  # the reply is saved: nothing is lost
                writer.end()
        return turn.message, saved

    def _write(self) -> None:
        """Save (merging what another copy saved meanwhile); raises StoreError."""
        if self.runner.run(self.keeper.save(self.conversation)):
            self.streams.note("(Another claude-tui saved this conversation meanwhile; its "
                              "messages were merged in.)")

    def _save(self) -> bool:
        try:
            self._write()
        except StoreError as error:
            self.streams.error(f"the reply could not be saved: {error}")
            return False
        return True

    def tell(self, message: Message) -> None:
        """What to add about how a reply ended, on standard error."""
        if message.status is TurnStatus.FAILED and message.error is not None:
            self.streams.failure(message.error)
        elif message.status is TurnStatus.STOPPED:
            self.streams.note("(Stopped. What arrived is kept.)")
        elif message.stop_note:
            self.streams.note(f"({message.stop_note})")


def _preload(settings: Settings) -> None:
    """The SDK takes a second or two to import: start it while the prompt is read."""
    if settings.has_credentials:
        threading.Thread(target=preload_sdk, name="preload-sdk", daemon=True).start()


def run_print(settings: Settings, argument: str | None, request: Request,
              streams: Streams) -> int:
    """``claude-tui -p``: send one message, stream the reply's text to standard output."""
    _preload(settings)
    text = compose_prompt(argument, read_piped(streams))
    if not text:
        streams.error("nothing to send: give a prompt, or pipe text in "
                      "(echo question | claude-tui -p)")
        return 2
    session = Session.open(settings, request, streams)
    if session is None:
        return 1
    try:
        if not session.accept(text):
            return 1
        try:
            message, saved = session.reply(ReplyWriter(streams.stdout))
        except KeyboardInterrupt:
            session.tell(session.conversation.messages[-1])
            return EXIT_INTERRUPTED
        session.tell(message)
        if message.status is not TurnStatus.COMPLETE:
            return 1
        return 0 if saved else 1
    finally:
        session.close()


def _read_line(streams: Streams, interactive: bool) -> str:
    """One line typed after ``You: ``; raises EOFError at the end of input."""
    if interactive:
        return input("You: ")
    streams.stdout.write("You: ")
    streams.stdout.flush()
    line = streams.stdin.readline()
    if not line:
        raise EOFError
    line = line.rstrip("\n")
    streams.stdout.write(printable(line) + "\n")  # the transcript reads as it was typed
    return line


def run_chat(settings: Settings, request: Request, streams: Streams) -> int:
    """``claude-tui chat``: a conversation line by line, until quit, exit or end of input."""
    _preload(settings)
    session = Session.open(settings, request, streams)
    if session is None:
        return 1
    conversation = session.conversation
    interactive = streams.stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    streams.note(f"Talking with {conversation.model}. Ctrl+C stops a reply; "
                 "type quit or press Ctrl+D to leave.")
    try:
        while True:
            try:
                line = _read_line(streams, interactive)
            except EOFError:
                streams.stdout.write("\n")
                return 0
            except KeyboardInterrupt:
                streams.stdout.write("\n")
                streams.note("(Type quit or press Ctrl+D to leave.)")
                continue
            text = line.strip()
            if not text:
                continue
            if text.lower() in EXIT_WORDS:
                return 0
            if not session.accept(text):
                continue
            writer = ReplyWriter(streams.stdout)
            writer.write("Claude: ")
            try:
                message, _saved = session.reply(writer)
            except KeyboardInterrupt:
                message = conversation.messages[-1]
            session.tell(message)
            writer.write("\n")
    finally:
        session.close()
