"""What the fake API (tests/fake_api.py) knows about models: the list GET /v1/models gives,
with each model's `capabilities` in the shape of the SDK's `ModelCapabilities`, and the rules
POST /v1/messages and /v1/messages/count_tokens enforce with them:

- an unknown model id is a 404 `not_found_error` "model: <id>";
- a `thinking.type` the model does not accept, `between_tools` at effort xhigh or max, and
  `enabled` with a `budget_tokens` below 1024 or not below `max_tokens` are 400s;
- an `output_config.effort` the model does not list (any effort, on a model without effort);
- `temperature`, `top_p`, `top_k`: refused from anthropic-version 2026-10-21 on, and on
  every 5.x model whatever the version;
- thinking signatures: each thinking block the fake sends is signed for the request's model
  and system prompt. Sent back in the history, a block signed for another system prompt (same
  model) is refused; one signed by another model is ignored, as the API drops it; one with an
  empty or malformed signature is refused.

Stdlib only, like the server.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs

from tests.fake_content import content_problem

DEFAULT_MODEL = "claude-sonnet-5-5"

THINKING_TYPES = ("adaptive", "between_tools", "disabled", "enabled")
EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
SAMPLING = ("temperature", "top_p", "top_k")
MIN_BUDGET_TOKENS = 1024

API_VERSION_WITHOUT_SAMPLING = "2026-10-21"
"""From this API version on, `temperature`, `top_p` and `top_k` are refused with a 400."""

ALWAYS_THINKING = frozenset({"adaptive"})


@dataclass(frozen=True)
class FakeModel:
    """One model the fake API serves, and what it accepts."""

    id: str
    display_name: str
    created_at: str
    thinking_types: frozenset[str]
    effort_levels: tuple[str, ...]
    max_input_tokens: int = 1_000_000
    max_tokens: int = 128_000
    fifth_generation: bool = True
    """A 5.x model: no sampling parameters, and thinking `display` defaults to "omitted"."""
    image_input: bool = True
    pdf_input: bool = True

    @property
    def line(self) -> str:
        return self.id.split("-")[1]

    def info(self) -> dict[str, Any]:
        """The model as GET /v1/models lists it (the SDK's `ModelInfo`)."""
        return {
            "type": "model",
            "id": self.id,
            "display_name": self.display_name,
            "created_at": self.created_at,
            "lifecycle": "active",
            "line": self.line,
            "max_input_tokens": self.max_input_tokens,
            "max_tokens": self.max_tokens,
            "capabilities": self.capabilities(),
        }

    def capabilities(self) -> dict[str, Any]:
        """Everything `anthropic.types.ModelCapabilities` has, filled in."""
        yes = _support(True)
        return {
            "batch": yes,
            "citations": yes,
            "code_execution": yes,
            "context_management": {
                "supported": True,
                "clear_thinking_20251015": yes,
                "clear_tool_uses_20250919": yes,
                "compact_20260112": _support(self.fifth_generation),
            },
            "effort": {
                "supported": bool(self.effort_levels),
                **{level: _support(level in self.effort_levels) for level in EFFORT_LEVELS},
            },
            "image_input": _support(self.image_input),
            "pdf_input": _support(self.pdf_input),
            "server_tools": {"supported": True, "web_search": yes, "code_execution": yes},
            "structured_outputs": yes,
            "thinking": {
                "supported": bool(self.thinking_types - {"disabled"}),
                "types": {kind: _support(kind in self.thinking_types) for kind in THINKING_TYPES},
            },
        }


def _support(flag: bool) -> dict[str, bool]:
    return {"supported": flag}


MODELS: tuple[FakeModel, ...] = (
    FakeModel(
        "claude-fable-5-1", "Claude Fable 5.1", "2026-11-18T00:00:00Z", ALWAYS_THINKING,
        EFFORT_LEVELS,
    ),
    FakeModel(
        "claude-opus-5-5", "Claude Opus 5.5", "2026-10-28T00:00:00Z", ALWAYS_THINKING,
        EFFORT_LEVELS,
    ),
    FakeModel(
        "claude-sonnet-5-5", "Claude Sonnet 5.5", "2026-10-07T00:00:00Z",
        frozenset({"adaptive", "between_tools"}), ("low", "medium", "high", "max"),
    ),
    FakeModel(
        "claude-haiku-5-5", "Claude Haiku 5.5", "2026-09-16T00:00:00Z",
        frozenset({"adaptive", "enabled", "disabled"}), ("low", "medium", "high"),
    ),
    FakeModel(
        "claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-02-17T00:00:00Z",
        frozenset({"adaptive", "enabled", "disabled"}), ("low", "medium", "high", "max"),
        max_input_tokens=200_000, max_tokens=64_000, fifth_generation=False,
    ),
    FakeModel(
        "claude-haiku-4-5", "Claude Haiku 4.5", "2025-10-01T00:00:00Z",
        frozenset({"enabled", "disabled"}), (),
        max_input_tokens=200_000, max_tokens=64_000, fifth_generation=False,
    ),
)  # fmt: skip
"""The models GET /v1/models lists, newest first."""

PAGE_LIMIT = 20
"""Models per page when the request gives no `limit`."""


def find_model(model_id: object, models: tuple[FakeModel, ...] = MODELS) -> FakeModel | None:
    return next((model for model in models if model.id == model_id), None)


def without_input(model_id: str, **inputs: bool) -> tuple[FakeModel, ...]:
    """The models with ``model_id``'s inputs changed (``pdf_input=False``): a server whose
    ``models`` are these lists that model so and refuses such blocks for it."""
    return tuple(replace(m, **inputs) if m.id == model_id else m for m in MODELS)


def model_page(query: str, models: tuple[FakeModel, ...] = MODELS) -> dict[str, Any]:
    """A page of GET /v1/models: `limit` (1 to 1000) models after `after_id` or before
    `before_id`, newest first."""
    params = {name: values[-1] for name, values in parse_qs(query).items()}
    try:
        limit = max(1, min(1000, int(params.get("limit", PAGE_LIMIT))))
    except ValueError:
        limit = PAGE_LIMIT
    ids = [model.id for model in models]
    if params.get("after_id") in ids:
        start = ids.index(params["after_id"]) + 1
        end = start + limit
    elif params.get("before_id") in ids:
        end = ids.index(params["before_id"])
        start = max(0, end - limit)
    else:
        start, end = 0, limit
    page = models[start:end]
    return {
        "data": [model.info() for model in page],
        "has_more": end < len(models) if "before_id" not in params else start > 0,
        "first_id": page[0].id if page else None,
        "last_id": page[-1].id if page else None,
    }


# What the API refuses

Refusal = tuple[int, str, str]
"""(HTTP status, error type, message)."""


def _invalid(message: str) -> Refusal:
    return 400, "invalid_request_error", message


def check_request(
    body: dict[str, Any],
    headers: dict[str, str],
    *,
    counting: bool = False,
    models: tuple[FakeModel, ...] = MODELS,
) -> Refusal | None:
    """What the API would refuse in a request to /v1/messages (or, `counting`, to
    /v1/messages/count_tokens, which has no `max_tokens`), if anything; a few checks, not all."""
    required = ("model", "messages") if counting else ("model", "max_tokens", "messages")
    for name in required:
        if name not in body:
            return _invalid(f"{name}: Field required")
    if not isinstance(body["messages"], list) or not body["messages"]:
        return _invalid("messages: at least one message is required")
    model = find_model(body["model"], models)
    if model is None:
        return 404, "not_found_error", f"model: {body['model']}"
    problem = (
        _sampling_problem(body, headers, model)
        or _effort_problem(body, model)
        or _thinking_problem(body, model, counting=counting)
        or _history_problem(body, model)
        or content_problem(
            body, image_input=model.image_input, pdf_input=model.pdf_input, model=model.id
        )
    )
    return None if problem is None else _invalid(problem)


def _sampling_problem(
    body: dict[str, Any], headers: dict[str, str], model: FakeModel
) -> str | None:
    given = [name for name in SAMPLING if name in body]
    if not given:
        return None
    if headers.get("anthropic-version", "") >= API_VERSION_WITHOUT_SAMPLING:
        return f"{given[0]}: Extra inputs are not permitted"
    if model.fifth_generation:
        return f"{given[0]}: is not supported on this model"
    return None


def _effort(body: dict[str, Any]) -> object:
    config = body.get("output_config")
    return config.get("effort") if isinstance(config, dict) else None


def _effort_problem(body: dict[str, Any], model: FakeModel) -> str | None:
    effort = _effort(body)
    if effort is None:
        return None
    if effort not in EFFORT_LEVELS:
        return "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"
    if not model.effort_levels:
        return f"output_config.effort: is not supported by {model.id}"
    if effort not in model.effort_levels:
        accepted = ", ".join(f"'{level}'" for level in model.effort_levels)
        return f"output_config.effort: '{effort}' is not supported by {model.id}; use {accepted}"
    return None


_INSTEAD = {
    "disabled": ("between_tools", "adaptive"),
    "between_tools": ("disabled", "adaptive"),
    "enabled": ("adaptive",),
    "adaptive": ("enabled",),
}
"""What to suggest for a refused thinking type, in order of preference."""


def _thinking_problem(body: dict[str, Any], model: FakeModel, *, counting: bool) -> str | None:
    thinking = body.get("thinking")
    if thinking is None:
        return None
    kind = thinking.get("type") if isinstance(thinking, dict) else None
    if kind not in THINKING_TYPES:
        tags = ", ".join(f"'{tag}'" for tag in THINKING_TYPES)
        return f"thinking: Input tag {kind!r} does not match any of the expected tags: {tags}"
    assert isinstance(thinking, dict)
    if kind not in model.thinking_types:
        instead = next((t for t in _INSTEAD[kind] if t in model.thinking_types), None)
        use = f"; use '{instead}'" if instead else ""
        return f"thinking.type: '{kind}' is not supported by {model.id}{use}"
    if thinking.get("display") not in (None, "summarized", "omitted"):
        return "thinking.display: Input should be 'summarized' or 'omitted'"
    if kind == "between_tools" and _effort(body) in ("xhigh", "max"):
        return (
            f"thinking.type: 'between_tools' is not supported at effort '{_effort(body)}'; "
            "use effort 'low', 'medium' or 'high'"
        )
    if kind == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int):
            return "thinking.enabled.budget_tokens: Field required"
        if budget < MIN_BUDGET_TOKENS:
            return (
                "thinking.enabled.budget_tokens: Input should be greater than or equal to "
                f"{MIN_BUDGET_TOKENS}"
            )
        max_tokens = body.get("max_tokens")
        if not counting and isinstance(max_tokens, int) and budget >= max_tokens:
            return "`max_tokens` must be greater than `thinking.budget_tokens`"
    return None


