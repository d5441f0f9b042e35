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


def against_write_floors(transform, repeat=15):
    """Best times of ``transform`` and of writing its output's bytes, taken in turn.

    Returns (transform, bare write, fresh write) seconds and the output. The bare
    write copies into a preallocated array; the fresh write into a newly allocated one
    (the floor for any transform returning a new array). Each round times all three,
    so a machine's drifting load weighs on them alike.
    """
    out = transform()
    source, target = np.ones_like(out), np.empty_like(out)
    calls = (
        transform,
        lambda: np.copyto(target, source),
        lambda: np.copyto(np.empty_like(source), source),
    )
    best = [np.inf] * len(calls)
    for _ in range(repeat):
        for k, call in enumerate(calls):
            start = time.perf_counter()
            call()
            best[k] = min(best[k], time.perf_counter() - start)
    return (*best, out)


def against_floor_columns(ours, bare, fresh, n_rows):
    """The table columns every speed benchmark prints for ``against_write_floors``."""
    return {
        "ours ns/row": 1e9 * ours / n_rows,
        "bare write ns/row": 1e9 * bare / n_rows,
        "x bare write": ours / bare,
        "x fresh write": ours / fresh,
    }
