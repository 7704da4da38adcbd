"""What replies cost: the price table (data shipped with the package, with the date it was
checked, overridable from the config file), the price of one reply, of a conversation, and
how a cost is written.

A model the table does not know has no price (None, "cost unknown"): never a guess.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from claude_tui.domain.usage import Usage

if TYPE_CHECKING:
    from claude_tui.domain.conversation import Conversation
    from claude_tui.domain.message import Message

PRICE_FILE = "prices.toml"  # in the claude_tui package
PER = 1_000_000  # prices are per million tokens
RATE_FIELDS = ("input", "cache_write_5m", "cache_write_1h", "cache_read", "output")
ROW_FIELDS = (*RATE_FIELDS, "long_prompt", "earlier", "family")


class PriceError(ValueError):
    """A price entry that cannot be used; the message says why, for a person."""


@dataclass(frozen=True)
class Rates:
    """USD per million tokens of each kind."""

    input: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float
    output: float

    def cost(self, usage: Usage) -> float:
        # Our Usage does not split cache writes by lifetime; the app asks for 5-minute
        # caching, so every cache write is priced at the 5-minute rate.
        millionths = (
            usage.input_tokens * self.input
            + usage.cache_creation_input_tokens * self.cache_write_5m
            + usage.cache_read_input_tokens * self.cache_read
            + usage.output_tokens * self.output
        )
        return millionths / PER


@dataclass(frozen=True)
class Earlier:
    """Prices that held for replies made before ``before`` (UTC), over the current ones."""

    before: date
    changes: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class LongPrompt:
    """A request whose whole prompt is over ``over`` tokens bills every token at ``rates``."""

    over: int
    rates: Rates


@dataclass(frozen=True)
class ModelPrice:
    """One row of the table: the current rates, a long-prompt tier, earlier prices."""

    rates: Rates
    long_prompt: LongPrompt | None = None
    earlier: tuple[Earlier, ...] = ()  # by date, earliest first
    family: bool = False  # also every model whose id goes on from this prefix

    def rates_for(self, usage: Usage, at: datetime) -> Rates:
        """The rates of one request: its prompt's tier, else the prices of its date
        (UTC). Earlier prices change the usual rates, not the long-prompt tier's."""
        if self.long_prompt is not None and usage.prompt_tokens > self.long_prompt.over:
            return self.long_prompt.rates
        day = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).date()
        for period in self.earlier:
            if day < period.before:
                return replace(self.rates, **dict(period.changes))
        return self.rates


_DATED = re.compile(r"-\d{8}$")


def _candidates(model: str) -> Iterable[tuple[str, bool]]:
    """The model id, then each prefix of it that ends before a "-", longest first; with
    each, whether it is the model itself (the id, or the id without a date suffix)."""
    undated = _DATED.sub("", model)
    yield model, True
    end = len(model)
    while (end := model.rfind("-", 0, end)) > 0:
        yield model[:end], model[:end] == undated


@dataclass(frozen=True)
class PriceTable:
    checked: date
    rows: Mapping[str, ModelPrice]
    overridden: tuple[str, ...] = ()  # prefixes the config file set

    @classmethod
    def default(cls) -> PriceTable:
        """The table shipped with claude-tui (read once, on first use)."""
        return _shipped()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriceTable:
        """The table of a price file's TOML: ``checked`` (a date) and ``prices``."""
        checked = data.get("checked")
        if not isinstance(checked, date) or isinstance(checked, datetime):
            raise PriceError("the price table has no date it was checked")
        return cls(checked, parse_rows(data.get("prices"), "price table"))

    def with_overrides(self, raw: Mapping[str, Any] | None) -> PriceTable:
        """This table with the config file's ``[prices]`` rows put in (each replaces the
        row of its prefix, or adds one). Raises PriceError for a row that cannot be used."""
        if not raw:
            return self
        rows = parse_rows(raw, "config file", family=True)  # the user named a prefix
        overridden = tuple(sorted({*self.overridden, *rows}))
        return PriceTable(self.checked, {**self.rows, **rows}, overridden)

    def lookup(self, model: str) -> ModelPrice | None:
        """The row of the model: of its id (maybe with a date suffix), or of the longest
        family prefix of it (a row marked ``family``). Another model's row is never taken
        for it: claude-opus-5-7 is not priced as claude-opus-5."""
        for candidate, itself in _candidates(model):
            row = self.rows.get(candidate)
            if row is not None and (itself or row.family):
                return row
        return None

    def price_of(self, model: str | None, usage: Usage, at: datetime) -> float | None:
        """USD for one request of ``model`` made at ``at``; None if the model has no price."""
        row = self.lookup(model) if model else None
        return None if row is None else row.rates_for(usage, at).cost(usage)


