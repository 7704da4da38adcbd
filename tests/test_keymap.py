"""The user's keys: [keys] in the config remaps the bindings (F1, the footer and the
message menu show them as remapped), what cannot be used is said at start with both
actions of a clash named; Alt+E writes the draft in the user's editor; a right-click on a
message opens its menu."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from claude_tui.config import ConfigError, Settings, load_settings
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.dialogs import AskText
from claude_tui.tui.screens.help import HelpScreen
from claude_tui.tui.screens.message_menu import MessageMenu
from claude_tui.tui.widgets.message_log import MessageLog
from tests import ui


def with_keys(settings: Settings, **keys: str) -> Settings:
    return replace(settings, keys=keys)


def footer(app: ClaudeTUI) -> str:
    return ui.screen_text(app).splitlines()[-1]


def notices(app: ClaudeTUI) -> str:
    """The notifications showing, as one flat text."""
    return ui.flat(" ".join(str(toast.render()) for toast in app.screen.query("Toast")))


async def shown_notice(pilot: Pilot[Any], app: ClaudeTUI, words: str) -> str:
    await ui.wait_until(pilot, lambda: words in notices(app), what=words)
    return notices(app)


# -- [keys] in the config file ------------------------------------------------------


def test_the_keys_table_is_read_with_dotted_names_as_one_name(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\nnew_conversation = "ctrl+t"\nlog.copy = "Y"\n"chat.rename" = "f9"\n')
    settings = load_settings(config_path=path, environ={})
    assert settings.keys == {"new_conversation": "ctrl+t", "log.copy": "Y", "chat.rename": "f9"}


@pytest.mark.parametrize("value", ["1", '""', "true", '["ctrl+t"]'])
def test_a_key_that_is_not_a_string_stops_the_start_naming_it(tmp_path: Path, value: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[keys]\nnew_conversation = {value}\n")
    with pytest.raises(ConfigError, match=r"keys\.new_conversation must be a key in quotes"):
        load_settings(config_path=path, environ={})


# -- remapped keys ------------------------------------------------------------------


async def test_a_remapped_key_does_the_action_and_the_old_one_no_longer(
    settings: Settings, data_dir: Path
) -> None:
    [older] = ui.seed(data_dir, "An old talk")
    remapped = with_keys(settings, new_conversation="f9", toggle_sidebar="ctrl+n")
    async with ui.running(remapped, open=older.id, resume=True) as (app, pilot):
        assert "f9 New" in footer(app) and "^n Sidebar" in footer(app)
        assert "^n New" not in footer(app)
        await pilot.press("ctrl+n")  # the sidebar's now
        await ui.wait_until(pilot, lambda: not ui.sidebar(app).display, what="sidebar hidden")
        assert ui.open_conversation(app).id == older.id
        await pilot.press("f9")
        await ui.wait_until(
            pilot, lambda: ui.open_conversation(app).id != older.id, what="a new conversation"
        )
        assert "Start a conversation" in ui.seen(app)


async def test_f1_shows_the_keys_as_remapped_and_the_names_to_remap_them(
    settings: Settings,
) -> None:
    async with ui.running(with_keys(settings, **{"chat.new_conversation": "f9"})) as (app, pilot):
        await pilot.press("f1")
        await ui.wait_for_screen(pilot, app, HelpScreen)
        shown = ui.seen(app)
        assert "F9 new conversation new_conversation" in shown
        assert "Ctrl+N new conversation" not in shown
        assert "Ctrl+B hide / show the sidebar toggle_sidebar" in shown


async def test_what_cannot_be_used_is_said_at_start_naming_both_actions_of_a_clash(
    settings: Settings,
) -> None:
    wanted = with_keys(
        settings, new_conversation="ctrl+t", nope="x", quit="ctrl+tt", delete="f9", rename="f10"
    )
    async with ui.running(wanted) as (app, pilot):
        said = await shown_notice(pilot, app, "Keys in the config")
        clash = "Ctrl+T would be both “new conversation” (new_conversation) and “attach a file”"
        assert clash in said
        assert "(attach_file)" in said and "stays on Ctrl+N" in said
        assert "nope is no key's name" in said
        assert "ctrl+tt is no key name" in said
        assert "delete is chat.delete or log.delete: write which" in said
        # The clash left both keys as they were; what could be used is: F10 renames.
        await ui.wait_until(pilot, lambda: "^n New" in footer(app), what="Ctrl+N kept")
        await pilot.press("f10")
        await ui.wait_for_screen(pilot, app, AskText)
        assert "Rename conversation" in ui.seen(app)


async def test_a_key_in_the_input_box_is_a_clash_too(settings: Settings) -> None:
    async with ui.running(with_keys(settings, new_conversation="ctrl+e")) as (app, pilot):
        said = await shown_notice(pilot, app, "Ctrl+E would be both")
        assert "“new conversation” (new_conversation)" in said
        assert "stays on Ctrl+N" in said


async def test_a_swap_of_two_keys_is_no_clash(settings: Settings, data_dir: Path) -> None:
    swapped = with_keys(settings, new_conversation="ctrl+b", toggle_sidebar="ctrl+n")
    async with ui.running(swapped) as (app, pilot):
        await ui.wait_until(pilot, lambda: "^b New" in footer(app), what="the footer")
        assert "^n Sidebar" in footer(app)
        assert notices(app) == ""


# -- the message menu: a right-click, remapped keys ----------------------------------


async def test_a_right_click_on_a_message_opens_its_menu_with_the_keys_as_remapped(
    settings: Settings, data_dir: Path
) -> None:
    [conversation] = ui.seed(data_dir, "Talk")
    remapped = with_keys(settings, **{"log.copy": "Y"})
    async with ui.running(remapped, open=conversation.id, resume=True) as (app, pilot):
        log = app.screen.query_one(MessageLog)
        reply = log.message_views()[-1]
        await pilot.click(reply, offset=(4, 1), button=3)
        await ui.wait_for_screen(pilot, app, MessageMenu)
        shown = ui.seen(app)
        assert "Copy the message (Markdown) Y" in shown
        assert "Ask for the reply again r" in shown
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        focused = log.focused_message
        assert focused is not None and focused.id == conversation.messages[-1].id


async def test_a_left_click_on_a_message_opens_no_menu(settings: Settings, data_dir: Path) -> None:
    [conversation] = ui.seed(data_dir, "Talk")
    async with ui.running(settings, open=conversation.id, resume=True) as (app, pilot):
        log = app.screen.query_one(MessageLog)
        await pilot.click(log.message_views()[-1], offset=(4, 1))
        await ui.wait_until(pilot, lambda: log.has_focus, what="the log focused")
        await pilot.pause()
        assert ui.on_chat_screen(app)


# -- Alt+E: the draft in the user's editor -------------------------------------------


def script(folder: Path, name: str, body: str) -> Path:
    """An editor: a shell script that does ``body`` to the file ($f: its last argument)."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\nfor f; do :; done\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


