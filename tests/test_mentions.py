"""``@path`` in a message (domain/mentions.py): where a mention starts and ends, and how the
text reads once its files are attached."""

from __future__ import annotations

from claude_tui.domain.mentions import mentions, named, quoted


def test_mentions_are_found_after_white_space_with_quotes_escapes_and_home() -> None:
    text = "see @shot.png, @\"My File.pdf\" @'two words.txt' @a\\ b.log me@host.org @~/y.png."
    assert [m.path for m in mentions(text)] == [
        "shot.png",
        "My File.pdf",
        "two words.txt",
        "a b.log",
        "~/y.png",
    ]


def test_a_mention_taken_reads_as_the_files_name_and_the_others_stay_as_typed() -> None:
    text = 'compare @~/shots/a.png with @nothing-here and @"b c.png".'
    found = mentions(text)
    assert named(text, [found[0], found[2]]) == "compare a.png with @nothing-here and b c.png."


def test_a_path_with_spaces_is_quoted_to_be_mentioned() -> None:
    assert quoted("plain.png") == "plain.png"
    assert quoted("my file.png") == '"my file.png"'
    assert [m.path for m in mentions(f"@{quoted('my file.png')}")] == ["my file.png"]
