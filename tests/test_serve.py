"""``claude-tui serve``: the app in a browser, behind a token.

The server runs as a user runs it (``python -m claude_tui serve``, in a process of its own)
against the fake API. The browser test drives the system's Chromium through Playwright
(``executable_path``; Playwright's own browser download is never used) and reads what the
page's terminal shows by replaying the bytes the page received into a terminal emulator
(pyte) of the page's size.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.fake_api import FakeAnthropic, Gate, Reply

KEY = "sk-ant-api03-SERVE-TEST-KEY-never-in-the-page-0123456789"
REFUSED = "Forbidden: open the address claude-tui serve printed, with its token."
WIDE_OPEN = "not only on this machine"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    *("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"),
    *("--disable-background-networking", "--disable-component-update", "--disable-sync"),
]


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    stderr: Path

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 0

    @property
    def token(self) -> str:
        return urlsplit(self.url).query.removeprefix("token=")

    def get(self, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers=headers or {})
        return connection.getresponse()


def start_serving(
    fake_api: FakeAnthropic, tmp_path: Path, *options: str, new_session: bool = False
) -> Served:
    config = tmp_path / "config.toml"
    config.write_text("max_retries = 0\nrequest_timeout = 20\n")
    stderr = tmp_path / "serve-stderr.txt"
    command = [sys.executable, "-m", "claude_tui", "serve", "--config", str(config)]
    process = subprocess.Popen(
        [*command, "--data-dir", str(tmp_path / "data"), *options],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr.open("w"),
        text=True,
        start_new_session=new_session,
        env={
            **os.environ,
            "ANTHROPIC_API_KEY": KEY,
            "ANTHROPIC_BASE_URL": fake_api.url,
            "PYTHONUNBUFFERED": "1",
        },
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline().strip() if ready else ""
    if not line.startswith("http://"):
        process.kill()
        raise AssertionError(f"no address printed: {line!r}; stderr: {stderr.read_text()}")
    return Served(process, line, stderr)


def stop_serving(served: Served) -> None:
    served.process.send_signal(signal.SIGINT)
    try:
        served.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()


@pytest.fixture
def served(fake_api: FakeAnthropic, tmp_path: Path) -> Iterator[Served]:
    running = start_serving(fake_api, tmp_path)
    yield running
    stop_serving(running)


def test_the_address_is_on_this_machine_only_with_a_long_random_token(served: Served) -> None:
    parts = urlsplit(served.url)
    assert parts.hostname == "127.0.0.1"
    assert len(served.token) >= 40
    assert WIDE_OPEN not in served.stderr.read_text()
    # Bound to 127.0.0.1 alone: another loopback address (which a wildcard bind would
    # answer on) is refused.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", served.port), timeout=10).close()
    assert served.get(f"/?token={served.token}").status == 200


@pytest.mark.parametrize("path", ["/", "/static/js/textual.js", "/static/", "/ws", "/download/x"])
def test_every_route_refuses_a_request_without_the_token(served: Served, path: str) -> None:
    wrong = "x" * len(served.token)
    for attempt, headers in [
        (path, {}),
        (f"{path}?token={wrong}", {}),
        (f"{path}?token=", {}),
        (path, {"Cookie": f"claude_tui_0={served.token[:-1]}"}),
    ]:
        response = served.get(attempt, headers)
        assert (response.status, response.read().decode().strip()) == (403, REFUSED), attempt


def test_the_token_opens_the_page_and_its_cookie_the_page_s_own_requests(served: Served) -> None:
    page = served.get(f"/?token={served.token}")
    assert page.status == 200
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    html = page.read().decode()
    assert f"ws://127.0.0.1:{served.port}/ws" in html
    assert KEY not in html and KEY not in cookie
    pair = cookie.split(";")[0]
    script = served.get("/static/js/textual.js", {"Cookie": pair})
    assert script.status == 200 and b"WebSocket" in script.read()


def test_a_websocket_opened_from_another_site_is_refused(served: Served) -> None:
    pair = served.get(f"/?token={served.token}").headers["Set-Cookie"].split(";")[0]
    upgrade = {
        "Cookie": pair,
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    foreign = served.get("/ws", {**upgrade, "Origin": "http://evil.example"})
    assert foreign.status == 403
    assert "another site" in foreign.read().decode()
    own = served.get("/ws", {**upgrade, "Origin": f"http://127.0.0.1:{served.port}"})
    assert own.status == 101


def test_a_wider_host_is_served_with_a_warning(fake_api: FakeAnthropic, tmp_path: Path) -> None:
    running = start_serving(fake_api, tmp_path, "--host", "0.0.0.0")
    try:
        warning = running.stderr.read_text()
        assert WIDE_OPEN in warning and "plain HTTP" in warning
        assert urlsplit(running.url).hostname == socket.gethostname()
        assert running.get("/").status == 403
    finally:
        stop_serving(running)


def test_help_names_the_extra_and_the_token() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "claude_tui", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert 'pip install "claude-tui[serve]"' in shown and "token" in shown


async def test_ctrl_c_while_a_reply_streams_keeps_what_arrived(
    fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    """Ctrl+C in the server's terminal reaches every process of its group, the apps it
    runs too; the server then has each app quit as Ctrl+Q does, keeping the partial reply."""
    import aiohttp

    gate = Gate(after="Half of it.")
    fake_api.enqueue(Reply.text("Half of it. The rest never comes.", gate=gate))
    running = start_serving(fake_api, tmp_path, new_session=True)
    terminal = PageTerminal()
    terminal.events.append(("size", (100, 30)))
    try:
        jar = aiohttp.CookieJar(unsafe=True)  # (a cookie of 127.0.0.1)
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            async with session.get(running.url) as page:
                assert page.status == 200
            address = f"ws://127.0.0.1:{running.port}/ws?width=100&height=30"
            async with session.ws_connect(address) as websocket:

                async def read() -> None:
                    async for message in websocket:
                        if message.type == aiohttp.WSMsgType.BINARY:
                            terminal.events.append(("data", message.data))

                reader = asyncio.create_task(read())
                await until(lambda: "Start a conversation" in terminal.text(), "the app")
                await websocket.send_json(["focus"])
                await websocket.send_json(["stdin", "Keep this\r"])
                await gate.wait_held_async(timeout=60)
                await until(lambda: "Half of it." in terminal.text(), "the first half")
                os.killpg(running.process.pid, signal.SIGINT)
                running.process.wait(timeout=60)
                await asyncio.wait_for(reader, timeout=60)
    finally:
        stop_serving(running)
    exported = subprocess.run(
        [
            sys.executable,
            "-m",
            "claude_tui",
            "export",
            "--last",
            "--data-dir",
            str(tmp_path / "data"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Keep this" in exported.stdout and "Half of it." in exported.stdout


# -- in a real browser -------------------------------------------------------------------


class PageTerminal:
    """What the page's terminal shows: the bytes the page received from its websocket, at
    the sizes the page asked for, replayed into a terminal emulator."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def text(self) -> str:
        import pyte

        screen = pyte.Screen(80, 24)
        stream = pyte.ByteStream(screen)
        for kind, value in list(self.events):
            if kind == "size":
                screen.resize(lines=value[1], columns=value[0])
            else:
                stream.feed(value)
        return "\n".join(line.rstrip() for line in screen.display)


