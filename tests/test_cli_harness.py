"""Running the real ``claude-tui`` entry point in a subprocess against the fake API.

Shared by the tests/test_cli_*.py modules; it holds no tests itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COMMAND = [sys.executable, "-m", "claude_tui"]
KEY = "test-key"


def _sigint_as_usual() -> None:  # pragma: no cover - runs in the child
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# A child inherits an ignored SIGINT (as under some CI runners); give it back its default.
_PREEXEC = _sigint_as_usual if signal.getsignal(signal.SIGINT) is signal.SIG_IGN else None


@dataclass
class Cli:
    url: str
    data_dir: Path
    config: Path
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def make(cls, url: str, tmp_path: Path) -> Cli:
        config = tmp_path / "config.toml"
        config.write_text("max_retries = 0\nrequest_timeout = 20\n")
        return cls(url, tmp_path / "data", config)

    def argv(self, *args: str) -> list[str]:
        return [*COMMAND, "--data-dir", str(self.data_dir), "--config", str(self.config), *args]

    def environment(self, key: str | None) -> dict[str, str]:
        env = {
            **os.environ,
            "ANTHROPIC_BASE_URL": self.url,
            "TZ": "UTC",
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        env.pop("ANTHROPIC_API_KEY", None)
        if key is not None:
            env["ANTHROPIC_API_KEY"] = key
        return env

    def run(
        self, *args: str, stdin: str | None = None, key: str | None = KEY, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """Run to the end; no terminal on any side (stdin is empty unless given)."""
        return subprocess.run(
            self.argv(*args),
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.environment(key),
        )

    def start(self, *args: str, key: str | None = KEY) -> Running:
        """Start it with pipes on every side, to talk to it and interrupt it."""
        process = subprocess.Popen(
            self.argv(*args),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.environment(key),
            preexec_fn=_PREEXEC,
        )
        return Running(process)

    # What landed on disk

    def conversations(self) -> list[dict[str, Any]]:
        """Every saved conversation file, oldest first."""
        folder = self.data_dir / "conversations"
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        return sorted(
            (json.loads(path.read_text()) for path in files), key=lambda data: data["created_at"]
        )

    def only_conversation(self) -> dict[str, Any]:
        conversations = self.conversations()
        assert len(conversations) == 1, conversations
        return conversations[0]

    def only_conversation_titled(self, title: str) -> dict[str, Any]:
        matches = [c for c in self.conversations() if c["title"] == title]
        assert len(matches) == 1, matches
        return matches[0]

    def last_open(self) -> str | None:
        value = json.loads((self.data_dir / "state.json").read_text())["last_open"]
        return value if isinstance(value, str) else None


def said(body: dict[str, Any]) -> list[tuple[str, str]]:
    """The messages of a request body as (role, text) pairs."""
    return [(m["role"], "".join(b["text"] for b in m["content"])) for m in body["messages"]]


class Running:
    """A started claude-tui whose output is read as it comes."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self._out = bytearray()
        self._err = bytearray()
        self._readers = [
            threading.Thread(target=self._read, args=(process.stdout, self._out), daemon=True),
            threading.Thread(target=self._read, args=(process.stderr, self._err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, sink: bytearray) -> None:
        while chunk := os.read(stream.fileno(), 4096):
            sink.extend(chunk)

    @property
    def stdout(self) -> str:
        return self._out.decode(errors="replace")

    @property
    def stderr(self) -> str:
        return self._err.decode(errors="replace")

    def type(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stdout:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(
                    f"{text!r} never came; stdout: {self.stdout!r}, stderr: {self.stderr!r}"
                )
            time.sleep(0.01)

    def close_input(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()

    def interrupt(self) -> None:
        self.process.send_signal(signal.SIGINT)

    def finish(self, timeout: float = 30) -> int:
        """Close its input and wait for it to end; its exit status."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        status = self.process.wait(timeout)
        for reader in self._readers:
            reader.join(5)
        return status

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *_: object) -> None:
        """Leaving the block kills it, if it still runs (a test that failed midway)."""
        self.kill()
