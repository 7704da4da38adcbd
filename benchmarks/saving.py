"""Figure 5: saving one more turn in a conversation of 2,000 messages.

What the app does: ``await ConversationKeeper.save(conversation)`` (``core/keeper.py``):
a snapshot taken on the event loop, then the JSON encoding and the atomic write (with
fsync) in a thread. Each run opens the conversation as the app does (a new keeper's
``load``, which reads the file in a thread), adds a turn (a question and a Markdown
reply) and saves, three times, on an asyncio loop in this process. Measured, for the
first save after opening and for the next one:

- the event-loop part: the CPU time of the event loop's thread during the save (whatever
  the keeper does there; the thread's work is not counted);
- the total: from the call to the file on disk;

and during a third save, the longest the event loop went without running (a coroutine
that sleeps 1 ms at a time notes the gaps): work in the thread holds the GIL.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks.data import MODEL, ConversationFactory, long_conversation
from benchmarks.report import Row, median, ms, progress, row
from benchmarks.sandbox import Context
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.store.keeper import ConversationKeeper

TARGET = 0.020


async def _ticker(gaps: list[float], stop: asyncio.Event) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


async def _save(
    keeper: ConversationKeeper, conversation: Conversation, *, watch_loop: bool = False
) -> tuple[float, float, float]:
    """(CPU time of the event-loop thread during the save, wall time of the save, longest
    event-loop stall); the stall only with ``watch_loop`` (the ticker costs loop time)."""
    gaps: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.create_task(_ticker(gaps, stop)) if watch_loop else None
    await asyncio.sleep(0.01)
    gaps.clear()
    cpu, started = time.thread_time(), time.perf_counter()
    await keeper.save(conversation)
    cpu, total = time.thread_time() - cpu, time.perf_counter() - started
    stop.set()
    if ticker is not None:
        await ticker
    return cpu, total, max(gaps, default=0.0)


async def _measure(ctx: Context, runs: int) -> dict[str, list[float]]:
    from claude_tui.store.conversations import ConversationStore

    data_dir = ctx.sandbox.folder("saving")
    conversation_id = long_conversation(data_dir, 2000).id
    store = ConversationStore(data_dir)
    factory = ConversationFactory(seed=53)

    def add_turn(conversation: Conversation) -> None:
        conversation.append(Message.user(factory.random.choice(factory.questions)))
        conversation.append(
            Message(
                role="assistant",
                status=TurnStatus.COMPLETE,
                model=MODEL,
                content=[TextBlock(factory.random.choice(factory.replies))],
                usage=Usage(input_tokens=90_000, output_tokens=300),
                stop_reason="end_turn",
            )
        )

    names = ("first_loop", "first_total", "next_loop", "next_total", "stall")
    figures: dict[str, list[float]] = {name: [] for name in names}
    for run_number in range(runs + 1):  # the first is a warm-up
        # As in the app: the conversation is opened through the keeper (read from its file
        # in a thread), a turn added.
        keeper = ConversationKeeper(store)
        conversation = await keeper.load(conversation_id)
        add_turn(conversation)
        first_loop, first_total, _ = await _save(keeper, conversation)
        add_turn(conversation)
        next_loop, next_total, _ = await _save(keeper, conversation)
        add_turn(conversation)
        _, _, stall = await _save(keeper, conversation, watch_loop=True)
        if run_number:
            for name, value in zip(
                names, (first_loop, first_total, next_loop, next_total, stall), strict=True
            ):
                figures[name].append(value)
    return figures


def run(ctx: Context) -> list[Row]:
    runs = max(ctx.runs, 5)
    progress(f"5 saving: {runs} runs of 3 saves of a 2,000-message conversation")
    figures = asyncio.run(_measure(ctx, runs))

    def middle(name: str) -> float:
        return median(figures[name])

    def under(value: float) -> bool:
        return value < TARGET

    targeted = [
        ("first save after opening: event loop", "first_loop"),
        ("first save after opening: total", "first_total"),
        ("next saves: event loop", "next_loop"),
        ("next saves: total", "next_total"),
    ]
    rows = [
        row("5", f"Save a turn, 2,000 messages, {what}", middle(name), ms, "< 20 ms", under, runs)
        for what, name in targeted
    ]
    stall = "Save a turn: longest event-loop stall during a save"
    return [*rows, row("5", stall, middle("stall"), ms, runs=runs)]
