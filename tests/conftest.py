"""Shared fixtures: dataframe backends and the two ways of fitting a transformer."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=40, deadline=None)
settings.load_profile("ci")

BACKENDS = ["pandas-numpy", "pandas-nullable", "pandas-pyarrow", "polars"]


class Backend:
    """Builds DataFrames of one backend from a dict of columns.

    ``pandas-numpy`` keeps numpy dtypes (strings as ``object``), ``pandas-nullable``
    converts to pandas' masked dtypes (``Int64``, ``Float64``, ``boolean``, ``string``),
    ``pandas-pyarrow`` to ``ArrowDtype`` columns, and ``polars`` to a polars DataFrame.
    """

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name

    def frame(self, columns):
        frame = pd.DataFrame(columns)
        strings = [
            name
            for name, dtype in frame.dtypes.items()
            if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype)
        ]
        frame = frame.astype({name: object for name in strings})
        if self.name == "pandas-numpy":
            return frame
        if self.name == "pandas-nullable":
            return frame.convert_dtypes()
        if self.name == "pandas-pyarrow":
            return frame.convert_dtypes(dtype_backend="pyarrow")
        polars = pytest.importorskip("polars")
        return polars.from_pandas(frame.convert_dtypes())

    def to_pandas(self, frame):
        """Back to pandas with nullable dtypes, for comparisons across backends."""
        if isinstance(frame, pd.DataFrame):
            return frame
        return frame.to_pandas()


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Each dataframe backend our users bring."""
    return Backend(request.param)


@pytest.fixture(params=["fit_transform", "fit_then_transform"])
def fit_transform(request):
    """Run a transformer through ``fit_transform`` or ``fit(...).transform``."""

    def run(estimator, X, y=None):
        if request.param == "fit_transform":
            return estimator.fit_transform(X, y)
        return estimator.fit(X, y).transform(X)

    return run


@pytest.fixture
def rng():
    return np.random.default_rng(0)
