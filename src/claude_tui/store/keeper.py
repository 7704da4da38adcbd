"""Conversations in memory that the disk may not have yet, and the saves that catch up.

A conversation stays *live* (the in-memory copy is the truth) while a reply streams into
it (``pin``) and while its last save failed. Opening a conversation goes through
:meth:`ConversationKeeper.load`, which prefers the live copy, so a stale file is never
read back over newer words. Saves run one at a time in a thread; the event loop only
takes a snapshot of what can still change (see ``_snapshot``), which makes the write
immune to later changes.

Another copy of the app may save the same conversation. The keeper remembers which file
it last read or wrote; a save that finds another one there reads it, merges it into the
copy in memory (core/merge.py) and only then writes: nobody's turns are overwritten.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from claude_tui.domain.conversation import READ_ONLY, Conversation
from claude_tui.domain.errors import INTERRUPTED
from claude_tui.domain.merge import header_base, merge
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.store.conversations import (
    ChangedOnDisk,
    ConversationStore,
    StoredConversation,
    StoreError,
    encode_lines,
    encode_message,
)
from claude_tui.store.index import FileKey

# A message as a save takes it on the event loop: (message, edition, a copy if it
# streams, the message it follows when off the branch shown)
_Entry = tuple[Message, int, dict[str, Any] | None, str | None]
LINE_CACHE_CONVERSATIONS = 8  # conversations whose encoded messages are kept
MERGE_ATTEMPTS = 5  # a file changed under each of this many saves in a row: give up


class ConversationKeeper:
    def __init__(self, store: ConversationStore) -> None:
        self.store = store
        self._live: dict[str, Conversation] = {}
        self._pinned: set[str] = set()
        self._saving: Counter[str] = Counter()  # saves under way, by conversation
        self._lock = asyncio.Lock()
        # Encoded lines of ended messages, per conversation, for the next save of it.
        self._lines: dict[str, dict[str, tuple[Message, int, str]]] = {}
        # Per conversation: the file last read or written, and its settings then.
        self._files: dict[str, tuple[FileKey, dict[str, Any]]] = {}

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
        self._files.pop(conversation_id, None)

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
            return self.take(await asyncio.to_thread(self.store.read, conversation_id))

    def take(self, stored: StoredConversation) -> Conversation:
        """The conversation read from its file, with what later saves need to know of it:
        which file it came from, and its lines."""
        conversation, lines = stored.conversation, stored.lines
        self._files[conversation.id] = (stored.key, header_base(conversation))
        if lines is not None:  # the next save reuses them: it need not encode them all
            self._remember_lines(
                conversation.id,
                {
                    message.id: (message, message.edition, line)
                    for message, line in zip(
                        [*conversation.branches, *conversation.messages], lines, strict=True
                    )
                    if message.error != INTERRUPTED
                },
            )  # (it may have been read as streaming)
        return conversation

    def changed_on_disk(self, conversation_id: str) -> bool:
        """Is the file now another than the one last read or written? (A stat; blocks.)"""
        known = self._files.get(conversation_id)
        if known is None:
            return False
        try:
            return self.store.changed_since(conversation_id, known[0])
        except OSError:
            return False

    def _snapshot(self, conversation: Conversation) -> Callable[[], bytes]:
        """Take, on the event loop, what a later change could alter; return the encoder
        that makes the file from it in a thread.

        A message whose reply has ended changes only with its edition (Continue): it is
        encoded once per edition (in the thread) and its line reused by later saves. Only a
        message still streaming is copied here, so saving a long conversation costs the loop
        next to nothing.
        """
        header = conversation.header_dict()
        known = self._lines.pop(conversation.id, {})

        def taken(message: Message) -> _Entry:
            streaming = message.status is TurnStatus.STREAMING
            return (
                message,
                message.edition,
                message.to_dict() if streaming else None,
                message.parent,
            )

        shown = [taken(message) for message in conversation.messages]
        aside = [taken(message) for message in conversation.branches]

        def encode() -> bytes:
            reusable: dict[str, tuple[Message, int, str]] = {}

            def lines_of(entries: list[_Entry], branch: bool) -> list[str]:
                lines: list[str] = []
                for message, edition, copy, parent in entries:
                    cached = known.get(message.id)
                    if copy is None and cached and cached[0] is message and cached[1] == edition:
                        line = cached[2]
                    else:
                        data = copy if copy is not None else message.to_dict()
                        if branch:  # (off the branch shown: with the message it follows)
                            data["parent"] = parent
                        line = encode_message(data)
                    if copy is None:
                        reusable[message.id] = (message, edition, line)
                    lines.append(line)
                return lines

            encoded = encode_lines(header, lines_of(shown, False), lines_of(aside, True))
            self._remember_lines(conversation.id, reusable)
            return encoded

        return encode

    def _remember_lines(
        self, conversation_id: str, lines: dict[str, tuple[Message, int, str]]
    ) -> None:
        self._lines.pop(conversation_id, None)
        self._lines[conversation_id] = lines  # the newest last: the oldest go first
        while len(self._lines) > LINE_CACHE_CONVERSATIONS:
            del self._lines[next(iter(self._lines))]

    def _write(
        self, conversation_id: str, encode: Callable[[], bytes], expected: FileKey | None
    ) -> FileKey | None:
        return self.store.save_encoded(conversation_id, encode(), expected)

    async def save(self, conversation: Conversation) -> bool:
        """Write a snapshot of the conversation; raises StoreError (the copy stays live).

        True when another copy had changed the file: its changes were merged into
        ``conversation`` (in place) before writing.
        """
        if conversation.read_only:
            raise StoreError(f"“{conversation.title}” is read-only: {READ_ONLY}")
        self._live[conversation.id] = conversation
        self._saving[conversation.id] += 1
        try:
            return await self._save(conversation)
        finally:
            self._saving[conversation.id] -= 1
            if not self._saving[conversation.id]:
                del self._saving[conversation.id]

    async def _save(self, conversation: Conversation) -> bool:
        merged = False
        async with self._lock:
            for _ in range(MERGE_ATTEMPTS):
                snapshot = self._snapshot(conversation)  # under the lock: the cache is ours
                known = self._files.get(conversation.id)
                base = header_base(conversation)
                write = asyncio.ensure_future(
                    asyncio.to_thread(
                        self._write, conversation.id, snapshot, known[0] if known else None
                    )
                )
                try:
                    key = await asyncio.shield(write)
                except ChangedOnDisk:
                    merged = await self._merge(conversation) or merged
                    continue
                except asyncio.CancelledError:
                    # A thread cannot be stopped: hold the lock until the file is written,
                    # so this older snapshot can never land after a newer one.
                    await asyncio.wait([write])
                    if not write.cancelled():
                        write.exception()  # retrieved: the caller is gone, the copy stays live
                    raise
                if key is None:
                    self._files.pop(conversation.id, None)
                else:
                    self._files[conversation.id] = (key, base)
                break
            else:
                raise StoreError(
                    f"{conversation.id}.json keeps being changed by another program; not saved yet"
                )
        if conversation.id not in self._pinned and self._live.get(conversation.id) is conversation:
            del self._live[conversation.id]
        return merged

    async def _merge(self, conversation: Conversation) -> bool:
        """Fold the file as it is now into ``conversation``; True if that changed it."""
        known = self._files.get(conversation.id)
        try:
            stored = await asyncio.to_thread(self.store.read, conversation.id)
        except StoreError:  # gone, or unreadable (and so quarantined): ours is written
            self._files.pop(conversation.id, None)
            return False
        self._files[conversation.id] = (stored.key, known[1] if known else {})
        return merge(conversation, stored.conversation, known[1] if known else None)

    async def flush(self) -> None:
        """Wait for the save in flight, if any."""
        async with self._lock:
            pass

    @property
    def unsaved(self) -> list[Conversation]:
        """Live copies that are not pinned and not being saved: their last save failed (or
        they were marked changed and not saved yet)."""
        return [
            c for c in self._live.values() if c.id not in self._pinned and c.id not in self._saving
        ]
