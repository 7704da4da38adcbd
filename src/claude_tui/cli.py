"""The ``claude-tui`` command: parse arguments, build settings, run the app or a command.

``claude-tui [PROMPT]`` runs the full-screen app; ``-p`` prints one reply instead;
``chat``, ``list``, ``export`` and ``usage`` are commands of their own (see
:mod:`claude_tui.console`).
A command's name is recognised as the first word that is not an option, unless ``--``
came before it (``claude-tui -p -- list`` sends "list").

``--help`` and ``--version`` answer without importing Textual or the SDK.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tui import __version__

if TYPE_CHECKING:
    from claude_tui.config import Settings
    from claude_tui.console.terminal import Streams

COMMANDS = ("chat", "list", "export", "usage")

USAGE = """\
claude-tui [options] [PROMPT]
       claude-tui -p [options] [PROMPT]
       claude-tui chat [options]
       claude-tui list [--json]
       claude-tui export (ID | --last) [--format md|json] [-o FILE] [--force] [--all-branches]
       claude-tui usage [--days N] [--json]"""

COMMANDS_HELP = """\
commands:
  (none)    the full-screen app; with PROMPT it opens a new conversation and sends it
  chat      talk line by line in the terminal, without the full screen
  list      the saved conversations, the one updated last first
  export    one conversation as Markdown or JSON (claude-tui export --help)
  usage     tokens and cost of the saved conversations, by day and by model

examples:
  claude-tui                              open the app
  claude-tui "Explain Python's GIL"       open the app and send this
  claude-tui -c                           open the app at the conversation used last
  claude-tui -p "Name three fruits"       print the reply, no full screen
  git diff | claude-tui -p "Review this"  the prompt, a blank line, then the piped text
  claude-tui -p -c "And a fourth?"        continue the conversation used last
  claude-tui chat                         talk line by line (quit, exit or Ctrl+D leaves)
  claude-tui list                         what is saved
  claude-tui export --last -o notes.md    the conversation used last, as Markdown
  claude-tui export 3f2a --format json    by id (or its first characters), to stdout
  claude-tui usage --days 7               what the last seven days cost
  claude-tui -p -- list                   a prompt named like a command goes after --
"""

ENVIRONMENT = """\
environment:
  ANTHROPIC_API_KEY    your API key
  ANTHROPIC_BASE_URL   another Messages API endpoint (optional)

