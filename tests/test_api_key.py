"""The API key set inside the app: asked for at the first start without one and after the
API refuses one (401), and with /key; checked with one request, kept for the session or
saved in the config file (0600); never shown, told or written anywhere else."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import anthropic
import pytest
from textual import events
from textual.pilot import Pilot

from claude_tui import paths
from claude_tui.config import Settings, load_settings, save_api_key
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.api_key import ApiKeyScreen
from tests import ui
from tests.fake_api import FakeAnthropic

GOOD = "sk-ant-api03-good-0123456789"
WRONG = "sk-ant-api03-wrong-9876543210"


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste ``text`` into what has the focus, as a terminal sends a paste."""
    focused = pilot.app.focused
    assert focused is not None
    focused.post_message(events.Paste(text))
    await pilot.pause()
    await pilot.pause()


def everything_written(*folders: Path) -> str:
    """Every file under ``folders``, as text (what the app wrote: conversations, drafts,
    the index, the model cache)."""
    return "\n".join(
        path.read_text(errors="replace")
        for folder in folders
        if folder.exists()
        for path in folder.rglob("*")
        if path.is_file()
    )


def notices(app: ClaudeTUI) -> str:
    return " ".join(f"{n.title} {n.message}" for n in app._notifications)


async def test_the_first_start_without_a_key_asks_for_one_and_then_a_reply_streams(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path, tmp_path: Path
) -> None:
    fake_api.keys = {GOOD}
    async with ui.running(replace(settings, api_key=None)) as (app, pilot):
        await ui.wait_until(pilot, lambda: ui.key_dialog_open(app), what="the key dialog")
        shown = ui.seen(app)
        assert "No API key is set" in shown
        assert "console.anthropic.com → API keys" in shown
        assert "kept for this session only" in shown

        await pilot.press("enter")  # nothing pasted yet
        await ui.wait_until(pilot, lambda: "Paste a key first." in ui.seen(app))

        await paste(pilot, WRONG)
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: "The API refused this key" in ui.seen(app))
        assert "invalid x-api-key" in ui.seen(app)
        assert ui.key_dialog_open(app)  # still there, for another try
        assert WRONG not in ui.screen_text(app) and "•" * 10 in ui.screen_text(app)
        assert fake_api.all_requests[-1].path.startswith("/v1/models")

        await paste(pilot, f"  {GOOD}\n")  # (it replaces the refused one; white space goes)
        await ui.wait_until(pilot, lambda: "refused" not in ui.seen(app), what="no old words")
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: not ui.key_dialog_open(app), what="the dialog to close")
        assert "The API key works." in notices(app)
        assert "no API key" not in ui.seen(app)

        await ui.send(pilot, app, "hello there")
        assert "hello there" in ui.seen(app).split("You hello there", 1)[1]  # the echo
        assert fake_api.requests[-1].headers["authorization"] == f"Bearer {GOOD}"
        everywhere = ui.screen_text(app) + notices(app)
    assert GOOD not in everywhere and WRONG not in everywhere
    assert not paths.config_file().exists()  # for this session only
    assert GOOD not in everything_written(data_dir, tmp_path / "xdg-cache")


