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
from pathlib import Path
from typing import Any

from claude_tui.core.files import write_atomic
from claude_tui.core.models import ConversationSummary, SchemaError, parse_timestamp

INDEX_VERSION = 1
FileKey = tuple[int, int, int, int]


def file_key(stat: os.stat_result) -> FileKey:
    """Every save replaces the file (a new inode), so this changes with each write."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


@dataclass(frozen=True)
class IndexEntry:
    key: FileKey
    summary: ConversationSummary

    def to_dict(self) -> dict[str, Any]:
        summary = self.summary
        return {
            "key": list(self.key),
            "title": summary.title,
            "updated_at": summary.updated_at.isoformat(),
            "message_count": summary.message_count,
        }

    @classmethod
    def from_dict(cls, conversation_id: str, data: Any) -> IndexEntry:
        if not isinstance(data, dict):
            raise SchemaError("index entry is not an object")
        key, title, count = data.get("key"), data.get("title"), data.get("message_count")
        if (
            not isinstance(key, list)
            or len(key) != 4
            or not all(isinstance(part, int) for part in key)
            or not isinstance(title, str)
            or not isinstance(count, int)
        ):
            raise SchemaError("index entry is malformed")
        summary = ConversationSummary(
            id=conversation_id,
            title=title,
            updated_at=parse_timestamp(data.get("updated_at")),
            message_count=count,
        )
        return cls((key[0], key[1], key[2], key[3]), summary)


class SummaryIndex:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, IndexEntry]:
        """The cached entries; an index that is missing or broken is simply empty."""
        try:
            data = json.loads(self.path.read_bytes())
            if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
                return {}
            entries = data["entries"]
            return {
                conversation_id: IndexEntry.from_dict(conversation_id, entry)
                for conversation_id, entry in entries.items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def save(self, entries: dict[str, IndexEntry]) -> None:
        """Write the index; a failure only means the next start reads more files."""
        data = {
            "version": INDEX_VERSION,
            "entries": {cid: entry.to_dict() for cid, entry in entries.items()},
        }
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(data, ensure_ascii=False).encode())
