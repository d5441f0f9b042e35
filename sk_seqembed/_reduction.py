"""Fitting as reductions: what an estimator learns, computed chunk by chunk and combined.

An estimator whose fit can run on data split in chunks (dask partitions) writes that fit
as a generator of steps. Each step it yields is either

- a :class:`Reduction`: a statistic computed on every chunk ``(X, y)`` and combined into
  one (an associative ``combine``), sent back into the generator; or
- an :class:`OrderStatistics` request: the values of ``y`` at some ranks of its sorted
  order, sent back as an array.

When the generator returns, the estimator is fitted. :func:`fit_in_memory` runs the steps
on one chunk, the whole input; ``sk_seqembed.dask`` runs them per partition. Both paths
share every line that turns statistics into fitted attributes, so they agree exactly.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reduction:
    """``chunk(X, y)`` on every chunk, then ``combine(list_of_statistics)``."""

    chunk: object
    combine: object


@dataclass(frozen=True)
class OrderStatistics:
    """The values of ``y`` at 0-based ``ranks`` of its sorted order."""

    ranks: np.ndarray


def fit_in_memory(steps, X, y=None):
    """Drive a fit generator on the whole input as a single chunk."""
    answer = None
    while True:
        try:
            request = steps.send(answer)
        except StopIteration:
            return
        if isinstance(request, OrderStatistics):
            answer = np.partition(y, request.ranks)[request.ranks]
        else:
            # One chunk: its statistic is already the combined one.
            answer = request.chunk(X, y)


def concatenate(statistics):
    """Combine lists of per-chunk statistics, keeping chunk order."""
    return [item for chunk in statistics for item in chunk]


def add(statistics):
    """Combine statistics that add up: arrays, numbers, sparse matrices, or lists of them
    (added item by item)."""
    first = statistics[0]
    if isinstance(first, list | tuple):
        return [add(list(items)) for items in zip(*statistics, strict=True)]
    total = first
    for other in statistics[1:]:
        total = total + other
    return total
