"""Big input: a 1 MB paste, a reply of 100,000 lines, 50,000 characters on one line,
unreadable files in the data folder. Nothing crashes, nothing is cut, and keys keep
working (checked by what they do, not by timing them)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual import events
from textual.geometry import Offset
from textual.pilot import Pilot
from textual.selection import Selection

from claude_tui.config import Settings
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.widgets.message_log import (
    PLAIN_NOTE,
    LongTextBlockView,
    LongThinkingBlockView,
    LongUserMessageView,
    MessageLog,
    TextBlockView,
)
from claude_tui.tui.widgets.thinking import ThinkingView
from tests import ui
from tests.fake_api import FakeAnthropic, Reply

# About 1 MB of text in lines of a usual length, as a log or a source file would paste.
PASTE = "".join(f"pasted line {n:05d} " + "lorem ipsum " * 5 + "\n" for n in range(13_000))
PASTE += "the end of the paste"
assert len(PASTE.encode()) > 1_000_000


def paste(app: ClaudeTUI, text: str) -> None:
    """A bracketed paste, as the terminal driver delivers it: to the app, which hands it
    to the focused widget (a Paste posted to the widget itself would bubble back up to
    the app and be pasted twice)."""
    app.post_message(events.Paste(text))


async def paste_and_send(pilot: Pilot[Any], app: ClaudeTUI, text: str) -> None:
    """Paste ``text``, wait until the input box holds it, send it, wait for the reply."""
    paste(app, text)
    await ui.wait_until(pilot, lambda: ui.prompt(app).text == text, what="the paste in the box")
    await pilot.press("enter")
    await ui.wait_idle(pilot, app)


async def keys_still_work(pilot: Pilot[Any], app: ClaudeTUI, words: str = "still here") -> None:
    """Type into the input box and see the words there."""
    await ui.type_text(pilot, words)
    await ui.wait_until(pilot, lambda: words in ui.screen_text(app), what=f"{words!r} typed")
    assert ui.prompt(app).text.endswith(words)


def status_line(app: ClaudeTUI) -> str:
    return ui.flat(ui.screen_text(app).splitlines()[-2])


def assert_complete(app: ClaudeTUI) -> None:
    status = status_line(app)
    assert "● streaming" not in status
    assert "last in 10 · out" in status
    assert not ui.replying(app)


def line_numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\bline (\d+)\b", text)]


async def test_a_1_mb_paste_is_sent_whole_and_the_keys_still_work(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.text("Received your paste."))
    async with ui.running(settings) as (app, pilot):
        box = ui.prompt(app)
        paste(app, PASTE)
        await ui.wait_until(pilot, lambda: box.text == PASTE, what="the paste in the box")
        await pilot.pause()
        assert "the end of the paste" in ui.screen_text(app)  # the box follows the cursor
        await ui.type_text(pilot, "!")
        await ui.wait_until(pilot, lambda: "paste!" in ui.screen_text(app))

        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
        shown = ui.seen(app)
        assert "the end of the paste!" in shown
        assert "Received your paste." in shown
        assert_complete(app)
        assert box.text == ""
        assert len(app.query(LongUserMessageView)) == 1
        await keys_still_work(pilot, app)

    sent = PASTE + "!"
    assert fake_api.requests[0].body["messages"][0]["content"][0]["text"] == sent
    user, reply = ui.the_saved_conversation(data_dir)["messages"]
    assert user["content"][0]["text"] == sent
    assert reply["status"] == "complete"


async def test_a_reply_of_100_000_lines_streams_while_keys_work(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    text = "".join(f"line {n}\n" for n in range(100_000)) + "The very last line."
    halfway = text[: text.index("line 50000\n")]
    gate = ui.held_reply(fake_api, text, after=halfway, chunk_size=20_000)
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "Count to 100,000", gate)
        # Held halfway: the reply is streaming, and the keys are handled meanwhile.
        await ui.wait_until(pilot, lambda: "line 49999" in ui.screen_text(app), what="line 49999")
        await ui.type_text(pilot, "typed meanwhile")
        await ui.wait_until(pilot, lambda: "typed meanwhile" in ui.screen_text(app))
        assert ui.replying(app)
        assert "● streaming" in status_line(app)

        gate.release()
        await ui.wait_idle(pilot, app)
        text_shown = ui.screen_text(app)
        assert "The very last line." in text_shown
        assert "line 99999" in text_shown
        assert PLAIN_NOTE in ui.flat(text_shown)
        assert_complete(app)
        (view,) = app.query(LongTextBlockView)
        assert view.text == text

        # The mouse finds where it is in the text, and a selection copies the text there.
        rows = ui.screen_text(app).splitlines()
        y = next(n for n, row in enumerate(rows) if "The very last line." in row)
        x = rows[y].index("The very last line.") + len("The ")
        assert app.screen.get_widget_and_offset_at(x, y) == (view, Offset(4, 100_000))
        app.screen.selections = {view: Selection(Offset(5, 99_999), Offset(8, 100_000))}
        await pilot.pause()
        assert app.screen.get_selected_text() == "99999\nThe very"

        # A page up shows the lines just before, each once and in order.
        app.query_one(MessageLog).scroll_page_up(animate=False)
        await pilot.pause()
        shown = line_numbers(ui.screen_text(app))
        assert shown == list(range(shown[0], shown[0] + len(shown)))
        assert shown[-1] < 99_999
        assert len(shown) > 20

        await keys_still_work(pilot, app, " and after")
        assert ui.prompt(app).text == "typed meanwhile and after"

    reply = ui.the_saved_conversation(data_dir)["messages"][1]
    assert reply["content"][0]["text"] == text
    assert reply["status"] == "complete"


async def test_a_reply_that_outgrows_markdown_is_drawn_plain_from_then_on(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    paragraph = "A paragraph of words. " * 40 + "\n\n"
    first = "# A heading\n\nSome **bold** words.\n\n" + paragraph * 25
    text = first + paragraph * 50 + "The final words."
    gate = ui.held_reply(fake_api, text, after=first, chunk_size=4_000)
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "Write a lot", gate)
        await ui.wait_until(
            pilot,
            lambda: [v.source for v in app.query(TextBlockView)] == [first],
            what="the first part drawn as Markdown",
        )
        app.query_one(MessageLog).scroll_home(animate=False)
        await pilot.pause()
        assert "A heading" in ui.screen_text(app)
        assert "# A heading" not in ui.screen_text(app)  # Markdown, while it is short enough
        assert PLAIN_NOTE not in ui.seen(app)

        gate.release()
        await ui.wait_idle(pilot, app)
        assert not app.query(TextBlockView)
        (view,) = app.query(LongTextBlockView)
        assert view.text == text
        app.query_one(MessageLog).scroll_end(animate=False)
        await pilot.pause()
        shown = ui.seen(app)
        assert "The final words." in shown
        assert PLAIN_NOTE in shown
        assert_complete(app)
        app.query_one(MessageLog).scroll_home(animate=False)
        await pilot.pause()
        assert "# A heading" in ui.screen_text(app)  # now literal
        assert "Some **bold** words." in ui.screen_text(app)
        await keys_still_work(pilot, app)

    assert ui.the_saved_conversation(data_dir)["messages"][1]["content"][0]["text"] == text


async def test_a_line_of_50_000_characters_in_a_message_and_in_its_reply(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    said = "".join(f"u{n:04d}" for n in range(9_998)) + "USER-TAIL!"
    answer = "".join(f"r{n:04d}" for n in range(9_998)) + "REPLY-TAIL"
    assert len(said) == len(answer) == 50_000 and "\n" not in said + answer
    fake_api.enqueue(Reply.text(answer, chunk_size=2_000))
    async with ui.running(settings) as (app, pilot):
        await paste_and_send(pilot, app, said)
        assert "REPLY-TAIL" in ui.screen_text(app)
        assert_complete(app)
        (mine,) = app.query(LongUserMessageView)
        (theirs,) = app.query(LongTextBlockView)
        assert (mine.text, theirs.text) == (said, answer)

        # Scroll up to the end of the user's message, a page at a time.
        log = app.query_one(MessageLog)
        for _ in range(60):
            if "USER-TAIL!" in ui.screen_text(app):
                break
            log.scroll_page_up(animate=False)
            await pilot.pause()
        assert "USER-TAIL!" in ui.screen_text(app)
        await keys_still_work(pilot, app)

    assert fake_api.requests[0].body["messages"][0]["content"][0]["text"] == said
    user, reply = ui.the_saved_conversation(data_dir)["messages"]
    assert user["content"][0]["text"] == said
    assert reply["content"][0]["text"] == answer


async def test_long_thinking_is_drawn_plain_and_kept_whole(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    thinking = "".join(f"thought {n}\n" for n in range(8_000)) + "Last thought."
    fake_api.enqueue(
        Reply.blocks(
            [
                {"type": "thinking", "thinking": thinking, "signature": "sig"},
                {"type": "text", "text": "The answer, after all that."},
            ],
            chunk_size=10_000,
        )
    )
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Think hard")
        (thinking_view,) = app.query(ThinkingView)
        assert "▸ Thought for" in ui.seen(app) and "16,002 words" in ui.seen(app)
        assert not app.query(LongThinkingBlockView)  # closed: not drawn at all
        await pilot.click(thinking_view)
        await pilot.pause()
        (view,) = app.query(LongThinkingBlockView)
        assert view.text == thinking
        shown = ui.seen(app)
        assert "thought 7999 Last thought." in shown
        assert "The answer, after all that." in shown
        assert_complete(app)
        await keys_still_work(pilot, app)

    reply = ui.the_saved_conversation(data_dir)["messages"][1]
    assert reply["content"][0]["thinking"] == thinking


async def test_a_reopened_big_conversation_is_drawn_at_its_end(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    text = "".join(f"line {n}\n" for n in range(100_000)) + "The very last line."
    fake_api.enqueue(Reply.text(text, chunk_size=50_000))
    async with ui.running(settings) as (app, pilot):
        await paste_and_send(pilot, app, PASTE)

    async with ui.running(settings) as (app, pilot):  # a new start opens it again, from the file
        await ui.wait_until(
            pilot, lambda: "The very last line." in ui.screen_text(app), what="the reopened reply"
        )
        assert PLAIN_NOTE in ui.seen(app)
        (user,) = app.query(LongUserMessageView)
        assert user.text == PASTE
        await keys_still_work(pilot, app)


async def test_unreadable_files_in_the_data_folder_are_set_aside_with_a_notice(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    ui.seed(data_dir, "Alpha", "Bravo")
    folder = data_dir / "conversations"
    not_utf8 = b'{"schema_version": 1, "id": "latin", "title": "caf\xe9 cr\xe8me \xff\xfe"}'
    not_json = b"\x00\x01\x02 binary \x89PNG\r\n\x1a\n\xff\xd8"
    (folder / "latin.json").write_bytes(not_utf8)
    (folder / "stray.json").write_bytes(not_json)
    (folder / "notes.txt").write_bytes(not_json)  # not a conversation's name: left alone
    for name in ("state.json", "index.json", "drafts.json"):  # the app's own files, broken
        (data_dir / name).write_bytes(not_utf8)
    fake_api.enqueue(Reply.text("Still answering."))
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: "latin.json" in ui.seen(app), what="the notice")
        await ui.wait_until(pilot, lambda: "stray.json" in ui.seen(app), what="the second notice")
        shown = ui.seen(app)
        assert "Conversation file not read" in shown
        assert "not UTF-8" in shown
        assert "Could not read drafts.json (not UTF-8 text); it was moved untouched" in shown
        assert "Alpha" in ui.sidebar_text(app) and "Bravo" in ui.sidebar_text(app)
        assert "caf" not in ui.sidebar_text(app)
        app.clear_notifications()
        await ui.send(pilot, app, "Hello")
        assert "Still answering." in ui.screen_text(app)
        await keys_still_work(pilot, app)

    quarantine = data_dir / "quarantine"
    assert (quarantine / "drafts.json").read_bytes() == not_utf8  # not overwritten
    assert (quarantine / "latin.json").read_bytes() == not_utf8
    assert (quarantine / "stray.json").read_bytes() == not_json
    assert (folder / "notes.txt").read_bytes() == not_json
    assert {p.stem for p in ui.conversation_files(data_dir)}.isdisjoint({"latin", "stray"})
