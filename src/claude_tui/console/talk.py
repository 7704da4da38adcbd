"""Talking to Claude without the full screen: what ``-p`` and ``chat`` share.

Each exchange is a turn of :class:`~claude_tui.session.ChatSession`, as in the app: the
user's message is saved before the request goes out, the reply is checkpointed every
second while it streams (also while it stalls) and saved with its status when it ends.
Ctrl+C stops a streaming reply; what arrived is kept and saved as stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claude_tui import paths
from claude_tui.api.client import ClaudeClient, preload_sdk
from claude_tui.config import Settings
from claude_tui.console.terminal import (
    OutputClosed,
    ReplyWriter,
    Streams,
    one_line,
    saved_summaries,
)
from claude_tui.domain.attachments import Attachment
from claude_tui.domain.catalog import Catalog, ModelInfo
from claude_tui.domain.conversation import READ_ONLY, Conversation
from claude_tui.domain.errors import NO_API_KEY
from claude_tui.domain.events import BlockFinished, BlockUpdated, Retrying, TextDelta
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.sources import (
    cites,
    reply_sources,
    result_activity,
    sources_text,
    web_activity,
)
from claude_tui.domain.steering import fitted_defaults
from claude_tui.domain.values import utc_now
from claude_tui.session import ChatSession, NotSent, TurnEnded, TurnStarted
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.store.lookup import most_recently_used
from claude_tui.store.model_cache import ModelCache

NO_KEY_HINT = (
    "Set it in your shell (export ANTHROPIC_API_KEY=...), or api_key in the "
    "config file, and run this again."
)


@dataclass(frozen=True)
class Request:
    """What the command line asked for, beyond the settings."""

    resume: bool = False  # -c: continue the conversation used last
    new_settings_given: bool = False  # --model / --system / --max-tokens were on the line


class Refused(Exception):
    """Nothing can be done; the message says why, for a person."""


def preload(settings: Settings) -> None:
    """The SDK takes a second or two to import: start it while the prompt is read."""
    if settings.has_credentials:
        threading.Thread(target=preload_sdk, name="preload-sdk", daemon=True).start()


def open_conversation(
    settings: Settings, keeper: ConversationKeeper, request: Request, streams: Streams
) -> Conversation:
    """A new conversation with the settings, or with ``-c`` the one used last."""
    store = keeper.store
    if request.resume:
        summaries = saved_summaries(store, streams)
        conversation_id = most_recently_used(store.last_open(), [s.id for s in summaries])
        if conversation_id is not None:
            try:
                conversation = keeper.take(store.read(conversation_id))
            except StoreError as error:
                raise Refused(str(error)) from error
            if conversation.read_only:
                raise Refused(f"“{one_line(conversation.title)}” is read-only: {READ_ONLY}")
            streams.note(
                f"Continuing “{one_line(conversation.title)}” "
                f"({len(conversation.messages)} messages, {conversation.model})."
            )
            if request.new_settings_given:
                streams.note(
                    "(--model, --system, --max-tokens and the other settings apply to new "
                    "conversations; this one keeps its own.)"
                )
            return conversation
        streams.note("No saved conversation to continue: starting a new one.")
    return Conversation.start(fitted_defaults(settings.chat_defaults(), known_models()))


def known_models() -> Catalog:
    """The model list as last fetched (by the app or a check), else the offline one."""
    return model_cache().load() or Catalog.fallback()


def model_cache() -> ModelCache:
    """The model list kept in the user's cache folder."""
    return ModelCache.in_folder(paths.cache_dir())


