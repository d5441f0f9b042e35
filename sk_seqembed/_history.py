"""HistoryEmbedder: what came before each row in its sequence, as features."""

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils._param_validation import HasMethods, Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from . import _columns, _groups
from . import _history_scan as scan
from . import _sequence_state as _state
from ._doc_links import DocLinkMixin
from ._params import RefuseBoolCounts, duration_seconds, fit_context
from ._value import ValueEmbedder
from ._wall_clock import since_epoch

if TYPE_CHECKING:
    from typing import Any, Literal

    from numpy.typing import ArrayLike, NDArray

    from ._typing import (
        Duration,
        FloatDType,
        NamedTransformerLike,
        Output,
        RandomStateLike,
        TableLike,
    )


class HistoryEmbedder(DocLinkMixin, RefuseBoolCounts, TransformerMixin, BaseEstimator):
    """Summarise each row's earlier rows in its sequence: token vectors, repeats, targets.

    The received columns are token columns, plus the ``group_columns`` that say which
    sequence a row belongs to and an optional ``time_column``. Rows are read in order.
    Every feature of a row depends only on the **earlier** rows of its group (and, for
    ``y`` statistics, on their targets): never on the row itself or later rows.

    For each row, from the earlier rows of its group:

    - ``n_earlier``: ``log1p`` of their number;
    - token vectors (from ``value_embedder``, one vector per token column): their mean,
      their exponentially decayed means (half-lives in rows, ``half_lives``, or in time,
      ``time_half_lives``), and the vectors of the ``last`` previous rows;
    - repeats, per token column: ``log1p`` of how often this row's token occurred
      earlier in the group, and ``log1p`` of the rows (or, with ``time_column``, the
      seconds) since it last did (0 if never);
    - when ``fit`` is given ``y``, ordered target statistics as CatBoost computes them:
      the mean and the decayed means of the group's earlier targets, and per token
      column the mean of the earlier targets of rows with this token (in any group),
      each shrunk toward the prior mean of ``y`` by ``smoothing`` pseudo-rows:
      ``(sum_y + smoothing * prior) / (n + smoothing)``.

    **Sequence state (the as-of rule).** ``fit`` keeps, per group (and per group and
    token, per token), what these features need to continue: counts, sums, decayed sums
    at the last row, the last rows' vectors. ``transform`` places its rows after that
    state, so ``fit(X[:k]).transform(X[k:])`` equals ``fit_transform(X)[k:]`` (for the
    features without ``y``), and one event transformed alone gets the features it has
    inside its frame. ``partial_fit(X_new, y_new)`` advances the state with newly
    observed rows, as a serving loop does after each batch of outcomes.

    Target statistics: ``fit_transform(X, y)`` uses only earlier rows' ``y`` (never the
    row's own), which is what a Pipeline trains on; ``transform`` has no ``y``, so its
    rows get the statistics of the state (what ``fit`` and ``partial_fit`` observed),
    decayed to the row. So ``fit_transform`` and ``fit().transform()`` differ on the
    target columns by design, as for scikit-learn's ``TargetEncoder``.

    Parameters
    ----------
    group_columns : str, int or list of them, default=None
        The input columns that identify sequences (names, or positions for arrays); any
        key kind, several columns combine. None: the whole table is one sequence.
        Rows with a missing key form one group.
    time_column : str or int, default=None
        A datetime column (naive or aware, no missing values) giving each row's instant:
        needed by ``time_half_lives``; with it, ``since_repeat`` counts seconds. Within
        a group, an instant earlier than the group's previous one counts as that one.
    embedding_dim : int, default=8
        Width of each token vector of the default ``value_embedder``.
    value_embedder : ValueEmbedder, default=None
        An unfitted :class:`ValueEmbedder` whose fitted vectors of the token columns are
        aggregated (any method: random, hashing, cooccurrence, target, pretrained; its
        ``group_columns`` are set to ``group_columns``). None:
        ``ValueEmbedder(embedding_dim, method="hashing", random_state=random_state)``,
        which gives every token, seen in fit or not, its own vector.
    mean : bool, default=True
        Output the mean of the earlier vectors.
    half_lives : tuple of float, default=(8.0,)
        Half-lives, in rows of the group, of the exponentially decayed means of
        earlier vectors (and, with ``y``, of earlier targets).
    time_half_lives : list of str or Timedelta, default=None
        Half-lives in time (``"1h"``, ``pd.Timedelta(days=7)``), measured on
        ``time_column``.
    last : int, default=1
        Output the vectors of this many previous rows of the group (zeros before the
        group's first row).
    repeats : bool, default=True
        Output the repeat features of each token column.
    smoothing : float, default=10.0
        Pseudo-rows of the prior in every target mean.
    known_column : str or int, default=None
        A datetime column: when each row's target became known (e.g. a flight's delay
        at its actual departure). With it (and ``time_column``, each row's instant), a
        row's target statistics use only the rows of its group (or token) whose target
        was known strictly before the row's instant, in whatever order they became
        known; target decays are in time only (``time_half_lives``), counted from when
        each target became known; and a ``pending`` column gives ``log1p`` of the
        group's earlier rows whose target was not yet known. ``transform`` ignores this
        column's values (the targets of the rows it transforms are unknown) and uses
        every target observed by fit and ``partial_fit``.
    prior : float, default=None
        The mean every target statistic is shrunk toward. None: the mean of the ``y``
        seen by fit and ``partial_fit``.
    history : {"continue", "ignore"}, default="continue"
        ``"continue"``: ``transform`` continues each group from the state. ``"ignore"``:
        every ``transform`` starts each group afresh within its own frame (target
        statistics still come from the state).
    max_state_bytes : int or None, default=2**30
        Refuse (``MemoryError``) to keep a state larger than this; None: no limit. The
        state is O(groups + group-token pairs + tokens).
    dtype : {"float64", "float32"}, default="float64"
        Output dtype.
    random_state : int, RandomState instance or None, default=None
        Seed of the default ``value_embedder``.

    Attributes
    ----------
    value_embedder_ : ValueEmbedder
        The fitted embedder of the token columns.
    token_columns_ : ndarray of int
        Positions of the token columns in the input.
    value_columns_ : ndarray of int
        Positions of the columns ``value_embedder_`` reads: the token columns, then the
        group columns when it takes ``group_columns``.
    group_columns_ : ndarray of int
        Positions of the group columns.
    time_column_ : int or None
        Position of the time column.
    known_column_ : int or None
        Position of the known column.
    prior_ : float or None
        Mean of the ``y`` that fit and partial_fit saw; None when fit saw no ``y`` (no
        target statistics).
    n_targets_ : int
        Number of those targets.
    history_ : dict
        The sequence state (None with ``history="ignore"`` and no ``y``): per key kind
        (``"groups"``, ``"pairs"``, ``"tokens"``) the keys and their statistics.
    replay_ : tuple or None
        The fit input's fingerprint: transforming the fitted table again gives its rows
        their in-frame features (target statistics still come from the state). None
        after ``partial_fit``.
    n_features_in_ : int
        Number of input columns.
    feature_names_in_ : ndarray of str
        Input column names, when fit saw string column names.

    See Also
    --------
    PositionEmbedder : Where a row sits in its sequence.
    TemporalEmbedder : Calendar features and recency of datetime columns.
    sklearn.preprocessing.TargetEncoder : Cross-fitted target means of categories.

    Notes
    -----
    Rows of a group are read in row order; the decayed sums are exact in float64 at
    any group length (computed in blocks of 512 half-lives). Missing tokens get the
    value embedder's missing vector and count as a token of their own for repeats.
    ``y`` must be finite. Compared with pandas' ``groupby().shift().expanding()``
    features, every statistic here excludes the row's own target by construction and
    continues across ``transform`` calls.

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_seqembed import HistoryEmbedder
    >>> X = pd.DataFrame({"item": ["a", "b", "a", "a"], "user": [1, 1, 2, 1]})
    >>> y = [1.0, 3.0, 5.0, 7.0]
    >>> embedder = HistoryEmbedder(
    ...     group_columns="user", mean=False, half_lives=(), last=0, smoothing=1.0
    ... )
    >>> embedder.fit_transform(X, y).round(3)
    array([[0.   , 4.   , 0.   , 0.   , 4.   ],
           [0.693, 2.5  , 0.   , 0.   , 4.   ],
           [0.   , 4.   , 0.   , 0.   , 2.5  ],
           [1.099, 2.667, 0.693, 1.099, 3.333]])
    >>> embedder.get_feature_names_out().tolist()
    ['n_earlier', 'target_mean', 'item_repeats', 'item_since_repeat', 'item_target_mean']

    Row 3 (user 1's third row, item ``a``) sees user 1's targets 1 and 3:
    ``(1 + 3 + 1 * 4) / (2 + 1) = 2.667`` with the prior 4, and item ``a``'s earlier
    targets 1 and 5: ``(6 + 4) / 3 = 3.333``. A later event of user 1 continues:

    >>> embedder.transform(pd.DataFrame({"item": ["b"], "user": [1]})).round(3)
    array([[1.386, 3.75 , 0.693, 1.099, 3.5  ]])
    """

    _parameter_constraints = {
        "group_columns": [str, Integral, list, tuple, None],
        "time_column": [str, Integral, None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "value_embedder": [HasMethods(["fit", "transform", "get_feature_names_out"]), None],
        "mean": ["boolean"],
        "half_lives": [tuple, list],
        "time_half_lives": [list, tuple, None],
        "last": [Interval(Integral, 0, None, closed="left")],
        "repeats": ["boolean"],
        "smoothing": [Interval(Real, 0, None, closed="left")],
        "known_column": [str, Integral, None],
        "prior": [Real, None],
        **_state.PARAMETER_CONSTRAINTS,
        "dtype": [
            StrOptions({"float64", "float32"}),
            Options(type, {np.float64, np.float32}),
        ],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        group_columns: str | int | list[str | int] | tuple[str | int, ...] | None = None,
        *,
        time_column: str | int | None = None,
        embedding_dim: int = 8,
        value_embedder: NamedTransformerLike | None = None,
        mean: bool = True,
        half_lives: list[float] | tuple[float, ...] = (8.0,),
        time_half_lives: list[Duration] | tuple[Duration, ...] | None = None,
        last: int = 1,
        repeats: bool = True,
        smoothing: float = 10.0,
        known_column: str | int | None = None,
        prior: float | None = None,
        history: Literal["continue", "ignore"] = "continue",
        max_state_bytes: int | None = 2**30,
        dtype: FloatDType = "float64",
        random_state: RandomStateLike = None,
    ) -> None:
        self.group_columns = group_columns
        self.time_column = time_column
        self.embedding_dim = embedding_dim
        self.value_embedder = value_embedder
        self.mean = mean
        self.half_lives = half_lives
        self.time_half_lives = time_half_lives
        self.last = last
        self.repeats = repeats
        self.smoothing = smoothing
        self.known_column = known_column
        self.prior = prior
        self.history = history
        self.max_state_bytes = max_state_bytes
        self.dtype = dtype
        self.random_state = random_state

    # --- fit ------------------------------------------------------------------------

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: TableLike, y: ArrayLike | None = None) -> HistoryEmbedder:
        """Fit the token vectors and keep each sequence's state at the end of ``X``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Token columns, ``group_columns`` and ``time_column``; rows in order.
        y : array-like of shape (n_samples,), default=None
            Regression target (finite). With it, the output has target statistics.

        Returns
        -------
        self : HistoryEmbedder
            The fitted embedder.
        """
        self._fit(X, y)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(
        self, X: TableLike, y: ArrayLike | None = None, **fit_params: Any
    ) -> Output:
        """Fit, and return each row's features from its earlier rows (and their ``y``).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Token columns, ``group_columns`` and ``time_column``; rows in order.
        y : array-like of shape (n_samples,), default=None
            Regression target. Each row's target statistics use the earlier rows'
            ``y`` only (ordered target statistics), never its own.
        **fit_params : dict
            Unused, for API compatibility.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            The features named by ``get_feature_names_out``.
        """
        return self._fit(X, y)

    def _fit(self, X, y):
        X = _columns.check_input(self, X, reset=True)
        embedder = self._start_fit()
        y = self._check_target(X, y)
        targets = None if y is None else (float(np.mean(y)), y.size)
        self._set_vectors(embedder.fit(self._embedder_input(X), y), targets)
        out, history = self._scan(X, None, y)
        self._set_state(history, _state.fingerprint(X, range(self.n_features_in_)))
        return out

    def _start_fit(self):
        """Resolve the columns (``n_features_in_`` is set); the unfitted value embedder,
        configured to read :meth:`_embedder_input`."""
        self._resolve_columns()
        embedder = (
            self._default_value_embedder()
            if self.value_embedder is None
            else clone(self.value_embedder)
        )
        self.value_columns_ = self.token_columns_
        if "group_columns" in embedder.get_params():
            # Co-occurrence windows stay within sequences: the embedder also gets the
            # keys, after the tokens, as its own group columns.
            n_tokens, n_keys = self.token_columns_.size, self.group_columns_.size
            self.value_columns_ = np.r_[self.token_columns_, self.group_columns_]
            keys = list(range(n_tokens, n_tokens + n_keys))
            embedder.set_params(group_columns=keys or None)
        return embedder

    def _set_vectors(self, value_embedder, targets):
        """The fitted value embedder and the prior; ``targets``: None, or the mean and
        the number of the targets fit saw."""
        self.value_embedder_ = value_embedder
        self.prior_, self.n_targets_ = None, 0
        if targets is not None:
            mean, self.n_targets_ = targets
            self.prior_ = float(mean if self.prior is None else self.prior)

    def _set_state(self, history, fingerprint):
        self._check_state_bytes(history)
        self.history_ = history
        self.replay_ = fingerprint

    def partial_fit(self, X: TableLike, y: ArrayLike | None = None) -> HistoryEmbedder:
        """Advance the state with rows observed after those seen so far.

        The first call fits. Later calls only move each sequence's state past ``X``'s
        rows (and, when fit saw ``y``, their targets): the token vectors stay.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in fit, rows in order after those already seen.
        y : array-like of shape (n_samples,), default=None
            Their targets; required when fit saw ``y``.

        Returns
        -------
        self : HistoryEmbedder
            The embedder with its state advanced.
        """
        if not hasattr(self, "history_"):
            return self.fit(X, y)
        X = _columns.check_input(self, X, reset=False)
        if self.prior_ is not None and y is None:
            raise ValueError(
                "HistoryEmbedder was fitted with y, so partial_fit needs the targets of "
                "the new rows (y) to advance the target statistics."
            )
        y = self._check_target(X, y) if self.prior_ is not None else None
        if y is not None and y.size and self.prior is None:
            # The prior is the mean of every target observed, as if fit saw them all.
            n_targets = self.n_targets_ + y.size
            self.prior_ = (self.prior_ * self.n_targets_ + float(y.sum())) / n_targets
            self.n_targets_ = n_targets
        _, history = self._scan(X, self.history_, y)
        self._check_state_bytes(history)
        self.history_ = history
        self.replay_ = None
        return self

    # --- fitting and transforming in order, chunk by chunk (DaskEmbedder) -----------

    def _start_ordered_fit(self, meta):
        """Resolve the columns from a frame's ``meta`` (a few rows with its dtypes); the
        unfitted value embedder and the positions of the columns it reads."""
        _columns.check_input(self, meta, reset=True)
        embedder = self._start_fit()
        if self.history == "ignore":
            raise ValueError(
                "HistoryEmbedder(history='ignore') starts every transform afresh within "
                "its own frame; on a dask DataFrame the frame spans partitions, so it is "
                "not supported there. Use history='continue'."
            )
        return embedder, self.value_columns_

    def _scan_chunk(self, X, state, y=None, *, keep_state=True):
        """The features of chunk ``X`` placed after ``state``, and the state after it
        (``y``: the chunk's targets, when fitting)."""
        X = _columns.check_input(self, X, reset=False)
        y = self._check_target(X, y)
        return self._scan(X, state, y, keep_state=keep_state)

    # --- transform ------------------------------------------------------------------

    def transform(self, X: TableLike) -> Output:
        """Each row's features from the earlier rows of its group, after the state.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in fit, rows in order. Rows of known groups continue
            from the state (unless ``X`` is the fitted table again: see ``replay_``).

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            The features named by ``get_feature_names_out``.
        """
        check_is_fitted(self)
        X = _columns.check_input(self, X, reset=False)
        replay = self.replay_ is not None and X.shape[0] == self.replay_[0]
        replay = replay and _state.fingerprint(X, range(self.n_features_in_)) == self.replay_
        start_afresh = self.history == "ignore" or replay
        out, _ = self._scan(X, self.history_, None, start_afresh=start_afresh, keep_state=False)
        return out

    # --- the scan -------------------------------------------------------------------

    def _scan(self, X, history, y, *, start_afresh=False, keep_state=True):
        """The features of ``X``'s rows after ``history`` (``y``: their targets, in fit
        and partial_fit) and, when ``keep_state``, the state after them."""
        n_rows = X.shape[0]
        vectors = np.asarray(self.value_embedder_.transform(self._embedder_input(X)), float)
        names = _columns.output_prefixes(self)
        before = {} if history is None else history
        after = None
        # (start_afresh comes only from transform, which keeps no state.)
        keep = keep_state and (y is not None or self.history == "continue")
        # Sequence features continue from the state unless asked to start afresh;
        # target statistics, and the next state, always continue it.
        sequences = None if start_afresh else before.get("groups")
        groups = _Keyed(X, self.group_columns_, sequences, names)
        targets = groups
        if start_afresh and self.prior_ is not None:
            targets = _Keyed(X, self.group_columns_, before.get("groups"), names)
        seconds = self._seconds(X)
        known = self._known_seconds(X) if y is not None else None
        blocks, group_state = self._group_features(
            groups, targets, vectors, seconds, known, y, keep
        )
        pair_states, token_states = [], []
        if self.repeats:
            position = groups.unsort(groups.count_before)
            for c, j in enumerate(self.token_columns_):
                pairs_before = before["pairs"][c] if before.get("pairs") else None
                pairs_start = None if start_afresh else pairs_before
                pairs = _Keyed(X, np.r_[self.group_columns_, j], pairs_start, names)
                out, state = _repeat_features(pairs, position, seconds)
                blocks.append(out)
                pair_states.append(state)
        if self.prior_ is not None:
            for c, j in enumerate(self.token_columns_):
                tokens_before = before["tokens"][c] if before.get("tokens") else None
                keyed = _Keyed(X, np.asarray([j]), tokens_before, names)
                out, state = self._token_target(keyed, y, seconds, known, tokens_before)
                blocks.append(out)
                token_states.append(state)
        if keep:
            after = {"groups": group_state, "pairs": pair_states, "tokens": token_states}
        # One copy of every block into the output, in its dtype.
        out = np.empty((n_rows, sum(block.shape[1] for block in blocks)), dtype=self.dtype)
        start = 0
        for block in blocks:
            out[:, start : start + block.shape[1]] = block
            start += block.shape[1]
        return out, after

    def _group_features(self, groups, targets, vectors, seconds, known, y, keep_state):
        """Counts, vector aggregates and target statistics per group, and (when
        ``keep_state``) the groups' next state."""
        batch = groups.batch
        n_rows = batch.order.size
        sorted_vectors = vectors[batch.order]
        count_before = groups.count_before.astype(float)
        columns = [np.log1p(count_before)[:, None]]
        sums = scan.exclusive_sums(batch, sorted_vectors) + groups.before("sums", vectors)
        computed = {"sums": sums}
        if self.mean:
            columns.append(sums / np.maximum(count_before, 1.0)[:, None])
        ones = np.ones((n_rows, 1))
        for name, x in self._clocks(groups, seconds):
            x_before = groups.before_x(f"x_{name}")
            s_before = groups.before(f"s_{name}", vectors)
            s = scan.exclusive_decayed(batch, x, sorted_vectors, x_before, s_before)
            w_before = groups.before(f"w_{name}", 1)
            w = scan.exclusive_decayed(batch, x, ones, x_before, w_before)
            columns.append(s / np.where(w > 0, w, 1.0))
            computed[name] = s, w
        if self.last:
            ring = groups.before("ring", np.zeros((1, self.last, vectors.shape[1])))
            previous = scan.previous_rows(
                batch, self.last, sorted_vectors, ring, groups.state_count
            )
            columns.append(previous.reshape(n_rows, self.last * vectors.shape[1]))
        blocks = [batch.unsort(np.hstack(columns))]
        target_updates = None
        if self.prior_ is not None:
            target_out, target_updates = self._group_target(targets, y, seconds, known)
            blocks.append(target_out)
        if not keep_state:
            return blocks, None
        state = self._next_group_state(
            groups, sorted_vectors, computed, target_updates, seconds
        )
        return blocks, state

    def _clocks(self, keyed, seconds):
        """Per decay: its name and each sorted row's instant in half-lives."""
        clocks = []
        for half_life in self.half_lives:
            clocks.append((f"{half_life:g}", keyed.count_before / half_life))
        for half_life in self._time_half_lives():
            x = seconds[keyed.batch.order] / half_life
            x = scan.running_max(keyed.batch, x, keyed.before_x(f"x_{half_life:g}s"))
            clocks.append((f"{half_life:g}s", x))
        return clocks

    def _group_target(self, targets, y, seconds, known):
        """Target statistics of each row's group: the columns, and the state updates
        (per batch key) when ``y`` is given. See :meth:`_target_statistics`."""
        return self._target_statistics(targets, y, seconds, known, per_group=True)

    def _target_statistics(self, keyed, y, seconds, known, *, per_group):
        """Shrunk target means of each row's key, and the key's next target state.

        Without ``known_column``: over the key's earlier rows (ordered statistics),
        decayed in rows and in time. With it: over the key's rows whose target was known
        strictly before the row's instant, decayed in time from when each became
        known; per group also ``pending``, the earlier rows not yet known.
        Without ``y`` (transform): the state's statistics, decayed to each row.
        """
        if known is not None:
            return self._known_target_statistics(keyed, y, seconds, known, per_group)
        m, prior = self.smoothing, self.prior_
        batch = keyed.batch
        n_rows = batch.order.size
        count = keyed.before("y_count", 1).ravel()
        total = keyed.before("y_sum", 1).ravel()
        if y is not None:
            sorted_y = y[batch.order][:, None]
            count = count + batch.rank
            total = total + scan.exclusive_sums(batch, sorted_y).ravel()
        columns = [(total + m * prior) / (count + m)]
        updates = None
        if y is not None:
            lasts = batch.last_rows()
            updates = {
                "y_count": count[lasts] + 1,
                "y_sum": total[lasts] + sorted_y[lasts, 0],
            }
        # Targets decay from the last row with a target (its own instant and weight:
        # rows transformed since, without targets, move the sequences on, not these).
        for name, x in self._clocks(keyed, seconds) if per_group else []:
            x_before = keyed.before_x(f"yx_{name}")
            s_before = keyed.before(f"ys_{name}", 1)
            w_before = keyed.before(f"yw_{name}", 1)
            if y is not None:
                s = scan.exclusive_decayed(batch, x, sorted_y, x_before, s_before).ravel()
                ones = np.ones((n_rows, 1))
                w = scan.exclusive_decayed(batch, x, ones, x_before, w_before).ravel()
                updates[f"ys_{name}"] = s[lasts] + sorted_y[lasts, 0]
                updates[f"yw_{name}"] = w[lasts] + 1.0
                updates[f"yx_{name}"] = x[lasts]
            else:
                decay = np.where(np.isnan(x_before), 0.0, np.exp2(-(x - x_before)))
                s, w = s_before.ravel() * decay, w_before.ravel() * decay
            columns.append((s + m * prior) / (w + m))
        return batch.unsort(np.column_stack(columns)), updates

    def _known_target_statistics(self, keyed, y, seconds, known, per_group):
        """Target statistics as of each row's instant, from targets known before it.

        The rows' instants (queries) and the instants their targets became known
        (outcomes) are merged into one stream per key, in time order, a query before an
        outcome of the same instant; running sums over the stream, read at the queries,
        are the statistics of the outcomes known strictly before each row.
        """
        m, prior = self.smoothing, self.prior_
        half_lives = self._time_half_lives() if per_group else []
        batch = keyed.batch
        n_rows = batch.order.size
        asked = seconds
        columns, updates = [], None
        if y is None:
            # transform: every target fit and partial_fit observed, decayed to the row.
            count = keyed.before("y_count", 1).ravel()
            total = keyed.before("y_sum", 1).ravel()
            columns.append((total + m * prior) / (count + m))
            for half_life in half_lives:
                name = f"{half_life:g}s"
                x_before = keyed.before_x(f"kx_{name}")
                x = asked[batch.order] / half_life
                decay = np.where(
                    np.isnan(x_before), 0.0, np.exp2(-np.maximum(x - x_before, 0.0))
                )
                s = keyed.before(f"ks_{name}", 1).ravel() * decay
                w = keyed.before(f"kw_{name}", 1).ravel() * decay
                columns.append((s + m * prior) / (w + m))
            if per_group:
                columns.append(np.log1p(np.maximum(keyed.count_before - count, 0)))
            return batch.unsort(np.column_stack(columns)), None
        codes = batch.unsort(batch.codes)
        stream_codes = np.r_[codes, codes]
        stream_time = np.r_[asked, known]
        is_outcome = np.r_[np.zeros(n_rows, bool), np.ones(n_rows, bool)]
        order = np.lexsort((is_outcome, stream_time, stream_codes))
        stream = scan.SortedBatch.from_order(stream_codes, order)
        outcome = is_outcome[order].astype(float)[:, None]
        values = np.r_[np.zeros(n_rows), y][order][:, None]
        rows = keyed.index[stream.codes]
        count = scan.exclusive_sums(stream, outcome).ravel()
        count += keyed.gather("y_count", 0.0, rows)
        total = scan.exclusive_sums(stream, values).ravel()
        total += keyed.gather("y_sum", 0.0, rows)
        queries = np.flatnonzero(outcome[:, 0] == 0)
        lasts = stream.last_rows()
        updates = {
            "y_count": count[lasts] + outcome[lasts, 0],
            "y_sum": total[lasts] + values[lasts, 0],
        }
        columns.append((total + m * prior) / (count + m))
        for half_life in half_lives:
            name = f"{half_life:g}s"
            x_before = keyed.gather(f"kx_{name}", np.nan, rows)
            x = scan.running_max(stream, stream_time[order] / half_life, x_before)
            s_before = keyed.gather(f"ks_{name}", 0.0, rows)[:, None]
            w_before = keyed.gather(f"kw_{name}", 0.0, rows)[:, None]
            s = scan.exclusive_decayed(stream, x, values, x_before, s_before).ravel()
            w = scan.exclusive_decayed(stream, x, outcome, x_before, w_before).ravel()
            columns.append((s + m * prior) / (w + m))
            updates[f"kx_{name}"] = x[lasts]
            updates[f"ks_{name}"] = s[lasts] + values[lasts, 0]
            updates[f"kw_{name}"] = w[lasts] + outcome[lasts, 0]
        out = np.empty((n_rows, len(columns) + per_group))
        out[order[queries], : len(columns)] = np.column_stack(columns)[queries]
        if per_group:
            earlier = keyed.unsort(keyed.count_before)
            out[order[queries], -1] = np.log1p(
                np.maximum(earlier[order[queries]] - count[queries], 0)
            )
        return out, updates

    def _next_group_state(self, keyed, sorted_vectors, computed, target_updates, seconds):
        """Each group's statistics including its last row. ``computed`` holds the
        running sums and decayed sums already computed; ``target_updates`` the target
        statistics' (None without ``y``)."""
        batch = keyed.batch
        lasts = batch.last_rows()
        n_batch_rows = np.bincount(batch.codes, minlength=keyed.n_keys)
        updates = {
            "count": keyed.count_before[lasts] + 1,
            "sums": computed["sums"][lasts] + sorted_vectors[lasts],
        }
        for name, x in self._clocks(keyed, seconds):
            s, w = computed[name]
            updates[f"x_{name}"] = x[lasts]
            updates[f"s_{name}"] = s[lasts] + sorted_vectors[lasts]
            updates[f"w_{name}"] = w[lasts] + 1.0
        if self.last:
            width = sorted_vectors.shape[1]
            ring = keyed.state_rows("ring", np.zeros((0, self.last, width)))
            updates["ring"] = scan.ring_after(
                batch, self.last, sorted_vectors, ring, n_batch_rows
            )
        updates.update(target_updates or {})
        return keyed.next_state(updates)

    def _token_target(self, keyed, y, seconds, known, state):
        """Target mean of each row's token's earlier (or known) rows, and the next
        state."""
        out, updates = self._target_statistics(keyed, y, seconds, known, per_group=False)
        if y is None:
            return out, state
        updates["count"] = keyed.count_before[keyed.batch.last_rows()] + 1
        return out, keyed.next_state(updates)

    # --- columns and inputs ---------------------------------------------------------

    def _resolve_columns(self):
        self.group_columns_ = _columns.resolve_columns(
            self, self.group_columns, parameter="group_columns"
        )
        time = _columns.resolve_columns(self, self.time_column, parameter="time_column")
        self.time_column_ = int(time[0]) if time.size else None
        if self.time_column_ is not None and self.time_column_ in self.group_columns_:
            raise ValueError(
                f"time_column {self.time_column!r} is also among group_columns; a column "
                "is either a sequence key or the time."
            )
        known = _columns.resolve_columns(self, self.known_column, parameter="known_column")
        self.known_column_ = int(known[0]) if known.size else None
        if self.known_column_ is not None and self.time_column_ is None:
            raise ValueError(
                f"known_column={self.known_column!r} says when each row's target becomes "
                "known, to be compared with each row's instant: set time_column too."
            )
        if self.known_column_ is not None and (
            self.known_column_ == self.time_column_ or self.known_column_ in self.group_columns_
        ):
            raise ValueError(
                f"known_column {self.known_column!r} must be a column of its own, not "
                "time_column or a group column."
            )
        taken = set(self.group_columns_.tolist()) | ({self.time_column_} - {None})
        taken |= {self.known_column_} - {None}
        self.token_columns_ = np.asarray(
            [j for j in range(self.n_features_in_) if j not in taken], dtype=int
        )
        if not self.token_columns_.size:
            raise ValueError(
                "HistoryEmbedder needs at least one token column besides group_columns "
                f"and time_column; the input has {_columns.output_prefixes(self)}."
            )
        if self._time_half_lives() and self.time_column_ is None:
            raise ValueError(
                f"time_half_lives={self.time_half_lives!r} decay in time, which needs "
                "time_column (a datetime column)."
            )
        for half_life in self.half_lives:
            if not isinstance(half_life, Real) or not half_life > 0:
                raise ValueError(
                    f"half_lives must be positive numbers of rows, got {self.half_lives!r}."
                )

    def _time_half_lives(self):
        """Time half-lives in seconds."""
        if self.time_half_lives is None:
            return []
        seconds = []
        for half_life in self.time_half_lives:
            seconds.append(
                duration_seconds(half_life, parameter="time_half_lives", example="'1h'")
            )
        return seconds

    def _default_value_embedder(self):
        return ValueEmbedder(
            self.embedding_dim, method="hashing", random_state=self.random_state
        )

    def _check_target(self, X, y):
        if y is None:
            return None
        y = np.asarray(y)
        if y.ndim != 1:
            if y.ndim == 2 and y.shape[1] == 1:
                y = y.ravel()
            else:
                raise ValueError(
                    f"HistoryEmbedder takes one regression target y, got shape {y.shape}."
                )
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(
                "HistoryEmbedder's y must be numbers (a regression target or 0/1)."
            ) from error
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"y has {y.shape[0]} rows but X has {X.shape[0]}.")
        if not np.isfinite(y).all():
            row = int(np.flatnonzero(~np.isfinite(y))[0])
            raise ValueError(
                f"y holds a missing or infinite value (row {row}: {y[row]}); target "
                "statistics need finite targets."
            )
        return y

    def _seconds(self, X):
        """The time column as float seconds since 1970 (None without one)."""
        return self._instants(X, self.time_column_, "time_column")

    def _known_seconds(self, X):
        """The known column as float seconds since 1970 (None without one)."""
        return self._instants(X, self.known_column_, "known_column")

    def _instants(self, X, j, parameter):
        if j is None:
            return None
        column = _columns.read_column(X, j)
        name = _columns.output_prefixes(self)[j]
        if column.kind != _columns.DATETIME:
            raise TypeError(
                f"{parameter} {name!r} must hold datetimes; it holds {column.kind} values."
            )
        if column.missing.any():
            row = int(np.flatnonzero(column.missing)[0])
            raise ValueError(
                f"{parameter} {name!r} has a missing instant (row {row}); HistoryEmbedder "
                "needs it for every row it learns from. Drop or fill those rows."
            )
        return since_epoch(column.values, "s")

    def _embedder_input(self, X):
        """The columns the value embedder reads: tokens (then keys, see ``_start_fit``)."""
        return self._with_columns(X, self.value_columns_)

    @staticmethod
    def _with_columns(X, columns):
        """The input restricted to ``columns`` (positions), in its own container."""
        columns = [int(j) for j in columns]
        if hasattr(X, "iloc"):
            return X.iloc[:, columns]
        if hasattr(X, "select") and hasattr(X, "columns"):
            return X.select([X.columns[j] for j in columns])
        return X[:, columns]

    def _check_state_bytes(self, history):
        n_bytes = _state_bytes(history)
        if self.max_state_bytes is not None and n_bytes > self.max_state_bytes:
            raise MemoryError(
                f"HistoryEmbedder would keep a sequence state of {n_bytes / 2**20:.1f} MiB, "
                f"above max_state_bytes={self.max_state_bytes:,}. Raise max_state_bytes, "
                "or set repeats=False (its state grows with group-token pairs)."
            )

    # --- names and tags -------------------------------------------------------------

    def get_feature_names_out(
        self, input_features: ArrayLike | None = None
    ) -> NDArray[np.object_]:
        """Output names: counts, vector aggregates, target statistics, repeats.

        In order: ``n_earlier``; ``{vector}_mean``, ``{vector}_decay{h}`` (``{h}s``
        for a half-life in seconds), ``{vector}_last{j}``; with ``y``:
        ``target_mean``, ``target_decay{h}``; ``{token}_repeats``,
        ``{token}_since_repeat``; with ``y``: ``{token}_target_mean``.

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
        vectors = [str(name) for name in self.value_embedder_.get_feature_names_out()]
        decays = [f"{h:g}" for h in self.half_lives]
        decays += [f"{h:g}s" for h in self._time_half_lives()]
        names = ["n_earlier"]
        if self.mean:
            names += [f"{v}_mean" for v in vectors]
        for decay in decays:
            names += [f"{v}_decay{decay}" for v in vectors]
        for j in range(1, self.last + 1):
            names += [f"{v}_last{j}" for v in vectors]
        if self.prior_ is not None and self.known_column_ is not None:
            in_time = [f"{h:g}s" for h in self._time_half_lives()]
            names += ["target_mean"] + [f"target_decay{decay}" for decay in in_time]
            names += ["pending"]
        elif self.prior_ is not None:
            names += ["target_mean"] + [f"target_decay{decay}" for decay in decays]
        tokens = [prefixes[j] for j in self.token_columns_]
        if self.repeats:
            for token in tokens:
                names += [f"{token}_repeats", f"{token}_since_repeat"]
        if self.prior_ is not None:
            names += [f"{token}_target_mean" for token in tokens]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        tags.target_tags.required = False
        tags.transformer_tags.preserves_dtype = [np.dtype(self.dtype).name]
        return tags


class _Keyed:
    """A batch's rows keyed by some columns, placed after a state of those keys.

    Attributes
    ----------
    batch : scan.SortedBatch
        The rows sorted by batch key code.
    n_keys : int
        Distinct keys in the batch.
    index : ndarray of int64, shape (n_keys,)
        Each batch key's row in the state, -1 for a key the state does not hold.
    count_before : ndarray of int64
        Per sorted row, the key's earlier rows (the state's included).
    state_count : ndarray of int64
        Per sorted row, the rows its key has in the state.
    """

    def __init__(self, X, columns, state, names):
        if len(columns):
            codes, keys = _groups.group_table(X, columns)
        else:
            # No key columns: the whole table is one sequence.
            codes = np.zeros(X.shape[0], dtype=np.int64)
            keys = pd.DataFrame({"missing": [False], "key": [0], "sub": [0]}).iloc[
                : min(1, X.shape[0])
            ]
        self.keys, self.n_keys, self.state = keys, len(keys), state
        n_state = 0 if state is None else state["count"].size
        if n_state:
            _, stacked = _groups.across_chunks([(state["keys"], None), (keys, None)], names)
            index = stacked[n_state:]
            self.index = np.where(index < n_state, index, -1)
        else:
            self.index = np.full(self.n_keys, -1, dtype=np.int64)
        self.batch = scan.SortedBatch(codes, self.n_keys)
        self._row_index = self.index[self.batch.codes]
        self.state_count = self._gather("count", np.int64(0))
        self.count_before = self.state_count + self.batch.rank

    def unsort(self, sorted_values):
        return self.batch.unsort(sorted_values)

    def gather(self, name, fill, rows):
        """Per element of ``rows`` (state rows, -1 for new keys), the state's float
        array ``name`` (``fill`` for a new key)."""
        return self._gather(name, fill, rows).astype(float)

    def _gather(self, name, fill, rows=None):
        """Per sorted row, its key's state array ``name`` (``fill`` for a new key)."""
        rows = self._row_index if rows is None else rows
        if self.state is None or name not in self.state:
            # No state yet: zeros (or NaN instants) without a gather.
            shape = (rows.size,) + np.shape(fill)
            return np.full(
                shape, np.asarray(fill, dtype=float).flat[0] if np.ndim(fill) else fill
            )
        array = self.state[name]
        if not array.size:
            return np.zeros((rows.size,) + array.shape[1:], array.dtype)
        out = array[np.maximum(rows, 0)]  # a fancy-indexed gather is a new array
        new = rows < 0
        if new.any():
            out[new] = fill
        return out

    def before(self, name, like):
        """Per sorted row, the state's float statistic ``name`` (zeros for new keys),
        2-D; ``like`` gives the width (an array) or is 1."""
        width = 1 if isinstance(like, int) else like.shape[1:]
        fill = np.zeros(width) if not isinstance(like, int) else 0.0
        out = self._gather(name, fill)
        if isinstance(like, int):
            return out.reshape(-1, 1).astype(float, copy=False)
        return out.astype(float, copy=False)

    def before_x(self, name):
        """Per sorted row, its key's last instant in the state (NaN for a new key)."""
        return self._gather(name, np.nan).astype(float)

    def state_rows(self, name, empty):
        """Per batch key, the state's array ``name`` (zeros for new keys)."""
        shape = (self.n_keys,) + empty.shape[1:]
        out = np.zeros(shape)
        if self.state is not None and name in self.state:
            held = self.index >= 0
            out[held] = self.state[name][self.index[held]]
        return out

    def next_state(self, updates):
        """The state after the batch: the state's keys and arrays, with each batch key's
        ``updates`` (arrays in batch key order) written to its row, new keys appended."""
        new = self.index < 0
        n_state = 0 if self.state is None else self.state["count"].size
        where = self.index.copy()
        where[new] = n_state + np.arange(int(new.sum()))
        n_total = n_state + int(new.sum())
        if self.state is None:
            keys = self.keys.iloc[np.flatnonzero(new)].reset_index(drop=True)
        else:
            keys = pd.concat(
                [_groups.as_key_frame(self.state["keys"]), self.keys.iloc[np.flatnonzero(new)]],
                ignore_index=True,
            )
        state = {"keys": _groups.key_state(keys)}
        names = set(updates) | (set(self.state) - {"keys"} if self.state else set())
        for name in names:
            value = updates.get(name)
            held = None if self.state is None else self.state.get(name)
            template = value if value is not None else held
            array = np.zeros((n_total,) + template.shape[1:], dtype=template.dtype)
            if held is not None:
                array[:n_state] = held
            if value is not None:
                array[where] = value
            state[name] = array
        return state