@functools.cache
def _shipped() -> PriceTable:
    # The one file the domain reads: data of the package itself, through importlib (no
    # path of the user's), once per process and only when a price is first asked for.
    import tomllib
    from importlib import resources

    text = resources.files("claude_tui").joinpath(PRICE_FILE).read_text(encoding="utf-8")
    return PriceTable.from_dict(tomllib.loads(text))


# -- reading rows ----------------------------------------------------------------


def parse_rows(raw: object, where: str, *, family: bool = False) -> dict[str, ModelPrice]:
    """The rows of a ``[prices]`` table, checked; ``where`` names it in errors; ``family``:
    what a row that does not say is."""
    if not isinstance(raw, Mapping):
        raise PriceError(f"prices in the {where} must be a table of model id prefixes")
    rows = {}
    for prefix, row in raw.items():
        name = f'[prices."{prefix}"]'
        if not isinstance(prefix, str) or not prefix or prefix != prefix.strip():
            raise PriceError(f"{name}: a model id prefix cannot be empty or have spaces")
        if prefix.endswith("-"):
            raise PriceError(f"{name}: write the prefix without the trailing '-'")
        rows[prefix] = _row(row, name, family)
    return rows


def _row(raw: object, name: str, family_default: bool) -> ModelPrice:
    if not isinstance(raw, Mapping):
        raise PriceError(f"{name} must be a table of prices (input = 3.0, ...)")
    _no_unknown(raw, ROW_FIELDS, name)
    long_prompt = raw.get("long_prompt")
    earlier = raw.get("earlier", [])
    if not isinstance(earlier, list):
        raise PriceError(f"{name} earlier must be a list: [{{ before = 2026-10-07, ... }}]")
    periods = sorted((_earlier(period, f"{name} earlier") for period in earlier), key=_by_date)
    tier = None if long_prompt is None else _long_prompt(long_prompt, f"{name} long_prompt")
    family = raw.get("family", family_default)
    if not isinstance(family, bool):
        raise PriceError(f"{name} family must be true or false")
    return ModelPrice(_rates(raw, name), tier, tuple(periods), family)


def _long_prompt(raw: object, where: str) -> LongPrompt:
    if not isinstance(raw, Mapping):
        raise PriceError(f"{where} must be a table: {{ over = 100_000, input = ... }}")
    _no_unknown(raw, ("over", *RATE_FIELDS), where)
    over = raw.get("over")
    if type(over) is not int or over < 0:
        raise PriceError(f"{where} needs over = the number of prompt tokens it starts above")
    return LongPrompt(over, _rates(raw, where))


def _by_date(period: Earlier) -> date:
    return period.before


def _earlier(raw: object, where: str) -> Earlier:
    if not isinstance(raw, Mapping):
        raise PriceError(f"{where} must hold tables: {{ before = 2026-10-07, input = ... }}")
    _no_unknown(raw, ("before", *RATE_FIELDS), where)
    before = raw.get("before")
    if isinstance(before, str):
        try:
            before = date.fromisoformat(before)
        except ValueError:
            before = None
    if not isinstance(before, date) or isinstance(before, datetime):
        raise PriceError(f"{where} needs before = the date the prices changed (2026-10-07)")
    changes = tuple((key, _price(raw[key], f"{where} {key}")) for key in RATE_FIELDS if key in raw)
    if not changes:
        raise PriceError(f"{where} names no price that was different")
    return Earlier(before, changes)


