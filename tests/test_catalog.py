"""The model catalog (domain/catalog.py): what each model accepts, read from the API's JSON,
kept in the cache's form, and found by id."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from claude_tui.domain.catalog import FALLBACK_MODELS, Catalog, ModelInfo
from claude_tui.domain.values import SchemaError
from tests.conftest import FIXED_NOW
from tests.fake_models import MODELS

FALLBACK = Catalog.fallback()


def fallback(model_id: str) -> ModelInfo:
    model = FALLBACK.find(model_id)
    assert model is not None
    return model


def test_the_fallback_says_what_the_api_lists_for_the_same_models() -> None:
    for listed in MODELS:
        assert ModelInfo.from_api(listed.info()) == fallback(listed.id), listed.id


@pytest.mark.parametrize(
    ("model_id", "choices", "lowest", "effort"),
    [
        ("claude-fable-5-1", ("adaptive",), "adaptive", "high"),
        ("claude-opus-5-5", ("adaptive",), "adaptive", "medium"),
        ("claude-sonnet-5-5", ("between_tools", "adaptive"), "between_tools", "high"),
        ("claude-haiku-5-5", ("off", "adaptive", "budget"), "off", "medium"),
        ("claude-sonnet-4-6", ("off", "adaptive", "budget"), "off", None),
        ("claude-haiku-4-5", ("off", "budget"), "off", None),
    ],
)
def test_what_each_model_offers(
    model_id: str, choices: tuple[str, ...], lowest: str, effort: str | None
) -> None:
    model = fallback(model_id)
    assert model.thinking_choices == choices
    assert model.lowest_thinking == lowest
    assert model.can_turn_thinking_off == ("off" in choices)
    assert model.default_effort == effort


def test_the_effort_levels_and_limits() -> None:
    assert fallback("claude-fable-5-1").effort_levels == ("low", "medium", "high", "xhigh", "max")
    assert fallback("claude-sonnet-5-5").effort_levels == ("low", "medium", "high", "max")
    assert fallback("claude-haiku-4-5").effort_levels == ()
    haiku = fallback("claude-haiku-4-5")
    assert (haiku.max_input_tokens, haiku.max_tokens) == (200_000, 64_000)
    assert fallback("claude-opus-5-5").max_tokens == 128_000


def test_models_known_by_name_only_offer_everything_and_say_so() -> None:
    for model_id in ("claude-opus-4-8", "claude-opus-5", "claude-sonnet-5"):
        model = fallback(model_id)
        assert not model.capabilities_known
        assert (model.max_input_tokens, model.max_tokens) == (None, None)
        assert model.thinking_choices == ("off", "between_tools", "adaptive", "budget")
        assert model.effort_levels == ("low", "medium", "high", "xhigh", "max")


def test_a_listed_model_without_capabilities() -> None:
    known = ModelInfo.from_api(
        {"id": "claude-haiku-4-5", "display_name": "Haiku", "max_tokens": 32_000}
    )
    assert known == replace(fallback("claude-haiku-4-5"), display_name="Haiku", max_tokens=32_000)
    new = ModelInfo.from_api({"id": "claude-new-6", "capabilities": None})
    assert (new.display_name, new.capabilities_known, new.lifecycle) == (
        "claude-new-6",
        False,
        "active",
    )
    assert new.thinking_choices == ("off", "between_tools", "adaptive", "budget")
    assert new.default_effort is None


def test_capabilities_the_api_leaves_out_count_as_unsupported() -> None:
    model = ModelInfo.from_api(
        {
            "id": "claude-odd",
            "display_name": "Odd",
            "lifecycle": "deprecated",
            "max_input_tokens": True,
            "capabilities": {"thinking": {"types": {"enabled": {"supported": True}}}},
        }
    )
    assert (model.thinking_choices, model.lowest_thinking) == (("budget",), "budget")
    assert model.effort_levels == ()
    assert (model.image_input, model.pdf_input, model.web_search) == (False, False, False)
    assert (model.max_input_tokens, model.lifecycle, model.capabilities_known) == (
        None,
        "deprecated",
        True,
    )
    with pytest.raises(SchemaError):
        ModelInfo.from_api({"display_name": "No id"})


def test_every_model_comes_back_from_the_cache_form() -> None:
    for model in FALLBACK_MODELS:
        stored = json.loads(json.dumps(model.to_dict()))
        assert ModelInfo.from_dict(stored) == model
    del stored["lifecycle"]
    with pytest.raises(SchemaError, match="lifecycle"):
        ModelInfo.from_dict(stored)
    with pytest.raises(SchemaError):
        ModelInfo.from_dict([stored])


@pytest.mark.parametrize(
    "change",
    [
        {"id": 7},
        {"id": ""},
        {"max_tokens": "many"},
        {"max_tokens": False},
        {"thinking_types": ["sometimes"]},
        {"effort_levels": "high"},
        {"web_search": "yes"},
        {"capabilities_known": None},
    ],
)
def test_a_damaged_cache_entry_is_a_schema_error(change: dict[str, Any]) -> None:
    with pytest.raises(SchemaError):
        ModelInfo.from_dict({**fallback("claude-sonnet-5-5").to_dict(), **change})


def test_finding_a_model_by_its_id_with_or_without_a_date() -> None:
    dated = replace(fallback("claude-haiku-4-5"), id="claude-haiku-4-5-20251001")
    catalog = Catalog((fallback("claude-opus-5-5"), dated), FIXED_NOW, "api")
    assert catalog.find("claude-haiku-4-5-20251001") is dated
    assert catalog.find("claude-haiku-4-5") is dated
    assert catalog.find("claude-opus-5-5-20261028") == fallback("claude-opus-5-5")
    assert catalog.find("claude-opus-5") is None
    assert catalog.find("gpt-4o") is None
    assert catalog.ids() == ("claude-opus-5-5", "claude-haiku-4-5-20251001")
    assert fallback("claude-sonnet-5-5-20261101").default_effort == "high"


def test_a_list_from_the_api_is_trusted_for_a_day() -> None:
    catalog = Catalog(FALLBACK_MODELS, FIXED_NOW, "api")
    assert not catalog.is_stale(FIXED_NOW + timedelta(hours=23, minutes=59))
    assert catalog.is_stale(FIXED_NOW + timedelta(hours=24, minutes=1))
    assert catalog.is_stale(FIXED_NOW - timedelta(minutes=5))  # the clock went back
    assert FALLBACK.is_stale(FIXED_NOW)
    assert (FALLBACK.source, FALLBACK.fetched_at) == ("fallback", None)


def test_an_unknown_model_is_told_with_the_models_there_are() -> None:
    listed = Catalog(tuple(FALLBACK_MODELS[:2]), FIXED_NOW, "api")
    assert listed.unknown_model_words("gpt-4o") == (
        "claude-tui does not know the model 'gpt-4o'. "
        "The API lists: claude-fable-5-1, claude-opus-5-5."
    )
    words = FALLBACK.unknown_model_words("gpt\x1b[31m")
    assert words.startswith(
        "claude-tui does not know the model 'gpt␛[31m'. The API could not be asked; "
        "the models claude-tui knows are: claude-fable-5-1, claude-opus-5-5, "
    )
    assert words.endswith("claude-haiku-4-5.")