async def edit_draft(pilot: Pilot[Any], app: ClaudeTUI, draft: str) -> None:
    await ui.wait_until(pilot, lambda: ui.chat_screen(app).ready)
    await ui.type_text(pilot, draft)
    await pilot.press("alt+e")


async def test_alt_e_brings_the_text_written_in_visual_back_into_the_input(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = script(tmp_path / "bin", "my editor", "printf ' and more\\nsecond line\\n' >> \"$f\"")
    monkeypatch.setenv("VISUAL", f"'{editor}' --wait")
    monkeypatch.setenv("EDITOR", "false")
    async with ui.running(settings) as (app, pilot):
        await edit_draft(pilot, app, "a draft")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text != "a draft", what="the edit")
        assert ui.prompt(app).text == "a draft and more\nsecond line"  # (the last \n: dropped)
        assert "a draft and more" in ui.seen(app)
        assert ui.prompt(app).has_focus
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
        assert ui.open_conversation(app).messages[0].text == "a draft and more\nsecond line"


async def test_editor_is_used_without_visual_then_nano_then_vi(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    script(bin_dir, "ed-editor", "printf 'EDITOR' > \"$f\"")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(bin_dir / "ed-editor"))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    async with ui.running(settings) as (app, pilot):
        await edit_draft(pilot, app, "x")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text == "EDITOR", what="$EDITOR")

        monkeypatch.delenv("EDITOR")
        script(bin_dir, "vi", "printf 'vi' > \"$f\"")
        monkeypatch.setenv("PATH", str(bin_dir))  # no nano: vi
        await pilot.press("alt+e")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text == "vi", what="vi")

        script(bin_dir, "nano", "printf 'nano' > \"$f\"")
        await pilot.press("alt+e")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text == "nano", what="nano")


@pytest.mark.parametrize(
    ("visual", "words"),
    [
        ("false", "The editor “false” ended with an error (status 1)."),
        ("/nowhere/no-editor", "Could not start the editor “/nowhere/no-editor”"),
        ("'unclosed", "$VISUAL is not a command line"),
    ],
)
async def test_an_editor_that_fails_leaves_the_draft_as_it_was_and_says_why(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, visual: str, words: str
) -> None:
    monkeypatch.setenv("VISUAL", visual)
    async with ui.running(settings) as (app, pilot):
        await edit_draft(pilot, app, "my words")
        said = await shown_notice(pilot, app, words)
        assert "The message is as it was." in said
        assert ui.prompt(app).text == "my words"


async def test_an_editor_that_writes_what_is_not_text_leaves_the_draft(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = script(tmp_path / "bin", "binary", "printf '\\377\\376' > \"$f\"")
    monkeypatch.setenv("VISUAL", str(editor))
    async with ui.running(settings) as (app, pilot):
        await edit_draft(pilot, app, "kept")
        await shown_notice(pilot, app, "Could not read what the editor wrote")
        assert ui.prompt(app).text == "kept"
