"""ValueEmbedder: token-ID columns to dense vectors from a lookup table."""

from functools import partial
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.decomposition import PCA
from sklearn.model_selection import KFold, check_cv
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, RealNotInt, StrOptions
from sklearn.utils.validation import check_consistent_length, check_is_fitted, column_or_1d

from . import (
    _blocks,
    _columns,
    _cooccurrence,
    _groups,
    _hashing,
    _reduction,
    _target_encoding,
    _tokens,
)
from ._params import RefuseBoolCounts

# Each table ends with these special rows, after one row per vocabulary token.
INFREQUENT, MISSING, UNKNOWN, ZEROS = range(4)
N_SPECIAL = 4


class ValueEmbedder(RefuseBoolCounts, TransformerMixin, BaseEstimator):
    """Embed token-ID columns as dense vectors, one lookup table per column.

    Every input column (except ``group_columns``) is a token column: integers of any
    int64 value, strings, booleans, categoricals, nullable and pyarrow dtypes, polars
    columns. Each becomes ``embedding_dim`` output features ``{column}_emb{j}``.

    Parameters
    ----------
    embedding_dim : int, default=16
        Number of output features per token column. For ``method="pretrained"`` the
        given vectors are reduced to this width with PCA (it may not exceed their width).
        For ``method="cooccurrence"``, dimensions beyond the rank of the PMI matrix (at
        most the vocabulary size plus the missing and infrequent tokens) are zero.
    method : {"random", "hashing", "cooccurrence", "target", "pretrained"}, \
            default="random"
        How token vectors are made:

        - ``"random"``: a seeded Gaussian table, entries with variance ``1/d``.
        - ``"hashing"``: no vocabulary; each token's Gaussian vector is computed from a
          stable hash of the token and the seed, identical across processes and
          machines; every token, seen in fit or not, gets its own vector.
        - ``"cooccurrence"``: learned from sequence context. Rows are read in order
          (within each group of ``group_columns``); tokens at most ``window`` rows apart
          co-occur. The positive PMI matrix, with context-distribution smoothing
          ``context_smoothing`` and shift ``log(shift)``, is reduced by truncated SVD
          to ``U * S**eigenvalue_weight`` (Levy, Goldberg & Dagan, 2015).
        - ``"target"``: supervised (needs ``y``, a regression target). Entry ``j`` is
          the fraction of the token's rows with ``y`` at or below the target's
          ``j/(d+1)`` quantile, shrunk toward the same fraction over all rows with an
          empirical-Bayes Beta prior. ``fit_transform`` cross-fits over ``cv`` so no
          training row sees its own target.
        - ``"pretrained"``: the user's ``vectors``.
    shared_vocabulary : bool, default=False
        If True, all token columns share one vocabulary and table (for instance
        ``previous_item`` and ``item``); their tokens must be of one kind.
    group_columns : str, int or list of them, default=None
        Input columns that identify sequences (names, or positions for arrays). They
        are not embedded. With ``method="cooccurrence"``, context windows never cross
        from one group to another; groups need not be contiguous. Rows with a missing
        key form one group of their own.
    handle_missing : {"vector", "zeros", "error"}, default="vector"
        Missing tokens (NaN, None, ``pd.NA``, polars null): ``"vector"`` treats
        "missing" as a token with its own vector (learned like any token by
        ``cooccurrence`` and ``target``, the mean vector for ``pretrained``);
        ``"zeros"`` outputs zeros; ``"error"`` raises.
    handle_unknown : {"vector", "zeros", "error"}, default="vector"
        Tokens not seen in fit (for ``pretrained``: without a given vector).
        ``"vector"`` gives them one shared out-of-vocabulary vector: the infrequent
        tokens' vector when there are infrequent tokens, otherwise a seeded random row
        (``random``), the centroid of the token vectors (``cooccurrence``), the
        prior (``target``) or the mean vector (``pretrained``). ``"zeros"`` outputs
        zeros; ``"error"`` raises, naming the column and a few offending tokens.
        Ignored by ``hashing``, where no token is unknown.
    min_frequency : int or float, default=None
        Tokens seen fewer times (a count, or a fraction of the rows when a float in
        (0, 1)) share one "infrequent" vector, as in ``OneHotEncoder``.
    max_tokens : int, default=None
        Keep at most this many most frequent tokens per vocabulary (ties broken by
        token order); the others are infrequent.
    window : int, default=5
        ``cooccurrence``: how many rows on each side are context. Neighbours at
        distance ``k`` weigh ``(window + 1 - k) / window``, as word2vec's sampled
        window sizes do in expectation.
    context_smoothing : float, default=0.75
        ``cooccurrence``: exponent of the context distribution in PMI.
    shift : float, default=1.0
        ``cooccurrence``: PMI is shifted by ``log(shift)`` (word2vec's negative sample
        count); 1 means no shift.
    eigenvalue_weight : float, default=0.5
        ``cooccurrence``: exponent ``p`` in ``U * S**p``.
    same_row : bool, default=False
        ``cooccurrence``: also count tokens of the other token columns in the same row
        as context.
    normalize : bool, default=True
        ``cooccurrence``: scale each token vector to unit length.
    cv : int, cross-validation generator or iterable, default=5
        ``target``: the splits ``fit_transform`` cross-fits on. An int means
        ``KFold(cv, shuffle=True)`` seeded by ``random_state``. Forward-chaining
        splitters such as ``TimeSeriesSplit`` are accepted: rows that no validation
        fold covers get the prior.
    smooth : "auto" or float, default="auto"
        ``target``: strength of the prior, in rows; ``"auto"`` fits it by the method
        of moments.
    vectors : dict, DataFrame or KeyedVectors-like, default=None
        ``pretrained``: a dict token -> vector, a DataFrame indexed by token, or an
        object with gensim ``KeyedVectors``' ``key_to_index`` and ``vectors``.
        Validated in ``fit``.
    dtype : {"float64", "float32"}, default="float64"
        Output dtype (and table dtype).
    max_table_bytes : int, default=2**30
        Memory budget of the lookup tables (1 GiB by default): when the vocabulary
        times ``embedding_dim`` would need more (counted in float64, as tables are
        built), ``fit`` raises a ``MemoryError`` before allocating, naming the largest
        column and suggesting ``max_tokens``, ``min_frequency`` or ``hashing``. None
        removes the budget. A million tokens at ``embedding_dim=16`` take 128 MiB.
    n_threads : int, default=None
        Threads ``transform`` splits inputs of 100,000 rows or more across (the lookups
        and the gather release the GIL). None uses every available core; 1 disables
        threading. Results do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the random table, the hashing seed, the randomized SVD and the ``cv``
        shuffling. Use an int for results that are reproducible across calls.

    Attributes
    ----------
    n_features_in_ : int
        Number of input columns, group columns included.
    feature_names_in_ : ndarray of str
        Input column names, when fit saw string column names.
    token_columns_ : ndarray of int
        Positions of the embedded columns.
    group_columns_ : ndarray of int
        Positions of the group columns.
    token_kinds_ : list of str
        ``"integer"``, ``"boolean"`` or ``"string"`` for each token column.
    vocabularies_ : list of ndarray or None
        Per table (one, or one per token column), every token seen in fit (the
        pretrained keys for ``pretrained``), sorted. None for ``hashing``.
    infrequent_tokens_ : list of ndarray or None
        Per table, the tokens that share the infrequent vector.
    embeddings_ : ndarray of shape (n_table_rows, embedding_dim)
        All tables stacked; see :meth:`embedding_table` for a readable view.
    hash_seed_ : int
        Seed drawn from ``random_state`` in fit: the hashing seed, and the shuffling
        seed of an int ``cv``.
    target_thresholds_ : ndarray of shape (embedding_dim,)
        ``target``: the quantiles of ``y`` the vectors are defined on.

    See Also
    --------
    sklearn.preprocessing.OneHotEncoder : One column per token.
    sklearn.preprocessing.TargetEncoder : One cross-fitted mean per token.

    Notes
    -----
    - Kinds never collide: booleans, integers and strings are different tokens, so
      ``True``, ``1`` and ``"1"`` get different vectors. Floats are accepted as integer
      tokens only when every value is a whole number below 2**53 (2**24 for float32;
      ``1.0`` is ``1``); ``1.5`` raises. Object columns mixing kinds raise a
      ``TypeError``.
    - Integer tokens may take any int64 value; tables are sized by the number of
      distinct tokens, never by the largest id.
    - Missing tokens follow ``handle_missing`` and unseen tokens ``handle_unknown``
      (see above); infrequent tokens share one learned or random vector.
    - Output dtype is ``dtype``; the output has ``embedding_dim`` columns per token
      column, in input column order.
    - ``fit_transform`` with ``method="target"`` differs from ``fit().transform()`` on
      purpose: it cross-fits, as ``TargetEncoder`` does. Each fold's fractions and prior
      come from its training rows only; the thresholds (quantiles of ``y``) are fitted
      once on all of ``y``, which reveals the target's distribution but no row's value.

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_seqembed import ValueEmbedder
    >>> X = pd.DataFrame({"item": ["tea", "cake", "tea", None]})
    >>> embedder = ValueEmbedder(embedding_dim=3, random_state=0).fit(X)
    >>> embedder.get_feature_names_out().tolist()
    ['item_emb0', 'item_emb1', 'item_emb2']
    >>> Z = embedder.transform(pd.DataFrame({"item": ["tea", "tea", "scone"]}))
    >>> bool((Z[0] == Z[1]).all()), Z.shape
    (True, (3, 3))
    >>> embedder.embedding_table().index.tolist()
    ['cake', 'tea']
    """

    _parameter_constraints = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions({"random", "hashing", "cooccurrence", "target", "pretrained"})],
        "shared_vocabulary": ["boolean"],
        "group_columns": [str, Integral, list, tuple, np.ndarray, None],
        "handle_missing": [StrOptions({"vector", "zeros", "error"})],
        "handle_unknown": [StrOptions({"vector", "zeros", "error"})],
        "min_frequency": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
            None,
        ],
        "max_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "window": [Interval(Integral, 1, None, closed="left")],
        "context_smoothing": [Interval(Real, 0, None, closed="left")],
        "shift": [Interval(Real, 1, None, closed="left")],
        "eigenvalue_weight": [Interval(Real, 0, None, closed="left")],
        "same_row": ["boolean"],
        "normalize": ["boolean"],
        "cv": ["cv_object"],
        "smooth": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "vectors": "no_validation",  # dict, DataFrame or KeyedVectors-like: checked in fit
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
        method="random",
        shared_vocabulary=False,
        group_columns=None,
        handle_missing="vector",
        handle_unknown="vector",
        min_frequency=None,
        max_tokens=None,
        window=5,
        context_smoothing=0.75,
        shift=1.0,
        eigenvalue_weight=0.5,
        same_row=False,
        normalize=True,
        cv=5,
        smooth="auto",
        vectors=None,
        dtype="float64",
        max_table_bytes=2**30,
        n_threads=None,
        random_state=None,
    ):
        self.embedding_dim = embedding_dim
        self.method = method
        self.shared_vocabulary = shared_vocabulary
        self.group_columns = group_columns
        self.handle_missing = handle_missing
        self.handle_unknown = handle_unknown
        self.min_frequency = min_frequency
        self.max_tokens = max_tokens
        self.window = window
        self.context_smoothing = context_smoothing
        self.shift = shift
        self.eigenvalue_weight = eigenvalue_weight
        self.same_row = same_row
        self.normalize = normalize
        self.cv = cv
        self.smooth = smooth
        self.vectors = vectors
        self.dtype = dtype
        self.max_table_bytes = max_table_bytes
        self.n_threads = n_threads
        self.random_state = random_state

    # --- fit ------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabularies and tables.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Token columns (and ``group_columns``).
        y : array-like of shape (n_samples,), default=None
            Regression target; required by ``method="target"``, ignored otherwise.

        Returns
        -------
        self : ValueEmbedder
        """
        self._fit(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None, **fit_params):
        """Fit, then embed ``X``; cross-fitted for ``method="target"``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
        **fit_params : dict
            Unused, for API compatibility.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_token_columns * embedding_dim)
        """
        if self.method != "target":
            return super().fit_transform(X, y, **fit_params)
        X, y = self._fit(X, y)
        token_columns = [self._read_fitted(X, c) for c in range(self.token_columns_.size)]
        return self._cross_fitted(X, token_columns, y)

    def _fit(self, X, y):
        X = _columns.check_input(self, X, reset=True)
        y = self._check_target(X, y)
        _reduction.fit_in_memory(self._fit_steps(), X, y)
        return X, y

    def _fit_steps(self):
        """The fit as reduction steps over chunks of rows (see ``_reduction``).

        Runs after ``n_features_in_`` / ``feature_names_in_`` are set. A refit with other
        parameters must not keep the previous fit's attributes, so they go first.
        """
        for attribute in [name for name in vars(self) if name.endswith("_")]:
            if attribute not in ("n_features_in_", "feature_names_in_"):
                delattr(self, attribute)
        self._check_method_parameters()
        random_state = check_random_state(self.random_state)
        self.group_columns_ = _columns.resolve_columns(
            self, self.group_columns, parameter="group_columns"
        )
        self.token_columns_ = np.setdiff1d(np.arange(self.n_features_in_), self.group_columns_)
        if self.token_columns_.size == 0:
            raise ValueError(
                "ValueEmbedder needs at least one token column besides the group_columns "
                f"{self.group_columns!r}."
            )
        pretrained = _read_pretrained(self.vectors) if self.method == "pretrained" else None
        summaries = yield _reduction.Reduction(self._summarize_chunk, _tokens.merge_summaries)
        self.column_tables_ = self._assign_tables(summaries)
        self._settle_kinds(summaries, pretrained)
        self.hash_seed_ = int(random_state.randint(np.iinfo(np.int32).max))
        if self.method == "hashing":
            self.vocabularies_ = self.infrequent_tokens_ = None
            self.embeddings_ = None
            return
        if pretrained is not None:
            tables = [self._fit_pretrained_table(summaries, *pretrained)]
        else:
            self._fit_vocabularies(summaries)
            self._check_table_budget(summaries)
            tables = yield from self._fit_tables(summaries, random_state)
        self.table_offsets_ = np.cumsum([0] + [table.shape[0] for table in tables])[:-1]
        self.embeddings_ = np.vstack(tables).astype(self._dtype())

    def _needs_chunk_context(self):
        """Whether a chunk's output depends on the other chunks: never, tokens are
        looked up row by row."""
        return False

    def _summarize_chunk(self, X, y):
        """Token summaries of one chunk; the target is checked here too."""
        if self.method == "target":
            self._check_target(X, y)
        count = self.method not in ("hashing", "pretrained")
        allow_missing = self.handle_missing != "error"
        return [
            _tokens.summarize_tokens(
                _tokens.read_tokens(X, j, allow_missing=allow_missing), count=count
            )
            for j in self.token_columns_
        ]

    def _check_table_budget(self, summaries):
        """Refuse, before allocating, tables larger than ``max_table_bytes``."""
        if self.max_table_bytes is None:
            return
        # Tables are built in float64, whatever the output dtype.
        n_rows = sum(n + N_SPECIAL for n in self.n_token_rows_)
        n_bytes = n_rows * self.embedding_dim * 8
        if n_bytes <= self.max_table_bytes:
            return
        largest = int(np.argmax(self.n_token_rows_))
        names = [summaries[c].name for c in self._table_columns(largest)]
        raise MemoryError(
            f"ValueEmbedder would build tables of {n_rows:,} rows x {self.embedding_dim} "
            f"dimensions = {n_bytes / 2**30:.2f} GiB, above max_table_bytes="
            f"{self.max_table_bytes:,} ({self.max_table_bytes / 2**30:.2f} GiB); column(s) "
            f"{names} alone hold {self.n_token_rows_[largest]:,} tokens. Keep fewer tokens "
            "(max_tokens=... or min_frequency=...), use method='hashing' (no table), "
            "lower embedding_dim, or raise max_table_bytes."
        )

    def _check_method_parameters(self):
        if self.method == "pretrained" and self.vectors is None:
            raise ValueError("method='pretrained' needs vectors: pass vectors=...")
        if self.method != "pretrained" and self.vectors is not None:
            raise ValueError(
                f"vectors is only used with method='pretrained', not method={self.method!r}."
            )
        if self.method in ("hashing", "pretrained") and (
            self.min_frequency is not None or self.max_tokens is not None
        ):
            raise ValueError(
                f"min_frequency and max_tokens need a vocabulary learned from the data; "
                f"method={self.method!r} has none. Leave them as None."
            )

    def _check_target(self, X, y):
        if self.method != "target":
            return None
        if y is None:
            raise ValueError(
                "ValueEmbedder with method='target' requires y to be passed, but the "
                "target y is None."
            )
        y = column_or_1d(y, warn=True)
        try:
            if y.dtype.kind not in "iufO":
                raise ValueError
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"Unknown label type: method='target' needs a numeric regression target; "
                f"got y of dtype {y.dtype}."
            ) from None
        if not np.isfinite(y).all():
            raise ValueError(
                "Input y contains NaN or infinity; method='target' needs finite y."
            )
        check_consistent_length(np.empty(X.shape[0]), y)
        return y

    def _shares_tables(self):
        return self.shared_vocabulary or self.method == "pretrained"

    def _assign_tables(self, summaries):
        """Table of each token column: one shared table, or one each."""
        if not self._shares_tables():
            return np.arange(len(summaries))
        described = {s.name: s.kind for s in summaries if s.kind is not None}
        if len(set(described.values())) > 1:
            raise TypeError(
                "Columns sharing a vocabulary must hold tokens of one kind: uniformly "
                f"strings or numbers. Got {described}."
            )
        return np.zeros(len(summaries), dtype=int)

    def _settle_kinds(self, summaries, pretrained):
        """Record every column's kind, giving columns without a single token one.

        In a shared table they take the other columns' kind (the pretrained keys' kind);
        alone, their kind is ``"null"`` and any kind of token is accepted (as unknown)
        at transform time.
        """
        present = [s.kind for s in summaries if s.kind is not None]
        if pretrained is not None:
            common = pretrained[2]
        else:
            common = present[0] if present else _columns.INTEGER
        self.token_kinds_ = [
            summary.kind
            if summary.kind is not None
            else (common if self._shares_tables() else _columns.NULL)
            for summary in summaries
        ]

    def _table_columns(self, table):
        return np.flatnonzero(self.column_tables_ == table)

    def _fit_vocabularies(self, summaries):
        """Vocabulary, infrequent split and token -> row map of every table."""
        self.vocabularies_, self.infrequent_tokens_, self.token_rows_ = [], [], []
        self.n_token_rows_, self.lookups_ = [], []
        for table in range(self.column_tables_.max() + 1):
            columns = self._table_columns(table)
            kinds = [
                self.token_kinds_[c] for c in columns if self.token_kinds_[c] != _columns.NULL
            ]
            kind = kinds[0] if kinds else _columns.INTEGER
            counted = [
                (summaries[c].vocabulary, summaries[c].counts)
                for c in columns
                if summaries[c].kind is not None
            ]
            if counted:
                vocabulary, counts = _tokens.merge_counts(counted)
            else:
                vocabulary = np.empty(0, object if kind == _columns.STRING else np.int64)
                counts = np.empty(0, np.int64)
            n_rows = sum(summaries[c].n_rows for c in columns)
            frequent = self._frequent(counts, n_rows=n_rows)
            n_frequent = int(frequent.sum())
            rows = np.full(vocabulary.size, n_frequent + INFREQUENT, dtype=np.intp)
            rows[frequent] = np.arange(n_frequent)
            self.lookups_.append(_tokens.TokenLookup(vocabulary, kind))
            # Public attributes show tokens as the user wrote them (booleans as bool).
            vocabulary = _tokens.tokens_as_python(vocabulary, kind)
            self.vocabularies_.append(vocabulary)
            self.n_token_rows_.append(n_frequent)
            self.infrequent_tokens_.append(vocabulary[~frequent])
            self.token_rows_.append(rows)

    def _frequent(self, counts, n_rows):
        frequent = np.ones(counts.size, dtype=bool)
        if self.min_frequency is not None:
            threshold = self.min_frequency
            if isinstance(threshold, Real) and not isinstance(threshold, Integral):
                threshold = np.ceil(threshold * n_rows)
            frequent &= counts >= threshold
        if self.max_tokens is not None and frequent.sum() > self.max_tokens:
            # Most frequent first; a stable sort keeps vocabulary order among ties.
            ranked = np.argsort(-np.where(frequent, counts, -1), kind="stable")
            frequent[:] = False
            frequent[ranked[: self.max_tokens]] = True
        return frequent

    def _fit_tables(self, summaries, random_state):
        """The method's tables (a generator of reduction steps, like ``_fit_steps``)."""
        n_token_rows = self.n_token_rows_
        if self.method == "random":
            tables = [
                random_state.standard_normal((n + N_SPECIAL, self.embedding_dim))
                / np.sqrt(self.embedding_dim)
                for n in n_token_rows
            ]
            for table, n in zip(tables, n_token_rows, strict=True):
                table[n + ZEROS] = 0.0
        elif self.method == "cooccurrence":
            counts = yield _reduction.Reduction(self._cooccurrence_chunk, _reduction.add)
            tables = self._cooccurrence_tables(counts, random_state)
        else:
            n_samples = summaries[0].n_rows
            low, high, fraction = _target_encoding.threshold_ranks(
                n_samples, self.embedding_dim
            )
            ranked = yield _reduction.OrderStatistics(np.union1d(low, high))
            thresholds = _target_encoding.interpolate_ranks(
                np.union1d(low, high), ranked, low, high, fraction
            )
            chunk = partial(self._target_chunk, thresholds)
            below_prior, counts = yield _reduction.Reduction(chunk, _reduction.add)
            tables = self._target_vectors(below_prior / n_samples, counts)
            self.target_thresholds_ = thresholds
        for t, (table, n) in enumerate(zip(tables, n_token_rows, strict=True)):
            if self.infrequent_tokens_[t].size:
                table[n + UNKNOWN] = table[n + INFREQUENT]
        return tables

    # --- row codes ------------------------------------------------------------------

    def _rows(self, tokens, column, *, check_unknown=True, offset=0):
        """Row of every token of one column in its table, plus ``offset``.

        Unknown and missing tokens get the special rows their policies name.
        """
        table = self.column_tables_[column]
        n = self.n_token_rows_[table]
        found = self.lookups_[table].codes(tokens)
        if check_unknown and self.handle_unknown == "error":
            unknown = (found < 0) & ~tokens.missing
            if unknown.any():
                raise ValueError(
                    f"Column {tokens.name!r} has {int(unknown.sum())} row(s) with tokens "
                    f"unseen during fit: {_tokens.preview_tokens(tokens, unknown)}. Use "
                    "handle_unknown='vector' or 'zeros' to embed them."
                )
        # The lookup's -1 (absent) takes the final entry: the unknown policy's row.
        unknown_row = n + (UNKNOWN if self.handle_unknown == "vector" else ZEROS)
        rows = np.append(self.token_rows_[table], unknown_row) + offset
        rows = rows.take(found)
        if tokens.missing.any():
            special = MISSING if self.handle_missing == "vector" else ZEROS
            rows[tokens.missing] = offset + n + special
        return rows

    # --- transform ------------------------------------------------------------------

    def transform(self, X):
        """Embed every token column.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in fit, in the same order.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_token_columns * embedding_dim)
            ``embedding_dim`` features per token column, named by
            :meth:`get_feature_names_out`.
        """
        check_is_fitted(self)
        X = _columns.check_input(self, X, reset=False)
        token_columns = [self._read_fitted(X, c) for c in range(self.token_columns_.size)]
        n_samples = X.shape[0]
        out = np.empty((n_samples, len(token_columns) * self.embedding_dim), self._dtype())

        def embed(start, stop):
            chunk = [tokens.slice(start, stop) for tokens in token_columns]
            self._gather(*self._table_and_rows(chunk), out=out[start:stop])

        # An unknown-token error must count every row, so that policy runs in one block.
        counts_unknown = self.handle_unknown == "error" and self.method != "hashing"
        _blocks.run_in_blocks(n_samples, embed, 1 if counts_unknown else self.n_threads)
        return out

    def _table_and_rows(self, token_columns):
        """The table to gather from and each row's index into it, per token column."""
        if self.method == "hashing":
            return self._hashed_rows(token_columns)
        rows = np.empty((len(token_columns[0]), len(token_columns)), dtype=np.intp)
        for c, tokens in enumerate(token_columns):
            rows[:, c] = self._rows(
                tokens, c, offset=self.table_offsets_[self.column_tables_[c]]
            )
        return self.embeddings_, rows

    def _read_fitted(self, X, c):
        tokens = _tokens.read_tokens(
            X, self.token_columns_[c], allow_missing=self.handle_missing != "error"
        )
        fitted_kind = self.token_kinds_[c]
        if tokens.kind == fitted_kind or fitted_kind == _columns.NULL:
            # A column that was all missing in fit has no kind: any token is unknown.
            return tokens
        if tokens.missing.all():
            return _tokens.all_missing(tokens.name, fitted_kind, len(tokens))
        raise TypeError(
            f"Column {tokens.name!r} holds {tokens.kind} tokens, but {fitted_kind} tokens "
            "were seen during fit."
        )

    def _gather(self, table, rows, out=None):
        n_samples, n_columns = rows.shape
        if out is None:
            out = np.empty((n_samples, n_columns * self.embedding_dim), dtype=table.dtype)
        # One take into a (n, columns, d) view of the C-ordered output: no temporaries.
        out3 = out.reshape(n_samples, n_columns, self.embedding_dim)
        np.take(table, rows, axis=0, out=out3, mode="clip")
        return out

    def _hashed_rows(self, token_columns):
        """A small table of the distinct tokens in this batch, and each row's index."""
        parts, rows, offset = [], [], 0
        dim, dtype = self.embedding_dim, self._dtype()
        for c, tokens in enumerate(token_columns):
            seed = self.hash_seed_ + (0 if self.shared_vocabulary else 7919 * c)
            keys, inverse = _hashing.token_keys(tokens)
            missing = _hashing.hashed_vectors(
                [_hashing.MISSING_KEY], seed, dim, dtype, stride=_hashing.MISSING_STRIDE
            )
            if self.handle_missing == "zeros":
                missing[:] = 0.0
            vectors = np.vstack([_hashing.hashed_vectors(keys, seed, dim, dtype), missing])
            parts.append(vectors)
            rows.append(np.where(inverse < 0, keys.size, inverse) + offset)
            offset += vectors.shape[0]
        table = np.vstack(parts) if parts else np.empty((0, dim), dtype)
        return table, np.column_stack(rows)

    # --- methods' tables ------------------------------------------------------------

    def _token_codes_for_fit(self, token_columns):
        """Rows per token column for fitting tables; -1 where missing is not a token."""
        codes = []
        for c, tokens in enumerate(token_columns):
            rows = self._rows(tokens, c, check_unknown=False)
            if self.handle_missing != "vector":
                rows[tokens.missing] = -1
            codes.append(rows)
        return codes

    def _cooccurrence_chunk(self, X, y):
        """Co-occurrence counts of one chunk: a sparse token x context matrix per table.

        Weights are integers (``window + 1 - offset`` for neighbours, ``window`` for the
        same row): word2vec's expected weights times ``window``, a scale PMI ignores. Sums
        of integers are exact in any order, so chunks add up to the whole table's counts.
        """
        token_columns = [self._read_fitted(X, c) for c in range(self.token_columns_.size)]
        codes = self._token_codes_for_fit(token_columns)
        sizes = [n + N_SPECIAL for n in self.n_token_rows_]
        context_offsets = np.cumsum([0] + sizes)[:-1]
        n_contexts = int(sum(sizes))
        order, same_sequence = self._sequence_order(X)
        triples = {t: [] for t in range(len(sizes))}
        for c, rows in enumerate(codes):
            table = self.column_tables_[c]
            words, contexts, weights = _cooccurrence.window_pairs(
                rows, order, same_sequence, self.window
            )
            triples[table].append((words, contexts + context_offsets[table], weights))
            if not self.same_row:
                continue
            for other, other_rows in enumerate(codes):
                if other == c:
                    continue
                both = (rows >= 0) & (other_rows >= 0)
                offset = context_offsets[self.column_tables_[other]]
                triples[table].append(
                    (
                        rows[both],
                        other_rows[both] + offset,
                        np.full(int(both.sum()), self.window),
                    )
                )
        counts = []
        for table, size in enumerate(sizes):
            words, contexts, weights = (
                np.concatenate(part) for part in zip(*triples[table], strict=True)
            )
            matrix = _cooccurrence.count_matrix(words, contexts, weights, (size, n_contexts))
            counts.append(matrix)
        return counts

    def _cooccurrence_tables(self, counts, random_state):
        tables = []
        for table, n in enumerate(self.n_token_rows_):
            matrix = _cooccurrence.ppmi(
                counts[table], smoothing=self.context_smoothing, shift=self.shift
            )
            vectors = _cooccurrence.svd_vectors(
                matrix,
                self.embedding_dim,
                eigenvalue_weight=self.eigenvalue_weight,
                normalize=self.normalize,
                random_state=random_state,
            )
            vectors[n + UNKNOWN] = vectors[:n].mean(axis=0) if n else 0.0
            vectors[n + ZEROS] = 0.0
            tables.append(vectors)
        return tables

    def _sequence_order(self, X):
        """Rows grouped by sequence (stable), and a same-sequence test per offset."""
        n_samples = X.shape[0]
        if self.group_columns_.size == 0:
            return np.arange(n_samples), lambda offset: np.ones(n_samples - offset, bool)
        group = _groups.group_codes(X, self.group_columns_)
        order = np.argsort(group, kind="stable")
        ordered = group[order]
        return order, lambda offset: ordered[:-offset] == ordered[offset:]

    def _target_chunk(self, thresholds, X, y):
        """Rows of one chunk below each threshold, overall and per token row and table."""
        y = self._check_target(X, y)
        token_columns = [self._read_fitted(X, c) for c in range(self.token_columns_.size)]
        below = (y[:, None] <= thresholds[None, :]).sum(axis=0)
        return below, self._cdf_counts(token_columns, y, thresholds, np.arange(y.size))

    def _cdf_counts(self, token_columns, y, thresholds, rows):
        """Per table, each token row's number of ``rows`` and of those below each
        threshold."""
        codes = self._token_codes_for_fit(token_columns)
        counts = []
        for table, n in enumerate(self.n_token_rows_):
            columns = self._table_columns(table)
            table_codes = np.concatenate([codes[c][rows] for c in columns])
            table_y = np.tile(y[rows], columns.size)
            counts.append(
                _target_encoding.cdf_counts(table_codes, table_y, thresholds, n + N_SPECIAL)
            )
        return counts

    def _target_vectors(self, prior, counts):
        """Shrunk CDF tables from per-table ``(totals, below)`` counts and the prior."""
        tables = []
        for (totals, below), n in zip(counts, self.n_token_rows_, strict=True):
            vectors = _target_encoding.shrunk_cdf(totals, below, prior, self.smooth)
            vectors[n + UNKNOWN] = prior
            vectors[n + ZEROS] = 0.0
            tables.append(vectors)
        return tables

    def _target_tables(self, token_columns, y, rows):
        """Shrunk CDF tables from the target of ``rows`` only (one cross-fitting fold)."""
        thresholds = _target_encoding.target_thresholds(y[rows], self.embedding_dim)
        prior = (y[rows, None] <= thresholds[None, :]).mean(axis=0)
        counts = self._cdf_counts(token_columns, y, thresholds, rows)
        return self._target_vectors(prior, counts)

    def _cross_fitted(self, X, token_columns, y):
        """Each validation fold embedded with tables fitted on its training rows only."""
        splits = self._checked_splits(X, y)
        _, rows = self._table_and_rows(token_columns)
        out = self._gather(self.embeddings_, rows)
        out3 = out.reshape(y.size, len(token_columns), -1)
        # Rows no validation fold covers get the quantile levels, the fractions any
        # token has under the prior, computed from no row's target (or zeros by policy).
        levels = np.arange(1, self.embedding_dim + 1) / (self.embedding_dim + 1)
        zero_rows = np.isin(rows, self.table_offsets_ + np.array(self.n_token_rows_) + ZEROS)
        out3[:] = np.where(zero_rows[:, :, None], 0.0, levels.astype(out.dtype))
        for train, validation in splits:
            tables = self._target_tables(token_columns, y, rows=train)
            fold = np.vstack(tables).astype(out.dtype)
            out3[validation] = fold[rows[validation]]
        return out

    def _checked_splits(self, X, y):
        """The cv splits, refused unless validation folds are disjoint and apart from train."""
        cv = self.cv
        if isinstance(cv, Integral):
            cv = KFold(cv, shuffle=True, random_state=self.hash_seed_)
        cv = check_cv(cv, y, classifier=False)
        n_samples = y.size
        splits = [
            (np.asarray(a), np.asarray(b)) for a, b in cv.split(np.empty((n_samples, 1)), y)
        ]
        validated = np.zeros(n_samples, dtype=int)
        for train, validation in splits:
            for indices in (train, validation):
                if indices.size and (indices.min() < 0 or indices.max() >= n_samples):
                    raise ValueError(
                        f"cv yields indices outside [0, {n_samples}): each split must index "
                        "the rows of X."
                    )
            if np.intersect1d(train, validation).size:
                raise ValueError(
                    "cv yields a split whose training and validation rows overlap: rows "
                    "would see their own target. Use disjoint splits (KFold, "
                    "TimeSeriesSplit, ...)."
                )
            np.add.at(validated, validation, 1)
        if (validated > 1).any():
            raise ValueError(
                "cv yields validation folds that overlap (e.g. RepeatedKFold): each row "
                "must be validated at most once for cross-fitting."
            )
        return splits

    def _fit_pretrained_table(self, summaries, vocabulary, matrix, kind):
        """The pretrained table (PCA-reduced if asked) and its vocabulary."""
        width = matrix.shape[1]
        if self.embedding_dim > width:
            raise ValueError(
                f"embedding_dim={self.embedding_dim} exceeds the width {width} of the "
                f"pretrained vectors; choose embedding_dim <= {width}."
            )
        if self.embedding_dim < width and self.embedding_dim > vocabulary.size:
            raise ValueError(
                f"embedding_dim={self.embedding_dim} needs at least as many pretrained "
                f"vectors to reduce them with PCA; got {vocabulary.size}."
            )
        for summary in summaries:
            if summary.kind not in (kind, None):
                raise TypeError(
                    f"Column {summary.name!r} holds {summary.kind} tokens but the pretrained "
                    f"vectors are keyed by {kind} tokens."
                )
        if self.embedding_dim < width:
            # set_output(default): a global pandas/polars output config must not reach PCA.
            pca = PCA(self.embedding_dim, random_state=0).set_output(transform="default")
            matrix = pca.fit_transform(matrix)
        n = vocabulary.size
        table = np.zeros((n + N_SPECIAL, self.embedding_dim))
        table[:n] = matrix
        table[n + MISSING] = table[n + UNKNOWN] = matrix.mean(axis=0)
        table[n + INFREQUENT] = matrix.mean(axis=0)
        self.vocabularies_ = [vocabulary]
        self.infrequent_tokens_ = [vocabulary[:0]]
        self.token_rows_ = [np.arange(n)]
        self.n_token_rows_ = [n]
        self.lookups_ = [_tokens.TokenLookup(vocabulary, kind)]
        self.vocabularies_ = [_tokens.tokens_as_python(vocabulary, kind)]
        return table

    # --- names, inspection, tags ----------------------------------------------------

    def get_feature_names_out(self, input_features=None):
        """Output names ``{column}_emb{j}`` for every token column.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; defaults to ``feature_names_in_`` (or ``x0, x1, ...``).

        Returns
        -------
        feature_names_out : ndarray of str
        """
        check_is_fitted(self)
        prefixes = _columns.check_input_features(self, input_features)
        return np.asarray(
            [
                f"{prefixes[j]}_emb{k}"
                for j in self.token_columns_
                for k in range(self.embedding_dim)
            ],
            dtype=object,
        )

    def embedding_table(self, column=None, tokens=None):
        """The learned vectors as a DataFrame indexed by token.

        Parameters
        ----------
        column : str or int, default=None
            A token column's name or position among the token columns; may be omitted
            when there is one token column or one shared table.
        tokens : array-like, default=None
            Tokens to look up (unknown ones follow ``handle_unknown``). By default,
            every token with a vector of its own; required for ``method="hashing"``.

        Returns
        -------
        table : DataFrame of shape (n_tokens, embedding_dim)
        """
        check_is_fitted(self)
        c = self._token_column(column)
        names = self.get_feature_names_out()[
            c * self.embedding_dim : (c + 1) * self.embedding_dim
        ]
        name = names[0][: -len("_emb0")]
        if tokens is None:
            if self.method == "hashing":
                raise ValueError(
                    "method='hashing' keeps no vocabulary: pass tokens=[...] to see their "
                    "vectors."
                )
            table = self.column_tables_[c]
            own = self.token_rows_[table] < self.n_token_rows_[table]
            index = _tokens.tokens_as_python(
                self.vocabularies_[table][own], self.token_kinds_[c]
            )
            rows = self.token_rows_[table][own] + self.table_offsets_[table]
            return pd.DataFrame(
                self.embeddings_[rows], index=pd.Index(index, name=name), columns=names
            )
        if isinstance(tokens, (str, bytes)) or not np.iterable(tokens):
            tokens = [tokens]
        frame = pd.DataFrame({name: pd.Series(list(tokens), dtype=object)})
        token_column = _tokens.read_tokens(frame, 0)
        if token_column.kind != self.token_kinds_[c] and not token_column.missing.all():
            raise TypeError(
                f"tokens are {token_column.kind} but column {name!r} holds "
                f"{self.token_kinds_[c]} tokens."
            )
        token_column = _tokens.TokenColumn(
            name, self.token_kinds_[c], token_column.values, token_column.missing
        )
        if self.method == "hashing":
            table, rows = self._hashed_rows([token_column] * (c + 1))
            rows = rows[:, [c]]
        else:
            table = self.embeddings_
            offset = self.table_offsets_[self.column_tables_[c]]
            rows = (self._rows(token_column, c) + offset)[:, None]
        return pd.DataFrame(
            self._gather(table, rows), index=pd.Index(list(tokens), name=name), columns=names
        )

    def most_similar(self, token, *, column=None, n=10):
        """The ``n`` tokens whose vectors have the highest cosine similarity to ``token``.

        Parameters
        ----------
        token : int, str or bool
            A token with a vector of its own.
        column : str or int, default=None
            As in :meth:`embedding_table`.
        n : int, default=10

        Returns
        -------
        similarities : Series
            Cosine similarities indexed by token, highest first, ``token`` excluded.
        """
        table = self.embedding_table(column)
        if token not in table.index:
            raise KeyError(
                f"{token!r} has no vector of its own in column {table.index.name!r}."
            )
        vectors = table.to_numpy(dtype=np.float64)
        norms = np.linalg.norm(vectors, axis=1)
        query = vectors[table.index.get_loc(token)]
        with np.errstate(invalid="ignore", divide="ignore"):
            cosine = vectors @ query / (norms * np.linalg.norm(query))
        similarities = pd.Series(cosine, index=table.index, name="cosine").drop(token)
        return similarities.sort_values(ascending=False, kind="stable").head(n)

    def _token_column(self, column):
        names = [
            name[: -len("_emb0")]
            for name in self.get_feature_names_out()[:: self.embedding_dim]
        ]
        if column is None:
            if len(names) > 1 and len(set(self.column_tables_)) > 1:
                raise ValueError(
                    f"Several token columns have tables; choose column= from {names}."
                )
            return 0
        if isinstance(column, str):
            if column not in names:
                raise ValueError(
                    f"column={column!r} is not a token column; choose from {names}."
                )
            return names.index(column)
        if isinstance(column, Integral) and 0 <= column < len(names):
            return int(column)
        raise ValueError(f"column={column!r} is not a token column; choose from {names}.")

    def _dtype(self):
        return np.dtype(self.dtype)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = self.handle_missing != "error"
        tags.target_tags.required = self.method == "target"
        tags.transformer_tags.preserves_dtype = [np.dtype(self.dtype).name]
        return tags


