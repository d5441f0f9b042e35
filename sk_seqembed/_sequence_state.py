"""Fitted sequence state: what fit saw of each sequence, so that transform continues it.

The as-of rule: a row's sequence features depend only on that row and the earlier rows
of its group. Features that count earlier rows (positions within groups, row indices,
recency) therefore need the rows ``fit`` saw. An estimator keeps, as ``history_``, the
merge of its fit input's context statistics (``_partitioned``): per group its row
count, or its first and last instants; O(number of groups). ``transform`` places its
input after that history exactly as a dask partition is placed after the partitions
before it: the history is chunk 0. ``partial_fit`` merges a new batch into it.

Replays. Transforming again the rows ``fit`` saw, as ``fit_transform``,
``Pipeline.score`` on the training rows or ``cross_validate(return_train_score=True)``
do, must give those rows the features they had in fit, not place them after
themselves. ``fit`` leaves a *fingerprint* of its input: the row count and two 64-bit
sums of hashes of the rows' values (sums, so the fingerprints of chunks add up to the
table's). A transform input with the same fingerprint is the training table again and
gets its in-frame features, until the first ``partial_fit``: from then on every input
is taken for new events (in a serving loop, the next batch of a fixed schedule looks
exactly like the last one). The one ambiguity left: right after ``fit``, a new batch
equal to the whole fitted table (same rows) is taken for it.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, StrOptions

from . import _columns, _groups

_MOD = 2**64
# Odd 64-bit constants of the splitmix64 finaliser (Steele, Lea and Flood, 2014).
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)

PARAMETER_CONSTRAINTS = {
    "history": [StrOptions({"continue", "ignore"})],
    "max_state_bytes": [Interval(Integral, 1, None, closed="left"), None],
}


def fingerprint(X, columns):
    """``(n_rows, sum1, sum2)``: the row count, the sum of 64-bit row hashes of the key
    ``columns`` of ``X`` and the sum of their squares (comparable across containers
    and chunkings: sums of per-row values add up over chunks)."""
    n_rows = X.shape[0]
    if n_rows == 0:
        return (0, 0, 0)
    hashes = _row_hashes(_groups.key_frame(X, columns))
    with np.errstate(over="ignore"):
        squares = hashes * hashes
    return (
        n_rows,
        int(hashes.sum(dtype=np.uint64)),
        int(squares.sum(dtype=np.uint64)),
    )


def _row_hashes(frame):
    """One 64-bit hash per row of a keys frame (:func:`_groups.key_frame`).

    The columns' 64-bit patterns are combined as a polynomial in an odd constant and
    mixed once with numpy (several times faster than pandas' ``hash_pandas_object``);
    string columns enter as pandas' hash of each value.
    """
    combined = np.zeros(len(frame), dtype=np.uint64)
    for _, values in frame.items():
        if isinstance(values.dtype, pd.ArrowDtype) or values.dtype == object:
            bits = pd.util.hash_pandas_object(values, index=False).to_numpy(np.uint64)
        else:
            bits = np.ascontiguousarray(values.to_numpy())
            bits = bits.astype(np.uint64) if bits.dtype == bool else bits.view(np.uint64)
        with np.errstate(over="ignore"):
            combined = combined * _MIX1 + bits
    return _mixed(combined)


def _mixed(z):
    """splitmix64's finaliser, element-wise (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        z = z + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        return z ^ (z >> np.uint64(31))


def add_fingerprints(fingerprints):
    """The fingerprint of a table from those of its chunks."""
    totals = [sum(parts) for parts in zip(*fingerprints, strict=True)]
    return (totals[0], totals[1] % _MOD, totals[2] % _MOD)


class SequenceStateMixin:
    """Fitted history and replays for an estimator whose features continue sequences.

    The estimator has the parameters ``history`` (``"continue"`` or ``"ignore"``) and
    ``max_state_bytes``, and implements

    - ``_keeps_history()``: whether its features need a history at all (with
      ``history="continue"``);
    - ``_history_statistic(X)``: one chunk's statistic (its ``_context_statistics``
      without the fingerprint);
    - ``_merge_history(statistics)``: one statistic of the same form for several chunks
      in order, O(number of groups);
    - ``_replay_columns()``: the input columns whose values identify a row;
    - ``_state_bytes(history)``: the memory a history takes.
    """

    def _remembers(self):
        return self.history == "continue" and self._keeps_history()

    def _chunk_state(self, X):
        """One chunk's history statistic and fingerprint."""
        return self._history_statistic(X), fingerprint(X, self._replay_columns())

    def _set_history(self, chunk_states, before=None):
        """The history after a batch of chunks (``before``: the history it follows)."""
        statistics = [statistic for statistic, _ in chunk_states]
        if before is not None:
            statistics = [before, *statistics]
        history = self._merge_history(statistics)
        n_bytes = self._state_bytes(history)
        if self.max_state_bytes is not None and n_bytes > self.max_state_bytes:
            raise MemoryError(
                f"{type(self).__name__} would keep a sequence history of "
                f"{n_bytes / 2**20:.1f} MiB, above max_state_bytes={self.max_state_bytes:,}. "
                "Raise max_state_bytes, or set history='ignore' (every transform then "
                "computes its features within its own frame)."
            )
        # After a partial_fit the model has moved on: a frame like the fitted table
        # is taken for new events (the next day of a fixed schedule looks like it).
        self.replay_ = (
            add_fingerprints([fp for _, fp in chunk_states]) if before is None else None
        )
        self.history_ = history

    def _history_before(self, fingerprints):
        """The history a table made of chunks with these fingerprints follows: none if
        it is the fitted table again, else ``history_``."""
        if self.replay_ is None or add_fingerprints(fingerprints) != self.replay_:
            return self.history_
        return None

    def _history_of_frame(self, X):
        """The history the whole input ``X`` follows (fingerprinted only when it has
        the fitted table's row count)."""
        if self.replay_ is None or X.shape[0] != self.replay_[0]:
            return self.history_
        return self._history_before([fingerprint(X, self._replay_columns())])

    def _placed_statistics(self, statistics):
        """Context statistics of chunks in order, with the history they follow as chunk
        0 (absent for no history), and how many chunks were prepended."""
        if not self._remembers():
            return statistics, 0
        history = self._history_before([fp for _, fp in statistics])
        plain = [statistic for statistic, _ in statistics]
        if history is None:
            return plain, 0
        return [history, *plain], 1

    def _partial_fit(self, X, y=None):
        """``partial_fit``: fit on the first call, then advance the history with ``X``
        (what else fit learned stays)."""
        if not hasattr(self, "history_"):
            return self.fit(X, y)
        X = _columns.check_input(self, X, reset=False)
        if self._remembers():
            self._set_history([self._chunk_state(X)], before=self.history_)
        return self


def merge_counts(statistics, names=None):
    """Merge ``(keys, counts)`` statistics of chunks: one row per group, counts added."""
    bounds, codes = _groups.across_chunks(statistics, names)
    keys = pd.concat([_groups.as_key_frame(keys) for keys, _ in statistics], ignore_index=True)
    counts = np.concatenate([n for _, n in statistics]).astype(np.int64)
    _, firsts = np.unique(codes, return_index=True)
    totals = np.bincount(codes, weights=counts, minlength=firsts.size).astype(np.int64)
    return _groups.key_state(keys.iloc[firsts].reset_index(drop=True)), totals


def keys_bytes(keys):
    """The memory of a history's keys (:func:`sk_seqembed._groups.key_state`)."""
    return int(sum(values.nbytes for values in keys.values()))
