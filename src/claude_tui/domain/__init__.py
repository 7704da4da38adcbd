"""The domain: conversations, messages, blocks, usage, stream events, turns, merging,
text rules and error wording. Pure: no I/O, no Textual, no SDK, nothing else of ours."""