# Thinking signatures: "sig:<model digest>-<prefix digest>:<random>"

_SIGNATURE = re.compile(r"sig:([0-9a-f]{8})-([0-9a-f]{16}):[0-9a-f]+")


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value).encode()).hexdigest()


def system_text(system: object) -> str:
    """The system prompt as text, whether a string or a list of text blocks."""
    if isinstance(system, str):
        return system
    if isinstance(system, list):
        return "\n".join(str(block.get("text", "")) for block in system if isinstance(block, dict))
    return ""


def sign(body: dict[str, Any]) -> str:
    """A signature for a thinking block answering this request: bound to its model and system."""
    model = body.get("model")
    return (
        f"sig:{_digest(model)[:8]}-{_digest([system_text(body.get('system')), model])[:16]}"
        f":{uuid.uuid4().hex[:16]}"
    )


def _history_problem(body: dict[str, Any], model: FakeModel) -> str | None:
    """A thinking block in the history that cannot be sent back with this request."""
    prefix = _digest([system_text(body.get("system")), model.id])[:16]
    for n, message in enumerate(body["messages"]):
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for m, block in enumerate(content):
            if not isinstance(block, dict) or block.get("type") != "thinking":
                continue
            found = _SIGNATURE.fullmatch(str(block.get("signature") or ""))
            if found is None:
                return f"messages.{n}.content.{m}.thinking.signature: Field required"
            if found.group(1) != _digest(model.id)[:8]:
                continue  # made by another model: the API drops it
            if found.group(2) != prefix:
                return (
                    f"messages.{n}.content.{m}: thinking block is bound to a different "
                    "conversation (its system prompt or earlier messages changed)"
                )
    return None


