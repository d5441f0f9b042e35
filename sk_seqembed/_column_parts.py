"""The partitioned contract for a ColumnTransformer whose parts follow it.

scikit-learn's ``ColumnTransformer`` knows nothing of partitions. :class:`ColumnParts`
gives one whose parts are :class:`~sk_seqembed._partitioned.PartitionedMixin`
estimators (or ``"drop"`` / ``"passthrough"``) the contract's hooks, through the
transformer's public API only: the columns each part reads (resolved by fitting the
transformer with stand-ins on zero rows), a fit that runs the parts' steps in lockstep
and then fits the transformer around the fitted parts, and the transform of one chunk
with every part placed in its own context. ``EmbeddingSum`` and
``sk_seqembed.dask.DaskEmbedder`` both use it.
"""

import copy
from functools import partial

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ._partitioned import OrderStatistics, PartitionedMixin, Reduction


class _StandIn(TransformerMixin, BaseEstimator):
    """Stands in for a part while the ColumnTransformer resolves its selection; records
    the columns it receives and outputs zeros of the width of the part it replaces."""

    def __init__(self, width=0, names=None):
        self.width = width
        self.names = names

    def fit(self, X, y=None):
        self.columns_ = list(X.columns)
        return self

    def transform(self, X):
        return np.zeros((X.shape[0], self.width))

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.names if self.names is not None else [], dtype=object)


