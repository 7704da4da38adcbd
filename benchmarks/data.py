"""Saved conversations for the benchmarks, made with claude-tui's own models and store.

Replies are Markdown of a few hundred to a couple of thousand characters, with headings,
lists, inline code and fenced code blocks; user messages are a sentence or a short
paragraph. Everything comes from a seeded generator, so every run measures the same data.

Markers (``marker(n)``, ``LONG_END`` ...) are words that appear nowhere else, put in the
newest message of a conversation so that a benchmark can tell from the terminal output
when that message has been drawn.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore, encode

MODEL = "claude-sonnet-5-5"
NOW = datetime.now(UTC).replace(microsecond=0)

NEWEST_TITLE = "Newest: the sidebar marker"
LONG_TITLE = "A very long conversation"
LONG_END = "zqlongendqz"
RARE_WORD = "quokkaesque"  # in a few conversations (see many_conversations)
ABSENT_WORD = "zyzzyvas"  # in none

_WORD_TEXT = """
the a an of to in for on with by from as at that this which when where while because so
but or and not only also then than more most less each every any some many few all
function value return list dictionary string number error exception module package
import class method object instance variable constant loop iteration condition branch
file path directory stream buffer socket request response header body status cache index
query table column row record transaction commit rollback lock thread process memory
allocation garbage collector reference pointer slice array vector map set tree graph
node edge weight cost order sort search binary linear hash key lookup insert delete
update merge split join filter reduce fold compose pipeline stage worker queue event
handler callback promise future task schedule timeout retry backoff limit quota test
assertion fixture mock stub coverage benchmark profile trace log metric alert deploy
release version tag branch rebase conflict review approve reject comment issue simple
clear fast slow safe careful explicit implicit strict lenient small large usually often
rarely never always sometimes probably clearly simply roughly exactly
"""
_WORDS = tuple(_WORD_TEXT.split())

_LANGUAGES = {
    "python": [
        "def {name}(items: list[int]) -> int:",
        "    total = 0",
        "    for item in items:",
        "        if item % {n} == 0:",
        "            total += item * {n}",
        "    return total",
        "",
        "result = {name}(list(range({m})))",
        'print(f"{{result=}}")',
    ],
    "rust": [
        "fn {name}(items: &[i64]) -> i64 {{",
        "    items",
        "        .iter()",
        "        .filter(|x| *x % {n} == 0)",
        "        .map(|x| x * {n})",
        "        .sum()",
        "}}",
    ],
    "javascript": [
        "async function {name}(url) {{",
        "  const response = await fetch(url, {{ method: 'GET' }});",
        "  if (!response.ok) throw new Error(`status ${{response.status}}`);",
        "  const data = await response.json();",
        "  return data.items.slice(0, {n});",
        "}}",
    ],
    "bash": [
        "set -euo pipefail",
        "for file in ./data/*.json; do",
        "  jq '.items | length' \"$file\" >> counts-{n}.txt",
        "done",
        "sort -n counts-{n}.txt | tail -n {m}",
    ],
}


def marker(number: int) -> str:
    """A word drawn in the newest message of conversation ``number`` of a data set."""
    return f"zqmark{number:04d}qz"


class Writer:
    """Seeded text: sentences, Markdown replies, user messages."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def sentence(self, words: int | None = None) -> str:
        rng = self.random
        count = words or rng.randint(6, 18)
        chosen = rng.choices(_WORDS, k=count)
        if rng.random() < 0.3:
            chosen[rng.randrange(count)] = f"`{rng.choice(_WORDS)}_{rng.randint(1, 99)}()`"
        text = " ".join(chosen)
        return text[0].upper() + text[1:] + rng.choice(".....?!")

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.random.randint(2, 5)))

    def code_block(self) -> str:
        rng = self.random
        language = rng.choice(list(_LANGUAGES))
        name = f"{rng.choice(_WORDS)}_{rng.choice(_WORDS)}"
        n, m = rng.randint(2, 9), rng.randint(10, 999)
        lines = [line.format(name=name, n=n, m=m) for line in _LANGUAGES[language]]
        return f"```{language}\n" + "\n".join(lines) + "\n```"

    def bullet_list(self) -> str:
        return "\n".join(
            f"- {self.sentence(self.random.randint(4, 10))}"
            for _ in range(self.random.randint(2, 5))
        )

    def reply(self, length: int) -> str:
        """A Markdown reply of about ``length`` characters."""
        rng = self.random
        parts: list[str] = []
        if rng.random() < 0.4:
            parts.append(f"## {self.sentence(rng.randint(2, 5)).rstrip('.?!')}")
        size = 0
        while size < length:
            roll = rng.random()
            if roll < 0.5:
                part = self.paragraph()
            elif roll < 0.75:
                part = self.code_block()
            else:
                part = self.bullet_list()
            parts.append(part)
            size += len(part) + 2
        return "\n\n".join(parts)

    def user_text(self) -> str:
        if self.random.random() < 0.7:
            return self.sentence()
        return self.paragraph()


