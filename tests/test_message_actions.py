"""Actions on a focused message, as a user drives them: copy, edit into a branch, switch
branches, ask again, delete and undo; and a failed turn that never poisons the next.
What each action sent is read from the fake API's request log; what it kept, from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from claude_tui.config import Settings
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.dialogs import Confirm
from claude_tui.tui.widgets.message_log import MessageLog
from claude_tui.tui.widgets.message_marks import CLOSE, OPEN
from tests import ui
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import said


def log(app: ClaudeTUI) -> MessageLog:
    return app.screen.query_one(MessageLog)


async def focus(pilot: Pilot[Any], app: ClaudeTUI, ups: int = 0) -> None:
    """Ctrl+Up from the input box to the last message, then Up ``ups`` times."""
    await pilot.press("ctrl+up")
    await ui.wait_until(pilot, lambda: log(app).has_focus, what="the log focused")
    for _ in range(ups):
        await pilot.press("up")
    await pilot.pause()


def marker(position: int, count: int) -> str:
    """The branch marker by a message's title: which of how many."""
    return f"{OPEN} {position}/{count} {CLOSE}"


def shown_texts(app: ClaudeTUI) -> list[str]:
    return [m.text for m in ui.open_conversation(app).messages]


async def test_edit_forks_and_the_old_branch_stays_intact_after_a_restart(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.text("First answer."), Reply.text("Second answer."))
    fake_api.enqueue(Reply.text("Answer to the edit."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "one")
        await ui.send(pilot, app, "two")
        await focus(pilot, app, ups=1)  # your second message
        await pilot.press("e")
        await ui.wait_until(
            pilot, lambda: "Editing your message 2" in ui.screen_text(app), what="the banner"
        )
        assert ui.prompt(app).text == "two"
        await ui.type_text(pilot, " (edited)")
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
        assert said(fake_api.requests[-1].body) == [
            ("user", "one"),
            ("assistant", "First answer."),
            ("user", "two (edited)"),
        ]
        assert "Editing message" not in ui.screen_text(app)
        await ui.wait_until(pilot, lambda: marker(2, 2) in ui.screen_text(app), what="the marker")
        await focus(pilot, app, ups=1)
        await pilot.press("left")
        await ui.wait_until(
            pilot, lambda: "Second answer." in ui.screen_text(app), what="the old branch"
        )
        assert shown_texts(app) == ["one", "First answer.", "two", "Second answer."]
        assert marker(1, 2) in ui.screen_text(app)
        conversation_id = ui.open_conversation(app).id
    saved = ui.on_disk(data_dir, conversation_id)
    assert [m["content"][0]["text"] for m in saved["branches"]] == [
        "two (edited)",
        "Answer to the edit.",
    ]
    async with ui.running(settings, open=conversation_id) as (app, pilot):
        assert shown_texts(app) == ["one", "First answer.", "two", "Second answer."]
        await focus(pilot, app, ups=1)
        await pilot.press("right")
        await ui.wait_until(
            pilot, lambda: "Answer to the edit." in ui.screen_text(app), what="the branch"
        )
    assert len(fake_api.requests) == 3


async def test_escape_cancels_an_edit_and_gives_the_draft_back(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Hi."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "hello")
        await ui.type_text(pilot, "half a thought")
        await focus(pilot, app, ups=1)
        await pilot.press("e")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text == "hello", what="the text")
        await pilot.press("escape")
        await ui.wait_until(
            pilot, lambda: ui.prompt(app).text == "half a thought", what="the draft back"
        )
        assert "Editing message" not in ui.screen_text(app)
        assert len(fake_api.requests) == 1


async def test_regenerate_keeps_the_old_reply_as_a_sibling(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Take one."), Reply.text("Take two."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Say something")
        await focus(pilot, app)
        await pilot.press("r")
        await ui.wait_until(pilot, lambda: len(fake_api.requests) == 2, what="asked again")
        await ui.wait_idle(pilot, app)
        assert said(fake_api.requests[1].body) == [("user", "Say something")]
        await ui.wait_until(pilot, lambda: "Take two." in ui.screen_text(app), what="the reply")
        assert marker(2, 2) in ui.screen_text(app)
        await focus(pilot, app)
        await pilot.press("left")
        await ui.wait_until(pilot, lambda: "Take one." in ui.screen_text(app), what="take one")
        assert "Take two." not in ui.screen_text(app)


async def test_delete_a_turn_then_undo(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.text("Answer one."), Reply.text("Answer two."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "first")
        await ui.send(pilot, app, "second")
        conversation_id = ui.open_conversation(app).id
        await focus(pilot, app, ups=1)
        await pilot.press("d")
        await ui.wait_for_screen(pilot, app, Confirm)
        await pilot.press("enter")
        await ui.wait_until(
            pilot, lambda: "Answer two." not in ui.screen_text(app), what="the turn gone"
        )
        on_disk = ui.on_disk(data_dir, conversation_id)["messages"]
        assert [m["content"][0]["text"] for m in on_disk] == ["first", "Answer one."]
        await focus(pilot, app)
        await pilot.press("u")
        await ui.wait_until(pilot, lambda: "Answer two." in ui.screen_text(app), what="undone")
        assert shown_texts(app) == ["first", "Answer one.", "second", "Answer two."]
    saved = ui.on_disk(data_dir, conversation_id)["messages"]
    assert [m["content"][0]["text"] for m in saved] == [
        "first",
        "Answer one.",
        "second",
        "Answer two.",
    ]


async def test_copy_gives_the_markdown_source_and_a_code_block(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    source = "Some **bold** and `code`.\n\n```python\nprint(1)\n```\n\n```sh\necho two\n```"
    fake_api.enqueue(Reply.text(source))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Show me")
        await focus(pilot, app)
        await pilot.press("y")
        await ui.wait_until(pilot, lambda: app.clipboard == source, what="the copy")
        assert "Copied" in ui.seen(app)
        await pilot.press("c", "2")
        await ui.wait_until(pilot, lambda: app.clipboard == "echo two", what="block 2")


async def test_after_a_413_only_the_new_message_is_sent(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.error(413), Reply.text("Fine."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "a huge paste")
        await ui.wait_until(pilot, lambda: "not answered" in ui.screen_text(app), what="the mark")
        await ui.send(pilot, app, "ok, a short question instead")
        assert said(fake_api.requests[-1].body) == [("user", "ok, a short question instead")]
        assert "not answered" in ui.screen_text(app)  # the first one still says so
        fake_api.enqueue(Reply.text("Now it fits."))
        await focus(pilot, app, ups=3)  # Ctrl+R with the cursor on it sends it again
        await pilot.press("ctrl+r")
        await ui.wait_until(pilot, lambda: len(fake_api.requests) == 3, what="sent again")
        await ui.wait_idle(pilot, app)
        assert said(fake_api.requests[-1].body) == [("user", "a huge paste")]
        assert shown_texts(app) == ["a huge paste", "Now it fits."]
        assert "not answered" not in ui.screen_text(app)


async def test_a_reply_stopped_with_escape_continues_where_it_stopped(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    gate = ui.held_reply(fake_api, "The first half. And the rest.", after="The first half.")
    fake_api.enqueue(Reply.text(" The second half."))
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "Tell me", gate, shown="The first half.")
        await pilot.press("escape")
        await ui.wait_idle(pilot, app)
        gate.release()
        await pilot.press("ctrl+o")
        await ui.wait_until(pilot, lambda: len(fake_api.requests) == 2, what="continued")
        await ui.wait_idle(pilot, app)
        assert said(fake_api.requests[1].body) == [
            ("user", "Tell me"),
            ("assistant", "The first half."),
        ]
        assert shown_texts(app) == ["Tell me", "The first half. The second half."]


async def test_a_search_hit_in_another_branch_opens_that_branch(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    from claude_tui.tui.screens.search import SearchScreen

    fake_api.enqueue(Reply.text("Pelicans dive."), Reply.text("Gulls glide."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Tell me about pelicans")
        await focus(pilot, app, ups=1)
        await pilot.press("e")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text != "", what="the text")
        ui.prompt(app).load_text("")
        await ui.type_text(pilot, "Tell me about gulls")
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
        await pilot.press("ctrl+f")
        await ui.wait_for_screen(pilot, app, SearchScreen)
        await ui.type_text(pilot, "pelicans dive")
        await ui.wait_until(pilot, lambda: "No message contains" in ui.screen_text(app))
        await pilot.press("ctrl+b")  # every branch
        await ui.wait_until(
            pilot, lambda: "in another branch" in ui.screen_text(app), what="the hit"
        )
        await pilot.press("enter")
        await ui.wait_until(
            pilot, lambda: shown_texts(app) == ["Tell me about pelicans", "Pelicans dive."]
        )
        conversation_id = ui.open_conversation(app).id
        await ui.wait_until(
            pilot,
            lambda: (
                [m["content"][0]["text"] for m in ui.on_disk(data_dir, conversation_id)["messages"]]
                == ["Tell me about pelicans", "Pelicans dive."]
            ),
            what="the branch shown, remembered",
        )


async def test_a_reply_that_just_arrived_is_outlined_like_any_other(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    """Its border was set while it streamed; once it ends, the style sheet's (and the
    cursor's heavy outline) take over again."""
    fake_api.enqueue(Reply.text("Fresh."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Hi")
        await focus(pilot, app)
        await ui.wait_until(pilot, lambda: "┏━ Claude" in ui.screen_text(app), what="outlined")
        await pilot.press("up")
        await ui.wait_until(pilot, lambda: "╭─ Claude" in ui.screen_text(app), what="not")


async def test_an_edit_waits_while_another_conversation_is_open_and_no_draft_is_lost(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    (other,) = ui.seed(data_dir, "Another one")
    fake_api.enqueue(Reply.text("Hi."), Reply.text("Edited answer."))
    async with ui.running(settings, open=other.id) as (app, pilot):
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).id != other.id)
        await ui.send(pilot, app, "hello")
        mine = ui.open_conversation(app).id
        await ui.type_text(pilot, "my own draft")
        await focus(pilot, app, ups=1)
        await pilot.press("e")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text == "hello", what="the text")
        await ui.type_text(pilot, " CHANGED")
        ui.chat_screen(app).opening.open(other.id)
        await ui.wait_open(pilot, app, other.id)
        assert "Editing your message" not in ui.screen_text(app)
        assert ui.prompt(app).text == ""
        ui.chat_screen(app).opening.open(mine)
        await ui.wait_open(pilot, app, mine)
        await ui.wait_until(
            pilot, lambda: "Editing your message 1" in ui.screen_text(app), what="the edit back"
        )
        assert ui.prompt(app).text == "hello CHANGED"
        await pilot.press("escape")
        await ui.wait_until(
            pilot, lambda: ui.prompt(app).text == "my own draft", what="the draft back"
        )


async def test_deleting_the_only_message_can_be_undone_from_the_palette(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Alone."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "only one")
        await focus(pilot, app, ups=1)
        await pilot.press("d")
        await ui.wait_for_screen(pilot, app, Confirm)
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: shown_texts(app) == [], what="nothing left")
        await ui.palette(pilot, app, "undo", "Bring back what was deleted last")
        await ui.wait_until(pilot, lambda: shown_texts(app) == ["only one", "Alone."])


async def test_nothing_that_changes_the_messages_is_offered_while_a_reply_streams(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("First."))
    gate = ui.held_reply(fake_api, "Slow and steady.", after="Slow")
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "one")
        await ui.send_until_held(pilot, "two", gate, shown="Slow")
        await focus(pilot, app, ups=3)  # your first message
        footer = ui.screen_text(app).splitlines()[-1]
        assert "Copy" in footer
        assert "Edit" not in footer and "Delete" not in footer
        gate.release()
        await ui.wait_idle(pilot, app)
        await ui.wait_until(
            pilot, lambda: "Edit" in ui.screen_text(app).splitlines()[-1], what="offered again"
        )
