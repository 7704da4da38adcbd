"""``claude-tui chat``: a conversation message by message through pipes and a terminal,
run for real."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from signal import SIGINT

from claude_tui.console.lines import PASTE_END, PASTE_MODE_OFF, PASTE_MODE_ON, PASTE_START
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.store.conversations import ConversationStore
from tests.fake_api import FakeAnthropic, Gate, Reply
from tests.test_cli_harness import KEY, Cli, said


def test_a_conversation_over_a_pipe_keeps_its_history_and_quit_is_never_sent(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Hello! How can I help?"), Reply.text("Paris."))
    result = cli.run("chat", stdin="Hi there\n\n   \nCapital of France?\n  QUIT \nnot sent\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "You: Hi there\n"
        "Claude: Hello! How can I help?\n\n"
        "You: \n"
        "You:    \n"
        "You: Capital of France?\n"
        "Claude: Paris.\n\n"
        "You:   QUIT \n"
    )
    assert "Talking with claude-sonnet-5-5" in result.stderr
    assert len(fake_api.requests) == 2
    assert said(fake_api.requests[1].body) == [
        ("user", "Hi there"),
        ("assistant", "Hello! How can I help?"),
        ("user", "Capital of France?"),
    ]
    saved = cli.only_conversation()
    assert [m["content"][0]["text"] for m in saved["messages"]] == [
        "Hi there",
        "Hello! How can I help?",
        "Capital of France?",
        "Paris.",
    ]
    assert cli.last_open() == saved["id"]


def test_end_of_input_ends_the_chat_and_errors_do_not(cli: Cli, fake_api: FakeAnthropic) -> None:
    fake_api.enqueue(Reply.error(529), Reply.text("Better now."))
    result = cli.run("chat", stdin="one\ntwo\n")
    assert result.returncode == 0
    assert result.stdout == "You: one\nClaude: \n\nYou: two\nClaude: Better now.\n\nYou: \n"
    assert "claude-tui: Claude is overloaded right now.\n" in result.stderr
    assert len(fake_api.requests) == 2
    # the failed reply is kept on disk, and left out of what is sent next
    assert fake_api.requests[1].body["messages"] == [  # "one" failed: never glued to "two"
        {"role": "user", "content": [{"type": "text", "text": "two"}]}
    ]
    statuses = [m.get("status") for m in cli.only_conversation()["messages"]]
    assert statuses == [None, "failed", None, "complete"]


def test_continue_picks_up_the_conversation_used_last(cli: Cli, fake_api: FakeAnthropic) -> None:
    store = ConversationStore(cli.data_dir)
    first, newer = (Conversation(model="claude-haiku-5-5", max_tokens=500) for _ in range(2))
    for conversation, question in ((first, "First question"), (newer, "Another topic")):
        conversation.append(Message.user(question))
        conversation.append(Message(role="assistant", content=[TextBlock(f"{question}!")]))
        store.save(conversation)
    store.set_last_open(first.id)  # as if the app had it open, though not the newest
    result = cli.run("chat", "-c", "--system", "ignored", stdin="Follow-up\n")
    assert result.returncode == 0, result.stderr
    assert "Continuing “First question” (2 messages, claude-haiku-5-5)" in result.stderr
    body = fake_api.requests[0].body
    assert (body["model"], body["max_tokens"], "system" in body) == ("claude-haiku-5-5", 500, False)
    assert said(body) == [
        ("user", "First question"),
        ("assistant", "First question!"),
        ("user", "Follow-up"),
    ]
    assert len(cli.only_conversation_titled("First question")["messages"]) == 4


def test_ctrl_c_stops_a_streaming_reply_and_the_chat_goes_on(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    gate = Gate(after="Once upon ")
    fake_api.enqueue(Reply.text("Once upon a time, forever", gate=gate), Reply.text("Sure."))
    running = cli.start("chat")
    try:
        running.type("Tell me a story\n")
        running.wait_for_output("Claude: Once upon ")
        running.interrupt()
        running.wait_for_output("Claude: Once upon \n\nYou: ")
        running.type("Shorter, please\n")
        running.wait_for_output("Claude: Sure.")
        status = running.finish()
    finally:
        gate.release()
        running.kill()
    assert status == 0
    assert "Stopped. What arrived is kept." in running.stderr
    assert "Traceback" not in running.stderr
    assert running.stdout.endswith("You: Shorter, please\nClaude: Sure.\n\nYou: \n")
    # the stopped reply is sent as history: it is what the user saw
    assert said(fake_api.requests[1].body) == [
        ("user", "Tell me a story"),
        ("assistant", "Once upon "),
        ("user", "Shorter, please"),
    ]
    messages = cli.only_conversation()["messages"]
    assert [(m["role"], m.get("status")) for m in messages] == [
        ("user", None),
        ("assistant", "stopped"),
        ("user", None),
        ("assistant", "complete"),
    ]
    assert messages[1]["content"] == [{"type": "text", "text": "Once upon "}]


def test_ctrl_c_at_the_prompt_gives_a_fresh_prompt(cli: Cli, fake_api: FakeAnthropic) -> None:
    with cli.start("chat") as running:
        running.wait_for_output("You: ")
        running.interrupt()
        running.wait_for_output("You: \nYou: ")
        status = running.finish()
    assert status == 0
    assert "(Type quit or press Ctrl+D to leave.)" in running.stderr
    assert fake_api.requests == []


def test_chat_without_a_key_says_so_and_ends(cli: Cli, fake_api: FakeAnthropic) -> None:
    result = cli.run("chat", stdin="hello\n", key=None)
    assert result.returncode == 1
    assert result.stderr.startswith("claude-tui: No API key is set.\n")
    assert result.stdout == ""
    assert fake_api.requests == []


def test_a_line_that_cannot_be_saved_is_taken_back_and_the_chat_goes_on(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    cli.data_dir.mkdir()
    blocker = cli.data_dir / "conversations"
    blocker.write_text("")  # a file where the folder must be
    fake_api.enqueue(Reply.text("Got it."))
    with cli.start("chat") as running:
        running.type("Lost line\n")
        running.wait_for_output("You: Lost line\nYou: ")  # no reply: nothing was sent
        blocker.unlink()  # the disk can be written again
        running.type("Kept line\n")
        running.wait_for_output("Claude: Got it.\n\nYou: ")
        status = running.finish()
    assert status == 0
    assert "claude-tui: not sent, because it could not be saved: " in running.stderr
    assert said(fake_api.requests[0].body) == [("user", "Kept line")]
    saved = cli.only_conversation()
    assert [m["content"][0]["text"] for m in saved["messages"]] == ["Kept line", "Got it."]


def test_a_paste_a_block_and_backslash_lines_are_each_one_message_as_typed(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("One."), Reply.text("Two."), Reply.text("Three."))
    pasted = f"{PASTE_START}def f():\n    return 1\n\n    # done{PASTE_END}\n"
    block = '"""\n\n  quit\n    \\\n"""\n'
    continued = "first \\\n   second\nquit\n"
    result = cli.run("chat", stdin=pasted + block + continued)
    assert result.returncode == 0, result.stderr
    assert [said(request.body)[-1] for request in fake_api.requests] == [
        ("user", "def f():\n    return 1\n\n    # done"),
        ("user", "  quit\n    \\"),  # quit in a block is a message, not the way out
        ("user", "first \n   second"),
    ]
    assert result.stdout == (
        "You: def f():\n    return 1\n\n    # done\n"  # a paste shows as it was pasted
        "Claude: One.\n\n"
        'You: """\n...: \n...:   quit\n...:     \\\n...: """\n'
        "Claude: Two.\n\n"
        "You: first \\\n...:    second\n"
        "Claude: Three.\n\n"
        "You: quit\n"
    )
    assert 'For several lines: paste them, end a line with \\, or write them between two """' in (
        result.stderr
    )
    saved = cli.only_conversation()
    assert saved["messages"][0]["content"][0]["text"] == "def f():\n    return 1\n\n    # done"


