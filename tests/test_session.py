"""ChatSession (session.py): a turn's lifecycle, through the real SDK over real HTTP to the
fake API on 127.0.0.1, judged by what lands on disk and what the updates say."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual import work
from textual.app import App
from textual.worker import Worker, WorkerState

from claude_tui.api.client import ClaudeClient
from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.events import Retrying, StreamEvent, TextDelta
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.session import ChatSession, NotSent, TurnEnded, TurnStarted, TurnUpdate
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.keeper import ConversationKeeper
from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.ui import until

MODEL = "claude-sonnet-5-5"


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[ClaudeClient]:
    """A client that waits as long as the server holds a reply (its gate, its hang)."""
    client = ClaudeClient(replace(settings, request_timeout=60))
    yield client
    await client.close()


@pytest.fixture
def keeper(data_dir: Path) -> ConversationKeeper:
    return ConversationKeeper(ConversationStore(data_dir))


@pytest.fixture
def session(client: ClaudeClient, keeper: ConversationKeeper) -> ChatSession:
    return ChatSession(client, keeper)


@pytest.fixture
def conversation() -> Conversation:
    return Conversation(model=MODEL, max_tokens=1000)


@pytest.fixture
async def gate() -> AsyncIterator[Gate]:
    """A gate that is let go at the end, whatever the test did."""
    gate = Gate(after="So far ")
    yield gate
    gate.release()


def on_disk(data_dir: Path, conversation: Conversation) -> dict[str, Any] | None:
    """The conversation's file as JSON; None while there is none."""
    path = data_dir / "conversations" / f"{conversation.id}.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    return data


def reply_on_disk(data_dir: Path, conversation: Conversation) -> dict[str, Any] | None:
    """The saved reply (the second message), if it is saved yet."""
    saved = on_disk(data_dir, conversation)
    if saved is None or len(saved["messages"]) < 2:
        return None
    reply: dict[str, Any] = saved["messages"][1]
    return reply


def saved_text(reply: dict[str, Any] | None) -> str | None:
    if reply is None:
        return None
    return "".join(block["text"] for block in reply["content"] if block["type"] == "text")


async def collect(
    session: ChatSession, conversation: Conversation, into: list[TurnUpdate] | None = None
) -> list[TurnUpdate]:
    """Run a turn to its end, as the app and the console consume it."""
    updates: list[TurnUpdate] = [] if into is None else into
    async with contextlib.aclosing(session.run_turn(conversation)) as stream:
        async for update in stream:
            updates.append(update)
    return updates


async def held(
    session: ChatSession,
    conversation: Conversation,
    gate: Gate,
    fake_api: FakeAnthropic,
    updates: list[TurnUpdate],
) -> asyncio.Task[Any]:
    """Start a turn whose reply the server holds after ``gate.after``, which has arrived."""
    fake_api.enqueue(Reply.text(gate.after + "and the rest.", chunk_size=3, gate=gate))
    session.accept(conversation, "Tell me")
    task = asyncio.create_task(collect(session, conversation, updates))
    await gate.wait_held_async(timeout=15)
    await until(
        lambda: session.turn is not None and session.turn.message.text == gate.after,
        "the text before the gate to arrive",
    )
    return task


async def test_a_turn_yields_started_each_event_applied_and_ended_and_saves_the_reply(
    fake_api: FakeAnthropic, session: ChatSession, conversation: Conversation, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.text("Apples, pears and plums.", chunk_size=5))
    message = session.accept(conversation, "Name three fruits")
    assert conversation.messages == [message]
    assert session.busy and session.replying_in(conversation) and session.turn is None
    assert on_disk(data_dir, conversation) is None  # accept does no I/O
    updates: list[TurnUpdate] = []
    arrived = ""
    async with contextlib.aclosing(session.run_turn(conversation)) as stream:
        async for update in stream:
            updates.append(update)
            if isinstance(update, TextDelta):
                arrived += update.text
                assert session.turn is not None
                assert session.turn.message.text == arrived  # applied before it is yielded
    started, *_, ended = updates
    assert isinstance(started, TurnStarted) and isinstance(ended, TurnEnded)
    assert started.turn is ended.turn and conversation.messages[-1] is ended.turn.message
    assert (ended.saved, ended.error) == (True, None)
    assert arrived == "Apples, pears and plums."
    assert not session.busy and session.turn is None and not session.replying_in(conversation)
    reply = reply_on_disk(data_dir, conversation)
    assert reply is not None and reply["status"] == "complete"
    assert saved_text(reply) == "Apples, pears and plums."
    assert json.loads((data_dir / "state.json").read_text()) == {"last_open": conversation.id}


