"""Steering a conversation, as rules: fitting its settings to a model, flipping thinking,
reading the settings panel's fields, and the words that say what a model takes and costs.

The settings panel, the model picker, Alt+T and the slash commands all go through here, so
they agree on what a model accepts and say it the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from claude_tui.domain.catalog import Catalog, ModelInfo
from claude_tui.domain.pricing import ModelPrice
from claude_tui.domain.settings import THINKING_WORDS, ChatSettings
from claude_tui.domain.values import SchemaError

THINKING_ON = ("adaptive", "budget")
"""The thinking choices that think on every turn (Alt+T flips between these and the lowest)."""

BETWEEN_TOOLS_EFFORTS = ("low", "medium", "high")
"""The efforts ``between_tools`` thinking works at (the API refuses it at xhigh and max)."""

WEB_TOOL_WORDS = {
    "web_search": ("Web search", "search the web"),
    "web_fetch": ("Web fetch", "fetch web pages"),
}
"""The web tools a conversation may turn on (when its model has them), in words."""

DEFAULT = "default"
"""The panel's choice for a knob left to the model (not sent)."""


def thinking_words(thinking: str | None, budget: int | None = None) -> str:
    """ "adaptive", "off", "budget (4,096 tokens)", "the model's default"."""
    if thinking is None:
        return "the model's default"
    if thinking == "budget" and budget:
        return f"budget ({budget:,} tokens)"
    return THINKING_WORDS.get(thinking, thinking)


def default_effort_words(model: ModelInfo | None) -> str:
    """ "model default (high)", or "model default" when the model's is not known."""
    effort = model.default_effort if model is not None else None
    return f"model default ({effort})" if effort else "model default"


def size_words(count: int | None) -> str:
    """A token count in short: 1M, 200K, 128K, 1.5M; "?" when not known."""
    if count is None:
        return "?"
    for unit, size in (("M", 1_000_000), ("K", 1_000)):
        if count >= size:
            shown = f"{count / size:.1f}".removesuffix(".0")
            return f"{shown}{unit}"
    return str(count)


def _dollars(value: float) -> str:
    return f"${value:,.2f}".replace(".00", "") if value >= 1 or value == 0 else f"${value:.2f}"


def price_words(price: ModelPrice | None) -> str:
    """ "$2 / $10" (input / output per million tokens), or "price unknown"."""
    if price is None:
        return "price unknown"
    return f"{_dollars(price.rates.input)} / {_dollars(price.rates.output)}"


def cannot_turn_off_words(model: ModelInfo) -> str:
    """Why "off" is not offered; empty when the model can turn thinking off."""
    if model.can_turn_thinking_off:
        return ""
    lowest = model.lowest_thinking
    if lowest in THINKING_ON:
        return f"{model.display_name} always thinks: it cannot turn thinking off."
    return (
        f"{model.display_name} cannot turn thinking off: its lowest is "
        f"{THINKING_WORDS[lowest].removesuffix(' only')}."
    )


def _thinking_instead(wanted: str, model: ModelInfo) -> str:
    """The nearest choice the model accepts: thinking stays on if it was on."""
    choices = model.thinking_choices
    if wanted in THINKING_ON:
        for choice in THINKING_ON:
            if choice in choices:
                return choice
    return model.lowest_thinking


def fit_to_model(settings: ChatSettings, model: ModelInfo) -> tuple[ChatSettings, list[str]]:
    """``settings`` made fit for ``model`` (the model they name is left as it is): a thinking
    choice, an effort or a max_tokens it does not take becomes the nearest it does. What
    changed, in sentences."""
    name = model.display_name
    notes: list[str] = []
    changes: dict[str, Any] = {}
    thinking = settings.thinking
    if thinking is not None and thinking not in model.thinking_choices:
        thinking = changes["thinking"] = _thinking_instead(thinking, model)
        notes.append(
            f"{name} does not accept thinking {THINKING_WORDS[settings.thinking or '']}: "
            f"thinking is now {THINKING_WORDS[thinking]}."
        )
    effort = settings.effort
    if effort is not None and effort not in model.effort_levels:
        effort = changes["effort"] = None
        if model.effort_levels:
            notes.append(
                f"{name} does not accept effort {settings.effort}: effort is now the "
                f"{default_effort_words(model)}."
            )
        else:
            notes.append(f"{name} has no effort setting: effort is no longer sent.")
    if thinking == "between_tools" and effort not in (None, *BETWEEN_TOOLS_EFFORTS):
        changes["effort"] = "high"
        notes.append("Thinking between tools works up to effort high: effort is now high.")
    if model.max_tokens is not None and settings.max_tokens > model.max_tokens:
        changes["max_tokens"] = model.max_tokens
        notes.append(
            f"{name} writes at most {model.max_tokens:,} tokens: max_tokens is now "
            f"{model.max_tokens:,}."
        )
    for tool, (label, does) in WEB_TOOL_WORDS.items():
        if getattr(settings, tool) and not getattr(model, tool):
            changes[tool] = False
            notes.append(f"{name} cannot {does}: {label.lower()} is now off.")
    return settings.with_changes(**changes), notes


