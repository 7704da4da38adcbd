"""Steering Claude from the app: the settings panel (F3), the model picker (Alt+P), the
thinking key (Alt+T) and the slash commands, against the fake API; judged by what the
conversation's file holds and what the next request carries."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from claude_tui import paths
from claude_tui.config import Settings
from claude_tui.domain.steering import FIELDS
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.model_picker import ModelPicker
from claude_tui.tui.screens.settings import SettingsScreen
from claude_tui.tui.slash import Command, parse
from claude_tui.tui.widgets.suggestions import Suggestions
from tests import ui
from tests.fake_api import FakeAnthropic


def told(app: ClaudeTUI) -> list[str]:
    """Every notification from now on, as its text."""
    messages: list[str] = []
    notify = app.notify

    def spy(message: str, **options: Any) -> None:
        messages.append(message)
        notify(message, **options)

    app.notify = spy  # type: ignore[method-assign]
    return messages


async def models_from_the_api(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    await ui.wait_until(pilot, lambda: ui.chat_screen(app).catalog.source == "api", 15)


async def open_panel(pilot: Pilot[Any], app: ClaudeTUI) -> SettingsScreen:
    """F3, once the API's model list is read."""
    await models_from_the_api(pilot, app)
    await pilot.press("f3")
    await ui.wait_for_screen(pilot, app, SettingsScreen)
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


def field(panel: SettingsScreen, name: str) -> Any:
    return panel.query_one(f"#settings-{name}")


async def fill(pilot: Pilot[Any], panel: SettingsScreen, **values: str) -> None:
    """Put values in the panel's fields, the model first (the other choices follow it)."""
    for name, value in sorted(values.items(), key=lambda item: item[0] != "model"):
        widget = field(panel, name)
        if isinstance(widget, TextArea):
            widget.load_text(value)
        else:
            widget.value = value
        await pilot.pause()


