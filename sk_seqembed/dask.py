"""Fit and transform the embedders on dask DataFrames larger than one machine's memory.

``pip install "sk_seqembed[dask]"``. :class:`DaskEmbedder` wraps a ``ValueEmbedder``,
``PositionEmbedder``, ``TemporalEmbedder``, ``EmbeddingSum`` or a ``ColumnTransformer`` of
them (such as :func:`~sk_seqembed.make_sequence_embedder`'s). Fitting computes what the
estimators learn as reductions over the partitions (token counts, co-occurrence counts,
target counts and exact quantiles, zones, ranges and origins of datetimes) and leaves an
ordinary in-memory fitted estimator in ``estimator_``. Transforming is lazy: one task per
partition, which knows where its partition sits in the whole table, so positions and
recency within groups run on across partitions.
"""

from __future__ import annotations

import copy
import operator
from numbers import Integral
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted

try:
    import dask
    import dask.dataframe as dd
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "sk_seqembed.dask needs dask: pip install 'sk_seqembed[dask]'."
    ) from error

from . import _groups, _sequence_state
from . import _radix_select as _radix
from ._column_parts import ColumnParts
from ._doc_links import DocLinkMixin
from ._params import fit_context
from ._partitioned import OrderStatistics, PartitionedMixin

if TYPE_CHECKING:
    from typing import Any, Literal

    from numpy.typing import ArrayLike, NDArray

    from ._typing import NamedTransformerLike, TableLike

__all__ = ["DaskEmbedder"]


