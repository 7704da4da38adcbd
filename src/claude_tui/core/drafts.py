"""Unsent text, kept per conversation across restarts, in ``drafts.json``.

The key is the conversation id; the empty key holds the draft of a new conversation
that has no message yet (and so no file).
"""

from __future__ import annotations

import json
from pathlib import Path

from claude_tui.core.files import DIR_MODE, parse_json, utf8, write_atomic

DRAFTS_VERSION = 1


class DraftStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "drafts.json"

    def load(self) -> dict[str, str]:
        """The saved drafts; a missing or broken file means there are none."""
        try:
            data = parse_json(self.path.read_bytes())
            drafts = data["drafts"] if data.get("version") == DRAFTS_VERSION else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}
        if not isinstance(drafts, dict):
            return {}
        return {key: text for key, text in drafts.items()
                if isinstance(key, str) and isinstance(text, str) and text}

    def save(self, drafts: dict[str, str]) -> None:
        """Write every non-empty draft; raises OSError if the disk refuses."""
        data = {"version": DRAFTS_VERSION,
                "drafts": {key: text for key, text in drafts.items() if text}}
        self.root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        write_atomic(self.path, utf8(json.dumps(data, ensure_ascii=False, indent=1) + "\n"))
