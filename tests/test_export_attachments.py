"""Exports of a conversation with files: ``claude-tui export`` links each file where the
data folder keeps it; ``--bundle`` writes a folder to carry (the Markdown and the files,
linked relatively); JSON keeps the blocks as on disk. Run for real on a prepared folder."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import pytest

from claude_tui.config import Settings
from claude_tui.domain.attachments import Attachment
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.attachments import AttachmentStore
from claude_tui.store.conversations import ConversationStore
from claude_tui.tui.screens.dialogs import AskText
from tests import files, ui
from tests.test_cli_harness import Cli

WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
LINK = re.compile(
    r"- Attached: \[(?P<text>(?:\\.|[^\]])*)\]\((?P<url>[^)]*)\) \((?P<about>[^)]*)\)"
)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli.make("http://127.0.0.1:9", tmp_path)  # nothing here talks to the API


def _save(cli: Cli, *turns: tuple[str, list[Path]], title: str = "Pictures") -> Conversation:
    """A conversation of the user's messages (text and files, kept as the app keeps
    them), each with a reply."""
    kept = AttachmentStore(cli.data_dir)
    conversation = Conversation(
        model="claude-sonnet-5-5", max_tokens=1024, title=title, created_at=WHEN, updated_at=WHEN
    )
    for text, paths in turns:
        conversation.messages.append(Message.user(text, [kept.add(path) for path in paths]))
        conversation.messages.append(Message(role="assistant", content=[TextBlock("Seen.")]))
    ConversationStore(cli.data_dir).save(conversation)
    return conversation


def _export(cli: Cli, *args: str) -> str:
    result = cli.run("export", "--last", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_markdown_links_each_file_where_it_is_kept_or_says_it_is_missing(
    cli: Cli, tmp_path: Path
) -> None:
    shot = files.image(tmp_path / "shot [1].png")
    report = files.pdf(tmp_path / "report.pdf", pages=3)
    conversation = _save(cli, ("What are these?", [shot, report]))
    markdown = _export(cli)
    links = [match.groupdict() for match in LINK.finditer(markdown)]
    assert [(link["text"], link["about"]) for link in links] == [
        (r"shot \[1\].png", "PNG image, 140 B"),  # read as a name, not as Markdown
        ("report.pdf", f"PDF, 3 pages, {report.stat().st_size} B"),
    ]
    for link, original in zip(links, (shot, report), strict=True):
        target = Path(url2pathname(urlparse(link["url"]).path))
        assert target.parent == cli.data_dir / "attachments"
        assert target.read_bytes() == original.read_bytes()
    assert markdown.index("- Attached: [shot") < markdown.index("What are these?")
    pdf = conversation.messages[0].attachments[1]
    (cli.data_dir / "attachments" / pdf.file_name).unlink()
    markdown = _export(cli)
    assert f"- Attached: report.pdf (PDF, 3 pages, {pdf.size} B): attachment missing" in markdown
    assert len(LINK.findall(markdown)) == 1


def test_json_keeps_the_files_as_the_saved_file_names_them(cli: Cli, tmp_path: Path) -> None:
    _save(cli, ("Look", [files.image(tmp_path / "shot.png")]))
    exported = json.loads(_export(cli, "--format", "json"))
    saved = cli.only_conversation()
    assert exported == saved
    block = exported["messages"][0]["content"][0]
    assert block["type"] == "attachment" and set(block) >= {"digest", "name", "media_type"}


def _links(bundle: Path) -> list[tuple[str, str]]:
    """(link text, relative URL) of each file the bundle's Markdown links."""
    (markdown,) = bundle.glob("*.md")
    return [(m["text"], m["url"]) for m in LINK.finditer(markdown.read_text(encoding="utf-8"))]


def test_a_bundle_holds_every_file_under_its_own_name_linked_relatively(
    cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = files.image(tmp_path / "one" / "a.png", 10, 10)
    second = files.image(tmp_path / "two" / "a.png", 20, 20)  # another file, the same name
    report = files.pdf(tmp_path / "my report.pdf")
    gone = files.text(tmp_path / "gone.txt", "soon gone\n")
    conversation = _save(
        cli, ("First", [first, report]), ("Second", [second, gone]), ("Again", [first])
    )
    missing: Attachment = conversation.messages[2].attachments[1]
    (cli.data_dir / "attachments" / missing.file_name).unlink()
    out = tmp_path / "out"
    out.mkdir()
    result = cli.run("export", "--last", "--bundle", "-o", str(out))
    assert result.returncode == 0, result.stderr
    bundle = out / "pictures"
    assert result.stdout == f"Wrote {bundle}\n"
    assert sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*")) == [
        "files",
        "files/a-2.png",
        "files/a.png",
        "files/my report.pdf",
        "pictures.md",
    ]
    kept = {"files/a.png": first, "files/a-2.png": second, "files/my report.pdf": report}
    for relative, original in kept.items():
        assert (bundle / relative).read_bytes() == original.read_bytes()
    links = _links(bundle)
    assert [text for text, _ in links] == ["a.png", "my report.pdf", "a.png", "a.png"]
    for _, url in links:
        assert not urlparse(url).scheme and not url.startswith("/")  # relative
        assert (bundle / unquote(url)).is_file()
    assert [url for _, url in links] == [
        "files/a.png",
        "files/my%20report.pdf",
        "files/a-2.png",
        "files/a.png",
    ]
    markdown = (bundle / "pictures.md").read_text(encoding="utf-8")
    assert "- Attached: gone.txt (text, 10 B): attachment missing" in markdown
    again = cli.run("export", "--last", "--bundle", "-o", str(out))  # never replaces
    assert again.stdout == f"Wrote {out / 'pictures-1'}\n"
    assert (out / "pictures-1" / "files" / "a.png").read_bytes() == first.read_bytes()