# Outputs are dask or the estimator's own: sklearn's set_output must not rewrap them.
class DaskEmbedder(DocLinkMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Fit an embedder on a dask DataFrame by reductions; transform lazily.

    Fitting computes what ``estimator`` learns as reductions over the partitions and
    leaves an ordinary in-memory fitted estimator in ``estimator_``. Transforming a dask
    frame is lazy: one task per partition, which knows where its partition sits in the
    whole table, so positions and recency within groups run on across partitions.
    Inputs that are not dask frames are fitted and transformed by the estimator itself.

    Parameters
    ----------
    estimator : estimator
        A ``ValueEmbedder``, ``PositionEmbedder``, ``TemporalEmbedder``,
        ``EmbeddingSum``, or a ``ColumnTransformer`` whose parts are these, ``"drop"``
        or ``"passthrough"`` (as :func:`~sk_seqembed.make_sequence_embedder` builds).
        Or a ``HistoryEmbedder``, whose state follows the rows in order: its value
        embedder is fitted by reductions, its state by one pass over the partitions in
        order; a transform first passes over the partitions in order to find the state
        before each. It is cloned in ``fit``.
    split_every : int, default=8
        How many partitions' statistics one task combines (the fan-in of the tree
        reduction).

    Attributes
    ----------
    estimator_ : estimator
        The fitted estimator: an ordinary in-memory sklearn estimator, the same as
        fitting ``estimator`` on the whole table in pandas. Pickle it, or use it on
        pandas frames.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    sk_seqembed.make_sequence_embedder : The embedders side by side in a
        ColumnTransformer, which this can wrap.
    sk_seqembed.EmbeddingSum : Add the embedders' outputs, which this can wrap.
    sk_seqembed.base.PartitionedMixin : The contract an estimator follows to be wrapped.

    Notes
    -----
    What each estimator needs of the partitions:

    - Rows are in order across partitions (partition 0 first), as in the pandas table
      (``dd.from_pandas`` sorts by the index unless ``sort=False``).
    - dask reads object columns as strings by default (``dataframe.convert-string``):
      an object column of ints or booleans then holds string tokens. Set that option
      to False to keep the tokens pandas has.
    - ``y`` is a dask Series (or one-column DataFrame) partitioned like ``X``.
    - ``ValueEmbedder(method="cooccurrence")`` reads context windows within
      ``group_columns`` sequences; every sequence must lie in one partition (checked:
      an error names a group that spans partitions). Without ``group_columns`` the
      whole table is one sequence, so ``X`` must have a single partition.
    - ``fit_transform`` on a dask frame refuses ``ValueEmbedder(method="target")``:
      cross-fitting needs row-indexed folds over the whole table. Fit on one set of
      rows and transform another instead.
    - Positions (``PositionEmbedder``) and recency (``TemporalEmbedder`` with
      ``group_columns``) are computed as on the whole table: a first pass over the
      key columns counts each group's rows (or finds its last instant) per partition.
      ``fit`` keeps the fitted history from its partitions, as the pandas fit does, so
      the transform of a later table continues every known group from it (the
      fitted table itself, recognised by its fingerprint, gets its in-frame
      features).
      The transform stays lazy; that pass runs when the result is computed. Each
      partition's context travels with it, so ``tail``, ``.partitions[k]`` or ``.loc``
      give the rows of the whole output.
    - Every part of a ``ColumnTransformer`` that selects columns must be one of the
      embedders (a part selecting none is skipped, as sklearn does).

    Outputs are pandas partitions with the fitted estimator's feature names and the
    input's index. Hand them to a dask-aware regressor (``xgboost.dask``,
    ``lightgbm.DaskLGBMRegressor``) or ``.compute()`` them for scikit-learn.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> from sk_seqembed import PositionEmbedder
    >>> from sk_seqembed.dask import DaskEmbedder
    >>> X = pd.DataFrame({"session": ["a", "a", "b", "a", "b", "a"]})
    >>> ddf = dd.from_pandas(X, npartitions=3)
    >>> embedder = DaskEmbedder(PositionEmbedder(method="scalar")).fit(ddf)
    >>> embedder.transform(ddf).compute()["session_position"].tolist()
    [0.0, 1.0, 0.0, 2.0, 1.0, 3.0]
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "transform", "get_feature_names_out"])],
        "split_every": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, estimator: NamedTransformerLike, *, split_every: int = 8) -> None:
        self.estimator = estimator
        self.split_every = split_every

    def set_output(
        self, *, transform: Literal["default", "pandas", "polars"] | None = None
    ) -> DaskEmbedder:
        """Set the output container of the wrapped estimator (pandas inputs only).

        Dask inputs always give a dask DataFrame of pandas partitions.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"}, default=None
            Output container of the wrapped estimator's ``transform``; None leaves
            it unchanged.

        Returns
        -------
        self : DaskEmbedder
            This estimator.
        """
        if transform is not None:
            self.estimator.set_output(transform=transform)
        return self

    @fit_context(prefer_skip_nested_validation=False)
    def fit(
        self, X: dd.DataFrame | TableLike, y: dd.Series | dd.DataFrame | ArrayLike | None = None
    ) -> DaskEmbedder:
        """Fit a clone of ``estimator`` on ``X`` (dask or pandas).

        Parameters
        ----------
        X : dask DataFrame, or anything ``estimator`` accepts
            The table to fit on; an input other than a dask DataFrame goes to
            ``estimator.fit`` as it is.
        y : dask Series, default=None
            The target, partitioned like ``X`` (for ``method="target"``).

        Returns
        -------
        self : DaskEmbedder
            The fitted wrapper.
        """
        estimator = clone(self.estimator)
        if _is_dask(X) and _is_ordered(estimator):
            y = _check_target(X, y)
            self.estimator_, _ = _fit_in_order(estimator, X, y, self.split_every)
        elif _is_dask(X):
            self.estimator_ = _fit(estimator, X, _check_target(X, y), self.split_every)
        else:
            self.estimator_ = estimator.fit(X, y)
        self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    def transform(self, X: dd.DataFrame | TableLike) -> Any:
        """Transform ``X``: lazily for a dask DataFrame, eagerly otherwise.

        Parameters
        ----------
        X : dask DataFrame, or anything ``estimator_`` accepts
            The table to transform, with the columns seen in fit.

        Returns
        -------
        X_out : dask DataFrame, or what ``estimator_.transform`` returns
            For a dask ``X``, a lazy dask DataFrame of pandas partitions with the
            fitted estimator's feature names and the input's index.
        """
        check_is_fitted(self)
        if _is_dask(X) and _is_ordered(self.estimator_):
            return _transform_in_order(self.estimator_, X)
        if _is_dask(X):
            return _transform(self.estimator_, X)
        return self.estimator_.transform(X)

    @fit_context(prefer_skip_nested_validation=False)
    def fit_transform(
        self, X: dd.DataFrame | TableLike, y: dd.Series | dd.DataFrame | ArrayLike | None = None
    ) -> Any:
        """Fit, then transform ``X``.

        When ``X`` is not a dask frame, the estimator's own ``fit_transform`` does both,
        so target embeddings are cross-fitted there. On a dask frame this is
        ``fit(X, y).transform(X)``, which refuses an estimator that cross-fits
        (``ValueEmbedder(method="target")``).

        Parameters
        ----------
        X : dask DataFrame, or anything ``estimator`` accepts
            The table to fit on and transform.
        y : dask Series, default=None
            The target, partitioned like ``X`` (for ``method="target"``).

        Returns
        -------
        X_out : dask DataFrame, or what ``estimator.fit_transform`` returns
            For a dask ``X``, a lazy dask DataFrame of pandas partitions with the
            fitted estimator's feature names and the input's index.
        """
        if not _is_dask(X):
            estimator = clone(self.estimator)
            out = estimator.fit_transform(X, y)
            self.estimator_ = estimator
            self.n_features_in_ = estimator.n_features_in_
            if hasattr(estimator, "feature_names_in_"):
                self.feature_names_in_ = estimator.feature_names_in_
            return out
        if _is_ordered(self.estimator):
            y = _check_target(X, y)
            estimator, states = _fit_in_order(
                clone(self.estimator), X, y, self.split_every, keep_states=True
            )
            self.estimator_ = estimator
            self.n_features_in_ = estimator.n_features_in_
            if hasattr(estimator, "feature_names_in_"):
                self.feature_names_in_ = estimator.feature_names_in_
            return _ordered_outputs(estimator, X, y, states)
        if _contract(self.estimator)._fit_transform_is_cross_fitted():
            raise ValueError(
                "fit_transform on a dask DataFrame would give training rows target "
                "embeddings learned from their own target: ValueEmbedder(method='target') "
                "cross-fits only on pandas. Call fit(X_train, y_train), then "
                "transform(X_other)."
            )
        return self.fit(X, y).transform(X)

    def __sklearn_tags__(self):
        # What the input and target may hold is the wrapped estimator's business.
        tags = super().__sklearn_tags__()
        wrapped = self.estimator.__sklearn_tags__()
        tags.input_tags = wrapped.input_tags
        tags.target_tags = wrapped.target_tags
        tags.transformer_tags = wrapped.transformer_tags
        return tags

    def get_feature_names_out(
        self, input_features: ArrayLike | None = None
    ) -> NDArray[np.object_]:
        """The fitted estimator's output names.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names, passed to ``estimator_.get_feature_names_out``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Transformed feature names.
        """
        check_is_fitted(self)
        return self.estimator_.get_feature_names_out(input_features)


