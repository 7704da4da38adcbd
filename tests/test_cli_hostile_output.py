"""What the commands read and print, with text that is not well-formed or holds escape codes.

Input: bytes that are not UTF-8 on the command line or piped in are saved and sent with
U+FFFD, so the conversation can always be sent again. Output: no command fails on text
(a lone surrogate in a file), and no byte any command writes (stdout, stderr, an exported
file) is a terminal control code, whatever a title, an id or a message holds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.conversations import ConversationStore
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import KEY, Cli, said
from tests.test_cli_saved import _save

# OSC 0 (the window's title), OSC 52 (a clipboard write), CSI 2J (clear the screen) and a
# C1 CSI (U+009B), as a planted file name, a title or a message may hold them.
HOSTILE = "\x1b]0;owned\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u009b31m"
WHEN = datetime(2026, 11, 20, 9, 5, tzinfo=UTC)
# A terminal control character: C0 but tab and newline, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def run_bytes(cli: Cli, *args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    """Run ``claude-tui`` with ``stdin`` as raw bytes; the output as bytes too."""
    return subprocess.run(
        cli.argv(*args), input=stdin, capture_output=True, timeout=60, env=cli.environment(KEY)
    )


def no_control_codes(data: bytes) -> None:
    """``data`` is UTF-8 with no ESC, BEL, C1 or other control code in it."""
    assert b"\x1b" not in data and b"\x07" not in data
    text = data.decode("utf-8")  # strict: output is always well-formed UTF-8
    assert CONTROL.findall(text) == [], text


def save(cli: Cli, conversation_id: str, title: str, *texts: str) -> None:
    _save(cli, conversation_id, title, WHEN, *texts)


# -- input that is not UTF-8 ------------------------------------------------------------


def test_a_prompt_argument_that_is_not_utf8_is_saved_and_sent_with_ufffd_and_can_go_on(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Noted."), Reply.text("Flan."))
    latin1 = os.fsdecode(b"caf\xe9 menu")  # the byte goes to the process as it is
    first = cli.run("-p", latin1)
    assert first.returncode == 0, first.stderr
    assert said(fake_api.requests[0].body) == [("user", "caf\ufffd menu")]
    then = cli.run("-p", "-c", "and dessert?")
    assert then.returncode == 0, then.stderr
    assert said(fake_api.requests[1].body) == [
        ("user", "caf\ufffd menu"),
        ("assistant", "Noted."),
        ("user", "and dessert?"),
    ]
    saved = cli.only_conversation()
    assert saved["messages"][0]["content"][0]["text"] == "caf\ufffd menu"
    assert [m["status"] for m in saved["messages"][1::2]] == ["complete", "complete"]


def test_a_system_prompt_argument_that_is_not_utf8_is_sent_with_ufffd(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    result = cli.run("-p", "--system", os.fsdecode(b"Be br\xefef."), "hi")
    assert result.returncode == 0, result.stderr
    system = fake_api.requests[0].body["system"]
    assert "Be br\ufffdef." in json.dumps(system, ensure_ascii=False)


def test_piped_text_that_is_not_utf8_is_sent_with_ufffd_by_chat_and_the_chat_goes_on(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Noted."), Reply.text("Flan."))
    result = run_bytes(cli, "chat", stdin=b"caf\xe9 menu\nand dessert?\n")
    assert result.returncode == 0, result.stderr
    assert len(fake_api.requests) == 2
    assert said(fake_api.requests[1].body) == [
        ("user", "caf\ufffd menu"),
        ("assistant", "Noted."),
        ("user", "and dessert?"),
    ]
    assert "You: caf\ufffd menu\n" in result.stdout.decode()
    saved = cli.only_conversation()
    assert saved["messages"][0]["content"][0]["text"] == "caf\ufffd menu"


def test_piped_text_that_is_not_utf8_is_sent_with_ufffd_by_print(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Coffee."), Reply.text("You're welcome."))
    result = run_bytes(cli, "-p", "Translate:", stdin=b"caf\xe9\n")
    assert result.returncode == 0, result.stderr
    assert said(fake_api.requests[0].body) == [("user", "Translate:\n\ncaf\ufffd")]
    then = cli.run("-p", "-c", "Thanks")
    assert then.returncode == 0, then.stderr


# -- output never fails -----------------------------------------------------------------


def test_list_and_export_show_a_lone_surrogate_as_ufffd_and_list_every_row(cli: Cli) -> None:
    save(cli, "a" * 32, "Older, fine", "hello", "Hi!")
    broken = datetime(2026, 11, 21, tzinfo=UTC)
    conversation = Conversation(
        model="claude-sonnet-5-5", max_tokens=1024, id="b" * 32, title="Broken \ud800 title"
    )
    conversation.created_at = conversation.updated_at = broken
    conversation.messages.append(
        Message(role="user", content=[TextBlock("half \ud800 a character")], created_at=broken)
    )
    ConversationStore(cli.data_dir).save(conversation)
    file = cli.data_dir / "conversations" / f"{'b' * 32}.json"
    assert '"Broken \\ud800 title"' in file.read_text()  # the escape JSON allows
    listed = cli.run("list")
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.splitlines()
    assert len(rows) == 3 and "Traceback" not in listed.stderr
    assert rows[1].endswith("Broken \ufffd title") and rows[2].endswith("Older, fine")
    as_json = cli.run("list", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert [row["id"] for row in json.loads(as_json.stdout)] == ["b" * 32, "a" * 32]
    exported = cli.run("export", "b" * 32)
    assert exported.returncode == 0, exported.stderr
    assert "half \ufffd a character" in exported.stdout
    kept = cli.run("export", "b" * 32, "--format", "json")
    assert kept.returncode == 0, kept.stderr
    title = json.loads(kept.stdout)["title"]
    assert title in ("Broken \ud800 title", "Broken \ufffd title")  # exact, or repaired on load


# -- no control code in any output ------------------------------------------------------


def test_no_command_prints_a_control_code_from_a_planted_id_title_or_text(
    cli: Cli, fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    planted = "c0ffee" + HOSTILE
    save(cli, planted, "Title " + HOSTILE, "Question " + HOSTILE, "Answer " + HOSTILE)
    assert (cli.data_dir / "conversations" / f"{planted}.json").exists()
    outputs: list[bytes] = []
    for args in (
        ("list",),
        ("list", "--json"),
        ("usage",),
        ("usage", "--json"),
        ("export", "--last"),
        ("export", "--last", "--all-branches"),
        ("export", "--last", "--format", "json"),
        ("export", "--last", "-o", str(tmp_path / "out.md")),
        ("export", "--last", "-o", str(tmp_path / "out.json")),
        ("export", "--last", "-o", str(tmp_path)),  # into the folder, named after the title
    ):
        result = run_bytes(cli, *args, stdin=b"")
        assert result.returncode == 0, (args, result.stderr)
        outputs += [result.stdout, result.stderr]
    for file in (
        tmp_path / "out.md",
        tmp_path / "out.json",
        tmp_path / "title-0-owned-52-c-chduzwq-2j-31m.md",
    ):
        outputs.append(file.read_bytes())
    # the data is exact in JSON
    kept = json.loads((tmp_path / "out.json").read_text())
    assert kept["id"] == planted and kept["title"] == "Title " + HOSTILE
    assert kept["messages"][1]["content"][0]["text"] == "Answer " + HOSTILE
    assert "\\u009b" in (tmp_path / "out.json").read_text()
    # and readable in Markdown and the list
    assert "Answer \u241b]0;owned\u2407\u241b]52;c;cHduZWQ=\u2407\u241b[2J" in (
        (tmp_path / "out.md").read_text()
    )
    listed = cli.run("list").stdout
    assert "c0ffee\u241b]0;owned\u2407" in listed
    for output in outputs:
        no_control_codes(output)


def test_print_and_errors_print_no_control_code(cli: Cli, fake_api: FakeAnthropic) -> None:
    save(cli, "c0ffee" + HOSTILE, "Title " + HOSTILE, "Question", "Answer")
    fake_api.enqueue(Reply.text("Reply " + HOSTILE), Reply.error(400, message="Bad " + HOSTILE))
    outputs: list[bytes] = []
    for args, status in (
        (("-p", "-c", "go on"), 0),  # "Continuing “Title …”" and the reply
        (("-p", "-c", "again"), 1),  # the API's error message
        (("export", "nothing" + HOSTILE), 1),  # no such conversation
        (("export", "c0ffee"), 0),  # a prefix of the planted id
        (("list", "--bogus" + HOSTILE), 2),  # argparse's own error
        (("--model", "x" + HOSTILE, "-p", "hi"), 2),  # an unknown model
    ):
        result = run_bytes(cli, *args, stdin=b"")
        assert result.returncode == status, (args, result.stderr)
        outputs += [result.stdout, result.stderr]
    assert "Reply \u241b]0;owned" in outputs[0].decode()
    for output in outputs:
        no_control_codes(output)


def test_an_output_encoding_without_the_letters_prints_question_marks_instead_of_failing(
    cli: Cli,
) -> None:
    save(cli, "a" * 32, "Café 漢字", "hello", "Hi!")
    cli.env["PYTHONIOENCODING"] = "ascii"
    listed = cli.run("list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[1].endswith("Caf? ??")
    exported = cli.run("export", "--last")
    assert exported.returncode == 0, exported.stderr
    assert "# Caf? ??" in exported.stdout
