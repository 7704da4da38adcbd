"""What each saved conversation was metered for, without parsing every file every time.

``usage.json`` in the data directory maps each conversation id to the identity of its
file (as ``index.json`` does, see ``store/index.py``) and to the requests the API reported
usage for in it: model, time and tokens, not prices. ``list`` and ``usage`` price them
with the price table of the moment, so new prices or overrides need no rebuild. A file
that changed is read again; a missing, old or broken ``usage.json`` costs one full read.

It is kept apart from ``index.json``, which the app reads before its first paint: the
sidebar does not need what every reply used.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from typing import Any

from claude_tui.domain.pricing import Metered, metered
from claude_tui.domain.usage import Usage
from claude_tui.domain.values import as_optional_string, format_timestamp, parse_timestamp
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.files import INDEX_LIMIT, read_json, utf8, write_atomic
from claude_tui.store.index import FileKey, file_key

USAGE_INDEX_VERSION = 1
Entry = tuple[FileKey, list[Metered]]


def _row(reply: Metered) -> list[Any]:
    usage = reply.usage
    return [
        reply.model,
        format_timestamp(reply.at),
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_creation_input_tokens,
        usage.cache_read_input_tokens,
    ]


def _reply(row: Any) -> Metered:
    """One metered reply of the file; raises ValueError (or TypeError) if malformed."""
    model, at, *tokens = row
    if len(tokens) != 4 or not all(type(count) is int for count in tokens):
        raise ValueError("usage entry is malformed")
    return Metered(as_optional_string(model), parse_timestamp(at), Usage(*tokens))


def _entry(raw: Any) -> Entry:
    *key, rows = raw
    if len(key) != 4 or not all(type(part) is int for part in key):
        raise ValueError("usage entry has a malformed file key")
    return (key[0], key[1], key[2], key[3]), [_reply(row) for row in rows]


class UsageIndex:
    def __init__(self, store: ConversationStore) -> None:
        self.store = store
        self.path = store.root / "usage.json"

    def metered(self, ids: Iterable[str]) -> dict[str, list[Metered]]:
        """The metered replies of each of these conversations (pass every one there is:
        the file keeps only those asked for). A conversation that cannot be read is left
        out: the listing reports it."""
        cached = self.load()
        fresh: dict[str, Entry] = {}
        for conversation_id in ids:
            try:
                key = file_key(os.stat(self.store.path_of(conversation_id)))
                known = cached.get(conversation_id)
                if known is not None and known[0] == key:
                    fresh[conversation_id] = known
                    continue
                stored = self.store.read(conversation_id)
            except (OSError, StoreError):
                continue
            fresh[conversation_id] = (stored.key, metered(stored.conversation.every_message))
        if fresh.keys() != cached.keys() or any(fresh[c] is not cached[c] for c in fresh):
            self.save(fresh)
        return {conversation_id: replies for conversation_id, (_, replies) in fresh.items()}

    def load(self) -> dict[str, Entry]:
        """The cached entries; a file that is missing, of another version or broken is empty."""
        try:
            data = read_json(self.path, INDEX_LIMIT)
            if not isinstance(data, dict) or data.get("version") != USAGE_INDEX_VERSION:
                return {}
            return {cid: _entry(raw) for cid, raw in data["entries"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def save(self, entries: dict[str, Entry]) -> None:
        """Write the file; a failure only means the next listing reads more files."""
        data = {
            "version": USAGE_INDEX_VERSION,
            "entries": {
                cid: [*key, [_row(reply) for reply in replies]]
                for cid, (key, replies) in entries.items()
            },
        }
        with contextlib.suppress(OSError):
            write_atomic(self.path, utf8(json.dumps(data, ensure_ascii=False)))
