"""Shared fixtures (dataframe backends, the two ways of fitting a transformer) and the
small helpers that several test modules import from here."""

import io
import zoneinfo

import joblib
import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

from sk_seqembed import EmbeddingSum, PositionEmbedder, ValueEmbedder

settings.register_profile("ci", max_examples=40, deadline=None)
settings.load_profile("ci")

BACKENDS = ["pandas-numpy", "pandas-nullable", "pandas-pyarrow", "polars"]

BIG = 2**62 + 1  # float64 rounds it to 2**62: a lossy cast cannot hide.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


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


# --- estimators and frames several test modules build --------------------------------------


def frame(**columns):
    return pd.DataFrame(columns)


def value(dim=2, **params):
    return ValueEmbedder(dim, random_state=0, **params)


def position(dim=2, **params):
    return PositionEmbedder(dim, **params)


def embedding_sum(**params):
    """A value part on ``item`` plus a position part on ``session``, width 2."""
    parts = [
        ("value", ValueEmbedder(random_state=0), ["item"]),
        ("position", PositionEmbedder(), ["session"]),
    ]
    return EmbeddingSum(parts, embedding_dim=2, **params)


def session_items(backend=None):
    columns = {"session": [1, 1, 2, 1], "item": ["a", "b", "a", "c"]}
    return frame(**columns) if backend is None else backend.frame(columns)


def _state(generator):
    """A RandomState's position in its stream, comparable with ==."""
    _, key, position_in_key, *_ = generator.get_state()
    return key.tobytes(), position_in_key


def skops_round_trip(estimator):
    """The estimator saved and loaded in skops' safe format."""
    skops_io = pytest.importorskip("skops.io")
    data = skops_io.dumps(estimator)
    # Our own types and numpy/pyarrow ones: trusted after reading the list.
    return skops_io.loads(data, trusted=skops_io.get_untrusted_types(data=data))


def joblib_round_trip(estimator):
    """The estimator dumped and loaded with joblib, through memory."""
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    buffer.seek(0)
    return joblib.load(buffer)
