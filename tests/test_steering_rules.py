"""The rules behind steering (domain/steering.py) and "Save as defaults"
(config.save_defaults): no app running."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from claude_tui.config import ConfigError, Settings, load_settings, read_config_file, save_defaults
from claude_tui.domain.catalog import Catalog, ModelInfo
from claude_tui.domain.pricing import PriceTable
from claude_tui.domain.settings import ChatSettings
from claude_tui.domain.steering import (
    cannot_turn_off_words,
    fit_to_model,
    price_words,
    read_fields,
    size_words,
    toggled_thinking,
)

CATALOG = Catalog.fallback()


def model(model_id: str) -> ModelInfo:
    found = CATALOG.find(model_id)
    assert found is not None
    return found


def settings(**fields: object) -> ChatSettings:
    return ChatSettings(model="claude-sonnet-5-5", max_tokens=8192).with_changes(**fields)


def test_a_model_change_fits_thinking_effort_and_length_and_says_so() -> None:
    before = settings(thinking="adaptive", effort="max", max_tokens=100_000)
    fitted, notes = fit_to_model(
        before.with_changes(model="claude-haiku-4-5"), model("claude-haiku-4-5")
    )
    assert (fitted.model, fitted.thinking, fitted.effort, fitted.max_tokens) == (
        "claude-haiku-4-5",
        "budget",  # thinking stays on: Haiku 4.5 has no adaptive
        None,
        64_000,
    )
    assert notes == [
        "Claude Haiku 4.5 does not accept thinking adaptive: thinking is now budget.",
        "Claude Haiku 4.5 has no effort setting: effort is no longer sent.",
        "Claude Haiku 4.5 writes at most 64,000 tokens: max_tokens is now 64,000.",
    ]


def test_thinking_off_becomes_the_lowest_and_a_refused_effort_the_default() -> None:
    sonnet = model("claude-sonnet-5-5")
    fitted, notes = fit_to_model(settings(thinking="off", effort="xhigh"), sonnet)
    assert (fitted.thinking, fitted.effort) == ("between_tools", None)
    assert notes == [
        "Claude Sonnet 5.5 does not accept thinking off: thinking is now between tools only.",
        "Claude Sonnet 5.5 does not accept effort xhigh: effort is now the model default (high).",
    ]
    fitted, notes = fit_to_model(settings(thinking="off", effort="max"), sonnet)
    assert (fitted.thinking, fitted.effort) == ("between_tools", "high")
    assert notes[1] == "Thinking between tools works up to effort high: effort is now high."


def test_settings_that_fit_are_left_alone() -> None:
    fine = settings(thinking="adaptive", effort="low")
    assert fit_to_model(fine, model("claude-sonnet-5-5")) == (fine, [])


@pytest.mark.parametrize(
    ("model_id", "before", "after"),
    [
        ("claude-haiku-5-5", "adaptive", "off"),
        ("claude-haiku-5-5", "off", "adaptive"),
        ("claude-sonnet-5-5", "adaptive", "between_tools"),
        ("claude-sonnet-5-5", "between_tools", "adaptive"),
        ("claude-haiku-4-5", "off", "budget"),
        ("claude-haiku-4-5", "budget", "off"),
        ("claude-haiku-5-5", None, "adaptive"),
        ("claude-opus-5-5", "adaptive", None),  # always thinks: nothing to flip to
    ],
)
def test_alt_t_flips_between_thinking_and_the_lowest(
    model_id: str, before: str | None, after: str | None
) -> None:
    flipped = toggled_thinking(settings(model=model_id, thinking=before), model(model_id))
    assert (flipped.thinking if flipped else None) == after


def test_words_for_thinking_that_cannot_be_turned_off() -> None:
    assert cannot_turn_off_words(model("claude-sonnet-5-5")) == (
        "Claude Sonnet 5.5 cannot turn thinking off: its lowest is between tools."
    )
    assert cannot_turn_off_words(model("claude-opus-5-5")) == (
        "Claude Opus 5.5 always thinks: it cannot turn thinking off."
    )
    assert cannot_turn_off_words(model("claude-haiku-5-5")) == ""


def test_sizes_and_prices_in_short() -> None:
    assert [size_words(n) for n in (1_000_000, 200_000, 128_000, 1_500_000, None)] == [
        "1M",
        "200K",
        "128K",
        "1.5M",
        "?",
    ]
    table = PriceTable.default()
    assert price_words(table.lookup("claude-sonnet-5-5")) == "$2 / $10"
    assert price_words(table.lookup("claude-haiku-5-5")) == "$0.10 / $0.50"
    assert price_words(table.lookup("gpt-4o")) == "price unknown"


RAW = {
    "model": "claude-sonnet-4-6",
    "system": "Be brief.",
    "max_tokens": "4,000",
    "thinking": "budget",
    "thinking_budget": "2048",
    "effort": "default",
    "temperature": "0.5",
    "top_p": "",
    "stop_sequences": "END\n\nSTOP",
}


def test_the_panels_fields_read_into_settings() -> None:
    read, problems = read_fields(RAW, settings(), model("claude-sonnet-4-6"))
    assert problems == {}
    assert read == ChatSettings(
        model="claude-sonnet-4-6",
        max_tokens=4000,
        system="Be brief.",
        thinking="budget",
        thinking_budget=2048,
        temperature=0.5,
        stop_sequences=("END", "STOP"),
    )


@pytest.mark.parametrize(
    ("changes", "field", "sentence"),
    [
        ({"max_tokens": "abc"}, "max_tokens", "max_tokens must be a whole number of tokens"),
        ({"max_tokens": "70000"}, "max_tokens", "Claude Sonnet 4.6 writes at most 64,000 tokens"),
        ({"temperature": "3"}, "temperature", "temperature must be between 0 and 1"),
        ({"top_p": "a lot"}, "top_p", "top_p must be a number, or empty to leave it to the model"),
        ({"thinking_budget": "100"}, "thinking_budget", "at least 1024 tokens"),
        ({"thinking_budget": "5000"}, "thinking_budget", "below max_tokens (4,000)"),
        ({"thinking": "between_tools"}, "thinking", "does not accept thinking between_tools"),
        ({"effort": "xhigh"}, "effort", "Claude Sonnet 4.6 does not accept effort xhigh"),
    ],
)
def test_a_field_that_cannot_be_read_says_why(
    changes: dict[str, str], field: str, sentence: str
) -> None:
    read, problems = read_fields({**RAW, **changes}, settings(), model("claude-sonnet-4-6"))
    assert read is None
    assert sentence in problems[field]


# -- Save as defaults --------------------------------------------------------------

CONFIG = """\
# My claude-tui settings
api_key = "sk-ant-test"  # keep this secret
model = "claude-haiku-4-5"   # fast
effort = "low"
request_timeout = 30