def _repeat_features(pairs, position, seconds):
    """``log1p`` of a row's earlier rows with its (group, token) pair, and of the rows
    (or seconds) since the last one; the pairs' next state."""
    batch = pairs.batch
    count = pairs.count_before.astype(float)
    clock = position[batch.order].astype(float) if seconds is None else seconds[batch.order]
    if seconds is not None:
        clock = scan.running_max(batch, clock, pairs.before_x("last"))
    previous = batch.shifted(clock, pairs.before_x("last"))
    since = np.where(np.isnan(previous), 0.0, np.log1p(np.maximum(clock - previous, 0.0)))
    out = batch.unsort(np.column_stack([np.log1p(count), since]))
    lasts = batch.last_rows()
    updates = {"count": pairs.count_before[lasts] + 1, "last": clock[lasts]}
    return out, pairs.next_state(updates)


def _state_bytes(history):
    """The memory a state takes (its key arrays and statistics)."""
    if not history:
        return 0
    n_bytes = 0
    states = [history.get("groups")] + list(history.get("pairs", []))
    states += list(history.get("tokens", []))
    for state in states:
        if state is None:
            continue
        for name, value in state.items():
            if name == "keys":
                n_bytes += _state.keys_bytes(value)
            else:
                n_bytes += value.nbytes
    return n_bytes
