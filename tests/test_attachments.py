"""Attachments at the core (domain/attachments.py, store/attachments.py, the request and the
session): which files are taken and why others are refused, each file kept once by digest,
and what the request carries, through the real SDK to the fake API."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from claude_tui.api.client import ClaudeClient
from claude_tui.config import Settings
from claude_tui.domain.attachments import PDF_PAGE_LIMIT, Attachment, AttachmentBlock
from claude_tui.domain.blocks import OtherBlock
from claude_tui.domain.catalog import ModelInfo
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.sending import files_refusal
from claude_tui.session import ChatSession, TurnEnded
from claude_tui.store.attachments import AttachmentError, AttachmentStore, inspect, user_path
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.keeper import ConversationKeeper
from tests import files
from tests.fake_api import FakeAnthropic
from tests.fake_models import without_input


@pytest.fixture
async def session(settings: Settings, data_dir: Path) -> AsyncIterator[ChatSession]:
    client = ClaudeClient(replace(settings, request_timeout=60))
    yield ChatSession(client, ConversationKeeper(ConversationStore(data_dir)))
    await client.close()


@pytest.fixture
def store(data_dir: Path) -> AttachmentStore:
    return AttachmentStore(data_dir)


async def turn(session: ChatSession, conversation: Conversation) -> TurnEnded:
    ended = None
    async with contextlib.aclosing(session.run_turn(conversation)) as updates:
        async for update in updates:
            if isinstance(update, TurnEnded):
                ended = update
    assert ended is not None
    return ended


def user_blocks(fake_api: FakeAnthropic, request: int = -1) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = fake_api.requests[request].body["messages"][-1]["content"]
    return blocks


def kept_files(data_dir: Path) -> list[str]:
    return sorted(os.listdir(data_dir / "attachments"))


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# What is taken, and why the rest is refused


def test_an_image_a_pdf_and_a_text_file_are_taken_each_as_its_kind(
    tmp_path: Path, store: AttachmentStore
) -> None:
    png = store.add(files.image(tmp_path / "shot.png", 1000, 500))
    jpeg = store.add(files.image(tmp_path / "photo.jpg", 3136, 3136, "JPEG"))
    pdf = store.add(files.pdf(tmp_path / "paper.pdf", pages=3))
    log = store.add(files.text(tmp_path / "app.log", "x" * 4000))
    assert (png.kind, png.media_type, png.tokens) == ("image", "image/png", 667)
    assert (jpeg.media_type, jpeg.tokens) == ("image/jpeg", 3278)  # scaled to 1568 a side
    assert (pdf.kind, pdf.pages, pdf.kind_words) == ("pdf", 3, "PDF, 3 pages")
    assert (log.kind, log.media_type, log.tokens) == ("text", "text/plain", 1000)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: files.image(p / "a.bmp", kind="BMP"), "a.bmp is a BMP image; Claude reads"),
        (lambda p: written(p / "a.bin", bytes(range(256))), "a.bin is neither an image"),
        (lambda p: written(p / "e.txt", b""), "e.txt is empty"),
        (lambda p: written(p / "x.pdf", b"%PDF-1.7 not really"), "x.pdf looks like a PDF but"),
        (lambda p: p, "is a folder"),
        (lambda p: p / "nowhere.png", "There is no file"),
    ],
)
def test_a_file_that_cannot_be_sent_is_refused_with_the_reason_and_nothing_is_kept(
    tmp_path: Path, store: AttachmentStore, make: Any, said: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(AttachmentError, match=said):
        store.add(path)
    assert not store.folder.exists()


def test_a_fifo_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, store: AttachmentStore
) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(AttachmentError, match="not a regular file but a FIFO"):
        store.add(tmp_path / "pipe")


def test_a_file_too_large_for_any_request_is_refused_before_it_is_read(
    tmp_path: Path, store: AttachmentStore
) -> None:
    big = tmp_path / "huge.pdf"
    with big.open("wb") as file:
        file.truncate(25 * 1024 * 1024)  # sparse: nothing is written
    with pytest.raises(AttachmentError, match=r"huge.pdf is 25.0 MB; a request holds at most"):
        store.add(big)


def test_the_same_file_attached_twice_is_kept_once_by_its_digest(
    tmp_path: Path, store: AttachmentStore, data_dir: Path
) -> None:
    first = store.add(files.image(tmp_path / "a.png"))
    (tmp_path / "copy.png").write_bytes((tmp_path / "a.png").read_bytes())
    second = store.add(tmp_path / "copy.png")
    assert first.digest == second.digest and second.name == "copy.png"
    assert kept_files(data_dir) == [f"{first.digest}.png"]
    assert store.read(first) == (tmp_path / "a.png").read_bytes()


def test_a_file_attached_again_counts_as_new_for_a_prune(
    tmp_path: Path, store: AttachmentStore
) -> None:
    png = store.add(files.image(tmp_path / "a.png"))
    os.utime(store.path_of(png), (time.time() - 3 * 86400,) * 2)  # kept days ago
    store.add(tmp_path / "a.png")  # attached again, not sent yet
    assert store.prune(set(), keep_newer_than=time.time() - 86400) == []
    assert store.has(png)


def test_files_nothing_names_are_pruned_and_named_or_recent_ones_stay(
    tmp_path: Path, store: AttachmentStore, data_dir: Path
) -> None:
    kept = store.add(files.image(tmp_path / "a.png"))
    gone = store.add(files.text(tmp_path / "b.txt"))
    (store.folder / "notes-of-mine.txt").write_text("not ours")
    assert store.prune({kept.digest}, keep_newer_than=time.time() - 600) == []  # too recent
    assert store.prune({kept.digest}) == [store.path_of(gone)]
    assert kept_files(data_dir) == sorted([kept.file_name, "notes-of-mine.txt"])


# In a message, on disk


def test_a_message_keeps_its_files_by_digest_and_an_unreadable_entry_verbatim(
    tmp_path: Path, store: AttachmentStore
) -> None:
    png = store.add(files.image(tmp_path / "a.png"))
    message = Message.user("What is this?", [png])
    again = Message.from_dict(json.loads(json.dumps(message.to_dict())))
    assert again.attachments == [png] and again.text == "What is this?"
    odd = {"type": "attachment", "digest": "not a digest", "name": "x"}
    kept = Message.from_dict({**message.to_dict(), "content": [odd]})
    assert kept.content == [OtherBlock(odd)] and kept.to_dict()["content"] == [odd]
    assert isinstance(Message.user("", [png]).content[0], AttachmentBlock)


# Checked before sending


def test_a_pdf_for_a_model_without_pdf_input_is_refused_before_anything_is_sent(
    tmp_path: Path, store: AttachmentStore
) -> None:
    pdf = store.add(files.pdf(tmp_path / "paper.pdf"))
    conversation = Conversation(model="claude-haiku-4-5", max_tokens=1000)
    haiku = ModelInfo("claude-haiku-4-5", "Claude Haiku 4.5", pdf_input=False)
    assert files_refusal(conversation, "read it", [pdf], haiku) == (
        "Claude Haiku 4.5 does not read PDFs, so paper.pdf cannot be sent to it."
    )
    blind = ModelInfo("m", "Blind", image_input=False)
    image = store.add(files.image(tmp_path / "a.png"))
    assert "Blind does not read images, so a.png" in str(
        files_refusal(conversation, "", [image], blind)
    )
    assert files_refusal(conversation, "read it", [pdf], None) is None  # not known: try
    conversation.append(Message.user("read it", [pdf]))  # sent while another model was on
    assert files_refusal(conversation, "and this?", [image], haiku) == (
        "Claude Haiku 4.5 does not read PDFs, and paper.pdf, attached earlier in this "
        "conversation, goes with every message. Choose a model that reads them (Alt+P), or "
        "start a new conversation."
    )


def test_too_many_pdf_pages_or_bytes_in_one_request_are_refused_in_words() -> None:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1000)
    digest = "0" * 64
    pages = Attachment(digest, "long.pdf", "application/pdf", 1000, 1, pages=PDF_PAGE_LIMIT)
    conversation.append(Message.user("first", [pages]))
    more = replace(pages, digest="1" * 64, name="more.pdf", pages=1)
    assert f"come to {PDF_PAGE_LIMIT + 1} pages" in str(
        files_refusal(conversation, "", [more], None)
    )
    large = Attachment("2" * 64, "big.png", "image/png", 20 * 1024 * 1024, 1)
    also = replace(large, digest="3" * 64)
    assert "would be 53.3 MB with its files" in str(
        files_refusal(conversation, "", [large, also], None)
    )
    assert files_refusal(conversation, "", [large], None) is None


# Sent


async def test_a_message_with_an_image_sends_the_image_block_and_the_file_stays_out_of_the_json(
    tmp_path: Path,
    session: ChatSession,
    store: AttachmentStore,
    fake_api: FakeAnthropic,
    data_dir: Path,
) -> None:
    png = store.add(files.image(tmp_path / "shot.png"))
    log = store.add(files.text(tmp_path / "app.log", "ERROR caf\xe9 failed\n"))
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1000)
    session.accept(conversation, "What failed?", [png, log])
    ended = await turn(session, conversation)
    assert ended.turn.message.status is TurnStatus.COMPLETE
    image, document, text = user_blocks(fake_api)
    assert image == {
        "type": "image",
        "source": {
            "type": "base64",
            "media_type": "image/png",
            "data": base64.b64encode((tmp_path / "shot.png").read_bytes()).decode(),
        },
    }
    assert document == {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "ERROR caf\xe9 failed\n"},
        "title": "app.log",
        "citations": {"enabled": True},
    }
    assert text == {"type": "text", "text": "What failed?"}
    saved = (data_dir / "conversations" / f"{conversation.id}.json").read_text()
    assert png.digest in saved and "base64" not in saved and len(saved) < 4000


async def test_a_missing_file_is_said_in_words_and_the_conversation_still_goes_on(
    tmp_path: Path, session: ChatSession, store: AttachmentStore, fake_api: FakeAnthropic
) -> None:
    png = store.add(files.image(tmp_path / "shot.png"))
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1000)
    session.accept(conversation, "Look", [png])
    await turn(session, conversation)
    store.path_of(png).unlink()
    session.accept(conversation, "And now?")
    ended = await turn(session, conversation)
    assert ended.turn.message.status is TurnStatus.COMPLETE
    first = fake_api.requests[-1].body["messages"][0]["content"]
    assert first == [
        {"type": "text", "text": "(attachment missing: shot.png)"},
        {"type": "text", "text": "Look"},
    ]


async def test_the_fake_api_refuses_a_pdf_for_a_model_without_pdf_input(
    tmp_path: Path, session: ChatSession, store: AttachmentStore, fake_api: FakeAnthropic
) -> None:
    fake_api.models = without_input("claude-haiku-4-5", pdf_input=False)
    pdf = store.add(files.pdf(tmp_path / "paper.pdf"))
    conversation = Conversation(model="claude-haiku-4-5", max_tokens=1000)
    session.accept(conversation, "Summarise", [pdf])
    ended = await turn(session, conversation)
    assert ended.turn.message.status is TurnStatus.FAILED
    assert ended.turn.message.error is not None
    assert "does not support PDF input" in ended.turn.message.error.detail


async def test_a_20_mb_pdf_is_kept_once_sent_as_base64_and_the_conversation_stays_small(
    tmp_path: Path,
    session: ChatSession,
    store: AttachmentStore,
    fake_api: FakeAnthropic,
    data_dir: Path,
) -> None:
    source = files.pdf(tmp_path / "big.pdf", pages=4, padding=20 * 1024 * 1024)
    pdf = store.add(source)
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1000)
    session.accept(conversation, "Summarise it", [pdf])
    await turn(session, conversation)
    session.accept(conversation, "And page 2?")
    ended = await turn(session, conversation)
    assert ended.turn.message.status is TurnStatus.COMPLETE
    sent = fake_api.requests[-1].body["messages"][0]["content"][0]
    assert sent["type"] == "document" and sent["title"] == "big.pdf"
    assert base64.b64decode(sent["source"]["data"]) == source.read_bytes()
    assert kept_files(data_dir) == [pdf.file_name]
    assert (store.path_of(pdf)).stat().st_size == source.stat().st_size
    saved = data_dir / "conversations" / f"{conversation.id}.json"
    assert saved.stat().st_size < 8000


def test_a_conversation_begun_with_files_alone_is_titled_by_their_names(
    tmp_path: Path, store: AttachmentStore
) -> None:
    png = store.add(files.image(tmp_path / "shot.png"))
    pdf = store.add(files.pdf(tmp_path / "paper.pdf"))
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1000)
    conversation.append(Message.user("", [png, pdf]))
    assert conversation.title == "shot.png, paper.pdf"
    titled = Conversation(model="claude-sonnet-5-5", max_tokens=1000)
    titled.append(Message.user("What is in it?", [png]))
    assert titled.title == "What is in it?"


def test_a_pdf_locked_by_another_handler_is_refused_in_words(store: AttachmentStore) -> None:
    plain = files.pdf_bytes(1)
    trailer = plain.find(b"<<", plain.rfind(b"trailer")) + 2
    locked = plain[:trailer] + b"\n/Encrypt << /Filter /Adobe.PubSec /V 4 /R 4 >>\n"
    with pytest.raises(AttachmentError, match=r"x\.pdf looks like a PDF but cannot be read"):
        inspect("x.pdf", locked + plain[trailer:])  # pypdf: NotImplementedError


def test_a_path_of_nobodys_home_names_nothing() -> None:
    assert user_path("~no-such-user-here/x.png") is None
    assert user_path("a\x00b") is None
    assert user_path("~/x.png") == Path.home() / "x.png"
    assert user_path("x.png", Path("/work")) == Path("/work/x.png")


def test_a_damaged_kept_copy_is_written_again_when_the_file_is_attached_again(
    tmp_path: Path, store: AttachmentStore
) -> None:
    png = store.add(files.image(tmp_path / "a.png"))
    kept = store.path_of(png)
    kept.write_bytes(b"\x00" * png.size)  # the same size, other bytes
    assert store.read(png) is None
    store.add(tmp_path / "a.png")
    assert store.read(png) == (tmp_path / "a.png").read_bytes()
