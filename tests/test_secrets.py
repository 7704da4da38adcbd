"""The API key never lands anywhere: not on disk, not in an export, not on screen, not in
what is printed when something fails. And what is kept on disk is for its owner only."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest

from claude_tui.api.errors import hide_secrets
from claude_tui.config import Settings, load_settings
from claude_tui.domain.errors import ErrorInfo
from claude_tui.tui.screens.dialogs import Confirm
from tests import ui
from tests.fake_api import FakeAnthropic, Reply
from tests.test_cli_harness import Cli

SECRET = "sk-ant-test-SECRET-123"


def holding_the_key(folder: Path, key: str = SECRET) -> list[Path]:
    """Every file under ``folder`` whose bytes hold ``key`` (or its distinctive part)."""
    needles = (key.encode(), b"SECRET-123")
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    ]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_after_a_session_the_key_is_in_no_file_and_every_file_is_private(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path, tmp_path: Path
) -> None:
    ui.seed(data_dir, "Saved before")  # so that the start lists a file and writes the index
    fake_api.enqueue(Reply.text("Kept."), Reply.text("Thrown away."))
    async with ui.running(replace(settings, api_key=SECRET)) as (app, pilot):
        await ui.send(pilot, app, "A conversation to keep")
        kept = ui.open_conversation(app).id
        await pilot.press("ctrl+n")
        await ui.send(pilot, app, "A conversation to delete")
        await pilot.press("f8")  # to the trash
        await ui.wait_for_screen(pilot, app, Confirm)
        await pilot.press("enter")
        await ui.wait_open(pilot, app, kept)
        await ui.type_text(pilot, "a draft left unsent")
        await ui.quit_app(pilot, app)
    assert fake_api.requests[0].headers["authorization"] == f"Bearer {SECRET}"  # it was used

    files = sorted(
        path.relative_to(data_dir).as_posix() for path in data_dir.rglob("*") if path.is_file()
    )
    assert f"conversations/{kept}.json" in files
    assert [name for name in files if not name.startswith(("conversations/", "trash/"))] == [
        "drafts.json",
        "index.json",
        "state.json",
    ]
    assert len([name for name in files if name.startswith("trash/")]) == 1
    assert "a draft left unsent" in (data_dir / "drafts.json").read_text()
    # Nothing anywhere under the test's folder: data, config, exports.
    assert holding_the_key(tmp_path) == []

    assert mode(data_dir) == 0o700
    for path in data_dir.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_a_key_from_the_config_file_is_used_and_lands_nowhere_else(
    fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    cli = Cli.make(fake_api.url, tmp_path)
    cli.config.write_text(f'api_key = "{SECRET}"\nmax_retries = 0\n')
    cli.config.chmod(0o600)
    fake_api.enqueue(Reply.text("An answer."))
    outputs = []

    result = cli.run("-p", "hello", key=None)  # no key in the environment
    assert result.returncode == 0, result.stderr
    assert result.stdout == "An answer.\n"
    assert fake_api.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    outputs.append(result)

    exported = tmp_path / "exported"
    exported.mkdir()
    for args in (
        ["export", "--last"],
        ["export", "--last", "--format", "json"],
        ["export", "--last", "-o", str(exported / "a.md")],
        ["export", "--last", "--format", "json", "-o", str(exported / "a.json")],
        ["list"],
        ["list", "--json"],
    ):
        result = cli.run(*args, key=None)
        assert result.returncode == 0, (args, result.stderr)
        outputs.append(result)
    assert "An answer." in outputs[1].stdout and '"An answer."' in outputs[2].stdout
    assert sorted(p.name for p in exported.iterdir()) == ["a.json", "a.md"]

    for result in outputs:
        assert SECRET not in result.stdout and SECRET not in result.stderr
    assert holding_the_key(exported) == []
    assert holding_the_key(cli.data_dir) == []
    assert holding_the_key(tmp_path) == [cli.config]  # where the user put it, and only there


def test_the_settings_never_show_a_key_read_from_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'api_key = "{SECRET}"\n')
    config.chmod(0o600)
    settings = load_settings(config_path=config, environ={})
    assert settings.api_key == SECRET
    for shown in (
        repr(settings),
        str(settings),
        f"{settings}",
        repr([settings]),
        repr(replace(settings, model="claude-haiku-5-5")),
    ):
        assert "SECRET" not in shown
        assert "api_key=set" in shown


# A key with a line break cannot go into a header: the HTTP layer refuses it with an error
# whose text holds the whole header, key included (LocalProtocolError("Illegal header
# value b'Bearer sk-...\n'")), chained under the SDK's "Connection error.".
FAILURES = {
    "refused": (SECRET, Reply.error(401), "The API key was refused."),
    "server error": (SECRET, Reply.error(500), "The API had an internal error."),
    "broken off": (SECRET, Reply.drop_mid_stream("Half"), "The connection broke off mid-reply."),
    "unusable key": (f"{SECRET}\n", None, "Could not reach the API."),
}


@pytest.mark.parametrize(("key", "reply", "headline"), FAILURES.values(), ids=FAILURES)
async def test_an_error_on_screen_never_shows_the_key(
    fake_api: FakeAnthropic,
    settings: Settings,
    data_dir: Path,
    key: str,
    reply: Reply | None,
    headline: str,
) -> None:
    if reply is not None:
        fake_api.enqueue(reply)
    shown = ui.flat(await ui.screen_after_sending(replace(settings, api_key=key), "hello"))
    assert headline in shown
    assert "SECRET" not in shown
    assert ui.the_saved_conversation(data_dir)["messages"][1]["status"] == "failed"
    assert holding_the_key(data_dir) == []


# (The command line drops the line break at the end of a key: tests/test_config_checks.py.)
CLI_FAILURES = {name: failure for name, failure in FAILURES.items() if name != "unusable key"}


@pytest.mark.parametrize(("key", "reply", "headline"), CLI_FAILURES.values(), ids=CLI_FAILURES)
def test_what_the_command_line_prints_on_a_failure_never_holds_the_key(
    fake_api: FakeAnthropic, tmp_path: Path, key: str, reply: Reply | None, headline: str
) -> None:
    if reply is not None:
        fake_api.enqueue(reply)
    cli = Cli.make(fake_api.url, tmp_path)
    result = cli.run("-p", "hello", key=key)
    assert result.returncode == 1
    assert result.stderr.startswith(f"claude-tui: {headline}\n")
    assert "Traceback" not in result.stderr
    assert "SECRET" not in result.stdout + result.stderr
    assert holding_the_key(cli.data_dir) == []


ECHOED = f"invalid x-api-key: {SECRET}"


async def test_a_key_the_endpoint_echoes_back_is_not_shown_or_saved(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.error(401, ECHOED))
    shown = ui.flat(await ui.screen_after_sending(replace(settings, api_key=SECRET), "hello"))
    assert "The API key was refused." in shown
    assert "invalid x-api-key: (your API key)" in shown  # the rest is still useful
    assert "SECRET" not in shown
    assert holding_the_key(data_dir) == []


def test_a_key_the_endpoint_echoes_back_is_not_printed(
    fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    fake_api.enqueue(Reply.error(401, ECHOED))
    cli = Cli.make(fake_api.url, tmp_path)
    result = cli.run("-p", "hello", key=SECRET)
    assert result.stderr.startswith("claude-tui: The API key was refused.\n")
    assert "invalid x-api-key: (your API key)" in result.stderr
    assert "SECRET" not in result.stderr
    assert holding_the_key(cli.data_dir) == []


async def test_a_crash_report_shows_no_local_variables(
    settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = replace(settings, api_key=SECRET)

    def crash() -> None:
        key = settings.api_key  # a local a crash report with locals would print
        raise RuntimeError(f"a bug near a key of {len(key or '')} characters")

    with pytest.raises(RuntimeError):
        async with ui.running(settings, notifications=False) as (app, pilot):
            app.call_later(crash)
            await pilot.pause()
    printed = capfd.readouterr()
    report = printed.out + printed.err
    assert "RuntimeError: a bug near a key of" in report  # the report itself is printed
    assert "SECRET" not in report


# Credentials in the base URL (a gateway's): the HTTP layer sends them, and an error that
# names the endpoint names it without them.
PASSWORD = "PASSWORD-456"


def holding_the_password(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()]


async def test_credentials_in_the_base_url_are_neither_shown_nor_saved(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(Reply.hang_before_headers(30))
    base_url = fake_api.url_with(f"user:{PASSWORD}")
    shown = ui.flat(
        await ui.screen_after_sending(
            replace(settings, base_url=base_url, request_timeout=0.5), "hello"
        )
    )
    assert "The API did not answer in time." in shown
    assert f"No reply from {fake_api.url_with('user:***')}." in shown
    assert PASSWORD not in shown
    error = ui.the_saved_conversation(data_dir)["messages"][1]["error"]
    assert error["detail"] == f"No reply from {fake_api.url_with('user:***')}."
    assert holding_the_password(data_dir) == []


@pytest.mark.parametrize("userinfo", [f"user:{PASSWORD}", PASSWORD], ids=["password", "token"])
def test_credentials_in_the_base_url_are_not_printed(
    fake_api: FakeAnthropic, tmp_path: Path, userinfo: str
) -> None:
    fake_api.enqueue(Reply.hang_before_headers(30))
    cli = Cli.make(fake_api.url_with(userinfo), tmp_path)
    cli.config.write_text("max_retries = 0\nrequest_timeout = 0.5\n")
    result = cli.run("-p", "hello")
    assert result.returncode == 1
    assert result.stderr.startswith("claude-tui: The API did not answer in time.\n")
    hidden = "user:***" if ":" in userinfo else "***"
    assert f"No reply from {fake_api.url_with(hidden)}." in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert holding_the_password(cli.data_dir) == []
    assert fake_api.requests[0].headers["authorization"].startswith("Basic ")  # it was used


def test_credentials_are_hidden_wherever_an_error_holds_them() -> None:
    base_url = f"https://me:{PASSWORD}@gateway.example/v1"
    info = ErrorInfo(
        kind="http",
        title="Redirected to https://other:pw@elsewhere.example/x",
        detail=f"the proxy said: bad password {PASSWORD}",
        hint=f"Check {base_url}",
    )
    hidden = hide_secrets(info, SECRET, base_url)
    assert hidden.title == "Redirected to https://other:***@elsewhere.example/x"
    assert hidden.detail == "the proxy said: bad password ***"
    assert hidden.hint == "Check https://me:***@gateway.example/v1"
