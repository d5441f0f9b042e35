"""Running statistics over each key's earlier rows, continued from a kept state.

A batch of rows in order is sorted by key (row order kept within each key). For each
row, the statistics of the *earlier* rows of its key (those of the batch before it and
those the state summarises) are computed with vectorised segmented scans: counts,
sums, exponentially decayed sums, the previous instant, the last few rows. The state
after the batch is each key's statistics including its last row, so the next batch
continues exactly as if both had been one.

Decayed sums. With ``x`` in half-lives, a row's decayed sum is
``S_i = sum_{j < i} 2**-(x_i - x_j) v_j``. Written as ``2**-(x_i - b) *
sum_j 2**(x_j - b) v_j`` it is one cumulative sum, but ``2**(x_j - b)`` overflows
float64 beyond ~1,000 half-lives from ``b``. So each key's rows are cut in blocks of
``_BLOCK`` half-lives, each with its own origin ``b``: within a block the factors
stay below ``2**512``; a block's total reaches the rows of the next block present
through one factor ``2**-(b_next - b)``; blocks further back contribute less than
``2**-512`` of a value and are dropped.
"""

import numpy as np
import pandas as pd

from . import _groups

_BLOCK = 512.0


class SortedBatch:
    """A batch's rows sorted by key code, row order kept within each key.

    Attributes
    ----------
    order : ndarray of int64
        Row indices in sorted order (``values[order]`` sorts a per-row array).
    codes : ndarray of int64
        Each sorted row's key code.
    starts : ndarray of bool
        Whether each sorted row is its key's first in the batch.
    rank : ndarray of int64
        Each sorted row's position among its key's rows of the batch.
    """

    def __init__(self, codes, n_keys, order=None):
        self.order = _groups.stable_order(codes, max(n_keys, 1)) if order is None else order
        self.codes = codes[self.order]
        n_rows = codes.size
        self.starts = np.ones(n_rows, dtype=bool)
        self.starts[1:] = self.codes[1:] != self.codes[:-1]
        first = np.maximum.accumulate(np.where(self.starts, np.arange(n_rows), 0))
        self.rank = np.arange(n_rows) - first
        self.ends = np.ones(n_rows, dtype=bool)
        self.ends[:-1] = self.starts[1:]

    @classmethod
    def from_order(cls, codes, order):
        """Rows already ordered by ``order``, which groups equal codes together."""
        return cls(codes, 0, order)

    def unsort(self, sorted_values):
        """Per-row values back in row order."""
        if not hasattr(self, "_inverse"):
            self._inverse = np.empty_like(self.order)
            self._inverse[self.order] = np.arange(self.order.size)
        # A gather of whole rows: several times faster than a scatter of them.
        return np.take(sorted_values, self._inverse, axis=0)

    def last_rows(self):
        """Sorted index of each key's last row, in key-code order."""
        return np.flatnonzero(self.ends)

    def shifted(self, values, fill):
        """Each sorted row's previous row of the same key (``fill`` at a key's start)."""
        out = np.empty_like(values)
        out[1:] = values[:-1]
        out[self.starts] = fill[self.starts] if np.ndim(fill) else fill
        return out


def exclusive_sums(batch, values):
    """Sums of ``values`` (sorted, 2-D) over each row's earlier rows of its key in the
    batch: pandas' grouped cumulative sum (exact per key), shifted by one row."""
    if values.shape[1] == 0 or values.shape[0] == 0:
        return np.zeros_like(values)
    inclusive = pd.DataFrame(values).groupby(batch.codes, sort=False).cumsum().to_numpy()
    return batch.shifted(inclusive, 0.0)


def running_max(batch, x, before):
    """``x`` (sorted) made non-decreasing within each key, starting from ``before``
    (each row's key's last instant in the state, NaN for a new key)."""
    floor = np.where(np.isnan(before), -np.inf, before)
    lifted = np.maximum(x, floor)
    return pd.Series(lifted).groupby(batch.codes, sort=False).cummax().to_numpy()


