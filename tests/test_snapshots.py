"""Snapshots of what the user sees (SVGs under tests/__snapshots__)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock, ThinkingBlock, block_from_dict
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore
from claude_tui.tui.screens.api_key import ApiKeyScreen
from claude_tui.tui.widgets.message_marks import MessageMarks
from claude_tui.tui.widgets.prompt_input import PromptInput
from claude_tui.tui.widgets.thinking import ThinkingView
from tests.conftest import FIXED_NOW
from tests.ui import make_app, seed, seen, wait_open, wait_until

MARKDOWN_REPLY = """\
## Reading a file in Python

Use a **context manager**, so the file is closed even on errors:

```python
from pathlib import Path

def count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)
```

- `Path.read_text()` is shorter for small files
- pass `encoding=` explicitly
"""


def _exchange(data_dir: Path, question: str, reply: str, **fields: Any) -> Conversation:
    """A saved conversation of one question and its reply (``fields`` for the reply)."""
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=8192)
    conversation.append(Message.user(question))
    conversation.append(
        Message(role="assistant", content=[TextBlock(reply)], model="claude-sonnet-5-5", **fields)
    )
    conversation.created_at = conversation.updated_at = FIXED_NOW
    for message in conversation.messages:
        message.created_at = FIXED_NOW
    ConversationStore(data_dir).save(conversation)
    return conversation


def _markdown_conversation(data_dir: Path) -> Conversation:
    usage = Usage(input_tokens=1234, output_tokens=187, cache_read_input_tokens=2048)
    return _exchange(
        data_dir,
        "How do I count the lines of a file in Python?",
        MARKDOWN_REPLY,
        status=TurnStatus.COMPLETE,
        stop_reason="end_turn",
        response_id="msg_snap",
        usage=usage,
    )


def _failed_conversation(data_dir: Path) -> Conversation:
    error = ErrorInfo(
        kind="interrupted",
        title="The connection broke off mid-reply.",
        detail="peer closed connection without sending complete message body",
        hint="The text that arrived is kept.",
    )
    return _exchange(
        data_dir,
        "Summarise the plot of Hamlet.",
        "Prince Hamlet returns to Denmark",
        status=TurnStatus.FAILED,
        error=error,
    )


def _ready(open_id: str | None) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await wait_until(pilot, lambda: bool(app.screen.query(PromptInput)))
        app.screen.query_one(PromptInput).cursor_blink = False
        if open_id is not None:
            await wait_open(pilot, app, open_id)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_first_launch(snap_compare: Any, settings: Settings) -> None:
    assert snap_compare(make_app(settings), terminal_size=(120, 36), run_before=_ready(None))


def _key_dialog(then_escape: bool) -> Any:
    """The first start without a key: the key dialog, a key pasted and to be saved (or the
    dialog closed with Escape)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await wait_until(
            pilot, lambda: isinstance(app.screen, ApiKeyScreen) and app.screen.query("#key-save")
        )
        app.screen.query_one(Input).cursor_blink = False
        if then_escape:
            await pilot.press("escape")
            await _ready(None)(pilot)
            return
        await wait_until(pilot, lambda: app.chat.ready)
        app.screen.query_one(Input).insert_text_at_cursor("sk-ant-api03-snapshot")  # masked
        await pilot.press("ctrl+s")  # to be saved: where is said
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_first_launch_without_an_api_key(snap_compare: Any, settings: Settings) -> None:
    from dataclasses import replace

    config = Path("/home/you/.config/claude-tui/config.toml")  # (the same on every run)
    app = make_app(replace(settings, api_key=None, config_path=config))
    assert snap_compare(app, terminal_size=(120, 36), run_before=_key_dialog(False))


def test_without_an_api_key_once_the_dialog_is_closed(
    snap_compare: Any, settings: Settings
) -> None:
    from dataclasses import replace

    app = make_app(replace(settings, api_key=None))
    assert snap_compare(app, terminal_size=(120, 36), run_before=_key_dialog(True))


