"""``claude-tui usage``, run for real on a prepared data folder: tokens and cost by day and
model, by model and in total. The expected costs are worked out by hand from the prices
(USD per million tokens) as checked on 2026-12-02."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import Cli

M = 1_000_000
A_ID = "a" * 32
B_ID = "b" * 32
MeteredReply = tuple[str, datetime, Usage]  # model, time, usage of one reply


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli.make("http://127.0.0.1:9", tmp_path)  # nothing here talks to the API


def save_metered(data_dir: Path, conversation_id: str, *replies: MeteredReply) -> Conversation:
    """A conversation of a question and a metered reply per (model, time, usage)."""
    first = replies[0][1] if replies else datetime(2026, 11, 1, tzinfo=UTC)
    conversation = Conversation(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        id=conversation_id,
        title=f"About {conversation_id[:4]}",
        created_at=first,
        updated_at=replies[-1][1] if replies else first,
    )
    for model, when, usage in replies:
        question = Message.user("Why?")
        question.created_at = when
        answer = Message(
            role="assistant",
            content=[TextBlock("Because.")],
            created_at=when,
            model=model,
            stop_reason="end_turn",
            usage=usage,
        )
        conversation.messages += [question, answer]
    ConversationStore(data_dir).save(conversation)
    return conversation


def _rows(text: str) -> list[list[str]]:
    """The table's lines, each cut into its cells (columns are two or more spaces apart)."""
    return [re.split(r"\s{2,}", line.strip()) if line else [] for line in text.splitlines()]


# A: Sonnet 5.5 on three days, one of them before its cache-read price fell; B: Opus 5.5
# and a model the table does not know, on the newest day.
A_REPLIES: list[MeteredReply] = [
    (
        "claude-sonnet-5-5",
        datetime(2026, 10, 6, 22, 0, tzinfo=UTC),
        Usage(cache_read_input_tokens=100_000),
    ),
    (
        "claude-sonnet-5-5",
        datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        Usage(1000, 500, 2000, 10_000),
    ),
    (
        "claude-sonnet-5-5-20260901",
        datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
        Usage(input_tokens=3000, output_tokens=1000, cache_read_input_tokens=20_000),
    ),
]
B_REPLIES: list[MeteredReply] = [
    (
        "claude-opus-5-5",
        datetime(2026, 11, 25, 11, 0, tzinfo=UTC),
        Usage(input_tokens=10_000, output_tokens=20_000),
    ),
    (
        "claude-mystery-1",
        datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
        Usage(input_tokens=100, output_tokens=10),
    ),
]
OCTOBER = 100_000 * 0.20 / M  # before 2026-10-07: $0.02
NOVEMBER_20 = (1000 * 2 + 500 * 10 + 2000 * 2.50 + 10_000 * 0.10) / M  # $0.013
NOVEMBER_25 = (3000 * 2 + 1000 * 10 + 20_000 * 0.10) / M  # $0.018
OPUS = (10_000 * 4 + 20_000 * 20) / M  # $0.44


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    save_metered(cli.data_dir, A_ID, *A_REPLIES)
    save_metered(cli.data_dir, B_ID, *B_REPLIES)
    return cli


def test_usage_by_day_and_model_by_model_and_in_total(seeded: Cli) -> None:
    result = seeded.run("usage")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    header = ["REPLIES", "INPUT", "OUTPUT", "CACHE WRITE", "CACHE READ", "COST"]
    by_day, by_model, note = result.stdout.split("\n\n")
    assert _rows(by_day) == [
        ["DAY", "MODEL", *header],
        ["2026-11-25", "claude-mystery-1", "1", "100", "10", "0", "0", "unknown"],
        ["2026-11-25", "claude-opus-5-5", "1", "10,000", "20,000", "0", "0", "$0.44"],
        [
            "2026-11-25",
            "claude-sonnet-5-5-20260901",
            "1",
            "3,000",
            "1,000",
            "0",
            "20,000",
            "$0.018",
        ],
        ["2026-11-20", "claude-sonnet-5-5", "1", "1,000", "500", "2,000", "10,000", "$0.013"],
        ["2026-10-06", "claude-sonnet-5-5", "1", "0", "0", "0", "100,000", "$0.02"],
    ]
    assert _rows(by_model) == [
        ["MODEL", *header],
        ["claude-mystery-1", "1", "100", "10", "0", "0", "unknown"],
        ["claude-opus-5-5", "1", "10,000", "20,000", "0", "0", "$0.44"],
        ["claude-sonnet-5-5", "2", "1,000", "500", "2,000", "110,000", "$0.033"],
        ["claude-sonnet-5-5-20260901", "1", "3,000", "1,000", "0", "20,000", "$0.018"],
        ["TOTAL", "5", "14,100", "21,510", "2,000", "130,000", "$0.49 + unknown"],
    ]
    assert note.splitlines() == [
        "Prices as checked on 2026-12-02; cache writes at the 5-minute rate.",
        '"unknown": no price for that model; [prices] in the config file can add one.',
    ]