def _read_pretrained(vectors):
    """(sorted keys, matrix, key kind) from a dict, a DataFrame or KeyedVectors-like."""
    if isinstance(vectors, pd.DataFrame):
        keys, matrix = list(vectors.index), vectors.to_numpy()
    elif isinstance(vectors, dict):
        keys = list(vectors)
        matrix = [np.asarray(vector, dtype=np.float64) for vector in vectors.values()]
        if any(vector.ndim != 1 for vector in matrix):
            raise ValueError("Pretrained vectors must each be one-dimensional.")
        widths = {vector.size for vector in matrix}
        if len(widths) > 1:
            raise ValueError(f"Pretrained vectors have different lengths: {sorted(widths)}.")
        matrix = np.vstack(matrix) if matrix else np.empty((0, 0))
    elif hasattr(vectors, "key_to_index") and hasattr(vectors, "vectors"):
        keys = sorted(vectors.key_to_index, key=vectors.key_to_index.get)
        matrix = np.asarray(vectors.vectors)[[vectors.key_to_index[key] for key in keys]]
    else:
        raise TypeError(
            "vectors must be a dict token -> vector, a DataFrame indexed by token, or an "
            f"object with key_to_index and vectors (gensim KeyedVectors); got {type(vectors)}."
        )
    if not keys:
        raise ValueError("vectors is empty: no pretrained token to embed with.")
    try:
        matrix = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"Pretrained vectors must be numeric: {exc}") from None
    if matrix.ndim != 2 or not np.isfinite(matrix).all():
        raise ValueError("Pretrained vectors must form a finite 2-D numeric table.")
    key_frame = pd.DataFrame({"keys of vectors": pd.Series(keys, dtype=object)})
    key_column = _tokens.read_tokens(key_frame, 0)
    if key_column.missing.any():
        raise ValueError("Pretrained vectors have a missing (None/NaN) token as key.")
    if key_column.kind == _columns.STRING:
        key_values = np.asarray(key_column.values.to_pylist(), dtype=object)
    else:
        key_values = key_column.values
    order = np.argsort(key_values, kind="stable")
    sorted_keys = key_values[order]
    if sorted_keys.size > 1 and (sorted_keys[1:] == sorted_keys[:-1]).any():
        raise ValueError("Pretrained vectors have duplicated tokens as keys.")
    return sorted_keys, matrix[order], key_column.kind
