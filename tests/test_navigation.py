"""Keys that move between conversations, focus and panes; switching mid-stream."""

from __future__ import annotations

from pathlib import Path

from claude_tui.config import Settings
from claude_tui.tui.widgets.message_log import AssistantMessageView, EarlierMessages, MessageLog
from claude_tui.tui.widgets.sidebar import ConversationList
from tests import ui
from tests.fake_api import FakeAnthropic


async def test_sidebar_lists_conversations_newest_first_and_opens_the_last_used(
    settings: Settings, data_dir: Path
) -> None:
    first, _, _ = ui.seed(data_dir, "Alpha", "Bravo", "Charlie")
    async with ui.running(settings, open=first.id) as (app, _):
        shown = ui.seen(app)
        assert "Conversations Alpha 1h ago Bravo 2h ago Charlie 3h ago" in shown
        assert "Reply about Alpha." in shown
        assert ui.highlighted_row(app) == 0


async def test_next_and_previous_keys_switch_conversations(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo, charlie = ui.seed(data_dir, "Alpha", "Bravo", "Charlie")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        for key, conversation in [
            ("ctrl+pagedown", bravo),
            ("alt+down", charlie),
            ("ctrl+pageup", bravo),
            ("alt+up", alpha),
            ("alt+up", charlie),  # wraps around
        ]:
            await pilot.press(key)
            await ui.wait_open(pilot, app, conversation.id)
            assert f"Reply about {conversation.title}." in ui.screen_text(app), key
            assert ui.highlighted_row(app) == ui.shown_ids(app).index(conversation.id), key


async def test_tab_moves_focus_to_the_sidebar_where_keys_pick_conversations(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo, charlie = ui.seed(data_dir, "Alpha", "Bravo", "Charlie")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        assert app.focused is ui.prompt(app)
        await pilot.press("tab")
        assert isinstance(app.focused, ConversationList)
        await pilot.press("down", "down", "enter")
        await ui.wait_open(pilot, app, charlie.id)
        assert app.focused is ui.prompt(app)  # ready to type after picking

        await pilot.press("shift+tab", "shift+tab")  # the messages, then the list
        assert isinstance(app.focused, ConversationList)
        await pilot.press("2")
        await ui.wait_open(pilot, app, bravo.id)
        assert isinstance(app.focused, ConversationList)  # digits browse: still in the list
        await pilot.press("9")  # no 9th conversation: nothing happens
        await ui.wait_idle(pilot, app)
        assert ui.open_conversation(app).id == bravo.id
        assert "Reply about Bravo." in ui.screen_text(app)
        await pilot.press("tab", "tab")  # the messages, then the input box
        assert app.focused is ui.prompt(app)


async def test_digits_typed_in_the_input_are_text_not_navigation(
    settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.type_text(pilot, "1 2 3")
        assert ui.prompt(app).text == "1 2 3"


async def test_ctrl_n_starts_a_new_conversation_saved_on_first_message(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: "Start a conversation" in ui.screen_text(app))
        assert ui.open_conversation(app).id != alpha.id
        assert ui.highlighted_row(app) is None
        await ui.send(pilot, app, "Fresh start")
        assert "Conversations Fresh start just now Alpha 1h ago" in ui.seen(app)
        assert ui.highlighted_row(app) == 0
    assert len(fake_api.requests) == 1
    assert fake_api.requests[0].body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Fresh start"}]}
    ]


async def test_ctrl_b_hides_and_shows_the_sidebar(settings: Settings, data_dir: Path) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await pilot.press("tab")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert "Conversations" not in ui.screen_text(app)
        assert app.focused is ui.prompt(app)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert "Conversations" in ui.screen_text(app)


async def test_f1_lists_every_key(settings: Settings) -> None:
    async with ui.running(settings) as (app, pilot):
        await pilot.press("f1")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        shown = ui.seen(app)
        for _ in range(20):  # the list scrolls: a page at a time, to its end
            if body.scroll_y >= body.max_scroll_y:
                break
            body.scroll_page_down(animate=False)
            await pilot.pause()
            shown += " " + ui.seen(app)
        for phrase in (
            "Ctrl+N new conversation",
            "Ctrl+PageDown / Alt+Down next conversation",
            "Escape stop a streaming reply",
            "Ctrl+B hide / show the sidebar",
            "1 … 9 open the Nth conversation",
            "Alt+E write the message in your editor",
        ):
            assert phrase in shown
        assert "Ctrl+Q quit" in ui.seen(app)  # (at the end)
        await pilot.press("escape")
        await pilot.pause()
        assert "open the Nth conversation" not in ui.screen_text(app)


async def test_switching_away_mid_stream_keeps_the_reply_in_its_own_conversation(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    gate = ui.held_reply(fake_api, "Part one. Part two.", after="Part one. ", chunk_size=5)
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        streaming_id = await ui.reply_held_in_a_new_conversation(pilot, app, "Streaming one", gate)

        await pilot.press("alt+down")  # to Alpha while the reply streams
        await ui.wait_open(pilot, app, alpha.id)
        assert "streaming in another conversation" in ui.screen_text(app)
        gate.release()
        await ui.wait_idle(pilot, app)
        shown = ui.seen(app)
        assert "Part two." not in shown
        assert "Reply about Alpha." in shown

        await pilot.press("alt+up")
        await ui.wait_open(pilot, app, streaming_id)
        assert "Part one. Part two." in ui.seen(app)

    alpha_saved = ui.on_disk(data_dir, alpha.id)
    assert [m["content"][0]["text"] for m in alpha_saved["messages"]] == [
        "Alpha",
        "Reply about Alpha.",
    ]
    reply = ui.on_disk(data_dir, streaming_id)["messages"][1]
    assert reply["status"] == "complete"
    assert reply["content"][0]["text"] == "Part one. Part two."


async def test_switching_back_mid_stream_shows_what_arrived_and_keeps_following(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    first = ui.held_reply(fake_api, "One. Two. Three.", after="One. ", chunk_size=5)
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        streaming_id = await ui.reply_held_in_a_new_conversation(pilot, app, "count", first)
        await pilot.press("alt+down")
        await ui.wait_open(pilot, app, alpha.id)
        await pilot.press("alt+up")
        await ui.wait_open(pilot, app, streaming_id)
        assert "One." in ui.screen_text(app)
        assert "● streaming" in ui.screen_text(app)
        first.release()
        await ui.wait_idle(pilot, app)
        shown = ui.seen(app)
        assert "One. Two. Three." in shown
        assert shown.count("Three.") == 1


async def test_unsent_text_stays_with_the_conversation_it_was_typed_in(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo = ui.seed(data_dir, "Alpha", "Bravo")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        box = ui.prompt(app)
        await ui.type_text(pilot, "draft for alpha")
        await pilot.press("alt+down")
        await ui.wait_open(pilot, app, bravo.id)
        assert box.text == ""
        await ui.type_text(pilot, "for bravo")
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: not ui.open_conversation(app).messages, what="a new one")
        assert box.text == ""
        await ui.type_text(pilot, "a new idea")
        await pilot.press("alt+up")
        await ui.wait_open(pilot, app, bravo.id)
        assert box.text == "for bravo"
        await pilot.press("alt+up")
        await ui.wait_open(pilot, app, alpha.id)
        assert box.text == "draft for alpha"
        await ui.type_text(pilot, "!")  # the cursor is at the end, ready to go on
        assert box.text == "draft for alpha!"
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: not ui.open_conversation(app).messages, what="a new one")
        assert box.text == "a new idea"


async def test_the_sidebar_marks_the_conversation_a_reply_streams_into(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    (alpha,) = ui.seed(data_dir, "Alpha")
    gate = ui.held_reply(fake_api, "Done.", after="")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.send_until_held(pilot, "More please", gate)
        await pilot.press("ctrl+n")
        await ui.wait_until(pilot, lambda: "Alpha ● replying…" in ui.seen(app), what="the mark")
        gate.release()
        await ui.wait_idle(pilot, app)
        assert "Alpha just now" in ui.seen(app)


async def test_the_command_palette_offers_the_app_actions(
    settings: Settings, data_dir: Path
) -> None:
    alpha, bravo = ui.seed(data_dir, "Alpha", "Bravo")
    async with ui.running(settings, open=alpha.id) as (app, pilot):
        await ui.palette(pilot, app, "next conv", "Next conversation")
        await ui.wait_open(pilot, app, bravo.id)


async def test_a_long_conversation_opens_at_its_newest_and_loads_older_on_scroll_up(
    settings: Settings, data_dir: Path
) -> None:
    conversation = ui.save_exchanges(data_dir, 60)
    async with ui.running(settings, open=conversation.id) as (app, pilot):
        log = app.query_one(MessageLog)
        assert "Answer 59." in ui.screen_text(app)
        assert len(app.query(AssistantMessageView)) < 60  # not all 120 messages mounted
        (marker,) = log.query(EarlierMessages)
        assert "earlier messages: scroll up" in str(marker.render())
        for _ in range(80):
            if not log.query(EarlierMessages) and log.scroll_y == 0:
                break
            await pilot.press("pageup")
        await pilot.pause()
        shown = ui.seen(app)
        assert "Question number 0 Claude Answer 0." in shown
        assert "earlier message" not in shown
        answers = [
            view.message.text for view in log.children if isinstance(view, AssistantMessageView)
        ]
        assert answers == [f"Answer {n}." for n in range(60)]  # in order, none twice
        assert log.scroll_y == 0