def fitted_defaults(defaults: ChatSettings, catalog: Catalog) -> ChatSettings:
    """What a new conversation starts with: the defaults, fitted to the model when the
    catalog knows it (an unknown model gets them as they are: the API will say)."""
    model = catalog.find(defaults.model)
    return fit_to_model(defaults, model)[0] if model is not None else defaults


def toggled_thinking(settings: ChatSettings, model: ModelInfo) -> ChatSettings | None:
    """Alt+T: thinking on (adaptive, else budget) when it is off, between tools or left to
    the model; else the model's lowest. None when the model has nothing to flip to."""
    choices = model.thinking_choices
    if settings.thinking in THINKING_ON:
        target: str | None = model.lowest_thinking
        if target in THINKING_ON:
            target = None  # it always thinks
    else:
        target = next((choice for choice in THINKING_ON if choice in choices), None)
    if target is None:
        return None
    fitted, _ = fit_to_model(settings.with_changes(thinking=target), model)
    return fitted


def thinking_problem(settings: ChatSettings, model: ModelInfo | None) -> str | None:
    """Why ``model`` would refuse the settings' thinking, in words; None if it would not."""
    if model is None or settings.thinking is None or settings.thinking in model.thinking_choices:
        return None
    accepted = ", ".join(model.thinking_choices) or "none"
    name = model.display_name
    return f"{name} does not accept thinking {settings.thinking} (it takes {accepted})"


# -- the settings panel's fields ------------------------------------------------------

FIELDS = (
    "model",
    "system",
    "max_tokens",
    "thinking",
    "thinking_budget",
    "effort",
    "temperature",
    "top_p",
    "stop_sequences",
)
"""The fields of the panel, each read from text (or a choice) as the person left it."""


def _whole(text: str, name: str) -> int | None:
    text = text.strip().replace(",", "").replace("_", "")
    if not text:
        return None
    if not text.isdigit():
        raise SchemaError(f"{name} must be a whole number of tokens")
    return int(text)


def _number(text: str, name: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise SchemaError(f"{name} must be a number, or empty to leave it to the model") from None


def _field(name: str, raw: str | None, model: ModelInfo | None) -> Any:
    """The value of one field, from what the panel holds; SchemaError, in words."""
    text = raw or ""
    if name == "model":
        if not text:
            raise SchemaError("choose a model")
        return text
    if name == "system":
        return text if text.strip() else None
    if name == "max_tokens":
        count = _whole(text, "max_tokens")
        if count is None or count < 1:
            raise SchemaError("max_tokens must be at least 1")
        if model is not None and model.max_tokens is not None and count > model.max_tokens:
            raise SchemaError(f"{model.display_name} writes at most {model.max_tokens:,} tokens")
        return count
    if name == "thinking_budget":
        return _whole(text, "the thinking budget")
    if name in ("thinking", "effort"):
        return None if text in ("", DEFAULT) else text
    if name in ("temperature", "top_p"):
        return _number(text, name)
    if name == "stop_sequences":
        return tuple(line for line in text.splitlines() if line)
    raise KeyError(name)


def read_fields(
    raw: Mapping[str, str | None], base: ChatSettings, model: ModelInfo | None
) -> tuple[ChatSettings | None, dict[str, str]]:
    """The settings the panel's fields give (``raw`` by the names of :data:`FIELDS`), over
    ``base``; or None and, by field, the sentence that says what is wrong with it."""
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in FIELDS:
        if name not in raw:
            continue
        try:
            value = _field(name, raw[name], model)
            base.with_changes(**{name: value})  # each field checked on its own
        except SchemaError as error:
            problems[name] = str(error)
            continue
        values[name] = value
    if problems:
        return None, problems
    settings = base.with_changes(**values)
    thinking = thinking_problem(settings, model)
    if thinking is not None:
        problems["thinking"] = thinking
    if settings.thinking == "budget" and settings.budget >= settings.max_tokens:
        problems["thinking_budget"] = (
            f"the thinking budget must be below max_tokens ({settings.max_tokens:,})"
        )
    if settings.thinking == "between_tools" and settings.effort not in (
        None,
        *BETWEEN_TOOLS_EFFORTS,
    ):
        problems["effort"] = "thinking between tools works only at effort low, medium or high"
    if (
        model is not None
        and settings.effort is not None
        and settings.effort not in (model.effort_levels)
    ):
        problems["effort"] = f"{model.display_name} does not accept effort {settings.effort}"
    return (None, problems) if problems else (settings, {})
