"""What is sent for a conversation: the request's parameters and the history."""

from __future__ import annotations

import base64
from collections.abc import Callable, Collection, Sequence
from typing import Any

from claude_tui.domain.attachments import TEXT_TYPE, Attachment
from claude_tui.domain.blocks import OtherBlock, TextBlock, ThinkingBlock
from claude_tui.domain.branches import answers, unanswered
from claude_tui.domain.context import thinking_readable
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message
from claude_tui.domain.settings import ChatSettings, WebToolOptions
from claude_tui.domain.text import decoded

SAMPLING_API_VERSION = "2023-06-01"
"""The API version that still takes temperature and top_p (the SDK's default refuses them)."""


def _reply_content(message: Message, with_thinking: bool) -> list[dict[str, Any]]:
    """A reply's blocks as they came: text (with its citations), the blocks of server
    tools and of kinds this version does not know (exactly as they came), and its thinking
    when it may be sent back (with the signature it came with; a block cut before its
    signature is left out). A client tool's use is left out: nothing here answers it; so
    is a server tool's use whose result never came (a reply stopped mid-search)."""
    content: list[dict[str, Any]] = []
    answered = {
        block.data.get("tool_use_id")
        for block in message.content
        if isinstance(block, OtherBlock) and block.type.endswith("_tool_result")
    }
    for block in message.content:
        if (
            isinstance(block, OtherBlock)
            and block.type == "server_tool_use"
            and block.data.get("id") not in answered
        ):
            continue  # stopped before its result came: the API takes no use without one
        if isinstance(block, TextBlock):
            if block.text:
                content.append(block.to_dict())
        elif isinstance(block, ThinkingBlock):
            if with_thinking and block.signature:
                content.append(block.to_dict())
        elif isinstance(block, OtherBlock) and (with_thinking or block.type != "redacted_thinking"):
            content.append(block.to_dict())  # server tools' blocks, unknown ones: as sent
    return content


def _user_content(message: Message) -> list[dict[str, Any]]:
    """A user's message: its files (as placeholders that :func:`with_attachments` fills in
    with the files' bytes), then its text (left out when it is only files)."""
    content = [attachment.to_dict() for attachment in message.attachments]
    if message.text or not content:
        content.append({"type": "text", "text": message.text})
    return content


def attachment_param(attachment: Attachment, data: bytes | None) -> dict[str, Any]:
    """The API's block for an attached file (see ``domain/attachments.py``); a file that is
    missing is said in words, so the rest of the conversation can still be sent."""
    if data is None:
        return {"type": "text", "text": f"(attachment missing: {attachment.name})"}
    if attachment.kind == "text":
        source = {"type": "text", "media_type": TEXT_TYPE, "data": decoded(data)}
    else:
        encoded = base64.b64encode(data).decode("ascii")
        source = {"type": "base64", "media_type": attachment.media_type, "data": encoded}
    if attachment.kind == "image":
        return {"type": "image", "source": source}
    return {
        "type": "document",
        "source": source,
        "title": attachment.name,
        "citations": {"enabled": True},
    }


def placed_attachments(request: dict[str, Any]) -> list[Attachment]:
    """The files a request (from :func:`build_request`) holds as placeholders."""
    return [
        Attachment.from_dict(block)
        for turn in request.get("messages", ())
        for block in turn["content"]
        if turn["role"] == "user" and block.get("type") == "attachment"
    ]


def with_attachments(
    request: dict[str, Any], read: Callable[[Attachment], bytes | None]
) -> dict[str, Any]:
    """The request with each file's placeholder made the API's block, its bytes from
    ``read`` (None: missing). Reads files: call it off the event loop, and only for a
    request that holds some (:func:`placed_attachments`)."""
    messages = []
    for turn in request["messages"]:
        if turn["role"] == "user":
            content = []
            for block in turn["content"]:
                if block.get("type") == "attachment":
                    attachment = Attachment.from_dict(block)
                    block = attachment_param(attachment, read(attachment))
                content.append(block)
            turn = {**turn, "content": content}
        messages.append(turn)
    return {**request, "messages": messages}


def history_params(
    messages: Sequence[Message],
    *,
    readable: Collection[str] = (),
    continuing: bool = False,
) -> list[dict[str, Any]]:
    """The conversation as the Messages API wants it.

    Failed replies and replies with no text are left out (they stay on screen and on
    disk). After a user message, its last usable reply is the one sent. A message of the
    user's whose turn failed ("not answered") is left out too, unless it is the last one
    (the one a retry sends again): two messages are never sent glued together as one. The
    thinking of the replies in ``readable`` goes with them. ``continuing``: the last message
    is a reply to go on with, sent last (its text without trailing white space, which the
    API refuses).
    """
    last = len(messages) - 1
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    skipped = unanswered(messages[:last_user])
    turns: list[dict[str, Any]] = []
    for position, message in enumerate(messages):
        if message.role == "user":
            if message.id in skipped:
                continue
            turn = {"role": "user", "content": _user_content(message)}
            if turns and turns[-1]["role"] == "user":
                turns[-1] = turn  # never two glued together: the later one alone
            else:
                turns.append(turn)
            continue
        resumed = continuing and position == last
        if not (answers(message) or (resumed and message.text.strip())):
            continue
        content = _reply_content(message, message.id in readable)
        if resumed:
            tail = content[-1]
            if tail["type"] == "text":
                tail["text"] = tail["text"].rstrip()
        reply = {"role": "assistant", "content": content}
        if turns and turns[-1]["role"] == "assistant":
            turns[-1] = reply
        elif turns:
            turns.append(reply)
    if not continuing:
        while turns and turns[-1]["role"] == "assistant":
            turns.pop()  # a retry of the last reply resends the last user message
    return turns


