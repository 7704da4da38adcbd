"""The ``claude-tui`` command: parse arguments, build settings, run the app.

``--help`` and ``--version`` answer without importing Textual or the SDK.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from claude_tui import __version__

EPILOG = """\
environment:
  ANTHROPIC_API_KEY    your API key (read by the Anthropic SDK)
  ANTHROPIC_BASE_URL   another Messages API endpoint (optional)

configuration file (TOML), for example:
  model = "claude-sonnet-5-5"
  max_tokens = 8192
  system = "Answer briefly."
"""


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from error
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    from claude_tui.core import config, paths

    parser = argparse.ArgumentParser(
        prog="claude-tui",
        description="A full-screen terminal app for talking with Claude.",
        epilog=f"{EPILOG}  (read from {paths.config_file()})\n\n"
        f"conversations are kept in {paths.data_dir()}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"claude-tui {__version__}")
    parser.add_argument(
        "--model", help=f"model for new conversations (default {config.DEFAULT_MODEL})"
    )
    parser.add_argument(
        "--max-tokens",
        type=_positive_int,
        metavar="N",
        help=f"reply length limit for new conversations (default {config.DEFAULT_MAX_TOKENS})",
    )
    parser.add_argument("--system", metavar="PROMPT", help="system prompt for new conversations")
    parser.add_argument("--config", type=Path, metavar="FILE", help="use this config file")
    parser.add_argument(
        "--data-dir", type=Path, metavar="DIR", help="keep conversations in DIR instead"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from claude_tui.core.config import ConfigError, load_settings

    try:
        settings = load_settings(
            config_path=args.config,
            model=args.model,
            max_tokens=args.max_tokens,
            system=args.system,
            data_dir=args.data_dir,
        )
    except ConfigError as error:
        print(f"claude-tui: {error}", file=sys.stderr)
        return 2

    from claude_tui.app import ClaudeTUI

    ClaudeTUI(settings).run()
    return 0
