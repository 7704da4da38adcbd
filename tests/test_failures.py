"""Every way a turn can end badly: a clear message, nothing lost, retry one key away."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from claude_tui.config import Settings
from claude_tui.tui.widgets.prompt_input import PromptInput
from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.ui import (
    conversation_files,
    flat,
    make_app,
    on_disk,
    screen_text,
    send,
    send_until_held,
    type_text,
    wait_idle,
    wait_until,
)

SIZE = (120, 36)

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
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path, failure: Reply, headline: str,
    partial: str = "",
) -> None:
    """Send, see the failure, check disk, then retry successfully with Ctrl+R."""
    fake_api.enqueue(failure, Reply.text("Recovered answer."))
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send(pilot, app, "Please answer")

        seen = flat(screen_text(app))
        assert headline in seen
        assert "Press Ctrl+R to retry." in seen
        assert "You Please answer" in seen
        if partial:
            assert partial in seen
        assert app.query_one(PromptInput).text == ""  # the message went into the log

        (path,) = conversation_files(data_dir)
        user, reply = on_disk(data_dir, path.stem)["messages"]
        assert user["content"][0]["text"] == "Please answer"
        assert reply["status"] == "failed"
        assert reply["error"]["title"] == headline
        if partial:
            assert reply["content"][0]["text"] == partial

        await pilot.press("ctrl+r")
        await wait_idle(pilot, app)
        assert "Recovered answer." in flat(screen_text(app))
        assert "Ctrl+R" not in flat(screen_text(app))  # the failure above offers no retry now
        assert headline in flat(screen_text(app))
        retried = fake_api.requests[-1].body["messages"]
        assert retried == [{"role": "user", "content": [{"type": "text", "text": "Please answer"}]}]

    messages = on_disk(data_dir, path.stem)["messages"]
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
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send(pilot, app, "x")
        seen = flat(screen_text(app))
        assert "max_tokens: must be at most 64000" in seen
        assert "HTTP 400 · request id req_" in seen


async def test_error_event_mid_stream_keeps_the_text_that_arrived(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    await _send_and_fail(
        fake_api, settings, data_dir,
        Reply.stream_error_event("Half an answer", "overloaded_error", "Overloaded"),
        "Claude is overloaded right now.", partial="Half an answer",
    )


async def test_connection_dropped_mid_stream(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    await _send_and_fail(
        fake_api, settings, data_dir, Reply.drop_mid_stream("Words before the drop"),
        "The connection broke off mid-reply.", partial="Words before the drop",
    )


async def test_stream_that_ends_without_its_final_event(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    await _send_and_fail(
        fake_api, settings, data_dir, Reply.end_without_stop("Cut short"),
        "The reply ended before it was complete.", partial="Cut short",
    )


async def test_stall_mid_stream_times_out(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    await _send_and_fail(
        fake_api, replace(settings, request_timeout=0.5), data_dir,
        Reply.stall("Stalled here", seconds=5), "The reply stalled and timed out.",
        partial="Stalled here",
    )


async def test_timeout_before_the_reply_starts(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    await _send_and_fail(
        fake_api, replace(settings, request_timeout=0.5), data_dir,
        Reply.hang_before_headers(5), "The API did not answer in time.",
    )


async def test_no_network(settings: Settings, data_dir: Path) -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(replace(settings, base_url=f"http://127.0.0.1:{port}"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send(pilot, app, "Anyone there?")
        seen = flat(screen_text(app))
        assert "Could not reach the API." in seen
        assert "Check your network connection" in seen
    (path,) = conversation_files(data_dir)
    user, reply = on_disk(data_dir, path.stem)["messages"]
    assert user["content"][0]["text"] == "Anyone there?"
    assert reply["error"]["kind"] == "connection"


async def test_escape_stops_a_streaming_reply_and_keeps_what_arrived(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    gate = Gate(after="The beginning")
    fake_api.enqueue(
        Reply.text("The beginning and the rest", gate=gate), Reply.text("A full answer.")
    )
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send_until_held(pilot, "Tell me", gate)
        await wait_until(pilot, lambda: "The beginning" in screen_text(app))
        await pilot.press("escape")
        await wait_idle(pilot, app)
        seen = flat(screen_text(app))
        assert "■ stopped by you" in seen
        assert "The beginning" in seen
        assert "● streaming" not in seen
        assert "last in 10 · out ?" in seen  # the API never said how many came out
        gate.release()

        (path,) = conversation_files(data_dir)
        reply = on_disk(data_dir, path.stem)["messages"][1]
        assert reply["status"] == "stopped"
        assert reply["content"][0]["text"] == "The beginning"

        await pilot.press("ctrl+r")
        await wait_idle(pilot, app)
        assert "A full answer." in flat(screen_text(app))


async def test_a_new_message_while_streaming_waits_and_is_not_lost(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    gate = Gate(after="")
    fake_api.enqueue(Reply.text("Slow", gate=gate))
    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await send_until_held(pilot, "first", gate)
        await type_text(pilot, "second")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Claude is still replying" in screen_text(app))
        assert app.query_one(PromptInput).text == "second"
        gate.release()
        await wait_idle(pilot, app)
    assert len(fake_api.requests) == 1


async def test_without_an_api_key_the_app_starts_explains_and_keeps_the_draft(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    from tests.ui import seed

    seed(data_dir, "Saved chat")
    app = make_app(replace(settings, api_key=None))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: "Reply about Saved chat." in screen_text(app))
        assert "no API key: set ANTHROPIC_API_KEY" in screen_text(app)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "export ANTHROPIC_API_KEY" in flat(screen_text(app))
        await type_text(pilot, "unsent words")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "No API key" in screen_text(app), what="the notice")
        assert app.query_one(PromptInput).text == "unsent words"
        app.clear_notifications()
        await pilot.press("alt+down")  # the saved chat ends in a reply: nothing to retry
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
    assert fake_api.requests == []
