"""PositionEmbedder: where a row sits in its sequence, as features."""

from __future__ import annotations

from functools import partial
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from . import _columns, _partitioned, _position_methods, _position_sources
from . import _sequence_state as _state
from ._doc_links import DocLinkMixin
from ._params import RefuseBoolCounts, fit_context

if TYPE_CHECKING:
    from typing import Any, Literal

    from numpy.typing import ArrayLike, NDArray

    from ._typing import FloatDType, Output, RandomStateLike, TableLike


class PositionEmbedder(
    DocLinkMixin,
    RefuseBoolCounts,
    _state.SequenceStateMixin,
    _partitioned.PartitionedMixin,
    TransformerMixin,
    BaseEstimator,
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
        - ``"scalar"``: the position as a number, for tree models; with
          ``look_ahead=True`` also the reverse position, the group length and
          ``fraction = position / (length - 1)`` (0 for single rows).
        - ``"decay"``: multi-scale recency ``exp(-p / s_k)`` for ``d`` scales
          ``s_k = max_scale**((k+1)/d)``, geometrically spaced like ALiBi's slopes.
    positions : {"within_group", "global", "from_column"}, default="within_group"
        - ``"within_group"``: the received columns are group keys (one or several:
          tokens, numbers, booleans or datetimes; groups need not be contiguous). A
          row's position is the number of earlier rows of its group. Rows with a
          missing key form one group (NaN and null alike, unlike pandas' ``dropna=False``
          on arrow floats, which keeps them apart).
        - ``"global"``: the row's index in the table (the rows fit saw come first);
          column values are ignored.
        - ``"from_column"``: every received column holds non-negative integer
          positions (whole-number floats accepted); each gets its own features.
    reverse : bool, default=False
        Count from the end instead: the distance to the group's last row (for
        ``from_column``, to the column's largest position). Looks ahead: needs
        ``look_ahead=True``.
    look_ahead : bool, default=False
        Allow features that use the later rows of a sequence: ``reverse`` and the
        reverse position, group length and fraction of ``"scalar"``. They tell the
        model how many events a sequence will still have, which is unknown when the
        next event is predicted; use them only when every sequence is complete when
        it is transformed (a timetable known in advance, sessions scored after they
        end). The lengths count the fitted history too.
    history : {"continue", "ignore"}, default="continue"
        ``"continue"``: ``fit`` keeps each group's row count (the row count for
        ``global``), and ``transform`` places the rows of known groups after it:
        ``fit(X[:k]).transform(X[k:])`` equals ``fit_transform(X)[k:]``, and unknown
        groups start at 0. ``"ignore"``: every transform counts within its own frame
        (for frames that each hold whole sequences).
    max_state_bytes : int, default=2**30
        Memory budget of the kept history (1 GiB): ``fit`` raises a ``MemoryError``
        beyond it. None removes the budget.
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
        the cores available to this process, within the limits that joblib's workers
        and ``threadpoolctl`` set, so ``n_jobs`` workers do not multiply threads.
        Results do not depend on it.
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
    history_ : tuple, int, list or None
        With ``history="continue"``: what transform continues from. Per group, its
        key and row count (``within_group``); the row count (``global``); each
        column's largest position plus one (``from_column`` with ``look_ahead``).
        None when not kept.
    replay_ : tuple or None
        The fit input's fingerprint (row count and two sums of row hashes), to
        recognise it when it is transformed again.

    See Also
    --------
    ValueEmbedder : Token columns to vectors.

    Notes
    -----
    The as-of rule. A row's position counts the earlier rows of its group: those fit
    (and ``partial_fit``) saw, then the earlier rows of the frame given to
    ``transform``. So ``fit`` on the past and ``transform`` of the next events continue
    every known sequence, one event transformed alone right after the history gets the
    position it has in the whole table, and appending later rows never changes an
    earlier row's features. Rows are read in frame order: transforming a subset of
    rows, or the same rows in another order, gives other positions (sklearn's
    sample-order and subset invariance checks do not apply).

    Replays. Transforming again the rows fit saw (the same values in the same
    number of rows: ``Pipeline.score`` on training data) gives them their positions in
    fit, so ``fit_transform`` equals ``fit().transform()``, until the first
    ``partial_fit``; any other frame is placed after the history. The one ambiguity:
    right after ``fit``, a new batch with exactly the fitted table's rows (a fixed
    schedule fitted on one day, the next day) is taken for the fitted table; observe
    the fitted day first (``partial_fit`` or ``observe``) and it is not. Rows older
    than the fitted ones (``KFold`` folds that interleave in time, a part of the
    training rows) are therefore counted after them, as if they came later, since
    positions have no clock. Split sequences in time (``TimeSeriesSplit``), by group
    (``GroupKFold``), or set ``history="ignore"``.

    Output dtype is ``dtype``; the output has ``embedding_dim`` columns (one for
    ``scalar``, four with ``look_ahead``) per position source: one for
    ``within_group`` and ``global``, one per column for ``from_column``. Sinusoids are
    exact to about 1e-10 at positions near a million (float64).

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_seqembed import PositionEmbedder
    >>> X = pd.DataFrame({"session": ["a", "a", "b", "a", "b"]})
    >>> embedder = PositionEmbedder(method="scalar").fit(X)
    >>> embedder.transform(X).ravel().tolist()
    [0.0, 1.0, 0.0, 2.0, 1.0]
    >>> later = pd.DataFrame({"session": ["b", "c", "a"]})
    >>> embedder.transform(later).ravel().tolist()  # continues b and a; c is new
    [2.0, 0.0, 3.0]
    >>> PositionEmbedder(method="scalar", look_ahead=True).fit_transform(X)
    array([[0. , 2. , 3. , 0. ],
           [1. , 1. , 3. , 0.5],
           [0. , 1. , 2. , 0. ],
           [2. , 0. , 3. , 1. ],
           [1. , 0. , 2. , 1. ]])
    >>> PositionEmbedder(4).fit(X).get_feature_names_out().tolist()
    ['session_pos0', 'session_pos1', 'session_pos2', 'session_pos3']
    """

    _reads_views = True

    _parameter_constraints = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions(set(_position_methods.METHODS))],
        "positions": [StrOptions(set(_position_sources.SOURCES))],
        "reverse": ["boolean"],
        "look_ahead": ["boolean"],
        **_state.PARAMETER_CONSTRAINTS,
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
        embedding_dim: int = 16,
        *,
        method: Literal["sinusoidal", "random", "scalar", "decay"] = "sinusoidal",
        positions: Literal["within_group", "global", "from_column"] = "within_group",
        reverse: bool = False,
        look_ahead: bool = False,
        history: Literal["continue", "ignore"] = "continue",
        max_state_bytes: int | None = 2**30,
        base: float = 10000.0,
        max_scale: float = 256.0,
        max_position: int | None = None,
        beyond_max: Literal["clip", "zeros", "error"] = "clip",
        dtype: FloatDType = "float64",
        max_table_bytes: int | None = 2**30,
        n_threads: int | None = None,
        random_state: RandomStateLike = None,
    ) -> None:
        self.embedding_dim = embedding_dim
        self.method = method
        self.positions = positions
        self.reverse = reverse
        self.look_ahead = look_ahead
        self.history = history
        self.max_state_bytes = max_state_bytes
        self.base = base
        self.max_scale = max_scale
        self.max_position = max_position
        self.beyond_max = beyond_max
        self.dtype = dtype
        self.max_table_bytes = max_table_bytes
        self.n_threads = n_threads
        self.random_state = random_state

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: TableLike, y: Any = None) -> PositionEmbedder:
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

    def partial_fit(self, X: TableLike, y: Any = None) -> PositionEmbedder:
        """Advance the history with rows that follow those seen so far.

        The first call fits. Later calls only add ``X``'s rows to ``history_`` (what
        else fit learned, such as the ``random`` table, stays), so transforming the
        next rows continues from them, as after fitting on all rows at once.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in fit, rows in order after those already seen.
        y : None
            Ignored.

        Returns
        -------
        self : PositionEmbedder
            The embedder with its history advanced.
        """
        return self._partial_fit(X, y)

    def _fit_steps(self, X):
        """One reduction: every chunk's statistic (and fingerprint), for the largest
        position and the history."""
        if self.reverse and not self.look_ahead:
            raise ValueError(
                "reverse=True counts from the end of each sequence, which looks ahead: "
                "the number of events still to come is unknown when the next one is "
                "predicted. Set look_ahead=True if every sequence is complete when it "
                "is transformed."
            )
        source = self._source()
        remembers = self._remembers()
        states = yield _partitioned.Reduction(
            partial(_fit_chunk, source, self if remembers else None),
            _partitioned.concatenate,
        )
        self.max_position_ = source.largest_position([statistic for statistic, _ in states])
        table = self._method().draw_table(self.max_position_)
        if table is not None:
            self.table_ = table
        self.history_ = self.replay_ = None
        if remembers:
            self._set_history(states)

    # --- the sequence state (see ``_sequence_state``) -------------------------------

    def _keeps_history(self):
        return self._source().needs_context(self._method().needs_length())

    def _history_statistic(self, X):
        return self._source().statistics(X)

    def _merge_history(self, statistics):
        return self._source().merge(statistics)

    def _replay_columns(self):
        return range(self.n_features_in_)

    def _state_bytes(self, history):
        return self._source().state_bytes(history)

    def _needs_context(self):
        return self._source().needs_context(self._method().needs_length())

    def _context_statistics(self, X):
        """What positions in chunk ``X`` depend on outside it: its groups and their
        sizes, its row count, or its largest position per column (checked); with the
        chunk's fingerprint when a history is kept."""
        if self._remembers():
            return self._chunk_state(X)
        return self._source().statistics(X)

    def _contexts(self, statistics):
        """Per chunk, what its positions need from the history and the other chunks:
        (rows of each of its groups before it, each group's size), (its first row's
        index, the row count), or each column's largest position plus one."""
        placed, n_history = self._placed_statistics(statistics)
        return self._source().contexts(placed)[n_history:]

    def transform(self, X: TableLike) -> Output:
        """Position features of every row of ``X``, placed after the fitted history.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Group-key columns (or position columns), as described by ``positions``:
            the columns seen in fit. Rows of known groups continue from the history
            (unless ``X`` is the last fitted batch again); see Notes.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            ``embedding_dim`` features (one for ``scalar``, four with ``look_ahead``)
            per position source, of dtype ``dtype``.
        """
        return self._transform_placed(X)

    def _transform(self, X, context):
        source, method = self._source(), self._method()
        placed = None
        if context is None and self._remembers():
            history = self._history_of_frame(X)
            if history is not None:
                placed = source.continued(X, history, method.needs_length())
                # A chunk placed after others goes position by position.
                context = history
        if placed is None:
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

    def get_feature_names_out(
        self, input_features: ArrayLike | None = None
    ) -> NDArray[np.object_]:
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


def _fit_chunk(source, remembering, X, y=None):
    """One chunk's position statistic, and its fingerprint when a history is kept."""
    if remembering is None:
        return [(source.statistics(X), None)]
    return [remembering._chunk_state(X)]
