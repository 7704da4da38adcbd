"""Properties of the conversation store (core/storage.py, core/keeper.py) over generated
conversations and generated damage: whatever is saved loads back the same, and whatever
lies in the conversations folder never crashes a load or the listing."""

from __future__ import annotations

import asyncio
import json
import operator
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from claude_tui.domain.blocks import (
    ContentBlock,
    OtherBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
)
from claude_tui.domain.conversation import Conversation, ConversationSummary
from claude_tui.domain.errors import INTERRUPTED, ErrorInfo
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.domain.values import SchemaError
from claude_tui.store.conversations import (
    ConversationStore,
    ConversationUnreadable,
    StoreError,
    encode,
    encode_lines,
    encode_message,
)
from claude_tui.store.drafts import DraftStore
from claude_tui.store.keeper import ConversationKeeper

# The autouse fixture of conftest.py only sets environment variables: running it once for
# many examples is harmless. Each example builds its own store in a temporary folder.
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    database=None,  # nothing left behind in the working tree; a failure prints its example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEWER = settings(PROPERTY, max_examples=50)  # several conversations, or several saves, each

# -- conversations --------------------------------------------------------------------

CHARS = st.characters(codec="utf-8")  # every code point but the surrogates, controls too
AWKWARD = [
    "",
    " ",
    "\u2028",
    "\u2029",
    "\x00",
    "\x85",
    "\x7f",
    "\r\n",
    "\t",
    "\ufeff",
    "😀",
    "e\u0301",
    "[bold]",
    "[bold]x[/bold]",
    "[/]",
    "[link=https://example.com]x[/link]",
    "\x1b[31mred",
    '"',
    "\\",
    ",\n    ",
    '\n  "messages": [\n    ',
    "\n  ]\n}\n",
    "null",
    "{}",
    "New conversation",
]


def texts(max_size: int = 30) -> st.SearchStrategy[str]:
    return st.one_of(st.text(CHARS, max_size=max_size), st.sampled_from(AWKWARD))


def optional_texts() -> st.SearchStrategy[str | None]:
    return st.none() | texts()


LONG_TEXTS = st.builds(
    operator.mul, st.text(CHARS, min_size=1, max_size=4), st.integers(2_000, 20_000)
)
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=9, minutes=45))]
)
# Files keep timestamps to the millisecond: generate them so, and objects compare equal.
TIMESTAMPS = st.datetimes(
    min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=ZONES
).map(lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000))
# A file name: no "/", no leading ".", no NUL; short enough for the temporary file's name.
CONVERSATION_IDS = st.text(
    st.characters(categories=("L", "Nd")) | st.sampled_from("-_"), min_size=1, max_size=30
)
# An empty message id is read as a missing one (a new id is made): ids are never empty.
MESSAGE_IDS = st.text(CHARS, min_size=1, max_size=20)

JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts(), inner, max_size=4),
    max_leaves=8,
)
KNOWN_BLOCK_TYPES = ("text", "thinking", "tool_use")
BLOCKS: st.SearchStrategy[ContentBlock] = st.one_of(
    st.builds(TextBlock, text=texts() | LONG_TEXTS),
    st.builds(ThinkingBlock, thinking=texts() | LONG_TEXTS, signature=texts()),
    st.builds(ToolUseBlock, id=texts(), name=texts(), input=JSON_VALUES),
    st.builds(
        lambda kind, extra: OtherBlock({**extra, "type": kind}),
        texts().filter(lambda kind: kind not in KNOWN_BLOCK_TYPES),
        st.dictionaries(texts(), JSON_VALUES, max_size=3),
    ),
)
CONTENTS = st.lists(BLOCKS, max_size=3)
USAGES = st.builds(Usage, *[st.integers(0, 10**9)] * 4)
ERRORS = st.builds(
    ErrorInfo,
    kind=texts(),
    title=texts(),
    detail=texts(),
    hint=texts(),
    status_code=st.none() | st.integers(),
    request_id=optional_texts(),
)
ENDED = st.sampled_from([TurnStatus.COMPLETE, TurnStatus.STOPPED, TurnStatus.FAILED])

