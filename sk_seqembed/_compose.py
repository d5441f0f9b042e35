"""make_sequence_embedder: the three embedders side by side in a ColumnTransformer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _columns
from ._column_transformer import ColumnTransformer
from ._position import PositionEmbedder
from ._temporal import TemporalEmbedder
from ._value import ValueEmbedder

if TYPE_CHECKING:
    from typing import Literal

    from sklearn import compose

    from ._typing import ColumnSelection, TransformerLike


def make_sequence_embedder(
    value: ColumnSelection | None = None,
    position: ColumnSelection | None = None,
    temporal: ColumnSelection | None = None,
    *,
    value_embedder: TransformerLike | None = None,
    position_embedder: TransformerLike | None = None,
    temporal_embedder: TransformerLike | None = None,
    remainder: Literal["drop", "passthrough"] | TransformerLike = "drop",
    n_jobs: int | None = None,
    verbose_feature_names_out: bool = True,
) -> compose.ColumnTransformer:
    """Value, position and temporal embedders of an event table, side by side.

    Returns a :class:`~sklearn.compose.ColumnTransformer` whose steps are named
    ``value``, ``position`` and ``temporal`` (those whose columns are given), so a
    grid search reaches each embedder's parameters by name, for example
    ``columntransformer__value__embedding_dim`` inside ``make_pipeline``. It is
    scikit-learn's class with one change: ``transform`` of a pandas frame lets each of
    our embedders read its columns in place instead of going through joblib and a new
    sub-frame per step, which is most of the time of serving one event. The output is
    scikit-learn's, and any other case (``n_jobs``, ``"passthrough"``, pandas or
    polars output, sparse steps, metadata routing) runs scikit-learn's own transform.

    Parameters
    ----------
    value : str, list, slice, callable or None, default=None
        Token-ID columns, for the value embedder. Like every selection below: a
        column name (or position), a list of them, a slice, a boolean mask, or a
        callable such as :func:`~sklearn.compose.make_column_selector`. None leaves
        the step out.
    position : str, list, slice, callable or None, default=None
        Columns the position embedder reads: group keys (positions within each
        group), or positions themselves with ``PositionEmbedder(positions=
        "from_column")``.
    temporal : str, list, slice, callable or None, default=None
        Datetime columns, for the temporal embedder.
    value_embedder, position_embedder, temporal_embedder : estimator, default=None
        The transformer of each step; None uses ``ValueEmbedder()``,
        ``PositionEmbedder()`` and ``TemporalEmbedder()``. Any transformer works.
        The defaults are causal: a row's features depend on that row and the earlier
        rows of its group only, the rows fit saw first (the as-of rule).
    remainder : {"drop", "passthrough"} or estimator, default="drop"
        What becomes of the other columns, as in ColumnTransformer.
    n_jobs : int, default=None
        Steps run in parallel (joblib), as in ColumnTransformer.
    verbose_feature_names_out : bool, default=True
        Prefix output names with the step name (``value__item_emb0``).

    Returns
    -------
    column_transformer : ColumnTransformer
        Unfitted, with ``set_output`` available for pandas or polars output.

    See Also
    --------
    EmbeddingSum : The same parts added instead of concatenated.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    >>> from sklearn.pipeline import make_pipeline
    >>> from sk_seqembed import make_sequence_embedder
    >>> from sk_seqembed.datasets import make_event_log
    >>> X, y, _ = make_event_log(n_sequences=30, random_state=0)
    >>> embedder = make_sequence_embedder(
    ...     value="item", position="sequence_id", temporal="timestamp"
    ... )
    >>> [name for name, _, _ in embedder.transformers]
    ['value', 'position', 'temporal']
    >>> search = GridSearchCV(
    ...     make_pipeline(embedder, Ridge()),
    ...     {"columntransformer__value__embedding_dim": [2, 4]},
    ...     cv=TimeSeriesSplit(3),
    ... ).fit(X, y)
    >>> search.best_params_["columntransformer__value__embedding_dim"] in (2, 4)
    True
    """
    steps = [
        ("value", value, value_embedder, ValueEmbedder),
        ("position", position, position_embedder, PositionEmbedder),
        ("temporal", temporal, temporal_embedder, TemporalEmbedder),
    ]
    transformers = []
    for name, columns, embedder, default in steps:
        if columns is None:
            if embedder is not None:
                raise ValueError(
                    f"{name}_embedder is given but {name}=None selects no columns for it; "
                    f"pass the columns as {name}=..."
                )
            continue
        columns = _columns.as_table_selection(columns)
        transformers.append((name, default() if embedder is None else embedder, columns))
    if not transformers:
        raise ValueError(
            "make_sequence_embedder needs the columns of at least one step: value=, "
            "position= or temporal=."
        )
    return ColumnTransformer(
        transformers,
        remainder=remainder,
        n_jobs=n_jobs,
        verbose_feature_names_out=verbose_feature_names_out,
    )
