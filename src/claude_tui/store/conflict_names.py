"""The names sync tools give the second copy of a file that changed on two machines.

- Syncthing: ``<id>.sync-conflict-<YYYYMMDD>-<HHMMSS>-<device>.json``
- Dropbox: ``<id> (<Computer>'s conflicted copy <YYYY-MM-DD>).json``, and the older
  ``<id> (conflicted copy <YYYY-MM-DD>).json``
- git (``git mergetool``'s backup, or a side saved by hand): ``<id>.json.orig``
- iCloud Drive: ``<id> 2.json``. A plain number is a risky sign (a person could name a
  file so), so only for ids of the form this app makes (32 hex digits), and the copy is
  merged only when the id inside it is that one (see ``store/conflicts.py``).
"""

from __future__ import annotations

import re

_PATTERNS = (
    re.compile(r"(?P<id>.+)\.sync-conflict-\d{8}-\d{6}-[0-9A-Z]{7}\.json"),
    re.compile(
        r"(?P<id>.+) \((?:.+['\u2019]s )?conflicted copy(?: \d{4}-\d{2}-\d{2})?(?: \(\d+\))?\)"
        r"(?: \(\d+\))?\.json"
    ),
    re.compile(r"(?P<id>.+)\.json\.orig"),
    re.compile(r"(?P<id>[0-9a-f]{32}) (?:[2-9]|[1-9][0-9]+)\.json"),
)


def conflict_of(name: str) -> str | None:
    """The id of the conversation a file named ``name`` is a sync tool's conflict copy of,
    or None when the name is not one of theirs."""
    if name.startswith("."):  # (a temporary file of ours, or of a sync tool)
        return None
    for pattern in _PATTERNS:
        found = pattern.fullmatch(name)
        if found is not None:
            return found["id"]
    return None
