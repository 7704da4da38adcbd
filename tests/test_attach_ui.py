"""Attaching files in the app (tui/attaching.py): ``@path`` with its completion, the
picker, a pasted path, the chips above the input box and their token estimates, the
checks before a send (a refusal keeps the text and the chips), and a sent message's files
in the log (its chips, "attachment missing", opening a file with ``o``). Through the real
SDK to the fake API: what the user sees and what the server received."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from claude_tui.config import Settings
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.dialogs import Confirm
from claude_tui.tui.widgets.attachment_chips import AttachmentChip
from claude_tui.tui.widgets.suggestions import Suggestions
from tests import files, ui
from tests.fake_api import FakeAnthropic, Reply
from tests.fake_models import without_input


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder the app runs in (where @paths and the picker start)."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def chips_text(app: ClaudeTUI) -> list[str]:
    return [str(chip.render()) for chip in app.screen.query(AttachmentChip)]


def offered(app: ClaudeTUI) -> str:
    """The choices shown above the input box."""
    box = app.screen.query_one(Suggestions)
    return " ".join(str(o.prompt) for o in box.options) if box.display else ""


def sent_blocks(fake_api: FakeAnthropic) -> list[dict[str, Any]]:
    """The content of the last user message the server received."""
    blocks: list[dict[str, Any]] = fake_api.requests[-1].body["messages"][-1]["content"]
    return blocks


async def wait_chips(pilot: Pilot[Any], app: ClaudeTUI, count: int) -> None:
    await ui.wait_until(
        pilot, lambda: len(chips_text(app)) == count, what=f"{count} chips above the input"
    )


async def test_a_png_with_at_is_completed_shown_as_a_chip_and_sent_as_an_image_block(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    (cwd / "shots").mkdir()
    files.image(cwd / "shots" / "screen shot.png", 300, 200)
    files.text(cwd / "shots" / "notes.txt")
    fake_api.enqueue(Reply.text("A small orange picture."))
    async with ui.running(settings) as (app, pilot):
        await ui.type_text(pilot, "What is in @sh")
        await ui.wait_until(pilot, lambda: "shots/ folder" in ui.seen(app), what="the folder")
        await pilot.press("tab")  # the folder goes into the text, its files are offered
        await ui.wait_until(
            pilot, lambda: "screen shot.png" in ui.seen(app), what="the folder's files"
        )
        assert ui.prompt(app).text == "What is in @shots/"
        assert "notes.txt" in ui.seen(app)
        await ui.type_text(pilot, "scr")
        await ui.wait_until(pilot, lambda: "notes.txt" not in ui.seen(app), what="filtered")
        await pilot.press("enter")  # takes the file: a chip at once, its name in the text
        await wait_chips(pilot, app, 1)
        assert chips_text(app) == ["▪ screen shot.png · PNG image · 638 B · ≈ 80 tokens"]
        assert ui.prompt(app).text == "What is in screen shot.png "
        await ui.type_text(pilot, "?")
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
        assert "A small orange picture." in ui.seen(app)
        assert chips_text(app) == []
    image, text = sent_blocks(fake_api)
    assert image["type"] == "image" and image["source"]["media_type"] == "image/png"
    assert text == {"type": "text", "text": "What is in screen shot.png ?"}


async def test_an_at_path_typed_whole_is_attached_at_send_and_named_in_the_text(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    files.image(cwd / "a b.jpg", kind="JPEG")
    fake_api.enqueue(Reply.text("Seen."))
    async with ui.running(settings) as (app, pilot):
        await ui.type_text(pilot, 'Look at @"a b.jpg" and @nothing-here please')
        await pilot.press("escape")  # (the list of choices, if any is shown)
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
        assert "▪ a b.jpg · JPEG image" in ui.seen(app)  # the sent message's chip
    image, text = sent_blocks(fake_api)
    assert image["source"]["media_type"] == "image/jpeg"
    assert text["text"] == "Look at a b.jpg and @nothing-here please"


async def test_chips_show_their_estimates_and_count_in_the_input_box_estimate(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    files.pdf(cwd / "report.pdf", pages=3)
    files.text(cwd / "build.log", "x" * 4000)
    fake_api.token_count = 100
    async with ui.running(settings) as (app, pilot):
        await ui.type_text(pilot, "@report.pdf")
        await ui.wait_until(pilot, lambda: "report.pdf" in offered(app), what="offered")
        await pilot.press("tab")  # typed whole: Tab takes it (Enter would send)
        await wait_chips(pilot, app, 1)
        await ui.type_text(pilot, "@build.l")
        await ui.wait_until(pilot, lambda: "build.log" in offered(app), what="offered")
        await pilot.press("enter")
        await wait_chips(pilot, app, 2)
        assert chips_text(app) == [
            "▪ report.pdf · PDF, 3 pages · 671 B · ≈ 6,000 tokens",
            "▪ build.log · text · 4 KB · ≈ 1,000 tokens",
        ]
        # 100 counted by the API (the text, a line in each file's place) + 7,000 the files
        await ui.wait_until(
            pilot, lambda: "≈ 7,100 tokens" in ui.seen(app), what="the estimate with the files"
        )
    counted = [r for r in fake_api.all_requests if r.path.endswith("count_tokens")][-1]
    placed = counted.body["messages"][-1]["content"]
    assert [block["type"] for block in placed] == ["text", "text", "text"]


async def test_backspace_in_an_empty_box_and_delete_on_a_chip_remove_them(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    for name in ("one.txt", "two.txt", "three.txt"):
        files.text(cwd / name, name)
    async with ui.running(settings) as (app, pilot):
        for name in ("one.txt", "two.txt", "three.txt"):
            await ui.type_text(pilot, f"@{name}")
            await ui.wait_until(pilot, lambda n=name: n in offered(app))
            await pilot.press("tab")
            await ui.wait_until(pilot, lambda n=name: any(n in c for c in chips_text(app)))
        ui.prompt(app).load_text("")
        await pilot.press("backspace")  # an empty box: the last chip goes
        await wait_chips(pilot, app, 2)
        assert [c.split(" · ")[0] for c in chips_text(app)] == ["▪ one.txt", "▪ two.txt"]
        await pilot.press("shift+tab")  # onto the chips, from the input box
        assert isinstance(app.focused, AttachmentChip)
        await pilot.press("up")  # the first one
        await pilot.press("delete")
        await wait_chips(pilot, app, 1)
        assert chips_text(app)[0].startswith("▪ two.txt")
        await pilot.press("escape")
        assert app.focused is ui.prompt(app)


async def test_a_pdf_from_the_picker_is_sent_as_a_document(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    from textual_fspicker import FileOpen

    files.pdf(cwd / "paper.pdf", pages=2)
    fake_api.enqueue(Reply.text("A paper of two blank pages."))
    async with ui.running(settings) as (app, pilot):
        await ui.palette(pilot, app, "attach a file", "Attach a file…", opens=FileOpen)
        assert "paper.pdf" in ui.seen(app)
        await ui.type_text(pilot, "paper.pdf")  # from the list of files: typed as the name
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app), what="the picker closed")
        await wait_chips(pilot, app, 1)
        assert chips_text(app)[0].startswith("▪ paper.pdf · PDF, 2 pages")
        await pilot.press("enter")  # only files: an empty text may be sent
        await ui.wait_idle(pilot, app)
        assert "A paper of two blank pages." in ui.seen(app)
    (document,) = sent_blocks(fake_api)
    assert document["type"] == "document" and document["title"] == "paper.pdf"
    assert document["source"]["media_type"] == "application/pdf"


async def test_ctrl_t_opens_the_picker_and_escape_leaves_nothing_attached(
    settings: Settings, cwd: Path
) -> None:
    from textual_fspicker import FileOpen

    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: chat_ready(app), what="the chat keys")
        await pilot.press("ctrl+t")
        await ui.wait_for_screen(pilot, app, FileOpen)
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        assert chips_text(app) == []


def chat_ready(app: ClaudeTUI) -> bool:
    return ui.chat_screen(app).ready


async def paste(pilot: Pilot[Any], app: ClaudeTUI, text: str) -> None:
    app.post_message(events.Paste(text))  # as a terminal does
    await pilot.pause()


async def test_a_pasted_path_of_a_log_file_is_offered_and_attached(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    files.text(cwd / "server log.txt", "ERROR disk full\n")
    fake_api.enqueue(Reply.text("The disk is full."))
    async with ui.running(settings) as (app, pilot):
        await ui.type_text(pilot, "Why? ")
        await paste(pilot, app, f"'{cwd / 'server log.txt'}' ")  # as a terminal drops it
        await ui.wait_for_screen(pilot, app, Confirm)
        assert "Attach server log.txt (16 B)?" in ui.seen(app)
        await pilot.press("enter")
        await wait_chips(pilot, app, 1)
        assert ui.prompt(app).text == "Why? "  # the path left the text
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
    document, text = sent_blocks(fake_api)
    assert document["source"] == {
        "type": "text",
        "media_type": "text/plain",
        "data": "ERROR disk full\n",
    }
    assert document["title"] == "server log.txt"
    assert text["text"] == "Why? "


async def test_a_pasted_path_can_be_pasted_as_text_and_other_pastes_stay_pastes(
    settings: Settings, cwd: Path
) -> None:
    files.text(cwd / "a.txt")
    async with ui.running(settings) as (app, pilot):
        await paste(pilot, app, f"file://{cwd / 'a.txt'}")
        await ui.wait_for_screen(pilot, app, Confirm)
        await pilot.press("escape")  # no: the path stays as text
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        assert ui.prompt(app).text == f"file://{cwd / 'a.txt'}"
        ui.prompt(app).load_text("")
        await paste(pilot, app, "/no/such/file.png")
        await paste(pilot, app, " and two words")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text == "/no/such/file.png and two words")
        assert ui.on_chat_screen(app) and chips_text(app) == []


async def test_a_pdf_for_a_model_without_pdf_input_is_refused_and_the_text_and_chips_stay(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    from dataclasses import replace

    files.pdf(cwd / "paper.pdf")
    fake_api.models = without_input("claude-haiku-4-5", pdf_input=False)
    async with ui.running(replace(settings, model="claude-haiku-4-5")) as (app, pilot):
        screen = ui.chat_screen(app)
        await ui.wait_until(
            pilot,
            lambda: (m := screen.catalog.find("claude-haiku-4-5")) is not None and not m.pdf_input,
            what="the models read from the API",
        )
        await ui.type_text(pilot, "@paper")
        await ui.wait_until(pilot, lambda: "paper.pdf" in ui.seen(app), what="offered")
        await pilot.press("tab")
        await wait_chips(pilot, app, 1)
        await ui.type_text(pilot, "summarise it")
        typed = ui.prompt(app).text
        await pilot.press("enter")
        await ui.wait_until(
            pilot,
            lambda: "does not read PDFs, so paper.pdf cannot be sent to it" in ui.seen(app),
            what="the refusal",
        )
        assert ui.prompt(app).text == typed
        assert len(chips_text(app)) == 1
        assert ui.open_conversation(app).messages == []
    assert fake_api.requests == []


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.mkdir(), "folder is a folder; attach the files in it one by one"),
        (lambda p: os.mkfifo(p), "not a regular file but a FIFO"),
    ],
)
async def test_a_folder_or_a_fifo_is_refused_with_its_reason(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path, make: Any, said: str
) -> None:
    make(cwd / "folder")
    async with ui.running(settings) as (app, pilot):
        await ui.type_text(pilot, "read @folder now")
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: said in ui.seen(app), what="the reason")
        assert ui.prompt(app).text == "read @folder now"
        assert ui.open_conversation(app).messages == []
    assert fake_api.requests == []


async def test_a_sent_file_shows_in_the_log_and_opens_with_o_or_says_it_is_missing(
    settings: Settings,
    fake_api: FakeAnthropic,
    cwd: Path,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    opened = tmp_path / "opened"
    opener = bin_folder / "xdg-open"
    opener.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_folder))
    files.image(cwd / "shot.png")
    fake_api.enqueue(Reply.text("Orange."), Reply.text("Still orange."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "What colour is @shot.png?")
        assert "▪ shot.png · PNG image" in ui.seen(app)
        assert "What colour is shot.png?" in ui.seen(app)
        await pilot.press("ctrl+up", "up")  # the user's message
        await pilot.press("o")
        await ui.wait_until(pilot, lambda: opened.exists(), what="the opener to run")
        (kept,) = (data_dir / "attachments").iterdir()
        assert opened.read_text() == f"{kept}\n"
        conversation_id = ui.open_conversation(app).id
        kept.unlink()
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: not ui.open_conversation(app).messages)
        ui.chat_screen(app).opening.open(conversation_id)
        await ui.wait_open(pilot, app, conversation_id)
        await ui.wait_until(
            pilot,
            lambda: "▪ shot.png · attachment missing" in ui.seen(app),
            what="the missing file said",
        )
        await pilot.press("ctrl+up", "up")
        await pilot.press("o")
        await ui.wait_until(pilot, lambda: "shot.png: attachment missing" in ui.seen(app))
        await pilot.press("escape")
        await ui.send(pilot, app, "And now?")  # the rest of the conversation still works
        assert "Still orange." in ui.seen(app)
    first = fake_api.requests[-1].body["messages"][0]["content"]
    assert first[0] == {"type": "text", "text": "(attachment missing: shot.png)"}


async def test_without_an_opener_it_says_so_and_where_the_file_is(
    settings: Settings,
    fake_api: FakeAnthropic,
    cwd: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    files.text(cwd / "a.txt")
    fake_api.enqueue(Reply.text("Read."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "@a.txt")
        await pilot.press("ctrl+up", "up", "o")
        await ui.wait_until(
            pilot, lambda: "No program to open files was found" in ui.seen(app), what="said"
        )


async def test_editing_a_message_brings_its_files_as_chips_and_escape_puts_them_back(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    files.image(cwd / "shot.png")
    files.text(cwd / "draft.txt")
    fake_api.enqueue(Reply.text("Orange."), Reply.text("Orange again."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Colour of @shot.png?")
        await ui.type_text(pilot, "@draft.txt")
        await ui.wait_until(pilot, lambda: "draft.txt" in offered(app))
        await pilot.press("tab")
        await wait_chips(pilot, app, 1)
        await pilot.press("ctrl+up", "up", "e")  # edit the message sent
        await ui.wait_until(pilot, lambda: "shot.png" in " ".join(chips_text(app)))
        await pilot.press("escape")  # cancelled: the draft's file again
        await ui.wait_until(pilot, lambda: "draft.txt" in " ".join(chips_text(app)))
        await pilot.press("ctrl+up", "up", "e")
        await ui.wait_until(pilot, lambda: "shot.png" in " ".join(chips_text(app)))
        ui.prompt(app).set_draft("Which colour is shot.png?")
        await pilot.press("enter")  # the edit, sent with its file
        await ui.wait_idle(pilot, app)
        assert "Orange again." in ui.seen(app)
    image, text = sent_blocks(fake_api)
    assert image["type"] == "image" and text["text"] == "Which colour is shot.png?"


async def test_enter_and_ctrl_q_in_one_burst_keep_the_message_with_its_files(
    settings: Settings, cwd: Path, data_dir: Path
) -> None:
    files.text(cwd / "notes.txt")
    async with ui.running(settings) as (app, pilot):
        await ui.type_text(pilot, "@notes.txt")
        await ui.wait_until(pilot, lambda: "notes.txt" in offered(app))
        await pilot.press("tab")
        await wait_chips(pilot, app, 1)
        ui.burst(app, "enter", "ctrl+q")
        await ui.wait_closed(app)
    (saved,) = ui.on_disk(data_dir, ui.conversation_files(data_dir)[0].stem)["messages"]
    assert [block["type"] for block in saved["content"]] == ["attachment", "text"]
    assert saved["content"][0]["name"] == "notes.txt"


async def test_chips_of_a_draft_come_back_after_a_restart(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path, data_dir: Path
) -> None:
    files.image(cwd / "shot.png")
    async with ui.running(settings) as (app, pilot):
        await ui.type_text(pilot, "@shot")
        await ui.wait_until(pilot, lambda: "shot.png" in offered(app))
        await pilot.press("tab")
        await wait_chips(pilot, app, 1)
        await ui.type_text(pilot, "what is it?")
        await ui.quit_app(pilot, app)
    # quitting saved the draft: its text, and its file by digest
    assert '"files"' in (data_dir / "drafts.json").read_text()
    async with ui.running(settings) as (app, pilot):
        await wait_chips(pilot, app, 1)
        assert chips_text(app)[0].startswith("▪ shot.png")
        assert ui.prompt(app).text == "shot.png what is it?"
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
        await ui.wait_until(
            pilot,
            lambda: "files" not in (data_dir / "drafts.json").read_text(),
            what="the sent draft's files to leave drafts.json",
        )
    assert sent_blocks(fake_api)[0]["type"] == "image"


async def test_more_chips_than_fit_scroll_and_the_one_focused_is_in_view(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    names = [f"note{n}.txt" for n in range(10)]
    for name in names:
        files.text(cwd / name, name)
    async with ui.running(settings) as (app, pilot):
        for name in names:
            await ui.type_text(pilot, f"@{name.removesuffix('.txt')}")
            await ui.wait_until(pilot, lambda n=name: n in offered(app))
            await pilot.press("tab")
            await ui.wait_until(pilot, lambda n=name: any(n in c for c in chips_text(app)))
        await ui.wait_until(pilot, lambda: "▪ note9.txt" in ui.screen_text(app), what="the last")
        assert "▪ note0.txt" not in ui.screen_text(app)  # six rows: the first scrolled by
        await pilot.press("shift+tab")
        await pilot.press(*["up"] * 9)
        assert isinstance(app.focused, AttachmentChip) and app.focused.index == 0
        await ui.wait_until(pilot, lambda: "▪ note0.txt" in ui.screen_text(app), what="the 1st")
        await pilot.press("delete")
        await wait_chips(pilot, app, 9)
        await pilot.press("escape")
        await ui.send(pilot, app, "read them")
    titles = [block.get("title") for block in sent_blocks(fake_api) if block["type"] == "document"]
    assert titles == names[1:]


async def test_the_same_file_under_another_name_is_attached_once_and_said_so(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    files.image(cwd / "shot.png")
    (cwd / "copy.png").write_bytes((cwd / "shot.png").read_bytes())
    async with ui.running(settings) as (app, pilot):
        for name in ("shot", "copy"):
            await ui.type_text(pilot, f"@{name}")
            await ui.wait_until(pilot, lambda n=name: f"{n}.png" in offered(app))
            await pilot.press("tab")
        await ui.wait_until(
            pilot,
            lambda: "copy.png is the same file as shot.png, attached already" in ui.seen(app),
            what="the notice",
        )
        assert [c.split(" · ")[0] for c in chips_text(app)] == ["▪ shot.png"]


async def test_backspace_in_a_quick_burst_takes_the_text_then_the_last_chip(
    settings: Settings, cwd: Path
) -> None:
    files.text(cwd / "one.txt", "x")
    files.text(cwd / "two.txt", "y")
    async with ui.running(settings) as (app, pilot):
        for name in ("one", "two"):
            await ui.type_text(pilot, f"@{name}")
            await ui.wait_until(pilot, lambda n=name: f"{n}.txt" in offered(app))
            await pilot.press("tab")
        await wait_chips(pilot, app, 2)
        ui.prompt(app).load_text("")
        ui.burst(app, "a", "b", "c", *["backspace"] * 4)  # as a terminal sends them
        await wait_chips(pilot, app, 1)
        assert ui.prompt(app).text == ""
        assert chips_text(app) == ["▪ one.txt · text · 1 B · ≈ 1 token"]


async def test_the_picker_draws_no_name_as_control_codes_or_markup(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual_fspicker import FileOpen

    folder = tmp_path / "[b]work[red]"
    folder.mkdir()
    monkeypatch.chdir(folder)
    files.text(folder / "plain.txt", "x")
    files.text(folder / "esc\x1b[31mred.txt", "x")
    (folder / "bell\x07dir").mkdir()
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: chat_ready(app), what="the chat keys")
        await pilot.press("ctrl+t")
        await ui.wait_for_screen(pilot, app, FileOpen)
        await ui.wait_until(pilot, lambda: "plain.txt" in ui.screen_text(app), what="the list")
        shown = ui.screen_text(app)
        assert "[b]work[red]" in shown  # the folder's path as text, not as markup
        assert "red.txt" not in shown and "bell" not in shown  # not listed
        assert not [c for c in shown if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0]


async def test_an_edit_whose_file_is_gone_is_refused_in_words_and_nothing_is_sent(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path, data_dir: Path
) -> None:
    files.image(cwd / "shot.png")
    fake_api.enqueue(Reply.text("Orange."))
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Colour of @shot.png?")
        for kept in (data_dir / "attachments").iterdir():
            kept.unlink()
        await pilot.press("ctrl+up", "up", "e")  # edit the message sent
        await ui.wait_until(pilot, lambda: "shot.png" in " ".join(chips_text(app)))
        ui.prompt(app).set_draft("Which colour is it?")
        await pilot.press("enter")
        await ui.wait_until(
            pilot,
            lambda: "shot.png is no longer in the data folder" in ui.seen(app),
            what="the refusal",
        )
        assert ui.prompt(app).text == "Which colour is it?"
        assert len(chips_text(app)) == 1
    assert len(fake_api.requests) == 1


async def test_a_mention_of_nobodys_home_is_sent_as_typed(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path
) -> None:
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "ping @~no-such-user-here about it")
        assert app.is_running
    assert sent_blocks(fake_api) == [{"type": "text", "text": "ping @~no-such-user-here about it"}]


async def test_a_chip_added_while_a_message_is_checked_stays_for_the_next(
    settings: Settings, cwd: Path
) -> None:
    from claude_tui.tui.attaching import Outgoing
    from claude_tui.tui.drafts import draft_key

    for name in ("one.txt", "two.txt"):
        files.text(cwd / name, name)
    async with ui.running(settings) as (app, pilot):
        for name in ("one", "two"):
            await ui.type_text(pilot, f"@{name}")
            await ui.wait_until(pilot, lambda n=name: f"{n}.txt" in offered(app))
            await pilot.press("tab")
        await wait_chips(pilot, app, 2)
        screen = ui.chat_screen(app)
        first = screen.attaching.pending[0]
        # the message took the first file; the second came while it was checked
        screen.attaching.sent(Outgoing("", [first], draft_key(screen.conversation)))
        await wait_chips(pilot, app, 1)
        assert chips_text(app)[0].startswith("▪ two.txt")


async def test_an_edit_left_for_another_conversation_keeps_each_ones_files(
    settings: Settings, fake_api: FakeAnthropic, cwd: Path, data_dir: Path
) -> None:
    (other,) = ui.seed(data_dir, "Other")
    files.image(cwd / "shot.png")
    files.text(cwd / "draft.txt")
    async with ui.running(settings, open=other.id) as (app, pilot):
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: not ui.open_conversation(app).messages)
        await ui.send(pilot, app, "Colour of @shot.png?")
        await ui.type_text(pilot, "@draft")
        await ui.wait_until(pilot, lambda: "draft.txt" in offered(app))
        await pilot.press("tab")
        await wait_chips(pilot, app, 1)
        await pilot.press("ctrl+up", "up", "e")  # the edit's file: shot.png
        await ui.wait_until(pilot, lambda: "shot.png" in " ".join(chips_text(app)))
        mine = ui.open_conversation(app).id
        await pilot.press("ctrl+pagedown")
        await ui.wait_open(pilot, app, other.id)
        await ui.wait_until(pilot, lambda: chips_text(app) == [], what="no chips there")
        await pilot.press("ctrl+pageup")
        await ui.wait_open(pilot, app, mine)
        await ui.wait_until(pilot, lambda: "shot.png" in " ".join(chips_text(app)))
        await pilot.press("escape")  # the edit cancelled: the draft's own file again
        await ui.wait_until(pilot, lambda: "draft.txt" in " ".join(chips_text(app)))
        await pilot.press("ctrl+up", "up", "e")  # an edit again, and away to quit there
        await ui.wait_until(pilot, lambda: "shot.png" in " ".join(chips_text(app)))
        await pilot.press("ctrl+pagedown")
        await ui.wait_open(pilot, app, other.id)
        await ui.quit_app(pilot, app)
    saved = json.loads((data_dir / "drafts.json").read_text())["files"]
    assert [a["name"] for a in saved[mine]] == ["draft.txt"]  # the draft's, not the edit's


def test_paths_typed_or_pasted_of_nobodys_home_offer_nothing(cwd: Path) -> None:
    from claude_tui.tui.typed_paths import existing_file, path_choices

    files.text(cwd / "notes.txt")
    assert path_choices("~no-such-user-here/", cwd) == []
    assert existing_file("~no-such-user-here/notes.txt", cwd) is None
    assert path_choices("no\x00tes", cwd) == []
    assert [choice.label for choice in path_choices("not", cwd)] == ["notes.txt"]
    assert existing_file("notes.txt", cwd) == cwd / "notes.txt"
