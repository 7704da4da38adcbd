"""Many conversations, driven from the keyboard: rename, delete and restore, duplicate,
drafts across a restart, the filter, search, export, the palette, the launch prompt."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList

from claude_tui.config import Settings
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.conversations import ConversationStore
from claude_tui.tui.screens.dialogs import AskText, Choose, Confirm
from claude_tui.tui.widgets.message_log import AssistantMessageView, MessageLog, UserMessageView
from tests import ui
from tests.conftest import FIXED_NOW
from tests.fake_api import FakeAnthropic, Reply


def file_of(data_dir: Path, conversation: Conversation) -> Path:
    return data_dir / "conversations" / f"{conversation.id}.json"


async def test_f2_renames_and_the_title_is_shown_as_typed(
    settings: Settings, data_dir: Path
) -> None:
    alpha, _ = ui.seed(data_dir, "Alpha", "Bravo")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("f2")
        await ui.wait_for_screen(pilot, app, AskText)
        await pilot.press("ctrl+a", "ctrl+k")  # the old title is selected; clear it
        await ui.submit(pilot, "[bold red]Plans[/] for 2027")
        await ui.wait_until(pilot, lambda: ui.on_disk(data_dir, alpha.id)["title"] != "Alpha")
        saved = ui.on_disk(data_dir, alpha.id)
        assert saved["title"] == "[bold red]Plans[/] for 2027"
        assert saved["title_set_by_user"] is True
        # The list, not the screen: a notice may cover part of the sidebar, and the
        # list is drawn after the file is written.
        listed = "[bold red]Plans[/] for 2027 1h ago Bravo 2h ago"
        await ui.wait_until(pilot, lambda: ui.sidebar_text(app) == listed, what="the new title")
        assert ui.highlighted_row(app) == 0  # order kept: not "used"


async def test_rename_from_the_palette_and_escape_keeps_the_title(
    settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.palette(pilot, app, "rename", "Rename conversation", opens=AskText)
        await ui.type_text(pilot, "Something else")
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        await ui.wait_idle(pilot, app)
        assert ui.on_disk(data_dir, alpha.id)["title"] == "Alpha"
        assert ui.open_conversation(app).title == "Alpha"
        assert ui.sidebar_text(app) == "Alpha 1h ago"


async def test_delete_asks_moves_to_the_trash_and_restore_brings_it_back(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo, _ = ui.seed(data_dir, "Alpha", "Bravo", "Charlie")
    original = file_of(data_dir, alpha).read_bytes()
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("f8")
        await ui.wait_for_screen(pilot, app, Confirm)
        assert "Delete “Alpha”?" in ui.seen(app)
        await pilot.press("escape")  # changed my mind
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        await ui.wait_idle(pilot, app)
        assert file_of(data_dir, alpha).exists()

        await pilot.press("f8")
        await ui.wait_for_screen(pilot, app, Confirm)
        await pilot.press("enter")
        await ui.wait_open(pilot, app, bravo.id)  # the next one in the list takes its place
        assert not file_of(data_dir, alpha).exists()
        [trashed] = (data_dir / "trash").glob(f"*{alpha.id}.json")
        assert trashed.read_bytes() == original
        assert ui.sidebar_text(app) == "Bravo 2h ago Charlie 3h ago"
        assert "“Alpha” is in the trash" in ui.seen(app)

        await ui.palette(pilot, app, "restore", "Restore from trash", opens=Choose)
        assert "Alpha deleted just now · kept until Dec 25, 2026" in ui.seen(app)
        await pilot.press("enter")
        await ui.wait_open(pilot, app, alpha.id)
        assert file_of(data_dir, alpha).read_bytes() == original
        assert ui.sidebar_text(app) == "Alpha 1h ago Bravo 2h ago Charlie 3h ago"
        assert "Reply about Alpha." in ui.screen_text(app)
    assert list((data_dir / "trash").iterdir()) == []


async def test_deleting_the_last_conversation_leaves_a_new_one(
    settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.palette(pilot, app, "delete conv", "Delete conversation", opens=Confirm)
        await pilot.press("y")
        await ui.wait_until(pilot, lambda: not ui.open_conversation(app).messages)
        await ui.wait_idle(pilot, app)
        assert ui.conversation_files(data_dir) == []
        assert "No conversations yet" in ui.screen_text(app)
        assert "Start a conversation" in ui.screen_text(app)


async def test_the_trash_is_emptied_of_what_is_older_than_thirty_days_at_start(
    settings: Settings, data_dir: Path
) -> None:
    old, recent = ui.seed(data_dir, "Old", "Recent")
    trash = data_dir / "trash"
    trash.mkdir()
    for conversation, stamp in (
        (old, "20261025T115959000000Z"),
        (recent, "20261026T120001000000Z"),
    ):
        file_of(data_dir, conversation).rename(trash / f"{stamp}--{conversation.id}.json")
    async with ui.running(settings, notifications=False) as (app, pilot):
        await ui.wait_until(pilot, lambda: len(list(trash.iterdir())) == 1)
        await ui.palette(pilot, app, "restore", "Restore from trash", opens=Choose)
        text = ui.seen(app)
        assert "Recent deleted Oct 26 · kept until Nov 25, 2026" in text
        assert "Old" not in text


async def test_duplicate_makes_an_independent_copy_and_opens_it(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.palette(pilot, app, "duplicate", "Duplicate conversation")
        await ui.wait_until(pilot, lambda: ui.open_conversation(app).id != alpha.id)
        copy_id = ui.open_conversation(app).id
        await ui.wait_open(pilot, app, copy_id)
        copy = ui.on_disk(data_dir, copy_id)
        original = ui.on_disk(data_dir, alpha.id)
        assert copy["title"] == "Alpha (copy)"
        assert copy["messages"] == original["messages"]
        assert ui.sidebar_text(app) == "Alpha (copy) just now Alpha 1h ago"
        fake_api.enqueue(Reply.text("Taken elsewhere."))
        await ui.send(pilot, app, "Go elsewhere")
        assert len(ui.on_disk(data_dir, copy_id)["messages"]) == 4
        assert ui.on_disk(data_dir, alpha.id) == original


async def test_drafts_come_back_after_switching_and_after_a_restart(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo = ui.seed(data_dir, "Alpha", "Bravo")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.type_text(pilot, "half a thought about [b]alpha[/b]")
        await pilot.press("ctrl+pagedown")
        await ui.wait_open(pilot, app, bravo.id)
        await ui.type_text(pilot, "bravo draft")
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: not ui.open_conversation(app).messages)
        await ui.type_text(pilot, "a new one")
        await ui.quit_app(pilot, app)
    saved = json.loads((data_dir / "drafts.json").read_text())["drafts"]
    assert saved == {
        alpha.id: "half a thought about [b]alpha[/b]",
        bravo.id: "bravo draft",
        "": "a new one",
    }

    async with ui.running(settings, open=bravo.id) as (app, pilot):  # the last one open
        assert ui.prompt(app).text == "bravo draft"
        await pilot.press("ctrl+pageup")
        await ui.wait_open(pilot, app, alpha.id)
        assert ui.prompt(app).text == "half a thought about [b]alpha[/b]"
        assert "half a thought about [b]alpha[/b]" in ui.screen_text(app)
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: ui.prompt(app).text == "a new one")


async def test_a_draft_is_saved_while_typing_without_quitting(
    settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id, notifications=False) as (_, pilot):
        await ui.type_text(pilot, "not lost in a crash")
        drafts = data_dir / "drafts.json"
        await ui.wait_until(
            pilot,
            lambda: drafts.exists() and "not lost in a crash" in drafts.read_text(),
            what="the draft on disk",
        )


async def test_ctrl_g_filters_the_sidebar_by_title(settings: Settings, data_dir: Path) -> None:
    alpha, bravo, charlie, _ = ui.seed(data_dir, "Alpha plans", "Bravo", "Charlie plans", "Delta")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("ctrl+g")
        await ui.type_text(pilot, "PLANS")
        await ui.wait_until(pilot, lambda: ui.shown_ids(app) == [alpha.id, charlie.id])
        assert ui.sidebar_text(app) == "Alpha plans 1h ago Charlie plans 3h ago"
        await pilot.press("down", "down", "enter")
        await ui.wait_open(pilot, app, charlie.id)
        await pilot.press("ctrl+g", "ctrl+a", "ctrl+k")
        await ui.type_text(pilot, "zzz")
        await ui.wait_until(pilot, lambda: "No match" in ui.sidebar_text(app))
        await pilot.press("escape")  # clears the filter and goes back to the input box
        await ui.wait_until(pilot, lambda: len(ui.shown_ids(app)) == 4)
        assert app.focused is ui.prompt(app)
        assert "Bravo" in ui.sidebar_text(app) and bravo.id in ui.shown_ids(app)


def long_conversation(data_dir: Path) -> Conversation:
    """Sixty exchanges, the fourth question with a rare word."""
    return ui.save_exchanges(
        data_dir,
        60,
        lambda n: "the rare word xylophone" if n == 3 else f"Question number {n}",
        title="Long one",
        title_set_by_user=True,
    )


async def test_search_lists_hits_with_snippets_and_opens_at_the_message(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    long = long_conversation(data_dir)
    async with ui.running(settings, open=long.id) as (app, pilot):
        await pilot.press("ctrl+n")
        await pilot.press("ctrl+f")
        await ui.type_text(pilot, "XYLOPHONE rare")
        await ui.wait_until(pilot, lambda: "1 message found" in ui.screen_text(app))
        results = app.screen.query_one("#search-results", OptionList)
        assert str(results.get_option_at_index(0).prompt) == (
            "Long one  · You\nthe rare word xylophone"
        )
        await pilot.press("enter")
        await ui.wait_open(pilot, app, long.id)
        log = app.query_one(MessageLog)
        found = [view for view in log.query(UserMessageView) if view.has_class("found")]
        await ui.wait_until(
            pilot,
            lambda: found[0].region.y - log.region.y < 3,
            what="the hit at the top of the log",
        )
        assert "the rare word xylophone" in ui.screen_text(app)
        assert "Answer 59." not in ui.screen_text(app)
        assert len(log.query(AssistantMessageView)) <= 20

        # Sending from there shows the newest messages again, with the reply.
        fake_api.enqueue(Reply.text("Fresh reply."))
        await ui.send(pilot, app, "And now?")
        assert "Fresh reply." in ui.screen_text(app)
        assert len(ui.on_disk(data_dir, long.id)["messages"]) == 122

        await pilot.press("ctrl+f")
        await ui.type_text(pilot, "nothing like this")
        await ui.wait_until(pilot, lambda: "No message contains" in ui.screen_text(app))
        await pilot.press("escape")
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        assert ui.open_conversation(app).id == long.id and alpha.id in ui.listed_ids(app)


async def test_search_scrolling_down_from_a_hit_reaches_the_newest(
    settings: Settings, data_dir: Path
) -> None:
    long = long_conversation(data_dir)
    async with ui.running(settings, open=long.id) as (app, pilot):
        await pilot.press("ctrl+f")
        await ui.type_text(pilot, "xylophone")
        await ui.wait_until(pilot, lambda: "1 message found" in ui.screen_text(app))
        await pilot.press("enter")
        await ui.wait_until(pilot, lambda: "Answer 59." not in ui.screen_text(app))
        for _ in range(60):
            await pilot.press("pagedown")
            if "Answer 59." in ui.screen_text(app):
                break
        assert "Answer 59." in ui.screen_text(app)


async def test_export_markdown_from_the_palette(
    settings: Settings, data_dir: Path, tmp_path: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    target = tmp_path / "exports" / "alpha.md"
    target.parent.mkdir()
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.palette(pilot, app, "export markdown", "Export as Markdown", opens=AskText)
        assert "alpha.md" in ui.screen_text(app)  # a file name is suggested
        await pilot.press("ctrl+a", "ctrl+k")
        await ui.submit(pilot, str(target))
        await ui.wait_until(pilot, lambda: target.exists())
        await ui.wait_until(pilot, lambda: "Wrote" in ui.screen_text(app))
        text = target.read_text()
        assert text.startswith("---\n")
        assert "Reply about Alpha." in text and "## You" in text


async def test_palette_goes_to_a_conversation_by_fuzzy_title(
    settings: Settings, data_dir: Path
) -> None:
    alpha, _, charlie = ui.seed(data_dir, "Alpha", "Bravo", "[i]Charlie[/i] notes")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("ctrl+p")
        await ui.type_text(pilot, "chnotes")
        await ui.wait_until(pilot, lambda: "Go to: [i]Charlie[/i] notes" in ui.screen_text(app))
        await pilot.press("enter")
        await ui.wait_open(pilot, app, charlie.id)


async def test_a_prompt_given_at_launch_is_sent_in_a_new_conversation(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    fake_api.enqueue(Reply.text("Launched reply."))
    async with ui.running(settings, prompt="Hello from the shell") as (app, pilot):
        await ui.wait_until(pilot, lambda: len(ui.conversation_files(data_dir)) == 2)
        await ui.wait_idle(pilot, app)
        assert ui.open_conversation(app).id != alpha.id
        assert "Launched reply." in ui.screen_text(app)
        assert ui.on_disk(data_dir, ui.open_conversation(app).id)["title"] == "Hello from the shell"
    assert fake_api.requests[-1].body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Hello from the shell"}]}
    ]


async def test_resume_with_a_prompt_continues_the_last_used_conversation(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    alpha, bravo = ui.seed(data_dir, "Alpha", "Bravo")
    ConversationStore(data_dir).set_last_open(bravo.id)  # used last, though older
    fake_api.enqueue(Reply.text("Continued."))
    async with ui.running(settings, prompt="More", resume=True) as (app, pilot):
        await ui.wait_until(pilot, lambda: len(ui.on_disk(data_dir, bravo.id)["messages"]) == 4)
        await ui.wait_idle(pilot, app)
        assert ui.open_conversation(app).id == bravo.id
        assert "Continued." in ui.screen_text(app)
    sent = fake_api.requests[-1].body["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert len(ui.conversation_files(data_dir)) == 2 and alpha.id != bravo.id


async def test_a_sidebar_of_many_conversations_draws_a_page_and_grows_on_the_way_down(
    settings: Settings, data_dir: Path
) -> None:
    store = ConversationStore(data_dir)
    store.ensure()
    template = ui.seed(data_dir, "Template")[0].to_dict()
    for n in range(350):
        template.update(
            id=f"c{n:04}",
            title=f"Chat {n}",
            updated_at=FIXED_NOW.replace(minute=0, second=0)
            .isoformat()
            .replace("12:00:00", f"{11 - n // 60:02}:{59 - n % 60:02}:00"),
        )
        (store.conversations_dir / f"c{n:04}.json").write_text(json.dumps(template))
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(pilot, lambda: len(ui.listed_ids(app)) == 351)
        options = ui.sidebar(app).option_list
        assert options.option_count <= 102
        assert "more" in str(options.get_option_at_index(options.option_count - 1).prompt)
        await pilot.press("tab")  # into the list
        assert app.focused is options
        ui.burst(app, *["down"] * 95)  # as a held-down key sends them
        await ui.wait_until(pilot, lambda: options.highlighted == 95, what="95 rows down")
        await ui.wait_until(pilot, lambda: options.option_count > 102, what="the list to grow")
        assert options.get_option_at_index(95).id == ui.listed_ids(app)[95]


async def test_digits_typed_in_the_filter_filter_and_do_not_open_conversations(
    settings: Settings, data_dir: Path
) -> None:
    alpha, _, plans = ui.seed(data_dir, "Alpha", "Bravo", "Plans for 2027")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("ctrl+g")
        await ui.type_text(pilot, "2027")
        await ui.wait_until(pilot, lambda: ui.shown_ids(app) == [plans.id])
        await ui.wait_idle(pilot, app)
        assert ui.open_conversation(app).id == alpha.id
        assert ui.sidebar(app).filter_input.value == "2027"


async def test_digits_in_the_sidebar_open_conversations_and_stay_in_the_list(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo, charlie = ui.seed(data_dir, "Alpha", "Bravo", "Charlie")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("tab")
        await pilot.press("2")
        await ui.wait_open(pilot, app, bravo.id)
        await pilot.press("3")
        await ui.wait_open(pilot, app, charlie.id)
        assert app.focused is ui.sidebar(app).option_list
        assert ui.prompt(app).text == ""


async def test_next_and_previous_stay_within_the_filter(settings: Settings, data_dir: Path) -> None:
    alpha, _, charlie, _ = ui.seed(data_dir, "Alpha trip", "Bravo", "Charlie trip", "Delta")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("ctrl+g")
        await ui.submit(pilot, "trip")
        await pilot.press("ctrl+pagedown")
        await ui.wait_open(pilot, app, charlie.id)
        await pilot.press("ctrl+pagedown")
        await ui.wait_open(pilot, app, alpha.id)


async def test_search_says_when_it_shows_only_the_first_hits(
    settings: Settings, data_dir: Path
) -> None:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=100)
    for n in range(260):
        conversation.append(Message.user(f"needle {n}"))
    ConversationStore(data_dir).save(conversation)
    async with ui.running(settings, open=conversation.id) as (app, pilot):
        await pilot.press("ctrl+f")
        await ui.type_text(pilot, "needle")
        await ui.wait_until(
            pilot, lambda: "The first 200 messages found are shown; there are more" in ui.seen(app)
        )


async def test_the_sidebar_shown_from_the_index_is_corrected_from_the_files(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo, charlie = ui.seed(data_dir, "Alpha", "Bravo", "Charlie")
    store = ConversationStore(data_dir)
    store.list_summaries()  # the index knows all three
    bravo.title = "Bravo renamed elsewhere"
    store.save(bravo)  # changed since the index was written
    store.path_of(charlie.id).unlink()  # and one is gone
    async with ui.running(settings) as (app, pilot):
        await ui.wait_until(
            pilot, lambda: ui.sidebar_text(app) == "Alpha 1h ago Bravo renamed elsewhere 2h ago"
        )
        await ui.wait_open(pilot, app, alpha.id)
        assert ui.listed_ids(app) == [alpha.id, bravo.id]
