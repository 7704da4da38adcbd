"""The ``claude-tui`` command: parse arguments, build settings, run the app or a command.

``claude-tui [PROMPT]`` runs the full-screen app; ``-p`` prints one reply instead
(``--no-save``: and keeps no conversation); ``chat``, ``list``, ``export``, ``usage``,
``import`` and ``serve`` are commands of their own (see :mod:`claude_tui.console` and
:mod:`claude_tui.serve`). ``--debug`` logs the requests of the app, ``-p`` and ``chat`` to
a file (see :mod:`claude_tui.debug_log`).
A command's name is recognised as the first word that is not an option, unless ``--``
came before it (``claude-tui -p -- list`` sends "list").

``--help`` and ``--version`` answer without importing Textual or the SDK.

Every command warns on standard error when others can write the data folder;
``claude-tui --fix-permissions`` takes their write permission away.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from claude_tui.arguments import (
    NEW_CONVERSATION_OPTIONS,
    build_command_parser,
    build_parser,
    split_command,
    with_text_well_formed,
)

if TYPE_CHECKING:
    from claude_tui.config import Settings
    from claude_tui.console.terminal import Streams

__all__ = ["main", "split_command"]


def main(argv: Sequence[str] | None = None) -> int:
    from claude_tui.console.terminal import guard_standard_streams

    guard_standard_streams()
    command, rest = split_command(sys.argv[1:] if argv is None else argv)
    parser = build_parser() if command is None else build_command_parser(command)
    args = with_text_well_formed(parser.parse_args(rest))
    if command == "export" and not (args.id or args.last):
        parser.error("give a conversation ID, or --last")
    if command is None and args.attach and not args.print_reply:
        parser.error("-a goes with -p (in the app, type @ and a path in the input box)")
    if command is None and args.save is False and not args.print_reply:
        parser.error("--no-save goes with -p (a conversation in the app is always kept)")
    if command is None and args.save is False and args.resume:
        parser.error("--no-save asks a one-off question; -c continues a saved conversation")
    from claude_tui import paths
    from claude_tui.config import ConfigError, load_settings
    from claude_tui.console.terminal import (
        EXIT_INTERRUPTED,
        EXIT_OUTPUT_CLOSED,
        OutputClosed,
        Streams,
    )

    streams = Streams()
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
        streams.error(str(error))
        return 2
    if getattr(args, "fix_permissions", False):
        return _fix_permissions(settings, streams)
    if getattr(args, "debug", False):
        from claude_tui import debug_log

        try:
            log_path = debug_log.start(settings.api_key, settings.base_url)
        except debug_log.DebugLogError as error:
            streams.error(str(error))
            return 1
        streams.note(f"(Writing a debug log to {log_path}: no content, no key.)")
    if command is not None or args.print_reply:  # (the app's screen would hide it)
        warning = paths.permissions_warning(settings.resolved_data_dir())
        if warning is not None:
            streams.error(warning)
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
    if command == "import":
        from claude_tui.console.importing import run_import

        return run_import(settings, args.file, streams)
    if command == "serve":
        from claude_tui.serve import run_serve

        return run_serve(args.host, args.port, args.config, args.data_dir, streams)
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
            bundle=args.bundle,
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

        # --no-save (or no_save in the config, unless --save or -c): no conversation kept
        save = args.save if args.save is not None else args.resume or not settings.no_save
        return run_print(settings, prompt, request, streams, attach=args.attach, save=save)
    if not sys.stdin.isatty() and not os.environ.get("TEXTUAL_DRIVER"):  # (serve: a web one)
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


def _fix_permissions(settings: Settings, streams: Streams) -> int:
    """``claude-tui --fix-permissions``: the data folder made its owner's alone."""
    from claude_tui import paths

    folder = settings.resolved_data_dir()
    try:
        fixed = paths.fix_permissions(folder)
    except OSError as error:
        streams.error(f"could not change {error.filename}: {error.strerror or error}")
        return 1
    for path in fixed:
        streams.note(f"{path}: group and others can no longer write it.")
    if not fixed:
        streams.note(f"{folder}: only you can write it already.")
    return 0
