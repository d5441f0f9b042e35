"""Where PositionEmbedder's positions come from: its ``positions`` parameter, as strategies.

A source turns the received columns into one or several ``(position, length)`` pairs of
int64 arrays (``length``: the size of the sequence each row counts in, for reversed and
scalar features). On a chunk of a larger table (a dask partition), it adds what the
chunk needs from the other chunks: a *context* made from every chunk's *statistic*.

Adding a source is one class here plus one entry in :data:`SOURCES`.
"""

import numpy as np
import pandas as pd

from . import _columns, _groups, _sequence_state

# Positions from a column stay below this: float64 holds every integer up to it.
MAX_POSITION = 2**53


class _Source:
    """One way to read positions; built on demand from a PositionEmbedder."""

    # Whether the received column values are the positions (else keys, or ignored).
    values_are_positions = False

    def __init__(self, estimator):
        self.estimator = estimator

    def fit_statistics(self, X, y=None):
        """The fit's reduction over chunks: :meth:`statistics` as a one-item list, so
        that ``_partitioned.concatenate`` keeps every chunk's statistic in order."""
        return [self.statistics(X)]

    def needs_context(self, with_length):
        """Whether a chunk's positions (or lengths) depend on the other chunks."""
        return True

    def from_zero(self, context):
        """Whether the rows are positions 0, 1, ... of the whole table, in order, so
        encodings may compute them as one run."""
        return False

    def statistics(self, X):
        """What positions in chunk ``X`` depend on outside it."""
        raise NotImplementedError

    def largest_position(self, statistics):
        """The largest position in a table, from its chunks' statistics."""
        raise NotImplementedError

    def contexts(self, statistics):
        """One context per chunk, from every chunk's statistic in order."""
        raise NotImplementedError

    def merge(self, statistics):
        """One statistic for several chunks in order (the fitted history)."""
        raise NotImplementedError

    def state_bytes(self, history):
        """The memory a merged statistic takes."""
        return 8

    def positions(self, X, context, with_length):
        """``(position, length)`` pairs, one per output block; ``length`` may be None
        when ``with_length`` is False. ``context`` None: ``X`` is the whole table."""
        raise NotImplementedError

    def prefixes(self, names):
        """One output name prefix per output block, from the input column names."""
        raise NotImplementedError

    def continued(self, X, history, with_length):
        """:meth:`positions` of the whole input ``X`` placed after a fitted history."""
        return self.positions(X, self.contexts([history, self.statistics(X)])[1], with_length)


class _WithinGroup(_Source):
    """The received columns are group keys; a position counts the group's earlier rows."""

    def _columns(self):
        return range(self.estimator.n_features_in_)

    def _names(self):
        return _columns.output_prefixes(self.estimator)

    def statistics(self, X):
        """The chunk's groups (comparable keys) and their row counts."""
        codes, keys = _groups.group_table(X, self._columns())
        return keys, np.bincount(codes, minlength=len(keys))

    def largest_position(self, statistics):
        _, codes = _groups.across_chunks(statistics, self._names())
        sizes = np.bincount(codes, weights=np.concatenate([n for _, n in statistics]))
        return int(sizes.max(initial=1)) - 1

    def merge(self, statistics):
        return _sequence_state.merge_counts(statistics, self._names())

    def state_bytes(self, history):
        keys, counts = history
        return _sequence_state.keys_bytes(keys) + counts.nbytes

    def contexts(self, statistics):
        """Per chunk: the rows each of its groups has in earlier chunks, and each of
        its groups' size in the whole table."""
        bounds, codes = _groups.across_chunks(statistics, self._names())
        counts = np.concatenate([n for _, n in statistics]).astype(np.int64)
        sizes = np.bincount(codes, weights=counts).astype(np.int64)
        earlier = pd.Series(counts).groupby(codes).cumsum().to_numpy() - counts
        return [
            (earlier[a:b], sizes[codes[a:b]])
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]

    def positions(self, X, context, with_length):
        if context is None:
            position, length = _groups.positions_within_groups(
                X, self._columns(), self.estimator.n_threads, with_length=with_length
            )
            return [(position, length)]
        codes, keys = _groups.group_table(X, self._columns())
        return [self._placed(codes, len(keys), context)]

    def continued(self, X, history, with_length):
        # One read of the keys for the statistic and the positions.
        codes, keys = _groups.group_keys(X, self._columns())
        n_groups = len(next(iter(keys.values())))
        counts = np.bincount(codes, minlength=n_groups)
        found = _groups.rows_in_history(history[0], keys)
        if found is None:
            context = self.contexts([history, (pd.DataFrame(keys), counts)])[1]
        else:
            # The history is the chunk before: a group continues from its count there.
            counted = np.append(history[1], 0).astype(np.int64)
            earlier = counted.take(np.where(found < 0, -1, found))
            context = earlier, earlier + counts
        return [self._placed(codes, n_groups, context)]

    def _placed(self, codes, n_groups, context):
        """(position, length) of rows with group ``codes``, after the rows the
        ``context`` says each group had before (where a chunk's positions start)."""
        earlier, sizes = context
        position = _groups.positions_of_codes(codes, n_groups, self.estimator.n_threads)
        return position + earlier[codes], sizes[codes]

    def prefixes(self, names):
        return ["_".join(names)]