def exclusive_decayed(batch, x, values, x_before, s_before):
    """Decayed sums over each row's earlier rows of its key, the state included.

    Parameters
    ----------
    batch : SortedBatch
    x : ndarray of float64, shape (n_rows,)
        Sorted rows' instants in half-lives, non-decreasing within each key and not
        below ``x_before`` (see :func:`running_max`).
    values : ndarray of float64, shape (n_rows, m)
        Sorted rows' values.
    x_before, s_before : ndarrays, shapes (n_rows,) and (n_rows, m)
        Per sorted row, its key's state: the last instant (NaN for a new key) and the
        decayed sum of the key's earlier rows including that last one, at it.

    Returns
    -------
    ndarray of float64, shape (n_rows, m)
        ``sum_{j < i} 2**-(x_i - x_j) v_j`` over the key's earlier rows, state included.
    """
    n_rows, width = values.shape
    if n_rows == 0 or width == 0:
        return np.zeros_like(values)
    continuing = ~np.isnan(x_before)
    first_x = np.maximum.accumulate(np.where(batch.starts, np.arange(n_rows), 0))
    origin = np.where(continuing, x_before, x[first_x])
    block = np.floor((x - origin) / _BLOCK)
    base = origin + block * _BLOCK
    starts_segment = batch.starts.copy()
    starts_segment[1:] |= block[1:] != block[:-1]
    segment = np.cumsum(starts_segment) - 1
    grown = np.exp2(x - base)[:, None] * values
    inclusive = pd.DataFrame(grown).groupby(segment, sort=False).cumsum().to_numpy()
    within = np.empty_like(inclusive)
    within[1:] = inclusive[:-1]
    within[starts_segment] = 0.0
    # What reaches each segment from before it, at the segment's origin.
    firsts = np.flatnonzero(starts_segment)
    lasts = np.r_[firsts[1:] - 1, n_rows - 1]
    segment_base = base[firsts]
    carry = np.zeros((firsts.size, width))
    follows = np.zeros(firsts.size, dtype=bool)
    follows[1:] = batch.codes[firsts[1:]] == batch.codes[firsts[:-1]]
    gap = np.where(follows[1:], segment_base[1:] - segment_base[:-1], np.inf)
    carry[1:] += np.exp2(-gap)[:, None] * inclusive[lasts[:-1]]
    from_state = continuing[firsts]
    state_gap = np.where(from_state, segment_base - x_before[firsts], np.inf)
    carry += np.exp2(-state_gap)[:, None] * np.where(from_state[:, None], s_before[firsts], 0.0)
    return (within + carry[segment]) * np.exp2(-(x - base))[:, None]


def previous_rows(batch, k, values, ring_before, count_before):
    """The values of each row's ``1..k`` previous rows of its key (zeros before the
    key's first row), the state's last rows included.

    ``values``: sorted (n_rows, m); ``ring_before``: per sorted row, its key's last
    ``k`` rows in the state, most recent first (n_rows, k, m); ``count_before``: per
    sorted row, the rows its key has in the state.

    Returns an array of shape (n_rows, k, m).
    """
    n_rows, width = values.shape
    out = np.zeros((n_rows, k, width))
    for j in range(1, k + 1):
        in_batch = batch.rank >= j
        out[in_batch, j - 1] = values[np.flatnonzero(in_batch) - j]
        back = j - batch.rank - 1  # index into the state's ring
        from_state = ~in_batch & (back < np.minimum(count_before, k))
        rows = np.flatnonzero(from_state)
        out[rows, j - 1] = ring_before[rows, back[rows]]
    return out


def ring_after(batch, k, values, ring_before_of_key, count_in_batch):
    """Each key's last ``k`` rows after the batch, most recent first, in key-code order.

    ``ring_before_of_key``: each key's ring in the state (n_keys, k, m), zeros for new
    keys; ``count_in_batch``: each key's rows in the batch.
    """
    n_keys = count_in_batch.size
    lasts = batch.last_rows()
    out = np.zeros((n_keys, k, values.shape[1]))
    for t in range(k):
        from_batch = t < count_in_batch
        out[from_batch, t] = values[lasts[from_batch] - t]
        from_state = ~from_batch
        out[from_state, t] = ring_before_of_key[from_state, t - count_in_batch[from_state]]
    return out
