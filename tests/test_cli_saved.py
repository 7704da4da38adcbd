"""``claude-tui list`` and ``claude-tui export``, run for real on a prepared data folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore
from tests.test_cli_harness import Cli
from tests.test_cli_usage import (
    A_ID,
    A_REPLIES,
    B_ID,
    B_REPLIES,
    NOVEMBER_20,
    NOVEMBER_25,
    OCTOBER,
    OPUS,
    save_metered,
)

OLD = datetime(2026, 11, 20, 9, 5, tzinfo=UTC)
NEW = datetime(2026, 11, 25, 17, 45, tzinfo=UTC)
OLD_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
NEW_ID = "f9e8d7c6b5a4938271605f4e3d2c1b0a"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli.make("http://127.0.0.1:9", tmp_path)  # nothing here talks to the API


def _save(cli: Cli, conversation_id: str, title: str, when: datetime, *texts: str) -> None:
    conversation = Conversation(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        id=conversation_id,
        title=title,
        created_at=when,
        updated_at=when,
    )
    for number, text in enumerate(texts):
        role = "user" if number % 2 == 0 else "assistant"
        conversation.messages.append(
            Message(
                role=role, content=[TextBlock(text)], created_at=when, status=TurnStatus.COMPLETE
            )
        )
    ConversationStore(cli.data_dir).save(conversation)


@pytest.fixture
def two(cli: Cli) -> Cli:
    _save(cli, OLD_ID, "Old \x1b[31mred\x1b[0m\ttab\nnewline", OLD, "hello", "Hi!")
    _save(cli, NEW_ID, "Fix the parser", NEW, "The parser breaks", "```py\nfix()\n```", "Thanks")
    return cli


def test_list_shows_the_newest_first_with_titles_made_harmless(two: Cli) -> None:
    result = two.run("list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{'ID':<32}  LAST USED         MESSAGES   COST  TITLE",
        f"{NEW_ID}  2026-11-25 17:45         3  $0.00  Fix the parser",
        f"{OLD_ID}  2026-11-20 09:05         2  $0.00  "
        "Old \u241b[31mred\u241b[0m\u2409tab\u240anewline",
    ]


def test_list_as_json(two: Cli) -> None:
    rows = json.loads(two.run("list", "--json").stdout)
    assert [(r["id"], r["message_count"]) for r in rows] == [(NEW_ID, 3), (OLD_ID, 2)]
    assert rows[1]["title"] == "Old \x1b[31mred\x1b[0m\ttab\nnewline"
    assert datetime.fromisoformat(rows[0]["updated_at"]) == NEW
    assert (rows[0]["cost_usd"], rows[0]["unpriced_replies"]) == (0, 0)


def test_list_shows_what_each_conversation_cost(cli: Cli) -> None:
    save_metered(cli.data_dir, A_ID, *A_REPLIES)  # Sonnet 5.5: $0.02 + $0.013 + $0.018
    save_metered(cli.data_dir, B_ID, *B_REPLIES)  # Opus 5.5 $0.44, and a model of no price
    unknown = ("claude-mystery-1", datetime(2026, 11, 24, 9, 0, tzinfo=UTC), Usage(5, 1))
    save_metered(cli.data_dir, OLD_ID, unknown)
    result = cli.run("list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{'ID':<32}  LAST USED         MESSAGES             COST  TITLE",
        f"{B_ID}  2026-11-25 12:00         4  $0.44 + unknown  About bbbb",
        f"{A_ID}  2026-11-25 10:00         6           $0.051  About aaaa",
        f"{OLD_ID}  2026-11-24 09:00         2          unknown  About 0a1b",
    ]
    rows = {row["id"]: row for row in json.loads(cli.run("list", "--json").stdout)}
    assert rows[A_ID]["cost_usd"] == pytest.approx(OCTOBER + NOVEMBER_20 + NOVEMBER_25)
    assert rows[A_ID]["unpriced_replies"] == 0
    assert rows[B_ID]["cost_usd"] == pytest.approx(OPUS)
    assert rows[B_ID]["unpriced_replies"] == 1
    assert (rows[OLD_ID]["cost_usd"], rows[OLD_ID]["unpriced_replies"]) == (None, 1)


def test_list_of_nothing_says_so(cli: Cli) -> None:
    result = cli.run("list")
    assert result.returncode == 0
    assert result.stdout == (
        'No saved conversations yet. Start one with: claude-tui "your question"\n'
    )
    assert cli.run("list", "--json").stdout == "[]\n"


def test_export_markdown_to_stdout_by_id_or_unique_prefix(two: Cli) -> None:
    full = two.run("export", NEW_ID, "--format", "md")
    short = two.run("export", "f9e8")
    assert full.returncode == 0 and short.returncode == 0
    assert full.stdout == short.stdout
    assert full.stdout.startswith('---\ntitle: "Fix the parser"\nid: "f9e8d7c6')
    assert (
        "## You — 2026-11-25 17:45 UTC\n\nThe parser breaks\n\n"
        "## Claude — 2026-11-25 17:45 UTC\n\n```py\nfix()\n```\n\n"
    ) in full.stdout


def test_export_markdown_shows_what_the_conversation_and_each_reply_cost(cli: Cli) -> None:
    save_metered(cli.data_dir, B_ID, *B_REPLIES)  # Opus 5.5 $0.44, and a model of no price
    result = cli.run("export", B_ID)
    assert result.returncode == 0, result.stderr
    assert '\nmessages: 4\ncost: "$0.44 + unknown"\n---\n' in result.stdout
    assert [line for line in result.stdout.splitlines() if "Cost" in line] == [
        "_Cost: $0.44_",
        "_Cost: unknown_",
    ]
    with cli.config.open("a") as config:
        config.write(
            '[prices."claude-mystery-1"]\n'
            "input = 1000\noutput = 1000\ncache_write_5m = 0\ncache_write_1h = 0\ncache_read = 0\n"
        )
    priced = cli.run("export", B_ID).stdout
    assert '\ncost: "$0.55"\n' in priced  # 0.44 + (100 + 10) x $1,000 per million
    assert "_Cost: $0.11_" in priced
    json_export = cli.run("export", B_ID, "--format", "json").stdout
    assert json_export == (cli.data_dir / "conversations" / f"{B_ID}.json").read_text()


def test_export_json_is_the_saved_file(two: Cli) -> None:
    result = two.run("export", OLD_ID, "--format", "json")
    assert result.returncode == 0
    saved = (two.data_dir / "conversations" / f"{OLD_ID}.json").read_text()
    assert result.stdout == saved
    assert Conversation.from_dict(json.loads(result.stdout)).title.startswith("Old ")


def test_export_last_is_the_conversation_used_last(two: Cli) -> None:
    assert "Fix the parser" in two.run("export", "--last").stdout  # the newest, by default
    (two.data_dir / "state.json").write_text(json.dumps({"last_open": OLD_ID}))
    assert 'id: "0a1b2c3d' in two.run("export", "--last").stdout  # the one the app had open


def test_export_to_a_file_never_replaces_one_without_force(two: Cli, tmp_path: Path) -> None:
    target = tmp_path / "out" / "chat.json"
    target.parent.mkdir()
    written = two.run("export", NEW_ID, "-o", str(target))  # JSON, from the name
    assert (written.returncode, written.stdout) == (0, f"Wrote {target}\n")
    assert json.loads(target.read_text())["id"] == NEW_ID
    refused = two.run("export", OLD_ID, "-o", str(target))
    assert refused.returncode == 1
    assert f"claude-tui: {target} already exists; add --force" in refused.stderr
    assert json.loads(target.read_text())["id"] == NEW_ID
    forced = two.run("export", OLD_ID, "-o", str(target), "--force")
    assert forced.returncode == 0
    assert json.loads(target.read_text())["id"] == OLD_ID


def test_export_into_a_folder_names_the_file_after_the_title(two: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    first = two.run("export", NEW_ID, "-o", str(folder))
    (folder / "fix-the-parser.md").write_text("edited by hand")
    second = two.run("export", NEW_ID, "-o", str(folder))
    assert first.stdout == f"Wrote {folder / 'fix-the-parser.md'}\n"
    assert second.stdout == f"Wrote {folder / 'fix-the-parser-1.md'}\n"
    assert (folder / "fix-the-parser.md").read_text() == "edited by hand"
    assert (folder / "fix-the-parser-1.md").read_text().startswith("---\ntitle:")


def test_export_of_an_unknown_or_ambiguous_id_fails_in_words(two: Cli) -> None:
    _save(two, "f9e8000000000000000000000000000a", "Twin", NEW)
    unknown = two.run("export", "nope")
    ambiguous = two.run("export", "f9e8")
    nothing = two.run("export")
    assert unknown.returncode == 1
    assert unknown.stderr == (
        "claude-tui: no conversation has the id 'nope' (claude-tui list shows them)\n"
    )
    assert ambiguous.returncode == 1
    assert "'f9e8' starts 2 conversation ids" in ambiguous.stderr
    assert nothing.returncode == 2
    assert "give a conversation ID, or --last" in nothing.stderr


def test_export_last_with_nothing_saved(cli: Cli) -> None:
    result = cli.run("export", "--last")
    assert result.returncode == 1
    assert result.stderr == "claude-tui: there are no saved conversations to export\n"


def test_list_into_a_reader_that_stops_early_exits_quietly(cli: Cli) -> None:
    import subprocess

    store = ConversationStore(cli.data_dir)
    store.ensure()
    template = Conversation(
        model="claude-sonnet-5-5", max_tokens=1024, created_at=OLD, updated_at=OLD
    ).to_dict()
    for number in range(1500):  # far more than a pipe holds
        template.update(id=f"{number:032x}", title=f"Conversation number {number}")
        store.path_of(template["id"]).write_text(json.dumps(template))
    process = subprocess.Popen(
        cli.argv("list"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli.environment(None)
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()  # like `| head -1`
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    assert first.startswith(b"ID ")
    assert process.stderr.read() == b""