class _Global(_Source):
    """A row's position is its index in the table; the column values are ignored."""

    def statistics(self, X):
        """The chunk's row count."""
        return X.shape[0]

    def largest_position(self, statistics):
        return max(sum(statistics) - 1, 0)

    def merge(self, statistics):
        return int(sum(statistics))

    def contexts(self, statistics):
        """Per chunk: its first row's index and the table's row count."""
        starts = np.cumsum([0] + statistics)
        return [(int(start), int(starts[-1])) for start in starts[:-1]]

    def from_zero(self, context):
        # Only for the whole table: a chunk, even the first, goes position by position.
        return context is None

    def positions(self, X, context, with_length):
        n_samples = X.shape[0]
        start, total = self._start(n_samples, context)
        everything = np.full(n_samples, total, dtype=np.int64)
        return [(np.arange(start, start + n_samples, dtype=np.int64), everything)]

    def _start(self, n_samples, context):
        """The first row's position and the table's row count."""
        return (0, n_samples) if context is None else context

    def prefixes(self, names):
        return ["row"]


class _FromColumn(_Source):
    """Every received column holds positions; each gets its own output block."""

    values_are_positions = True

    def needs_context(self, with_length):
        # A column's length is its largest position plus one, over the whole table.
        return with_length

    def statistics(self, X):
        """Each column's largest position plus one (the columns checked on the way)."""
        n_columns = self.estimator.n_features_in_
        return [int(self._column(X, j)[0].max(initial=-1)) + 1 for j in range(n_columns)]

    def largest_position(self, statistics):
        return max(max(max(chunk) for chunk in statistics) - 1, 0)

    def merge(self, statistics):
        return [int(length) for length in np.max(statistics, axis=0)]

    def state_bytes(self, history):
        return 8 * len(history)

    def contexts(self, statistics):
        """For every chunk: each column's largest position plus one, over all chunks."""
        lengths = np.max(statistics, axis=0)
        return [lengths] * len(statistics)

    def positions(self, X, context, with_length):
        placed = [self._column(X, j) for j in range(self.estimator.n_features_in_)]
        if context is None:
            return placed
        return [
            (position, np.full(position.size, length))
            for (position, _), length in zip(placed, context, strict=True)
        ]

    def _column(self, X, j):
        """Column ``j``'s positions, checked, and its largest position plus one."""
        column = _columns.read_column(X, j)
        if column.kind not in (_columns.INTEGER, _columns.FLOAT, _columns.NULL):
            # What the column holds first: a datetime column with NaT is no position.
            raise TypeError(
                f"Column {column.name!r} holds {column.kind} values (dtype {column.dtype}); "
                "position columns must hold non-negative integers."
            )
        if column.missing.any():
            raise ValueError(
                f"Input X contains NaN in column {column.name!r}: "
                f"{int(column.missing.sum())} missing position(s); positions cannot be "
                "missing."
            )
        values = column.values
        if column.kind == _columns.FLOAT:
            _columns.check_finite(column)
            values, bad = _columns.whole_numbers(column)
            if bad.size:
                bits, float_name = _columns.exact_integer_bits(column)
                raise ValueError(
                    f"Column {column.name!r} holds positions that are not whole numbers "
                    f"below 2**{bits}, the integers {float_name} holds exactly, e.g. "
                    f"{bad[:5].tolist()}; positions count rows: 0, 1, 2, ..."
                )
        elif column.kind != _columns.INTEGER:
            raise TypeError(
                f"Column {column.name!r} holds {column.kind} values (dtype {column.dtype}); "
                "position columns must hold non-negative integers."
            )
        elif values.size and values.max() >= MAX_POSITION:
            # Encodings compute in float64, where larger integers collide (2**62 + 1).
            raise ValueError(
                f"Column {column.name!r} holds positions up to {int(values.max()):,}, "
                f"beyond 2**53 = {MAX_POSITION:,}: float64 cannot tell such positions apart."
            )
        if values.size and values.min() < 0:
            negative = np.unique(values[values < 0])[:5].tolist()
            raise ValueError(
                f"Negative values in data: column {column.name!r} holds negative "
                f"positions, e.g. {negative}; positions count rows from 0."
            )
        return values, np.full(values.size, values.max(initial=-1) + 1)

    def prefixes(self, names):
        return list(names)


SOURCES = {"within_group": _WithinGroup, "global": _Global, "from_column": _FromColumn}
