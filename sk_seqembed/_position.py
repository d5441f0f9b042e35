"""PositionEmbedder: where a row sits in its sequence, as features."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from . import _blocks, _columns, _groups, _position_encodings, _reduction
from ._params import RefuseBoolCounts

_SCALAR_FEATURES = ("position", "reverse_position", "group_length", "fraction")


# Positions from a column stay below this: float64 holds every integer up to it.
_MAX_POSITION = 2**53


class PositionEmbedder(RefuseBoolCounts, TransformerMixin, BaseEstimator):
    """Encode each row's position in its sequence: sinusoidal, random, scalar or decay.

    The received columns say where positions come from (see ``positions``); inside a
    ``ColumnTransformer`` they are the group keys, any column when positions are global,
    or the position columns themselves.

    Parameters
    ----------
    embedding_dim : int, default=16
        Output features per position: sinusoid dimensions, random table width, or decay
        scales. ``method="scalar"`` ignores it (four features).
    method : {"sinusoidal", "random", "scalar", "decay"}, default="sinusoidal"
        - ``"sinusoidal"``: the Transformer encoding, exactly:
          ``PE[p, 2i] = sin(p / base**(2i/d))``, ``PE[p, 2i+1] = cos(p / base**(2i/d))``;
          for odd ``d`` the last feature is a sine. Defined for every position.
        - ``"random"``: a seeded Gaussian table (variance ``1/d``) with one row per
          position up to ``max_position``; larger positions follow ``beyond_max``.
        - ``"scalar"``: position, reverse position, group length and
          ``fraction = position / (length - 1)`` (0 for single rows), for tree models.
        - ``"decay"``: multi-scale recency ``exp(-p / s_k)`` for ``d`` scales
          ``s_k = max_scale**((k+1)/d)``, geometrically spaced like ALiBi's slopes.
    positions : {"within_group", "global", "from_column"}, default="within_group"
        - ``"within_group"``: the received columns are group keys (one or several:
          tokens, numbers, booleans or datetimes; groups need not be contiguous). A
          row's position is the number of earlier rows of its group. Rows with a
          missing key form one group (NaN and null alike, unlike pandas' ``dropna=False``
          on arrow floats, which keeps them apart).
        - ``"global"``: the row's index 0..n-1 in the frame; column values are ignored.
        - ``"from_column"``: every received column holds non-negative integer
          positions (whole-number floats accepted); each gets its own features.
    reverse : bool, default=False
        Count from the end instead: the distance to the group's last row (for
        ``from_column``, to the column's largest position). ``"scalar"`` always gives
        both.
    base : float, default=10000.0
        ``sinusoidal``: the wavelength base.
    max_scale : float, default=256.0
        ``decay``: the largest scale (ALiBi's smallest slope is 1/256).
    max_position : int, default=None
        ``random``: the last position with a row of its own; None learns it in fit as
        the largest position seen.
    beyond_max : {"clip", "zeros", "error"}, default="clip"
        ``random``: positions above ``max_position`` use its row, zeros, or raise.
    dtype : {"float64", "float32"}, default="float64"
        Output dtype.
    max_table_bytes : int, default=2**30
        ``random``: memory budget of the table (1 GiB by default). When
        ``max_position`` (or the largest position seen) times ``embedding_dim`` would
        need more, ``fit`` raises a ``MemoryError`` before allocating. None removes
        the budget.
    n_threads : int, default=None
        Threads ``transform`` splits inputs of 100,000 rows or more across; None uses
        every available core. Results do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the ``random`` table.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    max_position_ : int
        The largest position seen in fit (``random`` sizes its table by it unless
        ``max_position`` is given).
    table_ : ndarray of shape (max_position + 2, embedding_dim)
        ``random``: one row per position, then a zero row.

    See Also
    --------
    ValueEmbedder : Token columns to vectors.

    Notes
    -----
    Positions are always computed on the frame passed to ``transform``: transforming a
    subset of rows, or the same rows in another order, gives other positions. This is
    what a position means, so sklearn's sample-order and subset invariance checks do not
    apply. Transform a whole sequence (or several whole sequences) at once.

    Output dtype is ``dtype``; the output has ``embedding_dim`` columns (four for
    ``scalar``) per position source: one for ``within_group`` and ``global``, one per
    column for ``from_column``. Sinusoids are exact to about 1e-10 at positions near a
    million (float64).

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_seqembed import PositionEmbedder
    >>> X = pd.DataFrame({"session": ["a", "a", "b", "a", "b"]})
    >>> embedder = PositionEmbedder(method="scalar").fit(X)
    >>> embedder.transform(X)
    array([[0. , 2. , 3. , 0. ],
           [1. , 1. , 3. , 0.5],
           [0. , 1. , 2. , 0. ],
           [2. , 0. , 3. , 1. ],
           [1. , 0. , 2. , 1. ]])
    >>> PositionEmbedder(4).fit(X).get_feature_names_out().tolist()
    ['session_pos0', 'session_pos1', 'session_pos2', 'session_pos3']
    """

    _parameter_constraints = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions({"sinusoidal", "random", "scalar", "decay"})],
        "positions": [StrOptions({"within_group", "global", "from_column"})],
        "reverse": ["boolean"],
        "base": [Interval(Real, 1, None, closed="neither")],
        "max_scale": [Interval(Real, 1, None, closed="neither")],
        "max_position": [Interval(Integral, 0, None, closed="left"), None],
        "beyond_max": [StrOptions({"clip", "zeros", "error"})],
        "dtype": [
            StrOptions({"float64", "float32"}),
            Options(type, {np.float64, np.float32}),
        ],
        "max_table_bytes": [Interval(Integral, 1, None, closed="left"), None],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        embedding_dim=16,
        *,
        method="sinusoidal",
        positions="within_group",
        reverse=False,
        base=10000.0,
        max_scale=256.0,
        max_position=None,
        beyond_max="clip",
        dtype="float64",
        max_table_bytes=2**30,
        n_threads=None,
        random_state=None,
    ):
        self.embedding_dim = embedding_dim
        self.method = method
        self.positions = positions
        self.reverse = reverse
        self.base = base
        self.max_scale = max_scale
        self.max_position = max_position
        self.beyond_max = beyond_max
        self.dtype = dtype
        self.max_table_bytes = max_table_bytes
        self.n_threads = n_threads
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the position source and, for ``random``, draw the table.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : PositionEmbedder
        """
        X = _columns.check_input(self, X, reset=True)
        _reduction.fit_in_memory(self._fit_steps(), X)
        return self

    def _fit_steps(self):
        """The fit as reduction steps over chunks of rows (see ``_reduction``)."""
        statistics = yield _reduction.Reduction(self._chunk_statistics, _reduction.concatenate)
        self.max_position_ = self._largest_position(statistics)
        if self.method == "random":
            last = self.max_position if self.max_position is not None else self.max_position_
            n_bytes = (last + 2) * self.embedding_dim * 8
            if self.max_table_bytes is not None and n_bytes > self.max_table_bytes:
                source = "max_position" if self.max_position is not None else "largest position"
                raise MemoryError(
                    f"PositionEmbedder(method='random') would build a table of {last + 2:,} "
                    f"rows x {self.embedding_dim} dimensions = {n_bytes / 2**30:.2f} GiB "
                    f"({source} {last:,}), above max_table_bytes={self.max_table_bytes:,}. "
                    "Set max_position (larger positions follow beyond_max), use "
                    "method='sinusoidal' (no table), or raise max_table_bytes."
                )
            rng = check_random_state(self.random_state)
            table = rng.standard_normal((last + 2, self.embedding_dim))
            table /= np.sqrt(self.embedding_dim)
            table[-1] = 0.0  # the row for positions beyond_max="zeros" sends away
            self.table_ = table.astype(self.dtype)

    # --- chunks of one table (dask partitions) --------------------------------------

    def _chunk_statistics(self, X, y=None):
        """What positions in a chunk depend on outside it: its groups and their sizes,
        its row count, or its largest position per column (checked on the way)."""
        if self.positions == "within_group":
            codes, keys = _groups.group_table(X, range(self.n_features_in_))
            return [(keys, np.bincount(codes, minlength=len(keys)))]
        if self.positions == "global":
            return [X.shape[0]]
        columns = range(self.n_features_in_)
        return [[int(self._column_positions(X, j)[0].max(initial=-1)) + 1 for j in columns]]

    def _needs_chunk_context(self):
        """Whether a chunk's positions depend on the other chunks."""
        return self.positions != "from_column" or self.reverse or self.method == "scalar"

    def _context_statistics(self, X, y=None):
        return self._chunk_statistics(X, y)

    def _largest_position(self, statistics):
        if self.positions == "within_group":
            _, codes = _groups.across_chunks(statistics)
            sizes = np.bincount(codes, weights=np.concatenate([n for _, n in statistics]))
            return int(sizes.max(initial=1)) - 1
        if self.positions == "global":
            return max(sum(statistics) - 1, 0)
        return max(max(max(chunk) for chunk in statistics) - 1, 0)

    def _chunk_contexts(self, statistics):
        """For each chunk, what its positions need from the chunks before and after it:
        (rows of each of its groups in earlier chunks, each group's size), (its first
        row's index, the row count), or each column's largest position plus one."""
        if self.positions == "within_group":
            bounds, codes = _groups.across_chunks(statistics)
            counts = np.concatenate([n for _, n in statistics]).astype(np.int64)
            sizes = np.bincount(codes, weights=counts).astype(np.int64)
            earlier = pd.Series(counts).groupby(codes).cumsum().to_numpy() - counts
            return [
                (earlier[a:b], sizes[codes[a:b]])
                for a, b in zip(bounds[:-1], bounds[1:], strict=True)
            ]
        if self.positions == "global":
            starts = np.cumsum([0] + statistics)
            return [(int(start), int(starts[-1])) for start in starts[:-1]]
        lengths = np.max(statistics, axis=0)
        return [lengths] * len(statistics)

    def transform(self, X):
        """Position features of every row of ``X``, computed on ``X`` itself.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
        """
        check_is_fitted(self)
        X = _columns.check_input(self, X, reset=False)
        # Set by sk_seqembed.dask on a copy per partition: the partition's place in the
        # whole table, so positions count across partitions.
        context = getattr(self, "_chunk_context", None)
        sources = self._positions(X, context)
        n_samples = X.shape[0]
        width = self._width()
        out = np.empty((n_samples, width * len(sources)), dtype=self.dtype)
        names = self._source_names(_columns.output_prefixes(self))
        for k, (position, length) in enumerate(sources):
            block = out[:, k * width : (k + 1) * width]
            self._encode(position, length, block, names[k], from_zero=context is None)
        return out

    # --- positions ------------------------------------------------------------------

    def _positions(self, X, context=None):
        """(position, group length) int64 arrays, one pair per position source.

        Group lengths are only computed when used (reverse, scalar); else None. A
        ``context`` (see ``_chunk_contexts``) places ``X`` in a larger table.
        """
        n_samples = X.shape[0]
        if self.positions == "global":
            start, total = (0, n_samples) if context is None else context
            everything = np.full(n_samples, total, dtype=np.int64)
            return [(np.arange(start, start + n_samples, dtype=np.int64), everything)]
        if self.positions == "within_group":
            columns = range(self.n_features_in_)
            with_length = self.reverse or self.method == "scalar"
            position, length = _groups.positions_within_groups(
                X, columns, self.n_threads, with_length=with_length and context is None
            )
            if context is not None:
                codes, _ = _groups.group_table(X, columns)
                earlier, sizes = context
                position = position + earlier[codes]
                length = sizes[codes]
            return [(position, length)]
        sources = [self._column_positions(X, j) for j in range(self.n_features_in_)]
        if context is not None:
            sources = [
                (position, np.full(position.size, length))
                for (position, _), length in zip(sources, context, strict=True)
            ]
        return sources

    def _column_positions(self, X, j):
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
                raise ValueError(
                    f"Column {column.name!r} holds positions that are not whole numbers, "
                    f"e.g. {bad[:5].tolist()}; positions count rows: 0, 1, 2, ..."
                )
        elif column.kind != _columns.INTEGER:
            raise TypeError(
                f"Column {column.name!r} holds {column.kind} values (dtype {column.dtype}); "
                "position columns must hold non-negative integers."
            )
        elif values.size and values.max() >= _MAX_POSITION:
            # Encodings compute in float64, where larger integers collide (2**62 + 1).
            raise ValueError(
                f"Column {column.name!r} holds positions up to {int(values.max()):,}, "
                f"beyond 2**53 = {_MAX_POSITION:,}: float64 cannot tell such positions apart."
            )
        if values.size and values.min() < 0:
            negative = np.unique(values[values < 0])[:5].tolist()
            raise ValueError(
                f"Negative values in data: column {column.name!r} holds negative "
                f"positions, e.g. {negative}; positions count rows from 0."
            )
        return values, np.full(values.size, values.max(initial=-1) + 1)

    # --- encodings ------------------------------------------------------------------

    def _width(self):
        return len(_SCALAR_FEATURES) if self.method == "scalar" else self.embedding_dim

    def _encode(self, position, length, out, source, *, from_zero=True):
        if self.method == "scalar":
            self._scalar(position, length, out)
            return
        if self.reverse:
            position = length - 1 - position
        is_global = (
            from_zero and self.positions == "global" and self.method in ("sinusoidal", "decay")
        )
        if is_global:
            self._global_rows(position.size, out)
            return
        last = int(position.max(initial=0))
        if self.method != "random" and last + 1 > max(
            4 * _position_encodings.BLOCK, position.size // 4
        ):
            # A table of every position would outgrow the output: compute row by row.
            target = out if out.flags.c_contiguous else np.empty(out.shape, out.dtype)
            self._rows_at(position, target)
            if target is not out:
                out[:] = target
            return
        table = self._table(last)
        rows = self._table_rows(position, table.shape[0], source)

        def gather(start, stop):
            np.take(table, rows[start:stop], axis=0, out=out[start:stop], mode="clip")

        if out.flags.c_contiguous:
            _blocks.run_in_blocks(position.size, gather, self.n_threads)
        else:
            # A column block of a wider output: np.take needs a contiguous target.
            out[:] = np.take(table, rows, axis=0, mode="clip")

    def _kernels(self):
        """(consecutive-rows kernel, any-positions kernel, their parameter)."""
        if self.method == "sinusoidal":
            encodings = _position_encodings.sinusoidal_rows, _position_encodings.sinusoidal_at
            return (*encodings, self.base)
        return _position_encodings.decay_rows, _position_encodings.decay_at, self.max_scale

    def _rows_at(self, position, out):
        _, kernel, parameter = self._kernels()

        def fill(start, stop):
            kernel(position[start:stop], self.embedding_dim, parameter, out[start:stop])

        _blocks.run_in_blocks(position.size, fill, self.n_threads)

    def _table(self, last):
        """One row per position 0..last (random: the fitted table, zero row last)."""
        if self.method == "random":
            return self.table_
        kernel, _, parameter = self._kernels()
        return kernel(0, last + 1, self.embedding_dim, parameter).astype(self.dtype)

    def _table_rows(self, position, n_table_rows, source):
        if self.method != "random":
            return position
        last = n_table_rows - 2
        beyond = position > last
        if not beyond.any():
            return position
        if self.beyond_max == "error":
            raise ValueError(
                f"Positions from {source!r}: {int(beyond.sum())} row(s) lie above "
                f"max_position={last} (up to {int(position.max())}); use "
                "beyond_max='clip' or 'zeros', or a larger max_position."
            )
        return np.where(beyond, last if self.beyond_max == "clip" else last + 1, position)

    def _global_rows(self, n_samples, out):
        """Rows 0..n-1 (or n-1..0) computed in place, block by block, no table."""
        kernel, _, parameter = self._kernels()
        # Reversed positions are ascending rows written into a reversed view.
        target = out[::-1] if self.reverse else out

        def fill(start, stop):
            kernel(start, stop - start, self.embedding_dim, parameter, out=target[start:stop])

        # Blocks aligned on the kernel's steps: the same rounding on any thread count.
        _blocks.run_in_blocks(n_samples, fill, self.n_threads, align=_position_encodings.BLOCK)

    def _scalar(self, position, length, out):
        out[:, 0] = position
        out[:, 1] = length - 1 - position
        out[:, 2] = length
        np.divide(position, length - 1, out=out[:, 3], where=length > 1)
        out[length <= 1, 3] = 0.0

    # --- names and tags -------------------------------------------------------------

    def get_feature_names_out(self, input_features=None):
        """Output names: ``{source}_pos{j}``, or ``{source}_{feature}`` for scalar.

        The source is the joined group column names (``within_group``), ``row``
        (``global``) or each position column's name (``from_column``).

        Parameters
        ----------
        input_features : array-like of str, default=None

        Returns
        -------
        feature_names_out : ndarray of str
        """
        check_is_fitted(self)
        sources = self._source_names(_columns.check_input_features(self, input_features))
        if self.method == "scalar":
            suffixes = list(_SCALAR_FEATURES)
        else:
            suffixes = [f"pos{j}" for j in range(self.embedding_dim)]
        return np.asarray(
            [f"{source}_{suffix}" for source in sources for suffix in suffixes], dtype=object
        )

    def _source_names(self, names):
        """One name per position source: the joined keys, ``row``, or each column."""
        if self.positions == "global":
            return ["row"]
        if self.positions == "within_group":
            return ["_".join(names)]
        return list(names)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = self.positions != "from_column"
        tags.input_tags.allow_nan = self.positions != "from_column"
        tags.input_tags.positive_only = self.positions == "from_column"
        tags.transformer_tags.preserves_dtype = [np.dtype(self.dtype).name]
        return tags