# How a reply is shaped by the request


def asks_for_thinking(body: dict[str, Any]) -> bool:
    """Whether the request turns thinking on (adaptive or enabled)."""
    thinking = body.get("thinking")
    return isinstance(thinking, dict) and thinking.get("type") in ("adaptive", "enabled")


def shows_thinking(body: dict[str, Any]) -> bool:
    """Whether thinking text is sent: not when the request turns thinking on with `display`
    "omitted", or without `display` on a 5.x model. A request that does not turn thinking
    on gets a scripted reply's thinking as scripted."""
    if not asks_for_thinking(body):
        return True
    display = body["thinking"].get("display")
    if display is None:
        model = find_model(body.get("model"))
        return model is None or not model.fifth_generation
    return bool(display == "summarized")


def shaped_blocks(blocks: list[dict[str, Any]], body: dict[str, Any]) -> list[dict[str, Any]]:
    """A reply's blocks as sent for this request: thinking blocks without a signature get one
    bound to the request, and their text is left out when the request hides it."""
    shown = shows_thinking(body)
    shaped = []
    for block in blocks:
        if block.get("type") == "thinking":
            block = dict(block)
            if block.get("signature") is None:
                block["signature"] = sign(body)
            if not shown:
                block["thinking"] = ""
        shaped.append(block)
    return shaped


def rough_token_count(text: str) -> int:
    """A rough token count: about four characters a token."""
    return len(text) // 4 + 1


def count_tokens(body: dict[str, Any]) -> int:
    """A rough count of the request's input, about four characters a token: the system
    prompt, the messages' text (thinking blocks by their thinking), tool definitions."""
    text = "".join(
        [
            system_text(body.get("system")),
            *_countable(body.get("messages")),
            *_countable(body.get("tools")),
        ]
    )
    return rough_token_count(text) + 3


def _countable(value: object) -> Iterator[str]:
    """The strings of a JSON value that a model reads: not block types, roles, ids or
    signatures."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _countable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("type", "role", "id", "signature", "cache_control"):
                yield from _countable(item)
