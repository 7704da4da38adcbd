"""domain/pricing.py: the shipped price table, what a reply and a conversation cost, config
overrides, and how a cost is written. Every expected price is worked out by hand here,
from the platform's prices as checked on 2026-12-02 (USD per million tokens)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.domain.pricing import (
    Cost,
    PriceError,
    PriceTable,
    conversation_cost,
    format_cost,
    message_cost,
    price_of,
)
from claude_tui.domain.usage import Usage

NOVEMBER = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
M = 1_000_000


def _reply(model: str | None, usage: Usage | None, at: datetime = NOVEMBER) -> Message:
    return Message(
        role="assistant", content=[TextBlock("ok")], model=model, usage=usage, created_at=at
    )


def test_the_shipped_table_says_when_it_was_checked() -> None:
    assert PriceTable.default().checked == date(2026, 12, 2)


def test_a_cache_read_on_sonnet_5_5_in_november() -> None:
    cost = price_of("claude-sonnet-5-5", Usage(cache_read_input_tokens=1000), NOVEMBER)
    assert cost == pytest.approx(1000 * 0.10 / M)


def test_every_kind_of_token_at_its_own_price_cache_writes_at_the_5_minute_rate() -> None:
    usage = Usage(
        input_tokens=1000,
        cache_creation_input_tokens=2000,
        cache_read_input_tokens=3000,
        output_tokens=400,
    )
    expected = (1000 * 2 + 2000 * 2.50 + 3000 * 0.10 + 400 * 10) / M
    assert price_of("claude-sonnet-5-5", usage, NOVEMBER) == pytest.approx(expected)
    opus = (1000 * 4 + 2000 * 5 + 3000 * 0.20 + 400 * 20) / M
    assert price_of("claude-opus-5-5", usage, NOVEMBER) == pytest.approx(opus)


def test_a_reply_is_priced_by_its_own_date_in_utc() -> None:
    reads = Usage(cache_read_input_tokens=1000)
    switch = datetime(2026, 10, 7, tzinfo=UTC)
    before = price_of("claude-sonnet-5-5", reads, switch - timedelta(seconds=1))
    on_the_day = price_of("claude-sonnet-5-5", reads, switch)
    assert before == pytest.approx(1000 * 0.20 / M)
    assert on_the_day == pytest.approx(1000 * 0.10 / M)
    # 01:00 in UTC+2 on the 7th is still the 6th in UTC
    east = datetime(2026, 10, 7, 1, 0, tzinfo=timezone(timedelta(hours=2)))
    assert price_of("claude-sonnet-5-5", reads, east) == pytest.approx(1000 * 0.20 / M)
    # only the cache read changed on that date
    inputs = Usage(input_tokens=1000)
    assert price_of("claude-sonnet-5-5", inputs, switch - timedelta(days=30)) == pytest.approx(
        1000 * 2 / M
    )


def test_a_time_without_a_zone_is_taken_as_utc() -> None:
    reads = Usage(cache_read_input_tokens=1000)
    naive = datetime(2026, 10, 6, 23, 30)
    assert price_of("claude-sonnet-5-5", reads, naive) == pytest.approx(1000 * 0.20 / M)


@pytest.mark.parametrize(
    ("model", "per_million_input"),
    [
        ("claude-opus-4-5-20251101", 5),  # a dated id: its prefix's row
        ("claude-opus-4-8", 5),
        ("claude-opus-5", 5),
        ("claude-opus-5-20260301", 5),
        ("claude-opus-5-5", 4),  # the longest prefix wins over claude-opus-5
        ("claude-opus-5-5-20261001", 4),
        ("claude-sonnet-4", 3),  # claude-sonnet-4-x: every Sonnet 4
        ("claude-sonnet-4-5", 3),
        ("claude-sonnet-4-6-20260101", 3),
        ("claude-sonnet-5", 2),
        ("claude-fable-5-1", 10),
        ("claude-haiku-4-5-20251001", 1),
        ("claude-haiku-5-5", 0.10),
    ],
)
def test_a_model_id_takes_the_longest_prefix_that_ends_at_a_dash(
    model: str, per_million_input: float
) -> None:
    cost = price_of(model, Usage(input_tokens=2000), NOVEMBER)
    assert cost == pytest.approx(2000 * per_million_input / M)


@pytest.mark.parametrize(
    "model",
    ["claude-opus-4-1", "claude-opus-4", "claude-opus-4-50", "claude-haiku-5", "gpt-5", "", "-"],
)
def test_a_model_the_table_does_not_know_has_no_price(model: str) -> None:
    assert price_of(model, Usage(input_tokens=1000, output_tokens=10), NOVEMBER) is None


def test_a_haiku_5_5_prompt_over_100k_tokens_bills_every_token_higher() -> None:
    over = Usage(
        input_tokens=60_000,
        cache_creation_input_tokens=1,
        cache_read_input_tokens=40_000,
        output_tokens=1000,
    )
    assert over.prompt_tokens == 100_001
    expected = (60_000 * 0.50 + 1 * 0.625 + 40_000 * 0.05 + 1000 * 2.50) / M
    assert price_of("claude-haiku-5-5", over, NOVEMBER) == pytest.approx(expected)
    at_the_limit = Usage(input_tokens=60_000, cache_read_input_tokens=40_000, output_tokens=1000)
    short = (60_000 * 0.10 + 40_000 * 0.01 + 1000 * 0.50) / M
    assert price_of("claude-haiku-5-5", at_the_limit, NOVEMBER) == pytest.approx(short)
    # the tier is per request: two requests of 60k each are both short
    conversation = Conversation(model="claude-haiku-5-5", max_tokens=100)
    conversation.messages = [_reply("claude-haiku-5-5", Usage(input_tokens=60_000))] * 2
    assert conversation_cost(conversation).dollars == pytest.approx(2 * 60_000 * 0.10 / M)


def test_message_cost_uses_the_reply_s_model_usage_and_date() -> None:
    old = _reply("claude-sonnet-5-5", Usage(cache_read_input_tokens=5000), datetime(2026, 9, 1))
    assert message_cost(old) == pytest.approx(5000 * 0.20 / M)
    assert message_cost(Message.user("hi")) is None
    assert message_cost(_reply("claude-sonnet-5-5", None)) is None  # nothing metered
    assert message_cost(_reply(None, Usage(input_tokens=10))) is None  # no model recorded


def test_conversation_cost_says_what_is_known_and_what_is_not() -> None:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=100)
    assert conversation_cost(conversation).text == "$0.00"
    conversation.messages = [
        Message.user("a"),
        _reply("claude-sonnet-5-5", Usage(input_tokens=10_000, output_tokens=40_000)),
        _reply("claude-sonnet-5-5", None),  # failed before any usage: not metered
    ]
    known = conversation_cost(conversation)
    assert known.dollars == pytest.approx((10_000 * 2 + 40_000 * 10) / M)
    assert (known.priced, known.unpriced, known.known, known.text) == (1, 0, True, "$0.42")
    conversation.messages.append(_reply("claude-mystery-1", Usage(input_tokens=10)))
    partly = conversation_cost(conversation)
    assert partly.text == "$0.42 + unknown"
    assert partly.to_dict() == {"cost_usd": pytest.approx(0.42), "unpriced_replies": 1}
    del conversation.messages[:3]
    unknown = conversation_cost(conversation)
    assert (unknown.text, unknown.known) == ("unknown", False)
    assert unknown.to_dict() == {"cost_usd": None, "unpriced_replies": 1}


def test_costs_add_up() -> None:
    total = sum([Cost.of(0.25), Cost.of(None), Cost.of(1.5)], Cost())
    assert (total.dollars, total.priced, total.unpriced) == (1.75, 2, 1)


@pytest.mark.parametrize(
    ("dollars", "text"),
    [
        (0, "$0.00"),
        (0.0031, "$0.0031"),
        (0.003149, "$0.0031"),
        (0.42, "$0.42"),
        (0.4249, "$0.42"),
        (0.05, "$0.05"),
        (0.0999, "$0.10"),
        (0.000012345, "$0.000012"),
        (1e-9, "$0.000000001"),
        (0.996, "$1.00"),
        (12.3, "$12.30"),
        (1234.5, "$1,234.50"),
    ],
)
def test_format_cost(dollars: float, text: str) -> None:
    assert format_cost(dollars) == text


@pytest.mark.parametrize("dollars", [1e-12, 3e-7, 0.004999, 0.00999])
def test_a_cost_that_is_not_zero_never_reads_as_zero(dollars: float) -> None:
    text = format_cost(dollars)
    assert float(text[1:]) > 0
    assert float(text[1:]) == pytest.approx(dollars, rel=0.05)  # two significant digits


# -- overrides from the config file ------------------------------------------------

ROW = {"input": 1.0, "cache_write_5m": 1.25, "cache_write_1h": 2, "cache_read": 0.05, "output": 4}


def test_an_override_replaces_a_row_whole() -> None:
    table = PriceTable.default().with_overrides({"claude-sonnet-5-5": ROW})
    usage = Usage(input_tokens=1000, cache_read_input_tokens=1000, output_tokens=100)
    expected = (1000 * 1.0 + 1000 * 0.05 + 100 * 4) / M
    assert table.price_of("claude-sonnet-5-5-20260101", usage, NOVEMBER) == pytest.approx(expected)
    # the row's earlier cache-read price went with it
    september = datetime(2026, 9, 1, tzinfo=UTC)
    assert table.price_of("claude-sonnet-5-5", usage, september) == pytest.approx(expected)
    assert table.overridden == ("claude-sonnet-5-5",)
    assert table.with_overrides({"claude-x": ROW}).overridden == ("claude-sonnet-5-5", "claude-x")
    # the shipped table is untouched, and the other rows are kept
    assert PriceTable.default().price_of("claude-sonnet-5-5", usage, NOVEMBER) != pytest.approx(
        expected
    )
    assert table.price_of("claude-opus-5-5", Usage(output_tokens=M), NOVEMBER) == pytest.approx(20)


def test_an_override_adds_a_model_with_a_tier_and_an_earlier_price() -> None:
    raw: dict[str, Any] = {
        "claude-nova-1": {
            **ROW,
            "long_prompt": {**ROW, "over": 1000, "input": 3},
            "earlier": [
                {"before": date(2026, 6, 1), "output": 8},
                {"before": "2026-01-01", "output": 16},
            ],
        }
    }
    table = PriceTable.default().with_overrides(raw)
    small = Usage(input_tokens=1000, output_tokens=10)
    assert table.price_of("claude-nova-1-20261101", small, NOVEMBER) == pytest.approx(
        (1000 * 1.0 + 10 * 4) / M
    )
    assert table.price_of("claude-nova-1", small, datetime(2026, 3, 1)) == pytest.approx(
        (1000 * 1.0 + 10 * 8) / M
    )
    assert table.price_of("claude-nova-1", small, datetime(2025, 12, 31)) == pytest.approx(
        (1000 * 1.0 + 10 * 16) / M
    )
    large = Usage(input_tokens=1001, output_tokens=10)
    assert table.price_of("claude-nova-1", large, NOVEMBER) == pytest.approx(
        (1001 * 3 + 10 * 4) / M
    )
    assert PriceTable.default().price_of("claude-nova-1", small, NOVEMBER) is None


def test_no_overrides_is_the_table_itself() -> None:
    assert PriceTable.default().with_overrides(None) is PriceTable.default()
    assert PriceTable.default().with_overrides({}) is PriceTable.default()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"claude-x": {**ROW, "inptu": 1.0}}, "unknown field 'inptu'"),
        ({"claude-x": {**ROW, "input": "2.0"}}, "input must be a number"),
        ({"claude-x": {**ROW, "output": True}}, "output must be a number"),
        ({"claude-x": {**ROW, "cache_read": -0.1}}, "cache_read must be a price of zero or more"),
        ({"claude-x": {**ROW, "input": float("nan")}}, "input must be a price of zero or more"),
        ({"claude-x": {"input": 1.0, "output": 2.0}}, "needs cache_write_5m, cache_write_1h"),
        ({"claude-x": 3.0}, "must be a table of prices"),
        ({"claude-x-": ROW}, "without the trailing '-'"),
        ({"": ROW}, "cannot be empty"),
        ({"claude-x": {**ROW, "long_prompt": {**ROW}}}, "long_prompt needs over ="),
        ({"claude-x": {**ROW, "long_prompt": {"over": 10}}}, "long_prompt needs input"),
        ({"claude-x": {**ROW, "earlier": {"before": "2026-01-01"}}}, "earlier must be a list"),
        ({"claude-x": {**ROW, "earlier": [{"before": "soon", "input": 1}]}}, "needs before ="),
        ({"claude-x": {**ROW, "earlier": [{"before": "2026-01-01"}]}}, "names no price"),
        ({"claude-x": {**ROW, "earlier": [{"before": "2026-01-01", "x": 1}]}}, "unknown field 'x'"),
    ],
)
def test_a_bad_override_is_refused_with_a_sentence(raw: dict[str, Any], words: str) -> None:
    with pytest.raises(PriceError) as refused:
        PriceTable.default().with_overrides(raw)
    assert words in str(refused.value)
    assert '[prices."' in str(refused.value)  # it names the row
    assert isinstance(refused.value, ValueError)


def test_prices_that_are_not_a_table_are_refused() -> None:
    with pytest.raises(PriceError, match="table of model id prefixes"):
        PriceTable.default().with_overrides(["claude-x"])  # type: ignore[arg-type]


def test_a_new_model_of_a_priced_family_is_not_priced_as_its_elder() -> None:
    table = PriceTable.default()
    assert table.lookup("claude-opus-5-7") is None  # not claude-opus-5's price: unknown
    assert table.lookup("claude-opus-5-20260101") is table.lookup("claude-opus-5")
    assert table.lookup("claude-sonnet-4-9") is table.lookup("claude-sonnet-4")  # a family