def test_the_end_of_input_inside_a_block_sends_what_was_read_and_leaves(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Got half."))
    result = cli.run("chat", stdin='"""\n  half a\n  thought\n')
    assert result.returncode == 0, result.stderr
    assert said(fake_api.requests[0].body) == [("user", "  half a\n  thought")]
    assert result.stdout == 'You: """\n...:   half a\n...:   thought\n...: \nClaude: Got half.\n\n'
    assert '(The input ended inside a """ block: sending what was read.)' in result.stderr


def test_the_end_of_input_inside_a_blank_block_sends_nothing(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    result = cli.run("chat", stdin='"""\n   \n\n')
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'You: """\n...:    \n...: \n...: \n'
    assert "sending what was read" not in result.stderr
    assert fake_api.requests == []


class Terminal:
    """claude-tui run in a pseudo-terminal: input() uses readline, as for a person."""

    def __init__(self, cli: Cli, *args: str) -> None:
        self._master, slave = os.openpty()
        # NO_COLOR: the text as typed and shown, without the headings' bold
        # (test_cli_colour.py checks the colour)
        env = {**cli.environment(KEY), "TERM": "xterm-256color", "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            cli.argv(*args), stdin=slave, stdout=slave, stderr=slave, env=env
        )
        os.close(slave)
        self._out = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # the other side closed: the program ended
                return
            if not chunk:
                return
            self._out.extend(chunk)

    @property
    def output(self) -> str:
        return self._out.decode(errors="replace")

    def type(self, data: str) -> None:
        os.write(self._master, data.encode())

    def wait_for(self, text: str, count: int = 1, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.output.count(text) < count:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"{text!r} never came {count} times: {self.output!r}")
            time.sleep(0.01)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self._reader.join(5)
        os.close(self._master)


def test_in_a_terminal_a_bracketed_paste_is_one_message_and_paste_mode_is_off_after(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Seen it."))
    terminal = Terminal(cli, "chat")
    try:
        terminal.wait_for(f"{PASTE_MODE_ON}You: ")
        # what a terminal sends for a pasted text of three lines, and the Enter after it
        terminal.type(f"{PASTE_START}def f():\r    return 1\r\r    # done{PASTE_END}\r")
        terminal.wait_for("Claude: Seen it.")
        terminal.wait_for(f"{PASTE_MODE_ON}You: ", count=2)
        terminal.process.send_signal(SIGINT)  # Ctrl+C at the prompt
        terminal.wait_for(f"{PASTE_MODE_ON}You: ", count=3)
        terminal.type("\x04")  # Ctrl+D
        status = terminal.process.wait(30)
    finally:
        terminal.close()
    assert status == 0
    assert len(fake_api.requests) == 1
    assert said(fake_api.requests[0].body) == [("user", "def f():\n    return 1\n\n    # done")]
    output = terminal.output
    # off while the reply streams, after Ctrl+C, and at the end
    first_reply = output.index("Claude: ")
    assert output.rfind(PASTE_MODE_OFF, 0, first_reply) > output.index(PASTE_MODE_ON)
    assert output.count(PASTE_MODE_ON) == output.count(PASTE_MODE_OFF) == 3
    assert output.rindex(PASTE_MODE_OFF) > output.rindex(PASTE_MODE_ON)
    assert "(Type quit or press Ctrl+D to leave.)" in output