def thinking_param(settings: ChatSettings) -> dict[str, Any] | None:
    """The request's ``thinking``, asking for the thinking to be shown (summarized)."""
    if settings.thinking == "off":
        return {"type": "disabled"}
    if settings.thinking == "between_tools":
        return {"type": "between_tools"}
    if settings.thinking == "adaptive":
        return {"type": "adaptive", "display": "summarized"}
    if settings.thinking == "budget":
        return {"type": "enabled", "budget_tokens": settings.budget, "display": "summarized"}
    return None


WEB_SEARCH_TOOL = "web_search_20260318"
WEB_FETCH_TOOL = "web_fetch_20260318"


def tools_param(settings: ChatSettings, web: WebToolOptions) -> list[dict[str, Any]]:
    """The server tools the conversation turns on (web search, web fetch), with the
    config file's limits; empty when none is on."""
    tools: list[dict[str, Any]] = []
    for wanted, kind, name in (
        (settings.web_search, WEB_SEARCH_TOOL, "web_search"),
        (settings.web_fetch, WEB_FETCH_TOOL, "web_fetch"),
    ):
        if not wanted:
            continue
        tool: dict[str, Any] = {"type": kind, "name": name}
        if web.max_uses is not None:
            tool["max_uses"] = web.max_uses
        if web.allowed_domains:
            tool["allowed_domains"] = list(web.allowed_domains)
        if name == "web_fetch":
            tool["citations"] = {"enabled": True}  # what it read can be cited, as a search
        tools.append(tool)
    return tools


def settings_params(
    settings: ChatSettings, *, caching: bool, web: WebToolOptions | None = None
) -> dict[str, Any]:
    """Everything but the messages: what the conversation's settings ask for. A value is
    never dropped: one the model refuses gets the API's own refusal."""
    request: dict[str, Any] = {"model": settings.model, "max_tokens": settings.max_tokens}
    tools = tools_param(settings, web or WebToolOptions())
    if tools:
        request["tools"] = tools
    if settings.system:
        request["system"] = settings.system
    thinking = thinking_param(settings)
    if thinking is not None:
        request["thinking"] = thinking
    if settings.effort:
        request["output_config"] = {"effort": settings.effort}
    if settings.stop_sequences:
        request["stop_sequences"] = list(settings.stop_sequences)
    if caching:
        request["cache_control"] = {"type": "ephemeral"}
    sampling = {
        name: value
        for name, value in (("temperature", settings.temperature), ("top_p", settings.top_p))
        if value is not None
    }
    if sampling:  # gone from the SDK's signature and from today's API version
        request["extra_body"] = sampling
        request["extra_headers"] = {"anthropic-version": SAMPLING_API_VERSION}
    return request


def build_request(
    conversation: Conversation,
    *,
    caching: bool = True,
    continuing: bool = False,
    web: WebToolOptions | None = None,
) -> dict[str, Any]:
    """The keyword arguments of ``messages.stream`` for the conversation as it stands;
    ``web``: the config file's limits of the web tools."""
    settings = conversation.settings
    readable = thinking_readable(settings.system, settings.model, conversation.messages)
    request = settings_params(settings, caching=caching, web=web)
    request["messages"] = history_params(
        conversation.messages, readable=readable, continuing=continuing
    )
    if continuing:
        _paused_reply(request["messages"], conversation.messages, readable)
    return request


def _paused_reply(
    turns: list[dict[str, Any]], messages: Sequence[Message], readable: Collection[str]
) -> None:
    """A reply paused by the API (``pause_turn``) before it wrote any text (it searched,
    say) goes back as it is, for the API to go on with it: the history leaves out a reply
    without text, which here would ask the same question again."""
    reply = messages[-1] if messages else None
    if reply is None or reply.role != "assistant" or (turns and turns[-1]["role"] == "assistant"):
        return
    content = _reply_content(reply, reply.id in readable)
    if content and turns:
        turns.append({"role": "assistant", "content": content})


def wire_body(request: dict[str, Any]) -> dict[str, Any]:
    """The JSON body a request sends (``extra_body`` merged in), for the request log."""
    body = {k: v for k, v in request.items() if k not in ("extra_body", "extra_headers")}
    body.update(request.get("extra_body") or {})
    return body


def request_summary(request: dict[str, Any]) -> dict[str, Any]:
    """What a request asked for, without the conversation itself: kept with the reply, so
    its details show what was sent (the system prompt by its length)."""
    body = wire_body(request)
    body.pop("messages", None)
    system = body.pop("system", None)
    if system:
        body["system_characters"] = len(system)
    version = (request.get("extra_headers") or {}).get("anthropic-version")
    if version:
        body["anthropic_version"] = version
    return body
