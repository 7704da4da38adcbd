"""A small cache of what the sidebar needs, so startup does not parse every conversation.

``index.json`` in the data directory maps each conversation id to its summary and to
the identity of the file it was read from (inode, size, modification and change times).
Listing compares that identity with a ``stat`` of each file and parses only the files
that changed, appeared, or that the index does not know; so an index that is missing,
stale or broken costs one full read and is then written anew. The conversation files
remain the truth: the index is never more than a cache and is safe to delete.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from claude_tui.domain.conversation import ConversationSummary
from claude_tui.store.files import INDEX_LIMIT, read_json, utf8, write_atomic

INDEX_VERSION = 2
FileKey = tuple[int, int, int, int]


def file_key(stat: os.stat_result) -> FileKey:
    """Every save replaces the file (a new inode), so this changes with each write."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


@dataclass(frozen=True)
class IndexEntry:
    key: FileKey
    summary: ConversationSummary

    def to_row(self) -> list[Any]:
        summary = self.summary
        return [*self.key, summary.updated_at.isoformat(), summary.message_count, summary.title]

    @classmethod
    def from_row(cls, conversation_id: str, row: Any) -> IndexEntry:
        """One entry of the file; raises ValueError (or TypeError) if it is malformed."""
        ino, size, mtime, ctime, updated, count, title = row
        key = (ino, size, mtime, ctime)
        if not all(type(part) is int for part in (*key, count)) or type(title) is not str:
            raise ValueError("index entry is malformed")
        updated_at = datetime.fromisoformat(updated)
        if updated_at.tzinfo is None:
            raise ValueError("index entry has a naive timestamp")
        return cls(key, ConversationSummary(conversation_id, title, updated_at, count))


class SummaryIndex:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, IndexEntry]:
        """The cached entries; an index that is missing or broken is simply empty."""
        try:
            data = read_json(self.path, INDEX_LIMIT)
            if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
                return {}
            entries = data["entries"]
            return {
                conversation_id: IndexEntry.from_row(conversation_id, row)
                for conversation_id, row in entries.items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def save(self, entries: dict[str, IndexEntry]) -> None:
        """Write the index; a failure only means the next start reads more files."""
        data = {
            "version": INDEX_VERSION,
            "entries": {cid: entry.to_row() for cid, entry in entries.items()},
        }
        with contextlib.suppress(OSError):
            write_atomic(self.path, utf8(json.dumps(data, ensure_ascii=False)))
