"""Row blocks in threads: how transforms fill their output on several cores.

The work of a transform (lookups, ``np.take``, trigonometry) releases the GIL, so
contiguous row blocks of an output (C- or Fortran-ordered) can be filled by threads at
once.
"""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Below this many rows per thread, threads cost more than they save.
MIN_BLOCK = 50_000


def available_cores():
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def run_in_blocks(n_rows, work, n_threads=None, *, align=1):
    """Call ``work(start, stop)`` on contiguous row blocks covering ``range(n_rows)``.

    Inputs of fewer than ``2 * MIN_BLOCK`` rows run as one block in this thread;
    larger ones in up to ``n_threads`` threads (None: every available core). Block
    starts are multiples of ``align``, so work done in fixed-size steps from a block's
    start splits the rows the same way whatever the number of threads.
    """
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
