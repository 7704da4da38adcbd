"""The open conversation's file broken from outside: "saved in its place" is said only once
the copy on screen is on disk, and quitting in between waits for that save."""

from __future__ import annotations

import asyncio
from pathlib import Path

from claude_tui.config import Settings
from claude_tui.domain.conversation import Conversation
from tests.ui import flat, make_app, on_disk, screen_text, seed, wait_open, wait_until

SIZE = (120, 30)
SAID = "The copy on screen is saved in its place."


async def test_saved_is_said_after_the_save_and_quitting_waits_for_it(
    settings: Settings, data_dir: Path
) -> None:
    (plans,) = seed(data_dir, "Plans")
    path = data_dir / "conversations" / f"{plans.id}.json"
    set_aside = data_dir / "quarantine" / f"{plans.id}.json"
    app = make_app(settings)
    keeper = app.services.keeper
    real_save = keeper.save
    go_on = asyncio.Event()

    async def held_save(conversation: Conversation) -> bool:
        """The disk is slow: each save waits until the test lets it go on."""
        await go_on.wait()
        return await real_save(conversation)

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_open(pilot, app, plans.id)
        keeper.save = held_save  # type: ignore[method-assign]
        path.write_text("oops")
        await wait_until(pilot, set_aside.exists, what="the broken file set aside")
        await pilot.pause(0.3)
        assert SAID not in flat(screen_text(app))  # not yet: nothing is on disk
        assert not path.exists()
        quitting = asyncio.create_task(pilot.press("ctrl+q"))  # (returns once handled)
        await asyncio.sleep(0.3)
        assert app.is_running and not quitting.done()  # waiting for the save in flight
        go_on.set()
        await asyncio.wait_for(quitting, 10)
        await wait_until(pilot, lambda: not app.is_running, what="the app to quit")
    assert set_aside.read_text() == "oops"
    texts = [m["content"][0]["text"] for m in on_disk(data_dir, plans.id)["messages"]]
    assert texts == ["Plans", "Reply about Plans."]