def _is_dask(X):
    return isinstance(X, dd.DataFrame)


def _check_target(X, y):
    if y is None:
        return None
    if isinstance(y, dd.DataFrame):
        if len(y.columns) != 1:
            raise ValueError(
                f"y must be one column; got a dask DataFrame with {list(y.columns)}."
            )
        y = y[y.columns[0]]
    if not isinstance(y, dd.Series):
        raise TypeError(
            f"With a dask DataFrame X, y must be a dask Series partitioned like X; got "
            f"{type(y).__name__}."
        )
    if y.npartitions != X.npartitions:
        raise ValueError(
            f"y has {y.npartitions} partitions and X {X.npartitions}: they must be "
            "partitioned alike (e.g. both columns of one dask DataFrame)."
        )
    return y


# --- the contract: what DaskEmbedder fits and transforms ------------------------------


def _is_ordered(estimator):
    """Whether ``estimator`` carries a state along the rows in order, fitted and
    transformed partition after partition (``HistoryEmbedder``), not by reductions."""
    return hasattr(estimator, "_scan_chunk") and hasattr(estimator, "_start_ordered_fit")


def _contract(estimator):
    """``estimator`` as the partitioned contract sees it (see ``_partitioned``)."""
    if isinstance(estimator, PartitionedMixin):
        return estimator
    if isinstance(estimator, ColumnTransformer):
        return ColumnParts(estimator)
    raise TypeError(
        "DaskEmbedder wraps estimators that follow sk_seqembed's partitioned contract: "
        "ValueEmbedder, PositionEmbedder, TemporalEmbedder, EmbeddingSum, your own "
        "PartitionedMixin estimator, or a ColumnTransformer of them (and HistoryEmbedder "
        "alone, partition after partition); got "
        f"{type(estimator).__name__}."
    )


# --- fit ----------------------------------------------------------------------------


