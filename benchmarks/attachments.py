"""Figure 7: opening a conversation with 20 image attachments, against the same conversation
without them.

Attachments are read only when they are sent or opened: a conversation names its files by
digest, so opening one with 20 images should take no longer than opening one without.

The data: two data folders, alike but for the files. In each, a newest conversation
(opened at start) and, second in the sidebar, a conversation of 40 messages whose 20
questions each carry a real PNG image (in the first folder; 1024 by 768 pixels of noise, so
about 2.3 MB each, kept in ``attachments/`` as the app keeps them) or carry none (in the
second); the texts are the same, from one seeded generator. Each run launches the app on
both folders in turn (ABBA order across runs), presses Alt+Down and reads the terminal
until the conversation's newest message is drawn, then types four letters until they are
drawn. The sizes of the two conversation files are shown too (the images are not in them).
"""

from __future__ import annotations

import os
import random
from datetime import timedelta
from pathlib import Path

from PIL import Image

from benchmarks.data import NOW, ConversationFactory, marker, write
from benchmarks.report import Row, median, ms, progress, row
from benchmarks.sandbox import Context
from benchmarks.switching import open_next
from claude_tui.domain.attachments import AttachmentBlock
from claude_tui.store.attachments import AttachmentStore
from claude_tui.store.conversations import ConversationStore

IMAGES = 20
MESSAGES = 2 * IMAGES
IMAGE_SIZE = (1024, 768)
OPENED_END = "zqfilesendqz"


def _images(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` different PNG images of noise (they do not compress: screenshot-sized)."""
    rng = random.Random(seed)
    width, height = IMAGE_SIZE
    paths = []
    for number in range(count):
        path = folder / f"screenshot-{number + 1:02d}.png"
        noise = rng.randbytes(width * height * 3)
        Image.frombytes("RGB", IMAGE_SIZE, noise).save(path, format="PNG", compress_level=1)
        paths.append(path)
    return paths


def conversations_with_and_without(root: Path, *, seed: int = 53) -> tuple[Path, Path]:
    """The two data folders (with the images, without), each holding a newest
    conversation and the one to open; the same texts in both."""
    images = _images(root, IMAGES)
    folders = (root / "with", root / "without")
    for folder, attached in zip(folders, (images, []), strict=True):
        store = ConversationStore(folder)
        store.ensure()
        factory = ConversationFactory(seed, pool=60)
        opened = factory.conversation(
            MESSAGES, NOW - timedelta(hours=2), last_words=f"The end: {OPENED_END}."
        )
        kept = AttachmentStore(folder)
        questions = [message for message in opened.messages if message.role == "user"]
        for message, image in zip(questions, attached, strict=False):
            message.content.insert(0, AttachmentBlock(kept.add(image)))
        write(store, opened)
        newest = factory.conversation(4, NOW, last_words=f"Marker: {marker(0)}.")
        write(store, newest)
    for image in images:
        image.unlink()
    os.sync()
    return folders


def _measure(ctx: Context, folder: Path) -> dict[str, float]:
    terminal = ctx.launch_ready(folder, marker(0))
    try:
        return open_next(terminal, OPENED_END)
    finally:
        terminal.close()


def _file_kb(folder: Path) -> float:
    """The size of the larger conversation file of ``folder`` (the one opened)."""
    files = (folder / "conversations").glob("*.json")
    return max(path.stat().st_size for path in files) / 1024


def run(ctx: Context) -> list[Row]:
    progress(f"7 attachments: writing two conversations, one with {IMAGES} images")
    root = ctx.sandbox.folder("attachments")
    with_files, without = conversations_with_and_without(root)
    results: dict[Path, list[dict[str, float]]] = {with_files: [], without: []}
    progress("7 attachments: warming up")
    for folder in (with_files, without):
        _measure(ctx, folder)
    for run_number in range(ctx.runs):
        progress(f"7 attachments: run {run_number + 1}/{ctx.runs}")
        order = [with_files, without] if run_number % 2 == 0 else [without, with_files]
        for folder in order:
            results[folder].append(_measure(ctx, folder))

    def middle(folder: Path, name: str) -> float:
        return median([result[name] for result in results[folder]])

    ratio = middle(with_files, "ready") / middle(without, "ready")
    runs = ctx.runs
    return [
        row("7", f"Open a conversation with {IMAGES} images: drawn", middle(with_files, "drawn"),
            ms, runs=runs),
        row("7", "Open the same without images: drawn", middle(without, "drawn"), ms, runs=runs),
        row("7", f"Open with {IMAGES} images: drawn and typing shown",
            middle(with_files, "ready"), ms, runs=runs),
        row("7", "Open without images: drawn and typing shown", middle(without, "ready"), ms,
            runs=runs),
        row("7", "Open with images ÷ without (drawn and typing shown)", ratio,
            lambda v: f"{v:.2f}x", "≤ 1.2x (no slower)", lambda v: v <= 1.2, runs),
        row("7", f"Conversation file with {IMAGES} images (they are not in it)",
            _file_kb(with_files), lambda v: f"{v:,.1f} KB", runs=1),
        row("7", "Conversation file without images", _file_kb(without),
            lambda v: f"{v:,.1f} KB", runs=1),
    ]  # fmt: skip
