"""PositionEmbedder: where a row sits in its sequence, as features."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from . import _columns, _partitioned, _position_methods, _position_sources
from ._params import RefuseBoolCounts


class PositionEmbedder(
    RefuseBoolCounts, _partitioned.PartitionedMixin, TransformerMixin, BaseEstimator
):
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
        "method": [StrOptions(set(_position_methods.METHODS))],
        "positions": [StrOptions(set(_position_sources.SOURCES))],
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
            Group-key columns (or position columns), as described by ``positions``.
        y : None
            Ignored.

        Returns
        -------
        self : PositionEmbedder
            The fitted embedder.
        """
        X = self._check_fit_input(X)
        return self._fit_in_memory(X)

    # --- strategies: the registry lookups -------------------------------------------

    def _source(self):
        """Where positions come from (``positions``), see ``_position_sources``."""
        return _position_sources.SOURCES[self.positions](self)

    def _method(self):
        """How positions become features (``method``), see ``_position_methods``."""
        return _position_methods.METHODS[self.method](self)

    # --- the partitioned contract (see ``_partitioned``) ----------------------------

    def _fit_steps(self, X):
        """One reduction: every chunk's statistic, for the largest position."""
        source = self._source()
        statistics = yield _partitioned.Reduction(
            source.fit_statistics, _partitioned.concatenate
        )
        self.max_position_ = source.largest_position(statistics)
        table = self._method().draw_table(self.max_position_)
        if table is not None:
            self.table_ = table

    def _needs_context(self):
        return self._source().needs_context(self._method().needs_length())

    def _context_statistics(self, X):
        """What positions in chunk ``X`` depend on outside it: its groups and their
        sizes, its row count, or its largest position per column (checked)."""
        return self._source().statistics(X)

    def _contexts(self, statistics):
        """Per chunk, what its positions need from the others: (rows of each of its
        groups in earlier chunks, each group's size), (its first row's index, the row
        count), or each column's largest position plus one."""
        return self._source().contexts(statistics)

    def transform(self, X):
        """Position features of every row of ``X``, computed on ``X`` itself.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Group-key columns (or position columns), as described by ``positions``:
            the columns seen in fit. Positions are those of the rows of ``X``.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            ``embedding_dim`` features (four for ``scalar``) per position source, of
            dtype ``dtype``.
        """
        return self._transform_placed(X)

    def _transform(self, X, context):
        source, method = self._source(), self._method()
        placed = source.positions(X, context, method.needs_length())
        width = method.width()
        out = np.empty((X.shape[0], width * len(placed)), dtype=self.dtype)
        names = source.prefixes(_columns.output_prefixes(self))
        from_zero = source.from_zero(context)
        for k, (position, length) in enumerate(placed):
            block = out[:, k * width : (k + 1) * width]
            method.encode(position, length, block, names[k], from_zero=from_zero)
        return out

    # --- names and tags -------------------------------------------------------------

    def get_feature_names_out(self, input_features=None):
        """Output names: ``{source}_pos{j}``, or ``{source}_{feature}`` for scalar.

        The source is the joined group column names (``within_group``), ``row``
        (``global``) or each position column's name (``from_column``).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names. If None, the names seen in fit are used (``x0``,
            ``x1``, ... if fit saw none); if given, they must match them.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Transformed feature names.
        """
        check_is_fitted(self)
        prefixes = _columns.check_input_features(self, input_features)
        sources = self._source().prefixes(prefixes)
        suffixes = self._method().suffixes()
        return np.asarray(
            [f"{source}_{suffix}" for source in sources for suffix in suffixes], dtype=object
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Keys and ignored columns may hold anything; position columns hold numbers.
        # (Tags are read before fit too, where ``positions`` may not be valid yet.)
        source = _position_sources.SOURCES.get(self.positions)
        values_are_positions = getattr(source, "values_are_positions", False)
        tags.input_tags.categorical = True
        tags.input_tags.string = not values_are_positions
        tags.input_tags.allow_nan = not values_are_positions
        tags.input_tags.positive_only = values_are_positions
        tags.transformer_tags.preserves_dtype = [np.dtype(self.dtype).name]
        return tags
