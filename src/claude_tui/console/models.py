"""The model asked for on the command line, checked before anything is sent or saved."""

from __future__ import annotations

import asyncio

from claude_tui.api.client import ClaudeClient
from claude_tui.config import DEFAULT_MODEL, Settings
from claude_tui.console.talk import Request, model_cache
from claude_tui.console.terminal import Streams
from claude_tui.domain.catalog import Catalog
from claude_tui.domain.values import utc_now


async def _catalog(settings: Settings) -> Catalog:
    client = ClaudeClient(settings)
    try:
        return await client.catalog(model_cache(), now=utc_now())
    finally:
        await client.close()


def refuse_unknown_model(
    settings: Settings, given: str | None, request: Request, streams: Streams
) -> bool:
    """Whether to refuse the run because its model is one the API does not list (the
    cached list, or the built-in one when the API cannot be asked); the reason is said
    on standard error. Checked: the model of ``--model`` (``given``), else one set in the
    config file, unless ``-c`` continues a conversation, which keeps its own model."""
    from_config = given is None and settings.model != DEFAULT_MODEL and not request.resume
    if given is None and not from_config:
        return False
    catalog = asyncio.run(_catalog(settings))
    if catalog.find(settings.model) is not None:
        return False
    streams.error(catalog.unknown_model_words(settings.model).removeprefix("claude-tui "))
    if from_config:
        streams.note("(It is the model set in the config file; --model chooses another.)")
    return True
