"""Two copies of claude-tui on one data directory: fold what the other saved into ours.

A message is only ever written by the copy that sent it or streams it, and it only grows:
text is appended, then its status goes from streaming to how it ended. So two versions of
one message never need their words combined; the more finished one is kept. Messages
only one side has are all kept, each side's in its order, interleaved by when they were
begun.

The settings of the conversation (its title, model, ...) are merged three ways against
what this copy last read or wrote: a field we did not change takes their value.
"""

from __future__ import annotations

import heapq
from dataclasses import fields
from typing import Any

from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.settings import ChatSettings

# Fields of the conversation a person can change (see Conversation.header_dict).
_SETTINGS = ("title", "title_set_by_user", *(f.name for f in fields(ChatSettings)))

_PROGRESS = {  # how far a reply got: the further one wins
    TurnStatus.STREAMING: 0,
    TurnStatus.FAILED: 1,
    TurnStatus.STOPPED: 2,
    TurnStatus.COMPLETE: 3,
}


def _further(ours: Message, theirs: Message) -> Message:
    if ours.status is TurnStatus.STREAMING:
        return ours  # it streams here: this copy is its only writer
    rank_ours = (_PROGRESS[ours.status], len(ours.text))
    rank_theirs = (_PROGRESS[theirs.status], len(theirs.text))
    return theirs if rank_theirs > rank_ours else ours


def merge(ours: Conversation, theirs: Conversation, base: dict[str, Any] | None) -> bool:
    """Bring into ``ours`` (in place) what ``theirs`` has that it lacks; ``base`` is the
    header this copy last read or wrote. True if ``ours`` changed."""
    changed = False
    if base is not None:
        mine, other = ours.header_dict(), theirs.header_dict()
        for name in _SETTINGS:
            if mine[name] == base.get(name) and other[name] != mine[name]:
                setattr(ours, name, getattr(theirs, name))
                changed = True

    mine_by_id = {message.id: message for message in ours.messages}
    merged: list[Message] = []
    for message in theirs.messages:
        own = mine_by_id.pop(message.id, None)
        kept = message if own is None else _further(own, message)
        changed = changed or kept is not own
        merged.append(kept)
    only_ours = [message for message in ours.messages if message.id in mine_by_id]
    if only_ours:  # each side keeps its order; together, in the order they were begun
        merged = list(heapq.merge(merged, only_ours, key=lambda message: message.created_at))
    if changed:
        ours.messages[:] = merged
        ours.updated_at = max(ours.updated_at, theirs.updated_at)
    return changed


def header_base(conversation: Conversation) -> dict[str, Any]:
    """What :func:`merge` compares against: the fields as this copy read or wrote them."""
    header = conversation.header_dict()
    return {name: header[name] for name in _SETTINGS}