configuration file (TOML), for example:
  model = "claude-sonnet-5-5"
  max_tokens = 8192
  system = "Answer briefly."
  thinking = "adaptive"    (off, between_tools, adaptive or budget, with thinking_budget)
  effort = "high"          (low, medium, high, xhigh or max; default: the model's)
  temperature = 0.3        (and top_p; only models before Claude 5 take them)
  stop_sequences = ["END"]
  prompt_caching = true
  api_key = "sk-ant-..."   (only in a file no one else can read: chmod 600;
                            ANTHROPIC_API_KEY wins over it)
"""

EXPORT_EPILOG = """\
-o FILE names the file exactly and never replaces one (unless --force); -o DIR (an
existing folder) writes a file named after the title there, numbered if the name is taken.
Without --format, a FILE ending in .json gets JSON, anything else Markdown.

examples:
  claude-tui export --last                 Markdown on stdout
  claude-tui export 3f2a -o ~/notes/       into a folder, named after the title
  claude-tui export --last --format json -o backup.json
"""


NEW_CONVERSATION_OPTIONS = (
    *("model", "max_tokens", "system", "thinking", "thinking_budget"),
    *("effort", "temperature", "top_p"),
)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from error
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _files_options() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--config", type=Path, metavar="FILE", help="use this config file")
    options.add_argument(
        "--data-dir", type=Path, metavar="DIR", help="keep conversations in DIR instead"
    )
    return options


def _conversation_options() -> argparse.ArgumentParser:
    from claude_tui import config

    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--model", help=f"model for new conversations (default {config.DEFAULT_MODEL})"
    )
    options.add_argument(
        "--max-tokens",
        type=_positive_int,
        metavar="N",
        help=f"reply length limit for new conversations (default {config.DEFAULT_MAX_TOKENS})",
    )
    options.add_argument("--system", metavar="PROMPT", help="system prompt for new conversations")
    from claude_tui.domain.settings import EFFORT_LEVELS, THINKING_CHOICES

    options.add_argument(
        "--thinking",
        choices=THINKING_CHOICES,
        help=f"thinking for new conversations (default {config.DEFAULT_THINKING}, or the "
        "nearest the model takes)",
    )
    options.add_argument(
        "--thinking-budget", type=_positive_int, metavar="N", help="tokens for --thinking budget"
    )
    options.add_argument(
        "--effort",
        choices=EFFORT_LEVELS,
        help="effort for new conversations (default: the model's)",
    )
    options.add_argument(
        "--temperature", type=float, metavar="T", help="0 to 1; only older models take it"
    )
    options.add_argument(
        "--top-p", type=float, metavar="P", help="0 to 1; only older models take it"
    )
    options.add_argument(
        "-c",
        "--continue",
        dest="resume",
        action="store_true",
        help="continue the conversation used last (in the app or here) instead of a new one",
    )
    return options


def _parser(
    prog: str,
    description: str,
    *parents: argparse.ArgumentParser,
    epilog: str | None = None,
    usage: str | None = None,
) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog=prog,
        usage=usage,
        description=description,
        epilog=epilog,
        parents=list(parents),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )


def build_parser() -> argparse.ArgumentParser:
    """The main command: the app, or with -p one printed reply."""
    from claude_tui import paths

    parser = _parser(
        "claude-tui",
        "A terminal app for talking with Claude.",
        _conversation_options(),
        _files_options(),
        usage=USAGE,
        epilog=f"{COMMANDS_HELP}\n{ENVIRONMENT}  (read from {paths.config_file()})\n\n"
        f"conversations are kept in {paths.data_dir()}",
    )
    parser.add_argument("--version", action="version", version=f"claude-tui {__version__}")
    parser.add_argument(
        "-p",
        "--print",
        dest="print_reply",
        action="store_true",
        help="no full screen: send PROMPT (and/or piped text), print the reply, exit",
    )
    parser.add_argument(
        "prompt",
        nargs="*",
        metavar="PROMPT",
        help="a message to send (quote it; words are joined by spaces)",
    )
    return parser


def build_command_parser(command: str) -> argparse.ArgumentParser:
    if command == "chat":
        return _parser(
            "claude-tui chat",
            "Talk with Claude line by line, without the full screen: a line is a message; "
            "quit, exit or Ctrl+D leaves; Ctrl+C stops a reply. Works with piped input too.",
            _conversation_options(),
            _files_options(),
        )
    if command == "list":
        parser = _parser(
            "claude-tui list",
            "List the saved conversations, the one updated last first: id, when it was last "
            "used (local time), how many messages, what its replies cost, title.",
            _files_options(),
        )
        parser.add_argument("--json", action="store_true", help="as JSON, for scripts")
        return parser
    if command == "usage":
        parser = _parser(
            "claude-tui usage",
            "Tokens and cost of the saved conversations' replies: by day (local time) and\n"
            "model, by model, and in total. A model the price table does not know costs\n"
            '"unknown", never a guess; [prices] in the config file adds or replaces prices.',
            _files_options(),
        )
        parser.add_argument(
            "--days",
            type=_positive_int,
            metavar="N",
            help="only the last N days, today included (default: all)",
        )
        parser.add_argument("--json", action="store_true", help="as JSON, for scripts")
        return parser
    from claude_tui.store.export import FORMATS

    parser = _parser(
        "claude-tui export",
        "Export one saved conversation as Markdown or JSON.",
        _files_options(),
        epilog=EXPORT_EPILOG,
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("id", nargs="?", metavar="ID", help="its id, or the first characters of it")
    which.add_argument("--last", action="store_true", help="the conversation used last")
    parser.add_argument("--format", choices=sorted(FORMATS), help="md (Markdown) or json")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (or into the folder FILE) instead of stdout",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.add_argument(
        "--all-branches", action="store_true", help="Markdown: every branch, not only the shown one"
    )
    return parser


def _valued_options(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name for action in parser._actions if action.nargs != 0 for name in action.option_strings
    }


def split_command(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """(the command, the other arguments): a command is the first word that is neither an
    option nor an option's value, before any ``--``; None for the main command."""
    valued = _valued_options(build_parser())
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            break
        if word in valued:
            index += 2
            continue
        if word.startswith("-") and word != "-":
            index += 1
            continue
        if word in COMMANDS:
            return word, [*argv[:index], *argv[index + 1 :]]
        break
    return None, list(argv)


def main(argv: Sequence[str] | None = None) -> int:
    command, rest = split_command(sys.argv[1:] if argv is None else argv)
    parser = build_parser() if command is None else build_command_parser(command)
    args = parser.parse_args(rest)
    if command == "export" and not (args.id or args.last):
        parser.error("give a conversation ID, or --last")
    from claude_tui.config import ConfigError, load_settings

    try:
        settings = load_settings(
            config_path=args.config,
            model=getattr(args, "model", None),
            max_tokens=getattr(args, "max_tokens", None),
            system=getattr(args, "system", None),
            thinking=getattr(args, "thinking", None),
            thinking_budget=getattr(args, "thinking_budget", None),
            effort=getattr(args, "effort", None),
            temperature=getattr(args, "temperature", None),
            top_p=getattr(args, "top_p", None),
            data_dir=args.data_dir,
        )
    except ConfigError as error:
        print(f"claude-tui: {error}", file=sys.stderr)
        return 2

    from claude_tui.console.terminal import (
        EXIT_INTERRUPTED,
        EXIT_OUTPUT_CLOSED,
        OutputClosed,
        Streams,
    )

    streams = Streams()
    try:
        return _run(command, args, settings, streams)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except (OutputClosed, BrokenPipeError):  # `claude-tui list | head`
        # Nothing more can be written; quiet the interpreter's last flush of stdout too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OUTPUT_CLOSED


def _run(
    command: str | None, args: argparse.Namespace, settings: Settings, streams: Streams
) -> int:
    if command == "list":
        from claude_tui.console.saved import run_list

        return run_list(settings, args.json, streams)
    if command == "usage":
        from claude_tui.console.usage import run_usage

        return run_usage(settings, args.days, args.json, streams)
    if command == "export":
        from claude_tui.console.saved import run_export

        return run_export(
            settings,
            None if args.last else args.id,
            args.format,
            args.output,
            args.force,
            streams,
            all_branches=args.all_branches,
        )
    from claude_tui.console.talk import Request

    request = Request(
        resume=args.resume,
        new_settings_given=any(
            getattr(args, name) is not None for name in NEW_CONVERSATION_OPTIONS
        ),
    )
    if command == "chat" or args.print_reply:
        from claude_tui.console.models import refuse_unknown_model

        if refuse_unknown_model(settings, args.model, request, streams):
            return 2
    if command == "chat":
        from claude_tui.console.chat import run_chat

        return run_chat(settings, request, streams)
    prompt = " ".join(args.prompt) or None
    if args.print_reply:
        from claude_tui.console.print import run_print

        return run_print(settings, prompt, request, streams)
    if not sys.stdin.isatty():
        streams.error(
            "the full-screen app needs a terminal to read keys from. To send "
            "piped text, use -p: echo question | claude-tui -p"
        )
        return 2

    from claude_tui.tui import collector
    from claude_tui.tui.app import ClaudeTUI

    collector.tune()
    app = ClaudeTUI(settings, prompt=prompt, resume=args.resume, freeze_after_start=True)
    app.run()
    return app.return_code or 0  # 1 after a crash, which Textual has reported
