"""Two copies of claude-tui on one data directory: fold what the other saved into ours.

A message is only ever written by the copy that sent it or streams it, and it only grows:
text is appended, then its status goes from streaming to how it ended. So two versions of
one message never need their words combined; the more finished one is kept. Messages
only one side has are all kept, each side's in its order, interleaved by when they were
begun. Two messages with one id that are not two versions of one message (not of one
role, or neither's text the start of the other's: a file edited by hand, ids made by
another program) are two messages: theirs gets an id of its own, and both are kept.

The settings of the conversation (its title, model, ...) are merged three ways against
what this copy last read or wrote: a field we did not change takes their value.
"""

from __future__ import annotations

import heapq
from dataclasses import fields
from typing import Any

from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus, stable_id
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


def _versions_of_one(ours: Message, theirs: Message) -> bool:
    """Whether two messages with one id are two versions of one message: one has grown
    from the other (its text goes on from the other's)."""
    if ours.role != theirs.role:
        return False
    mine, other = ours.text, theirs.text
    return mine.startswith(other) or other.startswith(mine)


def _set_apart(ours: Conversation, theirs: Conversation) -> None:
    """Give each message of ``theirs`` that has the id of another message of ours an id of
    its own (:func:`_own_id`); then a message of theirs that has the id one of ours was
    given so by an earlier merge (in this copy or the other) takes the id it has here. The
    messages that follow them in their branches follow the new ids."""
    known = {message.id: message for message in ours.every_message}
    renamed: dict[str, str] = {}
    for message in theirs.every_message:
        own = known.get(message.id)
        if own is not None and not _versions_of_one(own, message):
            renamed[message.id] = message.id = _own_id(ours, message)
    taken = {message.id for message in theirs.every_message}
    strangers = [message for message in theirs.every_message if message.id not in known]
    if strangers:
        aliases = {_own_id(ours, message): message.id for message in ours.every_message}
        for message in strangers:
            alias = aliases.get(message.id)
            if alias is not None and alias not in taken:
                renamed[message.id] = message.id = alias
                taken.add(alias)
    for message in theirs.branches:
        if message.parent in renamed:
            message.parent = renamed[message.parent]


def _own_id(conversation: Conversation, message: Message) -> str:
    """The id a message is given when another message of ``conversation`` has its id: made
    from its id and its words, so both copies give it the same."""
    return stable_id(conversation.id, message.id, message.role, message.text)


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

    _set_apart(ours, theirs)
    changed = _merge_messages(ours, theirs) or changed
    if changed:
        ours.updated_at = max(ours.updated_at, theirs.updated_at)
    return changed


def _merge_messages(ours: Conversation, theirs: Conversation) -> bool:
    """Every message either side has, ours on the branch we show. Messages both have are
    kept where ours are; theirs that carry on from our last message join our branch (in
    the order begun, with ours); theirs that carry on from elsewhere join the branches."""
    on_branch = {message.id: message for message in ours.messages}
    aside = {message.id: message for message in ours.branches}
    known = {**on_branch, **aside}
    theirs_known = {m.id for m in theirs.messages} | {m.id for m in theirs.branches}
    changed = False

    def keep(message: Message) -> None:
        """A message both have: the further version, where ours is."""
        nonlocal changed
        own = known[message.id]
        kept = _further(own, message)
        changed = changed or kept is not own
        (on_branch if message.id in on_branch else aside)[message.id] = kept

    # Where our branch stops being what they know: past it, a message of theirs is new.
    open_from = len(ours.messages)
    while open_from and ours.messages[open_from - 1].id not in theirs_known:
        open_from -= 1
    appendable = {None if open_from == 0 else ours.messages[open_from - 1].id}
    following: list[Message] = []  # theirs that carry on from the end of our branch
    new_aside: list[Message] = []
    parent: str | None = None
    for message in theirs.messages:  # their branch: each follows the one before
        if message.id in known:
            keep(message)
        elif parent in appendable:
            following.append(message)
            appendable.add(message.id)
        else:
            message.parent = parent
            new_aside.append(message)
        parent = message.id
    for message in theirs.branches:
        if message.id in known:
            keep(message)
        else:
            new_aside.append(message)
    ours_after = [on_branch[m.id] for m in ours.messages[open_from:]]
    branch = [on_branch[m.id] for m in ours.messages[:open_from]]
    if following:  # each side keeps its order; together, in the order they were begun
        branch += heapq.merge(following, ours_after, key=lambda message: message.created_at)
    else:
        branch += ours_after
    if following or new_aside or changed:
        ours.messages[:] = branch
        ours.branches[:] = [*(aside[m.id] for m in ours.branches), *new_aside]
        return True
    return False


def header_base(conversation: Conversation) -> dict[str, Any]:
    """What :func:`merge` compares against: the fields as this copy read or wrote them."""
    header = conversation.header_dict()
    return {name: header[name] for name in _SETTINGS}
