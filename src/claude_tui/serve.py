"""``claude-tui serve``: the app in a browser, through textual-serve (the ``serve`` extra).

textual-serve is an aiohttp server: its page loads a terminal (xterm.js) that opens a
websocket, and each websocket runs one ``claude-tui`` process (this interpreter, the same
``--data-dir`` and ``--config``) with a web driver instead of a terminal.

What this module adds around it:

- a random token in the printed address: every route (the page, its static files, the
  websocket, downloads) refuses a request without it (403). The page's first request
  carries it in the query (``?token=``) and gets it back as a cookie of this run (HttpOnly,
  SameSite=Strict) for the requests the page makes itself; a websocket opened from a page of
  another origin is refused too;
- 127.0.0.1 unless ``--host`` says otherwise (with a warning), on a free port unless
  ``--port`` names one;
- the page's addresses are built from the request's own host, so an address that works in
  the browser keeps working for the page's files and its websocket.

The API key reaches the app only through its process's environment (or its config file),
never through the page, its address or its HTML.

Nothing here imports Textual; textual-serve and aiohttp are imported when ``serve`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import secrets
import shlex
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_tui.domain.text import printable

if TYPE_CHECKING:
    from aiohttp import web

    from claude_tui.console.terminal import Streams

DEFAULT_HOST = "127.0.0.1"
TOKEN_PARAMETER = "token"
MISSING_EXTRA = (
    "claude-tui serve needs the \"serve\" extra (textual-serve): pip install 'claude-tui[serve]'"
)
REFUSED = "Forbidden: open the address claude-tui serve printed, with its token.\n"
FOREIGN_ORIGIN = "Forbidden: the websocket was opened from another site.\n"


EPILOG = """\
Needs the serve extra: pip install "claude-tui[serve]". It prints an address with a
random token (a new one each run); a request without that token is refused. Each browser
tab runs its own copy of the app, on the same conversations. The API key stays in this
process's environment (or the config file): it is never sent to the browser.
"""


def add_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``serve``'s own options, added to ``parser``."""
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"the address to listen on (default {DEFAULT_HOST}: this machine only); "
        "another, such as 0.0.0.0, lets other machines in (with a warning: plain HTTP)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=0,
        metavar="N",
        help="the port to listen on (default: a free one, printed in the address)",
    )
    return parser


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (0 to 65535)")
    return int(value)


def is_loopback(host: str) -> bool:
    """Whether ``host`` can be reached from this machine alone."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def wide_open_warning(host: str) -> str | None:
    """What to tell the user before serving on ``host``; None for a loopback address."""
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host}, not only on this machine: anyone who can reach it "
        "and has the address with its token can use the app, your conversations and your "
        "API key, and the connection is plain HTTP (not encrypted). Use it only on a "
        "network you trust."
    )


def app_command(config: Path | None, data_dir: Path | None) -> str:
    """The shell command each browser session runs: the app in this interpreter, with the
    same files. No key and nothing secret goes into it."""
    words = [sys.executable, "-m", "claude_tui"]
    if config is not None:
        words += ["--config", str(config.expanduser().resolve())]
    if data_dir is not None:
        words += ["--data-dir", str(data_dir.expanduser().resolve())]
    return shlex.join(words)


def address(host: str, port: int, token: str) -> str:
    """The address to open: ``http://HOST:PORT/?token=TOKEN`` (this machine's name for a
    wildcard host, brackets around an IPv6 one)."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/?{TOKEN_PARAMETER}={token}"


class TokenGate:
    """aiohttp middleware: a request passes with the token in its query or in this run's
    cookie, and a websocket only from a page of the same origin."""

    __middleware_version__ = 1  # (what aiohttp's @web.middleware marks: a new-style one)

    def __init__(self, token: str) -> None:
        self.token = token
        # One name per run: a stale cookie of an earlier run is never even compared.
        self.cookie = f"claude_tui_{secrets.token_hex(4)}"

    def _admits(self, given: str | None) -> bool:
        return given is not None and secrets.compare_digest(
            given.encode("utf-8", "surrogateescape"), self.token.encode()
        )

    async def __call__(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        from aiohttp import web
        from yarl import URL

        in_query = self._admits(request.query.get(TOKEN_PARAMETER))
        if not (in_query or self._admits(request.cookies.get(self.cookie))):
            return web.Response(status=403, text=REFUSED)
        origin = request.headers.get("Origin")
        if (
            request.headers.get("Upgrade", "").lower() == "websocket"
            and origin is not None
            and URL(origin).raw_authority != request.host
        ):
            return web.Response(status=403, text=FOREIGN_ORIGIN)
        response = await handler(request)
        if in_query and not response.prepared:
            response.set_cookie(self.cookie, self.token, path="/", httponly=True, samesite="Strict")
        return response


def _server_class() -> type[Any]:
    """textual-serve's Server, told to build its page from the request and to keep quiet;
    made here so that textual-serve is imported only when serving."""
    import aiohttp_jinja2
    from textual_serve.server import Server, to_int

    class GatedServer(Server):
        def __init__(self, command: str, gate: TokenGate) -> None:
            super().__init__(command, title="claude-tui")
            self.gate = gate

        async def _make_app(self) -> web.Application:
            app: web.Application = await super()._make_app()
            app.middlewares.append(self.gate)
            return app

        async def on_startup(self, app: web.Application) -> None:
            """(Not textual-serve's banner: ``serve`` prints the address itself.)"""

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            router = request.app.router
            origin = f"{request.scheme}://{request.host}"
            websocket = "wss" if request.scheme == "https" else "ws"
            static = str(router["static"].url_for(filename="/")).rstrip("/") + "/"
            return {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": f"{websocket}://{request.host}{router['websocket'].url_for()}",
                "config": {"static": {"url": f"{origin}{static}"}},
                "application": {"name": self.title},
            }

    return GatedServer


async def serve(
    command: str,
    host: str,
    port: int,
    token: str,
    ready: Callable[[int], None],
    stop: asyncio.Event | None = None,
) -> None:
    """Serve ``command`` on ``host``:``port`` (0: a free one) until ``stop`` is set, or
    SIGINT/SIGTERM; ``ready`` gets the bound port once requests can come in."""
    from aiohttp import web

    server = _server_class()(command, TokenGate(token))
    app = await server._make_app()
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=5.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        ready(int(runner.addresses[0][1]))
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def run_serve(
    host: str, port: int, config: Path | None, data_dir: Path | None, streams: Streams
) -> int:
    """``claude-tui serve``: the address on standard output, notes on standard error;
    serves until Ctrl+C."""
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        streams.error(MISSING_EXTRA)
        return 2
    warning = wide_open_warning(host)
    if warning is not None:
        streams.error(warning)
    # What goes wrong in a session (textual-serve's and aiohttp's logs) goes to stderr.
    logging.basicConfig(level=logging.WARNING, format="claude-tui serve: %(message)s")
    token = secrets.token_urlsafe(32)

    def ready(bound: int) -> None:
        print(printable(address(host, bound, token)), file=streams.stdout, flush=True)
        streams.note(
            "Open that address in a browser: anyone with it can use the app while this "
            "runs. Ctrl+C stops it."
        )

    try:
        asyncio.run(serve(app_command(config, data_dir), host, port, token, ready))
    except OSError as error:
        streams.error(f"cannot serve on {host} port {port}: {error.strerror or error}")
        return 1
    return 0