class ConversationFactory:
    """Realistic conversations, drawing texts from a pool (fast enough for thousands)."""

    def __init__(self, seed: int = 5, pool: int = 400) -> None:
        self.writer = Writer(seed)
        self.random = self.writer.random
        self.replies = [self.writer.reply(self.random.randint(300, 2000)) for _ in range(pool)]
        self.questions = [self.writer.user_text() for _ in range(pool)]

    def conversation(
        self, messages: int, updated_at: datetime, *, title: str | None = None, last_words: str = ""
    ) -> Conversation:
        """``messages`` messages (user and assistant in turn, ending with a reply);
        ``last_words`` end the newest message."""
        rng = self.random
        conversation = Conversation(model=MODEL, max_tokens=8192)
        start = updated_at - timedelta(minutes=2 * messages)
        prompt_tokens = 0
        for number in range(messages):
            stamp = start + timedelta(minutes=2 * number)
            if number % 2 == 0:
                message = Message.user(rng.choice(self.questions))
            else:
                text = rng.choice(self.replies)
                output = len(text) // 4
                message = Message(
                    role="assistant",
                    content=[TextBlock(text)],
                    status=TurnStatus.COMPLETE,
                    model=MODEL,
                    stop_reason="end_turn",
                    response_id=f"msg_bench{number:06d}",
                    usage=Usage(input_tokens=prompt_tokens + 20, output_tokens=output),
                )
                prompt_tokens += output + 20
            message.created_at = stamp
            conversation.append(message)
        if last_words and conversation.messages:
            last = conversation.messages[-1]
            last.content = [TextBlock(f"{last.text}\n\n{last_words}")]
        if title is not None:
            conversation.title, conversation.title_set_by_user = title, True
        conversation.created_at = start
        conversation.updated_at = updated_at
        return conversation


def write(store: ConversationStore, conversation: Conversation, *, durable: bool = True) -> None:
    """Save as the app does (``durable``: atomically, with fsync); or, for bulk data, the
    same bytes without the fsyncs (the app reads both alike)."""
    if durable:
        store.save(conversation)
    else:
        store.path_of(conversation.id).write_bytes(encode(conversation.to_dict()))


def _ages(count: int) -> Iterator[datetime]:
    """Newest first, a few hours apart: ``updated_at`` orders the sidebar."""
    for number in range(count):
        yield NOW - timedelta(minutes=5 + 137 * number)


def many_conversations(data_dir: Path, count: int, *, seed: int = 11, rare_in: int = 3) -> None:
    """``count`` conversations of 2 to 12 messages; the newest is titled NEWEST_TITLE;
    RARE_WORD is in ``rare_in`` of them, spread over the list."""
    store = ConversationStore(data_dir)
    store.ensure()
    factory = ConversationFactory(seed)
    rare = {count * (n + 1) // (rare_in + 1) for n in range(rare_in)}
    for number, updated_at in enumerate(_ages(count)):
        messages = factory.random.choice((2, 2, 4, 4, 6, 6, 8, 10, 12))
        conversation = factory.conversation(
            messages, updated_at, title=NEWEST_TITLE if number == 0 else None
        )
        if number in rare:
            first = conversation.messages[0]
            first.content = [TextBlock(f"{first.text} Is a {RARE_WORD} design a good idea?")]
        write(store, conversation, durable=False)
    os.sync()  # no writeback of these files during the measurements


def switching_conversations(
    data_dir: Path, *, long_messages: int = 2000, others: int = 101, seed: int = 23
) -> list[str]:
    """A conversation of ``long_messages`` messages (second in the list, its newest
    message ending with LONG_END) among ``others`` of 10 to 60 messages (``marker(n)``
    in the newest message of the n-th). Returns the ids, in the sidebar's order."""
    store = ConversationStore(data_dir)
    store.ensure()
    factory = ConversationFactory(seed)
    ids: list[str] = []
    ages = _ages(others + 1)
    for number in range(others + 1):
        updated_at = next(ages)
        if number == 1:
            conversation = factory.conversation(
                long_messages, updated_at, title=LONG_TITLE, last_words=f"The end: {LONG_END}."
            )
        else:
            index = number if number == 0 else number - 1
            size = factory.random.randrange(10, 61, 2)
            conversation = factory.conversation(
                size, updated_at, last_words=f"Marker: {marker(index)}."
            )
        write(store, conversation)
        ids.append(conversation.id)
    os.sync()
    return ids


def long_conversation(data_dir: Path, messages: int = 2000, seed: int = 31) -> Conversation:
    """One conversation of ``messages`` messages, saved; returned as saved."""
    store = ConversationStore(data_dir)
    store.ensure()
    conversation = ConversationFactory(seed).conversation(messages, NOW, title=LONG_TITLE)
    write(store, conversation)
    return conversation


def streamed_reply(size: int, seed: int = 41) -> str:
    """A Markdown reply of about ``size`` characters: sections with headings, paragraphs,
    lists and code blocks."""
    writer = Writer(seed)
    parts: list[str] = []
    total = 0
    section = 0
    while total < size:
        section += 1
        part = f"## Part {section}\n\n{writer.reply(1500)}"
        parts.append(part)
        total += len(part) + 2
    return "\n\n".join(parts)
