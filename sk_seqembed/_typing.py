"""Types of the public API's annotations, for type checkers.

The modules import these names under ``if TYPE_CHECKING:`` only (their annotations are
strings, ``from __future__ import annotations``), so importing sk_seqembed never imports
this module.
``typing.get_type_hints`` resolves an annotation given the names of its module's
``TYPE_CHECKING`` block (as ``tests/test_typing.py`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any, Literal, Protocol, TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ArrayLike",
    "ColumnKeys",
    "ColumnSelection",
    "CVSplitter",
    "Duration",
    "FloatDType",
    "KeyedVectorsLike",
    "NamedTransformerLike",
    "Output",
    "RandomStateLike",
    "TableLike",
    "TransformerLike",
]

# An input table: a pandas, polars or narwhals DataFrame, a pyarrow Table, a 2-D array,
# or a list of rows (which numpy's ArrayLike refuses when they hold None, a missing token).
TableLike: TypeAlias = ArrayLike | Sequence[Any]

# What ``transform`` and ``fit_transform`` return: an ndarray by default; a pandas or
# polars DataFrame after ``set_output(transform="pandas" | "polars")`` or under
# ``sklearn.set_config(transform_output=...)``. That is runtime state a type checker cannot
# follow, so Any, as typeshed does for such returns: the union would make every caller
# narrow it (``transform(X).ravel()`` of the docstrings fails where polars is typed).
Output: TypeAlias = Any

# ``random_state``: sklearn's "random_state" constraint (a numpy Generator is refused).
RandomStateLike: TypeAlias = int | np.random.RandomState | None

# ``dtype`` of the outputs and tables.
FloatDType: TypeAlias = Literal["float64", "float32"] | type[np.float64] | type[np.float32]

# ``group_columns``: a column name or position, or several (names and positions may mix).
ColumnKeys: TypeAlias = str | int | list[str | int] | tuple[str | int, ...] | NDArray[Any]

# A ColumnTransformer's column selection: a name or position, a list of them, a slice, a
# boolean mask (a list of bools, or an array), or a callable such as make_column_selector.
ColumnSelection: TypeAlias = (
    str
    | int
    | list[str | int]
    | tuple[str | int, ...]
    | slice
    | NDArray[Any]
    | Callable[[Any], Any]
)

# A duration that ``pd.Timedelta`` reads ("7D", ``pd.Timedelta(days=7)``); not a bare
# number, which has no unit.
Duration: TypeAlias = str | pd.Timedelta | timedelta | np.timedelta64


class TransformerLike(Protocol):
    """An estimator with ``fit`` and ``transform`` (a transformer's duck type)."""

    def fit(self, X: Any, y: Any = None, /) -> Any: ...

    def transform(self, X: Any, /) -> Any: ...


class NamedTransformerLike(TransformerLike, Protocol):
    """A transformer that also names its output features."""

    def get_feature_names_out(self, input_features: Any = None, /) -> Any: ...


class CVSplitter(Protocol):
    """A cross-validation splitter (sklearn's ``"cv_object"`` duck type)."""

    def split(self, X: Any, y: Any = None, groups: Any = None, /) -> Iterator[Any]: ...

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None, /) -> int: ...


class KeyedVectorsLike(Protocol):
    """gensim ``KeyedVectors``' duck type: token -> row, and the rows."""

    @property
    def key_to_index(self) -> Mapping[Any, int]: ...

    @property
    def vectors(self) -> ArrayLike: ...
