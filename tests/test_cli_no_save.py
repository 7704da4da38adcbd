"""``claude-tui -p --no-save`` (and ``no_save = true`` in the config): a one-off question
leaves no conversation behind, neither in the data folder nor in a temporary one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.test_cli_harness import Cli


@pytest.fixture
def scratch(cli: Cli, tmp_path: Path) -> Path:
    """The temporary folder the command is given (TMPDIR): empty again when it is done."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    cli.env["TMPDIR"] = str(folder)
    return folder


def _nothing_left(cli: Cli, scratch: Path) -> None:
    assert not (cli.data_dir / "conversations").exists()
    assert not (cli.data_dir / "attachments").exists()
    assert not (cli.data_dir / "state.json").exists()
    assert list(scratch.iterdir()) == []
    listed = cli.run("list")
    assert listed.stdout.startswith("No saved conversations yet.")


def test_a_one_off_question_is_answered_and_leaves_nothing(
    cli: Cli, fake_api: FakeAnthropic, scratch: Path
) -> None:
    fake_api.enqueue(Reply.text("Four."))
    result = cli.run("-p", "--no-save", "What is 2+2?")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Four.\n"
    assert result.stderr == ""
    _nothing_left(cli, scratch)


def test_a_file_sent_with_a_one_off_question_is_not_kept(
    cli: Cli, fake_api: FakeAnthropic, scratch: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("buy milk\n")
    fake_api.enqueue(Reply.text("Milk."))
    result = cli.run("-p", "--no-save", "-a", str(notes), "What do I need?")
    assert result.returncode == 0, result.stderr
    body = fake_api.requests[0].body
    assert body["messages"][0]["content"][0]["type"] == "document"  # it was sent
    _nothing_left(cli, scratch)


def test_no_save_in_the_config_does_the_same_and_save_overrides_it(
    cli: Cli, fake_api: FakeAnthropic, scratch: Path
) -> None:
    cli.config.write_text(cli.config.read_text() + "no_save = true\n")
    fake_api.enqueue(Reply.text("Four."), Reply.text("Six."))
    assert cli.run("-p", "What is 2+2?").returncode == 0
    _nothing_left(cli, scratch)
    kept = cli.run("-p", "--save", "What is 3+3?")
    assert kept.returncode == 0, kept.stderr
    assert cli.only_conversation()["title"] == "What is 3+3?"


def test_continuing_saves_even_with_no_save_in_the_config(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Four."), Reply.text("Five."))
    assert cli.run("-p", "What is 2+2?").returncode == 0
    cli.config.write_text(cli.config.read_text() + "no_save = true\n")
    result = cli.run("-p", "-c", "And plus one?")
    assert result.returncode == 0, result.stderr
    assert len(cli.only_conversation()["messages"]) == 4


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--no-save", "hello"), "--no-save goes with -p"),
        (("-p", "-c", "--no-save", "hello"), "--no-save asks a one-off question"),
    ],
)
def test_no_save_where_it_cannot_apply_is_refused(
    cli: Cli, fake_api: FakeAnthropic, args: tuple[str, ...], said: str
) -> None:
    result = cli.run(*args)
    assert result.returncode == 2
    assert said in result.stderr
    assert fake_api.requests == []


def test_a_config_no_save_that_is_not_true_or_false_is_named(cli: Cli) -> None:
    cli.config.write_text('no_save = "yes"\n')
    result = cli.run("-p", "hello")
    assert result.returncode == 2
    assert "no_save has the wrong type" in result.stderr


def test_ctrl_c_says_nothing_was_saved(cli: Cli, fake_api: FakeAnthropic, scratch: Path) -> None:
    gate = Gate(after="So far ")
    fake_api.enqueue(Reply.text("So far so good", gate=gate))
    running = cli.start("-p", "--no-save", "go")
    running.close_input()
    try:
        running.wait_for_output("So far ")
        running.interrupt()
        status = running.finish()
    finally:
        gate.release()
        running.kill()
    assert status == 130
    assert "(Stopped. Nothing was saved.)" in running.stderr
    assert "kept" not in running.stderr
    _nothing_left(cli, scratch)