def _fit(estimator, X, y, split_every):
    """Fit ``estimator`` by reductions over the partitions of ``X``; the fitted one."""
    contract = _contract(estimator)
    # Columns and dtypes only; a row for the ColumnTransformer fitted around its parts.
    steps = contract._start_partitioned_fit(X._meta_nonempty)
    for needing, positions in contract._groups_within_partitions():
        _check_groups_within_partitions(needing, X, [X.columns[j] for j in positions])
    _run_steps(steps, X, y, split_every)
    return contract.fitted_ if isinstance(contract, ColumnParts) else contract


def _run_steps(steps, X, y, split_every):
    """Answer every request of a fit generator with a pass over the partitions."""
    with _as_partitioned():
        X_parts = X.to_delayed()
        y_parts = y.to_delayed() if y is not None else [None] * len(X_parts)
    n_rows = _tree_reduce([dask.delayed(len)(part) for part in X_parts], sum, split_every)
    request = _send(steps, None)
    while request is not None:
        if isinstance(request, OrderStatistics):
            answer = _order_statistics(y, request.ranks, split_every)
        else:
            per_chunk = [
                dask.delayed(_chunk_statistic)(x, part_y, request.chunk, k)
                for k, (x, part_y) in enumerate(zip(X_parts, y_parts, strict=True))
            ]
            combined = _tree_reduce(per_chunk, request.combine, split_every)
            if n_rows is not None:
                # The first pass also counts the rows: the meta alone cannot tell.
                answer, total = dask.compute(combined, n_rows)
                n_rows = None
                if total == 0:
                    raise ValueError(
                        f"Found array with 0 sample(s) (every one of the {X.npartitions} "
                        "partitions is empty) while a minimum of 1 is required."
                    )
            else:
                (answer,) = dask.compute(combined)
        request = _send(steps, answer)


def _as_partitioned():
    """Keep the partitions as the frame has them.

    dask's optimizer may merge small partitions, differently for different column
    selections (X and y, or a pass reading the group keys only), so passes over one
    table would no longer line up partition by partition.
    """
    return dask.config.set({"optimization.tune.active": False})


def _send(steps, answer):
    try:
        return steps.send(answer)
    except StopIteration:
        return None


def _chunk_statistic(X, y, chunk, k):
    """The statistic ``chunk`` of partition ``k`` (with its rows of ``y``)."""
    if y is not None:
        if len(y) != len(X):
            raise ValueError(
                f"Partition {k} of y has {len(y)} rows and that of X {len(X)}: X and y "
                "must be partitioned alike."
            )
        y = y.to_numpy()
    return chunk(X, y)


def _tree_reduce(items, combine, split_every):
    while len(items) > 1:
        items = [
            dask.delayed(combine)(items[start : start + split_every])
            for start in range(0, len(items), split_every)
        ]
    return items[0]


def _check_groups_within_partitions(estimator, X, names):
    """Refuse a table where a group of ``names`` (or, with no names, the whole table)
    spans partitions, for an estimator that reads each group as one sequence."""
    what = type(estimator).__name__
    if hasattr(estimator, "method"):
        what += f"(method={estimator.method!r})"
    if not names:
        filled = int((X.map_partitions(len).compute() > 0).sum()) if X.npartitions > 1 else 1
        if filled > 1:
            raise ValueError(
                f"{what} without group_columns reads the whole table as one sequence, "
                f"which spans {filled} of this frame's partitions. Set group_columns to "
                "the sequence key (each sequence within one partition), or repartition "
                "to one partition."
            )
        return
    with _as_partitioned():
        parts = X[names].to_delayed()
    tables = dask.compute(*[dask.delayed(_group_keys)(part, names) for part in parts])
    bounds, codes = _groups.across_chunks(tables, names)
    spans = np.bincount(codes) > 1
    if spans.any():
        first = int(np.argmax(spans[codes]))
        where = np.flatnonzero(codes == codes[first])
        chunks = (np.searchsorted(bounds, where, side="right") - 1).tolist()
        keys = pd.concat([keys for keys, _ in tables], ignore_index=True).iloc[first]
        example = {
            name: None if keys[f"missing{j}"] else keys[f"key{j}"]
            for j, name in enumerate(names)
        }
        raise ValueError(
            f"{what} reads each group of {names} as one sequence (context windows, for "
            f"co-occurrence), so every group must lie in one partition; "
            f"{int(spans.sum())} group(s) span several, e.g. {example} in partitions "
            f"{chunks}. Write the data with whole sequences per partition (rows in "
            "order), e.g. one file per block of sequences."
        )


