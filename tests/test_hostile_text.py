"""Text from the model, the user or a file is shown as it is: markup stays visible text
(never styles, links or actions) and escape sequences never reach the terminal as codes.

tests/test_conversation_loop.py has the first case (a reply with markup and a CSI colour);
this goes through every other place such text is drawn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot

from claude_tui.config import Settings
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.dialogs import AskText, Choose, Confirm
from claude_tui.tui.screens.search import SearchScreen
from tests import ui
from tests.fake_api import FakeAnthropic, Reply

SIZE = (140, 40)

CLICK = "[@click=app.quit]z[/]"
MARKUP = f"[bold red]x[/] [link=https://example.com]y[/link] {CLICK}"
# CSI clear screen, an OSC 8 hyperlink, an OSC 52 clipboard write, a C1 CSI, BEL.
CODES = "\x1b[2J \x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b]52;c;aGk=\x07 \x9b6n bell\x07"
CODES_SHOWN = "␛[2J ␛]8;;http://x␇link␛]8;;␇ ␛]52;c;aGk=␇ \ufffd6n bell␇"

CONTROLS = {chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)]} - {"\n"}


def links_and_actions(app: ClaudeTUI) -> list[tuple[str, str]]:
    """What on screen is a hyperlink or does something when clicked, besides the app's own
    footer keys and the links Markdown makes of URLs in a reply."""
    found = []
    for strip in ui.screen_strips(app):
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            if style.link:
                found.append((segment.text, style.link))
            action = style.meta.get("@click")
            if action and not str(action).startswith("link("):
                found.append((segment.text, str(action)))
    return found


def assert_shown_as_text(app: ClaudeTUI, *expected: str) -> str:
    """Each of ``expected`` is on screen as written; no control character and no markup
    link or action is. Returns the screen's flattened text."""
    text = ui.screen_text(app)
    assert not CONTROLS & set(text), sorted(CONTROLS & set(text))
    seen = ui.flat(text)
    for piece in expected:
        assert piece in seen, piece
    assert links_and_actions(app) == []
    return seen


def toast_text(app: ClaudeTUI) -> str:
    """The notifications as shown: the screen cut to where they are, flattened."""
    lines = ui.screen_text(app).splitlines()
    return ui.flat(
        "\n".join(
            lines[y][toast.region.x : toast.region.right]
            for toast in app.screen.query("Toast")
            for y in range(toast.region.y, toast.region.bottom)
        )
    )


async def click_text(pilot: Pilot[Any], app: ClaudeTUI, needle: str) -> None:
    """Click on the first character of ``needle`` where the screen shows it."""
    for y, line in enumerate(ui.screen_text(app).splitlines()):
        x = line.find(needle)
        if x >= 0:
            await pilot.click(offset=(x, y))
            await pilot.pause()
            return
    raise AssertionError(f"{needle!r} is not on screen")


async def test_a_pasted_message_and_a_streamed_reply_show_markup_and_codes_as_text(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    # In chunks of 3 characters: the sequences arrive cut in pieces, as over a network.
    fake_api.enqueue(Reply.text(f"Reply {MARKUP} {CODES} done.", chunk_size=3))
    async with ui.running(settings, size=SIZE) as (app, pilot):
        app.post_message(events.Paste(f"Asked {MARKUP} {CODES} end"))  # as a terminal does
        await ui.wait_until(pilot, lambda: ui.prompt(app).text.endswith("end"))
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
        assert fake_api.requests[0].body["messages"][0]["content"][0]["text"] == (
            f"Asked {MARKUP} {CODES} end"
        )  # sent as typed: only the screen is made safe
        assert_shown_as_text(
            app, f"Asked {MARKUP} {CODES_SHOWN} end", f"Reply {MARKUP} {CODES_SHOWN} done."
        )
        # The title it got from the message (cut at 60 characters).
        assert "Asked [bold red]x[/] [link=https://example.com]y[/link]" in ui.sidebar_text(app)

        await click_text(pilot, app, "z[/] ␛[2J")  # the "z" the markup would make clickable
        assert app.is_running
        assert_shown_as_text(app, f"Asked {MARKUP}")


# Short enough (51 characters) to be a whole title.
TITLE = f"{CLICK} \x1b[2J\x1b]52;c;aGk=\x07\x9b6n\x07 [b]x[/b]"
TITLE_SHOWN = f"{CLICK} ␛[2J␛]52;c;aGk=␇\ufffd6n␇ [b]x[/b]"


async def test_a_title_with_markup_and_codes_is_text_in_the_sidebar_dialogs_and_palette(
    settings: Settings, data_dir: Path
) -> None:
    hostile, plain = ui.seed(data_dir, TITLE, "Plain")
    async with ui.running(settings, size=SIZE, open=hostile.id) as (app, pilot):
        assert_shown_as_text(app, f"{CLICK} ␛[2J␛]52;")  # the sidebar is narrow
        assert f"{TITLE_SHOWN} 1h ago" in ui.sidebar_text(app)
        await click_text(pilot, app, "z[/] ␛[2J")  # on the title in the sidebar
        assert app.is_running

        await pilot.press("ctrl+pagedown")  # away, then back by the palette
        await ui.wait_open(pilot, app, plain.id)
        await pilot.press("ctrl+p")
        await ui.type_text(pilot, "aGk")
        await ui.wait_until(pilot, lambda: "Go to: [@click" in ui.screen_text(app))
        assert_shown_as_text(app, f"Go to: {TITLE_SHOWN}")
        await pilot.press("enter")
        await ui.wait_open(pilot, app, hostile.id)

        await pilot.press("f2")
        await ui.wait_for_screen(pilot, app, AskText)
        assert_shown_as_text(app, "Rename conversation", TITLE_SHOWN)
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))

        await pilot.press("f8")
        await ui.wait_for_screen(pilot, app, Confirm)
        assert_shown_as_text(app, f"Delete “{TITLE_SHOWN}”?")