USER_MESSAGES = st.builds(
    Message, role=st.just("user"), content=CONTENTS, id=MESSAGE_IDS, created_at=TIMESTAMPS
)
ASSISTANT_MESSAGES = st.builds(
    Message,
    role=st.just("assistant"),
    content=CONTENTS,
    id=MESSAGE_IDS,
    created_at=TIMESTAMPS,
    status=ENDED,
    response_id=optional_texts(),
    model=optional_texts(),
    stop_reason=optional_texts(),
    usage=st.none() | USAGES,
    error=st.none() | ERRORS,
)
MESSAGES = USER_MESSAGES | ASSISTANT_MESSAGES


def conversations(max_messages: int = 4) -> st.SearchStrategy[Conversation]:
    return st.builds(
        Conversation,
        model=texts(),
        max_tokens=st.integers(-(2**40), 2**40),
        system=optional_texts(),
        id=CONVERSATION_IDS,
        title=texts(80),
        title_set_by_user=st.booleans(),
        created_at=TIMESTAMPS,
        updated_at=TIMESTAMPS,
        # A message's id is its own: a second one is given another as it is read
        messages=st.lists(MESSAGES, max_size=max_messages, unique_by=lambda m: m.id),
    )


# Memory-backed where there is such a folder: every save syncs to disk, and a disk's
# syncs would take most of the run (tests/test_crash_consistency.py uses the real disk).
SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None


@contextmanager
def new_store() -> Iterator[ConversationStore]:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as folder:
        yield ConversationStore(Path(folder) / "data")


# -- saved conversations load back the same --------------------------------------------


@PROPERTY
@given(conversations())
def test_any_conversation_round_trips_through_the_store(conversation: Conversation) -> None:
    with new_store() as store:
        store.save(conversation)
        raw = store.path_of(conversation.id).read_bytes()
        assert json.loads(raw) == conversation.to_dict()

        loaded = store.load(conversation.id)
        assert loaded.to_dict() == conversation.to_dict()
        assert loaded == conversation

        stored = store.read(conversation.id)
        again, lines = stored.conversation, stored.lines
        assert again == conversation
        # The file's own lines, for the next save to reuse (none to reuse in "[]").
        assert lines == (
            [encode_message(message.to_dict()) for message in conversation.messages]
            if conversation.messages
            else None
        )
        assert encode_lines(conversation.header_dict(), lines or []) == raw

        expected = ConversationSummary.of(conversation)
        assert store.list_summaries() == ([expected], [])
        assert store.list_summaries() == ([expected], [])  # now answered from the index
        assert store.indexed_summaries()[0] == [expected]
        assert not store.quarantine_dir.exists()


@FEWER
@given(st.lists(conversations(max_messages=2), max_size=3, unique_by=lambda c: c.id), st.data())
def test_the_listing_agrees_with_every_saved_conversation(
    saved: list[Conversation], data: st.DataObject
) -> None:
    with new_store() as store:
        for conversation in saved:
            store.save(conversation)
        _assert_listed_as(store, saved)

        for conversation in saved:  # each changes: the index must not answer with the old
            conversation.title = data.draw(texts(80))
            conversation.messages.append(data.draw(MESSAGES))
            conversation.updated_at = data.draw(TIMESTAMPS)
            store.save(conversation)
        _assert_listed_as(store, saved)


def _assert_listed_as(store: ConversationStore, saved: list[Conversation]) -> None:
    summaries, notices = store.list_summaries()
    assert notices == []
    assert sorted(summaries, key=lambda s: s.id) == sorted(
        (ConversationSummary.of(c) for c in saved), key=lambda s: s.id
    )
    assert [s.updated_at for s in summaries] == sorted((c.updated_at for c in saved), reverse=True)
    for summary in summaries:
        loaded = store.load(summary.id)
        assert (loaded.title, len(loaded.messages)) == (summary.title, summary.message_count)