class Talk:
    """One conversation talked in from the command line: its turns run by a ChatSession
    on one event loop (the client belongs to that loop)."""

    def __init__(
        self,
        settings: Settings,
        keeper: ConversationKeeper,
        conversation: Conversation,
        streams: Streams,
    ) -> None:
        self.conversation = conversation
        self.streams = streams
        self.client = ClaudeClient(settings)
        self.session = ChatSession(self.client, keeper, on_merged=self._merged)
        self.runner = asyncio.Runner()
        self.scratch: tempfile.TemporaryDirectory[str] | None = None  # (see ``open``)

    @classmethod
    def open(
        cls, settings: Settings, request: Request, streams: Streams, *, save: bool = True
    ) -> Talk | None:
        """Talk in a new or (``-c``) the last used conversation; None, with the reason
        said, when there is no key or the conversation cannot be read.

        Without ``save`` (``-p --no-save``), a new conversation is kept, with its files,
        in a folder of its own that :meth:`close` removes: the turn runs as any other,
        and the data folder is not touched."""
        if not settings.has_credentials:
            streams.error(NO_API_KEY.title)
            streams.note("  " + NO_KEY_HINT)
            return None
        scratch = None if save else tempfile.TemporaryDirectory(prefix="claude-tui-once-")
        root = settings.resolved_data_dir() if scratch is None else Path(scratch.name)
        keeper = ConversationKeeper(ConversationStore(root))
        try:
            conversation = open_conversation(settings, keeper, request, streams)
        except Refused as error:
            streams.error(str(error))
            if scratch is not None:
                scratch.cleanup()
            return None
        talk = cls(settings, keeper, conversation, streams)
        talk.scratch = scratch
        return talk

    def close(self) -> None:
        try:
            self.runner.run(self.client.close())
        finally:
            self.runner.close()
            if self.scratch is not None:
                self.scratch.cleanup()

    def model_info(self) -> ModelInfo | None:
        """What the conversation's model takes, from the model list (the cached one while
        it is under a day old, else the API's); None for a model the list does not hold."""
        catalog = self.runner.run(self.client.catalog(model_cache(), now=utc_now()))
        return catalog.find(self.conversation.model)

    def exchange(
        self,
        text: str,
        writer: ReplyWriter,
        heading: str = "",
        attachments: Sequence[Attachment] = (),
    ) -> TurnEnded | None:
        """Send ``text`` (after ``attachments``, kept already) and stream the reply's text
        into ``writer``, after ``heading`` once the reply begins. The turn's end; None when
        the message could not be saved (then nothing was sent and the message is taken
        back).

        Raises KeyboardInterrupt (Ctrl+C) or OutputClosed once the reply is saved.
        """
        message = self.session.accept(self.conversation, text, attachments)
        try:
            ended = self.runner.run(self._exchange(writer, heading))
        except KeyboardInterrupt:
            self.runner.run(self._after_interrupt())
            raise
        finally:
            with contextlib.suppress(OutputClosed):  # the reply is saved: nothing is lost
                writer.end()
        if isinstance(ended, NotSent):
            if self.conversation.messages and self.conversation.messages[-1] is message:
                self.conversation.messages.pop()
            self.streams.error(f"not sent, because it could not be saved: {ended.error}")
            return None
        if not ended.saved:
            self.streams.error(f"the reply could not be saved: {ended.error}")
        return ended

    async def _exchange(self, writer: ReplyWriter, heading: str) -> TurnEnded | NotSent:
        ended: TurnEnded | NotSent | None = None
        reply: Message | None = None
        async with contextlib.aclosing(self.session.run_turn(self.conversation)) as updates:
            async for update in updates:
                if isinstance(update, TurnStarted):
                    writer.write(heading)
                    reply = update.turn.message
                elif isinstance(update, TextDelta):
                    writer.text(update.index, update.text)
                elif isinstance(update, BlockUpdated | BlockFinished) and reply is not None:
                    self._block_news(update, reply, writer)
                elif isinstance(update, Retrying):
                    self.streams.note(update.describe())
                elif isinstance(update, TurnEnded | NotSent):
                    ended = update
        if reply is not None:
            sources = sources_text(reply_sources(reply.content))
            if sources:
                writer.end()
                writer.write(f"\n{sources}\n")
        assert ended is not None, "a turn that was not cancelled ends with TurnEnded or NotSent"
        return ended

    def _block_news(
        self, update: BlockUpdated | BlockFinished, reply: Message, writer: ReplyWriter
    ) -> None:
        """A text that cites: joined as it is, its markers after it; a search or a fetch:
        said on standard error ("Searching: …", then what it found)."""
        content = reply.content
        position = next((p for p, b in enumerate(content) if b is update.block), None)
        if cites(update.block):
            if isinstance(update, BlockUpdated):
                writer.glue(update.index)
            elif position is not None:
                markers = reply_sources(content, position + 1).markers.get(position, "")
                writer.cite(update.index, markers)
        if not isinstance(update, BlockFinished) or position is None:
            return
        activity = web_activity(content, position)
        if activity is not None:
            said = f"({activity.heading(done=False)}…)"
        elif (asked := result_activity(content, position)) is not None:
            said = f"({asked.heading(done=True)})"
        else:
            return
        streams = self.streams
        shared = writer.line_open and streams.stdout.isatty() and streams.stderr.isatty()
        streams.note(("\n" if shared else "") + said)  # not joined to the reply's line

    async def _after_interrupt(self) -> None:
        """Ctrl+C ended the turn without a word on its final save: let it land (a second
        Ctrl+C may have cut it short), and if it failed, try once more or say so."""
        await self.session.stop()
        keeper = self.session.keeper
        if any(unsaved is self.conversation for unsaved in keeper.unsaved):
            try:
                if await keeper.save(self.conversation):
                    self._merged(self.conversation)
            except StoreError as error:
                self.streams.error(f"the reply could not be saved: {error}")

    def _merged(self, conversation: Conversation) -> None:
        self.streams.note(
            "(Another claude-tui saved this conversation meanwhile; its messages were merged in.)"
        )

    def tell(self, message: Message) -> None:
        """What to add about how a reply ended, on standard error."""
        if message.status is TurnStatus.FAILED and message.error is not None:
            self.streams.failure(message.error)
        elif message.status is TurnStatus.STOPPED:
            kept = "What arrived is kept." if self.scratch is None else "Nothing was saved."
            self.streams.note(f"(Stopped. {kept})")
        elif message.stop_note:
            self.streams.note(f"({message.stop_note})")
