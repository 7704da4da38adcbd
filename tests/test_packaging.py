"""The stylesheets and the price table load from an installed wheel and from an editable
install."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from claude_tui import paths

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
from pathlib import Path
import claude_tui
from claude_tui.tui.app import ClaudeTUI
from textual.app import App
from textual.css.stylesheet import Stylesheet
from claude_tui.config import Settings
from claude_tui.tui.themes import Looks
css = Path(ClaudeTUI.CSS_PATH[0])
theme = App().get_css_variables()  # with the variables of the app's own, as it has them
sheet = Stylesheet(variables={**theme, **Looks(Settings()).variables(theme)})
sheet.read(css)
sheet.parse()
print(Path(claude_tui.__file__).parent)
print(css)
"""

PRICES = """
from importlib import resources
from claude_tui.domain.pricing import PRICE_FILE, PriceTable
print(PriceTable.default().checked)
print(resources.files("claude_tui").joinpath(PRICE_FILE))
"""


def test_styles_and_prices_load_from_an_installed_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("claude_tui-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        assert "claude_tui/styles/app.tcss" in archive.namelist()
        assert "claude_tui/prices.toml" in archive.namelist()
        archive.extractall(site)

    def run(code: str) -> list[str]:
        env = {**os.environ, "PYTHONPATH": str(site)}
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
            env=env,
        )
        return result.stdout.split()

    package, css = run(CHECK)
    assert Path(package) == site / "claude_tui"
    assert Path(css) == site / "claude_tui" / "styles" / "app.tcss"
    checked, table = run(PRICES)
    assert (checked, Path(table)) == ("2026-12-02", site / "claude_tui" / "prices.toml")


def test_styles_load_from_the_source_tree_in_an_editable_install() -> None:
    assert paths.styles_dir() == ROOT / "styles"
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, cwd="/"
    )
    package, css = result.stdout.split()
    assert Path(package) == ROOT / "src" / "claude_tui"
    assert Path(css) == ROOT / "styles" / "app.tcss"