def test_usage_as_json(seeded: Cli) -> None:
    result = seeded.run("usage", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["prices_checked"] == "2026-12-02"
    assert data["price_overrides"] == []
    assert [(row["day"], row["model"], row["cost_usd"]) for row in data["days"]] == [
        ("2026-11-25", "claude-mystery-1", None),
        ("2026-11-25", "claude-opus-5-5", pytest.approx(OPUS)),
        ("2026-11-25", "claude-sonnet-5-5-20260901", pytest.approx(NOVEMBER_25)),
        ("2026-11-20", "claude-sonnet-5-5", pytest.approx(NOVEMBER_20)),
        ("2026-10-06", "claude-sonnet-5-5", pytest.approx(OCTOBER)),
    ]
    assert data["days"][3] == {
        "day": "2026-11-20",
        "model": "claude-sonnet-5-5",
        "replies": 1,
        "input_tokens": 1000,
        "output_tokens": 500,
        "cache_creation_input_tokens": 2000,
        "cache_read_input_tokens": 10_000,
        "cost_usd": pytest.approx(NOVEMBER_20),
        "unpriced_replies": 0,
    }
    assert [row["model"] for row in data["models"]] == [
        "claude-mystery-1",
        "claude-opus-5-5",
        "claude-sonnet-5-5",
        "claude-sonnet-5-5-20260901",
    ]
    total = data["total"]
    assert total["replies"] == 5 and total["unpriced_replies"] == 1
    assert total["cost_usd"] == pytest.approx(OCTOBER + NOVEMBER_20 + NOVEMBER_25 + OPUS)


def _total(text: str) -> list[str]:
    (total,) = [row for row in _rows(text) if row and row[0] == "TOTAL"]
    return total


def test_days_counts_back_from_today_in_local_time(cli: Cli) -> None:
    now = datetime.now(UTC)
    recent = [("claude-haiku-4-5", now, Usage(input_tokens=1000))]
    older = [("claude-haiku-4-5", now - timedelta(days=40), Usage(input_tokens=5000))]
    save_metered(cli.data_dir, A_ID, *older, *recent)
    today = cli.run("usage", "--days", "1").stdout
    assert _rows(today)[1] == [
        now.date().isoformat(),
        "claude-haiku-4-5",
        "1",
        "1,000",
        "0",
        "0",
        "0",
        "$0.001",
    ]
    assert _total(today) == ["TOTAL", "1", "1,000", "0", "0", "0", "$0.001"]
    assert _total(cli.run("usage", "--days", "30").stdout)[:3] == ["TOTAL", "1", "1,000"]
    assert _total(cli.run("usage").stdout) == ["TOTAL", "2", "6,000", "0", "0", "0", "$0.006"]
    refused = cli.run("usage", "--days", "0")
    assert refused.returncode == 2 and "must be at least 1" in refused.stderr


def test_usage_of_nothing_says_so(cli: Cli) -> None:
    assert cli.run("usage").stdout == "No saved reply has usage to count.\n"
    save_metered(cli.data_dir, A_ID, A_REPLIES[0])  # in October 2026
    assert cli.run("usage", "--days", "2").stdout == (
        "No saved reply in the last 2 days has usage to count.\n"
    )
    empty = json.loads(cli.run("usage", "--json", "--days", "2").stdout)
    assert (empty["days"], empty["models"]) == ([], [])
    assert empty["total"]["replies"] == 0 and empty["total"]["cost_usd"] == 0


def test_the_config_file_prices_a_model_the_table_does_not_know(seeded: Cli) -> None:
    with seeded.config.open("a") as config:
        config.write(
            '[prices."claude-mystery"]\n'
            "input = 100.0\ncache_write_5m = 0\ncache_write_1h = 0\ncache_read = 0\n"
            "output = 1000.0\n"
        )
    result = seeded.run("usage")
    assert result.returncode == 0, result.stderr
    mystery = (100 * 100.0 + 10 * 1000.0) / M  # $0.02
    assert ["claude-mystery-1", "1", "100", "10", "0", "0", "$0.02"] in _rows(result.stdout)
    total = OCTOBER + NOVEMBER_20 + NOVEMBER_25 + OPUS + mystery
    assert total == pytest.approx(0.511)
    assert ["TOTAL", "5", "14,100", "21,510", "2,000", "130,000", "$0.51"] in _rows(result.stdout)
    assert result.stdout.endswith(
        "Prices as checked on 2026-12-02 (claude-mystery from the config file); "
        "cache writes at the 5-minute rate.\n"
    )


def test_a_price_override_that_cannot_be_used_is_refused_in_words(seeded: Cli) -> None:
    with seeded.config.open("a") as config:
        config.write(
            '[prices."claude-opus-5-5"]\ninput = "four dollars"\ncache_write_5m = 5\n'
            "cache_write_1h = 8\ncache_read = 0.2\noutput = 20\n"
        )
    for command in ("usage", "list"):
        result = seeded.run(command)
        assert result.returncode == 2
        assert result.stdout == ""
        assert '[prices."claude-opus-5-5"] input must be a number' in result.stderr


def test_a_changed_conversation_is_counted_again(seeded: Cli) -> None:
    before = seeded.run("usage", "--json")
    assert json.loads(before.stdout)["total"]["replies"] == 5
    assert (seeded.data_dir / "usage.json").exists()  # what the next run reads instead
    more = (
        "claude-opus-5-5",
        datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        Usage(input_tokens=M),
    )
    save_metered(seeded.data_dir, B_ID, *B_REPLIES, more)
    (seeded.data_dir / "conversations" / f"{A_ID}.json").unlink()
    after = json.loads(seeded.run("usage", "--json").stdout)
    assert after["total"]["replies"] == 3
    assert after["total"]["cost_usd"] == pytest.approx(OPUS + 4.0)


def test_a_broken_usage_cache_is_read_past(seeded: Cli) -> None:
    expected = seeded.run("usage").stdout
    for broken in ('{"version": 1, "entries": {"x": [1, 2]}}', "not json", "[]"):
        (seeded.data_dir / "usage.json").write_text(broken)
        assert seeded.run("usage").stdout == expected


def test_a_reply_from_the_api_is_priced_everywhere(fake_api: FakeAnthropic, tmp_path: Path) -> None:
    cli = Cli.make(fake_api.url, tmp_path)
    fake_api.enqueue(
        Reply.text(
            "Four.",
            input_tokens=1200,
            output_tokens=300,
            cache_creation_input_tokens=2000,
            cache_read_input_tokens=5000,
        )
    )
    sent = cli.run("-p", "--model", "claude-opus-5-5", "What is 2+2?")
    assert (sent.returncode, sent.stdout) == (0, "Four.\n")
    cost = (1200 * 4 + 300 * 20 + 2000 * 5 + 5000 * 0.20) / M
    assert cost == pytest.approx(0.0218)  # "$0.022"
    usage = cli.run("usage")
    assert _total(usage.stdout) == ["TOTAL", "1", "1,200", "300", "2,000", "5,000", "$0.022"]
    assert "$0.022  What is 2+2?" in cli.run("list").stdout
    exported = cli.run("export", "--last").stdout
    assert 'cost: "$0.022"' in exported and "Four.\n\n_Cost: $0.022_\n" in exported