@FEWER
@given(conversations(), MESSAGES)
def test_the_keeper_saves_and_reopens_any_conversation_unchanged(
    conversation: Conversation, extra: Message
) -> None:
    assume(extra.id not in {message.id for message in conversation.messages})
    with new_store() as store:
        path = store.path_of(conversation.id)

        async def save_reopen_and_grow() -> None:
            await ConversationKeeper(store).save(conversation)
            assert path.read_bytes() == encode(conversation.to_dict())
            keeper = ConversationKeeper(store)  # a new start: nothing in memory
            opened = await keeper.load(conversation.id)
            assert opened == conversation
            await keeper.save(opened)  # from the lines it read: the same bytes again
            assert path.read_bytes() == encode(conversation.to_dict())
            opened.messages.append(extra)
            await keeper.save(opened)

        asyncio.run(save_reopen_and_grow())
        grown = store.load(conversation.id)
        assert grown.messages == [*conversation.messages, extra]
        assert path.read_bytes() == encode(grown.to_dict())


@PROPERTY
@given(conversations(max_messages=2), CONTENTS)
def test_a_reply_saved_mid_stream_loads_as_interrupted_with_its_content(
    conversation: Conversation, content: list[ContentBlock]
) -> None:
    conversation.messages.append(
        Message(role="assistant", content=content, status=TurnStatus.STREAMING)
    )
    with new_store() as store:
        store.save(conversation)
        loaded = store.load(conversation.id)
    assert loaded.messages[:-1] == conversation.messages[:-1]
    reply = loaded.messages[-1]
    assert (reply.status, reply.error, reply.content) == (TurnStatus.FAILED, INTERRUPTED, content)


# -- damaged files never crash loading or listing ----------------------------------------

