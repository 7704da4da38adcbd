"""A conversation's branches: editing a message or asking again forks the conversation.

The messages make a tree. ``Conversation.messages`` is the current branch, from the first
message to the last, each the child of the one before; ``Conversation.branches`` holds
every other message, each with the id of the message it follows (``Message.parent``, None
at the start). The messages with the same parent are alternatives ("siblings"): an edited
message and the original, a reply asked again and the first one. Each is shown with its
place among them ("2/3"), oldest first.

Every change here moves messages between the two lists and never drops one, except
:func:`delete`, which :func:`restore` undoes. A message whose line in the file changes
(moved, or given another parent) gets a new ``edition``, so the next save writes it anew.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus


def parent_id(conversation: Conversation, index: int) -> str | None:
    """The id of the message the one at ``index`` of the current branch follows."""
    return conversation.messages[index - 1].id if index > 0 else None


def siblings(conversation: Conversation, index: int) -> list[Message]:
    """The message at ``index`` and its alternatives, oldest first."""
    parent = parent_id(conversation, index)
    others = [message for message in conversation.branches if message.parent == parent]
    return sorted([conversation.messages[index], *others], key=lambda m: m.created_at)


def branch_mark(conversation: Conversation, index: int) -> tuple[int, int] | None:
    """(2, 3): which alternative the message at ``index`` is, and how many there are;
    None when it has none."""
    if not conversation.branches:
        return None
    alternatives = siblings(conversation, index)
    if len(alternatives) < 2:
        return None
    return alternatives.index(conversation.messages[index]) + 1, len(alternatives)


def _set_parent(message: Message, parent: str | None) -> None:
    message.parent = parent
    message.edition += 1


def set_aside(conversation: Conversation, start: int) -> list[Message]:
    """Move the current branch from ``start`` on into the branches; what was moved."""
    tail = conversation.messages[start:]
    parent = parent_id(conversation, start)
    del conversation.messages[start:]
    for message in tail:
        _set_parent(message, parent)
        parent = message.id
    conversation.branches.extend(tail)
    return tail


def _newest_line(first: Message, children: dict[str | None, list[Message]]) -> list[Message]:
    """``first`` and, below it, the line of messages that leads to the newest message."""
    newest: dict[str, datetime] = {}

    def latest(message: Message) -> datetime:
        if message.id not in newest:
            below = [latest(child) for child in children.get(message.id, ())]
            newest[message.id] = max([message.created_at, *below])
        return newest[message.id]

    line = [first]
    while kids := children.get(line[-1].id):
        line.append(max(kids, key=latest))
    return line


def bring_back(conversation: Conversation, line: list[Message]) -> None:
    """Make ``line`` part of the current branch, and below it the line that leads to the
    newest message: messages of the branches, the first following the current branch's
    last message, each of the others the one before it."""
    children: dict[str | None, list[Message]] = defaultdict(list)
    for message in conversation.branches:
        children[message.parent].append(message)
    line = [*line, *_newest_line(line[-1], children)[1:]]
    taken = {message.id for message in line}
    conversation.branches[:] = [m for m in conversation.branches if m.id not in taken]
    for message in line:
        _set_parent(message, None)
    conversation.messages.extend(line)


def reveal(conversation: Conversation, message_id: str) -> bool:
    """Show the branch that holds this message (a search hit in another branch): False
    if it is not in the branches."""
    by_id = {message.id: message for message in conversation.branches}
    target = by_id.get(message_id)
    if target is None:
        return False
    up = [target]  # the message, then the ones it follows, up to the branch's first
    while up[-1].parent in by_id:
        up.append(by_id[up[-1].parent])
    first = up[-1]
    on_branch = [message.id for message in conversation.messages]
    if first.parent is not None and first.parent not in on_branch:
        return False  # (it follows a message that is gone: not part of the tree)
    set_aside(conversation, 0 if first.parent is None else on_branch.index(first.parent) + 1)
    bring_back(conversation, up[::-1])
    conversation.touch()
    return True


def switch(conversation: Conversation, index: int, step: int) -> bool:
    """Show the previous (``step`` -1) or next (+1) alternative of the message at
    ``index``, and the messages below it; False when there is none that way."""
    alternatives = siblings(conversation, index)
    position = alternatives.index(conversation.messages[index]) + step
    if not 0 <= position < len(alternatives):
        return False
    set_aside(conversation, index)
    bring_back(conversation, [alternatives[position]])
    conversation.touch()
    return True


def fork(conversation: Conversation, index: int) -> None:
    """Make room for an alternative to the message at ``index`` (an edited message, a
    reply asked again): it and what follows become a branch, kept as they are."""
    set_aside(conversation, index)
    conversation.touch()


@dataclass(frozen=True)
class Snapshot:
    """The tree as it was before a change, for :func:`restore` (undo)."""

    messages: tuple[Message, ...]
    branches: tuple[tuple[Message, str | None], ...]


def snapshot(conversation: Conversation) -> Snapshot:
    return Snapshot(
        tuple(conversation.messages),
        tuple((message, message.parent) for message in conversation.branches),
    )


def restore(conversation: Conversation, before: Snapshot) -> None:
    """Put the tree back as it was (the messages themselves are the same objects)."""
    on_branch = {message.id for message in conversation.messages}
    for message in before.messages:
        if message.id not in on_branch or message.parent is not None:
            _set_parent(message, None)
    for message, parent in before.branches:
        if message.parent != parent or message.id in on_branch:
            _set_parent(message, parent)
    conversation.messages[:] = before.messages
    conversation.branches[:] = [message for message, _ in before.branches]
    conversation.touch()


def turn_span(conversation: Conversation, index: int) -> range:
    """What deleting the message at ``index`` removes: a message of yours goes with the
    replies to it; a reply goes alone."""
    messages = conversation.messages
    end = index + 1
    if messages[index].role == "user":
        while end < len(messages) and messages[end].role == "assistant":
            end += 1
    return range(index, end)


def delete(conversation: Conversation, index: int) -> list[Message]:
    """Remove the message at ``index`` (yours with its replies). The messages after it
    move up; the branches that followed a removed message follow the one before it. If
    nothing comes after it but another version of it, that version is shown. What was
    removed."""
    span = turn_span(conversation, index)
    removed = conversation.messages[span.start : span.stop]
    gone = {message.id for message in removed}
    parent = parent_id(conversation, index)
    del conversation.messages[span.start : span.stop]
    for message in conversation.branches:
        if message.parent in gone:
            _set_parent(message, parent)
    if index == len(conversation.messages):  # the end: show what else followed there
        others = [message for message in conversation.branches if message.parent == parent]
        if others:
            bring_back(conversation, [max(others, key=lambda message: message.created_at)])
    conversation.touch()
    return removed


def in_tree_order(conversation: Conversation) -> list[Message]:
    """The branches' messages, each branch whole and in order, after the message it
    follows (the oldest branch first): how a reader follows them."""
    known = {message.id for message in conversation.branches}
    children: dict[str | None, list[Message]] = defaultdict(list)
    for message in sorted(conversation.branches, key=lambda m: m.created_at):
        children[message.parent if message.parent in known else None].append(message)
    ordered: list[Message] = []
    waiting = list(reversed(children[None]))  # (each branch's first message)
    while waiting:
        message = waiting.pop()
        ordered.append(message)
        waiting.extend(reversed(children.get(message.id, [])))
    return ordered


def answers(message: Message) -> bool:
    """A reply that answers the message before it (what is sent back as its answer)."""
    return message.status not in (TurnStatus.FAILED, TurnStatus.STREAMING) and bool(
        message.text.strip()
    )


def unanswered(messages: Sequence[Message]) -> set[str]:
    """The ids of the user's messages with no reply to send back with them (their turn
    failed, or was never sent), except one a reply is streaming to now."""
    ids: set[str] = set()
    waiting: Message | None = None
    for message in messages:
        if message.role == "user":
            if waiting is not None:
                ids.add(waiting.id)
            waiting = message
        elif waiting is not None and (answers(message) or message.status is TurnStatus.STREAMING):
            waiting = None
    if waiting is not None:
        ids.add(waiting.id)
    return ids
