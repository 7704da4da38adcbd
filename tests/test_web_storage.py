"""Citations and server tool blocks on disk, in the request, on the command line and in the
export; the config file's limits of the web tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claude_tui.api.request import build_request
from claude_tui.config import ConfigError, read_config_file
from claude_tui.domain.blocks import OtherBlock, TextBlock, block_from_dict
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.domain.settings import WebToolOptions
from claude_tui.domain.sources import cited_markdown, reply_sources
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.export import to_markdown
from tests.fake_api import FakeAnthropic, web_search_reply
from tests.test_cli_harness import Cli

WEB_CITATION = {
    "type": "web_search_result_location",
    "url": "https://example.com/a",
    "title": "Example A",
    "cited_text": "a fact",
    "encrypted_index": "idx-1",
}
PAGE_CITATION = {
    "type": "page_location",
    "cited_text": "on page three",
    "document_index": 0,
    "document_title": "Report.pdf",
    "start_page_number": 3,
    "end_page_number": 4,
}
SEARCH_RESULT = {
    "type": "web_search_tool_result",
    "tool_use_id": "srvtoolu_1",
    "content": [{"type": "web_search_result", "url": "https://example.com/a", "title": "A"}],
}
SEARCH_USE = {
    "type": "server_tool_use",
    "id": "srvtoolu_1",
    "name": "web_search",
    "input": {"query": "facts"},
}
NEWER_BLOCK = {"type": "holographic_block", "payload": [1, {"deep": True}]}


def cited_reply() -> Message:
    return Message(
        role="assistant",
        content=[
            OtherBlock(dict(SEARCH_USE)),
            TextBlock("It is known that "),
            TextBlock("a fact holds", citations=[dict(WEB_CITATION)]),
            TextBlock(", and "),
            TextBlock("so does this", citations=[dict(PAGE_CITATION), dict(WEB_CITATION)]),
            TextBlock("."),
            OtherBlock(dict(NEWER_BLOCK)),
        ],
        usage=Usage(input_tokens=5, output_tokens=7, web_search_requests=2),
        stop_reason="end_turn",
    )


def test_citations_and_unknown_blocks_survive_a_save_and_a_load(tmp_path: Path) -> None:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=100, web_fetch=True)
    conversation.append(Message.user("Tell me"))
    conversation.append(cited_reply())
    store = ConversationStore(tmp_path)
    store.save(conversation)
    loaded = store.load(conversation.id)
    assert loaded.messages[1].content == conversation.messages[1].content
    assert loaded.messages[1].usage == Usage(input_tokens=5, output_tokens=7, web_search_requests=2)
    assert loaded.web_fetch is True
    saved = json.loads((tmp_path / "conversations" / f"{conversation.id}.json").read_text())
    blocks = saved["messages"][1]["content"]
    assert blocks[0] == SEARCH_USE and blocks[-1] == NEWER_BLOCK  # verbatim
    assert "citations" not in blocks[1]  # saved only when there are some
    assert blocks[2]["citations"] == [WEB_CITATION]


def test_an_older_text_block_without_citations_still_reads() -> None:
    assert block_from_dict({"type": "text", "text": "old"}) == TextBlock("old")
    assert Usage.from_dict({"input_tokens": 1, "output_tokens": 2}).web_search_requests == 0


def test_sources_are_numbered_as_first_cited_with_the_page_of_a_document() -> None:
    citing = reply_sources(cited_reply().content)
    assert [source.line() for source in citing.sources] == [
        "[1] Example A — https://example.com/a",
        "[2] Report.pdf — p. 3",
    ]
    assert citing.markers == {2: "[1]", 4: "[2][1]"}


def test_the_history_sends_server_tool_blocks_citations_and_unknown_blocks_back() -> None:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=100, web_search=True)
    conversation.append(Message.user("Tell me"))
    reply = cited_reply()
    reply.content.insert(1, OtherBlock(dict(SEARCH_RESULT)))
    conversation.append(reply)
    conversation.append(Message.user("More"))
    web = WebToolOptions(allowed_domains=("example.com",), max_uses=3)
    request = build_request(conversation, web=web)
    assert request["tools"] == [
        {
            "type": "web_search_20260318",
            "name": "web_search",
            "max_uses": 3,
            "allowed_domains": ["example.com"],
        }
    ]
    assert request["messages"][1]["content"] == [block.to_dict() for block in reply.content]
    del reply.content[1]  # stopped mid-search: a use without its result is not sent
    sent = build_request(conversation, web=web)["messages"][1]["content"]
    assert sent == [block.to_dict() for block in reply.content[1:]]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("web_max_uses = 0", "web_max_uses must be a whole number from 1 to 100"),
        ('web_max_uses = "3"', "web_max_uses has the wrong type"),
        ('web_allowed_domains = ["https://example.com"]', "web_allowed_domains: 'https://"),
        ('web_allowed_domains = [""]', "web_allowed_domains must hold domain names"),
        ('web_allowed_domains = "example.com"', "web_allowed_domains has the wrong type"),
        ('web_search = "yes"', "web_search has the wrong type"),
    ],
)
def test_the_web_tools_settings_are_checked_at_start(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text + "\n")
    with pytest.raises(ConfigError, match=said.replace("(", r"\(")):
        read_config_file(path)


def test_the_config_file_gives_the_web_tools_their_limits(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('web_search = true\nweb_allowed_domains = ["docs.python.org"]\n')
    values = read_config_file(path)
    assert values == {"web_search": True, "web_allowed_domains": ("docs.python.org",)}


def test_the_markdown_export_lists_the_sources_under_the_reply() -> None:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=100)
    conversation.append(Message.user("Tell me"))
    conversation.append(cited_reply())
    markdown = to_markdown(conversation)
    assert "_Searched: facts_" in markdown
    assert "It is known that a fact holds[1], and so does this[2][1]." in markdown
    assert (
        "**Sources**\n\n- [1] Example A — https://example.com/a\n- [2] Report.pdf — p. 3"
        in markdown
    )


def test_print_mode_prints_cited_text_with_markers_and_its_sources(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    cli.config.write_text(cli.config.read_text() + "web_search = true\n")
    fake_api.enqueue(web_search_reply("python asyncio"))
    done = cli.run("-p", "What is asyncio?")
    assert done.returncode == 0, done.stderr
    assert fake_api.requests[-1].body["tools"][0]["name"] == "web_search"
    assert done.stdout == (
        "Let me search for that.\n\n"
        "According to the documentation, asyncio is a library to write concurrent code[1], "
        "and coroutines are declared with async def[2][1].\n\n"
        "Sources:\n"
        "[1] asyncio — Asynchronous I/O — https://docs.python.org/3/library/asyncio.html\n"
        "[2] PEP 492 - Coroutines with async and await syntax — "
        "https://peps.python.org/pep-0492/\n"
    )
    assert "(Searching: python asyncio…)" in done.stderr
    assert "(Searched: python asyncio · 3 results)" in done.stderr


def test_past_the_views_drawn_one_each_a_search_is_said_in_plain_text() -> None:
    from claude_tui.tui.widgets.other_blocks import OverflowView
    from tests.fake_api import search_blocks

    blocks = [block_from_dict(b) for b in search_blocks("facts", [("https://a.org/x", "A")])]
    view = OverflowView([TextBlock("Before."), *blocks, TextBlock("After.")], done=True)
    assert view.text.split("\n\n")[1:] == [
        "Before.",
        "Searching: facts",
        "Searched: facts · 1 result",
        "After.",
    ]


def test_save_as_defaults_keeps_web_search_for_new_conversations(tmp_path: Path) -> None:
    from claude_tui.config import load_settings, save_defaults
    from claude_tui.domain.settings import ChatSettings

    path = tmp_path / "config.toml"
    path.write_text("web_fetch = true\nweb_max_uses = 4\n")
    path.chmod(0o600)
    save_defaults(ChatSettings(model="claude-opus-5-5", max_tokens=900, web_search=True), path)
    assert read_config_file(path) == {
        "web_search": True,
        "web_max_uses": 4,
        "model": "claude-opus-5-5",
        "max_tokens": 900,
    }
    defaults = load_settings(config_path=path, environ={}).chat_defaults()
    assert (defaults.web_search, defaults.web_fetch) == (True, False)


def test_a_cited_replys_text_reads_as_sentences_and_a_copy_carries_markers_and_sources() -> None:
    blocks = [block_from_dict(block) for block in web_search_reply().content]
    reply = Message(role="assistant", content=blocks)
    assert reply.text == (
        "Let me search for that.\n\nAccording to the documentation, asyncio is a library to "
        "write concurrent code, and coroutines are declared with async def."
    )
    assert cited_markdown(reply.content) == (
        "Let me search for that.\n\nAccording to the documentation, asyncio is a library to "
        "write concurrent code[1], and coroutines are declared with async def[2][1].\n\n"
        "Sources:\n"
        "[1] asyncio — Asynchronous I/O — https://docs.python.org/3/library/asyncio.html\n"
        "[2] PEP 492 - Coroutines with async and await syntax — https://peps.python.org/pep-0492/"
    )
    assert cited_markdown([TextBlock("No sources.")]) is None


def test_the_details_say_the_server_tools_asked_for_in_words() -> None:
    from claude_tui.tui.screens.details import asked_rows

    tools = [
        {"type": "web_search_20260318", "name": "web_search", "max_uses": 3,
         "allowed_domains": ["docs.python.org", "peps.python.org"]},
        {"type": "web_fetch_20260318", "name": "web_fetch", "max_uses": 1},
    ]  # fmt: skip
    rows = dict(asked_rows({"tools": tools}, Message(role="assistant")))
    assert rows["Server tools"] == (
        "web search (at most 3 uses; docs.python.org, peps.python.org), web fetch (at most 1 use)"
    )
    assert dict(asked_rows({}, Message(role="assistant")))["Server tools"] == "none"


def test_a_narrow_meter_keeps_the_searches_with_the_cost_they_are_not_in() -> None:
    from claude_tui.domain.message import TurnStatus
    from claude_tui.domain.pricing import PriceTable
    from claude_tui.tui.widgets.reply_footer import fit, meter_parts

    reply = Message(
        role="assistant",
        model="claude-sonnet-5-5",
        status=TurnStatus.COMPLETE,
        stop_reason="end_turn",
        usage=Usage(input_tokens=10, output_tokens=65, web_search_requests=1, web_fetch_requests=1),
        first_token_seconds=1.2,
        duration_seconds=3.0,
    )
    parts = meter_parts(reply, PriceTable.default())
    line = fit(parts, 76)  # a reply's width at 120 columns, beside the sidebar
    assert line == "claude-sonnet-5-5 · in 10 · out 65 · $0.00067 + 1 search, 1 fetch unpriced"
    assert fit(parts, 60) == "claude-sonnet-5-5 · $0.00067 + 1 search, 1 fetch unpriced"


def test_in_a_terminal_a_search_note_starts_its_own_line(cli: Cli, fake_api: FakeAnthropic) -> None:
    from tests.test_cli_chat import Terminal

    cli.config.write_text(cli.config.read_text() + "web_search = true\n")
    fake_api.enqueue(web_search_reply("python asyncio"))
    terminal = Terminal(cli, "-p", "What is asyncio?")
    try:
        status = terminal.process.wait(30)
    finally:
        terminal.close()
    assert status == 0
    assert "Let me search for that.\r\n(Searching: python asyncio…)" in terminal.output


def test_a_server_tools_error_code_is_said_as_text() -> None:
    from claude_tui.domain.sources import error_words

    assert error_words("too_many_requests") == "too many requests"
    assert "\x1b" not in error_words("odd\x1b[31m_code")