async def test_notifications_about_a_title_with_markup_and_codes_show_it_as_text(
    settings: Settings, data_dir: Path
) -> None:
    hostile, _ = ui.seed(data_dir, TITLE, "Plain")
    async with ui.running(settings, size=SIZE, open=hostile.id) as (app, pilot):
        await pilot.press("f8")
        await ui.wait_for_screen(pilot, app, Confirm)
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: "is in the trash" in toast_text(app))
        assert_shown_as_text(app)
        assert f"Deleted “{TITLE_SHOWN}” is in the trash." in toast_text(app)
        await click_text(pilot, app, "z[/] ␛[2J")  # on the title in the notification
        assert app.is_running
        app.clear_notifications()

        await pilot.press("ctrl+p")
        await ui.type_text(pilot, "restore")
        await ui.wait_until(pilot, lambda: "Restore from trash" in ui.screen_text(app))
        await pilot.press("enter")
        await ui.wait_for_screen(pilot, app, Choose)
        assert_shown_as_text(app, f"{TITLE_SHOWN} deleted just now")
        await pilot.press("enter")
        await ui.wait_open(pilot, app, hostile.id)
        await ui.wait_until(pilot, lambda: "is back" in toast_text(app))
        assert_shown_as_text(app)
        assert f"Restored “{TITLE_SHOWN}” is back." in toast_text(app)
        app.clear_notifications()

        await pilot.press("ctrl+p")
        await ui.type_text(pilot, "duplicate")
        await ui.wait_until(pilot, lambda: "Duplicate" in ui.screen_text(app))
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: "You are now in" in toast_text(app))
        assert_shown_as_text(app)
        assert f"You are now in “{TITLE_SHOWN} (copy)”" in toast_text(app)


async def test_a_search_hit_shows_markup_and_codes_as_text(
    settings: Settings, data_dir: Path
) -> None:
    text = f"\x1b[2J\x1b]52;c;aGk=\x07 needle \x9b6n [b]x[/b] {CLICK}"
    hostile, _ = ui.seed(data_dir, text, "Plain")
    async with ui.running(settings, size=SIZE, open=hostile.id) as (app, pilot):
        await pilot.press("ctrl+f")
        await ui.wait_for_screen(pilot, app, SearchScreen)
        await ui.type_text(pilot, "needle")
        await ui.wait_until(pilot, lambda: "2 messages found" in ui.screen_text(app))
        shown = f"␛[2J␛]52;c;aGk=␇ needle \ufffd6n [b]x[/b] {CLICK}"
        assert_shown_as_text(app, f"· You {shown}", f"· Claude Reply about {shown}")
        await click_text(pilot, app, "z[/]")
        assert app.is_running


async def test_escape_codes_pasted_into_the_search_filter_and_rename_boxes_show_as_symbols(
    settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, size=SIZE, open=alpha.id) as (app, pilot):
        for key, box in (
            ("ctrl+f", "#search-input"),
            ("ctrl+g", "#sidebar-filter"),
            ("f2", "#dialog-input"),
        ):
            await pilot.press(key)
            await ui.wait_until(
                pilot,
                lambda box=box: (
                    app.screen.focused is not None and f"#{app.screen.focused.id}" == box
                ),
                what=box,
            )
            app.screen.focused.post_message(events.Paste(f"q{CODES}"))
            await ui.wait_until(
                pilot, lambda: "bell" in getattr(app.screen.focused, "value", ""), what="the paste"
            )
            assert_shown_as_text(app, "q␛[2J ␛]8;;")  # the filter box is narrow
            await pilot.press("escape")
            await ui.wait_until(
                pilot,
                lambda: ui.on_chat_screen(app) and ui.prompt(app).has_focus,
                what="back in the input box",
            )


async def test_escape_codes_pasted_into_the_message_box_show_as_symbols(settings: Settings) -> None:
    async with ui.running(settings, size=SIZE) as (app, pilot):
        app.post_message(events.Paste(f"Asked {CODES} end"))
        await ui.wait_until(pilot, lambda: ui.prompt(app).text.endswith("end"))
        await pilot.pause()
        assert_shown_as_text(app, f"Asked {CODES_SHOWN} end")