async def test_the_message_is_on_disk_before_the_request_reaches_the_server(
    fake_api: FakeAnthropic, session: ChatSession, conversation: Conversation, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.hang_before_headers(120))  # the server holds the request
    session.accept(conversation, "Saved first?")
    task = asyncio.create_task(collect(session, conversation))
    await fake_api.wait_for_requests_async(1, timeout=15)
    saved = on_disk(data_dir, conversation)
    assert saved is not None
    assert [m["content"][0]["text"] for m in saved["messages"]] == ["Saved first?"]
    await session.stop()
    assert task.cancelled()


async def test_a_stalled_stream_is_checkpointed_on_the_timer(
    fake_api: FakeAnthropic,
    session: ChatSession,
    conversation: Conversation,
    data_dir: Path,
    gate: Gate,
) -> None:
    updates: list[TurnUpdate] = []
    task = await held(session, conversation, gate, fake_api, updates)
    # Nothing more arrives while the gate holds: only the timer can save this.
    await until(
        lambda: saved_text(reply_on_disk(data_dir, conversation)) == "So far ",
        "a checkpoint while the stream is held",
    )
    reply = reply_on_disk(data_dir, conversation)
    assert reply is not None and reply["status"] == "streaming"
    gate.release()
    await task
    reply = reply_on_disk(data_dir, conversation)
    assert reply is not None and reply["status"] == "complete"
    assert saved_text(reply) == "So far and the rest."
    assert isinstance(updates[-1], TurnEnded)


@pytest.mark.parametrize(
    ("closing", "status", "error_kind"), [(False, "stopped", None), (True, "failed", "interrupted")]
)
async def test_stop_ends_the_turn_and_returns_once_it_is_saved(
    fake_api: FakeAnthropic,
    session: ChatSession,
    conversation: Conversation,
    data_dir: Path,
    gate: Gate,
    closing: bool,
    status: str,
    error_kind: str | None,
) -> None:
    updates: list[TurnUpdate] = []
    task = await held(session, conversation, gate, fake_api, updates)
    await session.stop(closing=closing)
    reply = reply_on_disk(data_dir, conversation)  # at once: stop waited for the save
    assert reply is not None and reply["status"] == status
    assert (reply.get("error") or {}).get("kind") == error_kind
    assert saved_text(reply) == "So far "
    assert not session.busy and session.turn is None
    assert task.cancelled()
    assert not any(isinstance(update, TurnEnded) for update in updates)
    assert conversation.messages[-1].status is TurnStatus(status)


async def test_cancelling_the_consuming_task_saves_the_reply_as_stopped(
    fake_api: FakeAnthropic,
    session: ChatSession,
    conversation: Conversation,
    data_dir: Path,
    gate: Gate,
) -> None:
    task = await held(session, conversation, gate, fake_api, [])
    task.cancel()  # what cancelling the app's worker does
    await asyncio.wait([task])
    reply = reply_on_disk(data_dir, conversation)
    assert reply is not None and reply["status"] == "stopped"
    assert saved_text(reply) == "So far "
    assert not session.busy


