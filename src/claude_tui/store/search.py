"""Full-text search over every message of every conversation.

A message matches when it contains every word of the query, in any case. Files are read
in the order given (the sidebar's: most recently used first) and searching stops at
``limit`` hits, so the usual search reads only as far as it needs. Each file's raw text
is checked for the words before it is parsed, so files without a hit cost a read and a
lower-casing, not a JSON parse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from claude_tui.domain.text import contains_all, query_words
from claude_tui.domain.values import SchemaError
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.files import CONVERSATION_LIMIT, parse_json, read_regular

LIMIT = 200  # hits returned at most; more words narrow a search
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 100


@dataclass(frozen=True)
class SearchHit:
    conversation_id: str
    title: str
    message_id: str
    message_index: int
    role: str
    snippet: str
    match: tuple[int, int]  # where the first word is, within ``snippet``
    elsewhere: bool = False  # in another branch than the one shown (message_index: in it)


def snippet(text: str, word: str) -> tuple[str, tuple[int, int]]:
    """A one-line excerpt of ``text`` around the first ``word``, and where it is."""
    flat = " ".join(text.split())
    at = flat.lower().find(word)
    at = max(at, 0)
    start = max(0, at - SNIPPET_BEFORE)
    if start:  # begin at a word boundary
        space = flat.find(" ", start, at)
        start = space + 1 if space != -1 else start
    end = min(len(flat), start + max(SNIPPET_LENGTH, at - start + len(word)))
    prefix = "…" if start else ""
    suffix = "…" if end < len(flat) else ""
    shown = f"{prefix}{flat[start:end]}{suffix}"
    match_start = len(prefix) + at - start
    return shown, (match_start, match_start + len(word))


def _message_texts(data: Any, part: str = "messages") -> Iterable[tuple[int, str, str, str]]:
    """(index, id, role, text) of each message in a conversation's JSON form (of its
    other branches, with ``part`` "branches")."""
    messages = data.get(part) if isinstance(data, dict) else None
    if not isinstance(messages, list):
        return
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("content"), list):
            continue
        text = "\n\n".join(
            block["text"]
            for block in message["content"]
            if isinstance(block, dict)
            and block.get("type") == "text"
            and isinstance(block.get("text"), str)
        )
        yield index, str(message.get("id", "")), str(message.get("role", "")), text


def _raw_may_match(raw: str, words: list[str]) -> bool:
    """A cheap check on the file's text; exact for words JSON writes unescaped."""
    lowered = raw.lower()
    return all(word in lowered for word in words if json.dumps(word)[1:-1] == word)


def search(
    store: ConversationStore,
    query: str,
    order: Iterable[str],
    *,
    live: Mapping[str, dict[str, Any]] | None = None,
    limit: int = LIMIT,
    all_branches: bool = False,
) -> list[SearchHit]:
    """Messages containing every word of ``query``, conversation by conversation in
    ``order``; ``live`` holds the ``to_dict()`` of in-memory copies newer than their
    files. The branch each shows, or, with ``all_branches``, every branch."""
    parts = ("messages", "branches") if all_branches else ("messages",)
    words = query_words(query)
    hits: list[SearchHit] = []
    if not words:
        return hits
    for conversation_id in order:
        data: Any = (live or {}).get(conversation_id)
        if data is None:
            try:
                raw = read_regular(store.path_of(conversation_id), CONVERSATION_LIMIT)[0]
                if not _raw_may_match(raw.decode("utf-8"), words):
                    continue
                data = parse_json(raw)
            except (OSError, ValueError, StoreError, SchemaError):
                continue  # gone or unreadable since it was listed: nothing to find in it
        title = data.get("title") if isinstance(data, dict) else None
        found = (
            (part == "branches", *message)
            for part in parts
            for message in _message_texts(data, part)
        )
        for elsewhere, index, message_id, role, text in found:
            if contains_all(text, words):
                shown, match = snippet(text, words[0])
                hits.append(
                    SearchHit(
                        conversation_id=conversation_id,
                        title=title if isinstance(title, str) else conversation_id,
                        message_id=message_id,
                        message_index=index,
                        role=role,
                        snippet=shown,
                        match=match,
                        elsewhere=elsewhere,
                    )
                )
                if len(hits) >= limit:
                    return hits
    return hits
