"""observe: advance the sequence history of every embedder inside a fitted model."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from ._column_parts import ColumnParts
from ._embedding_sum import EmbeddingSum
from ._sequence_state import SequenceStateMixin

if TYPE_CHECKING:
    from ._typing import TableLike

_Model = TypeVar("_Model")


def observe(model: _Model, X: TableLike) -> _Model:
    """Advance the sequence history of every embedder in ``model`` with observed rows.

    The serving loop of an event model: predict the next events of known sequences,
    observe them, call ``observe(model, observed)``, predict the following ones. Each
    ``PositionEmbedder`` and ``TemporalEmbedder`` inside ``model`` (directly, in a
    ``Pipeline``'s first step, a ``ColumnTransformer`` or an ``EmbeddingSum``) gets the
    rows of its columns through ``partial_fit``, so its history is as if it had been
    fitted on every row so far. Nothing else is refitted: the regressor, vocabularies
    and tables stay.

    Parameters
    ----------
    model : estimator
        A fitted embedder, ``ColumnTransformer``, ``EmbeddingSum`` or ``Pipeline``
        whose first step is one of these.
    X : DataFrame
        The observed rows, in order, after those the model has seen; the columns the
        model was fitted on.

    Returns
    -------
    model : estimator
        The same model, its histories advanced.

    See Also
    --------
    PositionEmbedder : Positions within groups continue from the fitted history.
    TemporalEmbedder : Recency within groups continues from the fitted history.

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_seqembed import PositionEmbedder, observe
    >>> embedder = PositionEmbedder(method="scalar").fit(pd.DataFrame({"g": ["a", "a"]}))
    >>> _ = observe(embedder, pd.DataFrame({"g": ["a"]}))
    >>> embedder.transform(pd.DataFrame({"g": ["a"]})).ravel().tolist()
    [3.0]
    """
    if isinstance(model, Pipeline):
        # Later steps see transformed rows, not the event table: only the first step.
        observe(model.steps[0][1], X)
    elif isinstance(model, SequenceStateMixin):
        model.partial_fit(X)
    elif isinstance(model, EmbeddingSum):
        observe(model.column_transformer_, X)
    elif isinstance(model, ColumnTransformer):
        for _, part, columns in ColumnParts(model).part_columns(X, fitted=True):
            observe(part, X[columns])
    return model
