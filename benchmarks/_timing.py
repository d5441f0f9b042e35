"""Timing helpers shared by the benchmark scripts: every figure is a best-of-N time."""

import time
import tracemalloc

import numpy as np


def best_time(function, repeat=9):
    """Best wall time of ``repeat`` calls, and the last result.

    The previous result is dropped before each call, as a user's would be, so every
    call allocates its output afresh from memory the process already owns.
    """
    best, result = np.inf, None
    for _ in range(repeat):
        result = None
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_memory(function):
    """Peak bytes numpy and Python allocate while ``function`` runs (tracemalloc)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def write_floors(out):
    """Seconds to write ``out``'s bytes: into a preallocated array (the bare write),
    and into a freshly allocated one (the floor for any transform returning a new array).
    """
    source, target = np.ones_like(out), np.empty_like(out)
    bare, _ = best_time(lambda: np.copyto(target, source))
    fresh, _ = best_time(lambda: np.copyto(np.empty_like(source), source))
    return bare, fresh
