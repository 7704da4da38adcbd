"""``claude-tui import FILE``: Claude.ai and ChatGPT exports, run as a user runs it.

The fixtures in tests/fixtures/exports/ follow the shapes of the real exports (Claude.ai's
``conversations.json`` and ChatGPT's, with its tree of messages).
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from claude_tui.domain.message import Message
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.trash import Trash
from tests.test_cli_harness import Cli

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def _export(tmp_path: Path, name: str, edit: Any = None) -> Path:
    """A copy of a fixture export (changed by ``edit(data)`` if given)."""
    data = json.loads((EXPORTS / f"{name}_conversations.json").read_text())
    if edit is not None:
        edit(data)
    path = tmp_path / name / "conversations.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    return path


def _texts(conversation: dict[str, Any], part: str = "messages") -> list[tuple[str, str]]:
    return [
        (m["role"], "\n\n".join(b["text"] for b in m["content"] if b["type"] == "text"))
        for m in conversation.get(part, [])
    ]


def _files(cli: Cli) -> dict[str, bytes]:
    folder = cli.data_dir / "conversations"
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.json"))}


def test_a_claude_export_becomes_conversations_that_list_shows(cli: Cli, tmp_path: Path) -> None:
    result = cli.run("import", str(_export(tmp_path, "claude")))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Imported conversations.json (Claude.ai, 3 conversations): 2 new conversations; "
        "1 empty, left out.\n"
    )
    listed = cli.run("list")
    assert "Sourdough starter" in listed.stdout
    assert "What is the capital of Australia?" in listed.stdout  # (untitled: its question)
    sourdough = cli.only_conversation_titled("Sourdough starter")
    assert sourdough["created_at"].startswith("2025-03-02T09:15:00.123")
    assert sourdough["updated_at"].startswith("2025-03-02T09:20:41")
    assert _texts(sourdough) == [
        ("user", "How do I feed a sourdough starter?"),
        ("assistant", "Discard half, then add equal weights of flour and water."),
        (
            "user",
            "(An image was here; the export does not hold it.)\n\n"
            "Here is my schedule, and a photo of the jar.",
        ),
        ("assistant", "Feeding every other day works if it lives in the fridge."),
    ]
    attached = sourdough["messages"][2]["content"][0]
    assert (attached["type"], attached["name"]) == ("attachment", "schedule.txt")
    kept = cli.data_dir / "attachments" / f"{attached['digest']}.txt"
    assert kept.read_text() == "Mon 9:00 feed\nWed 9:00 feed\nFri bake"


def test_importing_the_same_export_again_adds_nothing(cli: Cli, tmp_path: Path) -> None:
    export = _export(tmp_path, "chatgpt")
    assert cli.run("import", str(export)).returncode == 0
    before = _files(cli)
    again = cli.run("import", str(export))
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        "Imported conversations.json (ChatGPT, 2 conversations): nothing new (2 there already).\n"
    )
    assert _files(cli) == before
    assert len(before) == 2


def test_a_file_the_claude_export_holds_by_name_alone_is_named(cli: Cli, tmp_path: Path) -> None:
    def edit(data: list[dict[str, Any]]) -> None:
        first = data[0]["chat_messages"][0]
        first["files"] = [{"file_name": "report.pdf", "file_uuid": "f-9"}, {"file_name": "a.PNG"}]

    assert cli.run("import", str(_export(tmp_path, "claude", edit))).returncode == 0
    (question, *_) = _texts(cli.only_conversation_titled("Sourdough starter"))
    assert question == (
        "user",
        "(A file was here: report.pdf; the export does not hold its content.)\n"
        "(An image was here; the export does not hold it.)\n\n"
        "How do I feed a sourdough starter?",
    )


def test_a_conversation_deleted_after_an_import_stays_deleted(cli: Cli, tmp_path: Path) -> None:
    export = _export(tmp_path, "chatgpt")
    assert cli.run("import", str(export)).returncode == 0
    trip = cli.only_conversation_titled("Trip to Lisbon")
    store = ConversationStore(cli.data_dir)
    Trash(store).put(trip["id"], datetime.now(UTC))  # as F8 deletes it

    again = cli.run("import", str(export))

    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        "Imported conversations.json (ChatGPT, 2 conversations): nothing new "
        "(1 there already; 1 deleted here, left in the trash).\n"
    )
    assert "Trip to Lisbon" not in cli.run("list").stdout
    (item,) = Trash(store).deleted()
    assert Trash(store).restore(item) == trip["id"]  # still restorable


def test_chatgpt_s_tree_becomes_the_branch_shown_and_branches(cli: Cli, tmp_path: Path) -> None:
    assert cli.run("import", str(_export(tmp_path, "chatgpt"))).returncode == 0
    trip = cli.only_conversation_titled("Trip to Lisbon")
    # current_node is the regenerated answer; the hidden system message, the call to the
    # browser and the tool's result are left out
    assert _texts(trip) == [
        ("user", "Plan a trip to Lisbon"),
        ("assistant", "Start at Belém, then Alfama."),
    ]
    ids = {m["id"]: m for m in [*trip["messages"], *trip["branches"]]}
    question, answer = trip["messages"]
    by_text = {_texts({"m": [m]}, "m")[0][1]: m for m in trip["branches"]}
    assert set(by_text) == {
        "Plan a trip",
        "Where to?",
        "Day 1: Alfama. Day 2: Belém.",
        "(An image was here; the export does not hold it.)\n\nIs this tram the 28?",
        "Yes, that is the 28.",
    }
    assert by_text["Plan a trip"]["parent"] is None  # the question before it was edited
    assert by_text["Where to?"]["parent"] == by_text["Plan a trip"]["id"]
    first_answer = by_text["Day 1: Alfama. Day 2: Belém."]
    assert first_answer["parent"] == question["id"]  # an alternative to the answer shown
    tram = by_text["(An image was here; the export does not hold it.)\n\nIs this tram the 28?"]
    assert tram["parent"] == first_answer["id"]
    assert all(m["parent"] is None or m["parent"] in ids for m in trip["branches"])
    assert answer["id"] in ids


def test_a_branch_imported_from_chatgpt_can_be_shown(cli: Cli, tmp_path: Path) -> None:
    """The imported tree is one the app's branches read: the alternative answer's branch."""
    from claude_tui.domain.branches import siblings
    from claude_tui.domain.conversation import Conversation

    assert cli.run("import", str(_export(tmp_path, "chatgpt"))).returncode == 0
    conversation = Conversation.from_dict(cli.only_conversation_titled("Trip to Lisbon"))
    answers = [message.text for message in siblings(conversation, 1)]
    assert answers == ["Day 1: Alfama. Day 2: Belém.", "Start at Belém, then Alfama."]


def test_a_bad_conversation_is_named_and_nothing_is_imported(cli: Cli, tmp_path: Path) -> None:
    def break_second(data: list[dict[str, Any]]) -> None:
        data[1]["name"] = "Capitals"
        data[1]["chat_messages"][1]["sender"] = "robot"

    result = cli.run("import", str(_export(tmp_path, "claude", break_second)))
    assert result.returncode == 1
    assert result.stderr == (
        "claude-tui: conversations.json: conversation 2 (“Capitals”): message 2: "
        '"sender" must be "human" or "assistant", not \'robot\'\n'
        "(Nothing was imported.)\n"
    )
    assert result.stdout == ""
    assert not (cli.data_dir / "conversations").exists()
    assert not (cli.data_dir / "attachments").exists()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            lambda c: c["mapping"]["q"]["message"].update(author=5),
            'message q: "author" must be an object with a "role"',
        ),
        (lambda c: c["mapping"]["a"].update(parent="gone"), "its parent 'gone' is not in"),
        (lambda c: c.update(current_node="nowhere"), "\"current_node\" 'nowhere' is not in"),
        (lambda c: c["mapping"]["r"].update(parent="a"), "is its own ancestor"),
    ],
)
def test_a_bad_chatgpt_conversation_is_named_and_nothing_is_imported(
    cli: Cli, tmp_path: Path, change: Any, said: str
) -> None:
    result = cli.run("import", str(_export(tmp_path, "chatgpt", lambda data: change(data[1]))))
    assert result.returncode == 1
    assert result.stderr.startswith("claude-tui: conversations.json: conversation 2 (“Haiku”): ")
    assert said in result.stderr
    assert not (cli.data_dir / "conversations").exists()


def test_a_file_cut_short_is_reported_at_the_conversation_it_stopped_at(
    cli: Cli, tmp_path: Path
) -> None:
    export = _export(tmp_path, "chatgpt")
    raw = export.read_text()
    export.write_text(raw[: raw.index("A haiku about rain")])
    result = cli.run("import", str(export))
    assert result.returncode == 1
    assert "conversation 2 (“Haiku”)" in result.stderr
    assert "cut short" in result.stderr
    assert "(Nothing was imported.)" in result.stderr
    assert not (cli.data_dir / "conversations").exists()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"conversations": []}', "not a Claude.ai or ChatGPT export"),
        ('[{"title": "x", "messages": []}]', "not a Claude.ai or ChatGPT export"),
        ("not json at all", "it is not JSON"),
        ("\udcff", "not UTF-8"),
    ],
)
def test_a_file_that_is_no_export_is_told_in_words(
    cli: Cli, tmp_path: Path, content: str, said: str
) -> None:
    path = tmp_path / "conversations.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    result = cli.run("import", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith("claude-tui: conversations.json: ")
    assert said in result.stderr
    assert not (cli.data_dir / "conversations").exists()


def test_a_missing_file_is_told(cli: Cli, tmp_path: Path) -> None:
    result = cli.run("import", str(tmp_path / "nowhere.json"))
    assert result.returncode == 1
    assert "nowhere.json: cannot read it: No such file or directory" in result.stderr


def test_the_export_s_zip_is_read_as_well(cli: Cli, tmp_path: Path) -> None:
    archive = tmp_path / "data-2025-05-01.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(EXPORTS / "claude_conversations.json", "conversations.json")
        zipped.writestr("users.json", "[]")
    result = cli.run("import", str(archive))
    assert result.returncode == 0, result.stderr
    assert "2 new conversations" in result.stdout
    assert cli.only_conversation_titled("Sourdough starter")


def test_an_export_that_grew_adds_only_its_new_messages(cli: Cli, tmp_path: Path) -> None:
    assert cli.run("import", str(_export(tmp_path, "claude"))).returncode == 0

    def one_more(data: list[dict[str, Any]]) -> None:
        data[1]["chat_messages"].append(
            {
                "uuid": "m-2c",
                "text": "And of New Zealand?",
                "sender": "human",
                "created_at": "2025-04-11T08:00:00Z",
                "content": [{"type": "text", "text": "And of New Zealand?"}],
            }
        )
        data[1]["updated_at"] = "2025-04-11T08:00:00Z"

    result = cli.run("import", str(_export(tmp_path, "claude", one_more)))
    assert result.returncode == 0, result.stderr
    assert "conversations): 1 conversation with 1 new message; 1 there already; 1 empty" in (
        result.stdout
    )
    capitals = cli.only_conversation_titled("What is the capital of Australia?")
    assert _texts(capitals)[-2:] == [("assistant", "Canberra."), ("user", "And of New Zealand?")]
    assert capitals["updated_at"].startswith("2025-04-11T08:00:00")
    assert len(cli.conversations()) == 2


def test_new_messages_of_a_conversation_continued_here_come_as_a_branch(
    cli: Cli, tmp_path: Path
) -> None:
    assert cli.run("import", str(_export(tmp_path, "chatgpt"))).returncode == 0
    store = ConversationStore(cli.data_dir)
    haiku_id = cli.only_conversation_titled("Haiku")["id"]
    here = store.load(haiku_id)
    here.append(Message.user("Another, about snow"))  # continued in claude-tui
    store.save(here)

    def continued_there(data: list[dict[str, Any]]) -> None:
        mapping = data[1]["mapping"]
        mapping["a"]["children"] = ["q2"]
        mapping["q2"] = {
            "id": "q2",
            "parent": "a",
            "children": [],
            "message": {
                "id": "q2",
                "author": {"role": "user"},
                "create_time": data[1]["update_time"] + 60,
                "content": {"content_type": "text", "parts": ["Now one about sun"]},
                "metadata": {},
            },
        }
        data[1]["current_node"] = "q2"

    result = cli.run("import", str(_export(tmp_path, "chatgpt", continued_there)))
    assert result.returncode == 0, result.stderr
    assert "1 continued here too, its 1 new message from the export added as a branch" in (
        result.stdout
    )
    haiku = cli.only_conversation_titled("Haiku")
    assert _texts(haiku)[-1] == ("user", "Another, about snow")  # ours, still shown
    assert _texts(haiku, "branches") == [("user", "Now one about sun")]
    assert haiku["branches"][0]["parent"] == haiku["messages"][1]["id"]
    again = cli.run("import", str(_export(tmp_path, "chatgpt", continued_there)))
    assert "2 there already" in again.stdout


def test_the_import_is_in_the_help(cli: Cli) -> None:
    result = cli.run("--help")
    assert "claude-tui import FILE" in result.stdout
    assert "import conversations.json" in result.stdout


def test_ctrl_c_while_writing_says_how_far_it_got(cli: Cli, tmp_path: Path) -> None:
    template = json.loads((EXPORTS / "claude_conversations.json").read_text())[0]
    many = []
    for number in range(4000):
        conversation = json.loads(json.dumps(template))
        conversation["uuid"] = f"5a1c3b8e-0000-4000-8000-{number:012d}"
        many.append(conversation)
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps(many))
    folder = cli.data_dir / "conversations"
    running = cli.start("import", str(export))
    try:
        deadline = time.monotonic() + 120
        while not (folder.exists() and any(folder.glob("*.json"))):  # writing has begun
            assert running.process.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        running.interrupt()
        status = running.finish()
    finally:
        running.kill()
    assert status == 130
    written = len(list(folder.glob("*.json")))
    assert 0 < written < 4000
    told = re.search(r"\(Stopped after writing (\d+) of 4000 conversations\. ", running.stderr)
    assert told is not None, running.stderr
    # (Ctrl+C may land between a file's write and its count: one more may be on disk.)
    assert int(told[1]) in (written, written - 1)
    assert "Import the file again to write the rest" in running.stderr
    again = cli.run("import", str(export))
    assert again.returncode == 0, again.stderr
    assert f"{4000 - written} new conversations; {written} there already" in again.stdout
    assert len(list(folder.glob("*.json"))) == 4000
