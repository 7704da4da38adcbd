"""Figure 2: a long Markdown reply streamed at a steady rate.

For each reply size the app runs in a pseudo-terminal against the fake API, which sends
the reply in chunks of ``CHUNK`` characters every ``DELAY`` seconds. The last chunk is
a paragraph of its own ending with a marker; the server is held just before it (a
``Gate``) and let go at once, so the time it was sent is known. Measured:

- the delay from the last chunk sent to the marker drawn on the terminal;
- the app's CPU time (user + system, every thread, from /proc) from Enter to that
  moment, per KB of reply: at two sizes, so one can see it stays flat (linear work)
  rather than growing with the size (work per chunk proportional to the text so far);
- that nothing was lost: the saved reply equals the text sent, in every run; and once
  per size, in a headless run, that the Markdown widget holds exactly that text.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from dataclasses import replace
from pathlib import Path

from tests.fake_api import Gate, Reply

from benchmarks.data import streamed_reply
from benchmarks.report import Row, median, ms, progress, row
from benchmarks.sandbox import DUMMY_KEY, FIRST_PAINT, Context
from benchmarks.terminal import Terminal, TerminalError

CHUNK = 64  # characters per delta event
DELAY = 0.016  # seconds between delta events: 4 KB/s, 62 events/s (a fast model: 1-2 KB/s)
END_MARKER = "zqstreamendqz"
LAST_PARAGRAPH = f"\n\nThat is all: {END_MARKER}."
WARM_MARKER = "zqwarmqz"
TIMEOUT = 600.0  # seconds to wait for the last chunk on screen
SATURATED = 0.9  # CPU use (of one core) above which the app is not keeping up


class _Release:
    """Lets the held reply go as soon as the server holds it; remembers when."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.at: float | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.gate.wait_held(timeout=600)
        except TimeoutError:
            return
        self.at = time.perf_counter()
        self.gate.release()


def _saved_reply(data_dir: Path, timeout: float = 30.0) -> str | None:
    """The text of the finished reply in the saved conversation (None if never saved)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for path in (data_dir / "conversations").glob("*.json"):
            try:
                messages = json.loads(path.read_text())["messages"]
            except (OSError, ValueError, KeyError):
                continue
            last = messages[-1] if messages else {}
            if len(messages) == 4 and last.get("status") == "complete":
                return "\n\n".join(b["text"] for b in last["content"] if b["type"] == "text")
        time.sleep(0.05)
    return None


def _one_stream(
    ctx: Context, text: str, run: int, thinking: str = ""
) -> tuple[float, float, float, bool]:
    """(seconds from the last chunk sent to it drawn, or inf if never; CPU seconds and
    wall seconds from Enter to then; whether the saved text is exact). With ``thinking``,
    the reply streams that thinking first (the app asks for it shown, summarized)."""
    data_dir = ctx.sandbox.folder(f"stream-{len(text)}-{len(thinking)}-{run}")
    terminal: Terminal = ctx.launch(data_dir)
    try:
        terminal.wait_for(*FIRST_PAINT, timeout=60)
        # A first short turn: the SDK is imported, the client built, the connection made.
        ctx.fake.enqueue(Reply.text(f"Ready: {WARM_MARKER}.", chunk_size=CHUNK))
        since = terminal.mark()
        terminal.send("hi", "enter")
        terminal.wait_for(WARM_MARKER, since=since, timeout=60)
        terminal.wait_idle()

        gate = Gate(after=text[: -len(LAST_PARAGRAPH)])
        blocks = [{"type": "thinking", "thinking": thinking}] if thinking else []
        blocks.append({"type": "text", "text": text})
        ctx.fake.enqueue(Reply.blocks(blocks, chunk_size=CHUNK, delay=DELAY, gate=gate))
        release = _Release(gate)
        cpu_before = terminal.cpu_seconds()
        since = terminal.mark()
        entered = terminal.send("go", "enter")
        try:
            drawn = terminal.wait_for(END_MARKER, since=since, timeout=TIMEOUT)
        except TerminalError:
            if terminal.process.poll() is not None:
                raise  # the app ended: its last screen is in the message
            drawn = math.inf
        cpu = terminal.cpu_seconds() - cpu_before
        wall = (time.perf_counter() if math.isinf(drawn) else drawn) - entered
        assert release.at is not None, "the server never reached the gate"
        # After the release the server waits DELAY, as between any two chunks, then sends.
        latency = drawn - (release.at + DELAY)
        exact = not math.isinf(drawn) and _saved_reply(data_dir) == text
        if thinking and exact:
            exact = _saved_thinking(data_dir) == thinking
    finally:
        terminal.close()
    return latency, cpu, wall, exact


def _saved_thinking(data_dir: Path) -> str | None:
    """The thinking of the last saved reply."""
    for path in (data_dir / "conversations").glob("*.json"):
        for block in json.loads(path.read_text())["messages"][-1]["content"]:
            if block.get("type") == "thinking":
                return str(block["thinking"])
    return None


async def _widget_text(ctx: Context, text: str) -> tuple[str, str]:
    """Headless: the reply's text as the Markdown widget holds it, and as saved."""
    from claude_tui.config import Settings
    from claude_tui.domain.message import TurnStatus
    from claude_tui.tui.app import ClaudeTUI
    from claude_tui.tui.widgets.message_log import TextBlockView

    data_dir = ctx.sandbox.folder(f"stream-widget-{len(text)}")
    settings = Settings(api_key=DUMMY_KEY, base_url=ctx.fake.url, data_dir=data_dir, max_retries=0)
    app = ClaudeTUI(settings)
    ctx.fake.enqueue(Reply.text(text, chunk_size=CHUNK, delay=DELAY))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "o", "enter")
        deadline = time.perf_counter() + TIMEOUT
        while not (
            len(app.chat.conversation.messages) == 2
            and not app.chat.session.busy
            and app.chat.conversation.messages[-1].status is not TurnStatus.STREAMING
        ):
            if time.perf_counter() > deadline:
                raise TimeoutError("the headless reply did not finish")
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = "".join(view.source for view in app.query(TextBlockView))
        path = data_dir / "conversations" / f"{app.chat.conversation.id}.json"
        saved = json.loads(path.read_text())["messages"][-1]["content"][0]["text"]
    return shown, saved


