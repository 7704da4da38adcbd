"""Text that is not well-formed Unicode, end to end: bytes that are not UTF-8 on the
command line and on stdin, and lone surrogates in a reply's stream, enter as U+FFFD, and
then disk, the next request, export and list all work (the one rule of
``domain/text.py``)."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claude_tui.domain.text import printable, well_formed
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import KEY, Cli

SLOW = settings(  # each example runs the command four times
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Bytes for an argument: no C0 control (NUL cannot be in one; the others are drawn as
# symbols, tested elsewhere), not all blank (a no-break space or U+0085 is blank too: a
# blank message is refused, tested elsewhere).
ARGUMENT = st.binary(min_size=1, max_size=30).filter(
    lambda raw: all(byte >= 0x20 for byte in raw) and raw.decode("utf-8", "replace").strip()
)
SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
# A reply with words in it (a blank one counts as no answer, and is not sent again).
REPLY = st.text(
    st.one_of(st.characters(codec="utf-8", exclude_characters="\0"), SURROGATE), max_size=30
).map(lambda text: f"ok {text}")
ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")


def run(cli: Cli, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """The command with bytes in and out, as a shell runs it."""
    return subprocess.run(
        cli.argv(*args), input=stdin, capture_output=True, timeout=60, env=cli.environment(KEY)
    )


def user_texts(body: dict[str, Any]) -> list[str]:
    texts = []
    for message in body["messages"]:
        content = message["content"]
        if message["role"] == "user":
            texts.append(content if isinstance(content, str) else content[0]["text"])
    return texts


@SLOW
@given(argument=ARGUMENT, piped=ARGUMENT, reply=REPLY)
@example(argument=b"caf\xe9 menu", piped=b"\xff\xfe then \xed\xa0\x80", reply="ok a\ud800b")
@example(argument=b"\xc2\xa0", piped=b"x\xc2\x85", reply="ok \x85")
def test_bytes_and_surrogates_enter_as_replacement_characters_and_everything_works_after(
    fake_api: FakeAnthropic, tmp_path: Path, argument: bytes, piped: bytes, reply: str
) -> None:
    home = tmp_path / uuid.uuid4().hex  # one for each example
    home.mkdir()
    cli = Cli.make(fake_api.url, home)
    fake_api.enqueue(Reply.text(reply))
    words = "say " + os.fsdecode(argument)  # what the shell hands over, not UTF-8 perhaps
    first = run(cli, "-p", words)
    assert first.returncode == 0, first.stderr
    first.stdout.decode("utf-8")  # what was printed is UTF-8, whatever came in
    assert printable(well_formed(reply)) in first.stdout.decode("utf-8")  # controls shown

    second = run(cli, "-p", "-c", stdin=piped)  # piped bytes, not UTF-8 perhaps
    assert second.returncode == 0, second.stderr
    sent = user_texts(fake_api.requests[-1].body)
    assert sent[0] == well_formed(words).strip()
    assert sent[-1].strip() == piped.decode("utf-8", "replace").strip()
    assistant = fake_api.requests[-1].body["messages"][1]["content"]
    assert [block["text"] for block in assistant] == [well_formed(reply)]

    (saved,) = (cli.data_dir / "conversations").glob("*.json")
    raw = saved.read_bytes()
    raw.decode("utf-8")  # strictly UTF-8 on disk
    assert not ESCAPED_SURROGATE.search(raw)  # and no surrogate written as an escape
    conversation_id = saved.stem

    exported = run(cli, "export", conversation_id)
    assert exported.returncode == 0, exported.stderr
    assert printable(well_formed(words).strip()) in exported.stdout.decode("utf-8")
    listed = run(cli, "list")
    assert listed.returncode == 0, listed.stderr
    assert conversation_id in listed.stdout.decode("utf-8")
