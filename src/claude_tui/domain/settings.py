"""How Claude is asked to answer in a conversation: model, system prompt, thinking, effort,
sampling and the rest. One value, edited as a whole (the settings panel, a quick key, a
slash command) and saved in the conversation's file."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field, fields, replace
from typing import Any

from claude_tui.domain.values import SchemaError, as_optional_string, as_string

THINKING_CHOICES = ("off", "between_tools", "adaptive", "budget")
"""What a conversation may ask of thinking: ``off`` sends ``{"type": "disabled"}``,
``between_tools`` and ``adaptive`` their own type, ``budget`` ``{"type": "enabled",
"budget_tokens": N}``. Not set (None) sends nothing: the model's default."""

THINKING_WORDS = {
    "off": "off",
    "between_tools": "between tools only",
    "adaptive": "adaptive",
    "budget": "budget",
}

EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
MIN_THINKING_BUDGET = 1024
DEFAULT_THINKING_BUDGET = 4096


def check_number(name: str, value: float | None, low: float, high: float) -> float | None:
    """``value`` if it is a number within [low, high] (or None); else SchemaError."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise SchemaError(f"{name} must be a number")
    if not low <= value <= high:
        raise SchemaError(f"{name} must be between {low:g} and {high:g}")
    return float(value)


@dataclass(frozen=True)
class ChatSettings:
    model: str
    max_tokens: int
    system: str | None = None
    thinking: str | None = None
    thinking_budget: int | None = None
    effort: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop_sequences: tuple[str, ...] = field(default_factory=tuple)
    web_search: bool = False
    web_fetch: bool = False

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """SchemaError, in words for a person, when a value cannot be sent."""
        if isinstance(self.max_tokens, bool) or not isinstance(self.max_tokens, int):
            raise SchemaError("max_tokens must be an integer")
        if self.thinking is not None and self.thinking not in THINKING_CHOICES:
            raise SchemaError(f"thinking must be one of {', '.join(THINKING_CHOICES)}")
        if self.thinking_budget is not None and (
            isinstance(self.thinking_budget, bool)
            or not isinstance(self.thinking_budget, int)
            or self.thinking_budget < MIN_THINKING_BUDGET
        ):
            raise SchemaError(f"the thinking budget must be at least {MIN_THINKING_BUDGET} tokens")
        if self.effort is not None and self.effort not in EFFORT_LEVELS:
            raise SchemaError(f"effort must be one of {', '.join(EFFORT_LEVELS)}")
        check_number("temperature", self.temperature, 0.0, 1.0)
        check_number("top_p", self.top_p, 0.0, 1.0)
        if any(not isinstance(s, str) or not s for s in self.stop_sequences):
            raise SchemaError("a stop sequence must be a non-empty text")

    @property
    def budget(self) -> int:
        """The thinking budget in tokens (the default when not set)."""
        return self.thinking_budget or DEFAULT_THINKING_BUDGET

    def with_changes(self, **changes: Any) -> ChatSettings:
        return replace(self, **changes)

    @classmethod
    def of(cls, source: object) -> ChatSettings:
        """The settings ``source`` holds under the same names (a conversation, the
        config's defaults); a field it lacks keeps its default."""
        return cls(
            **{f.name: getattr(source, f.name) for f in fields(cls) if hasattr(source, f.name)}
        )

    def to_fields(self) -> dict[str, Any]:
        """The values by name, as a conversation holds them."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_dict(self) -> dict[str, Any]:
        """The fields a conversation file holds (model, max_tokens and system come first)."""
        return {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": self.system,
            "thinking": self.thinking,
            "thinking_budget": self.thinking_budget,
            "effort": self.effort,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "stop_sequences": list(self.stop_sequences),
            "web_search": self.web_search,
            "web_fetch": self.web_fetch,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatSettings:
        """The settings of a file's header. Fields it lacks (an older file) are not set; a
        knob with a value this version cannot send (a hand-edited file) is not set either,
        so the conversation still opens: its messages matter more."""
        settings = cls(
            model=as_string(data.get("model")),
            max_tokens=data.get("max_tokens"),  # type: ignore[arg-type]  # checked
            system=as_optional_string(data.get("system")),
        )
        stops = data.get("stop_sequences")
        knobs: dict[str, Any] = {
            "thinking": data.get("thinking"),
            "thinking_budget": data.get("thinking_budget"),
            "effort": data.get("effort"),
            "temperature": data.get("temperature"),
            "top_p": data.get("top_p"),
            "stop_sequences": tuple(stops) if isinstance(stops, list) else (),
            "web_search": data.get("web_search") is True,
            "web_fetch": data.get("web_fetch") is True,
        }
        for name, value in knobs.items():
            with contextlib.suppress(SchemaError, TypeError):
                settings = replace(settings, **{name: value})
        return settings


@dataclass(frozen=True)
class WebToolOptions:
    """What the config file says of the web tools, for every conversation: the domains
    they may reach (empty: any) and how many uses a request may make (None: the API's)."""

    allowed_domains: tuple[str, ...] = ()
    max_uses: int | None = None

    def check(self) -> None:
        """SchemaError, naming the setting, when a value cannot be sent."""
        for domain in self.allowed_domains:
            if not isinstance(domain, str) or not domain.strip() or domain != domain.strip():
                raise SchemaError("web_allowed_domains must hold domain names, none empty")
            if "://" in domain or any(char.isspace() for char in domain):
                raise SchemaError(
                    f"web_allowed_domains: {domain!r} is not a domain name "
                    "(write example.com, without https://)"
                )
        if self.max_uses is not None and (
            isinstance(self.max_uses, bool)
            or not isinstance(self.max_uses, int)
            or not 1 <= self.max_uses <= MAX_WEB_USES
        ):
            raise SchemaError(f"web_max_uses must be a whole number from 1 to {MAX_WEB_USES}")


MAX_WEB_USES = 100
"""The most uses of a web tool a request may allow (a guard against a typo, not the API's
own limit)."""