def run(ctx: Context) -> list[Row]:
    sizes = (10_000, 20_000) if ctx.quick else (25_000, 50_000)
    texts = {size: streamed_reply(size - len(LAST_PARAGRAPH)) + LAST_PARAGRAPH for size in sizes}
    latencies: dict[int, list[float]] = {size: [] for size in sizes}
    cpu_per_kb: dict[int, list[float]] = {size: [] for size in sizes}
    busy: dict[int, list[float]] = {size: [] for size in sizes}
    exact: dict[int, list[bool]] = {size: [] for size in sizes}
    for run_number in range(ctx.runs):
        order = sizes if run_number % 2 == 0 else tuple(reversed(sizes))
        for size in order:
            text = texts[size]
            progress(
                f"2 streaming: {len(text) / 1000:.0f} KB reply, run {run_number + 1}/{ctx.runs}"
            )
            latency, cpu, wall, same = _one_stream(ctx, text, run_number)
            latencies[size].append(latency)
            cpu_per_kb[size].append(cpu / (len(text.encode()) / 1000))
            busy[size].append(cpu / wall)
            exact[size].append(same)
    widget_exact: dict[int, bool] = {}
    for size in sizes:
        progress(f"2 streaming: {len(texts[size]) / 1000:.0f} KB reply, headless, widget text")
        try:
            shown, saved = asyncio.run(_widget_text(ctx, texts[size]))
        except TimeoutError:
            continue
        widget_exact[size] = shown == texts[size] and saved == texts[size]

    rows: list[Row] = []
    for size in sizes:
        kb = f"{len(texts[size].encode()) / 1000:.0f} KB"
        rows.append(
            row(
                "2",
                f"Streaming {kb}: last chunk sent → drawn",
                median(latencies[size]),
                ms,
                "< 100 ms",
                lambda v: v < 0.1,
                ctx.runs,
            )
        )
    for size in sizes:
        kb = f"{len(texts[size].encode()) / 1000:.0f} KB"
        rows.append(
            row("2", f"Streaming {kb}: app CPU per KB", median(cpu_per_kb[size]), ms, runs=ctx.runs)
        )
    for size in sizes:
        kb = f"{len(texts[size].encode()) / 1000:.0f} KB"
        rows.append(
            row(
                "2",
                f"Streaming {kb}: app CPU use, Enter → drawn (100% = a core)",
                median(busy[size]),
                lambda v: f"{v:.0%}",
                runs=ctx.runs,
            )
        )
    small, large = sizes
    ratio = median(cpu_per_kb[large]) / median(cpu_per_kb[small])
    ratio_row = row(
        "2",
        "Streaming: CPU per KB, larger ÷ smaller reply",
        ratio,
        lambda v: f"{v:.2f}x",
        "≤ 1.3x (flat)",
        lambda v: v <= 1.3,
        ctx.runs,
    )
    if max(median(busy[size]) for size in sizes) >= SATURATED:
        # The app could not keep up: it worked all the time the reply took, so its CPU
        # time follows the stream's duration (the rate), whatever its work per chunk.
        ratio_row = replace(ratio_row, met=None, unclear="app saturated")
    rows.append(ratio_row)
    rows.extend(_thinking_rows(ctx, texts[small], exact))
    all_saved = sum(sum(runs) for runs in exact.values())
    total = sum(len(runs) for runs in exact.values())
    widgets = sum(widget_exact.values())
    lost = all_saved < total or widgets < len(widget_exact)
    unchecked = len(sizes) - len(widget_exact)
    rows.append(
        Row(
            "2",
            "Streaming: text lost (saved file / Markdown widget)",
            f"saved exact {all_saved}/{total}, widget exact {widgets}/{len(sizes)}"
            + (f" ({unchecked} timed out)" if unchecked else ""),
            "none lost",
            not lost,
            ctx.runs,
        )
    )
    return rows


THINKING = 10_000  # characters of thinking before the reply's text


def _thinking_rows(ctx: Context, text: str, exact: dict[int, list[bool]]) -> list[Row]:
    """The smaller reply again, with thinking streamed (and shown) before it."""
    thinking = streamed_reply(THINKING)
    latencies, cpu_per_kb = [], []
    exact[-1] = []
    for run_number in range(ctx.runs):
        progress(f"2 streaming: with {THINKING // 1000} KB thinking, run {run_number + 1}")
        latency, cpu, _wall, same = _one_stream(ctx, text, run_number, thinking)
        latencies.append(latency)
        cpu_per_kb.append(cpu / ((len(text.encode()) + len(thinking.encode())) / 1000))
        exact[-1].append(same)
    kb = f"{len(text.encode()) / 1000:.0f} KB + {THINKING // 1000} KB thinking"
    return [
        row(
            "2",
            f"Streaming {kb}: last chunk sent → drawn",
            median(latencies),
            ms,
            "< 100 ms",
            lambda v: v < 0.1,
            ctx.runs,
        ),
        row("2", f"Streaming {kb}: app CPU per KB", median(cpu_per_kb), ms, runs=ctx.runs),
    ]
