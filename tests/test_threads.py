"""Thread defaults: transforms inside joblib workers or threadpool limits do not
multiply threads (n_threads=None), and an explicit n_threads still overrides."""

import os
import threading

import numpy as np
import pandas as pd
import pytest
from joblib import Parallel, delayed
from numpy.testing import assert_array_equal
from threadpoolctl import threadpool_limits

from sk_seqembed import ValueEmbedder, _blocks

N_ROWS = 4 * _blocks.MIN_BLOCK


def _threads_used(n_threads=None):
    """How many distinct threads fill a large ValueEmbedder transform."""
    X = pd.DataFrame({"t": np.arange(N_ROWS) % 97})
    embedder = ValueEmbedder(4, random_state=0, n_threads=n_threads).fit(X)
    seen = set()
    original = _blocks.ThreadPoolExecutor

    class Recording(original):
        def map(self, function, *iterables):
            calls = list(zip(*iterables, strict=True))
            # Blocks wait for each other, so a fast block cannot free its thread for
            # the next one: the threads seen are the threads the pool was given.
            barrier = threading.Barrier(min(len(calls), self._max_workers), timeout=10)

            def recorded(*args):
                seen.add(threading.get_ident())
                try:
                    barrier.wait()
                except threading.BrokenBarrierError:
                    pass
                return function(*args)

            return super().map(recorded, *zip(*calls, strict=True))

    _blocks.ThreadPoolExecutor = Recording
    try:
        out = embedder.transform(X)
    finally:
        _blocks.ThreadPoolExecutor = original
    return max(len(seen), 1), out


def _cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def test_threadpool_limits_bound_the_default_and_n_threads_overrides(monkeypatch):
    # Free of limits an earlier test or library may have left (dask sets
    # OMP_NUM_THREADS=1 for its workers): every pool at every core.
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    with threadpool_limits(_cores()):
        free, out = _threads_used()
    assert free == min(_cores(), N_ROWS // _blocks.MIN_BLOCK)
    with threadpool_limits(1):
        limited, limited_out = _threads_used()
        forced, _ = _threads_used(n_threads=2)
    assert limited == 1
    assert forced == 2
    assert_array_equal(limited_out, out)


def test_omp_num_threads_bounds_the_default(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert _blocks.available_cores() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
    assert _blocks.available_cores() >= 1


@pytest.mark.skipif(_cores() < 2, reason="needs two cores to split between workers")
def test_joblib_workers_get_their_share_of_the_cores():
    """Nested parallelism: n_jobs workers (loky) each use their share, not every core."""
    n_jobs = _cores()
    shares = Parallel(n_jobs=n_jobs)(delayed(_blocks.available_cores)() for _ in range(n_jobs))
    assert max(shares) * n_jobs <= _cores()
    used = Parallel(n_jobs=n_jobs)(delayed(_threads_used)() for _ in range(n_jobs))
    assert max(threads for threads, _ in used) * n_jobs <= _cores()
