"""The handshake between the input box and the chat screen when Enter is pressed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from claude_tui.tui.widgets.prompt_input import PromptInput

Submitted = PromptInput.Submitted


class SubmitHandshake:
    """Text typed in one conversation is never sent in another, even in a key burst.

    Enter is handled by the input box in order with the keys typed before it: the box
    clears itself and posts ``Submitted(text, owner)``, ``owner`` being the conversation
    it was typed in (the screen keeps ``PromptInput.owner`` set to the open one). The
    submission stays *pending* in the box until the screen takes it, exactly once:
    when its message arrives (:meth:`received`), or, for a key that switches or quits,
    before that key acts (:meth:`after_typed_keys`, :meth:`take_pending`), since the
    switch may be handled before the message. ``accept`` then sends the text only if
    ``owner`` is still the open conversation; otherwise it gives the text back to the
    draft of the conversation it was typed in.
    """

    def __init__(
        self,
        prompt: PromptInput,
        accept: Callable[[Submitted], Awaitable[None]],
        refuses: Callable[[str], bool],
    ) -> None:
        self.prompt = prompt
        self.accept = accept
        prompt.refuses = refuses  # asked as Enter is pressed: a refused text stays put

    async def received(self, submitted: Submitted) -> None:
        """The box's message arrived: take it, unless a switch or quit already did."""
        if self.prompt.acknowledge(submitted):
            await self.accept(submitted)

    def after_typed_keys(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the box has handled the keys already sent to it, and a
        message submitted with them is taken, in the conversation it was typed in."""

        async def then() -> None:
            for submitted in self.take_pending():
                await self.accept(submitted)
            result = callback()
            if asyncio.iscoroutine(result):
                await result

        if not self.prompt.call_later(then):
            self.prompt.app.call_later(then)

    def take_pending(self) -> list[Submitted]:
        """The submissions not yet taken, now taken (quitting keeps them unsent)."""
        pending = list(self.prompt.unacknowledged)
        for submitted in pending:
            self.prompt.acknowledge(submitted)
        return pending