def _group_keys(X, names):
    _, keys = _groups.group_table(X, range(len(names)))
    return keys, None


# --- exact order statistics of a distributed target -----------------------------------


def _order_statistics(y, ranks, split_every):
    """The values of ``y`` at sorted ``ranks``, exactly, without sorting ``y``.

    A radix selection on the float's order-preserving 64-bit key: each pass counts,
    per partition, the next 16 bits of the keys that share a rank's known prefix, so
    four passes over ``y`` pin every rank down to its exact value.
    """
    with _as_partitioned():
        parts = y.to_delayed()
    pending = {int(rank): (0, 0, int(rank)) for rank in ranks}  # prefix, bits, rank left
    found = {}
    while pending:
        requests = sorted({(prefix, bits) for prefix, bits, _ in pending.values()})
        per_chunk = [dask.delayed(_radix.digit_counts)(part, requests) for part in parts]
        (histograms,) = dask.compute(
            _tree_reduce(per_chunk, _radix.add_histograms, split_every)
        )
        for rank, (prefix, bits, left) in list(pending.items()):
            digits, counts = histograms[requests.index((prefix, bits))]
            cumulative = np.cumsum(counts)
            at = int(np.searchsorted(cumulative, left, side="right"))
            left -= int(cumulative[at - 1]) if at else 0
            prefix, bits = (
                (prefix << _radix.DIGIT_BITS) | int(digits[at]),
                bits + _radix.DIGIT_BITS,
            )
            if bits == 64:
                found[rank] = prefix
                del pending[rank]
            else:
                pending[rank] = (prefix, bits, left)
    keys = np.array([found[int(rank)] for rank in ranks], dtype=np.uint64)
    return _radix.from_sortable(keys)


# --- transform ------------------------------------------------------------------------


def _transform(fitted, X):
    """A lazy dask DataFrame of ``fitted.transform`` on every partition."""
    # A pandas-output copy: sklearn names the columns and keeps passthrough dtypes.
    fitted = copy.deepcopy(fitted).set_output(transform="pandas")
    contract = _contract(fitted)
    meta = _transform_chunk(X._meta, None, contract, fitted)
    needs_context = contract._needs_context()
    if needs_context:
        needed = _context_columns(contract, X)
    # Not pure: hashing the fitted tables for a key would cost a pass over them.
    shared = dask.delayed(contract, pure=False)
    if not needs_context:
        return X.map_partitions(_transform_chunk, None, shared, fitted, meta=meta)
    with _as_partitioned():
        parts = X.to_delayed()
        context_parts = _separate_read(X, needed).to_delayed()
    per_chunk = [
        dask.delayed(_context_statistics)(shared, part, needed) for part in context_parts
    ]
    contexts = dask.delayed(_contexts)(shared, per_chunk)
    # One task per partition, holding that partition's context: what map_partitions
    # builds, with each partition's context tied to it, so a computation of some
    # partitions only (tail, .partitions[k], .loc) still gets each one's own context.
    outputs = [
        dask.delayed(_transform_chunk)(
            part, dask.delayed(operator.getitem)(contexts, k), shared, fitted
        )
        for k, part in enumerate(parts)
    ]
    divisions = X.divisions if X.known_divisions else None
    return dd.from_delayed(outputs, meta=meta, divisions=divisions, verify_meta=False)


def _context_columns(contract, X):
    """The columns the context pass reads, in the frame's order."""
    if not isinstance(contract, ColumnParts):
        return list(X.columns)
    contract.resolve_context_parts(X._meta)
    return [
        name
        for name in X.columns
        if any(name in selected for _, _, selected in contract.context_parts_)
    ]


def _separate_read(X, columns):
    """``X[columns]`` as partitions of their own (other task keys than ``X``'s).

    The context pass must finish on every partition before any partition is
    transformed; if both passes shared the partitions' keys, dask would keep every
    partition in memory in between, the whole table at once.
    """
    if columns != list(X.columns):
        return X[columns]
    if len(columns) > 1:
        return X[columns[::-1]]
    return X[columns[0]].to_frame()


def _context_statistics(contract, X, columns):
    return contract._context_statistics(X[columns])


def _contexts(contract, statistics):
    return contract._contexts(list(statistics))


