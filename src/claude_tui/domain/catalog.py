"""The models claude-tui can talk to, and what each of them accepts.

A :class:`Catalog` comes from the API's model list (``GET /v1/models``), from the copy of it
kept on disk, or, when neither can be had, from :data:`FALLBACK_MODELS`. Each
:class:`ModelInfo` says what the request may hold for that model: the ``thinking.type``
values it accepts, the effort levels, whether it reads images and PDFs and searches the web.

When the API lists a model without its capabilities, they are taken from the fallback entry
of the same id if there is one; otherwise they are unknown (``capabilities_known`` False)
and every thinking type and effort level is offered: the API's own refusal then says what
the model does not take, instead of claude-tui guessing and leaving no way out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from claude_tui.domain.text import printable
from claude_tui.domain.values import SchemaError

THINKING_TYPES = ("adaptive", "enabled", "disabled", "between_tools")
"""The ``thinking.type`` values of the Messages API."""

EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
"""The ``output_config.effort`` values, lowest first."""

ThinkingChoice = Literal["off", "between_tools", "adaptive", "budget"]

THINKING_CHOICES: tuple[tuple[ThinkingChoice, str], ...] = (
    ("off", "disabled"),
    ("between_tools", "between_tools"),
    ("adaptive", "adaptive"),
    ("budget", "enabled"),
)
"""A conversation's thinking setting and the ``thinking.type`` it sends: "off" sends
``{"type": "disabled"}``, "budget" sends ``{"type": "enabled", "budget_tokens": N}``."""

DEFAULT_EFFORTS = {
    "claude-fable-5-1": "high",
    "claude-opus-5-5": "medium",
    "claude-sonnet-5-5": "high",
    "claude-haiku-5-5": "medium",
}
"""The effort a model uses when the request names none (platform docs, 2026-12-02)."""

STALE_AFTER = timedelta(hours=24)
"""How long a model list fetched from the API is trusted."""

CatalogSource = Literal["api", "cache", "fallback"]

_DATE_SUFFIX = re.compile(r"-\d{8}$")


def base_id(model_id: str) -> str:
    """A model id without its date suffix: ``claude-haiku-4-5-20251001`` → ``claude-haiku-4-5``."""
    return _DATE_SUFFIX.sub("", model_id)


@dataclass(frozen=True)
class ModelInfo:
    """One model and what a request to it may hold."""

    id: str
    display_name: str
    max_input_tokens: int | None = None
    max_tokens: int | None = None
    thinking_types: frozenset[str] = frozenset(THINKING_TYPES)
    """The ``thinking.type`` values it accepts (see :data:`THINKING_TYPES`)."""
    effort_levels: tuple[str, ...] = EFFORT_LEVELS
    """The effort levels it accepts, lowest first; empty when it takes no effort."""
    image_input: bool = True
    pdf_input: bool = True
    web_search: bool = True
    web_fetch: bool = True
    """Web fetch: the API's capabilities do not name it (yet); taken to go with web search
    unless they do."""
    lifecycle: str = "active"
    capabilities_known: bool = False
    """False when nothing said what it accepts: then everything is offered (the defaults)."""

    @property
    def can_turn_thinking_off(self) -> bool:
        return "disabled" in self.thinking_types

    @property
    def thinking_choices(self) -> tuple[ThinkingChoice, ...]:
        """The thinking settings it allows, in the order of :data:`THINKING_CHOICES`."""
        return tuple(choice for choice, kind in THINKING_CHOICES if kind in self.thinking_types)

    @property
    def lowest_thinking(self) -> ThinkingChoice:
        """The least thinking it allows: "off" if it can turn thinking off, else
        "between_tools", else "adaptive" (else "budget", for a model with only that)."""
        choices = self.thinking_choices
        return choices[0] if choices else "adaptive"

    @property
    def default_effort(self) -> str | None:
        """The effort it uses when none is sent, when known (and among its levels)."""
        effort = DEFAULT_EFFORTS.get(base_id(self.id))
        return effort if effort in self.effort_levels else None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ModelInfo:
        """From the API's JSON for a model (the SDK's ``ModelInfo.to_dict()``)."""
        model_id = data.get("id")
        if not isinstance(model_id, str) or not model_id:
            raise SchemaError(f"a model without an id: {data!r:.200}")
        name = data.get("display_name")
        listed = cls(
            id=model_id,
            display_name=name if isinstance(name, str) and name else model_id,
            max_input_tokens=_count(data.get("max_input_tokens")),
            max_tokens=_count(data.get("max_tokens")),
            lifecycle=str(data.get("lifecycle") or "active"),
        )
        capabilities = data.get("capabilities")
        if isinstance(capabilities, dict):
            return replace(listed, capabilities_known=True, **_capabilities(capabilities))
        known = _fallback_entry(model_id)
        if known is None or not known.capabilities_known:
            return listed
        return replace(
            known,
            id=model_id,
            display_name=listed.display_name,
            max_input_tokens=listed.max_input_tokens or known.max_input_tokens,
            max_tokens=listed.max_tokens or known.max_tokens,
            lifecycle=listed.lifecycle,
        )

    def to_dict(self) -> dict[str, Any]:
        """For the cache file; :meth:`from_dict` reads it back."""
        return {
            "id": self.id,
            "display_name": self.display_name,
            "max_input_tokens": self.max_input_tokens,
            "max_tokens": self.max_tokens,
            "thinking_types": [kind for kind in THINKING_TYPES if kind in self.thinking_types],
            "effort_levels": list(self.effort_levels),
            "image_input": self.image_input,
            "pdf_input": self.pdf_input,
            "web_search": self.web_search,
            "web_fetch": self.web_fetch,
            "lifecycle": self.lifecycle,
            "capabilities_known": self.capabilities_known,
        }

    @classmethod
    def from_dict(cls, data: object) -> ModelInfo:
        """From :meth:`to_dict`'s form; SchemaError if it is not that."""
        if not isinstance(data, dict):
            raise SchemaError(f"a model should be an object, not {data!r:.100}")
        try:
            thinking = _strings(data["thinking_types"], THINKING_TYPES)
            effort = _strings(data["effort_levels"], EFFORT_LEVELS)
            info = cls(
                id=_typed(data["id"], str),
                display_name=_typed(data["display_name"], str),
                max_input_tokens=_typed(data["max_input_tokens"], int, optional=True),
                max_tokens=_typed(data["max_tokens"], int, optional=True),
                thinking_types=frozenset(thinking),
                effort_levels=tuple(level for level in EFFORT_LEVELS if level in effort),
                image_input=_typed(data["image_input"], bool),
                pdf_input=_typed(data["pdf_input"], bool),
                web_search=_typed(data["web_search"], bool),
                web_fetch=_typed(data.get("web_fetch", data["web_search"]), bool),
                lifecycle=_typed(data["lifecycle"], str),
                capabilities_known=_typed(data["capabilities_known"], bool),
            )
        except KeyError as error:
            raise SchemaError(f"a model without {error}") from error
        if not info.id:
            raise SchemaError("a model with an empty id")
        return info


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _supported(node: object) -> bool:
    return isinstance(node, dict) and node.get("supported") is True