async def back_on_chat(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    await ui.wait_until(pilot, lambda: ui.on_chat_screen(app), what="the chat screen")
    await ui.wait_idle(pilot, app)


async def test_the_panel_saves_each_field_to_the_conversation_file(
    settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        panel = await open_panel(pilot, app)
        await fill(
            pilot,
            panel,
            model="claude-sonnet-4-6",
            system="Talk like a pirate.\nAlways.",
            max_tokens="3000",
            thinking="budget",
            thinking_budget="2048",
            effort="low",
            temperature="0.4",
            top_p="0.9",
            stop_sequences="END\nSTOP",
        )
        await pilot.press("ctrl+s")
        await back_on_chat(pilot, app)
        saved = ui.on_disk(data_dir, alpha.id)
        assert {key: saved[key] for key in saved if key in SETTING_KEYS} == {
            "model": "claude-sonnet-4-6",
            "system": "Talk like a pirate.\nAlways.",
            "max_tokens": 3000,
            "thinking": "budget",
            "thinking_budget": 2048,
            "effort": "low",
            "temperature": 0.4,
            "top_p": 0.9,
            "stop_sequences": ["END", "STOP"],
            "web_search": False,
        }
        assert "claude-sonnet-4-6" in ui.screen_text(app).splitlines()[-2]  # the status bar


SETTING_KEYS = [*FIELDS, "web_search"]


async def test_a_bad_value_is_refused_with_its_sentence_and_nothing_is_applied(
    settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    before = ui.on_disk(data_dir, alpha.id)
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        panel = await open_panel(pilot, app)
        field(panel, "max_tokens").focus()
        await pilot.press("ctrl+a", "ctrl+k")
        await ui.type_text(pilot, "abc")
        field(panel, "temperature").value = "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)  # still open
        text = ui.seen(app)
        assert "max_tokens must be a whole number of tokens" in text
        assert "temperature must be between 0 and 1" in text
        assert "Nothing is saved until every field can be read." in text
        assert field(panel, "max_tokens").has_focus  # the first to fix
        await pilot.press("escape")
        await back_on_chat(pilot, app)
        assert ui.open_conversation(app).max_tokens == 1024
        assert ui.on_disk(data_dir, alpha.id) == before


async def test_another_model_fits_thinking_and_effort_and_says_so(
    settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        panel = await open_panel(pilot, app)
        assert (
            "Claude Sonnet 5.5 cannot turn thinking off: its lowest is between tools."
            in ui.seen(app)
        )
        field(panel, "thinking").value = "adaptive"
        field(panel, "effort").value = "max"
        field(panel, "model").value = "claude-haiku-4-5"
        await pilot.pause()
        assert field(panel, "thinking").value == "budget"
        assert field(panel, "effort").disabled
        text = ui.seen(app)
        assert "Claude Haiku 4.5 does not accept thinking adaptive: thinking is now budget." in text
        assert "this model has no effort setting" in text
        assert "at most 64,000" in text
        await pilot.press("ctrl+s")
        assert "the thinking budget must be below max_tokens (1,024)" in ui.seen(app)
        field(panel, "max_tokens").value = "8000"
        await pilot.press("ctrl+s")
        await back_on_chat(pilot, app)
        conversation = ui.open_conversation(app)
        assert (conversation.model, conversation.thinking, conversation.effort) == (
            "claude-haiku-4-5",
            "budget",
            None,
        )


async def test_save_as_defaults_writes_the_config_and_new_conversations_start_with_them(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    config = paths.config_file()
    config.parent.mkdir(parents=True)
    config.write_text("# mine\nrequest_timeout = 30  # slow network\n")
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        panel = await open_panel(pilot, app)
        await fill(pilot, panel, model="claude-haiku-5-5", system="Answer in French.", effort="low")
        await pilot.click("#settings-defaults")
        await back_on_chat(pilot, app)
        assert ui.on_disk(data_dir, alpha.id)["system"] == "Answer in French."
        text = config.read_text()
        assert text.startswith("# mine\nrequest_timeout = 30  # slow network\n")
        assert tomllib.loads(text) | {"request_timeout": 30} == {
            "request_timeout": 30,
            "model": "claude-haiku-5-5",
            "max_tokens": 1024,
            "system": "Answer in French.",
            "effort": "low",  # (thinking not set: the file leaves it to the default)
        }
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: not ui.open_conversation(app).messages)
        await ui.send(pilot, app, "Bonjour")
        body = fake_api.requests[-1].body
        assert (body["model"], body["system"], body["output_config"]) == (
            "claude-haiku-5-5",
            "Answer in French.",
            {"effort": "low"},
        )


async def test_the_picker_filters_as_you_type_and_picks(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await models_from_the_api(pilot, app)
        await pilot.press("alt+p")
        await ui.wait_for_screen(pilot, app, ModelPicker)
        text = ui.seen(app)
        assert "● Claude Sonnet 5.5 claude-sonnet-5-5 1M 128K $2 / $10" in text
        assert "Claude Haiku 4.5 claude-haiku-4-5 200K 64K $1 / $5" in text
        assert "From the API, just now." in text
        await ui.type_text(pilot, "haiku")
        listing = app.screen.query_one("#picker-models", OptionList)
        assert [listing.get_option_at_index(n).id for n in range(listing.option_count)] == [
            "claude-haiku-5-5",
            "claude-haiku-4-5",
        ]
        await pilot.press("down", "enter")
        await back_on_chat(pilot, app)
        assert ui.on_disk(data_dir, alpha.id)["model"] == "claude-haiku-4-5"
        await ui.send(pilot, app, "Next question")
        assert fake_api.requests[-1].body["model"] == "claude-haiku-4-5"

        await ui.palette(pilot, app, "choose model", "Choose model", opens=ModelPicker)
        await pilot.press("escape")  # cancels
        await back_on_chat(pilot, app)
        assert ui.open_conversation(app).model == "claude-haiku-4-5"


async def test_the_offline_list_says_so_and_refuses_no_model(
    settings: Settings, data_dir: Path
) -> None:
    offline = replace(settings, base_url="http://127.0.0.1:9")  # nothing listens there
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(offline, open=alpha.id) as (app, pilot):
        await ui.wait_until(pilot, lambda: ui.chat_screen(app).catalog.fetched_at is None)
        await pilot.press("alt+p")
        await ui.wait_for_screen(pilot, app, ModelPicker)
        assert "Offline list: the API could not be asked." in ui.seen(app)
        await pilot.press("escape")
        await back_on_chat(pilot, app)
        await ui.submit(pilot, "/model claude-opus-9")
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).model == "claude-opus-9")


async def test_alt_t_flips_thinking_and_the_next_request_carries_it(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    async with ui.running(settings) as (app, pilot):
        messages = told(app)
        await models_from_the_api(pilot, app)
        await ui.wait_until(pilot, lambda: ui.chat_screen(app).ready)
        await pilot.press("alt+t")
        await ui.wait_until(pilot, lambda: "Thinking: between tools only" in messages)
        await ui.send(pilot, app, "Hello")
        assert fake_api.requests[-1].body["thinking"] == {"type": "between_tools"}
        await pilot.press("alt+t")
        await ui.wait_until(pilot, lambda: "Thinking: adaptive" in messages)
        await ui.send(pilot, app, "Again")
        assert fake_api.requests[-1].body["thinking"] == {
            "type": "adaptive",
            "display": "summarized",
        }
        assert ui.the_saved_conversation(settings.resolved_data_dir())["thinking"] == "adaptive"


def suggestions(app: ClaudeTUI) -> list[str]:
    box = ui.chat_screen(app).query_one(Suggestions)
    if not box.display:
        return []
    return [str(box.get_option_at_index(n).prompt) for n in range(box.option_count)]


async def test_slash_commands_complete_and_apply_and_are_never_sent(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        messages = told(app)
        await models_from_the_api(pilot, app)
        prompt = ui.prompt(app)
        await ui.type_text(pilot, "/")
        assert [row.split()[0] for row in suggestions(app)] == [
            "/model",
            "/system",
            "/effort",
            "/thinking",
            "/web",
            "/key",
        ]
        box = ui.chat_screen(app).query_one(Suggestions)
        await pilot.press("down", "down")  # each key moves on (the list is not remade)
        assert box.highlighted == 1
        await pilot.press("up")
        assert box.highlighted == 0
        await ui.type_text(pilot, "mo")
        await pilot.press("tab")
        assert prompt.text == "/model "
        await ui.type_text(pilot, "h4")
        assert suggestions(app) == ["claude-haiku-4-5  Claude Haiku 4.5"]
        await pilot.press("enter")  # completes
        assert prompt.text == "/model claude-haiku-4-5"
        assert suggestions(app) == []
        await pilot.press("enter")  # runs
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).model == "claude-haiku-4-5")
        assert prompt.text == ""

        await ui.submit(pilot, "/effort low")
        await ui.wait_until(pilot, lambda: "Claude Haiku 4.5 has no effort setting." in messages)
        assert prompt.text == "/effort low"  # refused: kept to fix
        prompt.load_text("")
        await ui.submit(pilot, "/thinking budget 2048")
        await ui.wait_until(pilot, lambda: "below max_tokens (1,024)" in messages[-1])
        prompt.load_text("")
        await ui.submit(pilot, "/thinking off")
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).thinking == "off")
        await ui.submit(pilot, "/system Be brief.")
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).system == "Be brief.")
        await ui.submit(pilot, "/model gpt-4o")
        await ui.wait_until(pilot, lambda: prompt.text == "/model gpt-4o")
        assert "claude-tui does not know the model 'gpt-4o'. The API lists:" in messages[-1]
        prompt.load_text("")
        await ui.submit(pilot, "/foo bar")
        await ui.wait_until(pilot, lambda: prompt.text == "/foo bar")
        assert "There is no command /foo" in messages[-1]
        await ui.wait_idle(pilot, app)
        assert fake_api.requests == []
        saved = ui.on_disk(data_dir, alpha.id)
        assert (saved["model"], saved["thinking"], saved["system"]) == (
            "claude-haiku-4-5",
            "off",
            "Be brief.",
        )

        prompt.load_text("")
        await ui.send(pilot, app, "/usr/bin/env is a path")  # not a command: sent
        assert fake_api.requests[-1].body["messages"][-1]["content"][0]["text"] == (
            "/usr/bin/env is a path"
        )


