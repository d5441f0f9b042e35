"""The partitioned fit and transform contract, for estimators of your own.

An estimator that inherits :class:`PartitionedMixin` and writes its fit as
:class:`Reduction` and :class:`OrderStatistics` steps fits on a dask frame by
reductions over its partitions (``sk_seqembed.dask.DaskEmbedder``) exactly as it fits
in memory. See ``docs/architecture.md``.
"""

from ._partitioned import (
    OrderStatistics,
    PartitionedMixin,
    Reduction,
    add,
    concatenate,
    fit_in_memory,
)

__all__ = [
    "OrderStatistics",
    "PartitionedMixin",
    "Reduction",
    "add",
    "concatenate",
    "fit_in_memory",
]
