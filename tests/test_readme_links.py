"""The README's images and links to files of the repository lead somewhere, and its
screenshots are the snapshots ``python -m tests.screenshots`` copies."""

from __future__ import annotations

import re
from pathlib import Path

from tests.screenshots import CHOSEN, ROOT, SCREENSHOTS, SNAPSHOTS, copy_screenshots

README = ROOT / "README.md"
# ![alt](target) and [text](target); a target that is not a URL or an anchor is a path
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def local_links(text: str) -> list[str]:
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"[a-z]+:", target) and not target.startswith("#")
    ]


def test_every_image_and_file_the_readme_links_to_exists() -> None:
    links = local_links(README.read_text(encoding="utf-8"))
    images = [link for link in links if link.endswith(".svg")]
    assert len(images) >= 3, "the README shows screenshots"
    missing = [link for link in links if not (ROOT / link.split("#")[0]).exists()]
    assert missing == []


def test_the_readme_shows_only_screenshots_the_script_makes() -> None:
    shown = {
        Path(link).name
        for link in local_links(README.read_text(encoding="utf-8"))
        if link.startswith("docs/screenshots/")
    }
    assert shown <= set(CHOSEN)
    assert sorted(path.name for path in SCREENSHOTS.glob("*.svg")) == sorted(CHOSEN)


def test_the_script_copies_each_chosen_snapshot(tmp_path: Path) -> None:
    written = copy_screenshots(SNAPSHOTS, tmp_path / "shots")

    assert sorted(path.name for path in written) == sorted(CHOSEN)
    for path in written:
        assert path.read_bytes() == (SNAPSHOTS / CHOSEN[path.name]).read_bytes()


def test_the_links_found_are_the_local_ones() -> None:
    text = '![a](docs/a.svg) [b](https://x.org) [c](#keys) [d](src/x.py "title")'
    assert local_links(text) == ["docs/a.svg", "src/x.py"]