async def test_after_a_401_a_new_key_saved_and_ctrl_r_retries_the_turn(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.keys = {GOOD}
    async with ui.running(replace(settings, api_key=WRONG)) as (app, pilot):
        await ui.wait_until(pilot, lambda: app.chat.ready)
        await ui.send(pilot, app, "Please answer")
        await ui.wait_until(pilot, lambda: ui.key_dialog_open(app), what="the key dialog")
        assert "The API refused the key." in ui.seen(app)
        await pilot.press("escape")  # a look at the failure first
        await ui.wait_until(pilot, lambda: not ui.key_dialog_open(app))
        shown = ui.seen(app)
        assert "The API key was refused." in shown
        assert "Paste another key with /key" in shown and "Press Ctrl+R to retry." in shown
        assert "restart" not in shown

        await ui.submit(pilot, "/key")
        await ui.wait_until(pilot, lambda: ui.key_dialog_open(app), what="the key dialog")
        await paste(pilot, GOOD)
        await pilot.press("ctrl+s")  # save it
        await ui.wait_until(pilot, lambda: "which only you can read" in ui.seen(app))
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: not ui.key_dialog_open(app), what="the dialog to close")
        told = notices(app)
        assert f"saved in {paths.config_file()}" in told and "Press Ctrl+R to retry." in told

        await pilot.press("ctrl+r")
        await ui.wait_idle(pilot, app)
        app.clear_notifications()
        await ui.wait_until(pilot, lambda: "The API key works" not in ui.seen(app))
        assert "said = 'Please answer'" in ui.seen(app).split("The API key was refused.", 1)[1]
        assert fake_api.requests[-1].headers["authorization"] == f"Bearer {GOOD}"
        everywhere = ui.screen_text(app) + notices(app)
    assert GOOD not in everywhere
    messages = ui.the_saved_conversation(data_dir)["messages"]
    assert [m.get("status") for m in messages] == [None, "failed", "complete"]
    assert GOOD not in everything_written(data_dir) and WRONG not in everything_written(data_dir)
    config = paths.config_file()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert f'api_key = "{GOOD}"' in config.read_text()
    assert load_settings(environ={}).api_key == GOOD  # the next start takes it


async def test_a_key_that_cannot_be_checked_is_not_taken(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.stop()  # nothing listens there now
    async with ui.running(replace(settings, api_key=None)) as (app, pilot):
        await ui.wait_until(pilot, lambda: ui.key_dialog_open(app), what="the key dialog")
        await paste(pilot, GOOD)
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: "could not be checked" in ui.seen(app))
        assert "Could not reach the API." in ui.seen(app)
        assert ui.key_dialog_open(app)
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: "no API key: /key sets one" in ui.seen(app))
        assert not app.services.client.has_credentials


async def test_a_key_with_a_space_inside_is_refused_without_asking(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    async with ui.running(replace(settings, api_key=None)) as (app, pilot):
        await ui.wait_until(pilot, lambda: ui.key_dialog_open(app), what="the key dialog")
        await paste(pilot, "sk-ant secret")
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: "has a space" in ui.seen(app))
        assert "secret" not in ui.seen(app)
    assert fake_api.all_requests == []


async def test_the_palette_opens_the_dialog_and_escape_leaves_the_key_as_it_was(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: app.chat.ready)
        assert not ui.key_dialog_open(app)  # a key is set: nothing asked at the start
        await ui.palette(pilot, app, "Set API key", "Set API key…", opens=ApiKeyScreen)
        await paste(pilot, WRONG)
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: not ui.key_dialog_open(app))
        await ui.send(pilot, app, "still the old key")
    assert fake_api.requests[-1].headers["authorization"] == "Bearer test-key"


def test_saving_the_key_keeps_the_file_and_makes_it_the_owners_alone(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('# my settings\nmodel = "claude-opus-5-5"  # the big one\n')
    config.chmod(0o644)
    save_api_key(f" {GOOD}\n", config)
    assert config.read_text() == (
        f'# my settings\nmodel = "claude-opus-5-5"  # the big one\napi_key = "{GOOD}"\n'
    )
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert load_settings(config_path=config, environ={}).api_key == GOOD


def test_a_new_config_file_with_the_key_is_made_0600(tmp_path: Path) -> None:
    config = tmp_path / "new" / "config.toml"
    save_api_key(GOOD, config)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert load_settings(config_path=config, environ={}).api_key == GOOD


@pytest.mark.parametrize("path", ["/v1/models", "/v1/messages"])
def test_the_fake_api_refuses_a_wrong_key_as_the_api_does(
    fake_api: FakeAnthropic, path: str
) -> None:
    fake_api.keys = {GOOD}
    client = anthropic.Anthropic(api_key=WRONG, base_url=fake_api.url, max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as raised:
        if path == "/v1/models":
            client.models.list(limit=1)
        else:
            client.messages.create(
                model="claude-sonnet-5-5",
                max_tokens=10,
                messages=[{"role": "user", "content": "hi"}],
            )
    assert raised.value.body == {
        "type": "error",
        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
    }
    good = anthropic.Anthropic(api_key=GOOD, base_url=fake_api.url, max_retries=0)
    assert good.models.list(limit=1).data
