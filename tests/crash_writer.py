"""A writer for tests/test_crash_consistency.py, to be killed at any moment.

    python -m tests.crash_writer DATA_DIR

Saves a few conversations with the real ConversationStore over and over, forever, each
save growing one of them as the app does: a question is saved, then its reply grows in
checkpoints while it streams, then ends. It carries on from whatever the files hold.

What it prints (flushed at once), one line each, ``STATE`` being ``COUNT LENGTH ENDED``
(how many messages, how long the last one's text, whether it has ended):

    loaded ID STATE   read at start (nothing printed for a conversation with no file)
    begin ID STATE    a save of this state is about to be written
    saved ID STATE    and is now on disk

Every message's text is ``text_of(ID, index)`` or, for a reply still streaming, the start
of it, so a checker can tell a file this writer wrote from any other.
"""

from __future__ import annotations

import sys
from itertools import count
from pathlib import Path

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationGone, ConversationStore

IDS = ("alpha", "beta", "gamma")
CHUNK = 97  # characters a checkpoint adds to a streaming reply

State = tuple[int, int, bool]


def text_of(conversation_id: str, index: int) -> str:
    """The whole text of message ``index``: a question (even) or a reply (odd)."""
    if index % 2 == 0:
        return f"{conversation_id} question {index // 2}: ça va ? 😀"
    words = f"{conversation_id} reply {index // 2} — ✓ 😀 ".split(" ")
    length = 400 + (index * 131) % 900
    text = ""
    while len(text) < length:
        text += words[len(text) % len(words)] + " "
    return text[:length]


def state_of(conversation: Conversation) -> State:
    if not conversation.messages:
        return (0, 0, True)
    last = conversation.messages[-1]
    return (len(conversation.messages), len(last.text), last.status is TurnStatus.COMPLETE)


def advance(conversation: Conversation) -> None:
    """One step further: a new question, a reply begun or grown, or a reply ended."""
    index = len(conversation.messages)
    last = conversation.messages[-1] if conversation.messages else None
    if last is None or (last.role == "assistant" and last.status is TurnStatus.COMPLETE):
        conversation.append(Message.user(text_of(conversation.id, index)))
        return
    if last.role == "user":
        conversation.append(
            Message(
                role="assistant",
                content=[TextBlock("")],
                status=TurnStatus.STREAMING,
                model="claude-sonnet-5-5",
            )
        )
        last = conversation.messages[-1]
    # A reply streaming, or cut off by a kill (it reads back as failed): it goes on.
    whole = text_of(conversation.id, len(conversation.messages) - 1)
    done = len(last.text)
    last.error = None
    if done < len(whole):
        last.content = [TextBlock(whole[: done + CHUNK])]
        last.status = TurnStatus.STREAMING
    else:
        last.status, last.stop_reason = TurnStatus.COMPLETE, "end_turn"
        last.usage = Usage(input_tokens=index, output_tokens=done)
    conversation.touch()


def report(word: str, conversation: Conversation) -> None:
    count_, length, ended = state_of(conversation)
    print(word, conversation.id, count_, length, int(ended), flush=True)


def open_or_start(store: ConversationStore, conversation_id: str) -> Conversation:
    try:
        conversation = store.load(conversation_id)
    except ConversationGone:
        return Conversation(model="claude-sonnet-5-5", max_tokens=1024, id=conversation_id)
    report("loaded", conversation)
    return conversation


def main(data_dir: str) -> None:
    store = ConversationStore(Path(data_dir))
    conversations = [open_or_start(store, conversation_id) for conversation_id in IDS]
    for step in count():
        conversation = conversations[step % len(conversations)]
        advance(conversation)
        report("begin", conversation)
        store.save(conversation)
        report("saved", conversation)


if __name__ == "__main__":
    main(sys.argv[1])
