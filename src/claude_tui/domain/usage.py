"""Tokens a reply used, as the API reports them."""

from __future__ import annotations

from dataclasses import dataclass, fields

from claude_tui.domain.values import SchemaError


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    @property
    def prompt_tokens(self) -> int:
        """The whole prompt: uncached input plus cache writes and reads."""
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens

    @property
    def has_cache(self) -> bool:
        return bool(self.cache_creation_input_tokens or self.cache_read_input_tokens)

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
        )

    def to_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in USAGE_FIELDS}

    @classmethod
    def from_dict(cls, data: object) -> Usage:
        if not isinstance(data, dict):
            raise SchemaError("usage must be an object")
        values = {}
        for name in USAGE_FIELDS:
            value = data.get(name) or 0
            if not isinstance(value, int) or isinstance(value, bool):
                raise SchemaError(f"usage.{name} must be an integer")
            values[name] = value
        return cls(**values)


USAGE_FIELDS = tuple(field.name for field in fields(Usage))
