"""``claude-tui import FILE``: bring in the conversations of a Claude.ai or ChatGPT export.

The whole file is read and converted first, with a progress bar; the first conversation
that cannot be read is told ("conversations.json: conversation 12 (“Title”): …") and
nothing is written. Then each conversation is written atomically, and one line says what
was done. Importing again adds nothing twice (see store/importing.py).
"""

from __future__ import annotations

from pathlib import Path

from claude_tui.config import Settings
from claude_tui.console.progress import progress_bar
from claude_tui.console.terminal import Streams, one_line
from claude_tui.domain.importing import ImportProblem
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.importing import ImportPlan, plan_import, read_export, write_import


def run_import(settings: Settings, file: Path, streams: Streams) -> int:
    """0 when every conversation is in the store, 1 when the export cannot be imported
    (nothing written) or a conversation could not be written (the others were)."""
    name = one_line(file.name)
    store = ConversationStore(settings.resolved_data_dir())
    problem: ImportProblem | None = None
    written = 0

    def step(done: int, total: int) -> None:
        nonlocal written
        written = done
        bar.step(done, total)

    with progress_bar(streams, f"Reading {name}") as bar:
        try:
            raw = read_export(file)
            plan = plan_import(store, raw, settings.chat_defaults(), bar.step)
        except ImportProblem as error:
            problem = error
        except KeyboardInterrupt:
            streams.note("(Stopped. Nothing was imported.)")
            raise
        else:
            bar.phase("Writing", len(plan.writes))
            try:
                result = write_import(store, plan, step)
            except KeyboardInterrupt:
                streams.note(
                    f"(Stopped after writing {written} of {len(plan.writes)} conversations. "
                    "Import the file again to write the rest: nothing is added twice.)"
                )
                raise
    if problem is not None:
        streams.error(f"{name}: {problem}")
        streams.note("(Nothing was imported.)")
        return 1
    for failure in result.failed:
        streams.error(f"not imported: {failure}")
    streams.stdout.write(summary(plan, name, result.written) + "\n")
    streams.stdout.flush()
    return 1 if result.failed else 0


def summary(plan: ImportPlan, name: str, written: int) -> str:
    """One line: what the export held and what became of it."""
    if not plan.total:
        return f"{name} holds no conversations: nothing to import."
    parts = [_count(len(plan.new), "new conversation")] if plan.new else []
    if plan.grown:
        grown = sum(count for _, _, count in plan.grown)
        parts.append(
            f"{_count(len(plan.grown), 'conversation')} with {_count(grown, 'new message')}"
        )
    if plan.branched:
        added = sum(count for _, _, count in plan.branched)
        parts.append(
            f"{len(plan.branched)} continued here too, its {_count(added, 'new message')} "
            "from the export added as a branch"
        )
    if plan.unchanged:
        parts.append(f"{plan.unchanged} there already")
    if plan.in_trash:
        parts.append(f"{plan.in_trash} deleted here, left in the trash")
    if plan.empty:
        parts.append(f"{plan.empty} empty, left out")
    failed = len(plan.writes) - written
    if failed:
        parts.append(f"{failed} not written")
    said = "; ".join(parts) if plan.new or plan.grown or plan.branched else "nothing new"
    if not (plan.new or plan.grown or plan.branched) and parts:
        said += f" ({'; '.join(parts)})"
    return f"Imported {name} ({plan.source}, {_count(plan.total, 'conversation')}): {said}."


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"