def _transform_chunk(X, context, contract, fitted):
    out = contract._transform_chunk(X, context)
    if not isinstance(out, pd.DataFrame):
        out = pd.DataFrame(out, columns=fitted.get_feature_names_out(), index=X.index)
    out.index = X.index
    return out


# --- estimators whose state follows the rows in order ---------------------------------


def _fit_in_order(estimator, X, y, split_every, keep_states=False):
    """Fit an ordered estimator: its value embedder by reductions over the partitions,
    then its state by one pass over the partitions in order (one partition in memory at
    a time). Returns the fitted estimator and, with ``keep_states``, the state before
    each partition."""
    embedder, columns = estimator._start_ordered_fit(X._meta_nonempty)
    names = [X.columns[j] for j in columns]
    embedder = (
        _fit(embedder, X[names], y, split_every)
        if isinstance(embedder, PartitionedMixin)
        else embedder.fit(X[names].compute(), None if y is None else y.compute())
    )
    targets = None
    if y is not None:
        mean, n_targets = dask.compute(y.mean(), y.size)
        targets = (float(mean), int(n_targets))
    estimator._set_vectors(embedder, targets)
    states, state, fingerprint = _pass_in_order(estimator, X, y, None)
    if fingerprint is None:
        raise ValueError(
            f"Found array with 0 sample(s) (every one of the {X.npartitions} partitions "
            "is empty) while a minimum of 1 is required."
        )
    estimator._set_state(state, fingerprint)
    return estimator, states if keep_states else None


def _pass_in_order(estimator, X, y, state):
    """One pass over the partitions in order, each computed in turn, advancing
    ``state`` (with the targets ``y``, when fitting). Returns the state before each
    partition, the state after the last, and the table's fingerprint (None if every
    partition is empty)."""
    with _as_partitioned():
        X_parts = X.to_delayed()
        y_parts = y.to_delayed() if y is not None else [None] * len(X_parts)
    states, fingerprints = [], []
    for part, part_y in zip(X_parts, y_parts, strict=True):
        frame, target = dask.compute(part, part_y)
        states.append(state)
        if len(frame):
            target = None if target is None else np.asarray(target)
            _, state = estimator._scan_chunk(frame, state, target)
            fingerprints.append(
                _sequence_state.fingerprint(frame, range(estimator.n_features_in_))
            )
    fingerprint = _sequence_state.add_fingerprints(fingerprints) if fingerprints else None
    return states, state, fingerprint


def _transform_in_order(fitted, X):
    """Transform with an ordered estimator: one pass in order finds the state before
    each partition (the fitted state advanced by the partitions before it, without
    targets), then each partition is transformed lazily from its own."""
    states, _, fingerprint = _pass_in_order(fitted, X, None, fitted.history_)
    if fingerprint is not None and fingerprint == fitted.replay_:
        raise ValueError(
            f"This dask DataFrame holds the rows {type(fitted).__name__} was fitted on: "
            "on pandas they would get their in-frame features (a replay), which dask "
            "cannot give partition by partition. Use DaskEmbedder.fit_transform, or "
            "transform the pandas frame."
        )
    return _ordered_outputs(fitted, X, None, states)


def _ordered_outputs(fitted, X, y, states):
    """A lazy dask DataFrame: each partition's features from the state before it."""
    names = list(fitted.get_feature_names_out())
    meta = _no_rows(fitted, names, X._meta.index[:0])
    with _as_partitioned():
        parts = X.to_delayed()
        y_parts = y.to_delayed() if y is not None else [None] * len(parts)
    outputs = [
        dask.delayed(_ordered_chunk, pure=False)(part, state, part_y, fitted, names)
        for part, part_y, state in zip(parts, y_parts, states, strict=True)
    ]
    divisions = X.divisions if X.known_divisions else None
    return dd.from_delayed(outputs, meta=meta, divisions=divisions, verify_meta=False)


def _no_rows(fitted, names, index):
    """An empty output partition: the fitted names, in the fitted dtype."""
    return pd.DataFrame({name: pd.Series(dtype=fitted.dtype) for name in names}, index=index)


def _ordered_chunk(X, state, y, fitted, names):
    if not len(X):
        return _no_rows(fitted, names, X.index)
    target = None if y is None else np.asarray(y)
    out, _ = fitted._scan_chunk(X, state, target, keep_state=False)
    return pd.DataFrame(out, columns=names, index=X.index)