def test_what_is_a_slash_command() -> None:
    assert parse("/model") == Command("model", "")
    assert parse("/Model  claude-haiku-4-5 ") == Command("model", "claude-haiku-4-5")
    assert parse("/system Be brief.\nVery.") == Command("system", "Be brief.\nVery.")
    assert parse("/thinking budget 2048") == Command("thinking", "budget 2048")
    refusal = parse("/foo bar")
    assert isinstance(refusal, str)
    assert "There is no command /foo" in refusal and "/model, /system" in refusal
    for message in ("/usr/bin/env python", "/", "/ model", "hello /model", "/5% of it", " /foo"):
        assert parse(message) is None, message


async def test_a_model_change_mid_conversation_goes_on_with_the_new_model(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    async with ui.running(settings) as (app, pilot):
        await models_from_the_api(pilot, app)
        await ui.send(pilot, app, "First, with Sonnet")
        await ui.submit(pilot, "/model claude-haiku-4-5")
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).model == "claude-haiku-4-5")
        await ui.send(pilot, app, "Then with Haiku")
        body = fake_api.requests[-1].body
        assert body["model"] == "claude-haiku-4-5"
        assert body["thinking"]["type"] == "enabled"  # adaptive is not Haiku 4.5's
        conversation = ui.open_conversation(app)
        assert [m.model for m in conversation.messages if m.role == "assistant"] == [
            "claude-sonnet-5-5",
            "claude-haiku-4-5",
        ]
        assert conversation.messages[-1].error is None
        assert ui.the_saved_conversation(data_dir)["model"] == "claude-haiku-4-5"


