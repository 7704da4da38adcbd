"""``claude-tui usage``: what the saved conversations cost, by day and by model."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from claude_tui.config import Settings
from claude_tui.console.terminal import Streams, one_line, saved_summaries
from claude_tui.domain.pricing import Cost, Metered, PriceError, PriceTable
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.usage_index import UsageIndex

NO_MODEL = "(no model)"  # a metered reply whose model was not recorded
TOKEN_COLUMNS = ("REPLIES", "INPUT", "OUTPUT", "CACHE WRITE", "CACHE READ", "COST")


def price_table(settings: Settings, streams: Streams) -> PriceTable | None:
    """The shipped prices with the config file's ``[prices]`` rows; None (said on stderr)
    when one of those cannot be used."""
    try:
        return PriceTable.default().with_overrides(settings.prices)
    except PriceError as error:
        streams.error(f"the config file's prices: {error}")
        return None


def saved_replies(store: ConversationStore, streams: Streams) -> dict[str, list[Metered]]:
    """Every saved conversation's metered replies, by conversation id."""
    summaries = saved_summaries(store, streams)
    return UsageIndex(store).metered(summary.id for summary in summaries)


@dataclass
class Tally:
    """What some replies used and cost."""

    replies: int = 0
    usage: Usage = field(default_factory=Usage)
    cost: Cost = field(default_factory=Cost)

    def add(self, reply: Metered, table: PriceTable) -> None:
        self.replies += 1
        self.usage = self.usage + reply.usage
        self.cost = self.cost + Cost.of(reply.cost(table))

    def cells(self) -> list[str]:
        usage = self.usage
        counts = (
            self.replies,
            usage.input_tokens,
            usage.output_tokens,
            usage.cache_creation_input_tokens,
            usage.cache_read_input_tokens,
        )
        return [*(f"{count:,}" for count in counts), self.cost.text]

    def to_dict(self) -> dict[str, Any]:
        return {"replies": self.replies, **self.usage.to_dict(), **self.cost.to_dict()}


@dataclass
class Report:
    by_day: dict[tuple[date, str], Tally] = field(default_factory=dict)
    by_model: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)

    @classmethod
    def of(cls, replies: Iterable[Metered], table: PriceTable) -> Report:
        report = cls()
        for reply in replies:
            model = reply.model or NO_MODEL
            day = local_day(reply.at)
            for tally in (
                report.by_day.setdefault((day, model), Tally()),
                report.by_model.setdefault(model, Tally()),
                report.total,
            ):
                tally.add(reply, table)
        return report

    def days(self) -> list[tuple[str, str, Tally]]:
        """(day, model, tally): the newest day first, its models by name."""
        rows = sorted(self.by_day.items(), key=lambda item: (-item[0][0].toordinal(), item[0][1]))
        return [(day.isoformat(), model, tally) for (day, model), tally in rows]

    def lines(self) -> list[str]:
        models = sorted(self.by_model.items())
        return [
            *_table(
                ("DAY", "MODEL"),
                [[day, one_line(model), *tally.cells()] for day, model, tally in self.days()],
            ),
            "",
            *_table(
                ("MODEL",),
                [
                    *([one_line(model), *tally.cells()] for model, tally in models),
                    ["TOTAL", *self.total.cells()],
                ],
            ),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": [
                {"day": day, "model": model, **tally.to_dict()} for day, model, tally in self.days()
            ],
            "models": [
                {"model": model, **tally.to_dict()}
                for model, tally in sorted(self.by_model.items())
            ],
            "total": self.total.to_dict(),
        }


def local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def _table(labels: Sequence[str], rows: list[list[str]]) -> list[str]:
    """Columns two spaces apart: the labelled ones on the left, the numbers on the right."""
    header = [*labels, *TOKEN_COLUMNS]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    left = len(labels)

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.ljust(width) if index < left else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _prices_note(table: PriceTable, report: Report) -> list[str]:
    overrides = f" ({', '.join(table.overridden)} from the config file)" if table.overridden else ""
    lines = [f"Prices as checked on {table.checked}{overrides}; cache writes at the 5-minute rate."]
    if not report.total.cost.known:
        lines.append('"unknown": no price for that model; [prices] in the config file can add one.')
    return lines


def run_usage(settings: Settings, days: int | None, as_json: bool, streams: Streams) -> int:
    """``claude-tui usage``: tokens and cost of every saved reply (of the last ``days``
    days, today included, in local time), by day and model, by model, and in total."""
    table = price_table(settings, streams)
    if table is None:
        return 2
    store = ConversationStore(settings.resolved_data_dir())
    replies = [reply for rows in saved_replies(store, streams).values() for reply in rows]
    if days is not None:
        since = date.today() - timedelta(days=days - 1)
        replies = [reply for reply in replies if local_day(reply.at) >= since]
    report = Report.of(replies, table)
    out = streams.stdout
    if as_json:
        data = {
            "prices_checked": table.checked.isoformat(),
            "price_overrides": list(table.overridden),
            **report.to_dict(),
        }
        out.write(json.dumps(data, indent=2) + "\n")
        return 0
    if not replies:
        within = f" in the last {days} day{'s' if days != 1 else ''}" if days else ""
        out.write(f"No saved reply{within} has usage to count.\n")
        return 0
    out.write("\n".join([*report.lines(), "", *_prices_note(table, report)]) + "\n")
    return 0
