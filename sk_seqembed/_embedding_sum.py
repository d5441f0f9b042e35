"""EmbeddingSum: add equal-width embeddings of several column groups (Informer's idea)."""

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.utils._param_validation import Interval
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from . import _columns
from ._column_parts import ColumnParts
from ._doc_links import DocLinkMixin
from ._params import RefuseBoolCounts, fit_context
from ._partitioned import PartitionedMixin

if TYPE_CHECKING:
    from typing import Any, Literal

    from numpy.typing import ArrayLike, NDArray

    from ._typing import ColumnSelection, Output, TableLike, TransformerLike


class EmbeddingSum(
    DocLinkMixin, RefuseBoolCounts, PartitionedMixin, TransformerMixin, _BaseComposition
):
    """Sum the outputs of several transformers, each applied to its own columns.

    Informer's ``DataEmbedding`` adds a value, a positional and a temporal embedding
    of the same width instead of concatenating them: the model sees one vector per
    row whatever the number of parts. ``EmbeddingSum`` does this with any sklearn
    transformers. It is a ``ColumnTransformer`` whose outputs are added (optionally
    weighted) instead of placed side by side.

    Parameters
    ----------
    transformers : list of (name, transformer, columns) tuples
        As in :class:`~sklearn.compose.ColumnTransformer`: ``columns`` may be names,
        positions, a slice, a boolean mask or a callable such as
        :func:`~sklearn.compose.make_column_selector`. ``transformer`` may be
        ``"drop"``; a single column name is read as a one-column list. Every part
        that is not dropped must output the same number of columns.
    embedding_dim : int, default=None
        If given, set as the ``embedding_dim`` of every part that has one, and of
        every estimator inside a part (a Pipeline's steps), on clones: the parts given
        are not changed. One grid-search parameter then sets the common width. None
        keeps each part's own.
    weights : dict of {name: float}, default=None
        Multiplier of each part's output before the sum; parts not named weigh 1.
        Finite numbers, for parts that output columns.
    n_jobs : int, default=None
        Parts fitted and transformed in parallel (joblib), as in ColumnTransformer.

    Attributes
    ----------
    column_transformer_ : ColumnTransformer
        The fitted parts, side by side.
    embedding_dim_ : int
        The common width of the parts, which is the output width.
    weights_ : dict
        The weights used, copied at fit.
    n_features_in_ : int
        Number of columns seen in fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen in fit, when they are all strings.

    See Also
    --------
    make_sequence_embedder : The parts side by side, in a plain ColumnTransformer.

    Notes
    -----
    The output features are named ``sum0``, ``sum1``, ...: each mixes every part, so
    no input name describes it. The output is dense; a sparse part is densified.
    ``fit_transform`` calls the parts' own ``fit_transform``, so a part that
    cross-fits (``ValueEmbedder(method="target")``) does so here too.

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_seqembed import EmbeddingSum, PositionEmbedder, ValueEmbedder
    >>> X = pd.DataFrame({"session": [1, 1, 2, 1], "item": [7, 8, 7, 9]})
    >>> model = EmbeddingSum(
    ...     [
    ...         ("value", ValueEmbedder(random_state=0), ["item"]),
    ...         ("position", PositionEmbedder(), ["session"]),
    ...     ],
    ...     embedding_dim=4,
    ... )
    >>> model.fit_transform(X).shape
    (4, 4)
    >>> model.get_feature_names_out().tolist()
    ['sum0', 'sum1', 'sum2', 'sum3']
    """

    _parameter_constraints = {
        "transformers": [list],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "weights": [dict, None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        transformers: list[tuple[str, TransformerLike | Literal["drop"], ColumnSelection]],
        *,
        embedding_dim: int | None = None,
        weights: dict[str, float] | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.transformers = transformers
        self.embedding_dim = embedding_dim
        self.weights = weights
        self.n_jobs = n_jobs

    # Nested parameters (``value__embedding_dim``) as ColumnTransformer has them.
    @property
    def _transformers(self):
        try:
            return [(name, transformer) for name, transformer, _ in self.transformers]
        except (TypeError, ValueError):
            return self.transformers

    @_transformers.setter
    def _transformers(self, value):
        self.transformers = [
            (name, transformer, columns)
            for (name, transformer), (_, _, columns) in zip(
                value, self.transformers, strict=True
            )
        ]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Get parameters of this estimator and, with ``deep``, of every part.

        Parameters
        ----------
        deep : bool, default=True
            If True, also return every part under its name and the part's parameters
            as ``name__param``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return self._get_params("_transformers", deep=deep)

    def set_params(self, **params: Any) -> EmbeddingSum:
        """Set parameters of this estimator or of its parts (``name__param``).

        Valid parameter keys can be listed with :meth:`get_params`. A part is replaced
        by setting its name, and a part's parameter is set as ``name__param``.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : EmbeddingSum
            This estimator.
        """
        self._set_params("_transformers", **params)
        return self

    # --- fit ------------------------------------------------------------------------

    def _column_transformer(self):
        names = [part[0] for part in self.transformers]
        self._validate_names(names)
        parts = []
        for name, transformer, columns in self.transformers:
            if isinstance(transformer, str) or transformer is None:
                if transformer != "drop":
                    raise ValueError(
                        f"Part {name!r} is {transformer!r}: EmbeddingSum adds embeddings, "
                        "so each part must be a transformer (or 'drop')."
                    )
            else:
                transformer = clone(transformer)
                if self.embedding_dim is not None:
                    # Nested too: a part may be a Pipeline around an embedder.
                    transformer.set_params(
                        **{
                            key: self.embedding_dim
                            for key in transformer.get_params(deep=True)
                            if key == "embedding_dim" or key.endswith("__embedding_dim")
                        }
                    )
            columns = _columns.as_table_selection(columns)
            parts.append((name, transformer, columns))
        self.weights_ = self._check_weights(names)
        column_transformer = ColumnTransformer(
            parts, remainder="drop", sparse_threshold=0.0, n_jobs=self.n_jobs
        )
        # The parts' outputs are added as arrays, whatever output the user asked for.
        return column_transformer.set_output(transform="default")

    def _check_weights(self, names):
        """A copy of ``weights``: later changes to the dict leave the fit alone."""
        weights = dict(self.weights or {})
        unknown = sorted(set(weights) - set(names))
        if unknown:
            raise ValueError(f"weights names parts {unknown} that are not among {names}.")
        for name, weight in weights.items():
            if not isinstance(weight, Real) or isinstance(weight, bool):
                raise TypeError(
                    f"The weight of part {name!r} must be a number, got {weight!r}."
                )
            if not np.isfinite(weight):
                raise ValueError(f"The weight of part {name!r} must be finite, got {weight}.")
        return weights

    def _check_widths(self):
        # sklearn leaves output_indices_ unset when no part selects any column.
        indices = getattr(self.column_transformer_, "output_indices_", {})
        widths = {
            name: part.stop - part.start
            for name, part in indices.items()
            if name != "remainder" and part.stop > part.start
        }
        if not widths:
            raise ValueError(
                "EmbeddingSum needs at least one part that outputs columns; every part "
                "is 'drop' or selects no column."
            )
        idle = sorted(set(self.weights_) - set(widths))
        if idle:
            raise ValueError(f"weights are given for parts {idle}, which output no columns.")
        if len(set(widths.values())) > 1:
            found = ", ".join(f"{name!r}: {width}" for name, width in widths.items())
            if self.embedding_dim is None:
                hint = (
                    "Give each part the same embedding_dim, or set "
                    "EmbeddingSum(embedding_dim=...)."
                )
            else:
                hint = (
                    f"embedding_dim={self.embedding_dim} was set on every part (and every "
                    "estimator inside one) that has the parameter, but a part's width "
                    "need not equal its embedding_dim (for example "
                    "TemporalEmbedder(combine='concat') outputs embedding_dim columns per "
                    "field, PositionEmbedder(method='scalar') 1 column): choose parts "
                    "whose width follows embedding_dim."
                )
            raise ValueError(
                f"EmbeddingSum adds its parts, so they must have the same width; got "
                f"{found} columns. {hint}"
            )
        self.embedding_dim_ = next(iter(widths.values()))

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X: TableLike, y: ArrayLike | None = None) -> EmbeddingSum:
        """Fit every part on its columns.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The input table; each part reads the columns that its ``columns`` select.
        y : array-like of shape (n_samples,), default=None
            Passed to every part (for supervised parts such as a target embedding).

        Returns
        -------
        self : EmbeddingSum
            The fitted estimator.
        """
        X = _columns.check_input(self, X, reset=True)
        self.column_transformer_ = self._column_transformer().fit(X, y)
        self._check_widths()
        return self

    @fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X: TableLike, y: ArrayLike | None = None) -> Output:
        """Fit every part with its own ``fit_transform`` and return the sum.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The input table; each part reads the columns that its ``columns`` select.
        y : array-like of shape (n_samples,), default=None
            Passed to every part's ``fit_transform`` (for supervised parts such as a
            target embedding).

        Returns
        -------
        X_out : ndarray of shape (n_samples, `embedding_dim_`)
            The sum of the parts' outputs, each multiplied by its weight.
        """
        X = _columns.check_input(self, X, reset=True)
        self.column_transformer_ = self._column_transformer()
        side_by_side = self.column_transformer_.fit_transform(X, y)
        self._check_widths()
        return self._sum(side_by_side)

    # --- transform ------------------------------------------------------------------

    def transform(self, X: TableLike) -> Output:
        """The weighted sum of the parts' outputs.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The input table, with the columns seen in fit.

        Returns
        -------
        X_out : ndarray of shape (n_samples, `embedding_dim_`)
            The sum of the parts' outputs, each multiplied by its weight.
        """
        check_is_fitted(self)
        return self._transform_placed(X)

    def _transform(self, X, context):
        parts = self.column_transformer_
        if context is not None:
            parts = ColumnParts(parts).placed(context)
        return self._sum(parts.transform(X))

    # --- the partitioned contract (``_partitioned``), through the parts' ------------

    def _start_partitioned_fit(self, meta):
        steps = super()._start_partitioned_fit(meta)
        # The parts start now: their partition requirements are asked before any step.
        self._fitting = ColumnParts(self._column_transformer())
        self._fitting_steps = self._fitting._start_partitioned_fit(meta)
        return steps

    def _fit_steps(self, X):
        fitting = self._fitting
        yield from self._fitting_steps
        del self._fitting, self._fitting_steps
        self.column_transformer_ = fitting.fitted_
        self._check_widths()

    def _groups_within_partitions(self):
        return self._fitting._groups_within_partitions()

    def _fit_transform_is_cross_fitted(self):
        return any(
            isinstance(part, PartitionedMixin) and part._fit_transform_is_cross_fitted()
            for _, part, _ in self.transformers
        )

    def _needs_context(self):
        return ColumnParts(self.column_transformer_)._needs_context()

    def _context_statistics(self, X):
        return ColumnParts(self.column_transformer_)._context_statistics(X)

    def _contexts(self, statistics):
        return ColumnParts(self.column_transformer_)._contexts(statistics)

    def _sum(self, side_by_side):
        side_by_side = np.asarray(side_by_side)
        weights = self.weights_
        total = None
        for name, part in self.column_transformer_.output_indices_.items():
            if name == "remainder" or part.stop == part.start:
                continue
            block = side_by_side[:, part]
            if name in weights:
                block = block * weights[name]
            total = block.copy() if total is None else total + block
        return total

    def get_feature_names_out(
        self, input_features: ArrayLike | None = None
    ) -> NDArray[np.object_]:
        """``sum0`` ... ``sum{embedding_dim_ - 1}``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked against the columns seen in fit.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Transformed feature names.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        return np.asarray([f"sum{j}" for j in range(self.embedding_dim_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        parts = [part[1] for part in self.transformers if hasattr(part[1], "get_params")]
        part_tags = [part.__sklearn_tags__() for part in parts]
        tags.input_tags.allow_nan = all(t.input_tags.allow_nan for t in part_tags)
        tags.input_tags.categorical = any(t.input_tags.categorical for t in part_tags)
        tags.input_tags.string = any(t.input_tags.string for t in part_tags)
        tags.target_tags.required = any(t.target_tags.required for t in part_tags)
        return tags
