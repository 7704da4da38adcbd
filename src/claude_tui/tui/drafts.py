"""Unsent text stays with the conversation it was typed in, also across a restart.

:class:`DraftBook` knows no widget: the chat screen tells it what the input box holds and
puts back into the box what it returns. Saving goes through ``store/drafts.py`` in a
thread, one save at a time.
"""

from __future__ import annotations

import asyncio

from claude_tui.domain.attachments import Attachment
from claude_tui.domain.conversation import Conversation
from claude_tui.store.drafts import DraftStore

NEW = ""  # the key of the draft of a new conversation (not listed until its first message)


def draft_key(conversation: Conversation) -> str:
    """A listed conversation's drafts go by its id; a new one's wait in one slot for the
    next new conversation."""
    return conversation.id if conversation.messages else NEW


class DraftBook:
    def __init__(self, store: DraftStore) -> None:
        self.store = store
        self._drafts: dict[str, str] = {}
        self._lock = asyncio.Lock()
        self.loaded = False  # read from the disk: saving now cannot lose the saved ones
        self.unsaved = False  # the last save failed (kept in memory; tried again later)

    def swap(self, leaving: Conversation, typed: str, arriving: Conversation) -> str:
        """Keep ``typed`` as the draft of ``leaving``; the text to show for ``arriving``."""
        self._drafts[draft_key(leaving)] = typed
        return self._drafts.pop(draft_key(arriving), "")

    def claim(self, arriving: Conversation) -> str:
        """``arriving``'s own draft, taken out of the book to show (at start, when nothing
        was typed while the list loaded)."""
        return self._drafts.pop(draft_key(arriving), "")

    def put_back(self, owner: str, text: str) -> None:
        """A message refused for ``owner`` (an id, or :data:`NEW`) goes in front of its
        draft."""
        self._drafts[owner] = text + self._drafts.get(owner, "")

    def take(self, saved: dict[str, str]) -> None:
        """Drafts read from the disk, under those typed since the app started."""
        for key, text in saved.items():
            self._drafts.setdefault(key, text)
        self.loaded = True

    async def save(
        self,
        showing: Conversation,
        typed: str,
        files: dict[str, list[Attachment]] | None = None,
    ) -> None:
        """Write every draft, with ``typed`` as the one of ``showing``, and ``files``, the
        files attached to each draft; a failure is kept in :attr:`unsaved` for the next
        try."""
        if not self.loaded:
            return  # not read yet: saving would lose the saved ones (it saves after)
        drafts = {**self._drafts, draft_key(showing): typed}
        async with self._lock:
            try:
                await asyncio.to_thread(self.store.save, drafts, files)
                self.unsaved = False
            except OSError:
                self.unsaved = True
