"""Where the benchmarks run: temporary folders, an environment that cannot reach the
internet or the user's own files, and the commands that start the app.

Every program started here gets HOME, the XDG folders and ``--data-dir`` inside one
temporary folder, a dummy API key, and ANTHROPIC_BASE_URL pointing at the fake Messages
API on 127.0.0.1 (``tests/fake_api.py``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.fake_api import FakeAnthropic

from benchmarks.terminal import Terminal

REPO = Path(__file__).resolve().parents[1]
DUMMY_KEY = "sk-ant-benchmark-dummy"
# The sidebar's title and the input box's placeholder: drawn means the first paint is done.
FIRST_PAINT = ("Conversations", "Message Claude")
_PASSED_ON = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED")


class Sandbox:
    def __init__(self, base_url: str, keep: bool = False) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="claude-tui-bench-"))
        self.base_url = base_url
        self.keep = keep
        self.home = self.root / "home"
        self.home.mkdir()

    def folder(self, name: str) -> Path:
        """A fresh folder (emptied if it exists)."""
        path = self.root / name
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def env(self) -> dict[str, str]:
        env = {name: os.environ[name] for name in _PASSED_ON if name in os.environ}
        env.setdefault("LANG", "C.UTF-8")
        env.update(
            TERM="xterm-256color",
            COLORTERM="truecolor",
            HOME=str(self.home),
            XDG_DATA_HOME=str(self.root / "xdg-data"),
            XDG_CONFIG_HOME=str(self.root / "xdg-config"),
            XDG_CACHE_HOME=str(self.root / "xdg-cache"),
            XDG_STATE_HOME=str(self.root / "xdg-state"),
            ANTHROPIC_CONFIG_DIR=str(self.root / "anthropic-config"),
            ANTHROPIC_API_KEY=DUMMY_KEY,
            ANTHROPIC_BASE_URL=self.base_url,
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        return env

    def isolate_this_process(self) -> None:
        """The same isolation for this process (it runs the store and search in-process)."""
        for name in (
            "ANTHROPIC_AUTH_TOKEN",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ):
            os.environ.pop(name, None)
        for name, value in self.env().items():
            if name not in ("TERM", "COLORTERM", "PATH", "LANG"):
                os.environ[name] = value

    def cleanup(self) -> None:
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


def app_command(data_dir: Path, simulate: str | None = None) -> list[str]:
    """``python -m claude_tui --data-dir DIR``: the app as a user starts it; with
    ``simulate``, through ``benchmarks/regressions.py``, which first breaks it on purpose."""
    if simulate:
        return [
            sys.executable,
            "-m",
            "benchmarks.regressions",
            simulate,
            "--data-dir",
            str(data_dir),
        ]
    return [sys.executable, "-m", "claude_tui", "--data-dir", str(data_dir)]


def bare_command() -> list[str]:
    return [sys.executable, str(REPO / "benchmarks" / "bare_app.py")]


def forget_session(data_dir: Path) -> None:
    """Remove what a previous launch remembered (the open conversation, drafts), so every
    launch starts alike."""
    for name in ("state.json", "drafts.json"):
        (data_dir / name).unlink(missing_ok=True)


@dataclass
class Context:
    """What every figure needs: where to run, the fake API, how many runs."""

    sandbox: Sandbox
    fake: FakeAnthropic
    runs: int
    quick: bool
    simulate: str | None = None

    def launch(self, data_dir: Path, size: tuple[int, int] = (120, 40)) -> Terminal:
        """The app, started on ``data_dir`` as a user starts it, in a pseudo-terminal."""
        forget_session(data_dir)
        return Terminal(
            app_command(data_dir, self.simulate), env=self.sandbox.env(), cwd=REPO, size=size
        )

    def launch_ready(self, data_dir: Path, *drawn: str) -> Terminal:
        """The app, once it has drawn its first screen (and ``drawn``) and gone idle
        (the SDK is imported in a thread after the first paint)."""
        terminal = self.launch(data_dir)
        try:
            terminal.wait_for(*FIRST_PAINT, *drawn, timeout=60)
            terminal.wait_idle()
        except BaseException:
            terminal.close()
            raise
        return terminal
