"""DraftBook: unsent text stays with the conversation it was typed in (no widget needed)."""

from __future__ import annotations

from pathlib import Path

from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.drafts import DraftStore
from claude_tui.tui.drafts import NEW, DraftBook


def _listed(text: str) -> Conversation:
    conversation = Conversation(model="m", max_tokens=100)
    conversation.append(Message.user(text))
    return conversation


async def test_each_conversation_keeps_its_own_draft_across_a_restart(tmp_path: Path) -> None:
    alpha, bravo, new = _listed("Alpha"), _listed("Bravo"), Conversation(model="m", max_tokens=1)
    book = DraftBook(DraftStore(tmp_path))
    book.take({})
    assert book.swap(alpha, "half a thought", bravo) == ""
    assert book.swap(bravo, "for bravo", new) == ""
    assert book.swap(new, "not listed yet", alpha) == "half a thought"
    book.put_back(bravo.id, "refused. ")
    await book.save(alpha, "half a thought, more")
    assert not book.unsaved

    again = DraftBook(DraftStore(tmp_path))
    again.take(DraftStore(tmp_path).load())
    assert again.claim(bravo) == "refused. for bravo"
    assert again.claim(alpha) == "half a thought, more"
    assert again.swap(alpha, "", new) == "not listed yet"  # the new one's slot: NEW
    assert NEW == ""


async def test_nothing_is_written_before_the_saved_drafts_are_read(tmp_path: Path) -> None:
    (tmp_path / "drafts.json").write_text('{"version": 1, "drafts": {"x": "kept"}}')
    book = DraftBook(DraftStore(tmp_path))
    await book.save(_listed("A"), "typed while loading")
    assert "kept" in (tmp_path / "drafts.json").read_text()


async def test_a_failed_save_is_remembered_for_the_next_try(tmp_path: Path) -> None:
    blocker = tmp_path / "in-the-way"
    blocker.write_text("a file where the data folder should be")
    book = DraftBook(DraftStore(blocker))
    book.take({})
    await book.save(_listed("A"), "words")
    assert book.unsaved
