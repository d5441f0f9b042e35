"""Row blocks in threads: how transforms fill their output on several cores.

The work of a transform (lookups, ``np.take``, trigonometry) releases the GIL, so
contiguous row blocks of an output (C- or Fortran-ordered) can be filled by threads at
once.
"""

import os
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import ThreadpoolController

# Below this many rows per thread, threads cost more than they save.
MIN_BLOCK = 50_000


def available_cores():
    """Threads this process should use: its cores, within the limits the process was
    given for nested parallelism.

    joblib's workers (``GridSearchCV(n_jobs=...)``, ``cross_validate``) get
    ``OMP_NUM_THREADS`` set to their share of the cores, and ``threadpoolctl``'s
    ``threadpool_limits`` caps the BLAS and OpenMP pools: both bound ours too, so a
    transform inside ``n_jobs`` workers does not multiply the threads.
    """
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0)) or 1
    else:
        cores = os.cpu_count() or 1
    limits = [cores]
    try:
        limits.append(int(os.environ["OMP_NUM_THREADS"]))
    except (KeyError, ValueError):
        pass
    limits += [pool["num_threads"] for pool in _thread_pools().info()]
    return max(1, min(limits))


def _thread_pools():
    # Finding the loaded BLAS and OpenMP libraries scans the process's shared objects
    # (milliseconds); their current limits are then read from the kept controller,
    # found again once more modules are imported (they may bring libraries).
    n_modules = len(sys.modules)
    if _KEPT_POOLS.get("modules") != n_modules:
        _KEPT_POOLS["controller"] = ThreadpoolController()
        _KEPT_POOLS["modules"] = n_modules
    return _KEPT_POOLS["controller"]


_KEPT_POOLS = {}


def run_in_blocks(n_rows, work, n_threads=None, *, align=1):
    """Call ``work(start, stop)`` on contiguous row blocks covering ``range(n_rows)``.

    Inputs of fewer than ``2 * MIN_BLOCK`` rows run as one block in this thread;
    larger ones in up to ``n_threads`` threads (None: ``available_cores()``). Block
    starts are multiples of ``align``, so work done in fixed-size steps from a block's
    start splits the rows the same way whatever the number of threads.
    """
    if n_rows < 2 * MIN_BLOCK:
        work(0, n_rows)
        return
    n_threads = available_cores() if n_threads is None else n_threads
    n_blocks = min(n_threads, n_rows // MIN_BLOCK)
    if n_blocks < 2:
        work(0, n_rows)
        return
    bounds = np.linspace(0, n_rows, n_blocks + 1).astype(int) // align * align
    bounds[-1] = n_rows
    with ThreadPoolExecutor(n_blocks) as pool:
        # list() re-raises the first error a block hit.
        list(pool.map(work, bounds[:-1], bounds[1:]))
