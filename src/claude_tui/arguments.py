"""The command line's words: the usage, the help, the options of each command, and which
command a line asks for. ``cli.py`` runs what these parse.

Nothing here imports Textual or the SDK (``--help`` answers without them).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tui import __version__

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

COMMANDS = ("chat", "list", "export", "usage", "import", "serve")

USAGE = """\
claude-tui [options] [PROMPT]
       claude-tui -p [options] [-a FILE]... [--no-save] [PROMPT]
       claude-tui chat [options]
       claude-tui list [--json]
       claude-tui export (ID | --last) [--format md|json] [-o FILE] [--force] [--all-branches]
                         [--bundle]
       claude-tui usage [--days N] [--json]
       claude-tui import FILE
       claude-tui serve [--host HOST] [--port N]
       claude-tui --fix-permissions"""

COMMANDS_HELP = """\
commands:
  (none)    the full-screen app; with PROMPT it opens a new conversation and sends it
  chat      talk line by line in the terminal, without the full screen
  list      the saved conversations, the one updated last first
  export    one conversation as Markdown or JSON (claude-tui export --help)
  usage     tokens and cost of the saved conversations, by day and by model
  import    the conversations of a Claude.ai or ChatGPT data export (claude-tui import --help)
  serve     the app in a browser (needs the serve extra: claude-tui serve --help)

examples:
  claude-tui                              open the app
  claude-tui "Explain Python's GIL"       open the app and send this
  claude-tui -c                           open the app at the conversation used last
  claude-tui -p "Name three fruits"       print the reply, no full screen
  git diff | claude-tui -p "Review this"  the prompt, a blank line, then the piped text
  claude-tui -p -a shot.png "What is it?" send a file with the prompt (-a again for more)
  claude-tui -p -c "And a fourth?"        continue the conversation used last
  claude-tui -p --no-save "2+2?"          a one-off question: no conversation is kept
  claude-tui chat                         talk line by line (quit, exit or Ctrl+D leaves;
                                          @path in a line sends that file)
  claude-tui list                         what is saved
  claude-tui export --last -o notes.md    the conversation used last, as Markdown
  claude-tui export 3f2a --format json    by id (or its first characters), to stdout
  claude-tui usage --days 7               what the last seven days cost
  claude-tui import conversations.json    bring in a Claude.ai or ChatGPT export
  claude-tui --debug                      log requests (no content, no key) to a file
  claude-tui serve                        the app in a browser: open the address it prints
  claude-tui -p -- list                   a prompt named like a command goes after --
"""

ENVIRONMENT = """\
environment:
  ANTHROPIC_API_KEY    your API key (without one, the app asks for it; /key there
                       changes it)
  ANTHROPIC_BASE_URL   another Messages API endpoint (optional)
  NO_COLOR             set to anything: no colour on the command line (no-color.org)

