"""Unsent text, kept per conversation across restarts, in ``drafts.json``.

The key is the conversation id; the empty key holds the draft of a new conversation
that has no message yet (and so no file).
"""

from __future__ import annotations

import json
from pathlib import Path

from claude_tui.domain.values import SchemaError
from claude_tui.store.files import DIR_MODE, INDEX_LIMIT, read_json, utf8, write_atomic

DRAFTS_VERSION = 1


class DraftStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "drafts.json"

    def load(self) -> dict[str, str]:
        """The saved drafts; a missing file means there are none. Raises SchemaError for
        a file that cannot be read (the caller sets it aside before the next save): not
        JSON, not a regular file, too big."""
        try:
            data = read_json(self.path, INDEX_LIMIT)
        except OSError:
            return {}
        try:
            drafts = data["drafts"] if data.get("version") == DRAFTS_VERSION else {}
        except (KeyError, TypeError, AttributeError) as error:
            raise SchemaError("not a drafts file") from error
        if not isinstance(drafts, dict):
            raise SchemaError("not a drafts file")
        return {
            key: text
            for key, text in drafts.items()
            if isinstance(key, str) and isinstance(text, str) and text
        }

    def save(self, drafts: dict[str, str]) -> None:
        """Write every non-empty draft; raises OSError if the disk refuses."""
        data = {
            "version": DRAFTS_VERSION,
            "drafts": {key: text for key, text in drafts.items() if text},
        }
        self.root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        write_atomic(self.path, utf8(json.dumps(data, ensure_ascii=False, indent=1) + "\n"))
