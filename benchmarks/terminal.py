"""A program in a pseudo-terminal, watched from outside: what it drew, and when.

A reader thread drains the terminal continuously (so the program never blocks on a full
buffer) and stamps every chunk with the time it arrived. :meth:`Terminal.wait_for` finds
text on the screen in the raw output, allowing escape sequences (colours, cursor moves)
between its characters, and answers with the arrival time of the chunk that completed
it. Times are ``time.perf_counter()`` (CLOCK_MONOTONIC on Linux, shared by all processes).

CPU time and memory of the program come from ``/proc/<pid>`` (Linux only).
"""

from __future__ import annotations

import bisect
import fcntl
import os
import pty
import re
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

# CSI (colours, cursor moves, modes), OSC (titles, clipboard) and two-byte escapes.
_ESCAPE = rb"(?:\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_=>])"
CLOCK_TICK = 1.0 / os.sysconf("SC_CLK_TCK")
_OVERLAP = 8192  # bytes searched again, for a text split across two reads

KEYS = {
    "enter": b"\r",
    "ctrl+q": b"\x11",
    "alt+down": b"\x1b[1;3B",
    "alt+up": b"\x1b[1;3A",
    "ctrl+f": b"\x06",
    "escape": b"\x1b",
}


class TerminalError(RuntimeError):
    """The program did not draw what was expected in time (or exited)."""


def _pattern(text: str) -> re.Pattern[bytes]:
    """``text`` as drawn: its characters, with any escape sequences between them."""
    parts = [re.escape(char.encode()) for char in text]
    return re.compile((_ESCAPE + b"*").join(parts))


class Terminal:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str],
        cwd: Path,
        size: tuple[int, int] = (120, 40),
    ) -> None:
        master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self._master = master
        self._raw = bytearray()
        self._ends: list[int] = []  # where each chunk ends in _raw ...
        self._times: list[float] = []  # ... and when it arrived
        self._changed = threading.Condition()
        self._closed = False
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the program closed the terminal
                data = b""
            now = time.perf_counter()
            with self._changed:
                if not data:
                    self._closed = True
                    self._changed.notify_all()
                    return
                self._raw += data
                self._ends.append(len(self._raw))
                self._times.append(now)
                self._changed.notify_all()

    def mark(self) -> int:
        """Where the output is now: pass it to ``wait_for`` to look only at what follows."""
        with self._changed:
            return len(self._raw)

    def wait_for(self, *texts: str, since: int = 0, timeout: float = 30.0) -> float:
        """When every one of ``texts`` had been drawn after ``since``: the arrival time of
        the chunk that completed the last of them."""
        patterns = [_pattern(text) for text in texts]
        deadline = time.perf_counter() + timeout
        found: dict[int, int] = {}  # pattern -> end offset of its first match
        scanned = since  # output before this was searched already (but for the overlap)
        with self._changed:
            while True:
                start = max(since, scanned - _OVERLAP)
                scanned = len(self._raw)
                for number, pattern in enumerate(patterns):
                    if number not in found:
                        match = pattern.search(self._raw, start)
                        if match is not None:
                            found[number] = match.end()
                if len(found) == len(patterns):
                    end = max(found.values())
                    return self._times[bisect.bisect_left(self._ends, end)]
                if self._closed:
                    raise TerminalError(
                        f"the program exited before drawing {texts!r}:\n{self.tail()}"
                    )
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TerminalError(f"{texts!r} not drawn in {timeout:g} s:\n{self.tail()}")
                self._changed.wait(min(left, 0.5))

    def tail(self, length: int = 2000) -> str:
        """The end of the output, escape sequences removed: for error messages."""
        with self._changed:
            raw = bytes(self._raw[-length * 4 :])
        return re.sub(_ESCAPE, b" ", raw).decode(errors="replace")[-length:]

    def send(self, *keys: str) -> float:
        """Type keys (names from KEYS, or literal text); the time they were written."""
        data = b"".join(KEYS.get(key, key.encode()) for key in keys)
        now = time.perf_counter()
        os.write(self._master, data)
        return now

    # -- the program, from /proc ----------------------------------------------------

    def cpu_seconds(self) -> float:
        """User + system CPU time of the program so far (every thread)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * CLOCK_TICK

    def memory_mb(self) -> tuple[float, float]:
        """(resident set size now, its peak so far), in MB."""
        values: dict[str, float] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024
        return values["VmRSS"], values["VmHWM"]

    def wait_idle(self, *, window: float = 0.4, busy: float = 0.1, timeout: float = 30.0) -> None:
        """Until the program uses less than ``busy`` of a CPU over ``window`` seconds
        (startup work such as importing the SDK in a thread is over)."""
        deadline = time.perf_counter() + timeout
        before = self.cpu_seconds()
        while time.perf_counter() < deadline:
            time.sleep(window)
            after = self.cpu_seconds()
            if after - before <= busy * window + CLOCK_TICK:
                return
            before = after
        raise TerminalError(f"still busy after {timeout:g} s")

    def close(self, quit_keys: Sequence[str] = ("ctrl+q",), timeout: float = 10.0) -> int:
        """Quit with ``quit_keys``; kill the program if it has not exited by ``timeout``."""
        if self.process.poll() is None:
            try:
                self.send(*quit_keys)
                self.process.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self._reader.join(2.0)
        os.close(self._master)
        return self.process.returncode

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
