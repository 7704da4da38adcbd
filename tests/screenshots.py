"""The README's screenshots: chosen snapshot SVGs, copied to ``docs/screenshots/`` under
names that say what they show.

    .venv/bin/python -m tests.screenshots      # from the repository root

The snapshot tests (``tests/test_snapshots.py``) draw the real app with fixed data, so the
pictures are what a user sees. Run this after the snapshots change
(``pytest -n 0 tests/test_snapshots.py --snapshot-update``), look at them, and commit
``docs/screenshots/``. It replaces the folder's SVGs with the ones below, and removes
any other SVG there.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "__snapshots__" / "test_snapshots"
SCREENSHOTS = ROOT / "docs" / "screenshots"

CHOSEN = {  # the name in docs/screenshots/: the snapshot it is
    "conversation.svg": "test_markdown_and_code_block.svg",
    "thinking.svg": "test_thinking_expanded.svg",
    "web-search.svg": "test_cited_text_and_its_sources.svg",
    "branches.svg": "test_cursor_on_a_message_with_branches.svg",
    "attachments.svg": "test_the_input_with_chips.svg",
    "settings.svg": "test_steering_dialogs[f3-settings].svg",
    "failed-reply.svg": "test_failed_turn.svg",
    "keys.svg": "test_help_screen.svg",
}


def copy_screenshots(snapshots: Path = SNAPSHOTS, screenshots: Path = SCREENSHOTS) -> list[Path]:
    """Copy the chosen snapshots; the files written. Raises FileNotFoundError, naming the
    snapshot, if one of them is not there (renamed or removed by a change to the tests)."""
    missing = [name for name in CHOSEN.values() if not (snapshots / name).is_file()]
    if missing:
        raise FileNotFoundError(f"no snapshot {', '.join(missing)} in {snapshots}")
    screenshots.mkdir(parents=True, exist_ok=True)
    for old in screenshots.glob("*.svg"):
        if old.name not in CHOSEN:
            old.unlink()
    written = []
    for name, snapshot in CHOSEN.items():
        target = screenshots / name
        shutil.copyfile(snapshots / snapshot, target)
        written.append(target)
    return written


def main() -> int:
    try:
        written = copy_screenshots()
    except FileNotFoundError as error:
        print(f"screenshots: {error}; update CHOSEN in {Path(__file__).name}", file=sys.stderr)
        return 1
    for path in written:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
