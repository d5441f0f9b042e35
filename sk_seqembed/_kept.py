"""A small cache of things a transform builds once and serves many calls from.

Serving one event after another must not rebuild what the previous call built (a zone's
offsets, a table of dates, the index of a fitted history). Entries are kept for the
last few keys, first in first out; a lock makes concurrent transforms safe.
"""

import threading


class Kept:
    """Up to ``size`` values by key, each built once by ``get``'s ``build``."""

    def __init__(self, size):
        self.size = size
        self._values = {}
        self._lock = threading.Lock()

    def get(self, key, build):
        """The value kept for ``key``, built by ``build()`` on a miss."""
        with self._lock:
            if key in self._values:
                return self._values[key]
        # Built outside the lock: another thread may build the same value meanwhile,
        # which costs time, never correctness (builds are pure).
        value = build()
        with self._lock:
            if len(self._values) >= self.size:
                self._values.pop(next(iter(self._values)))
            self._values[key] = value
        return value

    def discard(self, key):
        """Forget the value of ``key``, if kept."""
        with self._lock:
            self._values.pop(key, None)
