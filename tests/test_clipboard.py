"""Copying: the text reaches the system's clipboard tool whole, the terminal always gets
it (OSC 52), the words say which happened; and when neither surely worked, the text can be
written to a file that only its owner reads.

The clipboard tools here are shell scripts in a folder that is the whole PATH, found the
way pyperclip finds the real ones (WAYLAND_DISPLAY, DISPLAY)."""

from __future__ import annotations

import os
import platform
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from claude_tui.config import Settings
from claude_tui.tui import clipboard as clipboard_module
from claude_tui.tui.clipboard import Clipboard, Copied, write_copy
from claude_tui.tui.screens.save_copy import SaveCopyScreen
from tests import ui

TEXT = (
    "Grüße — 日本語 😀\n"
    "```python\nprint('`x`' + \"$HOME\" + '\\\\')\n```\n"
    "\ttabbed, and a Windows line end\r\n"
    "last line without one"
)

CAT = shutil.which("cat")
ON_PLAIN_LINUX = platform.system() == "Linux" and "microsoft" not in platform.release().lower()
tools_as_on_linux = pytest.mark.skipif(
    not ON_PLAIN_LINUX or CAT is None, reason="pyperclip looks for these tools on Linux only"
)


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is the whole PATH; no display named."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    return folder


def install(folder: Path, name: str, body: str) -> None:
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)


def recording_tool(folder: Path, name: str) -> Path:
    """A tool that keeps what it is given in ``name.got`` and its arguments in
    ``name.args``."""
    got = folder.parent / f"{name}.got"
    install(folder, name, f'echo "$@" > "{got}.args"\n"{CAT}" > "{got}"')
    return got


class Host(App[None]):
    """The smallest app: what the terminal was sent shows in ``app.clipboard``."""


async def copy_in_an_app(text: str) -> tuple[Copied, str]:
    app = Host()
    async with app.run_test():
        copied = await Clipboard(app).copy(text)
        return copied, app.clipboard


# -- a tool is there -----------------------------------------------------------------


@tools_as_on_linux
@pytest.mark.parametrize(
    ("tool", "display", "arguments"),
    [
        ("wl-copy", "WAYLAND_DISPLAY", ""),
        ("xclip", "DISPLAY", "-selection c"),
        ("xsel", "DISPLAY", "-b -i"),
    ],
)
async def test_the_text_reaches_the_tool_and_the_terminal_whole(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch, tool: str, display: str, arguments: str
) -> None:
    got = recording_tool(bin_dir, tool)
    install(bin_dir, "wl-paste", "exit 0")  # pyperclip takes wl-copy only with wl-paste
    monkeypatch.setenv(display, "wayland-0" if display == "WAYLAND_DISPLAY" else ":0")

    copied, terminal = await copy_in_an_app(TEXT)

    assert got.read_bytes() == TEXT.encode("utf-8")
    assert Path(f"{got}.args").read_text().strip() == arguments
    assert terminal == TEXT
    assert copied == Copied(len(TEXT), tool)
    assert copied.words() == f"Copied {len(TEXT):,} characters ({tool} and the terminal)."