async def until(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (.ci/run installs it as root)")
async def test_in_a_browser_a_reply_streams_and_the_key_never_reaches_the_page(
    fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    from playwright.async_api import Response, Route, WebSocket, async_playwright

    gate = Gate(after="The first half streams.")
    fake_api.enqueue(Reply.text("The first half streams. The second half follows.", gate=gate))
    running = start_serving(fake_api, tmp_path)
    terminal = PageTerminal()
    received: list[bytes] = []
    sent: list[str] = []
    responses: list[Response] = []
    outside: list[str] = []

    def on_websocket(websocket: WebSocket) -> None:
        query = dict(part.split("=") for part in urlsplit(websocket.url).query.split("&"))
        terminal.events.append(("size", (int(query["width"]), int(query["height"]))))

        def on_sent(payload: str | bytes) -> None:
            text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
            sent.append(text)
            message = json.loads(text)
            if message[0] == "resize":
                terminal.events.append(("size", (message[1]["width"], message[1]["height"])))

        def on_received(payload: str | bytes) -> None:
            data = payload if isinstance(payload, bytes) else payload.encode()
            received.append(data)
            if isinstance(payload, bytes):
                terminal.events.append(("data", payload))

        websocket.on("framesent", on_sent)
        websocket.on("framereceived", on_received)

    async def only_this_machine(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:  # (the page asks for a web font; nothing may leave the machine)
            outside.append(route.request.url)
            await route.abort()

    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_FLAGS
            )
            page = await browser.new_page(viewport={"width": 1000, "height": 700})
            await page.route("**/*", only_this_machine)
            page.on("websocket", on_websocket)
            page.on("response", lambda response: responses.append(response))
            await page.goto(running.url)
            await until(lambda: "Start a conversation" in terminal.text(), "the app's screen")

            # A click in the page focuses it; the app then focuses its message box.
            await page.mouse.click(600, 300)
            await page.keyboard.type("Hello from the browser")
            await until(lambda: "Hello from the browser" in terminal.text(), "the typed text")
            await page.keyboard.press("Enter")
            await gate.wait_held_async(timeout=60)
            await until(lambda: "The first half streams." in terminal.text(), "the first half")
            assert "The second half follows." not in terminal.text()
            gate.release()
            await until(lambda: "The second half follows." in terminal.text(), "the rest")

            bodies = [await response.body() for response in responses]
            urls = [response.url for response in responses]
            await browser.close()
    finally:
        stop_serving(running)

    assert fake_api.requests[-1].headers["authorization"] == f"Bearer {KEY}"  # (from its env)
    sent_text = fake_api.requests[-1].body["messages"][-1]["content"]
    assert sent_text == [{"type": "text", "text": "Hello from the browser"}]
    assert len(bodies) >= 2 and received and sent
    for seen in [*bodies, *received, *(text.encode() for text in [*sent, *urls])]:
        assert KEY.encode() not in seen
        assert KEY[len("sk-ant-api03-") :].encode() not in seen
    assert all(urlsplit(url).hostname != "127.0.0.1" for url in outside)


def test_the_server_module_loads_without_textual() -> None:
    """The app runs in processes of its own; the server needs none of Textual."""
    code = "import sys, claude_tui.serve as s; s._server_class(); print('textual' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert loaded.stdout.strip() == "False", loaded.stderr
