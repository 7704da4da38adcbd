"""Conversations in memory that the disk may not have yet, and the saves that catch up.

A conversation stays *live* (the in-memory copy is the truth) while a reply streams into
it (``pin``) and while its last save failed. Opening a conversation goes through
:meth:`ConversationKeeper.load`, which prefers the live copy, so a stale file is never
read back over newer words. Saves run one at a time in a thread; the event loop only
takes a snapshot of what can still change (see ``_snapshot``), which makes the write
immune to later changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from claude_tui.core.models import Conversation, Message, TurnStatus
from claude_tui.core.storage import ConversationStore, encode_lines, encode_message

LINE_CACHE_CONVERSATIONS = 8  # conversations whose encoded messages are kept


class ConversationKeeper:
    def __init__(self, store: ConversationStore) -> None:
        self.store = store
        self._live: dict[str, Conversation] = {}
        self._pinned: set[str] = set()
        self._lock = asyncio.Lock()
        # Encoded lines of ended messages, per conversation, for the next save of it.
        self._lines: dict[str, dict[str, tuple[Message, str]]] = {}

    def mark(self, conversation: Conversation) -> None:
        """The in-memory copy is newer than the file until it is saved."""
        self._live[conversation.id] = conversation

    def pin(self, conversation: Conversation) -> None:
        """Keep this copy in memory (a reply is streaming into it)."""
        self._pinned.add(conversation.id)
        self._live[conversation.id] = conversation

    def unpin(self, conversation: Conversation) -> None:
        self._pinned.discard(conversation.id)

    def forget(self, conversation_id: str) -> None:
        """The conversation was deleted: no copy of it is kept any more."""
        self._pinned.discard(conversation_id)
        self._live.pop(conversation_id, None)

    @property
    def live(self) -> list[Conversation]:
        """Every in-memory copy that may be newer than its file."""
        return list(self._live.values())

    def is_live(self, conversation_id: str) -> bool:
        return conversation_id in self._live

    async def load(self, conversation_id: str) -> Conversation:
        """The live copy if there is one, else the file (read in a thread)."""
        live = self._live.get(conversation_id)
        if live is not None:
            return live
        async with self._lock:  # not halfway through our own write of it
            live = self._live.get(conversation_id)
            if live is not None:
                return live
            conversation, lines = await asyncio.to_thread(
                self.store.load_with_lines, conversation_id)
            if lines is not None:  # the next save reuses them: it need not encode them all
                self._remember_lines(conversation.id, {
                    message.id: (message, line)
                    for message, line in zip(conversation.messages, lines, strict=True)})
            return conversation

    def _snapshot(self, conversation: Conversation) -> Callable[[], bytes]:
        """Take, on the event loop, what a later change could alter; return the encoder
        that makes the file from it in a thread.

        A message whose reply has ended never changes again: it is encoded once (in the
        thread) and its line reused by later saves. Only a message still streaming is
        copied here, so saving a long conversation costs the loop next to nothing.
        """
        header = conversation.header_dict()
        known = self._lines.pop(conversation.id, {})
        messages: list[tuple[Message, dict[str, Any] | None]] = [
            (m, m.to_dict() if m.status is TurnStatus.STREAMING else None)
            for m in conversation.messages
        ]

        def encode() -> bytes:
            lines: list[str] = []
            reusable: dict[str, tuple[Message, str]] = {}
            for message, copy in messages:
                cached = known.get(message.id)
                if copy is None and cached is not None and cached[0] is message:
                    line = cached[1]
                else:
                    line = encode_message(copy if copy is not None else message.to_dict())
                if copy is None:
                    reusable[message.id] = (message, line)
                lines.append(line)
            self._remember_lines(conversation.id, reusable)
            return encode_lines(header, lines)

        return encode

    def _remember_lines(self, conversation_id: str,
                        lines: dict[str, tuple[Message, str]]) -> None:
        self._lines.pop(conversation_id, None)
        self._lines[conversation_id] = lines  # the newest last: the oldest go first
        while len(self._lines) > LINE_CACHE_CONVERSATIONS:
            del self._lines[next(iter(self._lines))]

    def _write(self, conversation_id: str, encode: Callable[[], bytes]) -> None:
        self.store.save_encoded(conversation_id, encode())

    async def save(self, conversation: Conversation) -> None:
        """Write a snapshot of the conversation; raises StoreError (the copy stays live)."""
        self._live[conversation.id] = conversation
        async with self._lock:
            snapshot = self._snapshot(conversation)  # under the lock: the cache is ours
            write = asyncio.ensure_future(
                asyncio.to_thread(self._write, conversation.id, snapshot)
            )
            try:
                await asyncio.shield(write)
            except asyncio.CancelledError:
                # A thread cannot be stopped: hold the lock until the file is written, so
                # this older snapshot can never land after a newer one.
                await asyncio.wait([write])
                if not write.cancelled():
                    write.exception()  # retrieved: the caller is gone, the copy stays live
                raise
        if conversation.id not in self._pinned and self._live.get(conversation.id) is conversation:
            del self._live[conversation.id]

    async def flush(self) -> None:
        """Wait for the save in flight, if any."""
        async with self._lock:
            pass

    @property
    def unsaved(self) -> list[Conversation]:
        """Live copies that are not pinned: their last save failed."""
        return [c for c in self._live.values() if c.id not in self._pinned]