class ColumnParts(PartitionedMixin):
    """A ColumnTransformer of partitioned parts, seen through the contract.

    Parameters
    ----------
    column_transformer : ColumnTransformer
        Its parts must be PartitionedMixin estimators or strings, its ``remainder``
        ``"drop"`` or ``"passthrough"``. Unfitted to fit it (the fitted transformer is
        ``fitted_``), fitted to transform with it.
    """

    def __init__(self, column_transformer):
        self.column_transformer = column_transformer

    def check(self):
        """Refuse parts the contract cannot fit, naming them."""
        for name, part, _ in self.column_transformer.transformers:
            if not isinstance(part, str | PartitionedMixin):
                raise TypeError(
                    f"DaskEmbedder fits parts that follow sk_seqembed's partitioned contract "
                    f"(ValueEmbedder, PositionEmbedder, TemporalEmbedder, EmbeddingSum, or "
                    f"your own PartitionedMixin estimator) by reductions; part {name!r} is "
                    f"a {type(part).__name__}. Fit it with dask-ml, or apply it after "
                    ".compute()."
                )
        if not isinstance(self.column_transformer.remainder, str):
            raise TypeError(
                "DaskEmbedder needs remainder='drop' or 'passthrough', not an estimator."
            )

    def part_columns(self, X, *, fitted):
        """``[(name, part, column labels)]`` of every estimator part that selects a
        column of ``X`` (only its columns and dtypes are read)."""
        transformers = (
            self.column_transformer.transformers_
            if fitted
            else self.column_transformer.transformers
        )
        # Fitted, sklearn holds "passthrough" parts as FunctionTransformers: not ours.
        parts = {
            name: part for name, part, _ in transformers if isinstance(part, PartitionedMixin)
        }
        resolving = clone(self.column_transformer).set_params(
            **{name: _StandIn() for name in parts}
        )
        resolving.set_output(transform="default").fit(X[:0])
        return [
            (name, parts[name], stand_in.columns_)
            for name, stand_in, _ in resolving.transformers_
            if isinstance(stand_in, _StandIn) and hasattr(stand_in, "columns_")
        ]

    # --- fit ------------------------------------------------------------------------

    def _start_partitioned_fit(self, meta):
        """Start every part's fit on its columns of ``meta`` (a frame with one row or
        more: the transformer is fitted on it around the fitted parts at the end)."""
        self.check()
        self._meta = meta
        self._labels = list(meta.columns)
        self._jobs = [
            (name, part, selected, part._start_partitioned_fit(meta[selected]))
            for name, part, selected in self.part_columns(meta, fitted=False)
        ]
        return self._fit_steps(meta)

    def _fit_transform_is_cross_fitted(self):
        self.check()
        return any(
            part._fit_transform_is_cross_fitted()
            for _, part, _ in self.column_transformer.transformers
            if not isinstance(part, str)
        )

    def _groups_within_partitions(self):
        return [
            (estimator, [self._labels.index(selected[j]) for j in positions])
            for _, part, selected, _ in self._jobs
            for estimator, positions in part._groups_within_partitions()
        ]

    def _fit_steps(self, X):
        yield from lockstep([(steps, selected) for _, _, selected, steps in self._jobs])
        fitted_parts = {name: part for name, part, _, _ in self._jobs}
        parts = {
            name: part
            for name, part, _ in self.column_transformer.transformers
            if not isinstance(part, str)
        }
        stand_ins = {}
        for name, part in parts.items():
            if name in fitted_parts:
                names = part.get_feature_names_out()
                stand_ins[name] = _StandIn(len(names), names)
            else:
                stand_ins[name] = part  # selects no column: sklearn never fits it
        fitted = self.column_transformer.set_params(**stand_ins).fit(self._meta)
        fitted.transformers_ = [
            (name, fitted_parts[name] if isinstance(part, _StandIn) else part, selection)
            for name, part, selection in fitted.transformers_
        ]
        # As sklearn leaves them: unfitted parts as parameters, fitted ones in transformers_.
        fitted.set_params(**{name: clone(part) for name, part in parts.items()})
        self.fitted_ = fitted
        del self._jobs, self._meta

    # --- transform ------------------------------------------------------------------

    def _placed_parts(self, X):
        """``[(name, part, column labels)]`` of the fitted parts needing a context."""
        return [
            (name, part, selected)
            for name, part, selected in self.part_columns(X, fitted=True)
            if part._needs_context()
        ]

    def _needs_context(self):
        # A part that selected no column was never fitted; it is not asked.
        return any(
            part._needs_context()
            for _, part, _ in self.column_transformer.transformers_
            if isinstance(part, PartitionedMixin) and _is_fitted(part)
        )

    def resolve_context_parts(self, X):
        """Resolve, once, the parts needing a context and their columns, from the
        columns of ``X`` (the whole table's); the context pass may then read only
        those columns."""
        self.context_parts_ = self._placed_parts(X)

    def _context_statistics(self, X):
        parts = getattr(self, "context_parts_", None)
        if parts is None:
            parts = self._placed_parts(X)
        return {name: part._context_statistics(X[selected]) for name, part, selected in parts}

    def _contexts(self, statistics):
        parts = {
            name: part
            for name, part, _ in self.column_transformer.transformers_
            if isinstance(part, PartitionedMixin)
        }
        per_chunk = [{} for _ in statistics]
        for name in statistics[0] if statistics else []:
            contexts = parts[name]._contexts([chunk[name] for chunk in statistics])
            for placed, context in zip(per_chunk, contexts, strict=True):
                placed[name] = context
        return per_chunk

    def placed(self, context):
        """A shallow copy of the fitted transformer whose parts carry ``context``."""
        context = context or {}
        placed = copy.copy(self.column_transformer)
        placed.transformers_ = [
            (name, part._with_context(context[name]) if name in context else part, selection)
            for name, part, selection in self.column_transformer.transformers_
        ]
        return placed

    def _transform_chunk(self, X, context):
        return self.placed(context).transform(X)


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def lockstep(jobs):
    """Run several fits' steps together (a generator of steps itself).

    ``jobs`` are ``(steps, column labels)`` pairs. Each round, the parts' reductions
    run as one reduction (every part on its columns of each chunk, then each part's own
    combine); order statistics requests pass through one at a time.
    """
    running = [(steps, columns, _send(steps, None)) for steps, columns in jobs]
    while any(request is not None for *_, request in running):
        answers = [None] * len(running)
        reductions = [
            (i, columns, request)
            for i, (_, columns, request) in enumerate(running)
            if isinstance(request, Reduction)
        ]
        if reductions:
            combined = yield Reduction(
                partial(_chunks_of_parts, reductions), partial(_combine_parts, reductions)
            )
            for (i, _, _), answer in zip(reductions, combined, strict=True):
                answers[i] = answer
        for i, (_, _, request) in enumerate(running):
            if isinstance(request, OrderStatistics):
                answers[i] = yield request
        running = [
            (steps, columns, _send(steps, answer) if request is not None else None)
            for (steps, columns, request), answer in zip(running, answers, strict=True)
        ]


def _chunks_of_parts(reductions, X, y):
    return [request.chunk(X[columns], y) for _, columns, request in reductions]


def _combine_parts(reductions, statistics):
    return [
        request.combine([chunk[r] for chunk in statistics])
        for r, (_, _, request) in enumerate(reductions)
    ]


def _send(steps, answer):
    try:
        return steps.send(answer)
    except StopIteration:
        return None
