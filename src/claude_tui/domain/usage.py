"""Tokens a reply used, as the API reports them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from claude_tui.domain.values import SchemaError

TOKEN_COUNT_CAP = 10**9
"""No reply counts more tokens than this in one field: a count beyond it (or below zero)
is a server's mistake, kept clamped to 0…TOKEN_COUNT_CAP and marked doubtful."""

DOUBTFUL_WORDS = (
    "The API reported impossible token counts (below zero or over a billion); "
    "they are shown clamped, and the cost may be wrong."
)
"""What a reply's details say about usage marked doubtful."""


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    doubtful: bool = False
    """Some count was clamped (see :meth:`reported`); saved only when true."""
    web_search_requests: int = 0
    web_fetch_requests: int = 0
    """Server tool uses (``usage.server_tool_use``), billed apart from tokens; saved only
    when not 0."""

    @classmethod
    def reported(cls, counts: dict[str, int]) -> Usage:
        """Usage from counts a server (or a file) reported, each clamped to
        0…TOKEN_COUNT_CAP; clamping one marks the usage doubtful. Fields left out count 0."""
        clamped = {name: min(max(counts.get(name, 0), 0), TOKEN_COUNT_CAP) for name in USAGE_FIELDS}
        doubtful = any(clamped[name] != counts.get(name, 0) for name in USAGE_FIELDS)
        return cls(**clamped, doubtful=doubtful)

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
            self.doubtful or other.doubtful,
            self.web_search_requests + other.web_search_requests,
            self.web_fetch_requests + other.web_fetch_requests,
        )

    @property
    def server_tool_requests(self) -> int:
        """Web searches and fetches together."""
        return self.web_search_requests + self.web_fetch_requests

    def with_server_tools(self, counts: dict[str, object]) -> Usage:
        """This usage with the server tool counts of ``counts`` (a count that is not a
        whole number from 0 is left out; a count beyond reason is clamped)."""
        found = {
            name: min(value, TOKEN_COUNT_CAP)
            for name in SERVER_TOOL_FIELDS
            if isinstance(value := counts.get(name), int)
            and not isinstance(value, bool)
            and value >= 0
        }
        return replace(
            self,
            web_search_requests=found.get("web_search_requests", self.web_search_requests),
            web_fetch_requests=found.get("web_fetch_requests", self.web_fetch_requests),
        )

    def to_dict(self) -> dict[str, int | bool]:
        counts: dict[str, int | bool] = {name: getattr(self, name) for name in USAGE_FIELDS}
        if self.doubtful:
            counts["doubtful"] = True
        for name in SERVER_TOOL_FIELDS:
            if getattr(self, name):
                counts[name] = getattr(self, name)
        return counts

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
        usage = cls.reported(values).with_server_tools(data)
        usage.doubtful = usage.doubtful or data.get("doubtful") is True
        return usage


USAGE_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)
"""The token counts of a :class:`Usage`, as the API names them."""

SERVER_TOOL_FIELDS = ("web_search_requests", "web_fetch_requests")
"""The counts of ``usage.server_tool_use``, as the API names them."""

TOOLS_NOT_PRICED = "not priced"
"""Said after the count of web searches and fetches: claude-tui has no checked price per use,
so the cost shown is of the tokens alone."""


def server_tool_words(usage: Usage) -> str:
    """ "2 searches", "1 search · 1 fetch"; empty when it used no server tool."""
    parts = []
    for count, one in ((usage.web_search_requests, "search"), (usage.web_fetch_requests, "fetch")):
        if count:
            parts.append(f"{count:,} {one}" + ("" if count == 1 else "es"))
    return " · ".join(parts)
