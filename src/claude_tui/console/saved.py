"""Saved conversations on the command line: ``list`` them, ``export`` one."""

from __future__ import annotations

import json
from pathlib import Path

from claude_tui.config import Settings
from claude_tui.console.terminal import BOLD, Streams, one_line, saved_summaries
from claude_tui.console.usage import price_table
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.pricing import PriceTable, total_cost
from claude_tui.store.attachments import AttachmentStore
from claude_tui.store.bundle import write_bundle
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.export import (
    json_escaped,
    render,
    replace_export,
    target,
    write_export,
)
from claude_tui.store.lookup import NotFound, most_recently_used, resolve
from claude_tui.store.usage_index import UsageIndex

TIME_FORMAT = "%Y-%m-%d %H:%M"  # local time


def run_list(settings: Settings, as_json: bool, streams: Streams) -> int:
    """``claude-tui list``: every saved conversation, the one updated last first, with
    what its replies cost."""
    table = price_table(settings, streams)
    if table is None:
        return 2
    store = ConversationStore(settings.resolved_data_dir())
    summaries = saved_summaries(store, streams)
    replies = UsageIndex(store).metered(s.id for s in summaries)
    costs = {s.id: total_cost(replies.get(s.id, ()), table) for s in summaries}
    out = streams.stdout
    if as_json:
        rows = [
            {
                "id": s.id,
                "title": s.title,
                "updated_at": s.updated_at.isoformat(),
                "message_count": s.message_count,
                **costs[s.id].to_dict(),
            }
            for s in summaries
        ]
        out.write(json_escaped(json.dumps(rows, ensure_ascii=False, indent=2)) + "\n")
        return 0
    if not summaries:
        out.write('No saved conversations yet. Start one with: claude-tui "your question"\n')
        return 0
    ids = {s.id: one_line(s.id) for s in summaries}  # a file's name may hold anything
    width = max(len(shown) for shown in ids.values())
    cost_width = max(len("COST"), *(len(cost.text) for cost in costs.values()))
    header = f"{'ID':<{width}}  {'LAST USED':<16}  {'MESSAGES':>8}  {'COST':>{cost_width}}  TITLE"
    out.write(streams.styled(out, header, BOLD) + "\n")
    for s in summaries:
        when = s.updated_at.astimezone().strftime(TIME_FORMAT)
        cost = costs[s.id].text
        out.write(
            f"{ids[s.id]:<{width}}  {when:<16}  {s.message_count:>8}  {cost:>{cost_width}}  "
            f"{one_line(s.title)}\n"
        )
    return 0


def _format_for(output: str | None) -> str:
    """The format an output file's name asks for: JSON for ``.json``, else Markdown."""
    return "json" if output is not None and output.lower().endswith(".json") else "md"


def run_export(
    settings: Settings,
    reference: str | None,
    fmt: str | None,
    output: str | None,
    force: bool,
    streams: Streams,
    *,
    all_branches: bool = False,
    bundle: bool = False,
) -> int:
    """``claude-tui export``: one conversation as Markdown or JSON, to stdout or a file;
    with ``bundle``, a folder holding the Markdown and the attached files.

    ``reference`` is an id or a unique prefix of one; None means the one used last.
    ``-o FILE`` names the file exactly and never replaces one unless ``force``; ``-o DIR``
    (an existing folder) gets a file named after the title, numbered if the name is taken.
    A Markdown export links each attached file where the data folder keeps it.
    """
    if bundle and (fmt == "json" or output == "-"):
        streams.error("--bundle writes a folder of Markdown and files: drop --format json or -o -")
        return 2
    fmt = fmt or _format_for(output)
    table = price_table(settings, streams)
    if table is None:
        return 2
    store = ConversationStore(settings.resolved_data_dir())
    ids = [summary.id for summary in saved_summaries(store, streams)]
    try:
        if reference is None:
            conversation_id = most_recently_used(store.last_open(), ids)
            if conversation_id is None:
                raise NotFound("there are no saved conversations to export")
        else:
            conversation_id = resolve(reference, ids)
        conversation = store.load(conversation_id)
    except (NotFound, StoreError) as error:
        streams.error(str(error))
        return 1
    files = AttachmentStore(store.root)
    if bundle:
        return _export_bundle(conversation, files, table, output, streams, all_branches)
    text = render(conversation, fmt, table, all_branches=all_branches, links=files.uri)
    if output is None or output == "-":
        streams.stdout.write(text)  # printable, as every export is (see store/export.py)
        streams.stdout.flush()
        return 0
    given = Path(output).expanduser()
    path = target(given, conversation, fmt)
    exactly = path is given  # a file name, not a folder to write into
    try:
        if exactly and path.exists() and not force:
            streams.error(
                f"{path} already exists; add --force to replace it, "
                "or give a folder to get a new file there"
            )
            return 1
        if exactly and force:
            replace_export(path, text)
            written = path
        else:
            written = write_export(path, text)  # numbered only if it appeared meanwhile
    except OSError as error:
        streams.error(f"could not write {path}: {error.strerror or error}")
        return 1
    streams.stdout.write(f"Wrote {one_line(str(written))}\n")
    return 0


def _export_bundle(
    conversation: Conversation,
    files: AttachmentStore,
    table: PriceTable,
    output: str | None,
    streams: Streams,
    all_branches: bool,
) -> int:
    """``export --bundle``: the folder ``-o`` names (never one that exists), or a new
    folder named after the title in the folder ``-o`` names or else the working folder."""
    given = Path(output or ".").expanduser()
    try:
        into = given.is_dir()
    except OSError:
        into = False
    where, name = (given, None) if into else (given.parent, given.name)
    try:
        written = write_bundle(
            where, conversation, files, table, all_branches=all_branches, name=name
        )
    except FileExistsError:
        streams.error(f"{given} already exists; a bundle never replaces anything")
        return 1
    except OSError as error:
        streams.error(f"could not write the bundle in {where}: {error.strerror or error}")
        return 1
    streams.stdout.write(f"Wrote {one_line(str(written))}\n")
    return 0
