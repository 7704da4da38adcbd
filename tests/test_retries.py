"""Rate limits and overload: the wait and each retry are shown, `retry-after` is obeyed
up to a cap, and a request the API refused for good is not sent again."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from claude_tui.api.retry import retry_after
from claude_tui.config import Settings
from claude_tui.domain.events import wait_words
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.widgets.status_bar import StatusBar
from tests import ui
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import Cli


@pytest.fixture
def retrying(settings: Settings) -> Settings:
    return replace(settings, max_retries=2)


def status_text(app: ClaudeTUI) -> str:
    return str(app.query_one(StatusBar).render())


async def sent_and_waiting_to_retry(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    """Send "Hello" and wait until the status bar counts down to the next attempt."""
    await ui.submit(pilot, "Hello")
    await ui.wait_until(pilot, lambda: "retrying in" in status_text(app), what="the countdown")


async def test_a_rate_limit_is_waited_out_as_asked_and_shown_while_waiting(
    fake_api: FakeAnthropic, retrying: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.error(429, "slow down", retry_after=2), Reply.text("Got there."))
    async with ui.running(retrying) as (app, pilot):
        await sent_and_waiting_to_retry(pilot, app)
        shown = status_text(app)
        assert re.search(
            r"Rate limited: too many requests for now · retrying in [12] s "
            r"\(attempt 2 of 3\) · Escape stops",
            shown,
        ), shown
        # the notification says it too
        assert "Rate limited: too many requests for now. Retrying in" in ui.seen(app)
        await ui.wait_until(
            pilot, lambda: "retrying in 1 s" in status_text(app), what="the countdown to tick"
        )
        await ui.wait_idle(pilot, app)
        assert "Got there." in ui.seen(app)
        assert "retrying" not in status_text(app)

    first, second = fake_api.requests
    assert second.received_at - first.received_at >= 1.9  # retry-after: 2 was obeyed
    assert second.body["messages"] == first.body["messages"]
    messages = ui.the_saved_conversation(data_dir)["messages"]
    assert [m.get("status") for m in messages] == [None, "complete"]  # one reply, not two


async def test_overload_that_persists_fails_after_the_last_retry_and_says_so(
    fake_api: FakeAnthropic, retrying: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(
        *[Reply.error(529, "Overloaded", retry_after=0) for _ in range(3)], Reply.text("Finally.")
    )
    async with ui.running(retrying) as (app, pilot):
        await ui.send(pilot, app, "Hello")
        shown = ui.seen(app)
        assert "Claude is overloaded right now." in shown
        assert "Tried 3 times." in shown
        assert "Press Ctrl+R to retry." in shown
        assert len(fake_api.requests) == 3
        await pilot.press("ctrl+r")  # the user's retry gets the same chances
        await ui.wait_idle(pilot, app)
        assert "Finally." in ui.seen(app)
    messages = ui.the_saved_conversation(data_dir)["messages"]
    assert [m.get("status") for m in messages] == [None, "failed", "complete"]
    assert messages[1]["error"]["detail"] == "Overloaded. Tried 3 times."


async def test_a_wait_beyond_the_cap_is_not_sat_out(
    fake_api: FakeAnthropic, retrying: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.error(429, "slow down", retry_after=3600))
    async with ui.running(retrying) as (app, pilot):
        await ui.send(pilot, app, "Hello")
        shown = ui.seen(app)
        assert "Rate limited: too many requests for now." in shown
        assert "The API asks to wait 60 min before retrying." in shown
        assert "Press Ctrl+R to retry." in shown
        await ui.type_text(pilot, "still typing")  # never frozen
        assert "still typing" in ui.seen(app)
    assert len(fake_api.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413])
async def test_a_request_refused_for_good_is_not_sent_again(
    fake_api: FakeAnthropic, retrying: Settings, status: int
) -> None:
    fake_api.enqueue(Reply.error(status, "no", retry_after=0), Reply.text("Should not be used."))
    shown = await ui.screen_after_sending(retrying, "Hello")
    assert "Retrying" not in shown
    assert "Tried" not in shown
    assert len(fake_api.requests) == 1


async def test_escape_during_the_wait_stops_without_sending_again(
    fake_api: FakeAnthropic, retrying: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.error(529, "Overloaded", retry_after=30), Reply.text("Not wanted."))
    async with ui.running(retrying) as (app, pilot):
        await sent_and_waiting_to_retry(pilot, app)
        await pilot.press("escape")
        await ui.wait_idle(pilot, app)
        assert "retrying" not in status_text(app)
        assert "Press Ctrl+R to retry." in ui.seen(app)
    assert len(fake_api.requests) == 1
    user, reply = ui.the_saved_conversation(data_dir)["messages"]
    assert user["content"][0]["text"] == "Hello"
    assert reply["status"] == "stopped"


def test_the_command_line_says_when_it_retries(fake_api: FakeAnthropic, tmp_path: Path) -> None:
    cli = Cli.make(fake_api.url, tmp_path)
    cli.config.write_text("max_retries = 1\nrequest_timeout = 20\n")
    fake_api.enqueue(Reply.error(429, "slow down", retry_after=1), Reply.text("Done."))
    result = cli.run("-p", "Hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Done.\n"
    assert result.stderr == (
        "Rate limited: too many requests for now. Retrying in 1 s (attempt 2 of 2).\n"
    )


# A wait that is no number or endless is no answer: the backoff is used, as without one.
ENDLESS = [("inf", None), ("nan", None), (None, "1e400"), (None, "nan")]


@pytest.mark.parametrize(("seconds", "milliseconds"), ENDLESS)
def test_the_command_line_retries_as_usual_when_the_wait_asked_is_endless(
    fake_api: FakeAnthropic, tmp_path: Path, seconds: str | None, milliseconds: str | None
) -> None:
    cli = Cli.make(fake_api.url, tmp_path)
    cli.config.write_text("max_retries = 1\nrequest_timeout = 20\n")
    fake_api.enqueue(
        Reply.error(429, "slow down", retry_after=seconds, retry_after_ms=milliseconds),
        Reply.text("Done."),
    )
    result = cli.run("-p", "Hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Done.\n"
    assert result.stderr == (
        "Rate limited: too many requests for now. Retrying in 1 s (attempt 2 of 2).\n"
    )
    assert [m.get("status") for m in cli.only_conversation()["messages"]] == [None, "complete"]


async def test_the_app_retries_as_usual_when_the_wait_asked_is_endless(
    fake_api: FakeAnthropic, retrying: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(
        Reply.error(529, "Overloaded", retry_after="inf", retry_after_ms="1e400"),
        Reply.text("Got there."),
    )
    async with ui.running(retrying) as (app, pilot):
        await ui.send(pilot, app, "Hello")
        shown = ui.seen(app)
        assert "Got there." in shown
        assert "unexpected" not in shown
    assert len(fake_api.requests) == 2
    messages = ui.the_saved_conversation(data_dir)["messages"]
    assert [m.get("status") for m in messages] == [None, "complete"]


def test_a_wait_that_is_no_number_or_beyond_reason_counts_as_none() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()
    next_year = format_datetime(datetime(2027, 12, 1, 12, 0, tzinfo=UTC), usegmt=True)
    for value in ("inf", "-inf", "nan", "1e400", "1e12", "Infinity"):
        assert retry_after({"retry-after": value}) is None, value
        assert retry_after({"retry-after-ms": value}) is None, value
        assert retry_after({"retry-after-ms": value, "retry-after": "4"}) == 4.0, value
    assert retry_after({"retry-after": next_year}, now=now) is None
    assert retry_after({"retry-after": "Fri, 31 Dec 99999 23:59:59 GMT"}) is None
    assert retry_after({"retry-after": "86400"}) == 86400.0  # a day is a wait, if long
    assert wait_words(86400) == "24 h"


def test_retry_after_is_read_in_each_of_its_forms() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()
    later = format_datetime(datetime(2026, 12, 1, 12, 0, 30, tzinfo=UTC), usegmt=True)
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after": "7"}) == 7.0
    assert retry_after({"retry-after": later}, now=now) == 30.0
    assert retry_after({"retry-after": "-3"}) == 0.0
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None
    assert [wait_words(s) for s in (0.2, 1.2, 89, 600, 7200)] == [
        "1 s",
        "2 s",
        "89 s",
        "10 min",
        "2 h",
    ]
