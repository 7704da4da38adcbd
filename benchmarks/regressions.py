"""claude-tui, broken on purpose, to check that the benchmarks would catch it.

``python -m benchmarks.regressions KIND [claude-tui arguments]`` patches the app, then
runs it like ``python -m claude_tui``:

- ``rerender``: every redraw of a streaming reply parses and draws the whole reply
  again, instead of only its last two blocks. Figure 2 should show CPU per KB growing with
  the reply, and a late last chunk.
- ``parse-all``: the summary index is ignored, so every start parses every conversation
  file. Figure 4's usual start with 10,000 conversations should become as slow as the
  first start.

Used by ``python -m benchmarks --simulate KIND``; never by the figures otherwise.
"""

from __future__ import annotations

import sys
from typing import Any


def _rerender() -> None:
    from claude_tui.tui.widgets.long_text import _settled_length
    from claude_tui.tui.widgets.text_block import TextBlockView

    def catch_up(self: TextBlockView, text: str, *, final: bool = False) -> None:
        end = _settled_length(text, final)
        if end <= self.shown:
            return
        self.shown = end
        self._source, self._blocks, self._tail_start, self._stable = "", [], 0, 0
        self.append(text[:end])

    TextBlockView.catch_up = catch_up  # type: ignore[method-assign]


def _parse_all() -> None:
    from claude_tui.store.index import SummaryIndex

    def load(self: SummaryIndex) -> dict[str, Any]:
        return {}

    def save(self: SummaryIndex, entries: dict[str, Any]) -> None:
        pass

    SummaryIndex.load = load  # type: ignore[method-assign]
    SummaryIndex.save = save  # type: ignore[method-assign]


PATCHES = {"rerender": _rerender, "parse-all": _parse_all}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in PATCHES:
        print(
            f"usage: python -m benchmarks.regressions {{{','.join(PATCHES)}}} [ARGS]",
            file=sys.stderr,
        )
        return 2
    PATCHES[sys.argv[1]]()
    from claude_tui.cli import main as claude_tui

    return claude_tui(sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
