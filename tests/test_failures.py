"""Every way a turn can end badly: a clear message, nothing lost, retry one key away."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from claude_tui.config import Settings
from tests import ui
from tests.fake_api import FakeAnthropic, Reply

HTTP_FAILURES = [
    (400, "The API rejected the request."),
    (401, "The API key was refused."),
    (403, "This API key is not allowed to do that."),
    (404, "The model or endpoint was not found."),
    (413, "The conversation is too large to send."),
    (429, "Rate limited: too many requests for now."),
    (500, "The API had an internal error."),
    (529, "Claude is overloaded right now."),
]


async def _send_and_fail(
    fake_api: FakeAnthropic,
    settings: Settings,
    data_dir: Path,
    failure: Reply,
    headline: str,
    partial: str = "",
) -> None:
    """Send, see the failure, check disk, then retry successfully with Ctrl+R."""
    fake_api.enqueue(failure, Reply.text("Recovered answer."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Please answer")
        if headline == "The API key was refused.":  # the key dialog opens: closed unused
            await ui.wait_until(pilot, lambda: ui.key_dialog_open(app), what="the key dialog")
        else:
            assert not ui.key_dialog_open(app)
        await ui.close_key_dialog(pilot, app)

        shown = ui.seen(app)
        assert headline in shown
        assert "Press Ctrl+R to retry." in shown
        assert "You Please answer" in shown
        if partial:
            assert partial in shown
        assert ui.prompt(app).text == ""  # the message went into the log

        user, reply = ui.the_saved_conversation(data_dir)["messages"]
        assert user["content"][0]["text"] == "Please answer"
        assert reply["status"] == "failed"
        assert reply["error"]["title"] == headline
        if partial:
            assert reply["content"][0]["text"] == partial

        await pilot.press("ctrl+r")
        await ui.wait_idle(pilot, app)
        assert "Recovered answer." in ui.seen(app)
        assert "Ctrl+R" not in ui.seen(app)  # the failure above offers no retry now
        assert headline in ui.seen(app)
        retried = fake_api.requests[-1].body["messages"]
        assert retried == [{"role": "user", "content": [{"type": "text", "text": "Please answer"}]}]

    messages = ui.the_saved_conversation(data_dir)["messages"]
    assert [m.get("status") for m in messages] == [None, "failed", "complete"]


@pytest.mark.parametrize(("status", "headline"), HTTP_FAILURES)
async def test_http_errors_end_the_turn_with_a_clear_message(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path, status: int, headline: str
) -> None:
    await _send_and_fail(
        fake_api, settings, data_dir, Reply.error(status, "what the API said"), headline
    )


async def test_the_api_message_and_request_id_are_shown(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(Reply.error(400, "max_tokens: must be at most 64000"))
    shown = ui.flat(await ui.screen_after_sending(settings, "x"))
    assert "max_tokens: must be at most 64000" in shown
    assert "HTTP 400 · request id req_" in shown


# What arrives, the headline it is told with, the text kept; a stall or a hang ends when
# the client's timeout (half a second here) runs out.
STREAM_FAILURES = {
    "an error event mid-stream": (
        Reply.stream_error_event("Half an answer", "overloaded_error", "Overloaded"),
        "Claude is overloaded right now.",
        "Half an answer",
    ),
    "the connection dropped mid-stream": (
        Reply.drop_mid_stream("Words before the drop"),
        "The connection broke off mid-reply.",
        "Words before the drop",
    ),
    "a stream that ends without its final event": (
        Reply.end_without_stop("Cut short"),
        "The reply ended before it was complete.",
        "Cut short",
    ),
    "a stall mid-stream": (
        Reply.stall("Stalled here", seconds=5),
        "The reply stalled and timed out.",
        "Stalled here",
    ),
    "no answer before the timeout": (
        Reply.hang_before_headers(5),
        "The API did not answer in time.",
        "",
    ),
}


@pytest.mark.parametrize(
    ("failure", "headline", "partial"), STREAM_FAILURES.values(), ids=STREAM_FAILURES
)
async def test_a_reply_cut_off_keeps_the_text_that_arrived(
    fake_api: FakeAnthropic,
    settings: Settings,
    data_dir: Path,
    failure: Reply,
    headline: str,
    partial: str,
) -> None:
    if failure.fault in ("stall", "hang_before_headers"):
        # Short enough to wait out, long enough that the retry's own answer (a real HTTP
        # exchange) never times out on a loaded machine: at 0.5 s it sometimes did.
        settings = replace(settings, request_timeout=2.0)
    await _send_and_fail(fake_api, settings, data_dir, failure, headline, partial)


async def test_no_network(settings: Settings, data_dir: Path) -> None:
    with socket.socket() as probe:  # a port held but not listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{probe.getsockname()[1]}"
        async with ui.running(replace(settings, base_url=nowhere)) as (app, pilot):
            await ui.send(pilot, app, "Anyone there?")
            shown = ui.seen(app)
            assert "Could not reach the API." in shown
            assert "Check your network connection" in shown
    user, reply = ui.the_saved_conversation(data_dir)["messages"]
    assert user["content"][0]["text"] == "Anyone there?"
    assert reply["error"]["kind"] == "connection"


async def test_escape_stops_a_streaming_reply_and_keeps_what_arrived(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    gate = ui.held_reply(fake_api, "The beginning and the rest", after="The beginning")
    fake_api.enqueue(Reply.text("A full answer."))
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "Tell me", gate, shown="The beginning")
        await pilot.press("escape")
        await ui.wait_idle(pilot, app)
        shown = ui.seen(app)
        assert "■ stopped by you" in shown
        assert "The beginning" in shown
        assert "● streaming" not in shown
        assert "last in 10 · out ?" in shown  # the API never said how many came out
        gate.release()

        reply = ui.the_saved_conversation(data_dir)["messages"][1]
        assert reply["status"] == "stopped"
        assert reply["content"][0]["text"] == "The beginning"

        await pilot.press("ctrl+r")
        await ui.wait_idle(pilot, app)
        assert "A full answer." in ui.seen(app)


async def test_a_new_message_while_streaming_waits_and_is_not_lost(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    gate = ui.held_reply(fake_api, "Slow", after="")
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "first", gate)
        await ui.submit(pilot, "second")
        await ui.wait_until(pilot, lambda: "Claude is still replying" in ui.screen_text(app))
        assert ui.prompt(app).text == "second"
        gate.release()
        await ui.wait_idle(pilot, app)
    assert len(fake_api.requests) == 1


async def test_without_an_api_key_the_app_starts_explains_and_keeps_the_draft(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    (saved,) = ui.seed(data_dir, "Saved chat")
    async with ui.running(replace(settings, api_key=None), open=saved.id) as (app, pilot):
        await ui.wait_until(pilot, lambda: ui.key_dialog_open(app), what="the key dialog")
        await ui.close_key_dialog(pilot, app)  # not now: the saved ones can be read
        assert "Reply about Saved chat." in ui.screen_text(app)
        assert "no API key: /key sets one" in ui.screen_text(app)
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: "Type /key to paste one" in ui.seen(app))
        await ui.submit(pilot, "unsent words")
        await ui.wait_until(pilot, lambda: "No API key" in ui.screen_text(app), what="the notice")
        assert ui.prompt(app).text == "unsent words"
        app.clear_notifications()
        await pilot.press("alt+down")  # the saved chat ends in a reply: nothing to retry
        await ui.wait_open(pilot, app, saved.id)
        await pilot.press("ctrl+r")
        await ui.wait_idle(pilot, app)
    assert fake_api.requests == []