@tools_as_on_linux
async def test_wayland_is_used_before_x11_as_pyperclip_orders_them(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wayland = recording_tool(bin_dir, "wl-copy")
    install(bin_dir, "wl-paste", "exit 0")
    x11 = recording_tool(bin_dir, "xclip")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setenv("DISPLAY", ":0")

    copied, _ = await copy_in_an_app("one")

    assert (copied.tool, wayland.read_text(), x11.exists()) == ("wl-copy", "one", False)


@tools_as_on_linux
async def test_a_broken_character_arrives_as_a_replacement_not_a_crash(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = recording_tool(bin_dir, "xclip")
    monkeypatch.setenv("DISPLAY", ":0")

    copied, terminal = await copy_in_an_app("a\ud800b")  # a lone surrogate, as JSON allows

    assert (got.read_text(), terminal, copied.tool) == ("a\ufffdb", "a\ufffdb", "xclip")


# -- no tool, or one that fails ------------------------------------------------------


@tools_as_on_linux
async def test_without_a_tool_only_the_terminal_is_asked_and_the_words_say_so(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setenv("DISPLAY", ":0")

    copied, terminal = await copy_in_an_app(TEXT)

    assert terminal == TEXT
    assert copied == Copied(len(TEXT), None)
    assert copied.words() == (
        f"Copied {len(TEXT):,} characters to the terminal's clipboard (OSC 52). Some terminals"
        " ignore it, and no clipboard tool (wl-copy, xclip, xsel, pbcopy) was found."
    )


@tools_as_on_linux
async def test_a_tool_that_fails_is_named_and_the_terminal_still_has_the_text(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(bin_dir, "xclip", 'echo "Error: Can\'t open display: :0"; exit 1')
    monkeypatch.setenv("DISPLAY", ":0")

    copied, terminal = await copy_in_an_app("x")

    assert terminal == "x"
    assert copied == Copied(1, None, failed="xclip")
    assert copied.words() == (
        "Copied 1 character to the terminal's clipboard (OSC 52). "
        "Some terminals ignore it, and xclip failed."
    )


@tools_as_on_linux
async def test_a_tool_that_hangs_is_stopped_and_counts_as_failed(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleep = shutil.which("sleep", path="/usr/bin:/bin")
    assert sleep is not None
    install(bin_dir, "xsel", f'exec "{sleep}" 60')
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(clipboard_module, "TOOL_SECONDS", 0.2)

    copied, terminal = await copy_in_an_app("x")

    assert (copied.tool, copied.failed, terminal) == (None, "xsel", "x")


# -- to a file -----------------------------------------------------------------------


def test_write_copy_writes_the_text_for_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "copy.md"
    write_copy(TEXT, path)
    assert path.read_bytes() == TEXT.encode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_write_copy_never_replaces_a_file(tmp_path: Path) -> None:
    path = tmp_path / "copy.md"
    path.write_text("kept")
    with pytest.raises(FileExistsError):
        write_copy(TEXT, path)
    assert path.read_text() == "kept"


def unwrapped(text: str) -> str:
    """Without white space: a long path wraps anywhere on screen."""
    return "".join(text.split())


async def save_dialog(app: Any, pilot: Any, screen: SaveCopyScreen) -> list[Path | None]:
    """Open ``screen`` over the chat; the list gets its answer when it closes."""
    answers: list[Path | None] = []
    app.push_screen(screen, answers.append)
    await ui.wait_for_screen(pilot, app, SaveCopyScreen)
    return answers


async def test_the_dialog_writes_to_the_suggested_file_in_the_home_folder(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    async with ui.running(settings) as (app, pilot):
        answers = await save_dialog(app, pilot, SaveCopyScreen(TEXT))
        assert "~/claude-tui-copy-" in ui.seen(app)
        assert f"Write the {len(TEXT):,} characters to this file" in ui.seen(app)
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: bool(answers), what="the dialog to close")

    (written,) = home.glob("claude-tui-copy-*.md")
    assert answers == [written]
    assert written.read_bytes() == TEXT.encode("utf-8")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


async def test_a_missing_folder_is_said_in_the_dialog_and_another_name_then_works(
    settings: Settings, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "copy.md"
    async with ui.running(settings) as (app, pilot):
        answers = await save_dialog(app, pilot, SaveCopyScreen(TEXT, path=str(missing)))
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: "There is no folder" in ui.seen(app))
        assert unwrapped(f"There is no folder {missing.parent}") in unwrapped(ui.seen(app))
        assert isinstance(app.screen, SaveCopyScreen) and answers == []

        await pilot.press("ctrl+shift+a", "backspace")
        await ui.type_text(pilot, str(tmp_path / "copy.md"))
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: bool(answers), what="the dialog to close")

    assert not missing.parent.exists()
    assert answers == [tmp_path / "copy.md"]
    assert (tmp_path / "copy.md").read_bytes() == TEXT.encode("utf-8")


async def test_an_existing_file_is_kept_and_the_dialog_says_so(
    settings: Settings, tmp_path: Path
) -> None:
    taken = tmp_path / "notes.md"
    taken.write_text("mine")
    async with ui.running(settings) as (app, pilot):
        answers = await save_dialog(app, pilot, SaveCopyScreen(TEXT, path=str(taken)))
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: "already exists" in ui.seen(app))
        assert answers == [] and isinstance(app.screen, SaveCopyScreen)
    assert taken.read_text() == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
async def test_a_folder_without_permission_is_said_in_the_dialog(
    settings: Settings, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    async with ui.running(settings) as (app, pilot):
        await save_dialog(app, pilot, SaveCopyScreen(TEXT, path=str(locked / "copy.md")))
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: "permission denied" in ui.seen(app))
    assert list(locked.iterdir()) == []


async def test_escape_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "copy.md"
    async with ui.running(settings) as (app, pilot):
        answers = await save_dialog(app, pilot, SaveCopyScreen(TEXT, path=str(path)))
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: bool(answers), what="the dialog to close")
    assert answers == [None]
    assert not path.exists()
