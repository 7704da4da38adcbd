"""The garbage collector, set for an app with a large heap that draws many frames a second.

Textual makes thousands of short-lived strips a frame, and keeps them in caches just long
enough to outlive Python's youngest generation (700 allocations). Promoted in bulk, they
set off full collections that walk every object of the app, the SDK and the conversation
on screen: headless, six 21 KB replies streamed into one conversation cost 31 full
collections of about 200-300 ms each, a stalled screen every second or two.

- A youngest generation of 50,000 lets those strips die by reference counting before a
  collection sees them: far fewer full collections. The older generations keep Python's
  defaults (10, 10), so the widgets of conversations switched away from (garbage in
  cycles) are still collected every so often: RSS stays flat over 100 switches.
- Freezing what exists once the SDK is imported (modules, classes, the SDK's and Textual's
  tables: none of it garbage) keeps it out of every later full collection: about 110 ms
  each instead of 185.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 10, 10)


def tune() -> None:
    """Set the collector's thresholds for this process (the app's, not the tests')."""
    gc.set_threshold(*THRESHOLDS)


def freeze_startup() -> None:
    """Leave every object made so far (the app started, the SDK imported) out of later
    collections."""
    gc.freeze()
