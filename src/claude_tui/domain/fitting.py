"""Settings fitted to a model: what the model does not accept is changed to what it does,
and said in words (a new conversation, or a model picked for one, never starts with a
request the API is sure to refuse)."""

from __future__ import annotations

from typing import Protocol

from claude_tui.domain.catalog import Catalog, ModelInfo
from claude_tui.domain.settings import THINKING_WORDS, ChatSettings


def _thinking_for(wanted: str, info: ModelInfo) -> str:
    """The nearest thinking choice the model allows: thinking stays on if it was on."""
    allowed = info.thinking_choices
    if wanted in ("adaptive", "budget"):
        for choice in ("adaptive", "budget"):
            if choice in allowed:
                return choice
    return info.lowest_thinking


def fit(settings: ChatSettings, info: ModelInfo) -> tuple[ChatSettings, list[str]]:
    """``settings`` for ``info``'s model, and a sentence for each value changed."""
    changes: dict[str, object] = {"model": info.id}
    notes: list[str] = []
    name = info.display_name
    if settings.thinking is not None and settings.thinking not in info.thinking_choices:
        thinking = _thinking_for(settings.thinking, info)
        changes["thinking"] = thinking
        notes.append(
            f"{name} does not take thinking {THINKING_WORDS[settings.thinking]}: "
            f"thinking is {THINKING_WORDS[thinking]}."
        )
    if settings.effort is not None and settings.effort not in info.effort_levels:
        changes["effort"] = None
        notes.append(f"{name} has no effort {settings.effort}: it uses its default.")
    if info.max_tokens and settings.max_tokens > info.max_tokens:
        changes["max_tokens"] = info.max_tokens
        notes.append(f"{name} writes at most {info.max_tokens:,} tokens: max_tokens lowered.")
    return settings.with_changes(**changes), notes


class _Defaults(Protocol):
    def chat_defaults(self) -> ChatSettings: ...


def fitted_defaults(settings: _Defaults, catalog: Catalog) -> ChatSettings:
    """The settings a new conversation starts with: the defaults, fitted to the model when
    the catalog knows it (an unknown model gets them as they are: the API will say)."""
    defaults = settings.chat_defaults()
    info = catalog.find(defaults.model)
    return fit(defaults, info)[0] if info is not None else defaults