async def test_each_conversation_keeps_its_settings_across_a_switch_and_a_relaunch(
    settings: Settings, data_dir: Path
) -> None:
    alpha, haiku, bravo = ui.seed(data_dir, "Alpha", "Haiku", "Bravo")
    path = data_dir / "conversations" / f"{haiku.id}.json"
    path.write_text(path.read_text().replace('"claude-sonnet-5-5"', '"claude-haiku-4-5"'))
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        assert ui.screen_text(app).splitlines()[-2].split()[0] == "claude-sonnet-5-5"
        ui.chat_screen(app).opening.open(haiku.id)
        await ui.wait_open(pilot, app, haiku.id)
        assert ui.screen_text(app).splitlines()[-2].split()[0] == "claude-haiku-4-5"
        await ui.submit(pilot, "/thinking off")
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).thinking == "off")
        ui.chat_screen(app).opening.open(alpha.id)
        await ui.wait_open(pilot, app, alpha.id)
        await ui.submit(pilot, "/effort max")
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).effort == "max")
        await ui.quit_app(pilot, app)
    assert ui.on_disk(data_dir, haiku.id)["thinking"] == "off"
    assert ui.on_disk(data_dir, alpha.id)["effort"] == "max"
    async with ui.running(settings, open=alpha.id) as (app, pilot):  # the one used last
        assert ui.open_conversation(app).effort == "max"
        ui.chat_screen(app).opening.open(haiku.id)
        await ui.wait_open(pilot, app, haiku.id)
        assert ui.open_conversation(app).thinking == "off"
        assert ui.screen_text(app).splitlines()[-2].split()[0] == "claude-haiku-4-5"
        assert ui.on_disk(data_dir, bravo.id)["effort"] is None


async def test_a_model_the_api_does_not_list_is_said_once(settings: Settings) -> None:
    async with ui.running(replace(settings, model="gpt-4o")) as (app, pilot):
        messages = told(app)
        await models_from_the_api(pilot, app)
        await ui.wait_until(pilot, lambda: any("gpt-4o" in m for m in messages))
        await ui.chat_screen(app).opening.read_models(refresh=True)  # the list again
        await ui.wait_idle(pilot, app)
        unknown = [m for m in messages if "gpt-4o" in m]
        assert unknown == [
            "claude-tui does not know the model 'gpt-4o'. The API lists: claude-fable-5-1, "
            "claude-opus-5-5, claude-sonnet-5-5, claude-haiku-5-5, claude-sonnet-4-6, "
            "claude-haiku-4-5. Alt+P picks another."
        ]


class StatusBar:
    """Stands for the status bar's message (``StatusBar.ModelClicked``, posted when its
    model is clicked) until it lands: the chat screen handles it by name."""

    class ModelClicked(Message):
        pass


async def test_a_click_on_the_model_in_the_status_bar_opens_the_panel(settings: Settings) -> None:
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: ui.chat_screen(app).ready)
        ui.chat_screen(app).post_message(StatusBar.ModelClicked())
        await ui.wait_for_screen(pilot, app, SettingsScreen)
