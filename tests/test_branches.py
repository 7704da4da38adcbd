"""The branch tree: forks, switching, delete and undo, on disk, and merged between copies."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from claude_tui.api.request import history_params
from claude_tui.domain import branches
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import SCHEMA_VERSION, UNBRANCHED_SCHEMA, Conversation
from claude_tui.domain.merge import header_base, merge
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.keeper import ConversationKeeper
from tests.test_cli_harness import Cli

START = datetime(2026, 12, 1, tzinfo=UTC)


def said(role: str, text: str, minute: int, status: TurnStatus = TurnStatus.COMPLETE) -> Message:
    return Message(
        role=role,  # type: ignore[arg-type]
        content=[TextBlock(text)],
        created_at=START + timedelta(minutes=minute),
        status=status,
    )


def chat(*texts: str) -> Conversation:
    """u1 a1 u2 a2 ...: the user and Claude taking turns."""
    conversation = Conversation(model="claude-x", max_tokens=100)
    for minute, text in enumerate(texts):
        conversation.messages.append(said("user" if minute % 2 == 0 else "assistant", text, minute))
    return conversation


def shown(conversation: Conversation) -> list[str]:
    return [message.text for message in conversation.messages]


def edit(conversation: Conversation, index: int, text: str, minute: int) -> None:
    branches.fork(conversation, index)
    conversation.messages.append(said("user", text, minute))


def test_an_edit_keeps_the_old_continuation_as_a_branch() -> None:
    conversation = chat("u1", "a1", "u2", "a2", "u3", "a3")
    edit(conversation, 2, "u2 edited", 10)
    conversation.messages.append(said("assistant", "a2 new", 11))
    assert shown(conversation) == ["u1", "a1", "u2 edited", "a2 new"]
    assert branches.branch_mark(conversation, 2) == (2, 2)
    assert branches.branch_mark(conversation, 3) is None  # the new reply has no alternative
    assert branches.switch(conversation, 2, -1)
    assert shown(conversation) == ["u1", "a1", "u2", "a2", "u3", "a3"]
    assert branches.branch_mark(conversation, 2) == (1, 2)
    assert not branches.switch(conversation, 2, -1)  # the first has none before it
    assert branches.switch(conversation, 2, 1)
    assert shown(conversation) == ["u1", "a1", "u2 edited", "a2 new"]


def test_asking_again_anywhere_makes_the_reply_a_sibling() -> None:
    conversation = chat("u1", "a1", "u2", "a2")
    branches.fork(conversation, 1)  # regenerate the first reply
    conversation.messages.append(said("assistant", "a1 again", 10))
    assert shown(conversation) == ["u1", "a1 again"]
    assert branches.branch_mark(conversation, 1) == (2, 2)
    branches.switch(conversation, 1, -1)
    assert shown(conversation) == ["u1", "a1", "u2", "a2"]  # what followed is on the old one


def test_switching_back_finds_the_newest_line_below() -> None:
    conversation = chat("u1", "a1")
    edit(conversation, 0, "v1", 10)
    conversation.messages.append(said("assistant", "b1", 11))
    branches.fork(conversation, 1)
    conversation.messages.append(said("assistant", "b1 again", 12))
    branches.switch(conversation, 0, -1)
    assert shown(conversation) == ["u1", "a1"]
    branches.switch(conversation, 0, 1)
    assert shown(conversation) == ["v1", "b1 again"]


def test_delete_takes_your_message_with_its_reply_and_undo_puts_them_back() -> None:
    conversation = chat("u1", "a1", "u2", "a2", "u3", "a3")
    edit(conversation, 4, "u3 edited", 10)  # a branch that follows a2
    before = branches.snapshot(conversation)
    removed = branches.delete(conversation, 2)
    assert [m.text for m in removed] == ["u2", "a2"]
    assert shown(conversation) == ["u1", "a1", "u3 edited"]
    assert branches.branch_mark(conversation, 2) == (2, 2)  # u3, now after a1, is its sibling
    branches.restore(conversation, before)
    assert shown(conversation) == ["u1", "a1", "u2", "a2", "u3 edited"]
    branches.switch(conversation, 4, -1)
    assert shown(conversation) == ["u1", "a1", "u2", "a2", "u3", "a3"]


def test_unanswered_messages() -> None:
    conversation = chat("u1", "a1")
    conversation.messages[1].status = TurnStatus.FAILED
    conversation.messages.append(said("user", "u2", 5))
    conversation.messages.append(said("assistant", "", 6, TurnStatus.STREAMING))
    ids = {m.text: m.id for m in conversation.messages}
    assert branches.unanswered(conversation.messages) == {ids["u1"]}
    conversation.messages[-1].status = TurnStatus.FAILED
    assert branches.unanswered(conversation.messages) == {ids["u1"], ids["u2"]}


def test_the_tree_is_saved_and_read_back_with_the_branch_shown(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path)
    plain = chat("u1", "a1")
    store.save(plain)
    assert json.loads(store.path_of(plain.id).read_text())["schema_version"] == UNBRANCHED_SCHEMA
    conversation = chat("u1", "a1", "u2", "a2")
    edit(conversation, 2, "u2 edited", 10)
    store.save(conversation)
    data = json.loads(store.path_of(conversation.id).read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert [m["content"][0]["text"] for m in data["messages"]] == ["u1", "a1", "u2 edited"]
    assert [(m["content"][0]["text"], m["parent"]) for m in data["branches"]] == [
        ("u2", conversation.messages[1].id),
        ("a2", data["branches"][0]["id"]),
    ]
    stored = store.read(conversation.id)
    assert stored.lines is not None and len(stored.lines) == 5  # reusable by the next save
    again = stored.conversation
    assert shown(again) == ["u1", "a1", "u2 edited"]
    assert branches.switch(again, 2, -1)
    assert shown(again) == ["u1", "a1", "u2", "a2"]


def test_the_keeper_writes_a_moved_message_anew(tmp_path: Path) -> None:
    async def scenario() -> None:
        keeper = ConversationKeeper(ConversationStore(tmp_path))
        conversation = chat("u1", "a1", "u2", "a2")
        await keeper.save(conversation)
        edit(conversation, 2, "u2 edited", 10)
        await keeper.save(conversation)
        branches.switch(conversation, 2, -1)
        await keeper.save(conversation)
        read = keeper.store.load(conversation.id)
        assert shown(read) == ["u1", "a1", "u2", "a2"]
        assert [(m.text, m.parent) for m in read.branches] == [
            ("u2 edited", conversation.messages[1].id)
        ]

    asyncio.run(scenario())


def test_a_copy_that_forked_and_one_that_went_on_merge_into_one_tree() -> None:
    base = chat("u1", "a1", "u2", "a2")
    theirs = Conversation.from_dict(base.to_dict())
    ours = Conversation.from_dict(base.to_dict())
    ours_base = header_base(ours)
    edit(theirs, 2, "u2 edited", 10)  # they forked
    ours.messages.append(said("user", "u3", 11))  # we went on
    assert merge(ours, theirs, ours_base)
    assert shown(ours) == ["u1", "a1", "u2", "a2", "u3"]  # the branch we show stays
    assert branches.branch_mark(ours, 2) == (1, 2)
    branches.switch(ours, 2, 1)
    assert shown(ours) == ["u1", "a1", "u2 edited"]


def test_messages_both_copies_appended_are_interleaved_as_before() -> None:
    base = chat("u1", "a1")
    theirs = Conversation.from_dict(base.to_dict())
    ours = Conversation.from_dict(base.to_dict())
    theirs.messages += [said("user", "theirs", 5), said("assistant", "r", 7)]
    ours.messages += [said("user", "ours", 6)]
    assert merge(ours, theirs, header_base(ours))
    assert shown(ours) == ["u1", "a1", "theirs", "ours", "r"]
    assert ours.branches == []


# Random histories: whatever failed, was retried or never sent, a request never carries
# two of the user's messages glued into one, roles alternate, and the newest is sent.
STATUSES = st.sampled_from(list(TurnStatus))


@st.composite
def histories(draw: st.DrawFn) -> list[Message]:
    messages: list[Message] = []
    for minute in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            messages.append(said("user", f"user {minute}", minute))
        else:
            text = draw(st.sampled_from(["", "  ", f"reply {minute}"]))
            status = draw(STATUSES.filter(lambda s: s is not TurnStatus.STREAMING))
            messages.append(said("assistant", text, minute, status))
    return messages


@settings(max_examples=300, deadline=None)
@given(histories())
def test_no_request_glues_two_messages_together(messages: list[Message]) -> None:
    sent = history_params(messages)
    users = [m for m in messages if m.role == "user"]
    if not users:
        assert sent == []
        return
    assert [turn["role"] for turn in sent] == ["user", "assistant"] * (len(sent) // 2) + ["user"]
    for turn in sent:
        assert len(turn["content"]) == 1
    assert sent[-1]["content"][0]["text"] == users[-1].text
    failed = branches.unanswered(messages[: messages.index(users[-1])])
    left_out = {m.text for m in users if m.id in failed}
    sent_texts = {turn["content"][0]["text"] for turn in sent if turn["role"] == "user"}
    assert not sent_texts & left_out  # a message whose turn failed is never sent again


def test_the_markdown_export_follows_the_branch_shown_or_shows_them_all() -> None:
    from claude_tui.store.export import to_markdown

    conversation = chat("u1", "a1", "u2", "a2")
    edit(conversation, 2, "u2 edited", 10)
    shown_only = to_markdown(conversation)
    assert "u2 edited" in shown_only and "\nu2\n" not in shown_only
    every = to_markdown(conversation, all_branches=True)
    assert "## You — " in every
    assert "(another branch, after message 2)" in every
    assert "\nu2\n" in every and "\na2\n" in every


def test_search_finds_other_branches_only_when_asked_and_reveal_shows_them(
    tmp_path: Path,
) -> None:
    from claude_tui.store.search import search

    store = ConversationStore(tmp_path)
    conversation = chat("u1", "a1", "u2 about pelicans", "a2 pelicans dive")
    edit(conversation, 2, "u2 about gulls", 10)
    conversation.messages.append(said("assistant", "a2 gulls", 11))
    store.save(conversation)
    assert search(store, "pelicans", [conversation.id]) == []
    hits = search(store, "pelicans", [conversation.id], all_branches=True)
    assert [(hit.snippet, hit.elsewhere) for hit in hits] == [
        ("u2 about pelicans", True),
        ("a2 pelicans dive", True),
    ]
    assert branches.reveal(conversation, hits[1].message_id)
    assert shown(conversation) == ["u1", "a1", "u2 about pelicans", "a2 pelicans dive"]
    assert not branches.reveal(conversation, hits[1].message_id)  # on the branch shown now
    assert shown(conversation) == ["u1", "a1", "u2 about pelicans", "a2 pelicans dive"]
    assert {m.text for m in conversation.branches} == {"u2 about gulls", "a2 gulls"}


def test_export_all_branches_from_the_command_line(cli: Cli) -> None:
    conversation = chat("u1", "a1", "u2", "a2")
    edit(conversation, 2, "u2 edited", 10)
    ConversationStore(cli.data_dir).save(conversation)
    shown_only = cli.run("export", conversation.id[:8])
    every = cli.run("export", conversation.id[:8], "--all-branches")
    assert shown_only.returncode == every.returncode == 0, every.stderr
    assert "\nu2\n" not in shown_only.stdout and "u2 edited" in shown_only.stdout
    assert "(another branch, after message 2)\n\nu2\n" in every.stdout


def test_deleting_the_version_shown_shows_the_other_and_undo_brings_it_back() -> None:
    conversation = chat("u1", "a1", "u2", "a2")
    edit(conversation, 2, "u2 edited", 10)
    conversation.messages.append(said("assistant", "a2 new", 11))
    before = branches.snapshot(conversation)
    branches.delete(conversation, 2)
    assert shown(conversation) == ["u1", "a1", "u2", "a2"]  # not a conversation cut short
    assert branches.branch_mark(conversation, 2) is None
    branches.restore(conversation, before)
    assert shown(conversation) == ["u1", "a1", "u2 edited", "a2 new"]
    assert branches.branch_mark(conversation, 2) == (2, 2)


def test_other_branches_are_exported_each_whole_after_the_message_it_follows() -> None:
    from claude_tui.store.export import to_markdown

    conversation = chat("u1", "a1", "u2", "a2")
    branches.fork(conversation, 1)  # ask again for a1: a1, u2, a2 go aside
    conversation.messages.append(said("assistant", "a1 again", 10))
    edit(conversation, 0, "u1 edited", 11)  # then edit u1: u1, a1 again go aside too
    conversation.branches.reverse()  # (the order they are kept in does not matter)
    every = to_markdown(conversation, all_branches=True)
    order = ["\nu1\n", "\na1\n", "\nu2\n", "\na2\n", "\na1 again\n"]
    positions = [every.index(text) for text in order]
    assert positions == sorted(positions)


def test_what_every_branch_cost_is_counted() -> None:
    from claude_tui.domain.usage import Usage

    conversation = chat("u1", "a1")
    conversation.messages[1].usage = Usage(input_tokens=100, output_tokens=10)
    branches.fork(conversation, 1)  # asked again: the first reply was paid for too
    again = said("assistant", "a1 again", 10)
    again.usage = Usage(input_tokens=100, output_tokens=20)
    conversation.messages.append(again)
    assert conversation.total_usage == Usage(input_tokens=200, output_tokens=30)