BYSTANDERS = [
    Conversation(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        id=f"bystander{n}",
        title=f"[bold]Bystander {n}[/bold]",
        updated_at=datetime(2026, 11, 20 + n, tzinfo=UTC),
        messages=[
            Message(
                role=role,
                content=[TextBlock(f"{role} {m} — ✓")],
                id=f"{role}{m}",
                created_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
            for m in range(n)
            for role in ("user", "assistant")
        ],
    )
    for n in range(3)
]


def _file_of(conversation: Conversation, **changes: Any) -> bytes:
    """The file of ``conversation`` with some fields changed (``...``: removed)."""
    document = {**conversation.to_dict(), **changes}
    return json.dumps({k: v for k, v in document.items() if v is not ...}).encode()


NESTINGS = st.builds(
    operator.mul, st.sampled_from([b"[", b'{"a":', b'{"messages":[']), st.integers(1, 200_000)
)


def truncations(raw: bytes) -> st.SearchStrategy[bytes]:
    return st.integers(0, len(raw)).map(lambda length: raw[:length])


TRUNCATED_FILES = conversations(max_messages=3).flatmap(
    lambda c: st.tuples(st.just(c.id), truncations(encode(c.to_dict())))
)
# Timestamps a file may hold that parse: every offset, every year.
ISO_TIMESTAMPS = st.datetimes(
    timezones=st.builds(
        timezone,
        st.timedeltas(
            min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
        ),
    )
).map(datetime.isoformat)
MUTANTS = JSON_VALUES | ISO_TIMESTAMPS | st.sampled_from([*TurnStatus, *KNOWN_BLOCK_TYPES])


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid file with a few values replaced, removed or added anywhere in it."""
    conversation = draw(conversations(max_messages=3))
    document: Any = conversation.to_dict()
    for _ in range(draw(st.integers(1, 3))):
        places = list(_places(document))
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "remove":
            del container[key]
        elif action == "add" and isinstance(container, list):
            container.insert(key, draw(MUTANTS))
        elif action == "add":
            container[draw(texts())] = draw(MUTANTS)
        else:
            container[key] = draw(MUTANTS)
    # A file whose id is not its name is refused by both (a test of its own below).
    if isinstance(document, dict) and isinstance(document.get("id"), str):
        document["id"] = conversation.id
    return conversation.id, json.dumps(document, ensure_ascii=False).encode()


def _places(value: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key) in a JSON value."""
    children = (
        value.items()
        if isinstance(value, dict)
        else (enumerate(value) if isinstance(value, list) else ())
    )
    for key, child in children:
        yield value, key
        yield from _places(child)


DAMAGED_FILES = st.one_of(
    st.tuples(st.just("victim"), st.binary(max_size=400)),
    st.tuples(st.just("victim"), NESTINGS),
    TRUNCATED_FILES,
    mutated_files(),
)


@PROPERTY
@given(DAMAGED_FILES, st.booleans())
@example(("victim", b"[" * 100_000), False)
@example(("victim", b"[" * 100_000), True)
@example(("victim", b'{"schema_version": 1, "messages": ' * 50_000), False)
@example(
    ("victim", _file_of(BYSTANDERS[1], id="victim", updated_at="0001-01-01T00:30:00+01:00")), False
)
@example(
    ("victim", _file_of(BYSTANDERS[1], id="victim", created_at="9999-12-31T23:59:59.999-00:01")),
    True,
)
def test_whatever_a_conversation_file_holds_loading_and_listing_do_not_crash(
    damaged: tuple[str, bytes], list_first: bool
) -> None:
    conversation_id, raw = damaged
    with new_store() as store:
        for bystander in BYSTANDERS:
            store.save(bystander)
        path = store.path_of(conversation_id)
        path.write_bytes(raw)
        if list_first:
            _list_checking_quarantine(store, path, raw)
            outcome = _load_checking_quarantine(store, path, raw)
        else:
            outcome = _load_checking_quarantine(store, path, raw)
            _list_checking_quarantine(store, path, raw)

        listed, notices = store.list_summaries()  # both have judged the file by now
        assert notices == []
        assert {s.id: s for s in listed if s.id != conversation_id} == {
            b.id: ConversationSummary.of(b) for b in BYSTANDERS
        }
        victim = [s for s in listed if s.id == conversation_id]
        if isinstance(outcome, Conversation):
            # What the store reads, the listing shows, and a save writes back (to the
            # millisecond, as files keep time: a finer timestamp typed in is rounded down).
            assert victim == [ConversationSummary.of(outcome)]
            store.save(outcome)
            assert store.load(conversation_id).to_dict() == outcome.to_dict()
        elif outcome == "quarantined":
            assert victim == []
        # "newer": a newer claude-tui's file may be listed, and is never moved or changed.


def _load_checking_quarantine(
    store: ConversationStore, path: Path, raw: bytes
) -> Conversation | str:
    """The conversation, or "quarantined", or "newer"; fails on anything else."""
    if not path.exists():  # the listing moved it aside already
        with pytest.raises(StoreError):
            store.load(path.stem)
        return "quarantined"
    try:
        loaded = store.load(path.stem)
    except ConversationUnreadable as error:
        assert not path.exists()
        moved_to = error.notice.moved_to
        assert moved_to is not None and moved_to.parent == store.quarantine_dir
        assert moved_to.read_bytes() == raw
        return "quarantined"
    except StoreError as error:
        assert "newer claude-tui" in str(error)
        assert path.read_bytes() == raw  # left where it is, untouched
        return "newer"
    assert path.read_bytes() == raw
    return loaded


def _list_checking_quarantine(
    store: ConversationStore, path: Path, raw: bytes
) -> list[ConversationSummary]:
    summaries, notices = store.list_summaries()
    for notice in notices:
        assert notice.original == path
        assert notice.moved_to is not None and notice.moved_to.read_bytes() == raw
        assert not path.exists()
    return summaries


def test_every_truncation_of_a_file_is_either_whole_json_or_quarantined_untouched() -> None:
    conversation = Conversation(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        system="Be brief — ✓",
        id="cut",
        title="[bold]Cut[/bold] 😀",
        messages=[
            Message.user("Bonjour, ça va ? \u2028 😀"),
            Message(
                role="assistant",
                content=[ThinkingBlock("hm…", "sig"), TextBlock("Oui ✓")],
                usage=Usage(1, 2, 3, 4),
                stop_reason="end_turn",
            ),
            Message(
                role="assistant",
                content=[TextBlock("half")],
                status=TurnStatus.FAILED,
                error=ErrorInfo("overloaded", "Busy", status_code=529),
            ),
        ],
    )
    with new_store() as store:
        store.save(BYSTANDERS[1])
        store.save(conversation)
        whole = store.path_of("cut").read_bytes()
        path = store.path_of("cut")
        readable = []
        for length in range(len(whole) + 1):
            raw = whole[:length]
            path.write_bytes(raw)
            if length % 2:
                outcome = _load_checking_quarantine(store, path, raw)
                listed = _list_checking_quarantine(store, path, raw)
            else:
                listed = _list_checking_quarantine(store, path, raw)
                outcome = _load_checking_quarantine(store, path, raw)
            assert ConversationSummary.of(BYSTANDERS[1]) in listed
            if isinstance(outcome, Conversation):
                assert outcome.to_dict() == conversation.to_dict()
                readable.append(length)
            else:
                assert outcome == "quarantined"
            for moved in store.quarantine_dir.glob("*"):
                moved.unlink()  # one at a time: the next keeps the plain name
        # Only the whole file, and the whole file but its final newline, are JSON.
        assert readable == [len(whole) - 1, len(whole)]


# -- load and listing agree; odd but valid files save back ------------------------------


def test_a_file_without_a_title_is_read_alike_by_load_and_listing() -> None:
    with new_store() as store:
        store.ensure()
        path = store.path_of("untitled")
        path.write_bytes(_file_of(BYSTANDERS[1], id="untitled", title=...))
        assert store.load("untitled").title == "New conversation"
        summaries, notices = store.list_summaries()
        assert notices == []
        assert [s.id for s in summaries] == ["untitled"]


def test_a_file_whose_id_is_not_its_name_is_refused_by_load_as_by_the_listing() -> None:
    with new_store() as store:
        store.ensure()
        path = store.path_of("a")
        path.write_bytes(_file_of(BYSTANDERS[1], id="b"))
        with pytest.raises(ConversationUnreadable):
            store.load("a")


def test_a_conversation_read_with_an_escaped_lone_surrogate_saves_back() -> None:
    with new_store() as store:
        store.ensure()
        document = BYSTANDERS[1].to_dict()
        document["messages"][0]["content"][0]["text"] = "half an emoji: \ud83d"
        store.path_of(BYSTANDERS[1].id).write_bytes(json.dumps(document).encode())
        loaded = store.load(BYSTANDERS[1].id)
        assert loaded.messages[0].text == "half an emoji: \ufffd"  # mended as it is read
        store.save(loaded)
        assert store.load(BYSTANDERS[1].id) == loaded


def test_a_deeply_nested_index_file_is_treated_as_no_index() -> None:
    with new_store() as store:
        store.save(BYSTANDERS[1])
        (store.root / "index.json").write_bytes(b"[" * 100_000)
        assert store.list_summaries() == ([ConversationSummary.of(BYSTANDERS[1])], [])


def test_deeply_nested_drafts_are_refused_as_unreadable() -> None:
    with new_store() as store:
        store.ensure()
        drafts = DraftStore(store.root)
        drafts.path.write_bytes(b'{"drafts": ' + b"[" * 100_000)
        with pytest.raises(SchemaError):
            drafts.load()
        drafts.save({"": "half an emoji: \ud83d"})  # written escaped, read mended
        assert drafts.load() == {"": "half an emoji: \ufffd"}
