"""Alt+E in a real terminal: the app hands the terminal to the editor (``App.suspend``) and
takes it back afterwards, whether the editor wrote the draft or failed (a headless app,
as the Pilot tests run it, has no terminal to hand over: see tests/test_keymap.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from benchmarks.terminal import Terminal

from tests.test_cli_harness import KEY, Cli

ALT_E = "\x1be"
ENTER_APP_SCREEN = b"\x1b[?1049h"


def editor(folder: Path, body: str) -> Path:
    """An editor: a shell script that does ``body`` to the file ($f)."""
    path = folder / "editor.sh"
    path.write_text(f"#!/bin/sh\nfor f; do :; done\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def terminal_with(cli: Cli, visual: Path) -> Terminal:
    """The app in a terminal, ``visual`` its editor (by its name, its folder on PATH: a
    notice that names it wraps where the name allows)."""
    env = {**cli.environment(KEY), "TERM": "xterm-256color", "VISUAL": visual.name}
    env["PATH"] = f"{visual.parent}{os.pathsep}{env.get('PATH', '')}"
    return Terminal(cli.argv(), env=env, cwd=cli.data_dir.parent)


def type_then_edit(terminal: Terminal, draft: str) -> int:
    """Type ``draft`` into the app once it is up, then press Alt+E; where the output was
    before Alt+E."""
    terminal.wait_for("Start a conversation", timeout=60)
    terminal.send(draft)
    terminal.wait_for(draft, timeout=60)
    mark = terminal.mark()
    terminal.send(ALT_E)
    return mark


def test_the_app_takes_the_terminal_back_with_the_edited_draft(cli: Cli, tmp_path: Path) -> None:
    visual = editor(tmp_path, "printf ' (from the editor)' >> \"$f\"")
    with terminal_with(cli, visual) as terminal:
        mark = type_then_edit(terminal, "my draft")
        terminal.wait_for("my draft (from the editor)", since=mark, timeout=60)
        assert bytes(terminal._raw).count(ENTER_APP_SCREEN) == 2  # left, then taken back
        terminal.send(" and typed after")
        terminal.wait_for("and typed after", since=mark, timeout=60)


def test_an_editor_that_fails_gives_the_terminal_back_and_the_draft_stays(
    cli: Cli, tmp_path: Path
) -> None:
    visual = editor(tmp_path, "printf 'lost' > \"$f\"; exit 3")
    with terminal_with(cli, visual) as terminal:
        mark = type_then_edit(terminal, "kept words")
        terminal.wait_for("“editor.sh”", since=mark, timeout=60)  # the notice
        terminal.send(" and more")
        terminal.wait_for("kept words and more", since=mark, timeout=60)