def _capabilities(capabilities: dict[str, Any]) -> dict[str, Any]:
    """ModelInfo's fields from the API's ``capabilities`` (the SDK's ``ModelCapabilities``);
    anything missing counts as not supported."""
    thinking = capabilities.get("thinking")
    types = thinking.get("types") if isinstance(thinking, dict) else None
    effort = capabilities.get("effort")
    tools = capabilities.get("server_tools")
    return {
        "thinking_types": frozenset(
            kind
            for kind in THINKING_TYPES
            if isinstance(types, dict) and _supported(types.get(kind))
        ),
        "effort_levels": tuple(
            level
            for level in EFFORT_LEVELS
            if _supported(effort) and isinstance(effort, dict) and _supported(effort.get(level))
        ),
        "image_input": _supported(capabilities.get("image_input")),
        "pdf_input": _supported(capabilities.get("pdf_input")),
        "web_search": isinstance(tools, dict) and _supported(tools.get("web_search")),
        "web_fetch": isinstance(tools, dict)
        and _supported(tools.get("web_fetch", tools.get("web_search"))),
    }


def _typed(value: object, kind: type, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SchemaError(f"expected {kind.__name__}, got {value!r:.100}")
    return value


def _strings(value: object, allowed: tuple[str, ...]) -> list[str]:
    if not isinstance(value, list) or not all(item in allowed for item in value):
        raise SchemaError(f"expected a list of {', '.join(allowed)}, got {value!r:.100}")
    return list(value)


def _known(
    model_id: str,
    name: str,
    context: int,
    output: int,
    thinking: frozenset[str],
    effort: tuple[str, ...],
) -> ModelInfo:
    return ModelInfo(model_id, name, context, output, thinking, effort, capabilities_known=True)


_ALWAYS_THINKING = frozenset({"adaptive"})
_ADAPTIVE_OR_OFF = frozenset({"adaptive", "enabled", "disabled"})

FALLBACK_MODELS: tuple[ModelInfo, ...] = (
    _known("claude-fable-5-1", "Claude Fable 5.1", 1_000_000, 128_000, _ALWAYS_THINKING,
           EFFORT_LEVELS),
    _known("claude-opus-5-5", "Claude Opus 5.5", 1_000_000, 128_000, _ALWAYS_THINKING,
           EFFORT_LEVELS),
    _known("claude-sonnet-5-5", "Claude Sonnet 5.5", 1_000_000, 128_000,
           frozenset({"adaptive", "between_tools"}), ("low", "medium", "high", "max")),
    _known("claude-haiku-5-5", "Claude Haiku 5.5", 1_000_000, 128_000, _ADAPTIVE_OR_OFF,
           ("low", "medium", "high")),
    ModelInfo("claude-sonnet-5", "Claude Sonnet 5"),
    ModelInfo("claude-opus-5", "Claude Opus 5"),
    ModelInfo("claude-opus-4-8", "Claude Opus 4.8"),
    _known("claude-sonnet-4-6", "Claude Sonnet 4.6", 200_000, 64_000, _ADAPTIVE_OR_OFF,
           ("low", "medium", "high", "max")),
    _known("claude-haiku-4-5", "Claude Haiku 4.5", 200_000, 64_000,
           frozenset({"enabled", "disabled"}), ()),
)  # fmt: skip
"""The models claude-tui knows without asking the API (checked 2026-12-02), newest first.
Opus 4.8, Opus 5 and Sonnet 5 are known by name only: their limits and capabilities are
not (``capabilities_known`` False)."""


def _fallback_entry(model_id: str) -> ModelInfo | None:
    return Catalog(FALLBACK_MODELS).find(model_id)


@dataclass(frozen=True)
class Catalog:
    """The models to choose from, newest first, and where the list came from."""

    models: tuple[ModelInfo, ...]
    fetched_at: datetime | None = None
    """When the API gave the list; None for the fallback."""
    source: CatalogSource = "fallback"

    @classmethod
    def fallback(cls) -> Catalog:
        return cls(FALLBACK_MODELS)

    def find(self, model_id: str) -> ModelInfo | None:
        """The model of this id; a dated id also finds its undated entry, and an undated
        id the dated entry (``claude-haiku-4-5`` and ``claude-haiku-4-5-20251001``)."""
        for model in self.models:
            if model.id == model_id:
                return model
        for model in self.models:
            if base_id(model.id) == model_id or base_id(model_id) == model.id:
                return model
        return None

    def ids(self) -> tuple[str, ...]:
        return tuple(model.id for model in self.models)

    def is_stale(self, now: datetime) -> bool:
        """Whether it should be fetched again: older than a day (or from the future, after
        the clock was turned back), or never fetched."""
        if self.fetched_at is None:
            return True
        return not timedelta(0) <= now - self.fetched_at <= STALE_AFTER

    def unknown_model_words(self, model_id: str) -> str:
        """Why ``model_id`` cannot be used, for a person."""
        known = ", ".join(self.ids())
        said = f"claude-tui does not know the model '{printable(model_id)}'."
        if self.source == "fallback":
            return f"{said} The API could not be asked; the models claude-tui knows are: {known}."
        return f"{said} The API lists: {known}."
