"""What ``claude-tui chat`` reads as one message: a line, a paste, a block, lines ending in
a backslash. Lines come from a script here; tests/test_cli_chat.py runs them for real."""

from __future__ import annotations

import io

import pytest

from claude_tui.console.lines import (
    IN_PASTE,
    MORE,
    PASTE_END,
    PASTE_MODE_OFF,
    PASTE_MODE_ON,
    PASTE_START,
    PROMPT,
    Typed,
    paste_mode,
    read_message,
)


class Script:
    """Lines as ``input()`` would return them, and the prompts they were asked with."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        if line == "^C":
            raise KeyboardInterrupt
        return line


def test_a_line_is_a_message_with_its_indentation_and_without_trailing_space() -> None:
    script = Script("    indented  ", "next")
    assert read_message(script) == Typed("    indented", plain=True)
    assert script.prompts == [PROMPT]
    assert script.lines == ["next"]


def test_a_backslash_at_the_end_goes_on_in_the_next_line() -> None:
    script = Script("one \\", "  two\\", "three", "next")
    assert read_message(script) == Typed("one \n  two\nthree", plain=False)
    assert script.prompts == [PROMPT, MORE, MORE]
    assert script.lines == ["next"]


def test_triple_quotes_after_a_backslash_are_text() -> None:
    script = Script("see \\", '"""', "next")
    assert read_message(script) == Typed('see \n"""', plain=False)
    assert script.lines == ["next"]


def test_a_block_keeps_everything_between_its_marks_as_it_is() -> None:
    script = Script(
        '"""',
        "",
        "def f():",
        '    """',
        "    Doc, ending in a backslash \\",
        '    """',
        "",
        "    return 1",
        "quit",
        '"""  ',
        "next",
    )
    # an indented """ is text (a docstring), and only the blank line at the start is dropped
    assert read_message(script) == Typed(
        'def f():\n    """\n    Doc, ending in a backslash \\\n    """\n\n    return 1\nquit',
        plain=False,
    )
    assert script.prompts == [PROMPT] + [MORE] * 9
    assert script.lines == ["next"]


def test_a_paste_readline_took_whole_is_one_message_taken_literally() -> None:
    script = Script('"""\n  indented\n    more \\', "next")
    assert read_message(script) == Typed('"""\n  indented\n    more \\', plain=False)
    assert script.lines == ["next"]


def test_a_paste_with_its_markers_runs_to_the_line_that_ends_it() -> None:
    script = Script(
        f"Look: {PASTE_START}def f():",
        "    return 1 \\",
        '"""',
        "",
        f"{PASTE_END} why?",
        "next",
    )
    assert read_message(script) == Typed(
        'Look: def f():\n    return 1 \\\n"""\n\n why?', plain=False
    )
    assert script.prompts == [PROMPT, IN_PASTE, IN_PASTE, IN_PASTE, IN_PASTE]
    assert script.lines == ["next"]


def test_a_paste_on_one_line_is_literal_and_ends_the_message() -> None:
    script = Script(f"{PASTE_START}ends in \\{PASTE_END}", "next")
    assert read_message(script) == Typed("ends in \\", plain=False)
    assert script.lines == ["next"]


def test_a_paste_in_a_block_is_taken_whole_and_cannot_close_it() -> None:
    script = Script('"""', "intro", f"{PASTE_START}x", '"""', f"  y{PASTE_END}", "  z", '"""')
    assert read_message(script) == Typed('intro\nx\n"""\n  y\n  z', plain=False)
    assert script.prompts == [PROMPT, MORE, MORE, IN_PASTE, IN_PASTE, MORE, MORE]


def test_a_paste_after_a_backslash_ends_the_message() -> None:
    script = Script("see \\", f"{PASTE_START}a", f"b \\{PASTE_END}", "next")
    assert read_message(script) == Typed("see \na\nb \\", plain=False)
    assert script.lines == ["next"]


@pytest.mark.parametrize(
    ("lines", "typed"),
    [
        (['"""', "  half", "  a block"], Typed("  half\n  a block", False, 'a """ block')),
        (["one \\", "two \\"], Typed("one \ntwo", False, "a line ending in \\")),
        ([f"{PASTE_START}half", "a paste"], Typed("half\na paste", False, "a pasted text")),
        (['"""', f"{PASTE_START}in a block"], Typed("in a block", False, "a pasted text")),
        (['"""', "   ", ""], Typed("", False, 'a """ block')),
    ],
)
def test_the_end_of_input_inside_a_message_gives_what_was_read(
    lines: list[str], typed: Typed
) -> None:
    assert read_message(Script(*lines)) == typed


def test_nothing_left_to_read_is_the_end() -> None:
    with pytest.raises(EOFError):
        read_message(Script())


def test_blank_lines_around_a_block_are_dropped_and_a_blank_block_is_empty() -> None:
    assert read_message(Script('"""', "", "  x", "", "", '"""')) == Typed("  x", plain=False)
    assert read_message(Script('"""', " ", "\t", '"""')) == Typed("", plain=False)
    assert read_message(Script("   ")) == Typed("", plain=True)


def test_ctrl_c_in_a_block_drops_it() -> None:
    script = Script('"""', "dropped", "^C", "next")
    with pytest.raises(KeyboardInterrupt):
        read_message(script)
    assert read_message(script) == Typed("next", plain=True)


def test_paste_mode_is_on_while_reading_and_off_after_however_it_ends() -> None:
    terminal = io.StringIO()
    with paste_mode(terminal):
        terminal.write("You: ")
    with pytest.raises(KeyboardInterrupt), paste_mode(terminal):
        raise KeyboardInterrupt
    assert terminal.getvalue() == (
        f"{PASTE_MODE_ON}You: {PASTE_MODE_OFF}{PASTE_MODE_ON}{PASTE_MODE_OFF}"
    )
    with paste_mode(None):  # no terminal: nothing to write to, and no failure
        pass
