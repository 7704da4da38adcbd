"""Files from the command line: ``-p -a FILE`` and ``@path`` in ``chat``, run for real
against the fake API (what it received, what landed on disk)."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from tests import files
from tests.fake_api import FakeAnthropic, Reply
from tests.fake_models import without_input
from tests.test_cli_harness import Cli


def _blocks(fake_api: FakeAnthropic, number: int = 0) -> list[dict[str, Any]]:
    """The content of the last message of the ``number``-th request to /v1/messages."""
    content = fake_api.requests[number].body["messages"][-1]["content"]
    assert isinstance(content, list)
    return content


def _image_data(block: dict[str, Any]) -> bytes:
    assert block["type"] == "image" and block["source"]["type"] == "base64", block
    return base64.b64decode(block["source"]["data"])


def _kept(cli: Cli) -> list[str]:
    folder = cli.data_dir / "attachments"
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def _nothing_happened(cli: Cli, fake_api: FakeAnthropic) -> None:
    assert fake_api.requests == []  # nothing sent
    assert cli.conversations() == [] and _kept(cli) == []  # nothing saved


def test_an_image_is_sent_before_the_prompt_and_kept_once_by_its_digest(
    cli: Cli, fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    shot = files.image(tmp_path / "shot.png")
    fake_api.enqueue(Reply.text("A red square."))
    result = cli.run("-p", "-a", str(shot), "What is in it?")
    assert (result.returncode, result.stdout) == (0, "A red square.\n"), result.stderr
    image, text = _blocks(fake_api)
    assert _image_data(image) == shot.read_bytes()
    assert image["source"]["media_type"] == "image/png"
    assert text == {"type": "text", "text": "What is in it?"}
    digest = hashlib.sha256(shot.read_bytes()).hexdigest()
    assert _kept(cli) == [f"{digest}.png"]
    assert (cli.data_dir / "attachments" / f"{digest}.png").read_bytes() == shot.read_bytes()
    user, _reply = cli.only_conversation()["messages"]
    assert user["content"][0]["digest"] == digest and user["content"][0]["name"] == "shot.png"
    assert "data" not in user["content"][0]  # the conversation file stays small


def test_several_files_with_piped_text_and_a_file_alone(
    cli: Cli, fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    shot = files.image(tmp_path / "shot.png")
    notes = files.text(tmp_path / "notes.txt", "first line\n")
    report = files.pdf(tmp_path / "report.pdf", pages=2)
    fake_api.enqueue(Reply.text("one"), Reply.text("two"))
    both = cli.run("-p", "-a", str(notes), "--attach", str(report), "Compare", stdin="piped\n")
    alone = cli.run("-p", "-a", str(shot))
    assert (both.returncode, alone.returncode) == (0, 0), both.stderr + alone.stderr
    text_document, pdf_document, words = _blocks(fake_api, 0)
    assert text_document["source"] == {
        "type": "text",
        "media_type": "text/plain",
        "data": "first line\n",
    }
    assert text_document["title"] == "notes.txt"
    assert pdf_document["title"] == "report.pdf"
    assert base64.b64decode(pdf_document["source"]["data"]) == report.read_bytes()
    assert words == {"type": "text", "text": "Compare\n\npiped"}
    (image,) = _blocks(fake_api, 1)  # the file alone is the message
    assert _image_data(image) == shot.read_bytes()


def test_continue_sends_the_new_file_after_the_history(
    cli: Cli, fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    first = files.image(tmp_path / "first.png", 10, 10)
    second = files.image(tmp_path / "second.png", 20, 10)
    fake_api.enqueue(Reply.text("Small."), Reply.text("Wider."))
    assert cli.run("-p", "-a", str(first), "Look").returncode == 0
    result = cli.run("-p", "-c", "-a", str(second), "And this?")
    assert result.returncode == 0, result.stderr
    messages = fake_api.requests[1].body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert _image_data(messages[0]["content"][0]) == first.read_bytes()
    assert _image_data(messages[2]["content"][0]) == second.read_bytes()
    assert len(cli.only_conversation()["messages"]) == 4
    assert len(_kept(cli)) == 2


def test_a_pdf_to_a_model_that_reads_none_is_refused_before_anything_is_sent(
    cli: Cli, fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    fake_api.models = without_input("claude-haiku-4-5", pdf_input=False)
    report = files.pdf(tmp_path / "report.pdf", pages=3)
    result = cli.run("-p", "--model", "claude-haiku-4-5", "-a", str(report), "Summarize")
    assert result.returncode == 2
    assert "Claude Haiku 4.5 does not read PDFs, so report.pdf cannot be sent to it." in (
        result.stderr
    )
    assert "Nothing was sent or saved." in result.stderr
    assert result.stdout == ""
    _nothing_happened(cli, fake_api)


def test_a_refusal_when_continuing_leaves_the_conversation_as_it_was(
    cli: Cli, fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    fake_api.models = without_input("claude-haiku-4-5", pdf_input=False)
    fake_api.enqueue(Reply.text("Hello."))
    assert cli.run("-p", "--model", "claude-haiku-4-5", "Hi").returncode == 0
    before = cli.only_conversation()
    report = files.pdf(tmp_path / "report.pdf")
    result = cli.run("-p", "-c", "-a", str(report), "Read this")
    assert result.returncode == 2
    assert "does not read PDFs" in result.stderr
    assert cli.only_conversation() == before
    assert len(fake_api.requests) == 1 and _kept(cli) == []


@pytest.mark.parametrize("kind", ["folder", "fifo", "missing", "unknown"])
def test_what_cannot_be_attached_is_refused_in_words(
    cli: Cli, fake_api: FakeAnthropic, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "thing"
    expected = {
        "folder": "thing is a folder; attach the files in it one by one.",
        "fifo": "thing cannot be attached: not a regular file",
        "missing": f"There is no file {path}.",
        "unknown": "thing is neither an image, a PDF nor a text file",
    }[kind]
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "unknown":
        path.write_bytes(b"\x00\x01binary")
    shot = files.image(tmp_path / "shot.png")  # a good file with it changes nothing
    result = cli.run("-p", "-a", str(shot), "-a", str(path), "Look", timeout=30)
    assert result.returncode == 2
    assert f"claude-tui: {expected}" in result.stderr
    _nothing_happened(cli, fake_api)


def test_attach_goes_with_print(cli: Cli, fake_api: FakeAnthropic, tmp_path: Path) -> None:
    shot = files.image(tmp_path / "shot.png")
    result = cli.run("-a", str(shot), "Look")
    assert result.returncode == 2
    assert "-a goes with -p" in result.stderr
    _nothing_happened(cli, fake_api)


def test_chat_attaches_what_at_path_names_and_refuses_a_line_it_cannot_send(
    cli: Cli, fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    shot = files.image(tmp_path / "my shot.png")
    (tmp_path / "logs").mkdir()
    fake_api.enqueue(Reply.text("A square."), Reply.text("Nobody."))
    lines = [
        f"what is in @'{shot}'? cc @everyone",
        f"and in @{tmp_path / 'logs'}",
        "who is @everyone",
        "quit",
    ]
    result = cli.run("chat", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    image, text = _blocks(fake_api, 0)
    assert _image_data(image) == shot.read_bytes()
    assert text["text"] == "what is in my shot.png? cc @everyone"  # the file by its name
    assert "(Attached my shot.png: PNG image, " in result.stderr
    assert "claude-tui: logs is a folder; attach the files in it one by one." in result.stderr
    assert "Not sent." in result.stderr
    assert len(fake_api.requests) == 2  # the refused line was never sent; the chat went on
    assert _blocks(fake_api, 1) == [{"type": "text", "text": "who is @everyone"}]
    saved = cli.only_conversation()["messages"]
    assert [m["role"] for m in saved] == ["user", "assistant", "user", "assistant"]