async def test_leaving_the_loop_closes_the_turn_as_stopped(
    fake_api: FakeAnthropic,
    session: ChatSession,
    conversation: Conversation,
    data_dir: Path,
    gate: Gate,
) -> None:
    fake_api.enqueue(Reply.text("So far and the rest.", chunk_size=3, gate=gate))
    session.accept(conversation, "Tell me")
    async with contextlib.aclosing(session.run_turn(conversation)) as stream:
        async for update in stream:
            if isinstance(update, TextDelta) and conversation.messages[-1].text == "So far ":
                break
    reply = reply_on_disk(data_dir, conversation)
    assert reply is not None and reply["status"] == "stopped"
    assert saved_text(reply) == "So far "
    assert not session.busy


async def test_a_failed_reply_keeps_its_text_and_a_retry_sends_the_message_again(
    fake_api: FakeAnthropic, session: ChatSession, conversation: Conversation, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.stream_error_event("Half of it", chunk_size=4), Reply.text("All of it."))
    session.accept(conversation, "Tell me")
    ended = (await collect(session, conversation))[-1]
    assert isinstance(ended, TurnEnded) and ended.saved
    reply = reply_on_disk(data_dir, conversation)
    assert reply is not None and reply["status"] == "failed"
    assert reply["error"]["kind"] == "overloaded"
    assert saved_text(reply) == "Half of it"
    assert conversation.can_retry
    retried = (await collect(session, conversation))[-1]  # no accept: a retry
    assert isinstance(retried, TurnEnded)
    assert retried.turn.message.status is TurnStatus.COMPLETE
    saved = on_disk(data_dir, conversation)
    assert saved is not None
    assert [m.get("status") for m in saved["messages"]] == [None, "failed", "complete"]
    assert not session.busy


class BrokenClient(ClaudeClient):
    """A client whose stream breaks, as a bug of ours would, after the first text."""

    async def send(self, request: dict[str, Any]) -> AsyncGenerator[StreamEvent, None]:
        events = super().send(request)
        assert isinstance(events, AsyncGenerator)
        async with contextlib.aclosing(events):
            async for event in events:
                yield event
                if isinstance(event, TextDelta):
                    raise ValueError("a bug")


async def test_an_unexpected_error_fails_the_turn_and_keeps_the_text(
    fake_api: FakeAnthropic,
    settings: Settings,
    keeper: ConversationKeeper,
    conversation: Conversation,
    data_dir: Path,
) -> None:
    fake_api.enqueue(Reply.text("First words, then more.", chunk_size=6))
    client = BrokenClient(settings)
    session = ChatSession(client, keeper)
    session.accept(conversation, "Tell me")
    try:
        ended = (await collect(session, conversation))[-1]
    finally:
        await client.close()
    assert isinstance(ended, TurnEnded) and ended.saved
    reply = reply_on_disk(data_dir, conversation)
    assert reply is not None and reply["status"] == "failed"
    assert (reply["error"]["kind"], reply["error"]["detail"]) == ("unexpected", "ValueError: a bug")
    assert saved_text(reply) == "First "


async def test_a_message_that_cannot_be_saved_is_not_sent(
    fake_api: FakeAnthropic,
    session: ChatSession,
    keeper: ConversationKeeper,
    conversation: Conversation,
    data_dir: Path,
) -> None:
    data_dir.mkdir()
    (data_dir / "conversations").write_text("")  # a file where the folder must be (even root)
    message = session.accept(conversation, "Keep me")
    updates = await collect(session, conversation)
    assert len(updates) == 1 and isinstance(updates[0], NotSent)
    assert "Could not save" in str(updates[0].error)
    assert fake_api.requests == []
    assert conversation.messages == [message]  # in memory still
    assert not session.busy
    assert keeper.unsaved == [conversation]  # unpinned: caught up when the disk allows


