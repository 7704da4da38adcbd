"""Files on disk: conversations (atomic writes), the index, drafts, trash, search, export,
id look-up, and the keeper that saves, merges and retries. No Textual, no SDK."""