def _rates(raw: Mapping[str, Any], where: str) -> Rates:
    missing = [key for key in RATE_FIELDS if key not in raw]
    if missing:
        raise PriceError(f"{where} needs {', '.join(missing)} (USD per million tokens)")
    return Rates(*(_price(raw[key], f"{where} {key}") for key in RATE_FIELDS))


def _price(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PriceError(f"{where} must be a number of US dollars per million tokens")
    if not math.isfinite(value) or value < 0:
        raise PriceError(f"{where} must be a price of zero or more")
    return float(value)


def _no_unknown(raw: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in raw:
        if key not in known:
            raise PriceError(f"{where} has an unknown field {key!r} (known: {', '.join(known)})")


# -- costs -----------------------------------------------------------------------


def price_of(
    model: str | None, usage: Usage, at: datetime, table: PriceTable | None = None
) -> float | None:
    """USD for one request (of the shipped table unless ``table``); None: no price known."""
    return (table or PriceTable.default()).price_of(model, usage, at)


@dataclass(frozen=True)
class Cost:
    """A sum of replies' costs: the dollars of those priced, and how many were not."""

    dollars: float = 0.0
    priced: int = 0
    unpriced: int = 0  # metered replies of a model the table has no price for

    @classmethod
    def of(cls, dollars: float | None) -> Cost:
        """The cost of one metered reply (None: it has no price)."""
        return cls(0.0, 0, 1) if dollars is None else cls(dollars, 1, 0)

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.dollars + other.dollars, self.priced + other.priced, self.unpriced + other.unpriced
        )

    @property
    def known(self) -> bool:
        """Every metered reply had a price (also true of nothing metered at all)."""
        return self.unpriced == 0

    @property
    def text(self) -> str:
        """ "$0.42"; "$0.42 + unknown" when some replies have no price; "unknown" when
        none has (say "cost unknown" where the word cost is not already there)."""
        if self.unpriced and not self.priced:
            return "unknown"
        money = format_cost(self.dollars)
        return f"{money} + unknown" if self.unpriced else money

    def to_dict(self) -> dict[str, Any]:
        """For JSON: the dollars known (null if no reply was priced), and the unpriced."""
        known = None if self.unpriced and not self.priced else self.dollars
        return {"cost_usd": known, "unpriced_replies": self.unpriced}


@dataclass(frozen=True)
class Metered:
    """One request the API reported usage for: what a price needs of a reply."""

    model: str | None
    at: datetime
    usage: Usage

    def cost(self, table: PriceTable | None = None) -> float | None:
        return price_of(self.model, self.usage, self.at, table)


def metered(messages: Iterable[Message]) -> list[Metered]:
    """The replies among ``messages`` that have usage, oldest first."""
    return [
        Metered(message.model, message.created_at, message.usage)
        for message in messages
        if message.usage is not None
    ]


def message_cost(message: Message, table: PriceTable | None = None) -> float | None:
    """USD for one reply; None if it has no usage or its model has no price."""
    if message.usage is None:
        return None
    return price_of(message.model, message.usage, message.created_at, table)


def total_cost(replies: Iterable[Metered], table: PriceTable | None = None) -> Cost:
    table = table or PriceTable.default()
    return sum((Cost.of(reply.cost(table)) for reply in replies), Cost())


def conversation_cost(conversation: Conversation, table: PriceTable | None = None) -> Cost:
    """What the conversation's metered replies cost (on every branch), as far as the
    table knows."""
    return total_cost(metered(conversation.every_message), table)


def format_cost(dollars: float) -> str:
    """US dollars to read: "$12.30", "$0.42", "$0.0031" (two significant digits under a
    dollar, so a small cost is never "$0.00"), "$1,234.50"."""
    if dollars <= 0 or round(dollars, 2) >= 1:
        return f"${max(dollars, 0):,.2f}"
    places = max(2, 1 - math.floor(math.log10(dollars)))
    text = f"{dollars:.{places}f}"
    while places > 2 and text.endswith("0"):  # 0.050 → 0.05, not 0.0500
        text, places = text[:-1], places - 1
    return f"${text}"