def test_markdown_and_code_block(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    seed(data_dir, "An older chat", "Another older chat")
    conversation = _markdown_conversation(data_dir)
    assert snap_compare(
        make_app(settings), terminal_size=(120, 36), run_before=_ready(conversation.id)
    )


def test_failed_turn(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    conversation = _failed_conversation(data_dir)
    assert snap_compare(
        make_app(settings), terminal_size=(120, 36), run_before=_ready(conversation.id)
    )


def test_small_terminal_80x24(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    seed(data_dir, "An older chat with a title far too long for a narrow sidebar")
    conversation = _markdown_conversation(data_dir)
    assert snap_compare(
        make_app(settings), terminal_size=(80, 24), run_before=_ready(conversation.id)
    )


def test_wide_terminal_200x60(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    seed(data_dir, "An older chat", "Another older chat", "A third one")
    conversation = _markdown_conversation(data_dir)
    assert snap_compare(
        make_app(settings), terminal_size=(200, 60), run_before=_ready(conversation.id)
    )


def test_help_screen(snap_compare: Any, settings: Settings) -> None:
    assert snap_compare(
        make_app(settings), terminal_size=(100, 30), press=["f1"], run_before=_ready(None)
    )


# -- the meter: thinking, the context gauge, a reply's details ----------------------

THINKING = (
    "The user asks how to count lines. A generator over the file is lazy and closes the "
    "handle in a with block; read_text is shorter for small files."
)


def _metered(data_dir: Path, usage: Usage, *, thinking: bool = False, **fields: Any) -> str:
    """A saved exchange whose reply has its meter filled in (and a thinking, if asked)."""
    conversation = _exchange(
        data_dir,
        "How do I count the lines of a file in Python?",
        "Use `sum(1 for _ in handle)` inside a `with` block.",
        status=TurnStatus.COMPLETE,
        stop_reason=fields.pop("stop_reason", "end_turn"),
        response_id="msg_01SnapshotReplyIdentifier",
        usage=usage,
        max_tokens=8192,
        first_token_seconds=1.4,
        thinking_seconds=12.4 if thinking else None,
        duration_seconds=15.4,
        request={
            "model": "claude-sonnet-5-5",
            "max_tokens": 8192,
            "thinking": {"type": "adaptive", "display": "summarized"},
            "cache_control": {"type": "ephemeral"},
        },
        **fields,
    )
    if thinking:
        reply = conversation.messages[-1]
        reply.content.insert(0, ThinkingBlock(THINKING, signature="sig"))
        ConversationStore(data_dir).save(conversation)
    return conversation.id


def _opened_thinking(open_id: str) -> Any:
    ready = _ready(open_id)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.click(ThinkingView)
        await pilot.pause()

    return run_before


def _with_dialog(open_id: str, key: str, screen: type) -> Any:
    """Ready as above, the API's model list read, then ``key`` pressed until ``screen``
    (a dialog) is open and drawn."""
    ready = _ready(open_id)

    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await ready(pilot)
        await wait_until(pilot, lambda: app.chat.catalog.source == "api", 15)
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, screen))
        for box in app.screen.query("Input, TextArea"):
            box.cursor_blink = False
        await pilot.pause()  # (not every worker ends: the one that opened the dialog waits)
        await pilot.pause()

    return run_before


CACHED = Usage(input_tokens=1234, output_tokens=480, cache_read_input_tokens=20_480)


def test_thinking_collapsed(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    open_id = _metered(data_dir, CACHED, thinking=True)
    assert snap_compare(make_app(settings), terminal_size=(120, 36), run_before=_ready(open_id))


def test_thinking_expanded(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    open_id = _metered(data_dir, CACHED, thinking=True)
    assert snap_compare(
        make_app(settings), terminal_size=(120, 36), run_before=_opened_thinking(open_id)
    )


def test_context_gauge_at_85_percent(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    open_id = _metered(data_dir, Usage(input_tokens=850_000, output_tokens=480))
    assert snap_compare(make_app(settings), terminal_size=(120, 36), run_before=_ready(open_id))


def test_context_gauge_at_97_percent_after_the_token_limit(
    snap_compare: Any, settings: Settings, data_dir: Path
) -> None:
    usage = Usage(input_tokens=970_000, output_tokens=8192)
    open_id = _metered(data_dir, usage, stop_reason="max_tokens")
    assert snap_compare(make_app(settings), terminal_size=(120, 36), run_before=_ready(open_id))


def test_reply_details(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    open_id = _metered(data_dir, CACHED, thinking=True)
    assert snap_compare(
        make_app(settings), terminal_size=(120, 36), press=["f4"], run_before=_ready(open_id)
    )


@pytest.mark.parametrize(("key", "dialog"), [("f3", "settings"), ("alt+p", "model_picker")])
def test_steering_dialogs(
    snap_compare: Any, settings: Settings, data_dir: Path, key: str, dialog: str
) -> None:
    """The settings panel (F3) and the model picker (Alt+P) over a conversation."""
    from claude_tui.tui.screens.model_picker import ModelPicker
    from claude_tui.tui.screens.settings import SettingsScreen

    screen = SettingsScreen if dialog == "settings" else ModelPicker
    conversation = _markdown_conversation(data_dir)
    assert snap_compare(
        make_app(settings),
        terminal_size=(120, 36),
        run_before=_with_dialog(conversation.id, key, screen),
    )


# -- the message cursor (issue 14) ---------------------------------------------------

TWO_SNIPPETS = """\
Count the lines:

```python
sum(1 for _ in open("notes.txt"))
```

or in the shell:

```sh
wc -l notes.txt
```
"""


def _marked(open_id: str, marks: dict[int, MessageMarks], *keys: str) -> Any:
    """Ready as above, the screen's marks given to the log (by message position), then
    ``keys`` pressed."""
    ready = _ready(open_id)

    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await ready(pilot)
        log = app.chat.log_view
        positions = {m.id: n for n, m in enumerate(app.chat.conversation.messages)}
        log.marks = lambda message: marks.get(positions[message.id], MessageMarks())
        log.refresh_marks()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause()

    return run_before


def test_cursor_on_a_reply_numbers_its_code_blocks(
    snap_compare: Any, settings: Settings, data_dir: Path
) -> None:
    usage = Usage(input_tokens=1234, output_tokens=96)
    conversation = _exchange(
        data_dir, "How many lines has notes.txt?", TWO_SNIPPETS, stop_reason="end_turn", usage=usage
    )
    assert snap_compare(
        make_app(settings),
        terminal_size=(120, 36),
        run_before=_marked(conversation.id, {}, "ctrl+up"),
    )


def test_cursor_on_a_message_with_branches(
    snap_compare: Any, settings: Settings, data_dir: Path
) -> None:
    conversation = _markdown_conversation(data_dir)
    marks = {0: MessageMarks(branch=(2, 3)), 1: MessageMarks(branch=(1, 2))}
    assert snap_compare(
        make_app(settings),
        terminal_size=(120, 36),
        run_before=_marked(conversation.id, marks, "ctrl+up", "up"),
    )


def test_an_unanswered_message(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    conversation = _failed_conversation(data_dir)
    conversation.messages.append(Message.user("Are you still there?"))
    ConversationStore(data_dir).save(conversation)
    marks = {2: MessageMarks(unanswered=True)}
    assert snap_compare(
        make_app(settings), terminal_size=(120, 36), run_before=_marked(conversation.id, marks)
    )


def test_editing_a_message_shows_the_banner(
    snap_compare: Any, settings: Settings, data_dir: Path
) -> None:
    conversation = _markdown_conversation(data_dir)
    marked = _marked(conversation.id, {}, "ctrl+up", "up", "e")

    async def run_before(pilot: Pilot[Any]) -> None:
        await marked(pilot)
        prompt = pilot.app.screen.query_one(PromptInput)  # the draft's estimate, once shown
        await wait_until(pilot, lambda: prompt.border_subtitle is not None)
        await pilot.pause()

    assert snap_compare(make_app(settings), terminal_size=(120, 36), run_before=run_before)


# -- the web tools: a search as it runs, cited text and its sources -----------------


def _web_conversation(data_dir: Path) -> Conversation:
    """A saved exchange with web search on, answered with a search and cited text."""
    from tests.fake_api import web_search_reply

    conversation = _exchange(
        data_dir,
        "What is asyncio?",
        "",
        status=TurnStatus.COMPLETE,
        stop_reason="end_turn",
        usage=Usage(input_tokens=2310, output_tokens=96, web_search_requests=1),
    )
    conversation.web_search = True
    reply = conversation.messages[-1]
    reply.content = [block_from_dict(b) for b in web_search_reply("python asyncio").content]
    ConversationStore(data_dir).save(conversation)
    return conversation


def test_cited_text_and_its_sources(snap_compare: Any, settings: Settings, data_dir: Path) -> None:
    conversation = _web_conversation(data_dir)
    assert snap_compare(
        make_app(settings), terminal_size=(120, 36), run_before=_ready(conversation.id)
    )


def test_a_search_in_progress(
    snap_compare: Any, settings: Settings, data_dir: Path, fake_api: Any
) -> None:
    from dataclasses import replace

    from tests.fake_api import Gate, web_search_reply

    conversation = _web_conversation(data_dir)
    gate = Gate()
    fake_api.enqueue(replace(web_search_reply("asyncio event loop"), hold_before_block=(2, gate)))
    ready = _ready(conversation.id)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        prompt = pilot.app.screen.query_one(PromptInput)
        prompt.insert("And the event loop?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: gate.held)
        await wait_until(pilot, lambda: "Searching: asyncio event loop" in seen(pilot.app))
        await pilot.pause()

    assert snap_compare(make_app(settings), terminal_size=(120, 36), run_before=run_before)


def test_the_input_with_chips(
    snap_compare: Any, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two files attached above the input box, the second one focused, and the estimate."""
    from tests import files
    from tests.ui import type_text

    folder = tmp_path / "work"
    folder.mkdir()
    files.pdf(folder / "quarterly report.pdf", pages=12)
    files.image(folder / "screenshot.png", 1280, 800)
    monkeypatch.chdir(folder)
    ready = _ready(None)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        app: Any = pilot.app
        prompt = app.screen.query_one(PromptInput)
        for typed in ("@quar", "@scr"):
            await type_text(pilot, typed)
            await wait_until(pilot, lambda: app.screen.query_one("#suggestions").display)
            await pilot.press("tab")
            await wait_until(pilot, lambda: "@" not in prompt.text)
        await wait_until(pilot, lambda: prompt.border_subtitle is not None)
        files_only = str(prompt.border_subtitle)
        await type_text(pilot, "Does the chart match the table on page 3?")
        await wait_until(pilot, lambda: str(prompt.border_subtitle) != files_only)
        await pilot.press("shift+tab")
        await pilot.pause()

    assert snap_compare(make_app(settings), terminal_size=(120, 36), run_before=run_before)


def test_a_sent_message_with_chips_and_a_missing_file(
    snap_compare: Any, settings: Settings, data_dir: Path, tmp_path: Path
) -> None:
    from claude_tui.domain.attachments import Attachment
    from claude_tui.store.attachments import AttachmentStore
    from tests import files

    kept = AttachmentStore(data_dir).add(files.image(tmp_path / "diagram.png", 640, 480))
    gone = Attachment("0" * 64, "notes.txt", "text/plain", 2300, 575)
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=8192)
    conversation.append(Message.user("What does the diagram leave out?", [kept, gone]))
    conversation.append(
        Message(
            role="assistant",
            content=[TextBlock("The diagram has no arrow for the retry path.")],
            model="claude-sonnet-5-5",
            status=TurnStatus.COMPLETE,
            stop_reason="end_turn",
        )
    )
    conversation.created_at = conversation.updated_at = FIXED_NOW
    for message in conversation.messages:
        message.created_at = FIXED_NOW
    ConversationStore(data_dir).save(conversation)
    ready = _ready(conversation.id)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await wait_until(
            pilot,
            lambda: "attachment missing" in str(pilot.app.screen.query(".user").first().render()),
        )
        await pilot.press("ctrl+up", "up")  # the cursor on it: "o" opens its files
        await pilot.pause()

    assert snap_compare(make_app(settings), terminal_size=(120, 36), run_before=run_before)