def test_a_bundle_goes_where_o_names_it_here_without_o_and_never_over_anything(
    cli: Cli, tmp_path: Path
) -> None:
    _save(cli, ("Look", [files.image(tmp_path / "shot.png")]), title="A shot")
    named = tmp_path / "for-bob"
    assert cli.run("export", "--last", "--bundle", "-o", str(named)).returncode == 0
    assert sorted(p.name for p in named.iterdir()) == ["a-shot.md", "files"]
    taken = cli.run("export", "--last", "--bundle", "-o", str(named / "a-shot.md"))
    assert taken.returncode == 1
    assert "already exists; a bundle never replaces anything" in taken.stderr
    here = tmp_path / "here"
    here.mkdir()
    result = subprocess.run(
        cli.argv("export", "--last", "--bundle"),
        cwd=here,
        env=cli.environment(None),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (here / "a-shot" / "files" / "shot.png").is_file()
    refused = cli.run("export", "--last", "--bundle", "--format", "json")
    assert refused.returncode == 2 and "--bundle writes a folder" in refused.stderr


def test_file_names_with_control_codes_reach_no_export_as_codes(cli: Cli, tmp_path: Path) -> None:
    evil = files.image(tmp_path / "red\x1b[31m\x07.png")
    _save(cli, ("Look", [evil]))
    markdown = _export(cli)
    assert "\x1b" not in markdown and "\x07" not in markdown
    assert "- Attached: [red␛\\[31m␇.png](file://" in markdown
    out = tmp_path / "out"
    out.mkdir()
    assert cli.run("export", "--last", "--bundle", "-o", str(out)).returncode == 0
    (name,) = [p.name for p in (out / "pictures" / "files").iterdir()]
    assert name == "red␛[31m␇.png"
    bundled = (out / "pictures" / "pictures.md").read_text(encoding="utf-8")
    assert "\x1b" not in bundled and "\x07" not in bundled
    ((_, url),) = _links(out / "pictures")
    assert (out / "pictures" / unquote(url)).read_bytes() == evil.read_bytes()


def test_bundle_names_are_safe_and_unique_whatever_the_names_attached() -> None:
    from claude_tui.store.bundle import file_names

    def attached(name: str, number: int, media_type: str = "image/png") -> Attachment:
        return Attachment(f"{number:064x}", name, media_type, 10, 1)

    files_attached = [
        attached("Shot.PNG", 1),
        attached("shot.png", 2),  # the same name on a system that ignores case
        attached("shot.png", 2),  # the same file again: one copy
        attached("..", 3),
        attached(".env", 4, "text/plain"),
        attached("x" * 300 + ".pdf", 5, "application/pdf"),
    ]
    names = list(file_names(files_attached).values())
    assert names[:4] == ["Shot.PNG", "shot-2.png", "file.png", "env.txt"]
    assert names[4].endswith("x.pdf") and len(names[4].encode()) <= 255


async def test_the_apps_export_links_the_files_where_they_are_kept(
    settings: Settings, data_dir: Path, tmp_path: Path
) -> None:
    kept = AttachmentStore(data_dir)
    shot = kept.add(files.image(tmp_path / "shot.png"))
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1024, title="Pictures")
    conversation.append(Message.user("What is this?", [shot]))
    conversation.append(Message(role="assistant", content=[TextBlock("A square.")]))
    ConversationStore(data_dir).save(conversation)
    target = tmp_path / "pictures.md"
    async with ui.running(settings, open=conversation.id) as (app, pilot):
        await ui.palette(pilot, app, "export markdown", "Export as Markdown", opens=AskText)
        await pilot.press("ctrl+a", "ctrl+k")
        await ui.submit(pilot, str(target))
        await ui.wait_until(pilot, lambda: "Wrote" in ui.screen_text(app))
    (link,) = LINK.finditer(target.read_text())
    assert link["text"] == "shot.png"
    assert Path(url2pathname(urlparse(link["url"]).path)) == kept.path_of(shot)
