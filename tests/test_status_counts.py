"""The status bar counts only what the API reported."""

from __future__ import annotations

from pathlib import Path

from claude_tui.config import Settings
from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.ui import flat, make_app, on_disk, screen_text, send, send_until_held, wait_idle

SIZE = (120, 30)


async def test_a_stopped_reply_adds_no_unreported_output_to_the_totals(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    """message_start says ``output_tokens: 1`` as a placeholder; a reply stopped before
    message_delta reported its output must not add that 1 to the totals, while "last"
    says ``out ?``."""
    fake_api.enqueue(Reply.text("First reply.", input_tokens=30, output_tokens=11))
    gate = Gate(after="Second")
    fake_api.enqueue(
        Reply.text("Second reply, stopped.", input_tokens=50, output_tokens=40, gate=gate)
    )
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "one")
        await send_until_held(pilot, "two", gate)
        await pilot.press("escape")
        await wait_idle(pilot, app)
        gate.release()
        seen = flat(screen_text(app))
        assert "last in 50 · out ?" in seen
        assert "total in 80 · out 11" in seen
        conversation_id = app.chat.conversation.id
    stopped = on_disk(data_dir, conversation_id)["messages"][-1]
    assert stopped["status"] == "stopped"
    assert stopped["usage"]["output_tokens"] == 0