configuration file (TOML), for example:
  model = "claude-sonnet-5-5"
  max_tokens = 8192
  system = "Answer briefly."
  thinking = "adaptive"    (off, between_tools, adaptive or budget, with thinking_budget)
  effort = "high"          (low, medium, high, xhigh or max; default: the model's)
  temperature = 0.3        (and top_p; only models before Claude 5 take them)
  stop_sequences = ["END"]
  prompt_caching = true
  theme = "nord"           (a Textual theme; the one chosen with Ctrl+P → Theme is kept here)
  reading_width = 100      (columns of a message's text on a wide terminal; 0: no limit)
  api_key = "sk-ant-..."   (only in a file no one else can read: chmod 600; the
                            app's /key can save it there; ANTHROPIC_API_KEY wins)
  no_save = true           (-p keeps no conversation, as --no-save; --save keeps it)
  [keys]                   (remapped keys: names and keys as F1 lists them)
  new_conversation = "ctrl+t"
"""

EXPORT_EPILOG = """\
-o FILE names the file exactly and never replaces one (unless --force); -o DIR (an
existing folder) writes a file named after the title there, numbered if the name is taken.
Without --format, a FILE ending in .json gets JSON, anything else Markdown.

examples:
  claude-tui export --last                 Markdown on stdout
  claude-tui export 3f2a -o ~/notes/       into a folder, named after the title
  claude-tui export --last --format json -o backup.json
  claude-tui export --last --bundle -o ~/notes/
                                           a folder: the Markdown and its files, to zip
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
        "--debug",
        action="store_true",
        help="write a log of the requests (model, sizes, status, timings, retries; never "
        "their content or the key) to the log folder, and say where",
    )
    options.add_argument(
        "-c",
        "--continue",
        dest="resume",
        action="store_true",
        help="continue the conversation used last (in the app or here) instead of a new one",
    )
    return options


class _Parser(argparse.ArgumentParser):
    """argparse, but what it prints (help, usage, an error naming a bad argument) shows
    every control character as a visible symbol."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        from claude_tui.domain.text import printable

        super()._print_message(printable(message), file)


def _parser(
    prog: str,
    description: str,
    *parents: argparse.ArgumentParser,
    epilog: str | None = None,
    usage: str | None = None,
) -> argparse.ArgumentParser:
    return _Parser(
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
        "-a",
        "--attach",
        action="append",
        default=[],
        metavar="FILE",
        help="with -p: send FILE with the message (an image, a PDF or a text file); "
        "repeat for more; the prompt may then be left out",
    )
    parser.add_argument(
        "--save",
        action=argparse.BooleanOptionalAction,
        help="with -p: --no-save keeps no conversation of this one-off question; --save "
        "keeps it whatever no_save in the config file says",
    )
    parser.add_argument(
        "--fix-permissions",
        action="store_true",
        help="make the data folder yours alone (no writing by group or others), then exit",
    )
    parser.add_argument(
        "prompt",
        nargs="*",
        metavar="PROMPT",
        help="a message to send (quote it; words are joined by spaces)",
    )
    return parser


def build_command_parser(command: str) -> argparse.ArgumentParser:
    if command == "import":
        parser = _parser(
            "claude-tui import",
            "Bring in the conversations of a data export: Claude.ai's or ChatGPT's\n"
            "conversations.json (or the export's zip). The whole file is read first: if\n"
            "a conversation in it cannot be read, it is named and nothing is imported.\n"
            "Importing again adds nothing twice, only what the export gained since.\n"
            "ChatGPT's other branches (edited questions, regenerated answers) become\n"
            "branches here.",
            _files_options(),
        )
        parser.add_argument("file", type=Path, metavar="FILE", help="conversations.json")
        return parser
    if command == "chat":
        return _parser(
            "claude-tui chat",
            "Talk with Claude line by line, without the full screen: a line is a message; "
            "@path in it sends that file (an image, a PDF or a text file; @'a b.png' or "
            "@a\\ b.png for a name with spaces); quit, exit or Ctrl+D leaves; Ctrl+C stops "
            "a reply. Works with piped input too.",
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
    if command == "serve":
        from claude_tui.serve import EPILOG, add_options

        parser = _parser(
            "claude-tui serve",
            "Serve the full-screen app to a web browser, until Ctrl+C.",
            _files_options(),
            epilog=EPILOG,
        )
        return add_options(parser)
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
    parser.add_argument(
        "--bundle",
        action="store_true",
        help="write a folder (into -o DIR, else here): the Markdown and a files/ folder "
        "with the attached files, linked relatively",
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


# Arguments that become text sent or saved (paths are left as the system gave them).
TEXT_ARGUMENTS = ("prompt", "model", "system", "id")


def with_text_well_formed(args: argparse.Namespace) -> argparse.Namespace:
    """``args`` with every text argument made well-formed: bytes that were not UTF-8
    (which Python hands over as surrogate escapes) become U+FFFD, so what is saved can
    always be sent again."""
    from claude_tui.domain.text import well_formed

    for name in TEXT_ARGUMENTS:
        value = getattr(args, name, None)
        if isinstance(value, str):
            setattr(args, name, well_formed(value))
        elif isinstance(value, list):
            setattr(args, name, [well_formed(word) for word in value])
    return args
