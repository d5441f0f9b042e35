"""ValueEmbedder: token-ID columns to dense vectors from a lookup table."""

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
)
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import check_is_fitted

from . import _blocks, _columns, _tokens, _value_methods
from ._doc_links import DocLinkMixin
from ._params import RefuseBoolCounts, fit_context
from ._partitioned import PartitionedMixin, Reduction

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Literal

    from numpy.typing import ArrayLike, NDArray

    from ._typing import (
        ColumnKeys,
        CVSplitter,
        FloatDType,
        KeyedVectorsLike,
        Output,
        RandomStateLike,
        TableLike,
    )


class ValueEmbedder(
    DocLinkMixin, RefuseBoolCounts, PartitionedMixin, TransformerMixin, BaseEstimator
):
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
          machines, with or without ``random_state`` (which only varies them when
          given); every token, seen in fit or not, gets its own vector.
        - ``"cooccurrence"``: learned from sequence context. Rows are read in order
          (within each group of ``group_columns``); tokens at most ``window`` rows apart
          co-occur. The positive PMI matrix, with context-distribution smoothing
          ``context_smoothing`` and shift ``log(shift)``, is reduced by truncated SVD
          to ``U * S**eigenvalue_weight`` (Levy, Goldberg & Dagan, 2015).
        - ``"target"``: supervised (needs ``y``, a numeric target: continuous, counts,
          ratings or 0/1). Entry 0 is the token's mean of ``y`` shrunk toward the
          overall mean (scikit-learn's ``TargetEncoder``, so a linear model gets what
          one-hot gives it); the next entries, the fraction of the token's rows with
          ``y`` at or below the target's order statistics at levels ``j/d`` (each
          distinct value once, below the maximum), shrunk the same way: the shape of
          the token's target distribution. A target with fewer distinct values (0/1)
          fills the rest with the log-odds of the scaled mean and the mean shrunk 4,
          16, ... times more strongly: no constant and no duplicated column.
          Shrinkage strengths are fitted by empirical Bayes (``smooth``).
          Class labels (strings or other non-numeric ``y``) give the shrunk rates
          of every class but the rarest, most frequent first, as ``TargetEncoder``'s
          one-vs-rest columns, then their log-odds. ``fit_transform`` cross-fits over
          ``cv`` so no training row sees its own target.
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
        of moments, per column (the within-token over the between-token variance of
        the mean; a Beta prior's strength for each fraction).
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
        and the gather release the GIL). None uses the cores available to this
        process, within the limits that joblib's workers and ``threadpoolctl`` set, so
        ``n_jobs`` workers do not multiply threads; 1 disables threading. Results do
        not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the random table, the hashing seed, the randomized SVD and the ``cv``
        shuffling. Use an int for results that are reproducible across calls. None
        with ``hashing`` is the fixed seed 0, as scikit-learn's hashers are
        deterministic.

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
        seed of an int ``cv``. For ``hashing`` without ``random_state`` it is 0, so the
        vectors are the same in every process and on every machine.
    target_thresholds_ : ndarray of shape (n_thresholds,)
        ``target``: the values of ``y`` the fractions are counted below (at most
        ``embedding_dim - 1``; none for a 0/1 target or class labels).
    target_levels_ : ndarray of shape (n_thresholds,)
        ``target``: their levels; cross-fitting folds take their thresholds there.
    target_range_ : ndarray of shape (2,) or None
        ``target``: the smallest and largest ``y`` (numeric targets), which
        standardize the sums (no overflow, no cancellation) and scale the log-odds
        column, in fit and in every cross-fitting fold alike.
    classes_ : ndarray or None
        ``target``: the class labels of a class target, sorted; None for a numeric
        one.
    target_classes_ : ndarray or None
        ``target``: the classes whose rates are the first columns, in order.
    target_prior_ : ndarray of shape (embedding_dim,)
        ``target``: the vector of a token without rows: unknown tokens get it (unless
        there are infrequent tokens, whose vector they share), and so do the rows no
        ``cv`` validation fold covers in ``fit_transform``.

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
      purpose: it cross-fits, as ``TargetEncoder`` does. Each fold's thresholds (at
      ``target_levels_``), means, fractions and prior come from its training rows only,
      so no row's output depends on its own token's target; rows that no validation
      fold covers get ``target_prior_``, one number per column over all rows (zeros
      for missing tokens under ``handle_missing="zeros"``). ``target_thresholds_`` and
      the tables that ``transform`` uses are fitted on all rows.

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

    _reads_views = True

    _parameter_constraints = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions(set(_value_methods.METHODS))],
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
        embedding_dim: int = 16,
        *,
        method: Literal["random", "hashing", "cooccurrence", "target", "pretrained"] = "random",
        shared_vocabulary: bool = False,
        group_columns: ColumnKeys | None = None,
        handle_missing: Literal["vector", "zeros", "error"] = "vector",
        handle_unknown: Literal["vector", "zeros", "error"] = "vector",
        min_frequency: int | float | None = None,
        max_tokens: int | None = None,
        window: int = 5,
        context_smoothing: float = 0.75,
        shift: float = 1.0,
        eigenvalue_weight: float = 0.5,
        same_row: bool = False,
        normalize: bool = True,
        cv: int | CVSplitter | Iterable[tuple[ArrayLike, ArrayLike]] | None = 5,
        smooth: Literal["auto"] | float = "auto",
        vectors: dict[Any, Any] | pd.DataFrame | KeyedVectorsLike | None = None,
        dtype: FloatDType = "float64",
        max_table_bytes: int | None = 2**30,
        n_threads: int | None = None,
        random_state: RandomStateLike = None,
    ) -> None:
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

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: TableLike, y: ArrayLike | None = None) -> ValueEmbedder:
        """Learn the vocabularies and tables.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Token columns (and ``group_columns``).
        y : array-like of shape (n_samples,), default=None
            Target (numeric, or class labels); required by ``method="target"``, ignored
            otherwise.

        Returns
        -------
        self : ValueEmbedder
            The fitted embedder.
        """
        self._fit(X, y)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(
        self, X: TableLike, y: ArrayLike | None = None, **fit_params: Any
    ) -> Output:
        """Fit, then embed ``X``; cross-fitted for ``method="target"``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Token columns (and ``group_columns``).
        y : array-like of shape (n_samples,), default=None
            Target (numeric, or class labels); required by ``method="target"``, ignored
            otherwise.
        **fit_params : dict
            For ``method="target"``, parameters of ``cv.split``, as scikit-learn's
            ``TargetEncoder.fit_transform`` hands them to its cv: ``groups``
            (array-like of shape (n_samples,)) makes a ``GroupKFold`` cross-fit by
            group. With ``sklearn.set_config(enable_metadata_routing=True)`` they are
            routed (so ``Pipeline.fit(X, y, groups=groups)`` reaches the cv, which
            requests them); without it, ``groups`` is taken directly. Other methods
            take no fit parameters.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_token_columns * embedding_dim)
            The embeddings; for ``method="target"`` each row's come from tables fitted
            without its cross-fitting fold.
        """
        method = self._method()
        if not method.cross_fits:
            return super().fit_transform(X, y, **fit_params)
        if _routing_enabled():
            split_params = process_routing(self, "fit_transform", **fit_params).splitter.split
        else:
            unexpected = sorted(set(fit_params) - {"groups"})
            if unexpected:
                raise TypeError(
                    f"ValueEmbedder.fit_transform got unexpected fit parameters "
                    f"{unexpected}; method='target' takes groups (for a grouped cv such "
                    "as GroupKFold), or any parameter of cv.split with "
                    "sklearn.set_config(enable_metadata_routing=True)."
                )
            split_params = fit_params
        X, y = self._fit(X, y)
        return method.cross_fitted(X, y, split_params)

    def get_metadata_routing(self) -> MetadataRouter:
        """Get the metadata routing of this object.

        ``fit_transform`` routes to the ``split`` of ``cv`` (``method="target"``), as
        ``TargetEncoder`` does.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` of the ``cv``
            splitter (an int or None requests nothing).
        """
        router = MetadataRouter(owner=self)
        router.add(
            splitter=self.cv,
            method_mapping=MethodMapping().add(caller="fit_transform", callee="split"),
        )
        return router

    def _fit(self, X, y):
        X = self._check_fit_input(X)
        y = self._method().check_target(X, y)
        self._fit_in_memory(X, y)
        return X, y

    def _method(self):
        """The strategy of ``self.method`` (see ``_value_methods``): the one place the
        methods are told apart."""
        try:
            strategy = _value_methods.METHODS[self.method]
        except (KeyError, TypeError):
            # Asked before fit validates (tags, a dask fit_transform): sklearn's error.
            self._validate_params()
            raise
        return strategy(self)

    # --- the partitioned contract (see ``_partitioned``) ----------------------------

    def _fit_steps(self, X):
        """The fit as steps over chunks of rows; ``X`` is not needed (the columns are
        known from ``n_features_in_``).

        A refit with other parameters must not keep the previous fit's attributes, so
        they go first.
        """
        for attribute in [name for name in vars(self) if name.endswith("_")]:
            if attribute not in ("n_features_in_", "feature_names_in_"):
                delattr(self, attribute)
        method = self._method()
        method.check_parameters()
        random_state = check_random_state(self.random_state)
        self.group_columns_ = self._resolve_group_columns()
        self.token_columns_ = np.setdiff1d(np.arange(self.n_features_in_), self.group_columns_)
        if self.token_columns_.size == 0:
            raise ValueError(
                "ValueEmbedder needs at least one token column besides the group_columns "
                f"{self.group_columns!r}."
            )
        method.start()
        summaries = yield Reduction(self._summarize_chunk, _tokens.merge_summaries)
        shared = self.shared_vocabulary or method.one_table
        self.column_tables_ = self._assign_tables(summaries, shared)
        self._settle_kinds(summaries, shared, method.key_kind)
        if self.random_state is None and method.deterministic_without_seed:
            self.hash_seed_ = 0
        else:
            self.hash_seed_ = int(random_state.randint(np.iinfo(np.int32).max))
        yield from method.fit_tables(summaries, random_state)

    def _groups_within_partitions(self):
        """``cooccurrence`` reads each group of ``group_columns`` as one sequence (no
        group columns: the whole table)."""
        if not self._method().reads_sequences:
            return []
        return [(self, self._resolve_group_columns())]

    def _fit_transform_is_cross_fitted(self):
        """``target`` cross-fits ``fit_transform``."""
        return self._method().cross_fits

    def _resolve_group_columns(self):
        return _columns.resolve_columns(self, self.group_columns, parameter="group_columns")

    def _summarize_chunk(self, X, y):
        """Token summaries of one chunk; the target is checked here too."""
        method = self._method()
        method.check_target(X, y)
        allow_missing = self.handle_missing != "error"
        return [
            _tokens.summarize_tokens(
                _tokens.read_tokens(X, j, allow_missing=allow_missing),
                count=method.counts_tokens,
            )
            for j in self.token_columns_
        ]

    def _assign_tables(self, summaries, shared):
        """Table of each token column: one shared table, or one each."""
        if not shared:
            return np.arange(len(summaries))
        described = {s.name: s.kind for s in summaries if s.kind is not None}
        if len(set(described.values())) > 1:
            raise TypeError(
                "Columns sharing a vocabulary must hold tokens of one kind: uniformly "
                f"strings or numbers. Got {described}."
            )
        return np.zeros(len(summaries), dtype=int)

    def _settle_kinds(self, summaries, shared, key_kind):
        """Record every column's kind, giving columns without a single token one.

        In a shared table they take the other columns' kind (``key_kind``, the
        pretrained keys' kind, when given); alone, their kind is ``"null"`` and any
        kind of token is accepted (as unknown) at transform time.
        """
        present = [s.kind for s in summaries if s.kind is not None]
        if key_kind is not None:
            common = key_kind
        else:
            common = present[0] if present else _columns.INTEGER
        self.token_kinds_ = [
            summary.kind if summary.kind is not None else (common if shared else _columns.NULL)
            for summary in summaries
        ]

    # --- transform ------------------------------------------------------------------

    def transform(self, X: TableLike) -> Output:
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
        return self._transform_placed(X)

    def _transform(self, X, context):
        """Embed the checked ``X``; ``context`` is unused, tokens are looked up row by
        row."""
        method = self._method()
        token_columns = self._read_token_columns(X)
        n_samples = X.shape[0]
        out = np.empty((n_samples, len(token_columns) * self.embedding_dim), self._dtype())

        def embed(start, stop):
            chunk = [tokens.slice(start, stop) for tokens in token_columns]
            self._gather(*method.table_and_rows(chunk), out=out[start:stop])

        # An unknown-token error must count every row, so that policy runs in one block.
        counts_unknown = self.handle_unknown == "error" and method.has_vocabulary
        _blocks.run_in_blocks(n_samples, embed, 1 if counts_unknown else self.n_threads)
        return out

    def _read_token_columns(self, X):
        return [self._read_fitted(X, c) for c in range(self.token_columns_.size)]

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

    # --- names, inspection, tags ----------------------------------------------------

    def get_feature_names_out(
        self, input_features: ArrayLike | None = None
    ) -> NDArray[np.object_]:
        """Output names ``{column}_emb{j}`` for every token column.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; defaults to ``feature_names_in_`` (or ``x0, x1, ...``).

        Returns
        -------
        feature_names_out : ndarray of str objects
            Transformed feature names.
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

    def embedding_table(
        self, column: str | int | None = None, tokens: ArrayLike | Iterable[Any] | None = None
    ) -> pd.DataFrame:
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
            One row per token, indexed by token, with the output feature names as
            columns.
        """
        check_is_fitted(self)
        method = self._method()
        c = self._token_column(column)
        names = self.get_feature_names_out()[
            c * self.embedding_dim : (c + 1) * self.embedding_dim
        ]
        name = names[0][: -len("_emb0")]
        if tokens is None:
            if not method.has_vocabulary:
                raise ValueError(
                    f"method={self.method!r} keeps no vocabulary: pass tokens=[...] to see "
                    "their vectors."
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
        table, rows = method.table_and_rows([token_column], columns=[c])
        return pd.DataFrame(
            self._gather(table, rows), index=pd.Index(list(tokens), name=name), columns=names
        )

    def most_similar(
        self, token: int | str | bool, *, column: str | int | None = None, n: int = 10
    ) -> pd.Series:
        """The ``n`` tokens whose vectors have the highest cosine similarity to ``token``.

        Parameters
        ----------
        token : int, str or bool
            A token with a vector of its own.
        column : str or int, default=None
            As in :meth:`embedding_table`.
        n : int, default=10
            How many tokens to return.

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
        try:
            tags.target_tags.required = self._method().needs_target
        except InvalidParameterError:
            pass  # an unknown method: fit says so; the tags stay sklearn's defaults
        tags.transformer_tags.preserves_dtype = [np.dtype(self.dtype).name]
        return tags