[prices."claude-x"]
input = 1.0
cache_write_5m = 1.25
cache_write_1h = 2.0
cache_read = 0.1
output = 5.0
"""


def test_save_as_defaults_keeps_comments_other_keys_and_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    path.chmod(0o600)
    chosen = ChatSettings(
        model="claude-sonnet-4-6",
        max_tokens=2000,
        system="Line one.\nLine two.",
        thinking="budget",
        thinking_budget=1500,
        temperature=0.25,
        stop_sequences=("END",),
    )
    save_defaults(chosen, path)
    text = path.read_text()
    assert "# My claude-tui settings" in text
    assert 'api_key = "sk-ant-test"  # keep this secret' in text
    assert 'model = "claude-sonnet-4-6"   # fast' in text
    assert "effort" not in text  # not set: taken out, so the default holds
    assert '[prices."claude-x"]' in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_settings(config_path=path, environ={})
    assert loaded.chat_defaults() == chosen
    assert loaded.request_timeout == 30
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no file left beside it


def test_a_new_config_file_is_its_owners_alone(tmp_path: Path) -> None:
    path = tmp_path / "claude-tui" / "config.toml"
    save_defaults(ChatSettings(model="claude-opus-5-5", max_tokens=1000), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_config_file(path) == {"model": "claude-opus-5-5", "max_tokens": 1000}


def test_a_file_with_a_key_never_becomes_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('api_key = "sk-ant-test"\n')
    os.chmod(path, 0o644)  # (the app refuses to start on it; saving does not widen it)
    save_defaults(ChatSettings(model="claude-opus-5-5", max_tokens=1000), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_file_that_cannot_be_read_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("model = [unclosed\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        save_defaults(ChatSettings(model="claude-opus-5-5", max_tokens=1000), path)
    assert path.read_text() == "model = [unclosed\n"


def test_the_settings_remember_the_config_file_they_came_from(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text('model = "claude-haiku-4-5"\n')
    assert load_settings(config_path=path, environ={}).config_path == path
    assert Settings().config_path is None