async def test_retrying_passes_through_unapplied(
    fake_api: FakeAnthropic,
    settings: Settings,
    keeper: ConversationKeeper,
    conversation: Conversation,
) -> None:
    fake_api.enqueue(Reply.error(529, retry_after=0), Reply.text("Done."))
    client = ClaudeClient(replace(settings, max_retries=1))
    session = ChatSession(client, keeper)
    session.accept(conversation, "Hello")
    try:
        updates = await collect(session, conversation)
    finally:
        await client.close()
    retrying = [update for update in updates if isinstance(update, Retrying)]
    assert len(retrying) == 1 and retrying[0].attempt == 2
    ended = updates[-1]
    assert isinstance(ended, TurnEnded)
    assert ended.turn.message.status is TurnStatus.COMPLETE
    assert ended.turn.message.text == "Done."
    assert len(fake_api.requests) == 2


async def test_on_merged_is_called_when_another_copy_saved_meanwhile(
    fake_api: FakeAnthropic,
    client: ClaudeClient,
    keeper: ConversationKeeper,
    conversation: Conversation,
    data_dir: Path,
    gate: Gate,
) -> None:
    merged: list[Conversation] = []
    session = ChatSession(client, keeper, on_merged=merged.append)
    task = await held(session, conversation, gate, fake_api, [])
    await until(
        lambda: saved_text(reply_on_disk(data_dir, conversation)) == "So far ", "a checkpoint"
    )
    other = ConversationKeeper(ConversationStore(data_dir))  # another copy of claude-tui
    theirs = await other.load(conversation.id)
    theirs.append(Message.user("Asked elsewhere"))
    theirs.append(Message(role="assistant", content=[TextBlock("Answered elsewhere")]))
    await other.save(theirs)
    assert merged == []
    gate.release()
    await task
    assert merged and all(c is conversation for c in merged)
    saved = on_disk(data_dir, conversation)
    assert saved is not None
    assert [saved_text(m) for m in saved["messages"]] == [
        "Tell me",
        "So far and the rest.",
        "Asked elsewhere",
        "Answered elsewhere",
    ]


async def test_stop_when_idle_or_before_the_turn_began_only_lets_go(
    fake_api: FakeAnthropic,
    session: ChatSession,
    keeper: ConversationKeeper,
    conversation: Conversation,
    data_dir: Path,
) -> None:
    await session.stop()  # idle: nothing happens
    message = session.accept(conversation, "Never sent")
    with pytest.raises(RuntimeError, match="one at a time"):
        session.accept(conversation, "A second one")
    await session.stop()
    assert not session.busy
    assert conversation.messages == [message]
    assert keeper.unsaved == [conversation]
    assert fake_api.requests == []
    assert on_disk(data_dir, conversation) is None


class TurnApp(App[None]):
    """The smallest app that runs a turn in a worker, as the real one does."""

    def __init__(self, session: ChatSession, conversation: Conversation) -> None:
        super().__init__()
        self.session = session
        self.conversation = conversation

    @work(group="turn", exit_on_error=False)
    async def converse(self) -> None:
        async with contextlib.aclosing(self.session.run_turn(self.conversation)) as updates:
            async for _update in updates:
                pass


@pytest.mark.parametrize("how", ["worker.cancel", "session.stop"])
async def test_in_a_textual_worker_a_cancel_or_a_stop_saves_the_reply_as_stopped(
    fake_api: FakeAnthropic,
    session: ChatSession,
    conversation: Conversation,
    data_dir: Path,
    gate: Gate,
    how: str,
) -> None:
    fake_api.enqueue(Reply.text("So far and the rest.", chunk_size=3, gate=gate))
    app = TurnApp(session, conversation)
    async with app.run_test():
        session.accept(conversation, "Tell me")
        worker: Worker[None] = app.converse()
        await gate.wait_held_async(timeout=15)
        await until(lambda: conversation.messages[-1].text == "So far ", "the text to arrive")
        if how == "worker.cancel":
            worker.cancel()
            await until(lambda: worker.is_finished, "the worker to end")
        else:
            await session.stop()
        reply = reply_on_disk(data_dir, conversation)
        assert reply is not None and reply["status"] == "stopped"
        assert saved_text(reply) == "So far "
        await until(lambda: worker.is_finished, "the worker to end")
        assert worker.state is WorkerState.CANCELLED
        assert not session.busy
        assert app.is_running
