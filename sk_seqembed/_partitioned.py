"""The partitioned fit and transform contract: fit as reductions over chunks of rows,
transform of one chunk placed in a larger table.

An estimator that follows it (it inherits :class:`PartitionedMixin` and implements the
hooks below) fits the same way on a pandas frame held in memory and on a dask frame
split in partitions (``sk_seqembed.dask.DaskEmbedder``), and both fits share every line
that turns statistics into fitted attributes, so they agree exactly.

Fit
    ``_fit_steps(X)`` is a generator. Each step it yields is either

    - a :class:`Reduction`: a statistic computed on every chunk ``(X, y)`` and combined
      into one (an associative ``combine``), sent back into the generator; or
    - an :class:`OrderStatistics` request: the values of ``y`` at some ranks of its
      sorted order, sent back as an array.

    When the generator returns, the estimator is fitted. ``X`` tells the columns only
    (in memory it is the whole frame, on dask the frame's empty ``meta``); rows reach
    the fit through the reductions' ``chunk`` functions alone. :meth:`_fit_in_memory`
    runs the steps on one chunk, the whole input.

Transform
    ``_transform(X, context)`` transforms the rows of ``X``. ``context`` is None when
    ``X`` is the whole table (every in-memory ``transform``); otherwise it is what the
    chunk needs from the rest of the table, made in two steps:
    ``_context_statistics(X)`` on every chunk (of the whole table, in order) and
    ``_contexts(statistics)``, one context per chunk. ``_needs_context()`` says whether
    an estimator needs any. :meth:`_with_context` gives a copy of a fitted estimator
    whose ``transform`` passes its chunk's context on; the context is never written
    anywhere else.

Requirements on partitions
    ``_groups_within_partitions()`` lists ``(estimator, column positions)`` pairs: the
    input columns whose groups must each lie in one partition (no positions: the whole
    table in one partition), and the estimator that needs it (for the error message);
    it is asked after ``_start_partitioned_fit`` and before any step runs.
    ``_fit_transform_is_cross_fitted()`` says that ``fit_transform`` is not
    ``fit().transform()`` (cross-fitted target statistics), which a partitioned
    ``fit_transform`` cannot honour.

Composition
    A ``ColumnTransformer`` of such estimators follows the contract through
    ``sk_seqembed._column_parts.ColumnParts``; ``EmbeddingSum`` follows it that way.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _columns

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Sequence
    from typing import Any

    from numpy.typing import ArrayLike

_T = TypeVar("_T")


@dataclass(frozen=True)
class Reduction:
    """``chunk(X, y)`` on every chunk, then ``combine(list_of_statistics)``.

    A step of a fit generator (an estimator's ``_fit_steps``): the estimator yields it
    and is sent back the combined statistic of the whole input. In memory the input is
    one chunk, so ``combine`` is not called; on a dask frame every partition is a chunk
    and ``combine`` joins their statistics in a tree, a few at a time, so it must be
    associative and return a statistic of the same kind as ``chunk`` does.

    Parameters
    ----------
    chunk : callable
        ``chunk(X, y)`` returns the statistic of one chunk of rows: ``X`` holds the
        chunk's rows and ``y`` its rows of the target (None without a target).
    combine : callable
        ``combine(statistics)`` turns a list of statistics, in chunk order, into one;
        :func:`add` and :func:`concatenate` are the common cases.

    See Also
    --------
    OrderStatistics : The other fit step, for exact quantiles of the target.
    PartitionedMixin : The contract whose fit generators yield these steps.
    fit_in_memory : Drive a fit generator on the whole input as a single chunk.

    Examples
    --------
    A column sum: the sum of the chunks' sums is the sum of the whole input.

    >>> import numpy as np
    >>> from sk_seqembed.base import Reduction, add
    >>> X = np.array([[1, 2], [3, 4], [5, 6]])
    >>> step = Reduction(chunk=lambda X, y: X.sum(axis=0), combine=add)
    >>> step.chunk(X, None)
    array([ 9, 12])
    >>> step.combine([step.chunk(X[:1], None), step.chunk(X[1:], None)])
    array([ 9, 12])
    """

    chunk: Callable[[Any, Any], Any]
    combine: Callable[[list[Any]], Any]


@dataclass(frozen=True)
class OrderStatistics:
    """The values of ``y`` at 0-based ``ranks`` of its sorted order.

    A step of a fit generator (an estimator's ``_fit_steps``), for exact quantiles of
    the target: the estimator yields it and is sent back an ndarray of the values of
    ``y`` at ``ranks``, in the order of ``ranks``. Neither answer sorts ``y``: in memory
    :func:`numpy.partition` finds them, on a dask frame a radix selection over the
    partitions.

    Parameters
    ----------
    ranks : ndarray of int
        Positions in the sorted order of ``y``, from 0 (the smallest value) to
        ``n_samples - 1`` (the largest).

    See Also
    --------
    Reduction : The other fit step, a statistic reduced over chunks of rows.
    fit_in_memory : Drive a fit generator on the whole input as a single chunk.

    Examples
    --------
    The median of five values is the value at rank 2:

    >>> import numpy as np
    >>> from sk_seqembed.base import OrderStatistics, fit_in_memory
    >>> def fit_steps():
    ...     median = yield OrderStatistics(np.array([2]))
    ...     print(median)
    >>> fit_in_memory(fit_steps(), None, np.array([5.0, 1.0, 4.0, 2.0, 3.0]))
    [3.]
    """

    ranks: np.ndarray


def fit_in_memory(
    steps: Generator[Reduction | OrderStatistics, Any, object],
    X: Any,
    y: ArrayLike | None = None,
) -> None:
    """Drive a fit generator on the whole input as a single chunk.

    Each :class:`Reduction` the generator yields is answered with ``chunk(X, y)`` (the
    statistic of the one chunk is already the combined one) and each
    :class:`OrderStatistics` with the values of ``y`` at its ranks, until the generator
    returns. This is how an estimator of the partitioned contract fits in memory;
    ``sk_seqembed.dask.DaskEmbedder`` answers the same steps by passes over the
    partitions of a dask frame.

    Parameters
    ----------
    steps : generator
        The fit generator, not started yet, such as an estimator's ``_fit_steps(X)``.
    X : DataFrame or array-like of shape (n_samples, n_features)
        The whole input, the one chunk every ``Reduction`` reads.
    y : array-like of shape (n_samples,), default=None
        The target, passed to every ``Reduction`` with ``X`` and read by
        ``OrderStatistics`` steps.

    See Also
    --------
    PartitionedMixin : Mixin whose ``_fit_in_memory`` calls this function.
    Reduction : A fit step reduced over chunks of rows.
    OrderStatistics : A fit step asking for values of the sorted target.

    Examples
    --------
    A column mean in two steps, the row count and the column sums:

    >>> import numpy as np
    >>> from sk_seqembed.base import Reduction, add, fit_in_memory
    >>> def fit_steps():
    ...     n_rows = yield Reduction(lambda X, y: len(X), add)
    ...     total = yield Reduction(lambda X, y: X.sum(axis=0), add)
    ...     print(total / n_rows)
    >>> fit_in_memory(fit_steps(), np.array([[1.0, 2.0], [3.0, 4.0]]))
    [2. 3.]
    """
    answer = None
    while True:
        try:
            request = steps.send(answer)
        except StopIteration:
            return
        if isinstance(request, OrderStatistics):
            answer = np.partition(y, request.ranks)[request.ranks]
        else:
            # One chunk: its statistic is already the combined one.
            answer = request.chunk(X, y)


def concatenate(statistics: Iterable[Iterable[_T]]) -> list[_T]:
    """Combine lists of per-chunk statistics, keeping chunk order.

    The ``combine`` of a :class:`Reduction` whose ``chunk`` returns a list (of rows,
    groups or anything else): the items of every chunk's list, one chunk after the
    other.

    Parameters
    ----------
    statistics : list of list
        One list per chunk, in chunk order.

    Returns
    -------
    combined : list
        The items of the lists, in order.

    See Also
    --------
    add : Combine statistics that add up.
    Reduction : A fit step whose ``combine`` this can be.

    Examples
    --------
    >>> from sk_seqembed.base import concatenate
    >>> concatenate([[1, 2], [3], []])
    [1, 2, 3]
    """
    return [item for chunk in statistics for item in chunk]


def add(statistics: Sequence[Any]) -> Any:
    """Combine statistics that add up: arrays, numbers, sparse matrices, or lists of them.

    Lists (and tuples) are added item by item, so one statistic may hold several parts
    that add up, such as column sums and a row count.

    Parameters
    ----------
    statistics : list
        One statistic per chunk: arrays, numbers or sparse matrices, or lists or tuples
        of them, all of the same structure.

    Returns
    -------
    total : ndarray, number, sparse matrix or list
        The sum of the statistics; for lists or tuples, a list of the item-by-item
        sums.

    See Also
    --------
    concatenate : Combine lists of per-chunk statistics, keeping chunk order.
    Reduction : A fit step whose ``combine`` this can be.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_seqembed.base import add
    >>> add([np.array([1, 2]), np.array([3, 4])])
    array([4, 6])
    >>> add([[np.array([1, 2]), 2], [np.array([3, 4]), 1]])
    [array([4, 6]), 3]
    """
    first = statistics[0]
    if isinstance(first, list | tuple):
        return [add(list(items)) for items in zip(*statistics, strict=True)]
    total = first
    for other in statistics[1:]:
        total = total + other
    return total


class PartitionedMixin:
    """Mixin for estimators that fit on chunks of rows and transform one chunk in place.

    Subclasses implement ``_fit_steps(X)`` and ``_transform(X, context)``, and, when a
    chunk's output depends on other chunks, ``_needs_context``,
    ``_context_statistics`` and ``_contexts`` (see the module docstring). Then
    ``fit`` is ``self._fit_in_memory(X, y)`` after checking ``X``, ``transform`` is
    ``self._transform_placed(X)``, and ``sk_seqembed.dask.DaskEmbedder`` fits and
    transforms the estimator on dask frames, a user's own estimator included.

    See Also
    --------
    Reduction : A fit step, a statistic reduced over chunks of rows.
    OrderStatistics : A fit step asking for values of the sorted target.
    fit_in_memory : Drive a fit generator on the whole input as a single chunk.
    sk_seqembed.dask.DaskEmbedder : Fit and transform such an estimator on dask frames.

    Examples
    --------
    A per-column mean, centred out in ``transform``:

    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator, TransformerMixin
    >>> from sk_seqembed.base import PartitionedMixin, Reduction, add
    >>> class Centerer(PartitionedMixin, TransformerMixin, BaseEstimator):
    ...     def fit(self, X, y=None):
    ...         return self._fit_in_memory(self._check_fit_input(X), y)
    ...     def _fit_steps(self, X):
    ...         def chunk(X, y):
    ...             return [np.asarray(X, dtype=float).sum(axis=0), len(X)]
    ...         total, n_rows = yield Reduction(chunk, add)
    ...         self.mean_ = total / n_rows
    ...     def transform(self, X):
    ...         return self._transform_placed(X)
    ...     def _transform(self, X, context):
    ...         return np.asarray(X, dtype=float) - self.mean_
    >>> Centerer().fit_transform(np.array([[1.0], [3.0]])).ravel().tolist()
    [-1.0, 1.0]
    """

    # The context a copy made by _with_context carries; None: the table is the input.
    __context = None
    # Whether _transform reads X only through _columns (so a ColumnView will do).
    _reads_views = False

    def _check_fit_input(self, X):
        """``X`` validated for fit (sets ``n_features_in_`` and ``feature_names_in_``)."""
        return _columns.check_input(self, X, reset=True)

    def _fit_in_memory(self, X, y=None):
        """Run ``_fit_steps`` on the whole (checked) ``X`` as one chunk; return self."""
        fit_in_memory(self._fit_steps(X), X, y)
        return self

    def _start_partitioned_fit(self, meta):
        """The fit steps for a table whose columns are those of ``meta`` (no rows
        needed), after validating the parameters and the columns."""
        if hasattr(self, "_parameter_constraints"):
            self._validate_params()
        validate_data(self, meta, reset=True, skip_check_array=True)
        return self._fit_steps(meta)

    def _transform_chunk(self, X, context):
        """``transform`` of one chunk of a larger table, placed by its ``context``."""
        return self._with_context(context).transform(X)

    def _transform_placed(self, X):
        """``_transform`` of the checked ``X``, with this copy's context, if any."""
        _check_fitted(self)
        X = _columns.check_input(self, X, reset=False, view=self._reads_views)
        return self._transform(X, self.__context)

    def _transform_columns(self, X, positions, labels=None):
        """``transform(X.iloc[:, positions])`` of a pandas ``X`` (whose column labels
        are ``labels``, if given), its columns read in place (see
        :class:`~sk_seqembed._columns.ColumnView`)."""
        _check_fitted(self)
        view = _columns.ColumnView(X, positions, labels)
        view = _columns.check_input(self, view, reset=False)
        return self._transform(view, self.__context)

    def _with_context(self, context):
        """A shallow copy whose ``transform`` places its input with ``context``."""
        placed = copy.copy(self)
        placed.__context = context
        return placed

    def _needs_context(self):
        """Whether a chunk's output depends on the other chunks of its table."""
        return False

    def _context_statistics(self, X):
        """What one chunk tells the others (any picklable object)."""
        raise NotImplementedError(f"{type(self).__name__} needs no chunk context.")

    def _contexts(self, statistics):
        """One context per chunk, from every chunk's ``_context_statistics`` in order."""
        raise NotImplementedError(f"{type(self).__name__} needs no chunk context.")

    def _groups_within_partitions(self):
        """``(estimator, positions)`` pairs: input columns whose groups must each lie
        in one partition (no positions: the whole table in one partition)."""
        return []

    def _fit_transform_is_cross_fitted(self):
        """Whether ``fit_transform(X, y)`` differs from ``fit(X, y).transform(X)``."""
        return False


def _check_fitted(estimator):
    """sklearn's check_is_fitted, after a shortcut: every fit here sets
    ``n_features_in_`` (check_is_fitted reads the tags and every attribute, a tenth of
    a one-row transform)."""
    if not hasattr(estimator, "n_features_in_"):
        check_is_fitted(estimator)
