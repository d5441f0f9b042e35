"""What every estimator does alike: scikit-learn's contract, state, frames, parameters.

Estimators are discovered from ``sk_seqembed.__all__``; the ``ColumnProbe`` test
transformer runs the same checks on the shared column layer alone. The sections after
the contract hold the properties shared by all estimators (inputs never changed, no state
written by transform, threads and serialisers, odd frames, parameter errors, seeds), each
parametrized over the estimators it applies to. Cases that concern one estimator live in
its own module (``test_value.py``, ``test_position.py``, ``test_temporal.py``, ...).
"""

import copy
import datetime
import inspect
import pickle
import warnings
import zoneinfo
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from pandas.testing import assert_frame_equal
from sklearn.base import BaseEstimator, clone
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_get_feature_names_out_error,
    check_global_output_transform_pandas,
    check_global_set_output_transform_polars,
    check_inplace_ensure_writeable,
    check_param_validation,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_set_output_transform_polars,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)

import sk_seqembed
from sk_seqembed import (
    EmbeddingSum,
    HistoryEmbedder,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)
from sk_seqembed.dask import DaskEmbedder
from tests._column_probe import ColumnProbe
from tests.conftest import (
    BIG,
    NEW_YORK,
    _state,
    embedding_sum,
    frame,
    joblib_round_trip,
    position,
    session_items,
    skops_round_trip,
    value,
)


def public_estimators():
    """Classes exported by ``sk_seqembed`` that are scikit-learn estimators."""
    exported = (getattr(sk_seqembed, name) for name in sk_seqembed.__all__)
    return [obj for obj in exported if inspect.isclass(obj) and issubclass(obj, BaseEstimator)]


class KeyedVectorsLike:
    """gensim KeyedVectors' duck type: ``key_to_index`` and ``vectors``."""

    def __init__(self, n_keys, width):
        self.key_to_index = {key: n_keys - 1 - key for key in range(n_keys)}
        self.vectors = np.random.default_rng(0).standard_normal((n_keys, width))

    def __repr__(self):
        return f"KeyedVectorsLike({self.vectors.shape[0]}x{self.vectors.shape[1]})"


# sklearn's checks feed numbers: read them as epoch seconds so the checks run the real
# calendar code instead of stopping at the "not datetimes" error. EmbeddingSum adds two
# such parts of width 4 (the first column, as a 1-column check input has no other).
SUM_PARTS = [
    ("fixed", TemporalEmbedder(method="fixed", combine="sum", epoch_unit="s"), [0]),
    ("cyclical", TemporalEmbedder(epoch_unit="s", features=["second"]), [0]),
]
CHECK_PARAMS = {
    "TemporalEmbedder": {"epoch_unit": "s"},
    "EmbeddingSum": {"transformers": SUM_PARTS, "embedding_dim": 4},
}

# Every method, so no code path escapes the contract. Tokens 0..49 cover the small
# integer tokens the sklearn checks generate.
METHOD_VARIANTS = [
    ValueEmbedder(method="hashing"),
    ValueEmbedder(method="cooccurrence", embedding_dim=3),
    ValueEmbedder(method="target", cv=3),
    ValueEmbedder(method="pretrained", vectors=KeyedVectorsLike(50, 6), embedding_dim=4),
    ValueEmbedder(min_frequency=2, shared_vocabulary=True, dtype="float32"),
    ValueEmbedder(handle_missing="error", handle_unknown="zeros"),
    PositionEmbedder(method="random", reverse=True, look_ahead=True),
    PositionEmbedder(method="scalar", positions="global"),
    PositionEmbedder(method="scalar", look_ahead=True),
    PositionEmbedder(method="decay", positions="from_column", dtype="float32"),
    PositionEmbedder(5, positions="global", reverse=True, look_ahead=True),
    PositionEmbedder(3, history="ignore"),
    TemporalEmbedder(3, method="spline", epoch_unit="ms", trend=True, periods=["7D"]),
    TemporalEmbedder(
        method="fixed", epoch_unit="s", combine="sum", features=["second", "minute"]
    ),
    TemporalEmbedder(2, method="timefeature", epoch_unit="s", handle_missing="error"),
    TemporalEmbedder(4, method="onehot", epoch_unit="us", missing_indicator=True),
    TemporalEmbedder(method="random", epoch_unit="s", features={"second": 3, "year": 1}),
    EmbeddingSum(
        SUM_PARTS + [("dropped", "drop", [0])], embedding_dim=4, weights={"fixed": 0.5}
    ),
]
CHECKED_ESTIMATORS = [cls(**CHECK_PARAMS.get(cls.__name__, {})) for cls in public_estimators()]
CHECKED_ESTIMATORS += METHOD_VARIANTS + [ColumnProbe()]
# The dask wrapper meets the same contract on in-memory inputs, which it hands through
# (seeded: sklearn seeds only top-level random_state parameters).
CHECKED_ESTIMATORS += [
    DaskEmbedder(ValueEmbedder(method="target", cv=3, random_state=0)),
    DaskEmbedder(PositionEmbedder(method="scalar", positions="global")),
    DaskEmbedder(HistoryEmbedder(random_state=0)),
]

# Checks an estimator cannot pass by design, each with its reason, by class and by
# (class, method) for what only one method does.
EXPECTED_FAILED_CHECKS = {
    "ValueEmbedder": {
        "check_positive_only_tag_during_fit": (
            "the check subtracts a float mean from integer tokens; non-integral floats "
            "such as 1.65 are refused as token IDs by design"
        ),
    },
    "PositionEmbedder": {
        "check_methods_sample_order_invariance": (
            "a position counts the earlier rows of its group (after the fitted ones): "
            "reordering rows reorders positions, by definition"
        ),
        "check_methods_subset_invariance": (
            "a position counts the earlier rows of its group (after the fitted ones): "
            "a subset of rows has other positions, by definition"
        ),
    },
    "HistoryEmbedder": {
        "check_positive_only_tag_during_fit": (
            "the check subtracts a float mean from integer tokens; non-integral floats "
            "such as 1.65 are refused as token IDs by design"
        ),
        "check_methods_sample_order_invariance": (
            "a row's features summarise the earlier rows of its group: reordering rows "
            "changes what came before, by definition"
        ),
        "check_methods_subset_invariance": (
            "a row's features summarise the earlier rows of its group: a subset of "
            "rows has other earlier rows, by definition"
        ),
        "check_transformer_general": (
            "fit_transform(X, y) gives ordered target statistics (earlier rows' y), "
            "transform the fitted state's, as CatBoost and TargetEncoder differ by design"
        ),
        "check_transformer_data_not_an_array": "same reason: ordered target statistics",
    },
    ("ValueEmbedder", "target"): {
        "check_transformer_general": (
            "fit_transform cross-fits the target statistics, as TargetEncoder does, so "
            "it differs from fit().transform() by design"
        ),
        "check_transformer_data_not_an_array": "same reason: fit_transform cross-fits",
    },
}

# Checks that check_estimator / parametrize_with_checks do not run themselves.
EXTRA_CHECKS = [
    check_dataframe_column_names_consistency,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_global_output_transform_pandas,
    check_set_output_transform_polars,
    check_global_set_output_transform_polars,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    check_get_feature_names_out_error,
    check_param_validation,
    check_inplace_ensure_writeable,
]


def _positions_come_from_values(estimator):
    """Position columns, read forward and not scaled by the frame: order-invariant."""
    return (
        estimator.positions == "from_column"
        and not estimator.reverse
        and estimator.method != "scalar"
    )


def _expected_failed_checks(estimator):
    if isinstance(estimator, DaskEmbedder):
        # On in-memory inputs the wrapper is its estimator: the same exceptions apply.
        return _expected_failed_checks(estimator.estimator)
    name = type(estimator).__name__
    if name == "PositionEmbedder" and _positions_come_from_values(estimator):
        return {}
    method = getattr(estimator, "method", None)
    if name == "ValueEmbedder" and estimator.handle_missing == "error":
        # Without missing values allowed the checks feed int32 tokens, never floats.
        return EXPECTED_FAILED_CHECKS.get((name, method), {})
    return {
        **EXPECTED_FAILED_CHECKS.get(name, {}),
        **EXPECTED_FAILED_CHECKS.get((name, method), {}),
    }


@parametrize_with_checks(
    CHECKED_ESTIMATORS, expected_failed_checks=_expected_failed_checks, xfail_strict=True
)
def test_sklearn_contract(estimator, check):
    """The estimator passes scikit-learn's estimator checks."""
    # Some checks permute rows with numpy's global generator: seed it so that
    # order-dependent estimators fail (or pass) the same way every run.
    np.random.seed(0)  # noqa: NPY002 (the checks draw from the legacy global state)
    check(estimator)


@pytest.mark.parametrize("check", EXTRA_CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize("estimator", CHECKED_ESTIMATORS, ids=repr)
def test_checks_outside_check_estimator(estimator, check):
    """The estimator passes the checks check_estimator leaves out."""
    reason = _expected_failed_checks(estimator).get(check.__name__)
    if reason is not None:
        pytest.xfail(reason)
    check(type(estimator).__name__, clone(estimator))


def test_every_public_name_is_documented():
    """Everything in ``__all__`` exists and public estimators have numpydoc examples."""
    for name in sk_seqembed.__all__:
        assert hasattr(sk_seqembed, name), name
    for cls in public_estimators():
        assert "Examples\n    --------" in cls.__doc__, cls.__name__


@pytest.mark.parametrize("estimator", CHECKED_ESTIMATORS[:4], ids=lambda e: type(e).__name__)
def test_count_parameters_refuse_booleans(estimator):
    """sklearn's Interval(Integral) admits True (bool is an int): ours refuse it."""
    estimator = clone(estimator).set_params(embedding_dim=True)
    X = np.array([[1, 2], [3, 4]])
    with pytest.raises(InvalidParameterError, match="'embedding_dim' .* not a boolean"):
        estimator.fit(X)


# --- state: inputs, fitted estimators, threads and serialisers --------------------------------


def event_columns(n_rows=300, seed=0):
    """Interleaved sessions with int and str tokens, local times and missing values."""
    rng = np.random.default_rng(seed)
    item = rng.integers(0, 40, n_rows).astype(float)
    item[rng.random(n_rows) < 0.05] = np.nan
    label = np.array(["a", "b", "c", None], dtype=object)[rng.integers(0, 4, n_rows)]
    seconds = np.sort(rng.integers(0, 30 * 86_400, n_rows))
    timestamp = pd.Series(pd.to_datetime("2024-03-01") + pd.to_timedelta(seconds, "s"))
    timestamp[rng.random(n_rows) < 0.05] = pd.NaT
    return {
        "sequence_id": rng.integers(0, 12, n_rows),
        "item": pd.array(item, dtype="Int64"),
        "label": label,
        "timestamp": timestamp.astype("datetime64[s]"),
    }


# (estimator, columns it reads): every estimator and its stateful methods.
CASES = {
    "value-random": (ValueEmbedder(4, random_state=0), ["item", "label"]),
    "value-hashing": (ValueEmbedder(4, method="hashing", random_state=0), ["item", "label"]),
    "value-cooccurrence": (
        ValueEmbedder(4, method="cooccurrence", group_columns="sequence_id", random_state=0),
        ["sequence_id", "item"],
    ),
    "value-target": (ValueEmbedder(3, method="target", random_state=0), ["item", "label"]),
    "position-sinusoidal": (PositionEmbedder(4), ["sequence_id"]),
    "position-random": (PositionEmbedder(4, method="random", random_state=0), ["sequence_id"]),
    "temporal-cyclical": (TemporalEmbedder(2, features=["hour", "weekday"]), ["timestamp"]),
    "temporal-random-recency": (
        TemporalEmbedder(
            method="random",
            features=["hour", "day"],
            group_columns="sequence_id",
            missing_indicator=True,
            random_state=0,
        ),
        ["sequence_id", "timestamp"],
    ),
    "embedding-sum": (
        EmbeddingSum(
            [
                ("value", ValueEmbedder(random_state=0), ["item"]),
                ("position", PositionEmbedder(), ["sequence_id"]),
            ],
            embedding_dim=6,
        ),
        ["sequence_id", "item"],
    ),
    "history": (
        HistoryEmbedder(group_columns="sequence_id", random_state=0),
        ["item", "label", "sequence_id"],
    ),
    "sequence-embedder": (
        make_sequence_embedder(
            value=["item", "label"],
            position="sequence_id",
            temporal="timestamp",
            value_embedder=ValueEmbedder(3, random_state=0),
        ),
        ["sequence_id", "item", "label", "timestamp"],
    ),
}


@pytest.fixture(params=list(CASES))
def case(request):
    estimator, columns = CASES[request.param]
    columns_data = event_columns()
    X = pd.DataFrame(columns_data)[columns]
    y = np.arange(len(X), dtype=float) % 7
    return clone(estimator), X, y


def test_the_callers_frame_is_unchanged(case, backend):
    """fit, transform and fit_transform leave every backend's frame as it was."""
    estimator, X, y = case
    X = backend.frame({name: X[name] for name in X.columns})
    before = copy.deepcopy(X)
    estimator.fit(X, y)
    estimator.transform(X)
    clone(estimator).fit_transform(X, y)
    if isinstance(X, pd.DataFrame):
        assert_frame_equal(X, before)
    else:
        assert X.equals(before, null_equal=True)


def test_transform_never_writes_to_the_estimator(case):
    """The fitted state (every attribute, deeply) is the same before and after, also
    after a frame that continues the fitted sequences (not the fitted table again)."""
    estimator, X, y = case
    estimator.fit(X, y)
    before = joblib.hash(estimator)
    estimator.transform(X)
    estimator.transform(X.iloc[::-1])
    estimator.transform(X.iloc[: len(X) // 2])
    assert joblib.hash(estimator) == before


def test_sixteen_threads_transforming_at_once_agree(case):
    """One fitted estimator shared by 16 threads gives each the single-thread output,
    for the fitted table and for a frame continuing its sequences."""
    estimator, X, y = case
    later = X.iloc[: len(X) // 2]
    expected = estimator.fit(X, y).transform(X)
    expected_later = estimator.transform(later)
    with ThreadPoolExecutor(16) as pool:
        outputs = list(pool.map(lambda _: estimator.transform(X), range(16)))
        outputs_later = list(pool.map(lambda _: estimator.transform(later), range(16)))
    for out, out_later in zip(outputs, outputs_later, strict=True):
        assert_array_equal(out, expected)
        assert_array_equal(out_later, expected_later)


@pytest.mark.parametrize(
    "round_trip",
    [lambda e: pickle.loads(pickle.dumps(e)), joblib_round_trip, skops_round_trip],
    ids=["pickle", "joblib", "skops"],
)
def test_serialised_models_give_identical_output(case, round_trip):
    estimator, X, y = case
    expected = estimator.fit(X, y).transform(X)
    assert_array_equal(round_trip(estimator).transform(X), expected)


def test_clone_and_refit_reproduce_a_seeded_model(case):
    """Integer seeds: a clone refitted on the same data is the same model."""
    estimator, X, y = case
    first = estimator.fit(X, y).transform(X)
    assert_array_equal(clone(estimator).fit(X, y).transform(X), first)
    assert_array_equal(estimator.fit(X, y).transform(X), first)


@st.composite
def event_frames(draw):
    n_rows = draw(st.integers(1, 40))
    seed = draw(st.integers(0, 2**16))
    frame = pd.DataFrame(event_columns(n_rows, seed))
    start = draw(st.integers(-5, 5))
    frame.index = pd.RangeIndex(start, start + n_rows) * draw(st.sampled_from([1, -3]))
    return frame


@given(frame=event_frames(), name=st.sampled_from(sorted(CASES)))
def test_property_rows_index_determinism_and_no_stray_nan(frame, name):
    """Any frame: one output row per input row, the index kept on pandas output, the
    same output from two fits with one seed, and no NaN (no NaN policy is asked)."""
    estimator, columns = CASES[name]
    X, y = frame[columns], np.arange(len(frame), dtype=float)
    if name == "value-target" and len(X) < 5:
        return  # cross-fitting needs as many rows as folds (tested in test_value)
    out = clone(estimator).set_output(transform="pandas").fit(X, y).transform(X)
    assert out.shape[0] == len(X)
    assert out.index.equals(X.index)
    again = clone(estimator).set_output(transform="pandas").fit(X, y).transform(X)
    assert_frame_equal(out, again)
    assert not out.isna().to_numpy().any()


# --- frames: rows, columns, index and memory layout -------------------------------------------


ESTIMATORS = {"value": value, "position": position, "sum": embedding_sum}


def _compact_repr(estimator):
    return " ".join(repr(estimator).split())


@pytest.mark.parametrize("name", ESTIMATORS)
def test_fitting_zero_rows_raises_sklearns_message(backend, name):
    """fit on 0 rows (any backend, or an array): sklearn's 'Found array with 0
    sample(s)'."""
    X = session_items(backend)
    for empty in (X[:0], np.empty((0, 2), dtype=object)):
        with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\)"):
            ESTIMATORS[name]().fit(empty)


@pytest.mark.parametrize(
    "estimator",
    [
        value(3),
        value(3, method="hashing"),
        value(3, method="cooccurrence", group_columns="session"),
        position(3),
        position(3, method="random", random_state=0),
        position(method="scalar", reverse=True, look_ahead=True),
        position(3, method="decay", positions="global"),
        embedding_sum(),
    ],
    ids=_compact_repr,
)
def test_transforming_zero_rows_keeps_the_fitted_width(backend, estimator):
    """transform on 0 rows of any backend gives (0, n_features_out), in the output
    dtype, and a pandas output with the fitted names."""
    X = session_items(backend)
    fitted = clone(estimator).fit(X)
    n_out = len(fitted.get_feature_names_out())
    out = fitted.transform(X[:0])
    assert out.shape == (0, n_out) and out.dtype == np.float64
    framed = fitted.set_output(transform="pandas").transform(X[:0])
    assert framed.columns.tolist() == fitted.get_feature_names_out().tolist()


@pytest.mark.parametrize("name", ESTIMATORS)
def test_zero_columns_raise_sklearns_message(name):
    """A frame or array without columns: sklearn's 'Found array with 0 feature(s)'."""
    pl = pytest.importorskip("polars")
    X = session_items()
    for empty in (X[[]], np.empty((4, 0)), pl.from_pandas(X).select([])):
        with pytest.raises(ValueError, match=r"Found array with 0 feature\(s\)"):
            ESTIMATORS[name]().fit(empty)


def test_a_single_row_is_enough(backend):
    """One row: its token's vector, position 0 (sinusoid [0, 1, 0, 1], scalar [0],
    with look_ahead [0, 0, 1, 0], decay all ones), and their sum."""
    X = session_items(backend)[:1]
    tokens = value(3).fit(X)
    out = tokens.transform(X)
    expected = np.hstack(
        [
            tokens.embedding_table("session").to_numpy(),
            tokens.embedding_table("item").to_numpy(),
        ]
    )
    assert_array_equal(out, expected)
    assert_allclose(position(4).fit_transform(X), [[0.0, 1.0, 0.0, 1.0]])
    assert_allclose(position(method="scalar").fit_transform(X), [[0.0]])
    ahead = position(method="scalar", look_ahead=True).fit_transform(X)
    assert_allclose(ahead, [[0.0, 0.0, 1.0, 0.0]])
    assert_allclose(position(3, method="decay").fit_transform(X), [[1.0, 1.0, 1.0]])
    item = value(2).fit(X[["item"]]).embedding_table().to_numpy()
    assert_allclose(embedding_sum().fit_transform(X), item + [[0.0, 1.0]])


@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize(
    "index",
    [
        pd.Index([7, 7, "q", 7]),
        pd.MultiIndex.from_tuples([(1, "a"), (1, "a"), (0, "b"), (2, "c")]),
        pd.date_range("2024-01-01", periods=4, freq="h")[::-1],
    ],
    ids=["duplicated-mixed", "multiindex", "descending-datetimes"],
)
def test_pandas_output_keeps_any_index_and_ignores_it(name, index):
    """set_output(transform="pandas") keeps a duplicated, multi or datetime index; the
    index never changes the values (positions follow row order, not index order)."""
    X = session_items()
    expected = ESTIMATORS[name]().fit_transform(X)
    estimator = ESTIMATORS[name]().set_output(transform="pandas")
    out = estimator.fit_transform(X.set_axis(index))
    assert out.index.equals(index)
    assert_array_equal(out.to_numpy(), expected)
    assert estimator.transform(X.set_axis(index)).index.equals(index)


FEATURE_NAME_ERRORS = [
    (
        ["item", "session"],
        r"Feature names must be in the same order as they were in fit\.\nGot \['item', "
        r"'session'\], fit saw \['session', 'item'\]",
    ),
    (["session"], r"Feature names seen at fit time, yet now missing:\n- item"),
    (["session", "item", "extra"], r"Feature names unseen at fit time:\n- extra"),
]


@pytest.mark.parametrize(
    "columns, message", FEATURE_NAME_ERRORS, ids=["reordered", "missing", "extra"]
)
@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_reordered_missing_or_extra_columns_at_transform_raise(library, name, columns, message):
    """Columns are matched by name and order: sklearn's feature-name errors, which name
    the missing or extra column (a reordering is refused, never silently relabelled)."""
    X = session_items().assign(extra=[0, 0, 0, 0])
    if library == "polars":
        pl = pytest.importorskip("polars")
        X = pl.from_pandas(X)
    fitted = ESTIMATORS[name]().fit(X[["session", "item"]])
    with pytest.raises(ValueError, match=message):
        fitted.transform(X[columns])


@pytest.mark.parametrize("name", ["value", "position"])
def test_array_after_frame_warns_and_reads_columns_by_position(name):
    """An array after a DataFrame fit: sklearn's warning, and the same output as the
    frame (columns by position, as sklearn does)."""
    X = session_items()
    fitted = ESTIMATORS[name]().fit(X)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        out = fitted.transform(X.to_numpy())
    assert_array_equal(out, fitted.transform(X))


def _layouts(X):
    """The array as given, read-only, Fortran-ordered, and both."""
    read_only = X.copy()
    read_only.flags.writeable = False
    fortran = np.asfortranarray(X)
    fortran_read_only = np.asfortranarray(X)
    fortran_read_only.flags.writeable = False
    return {"read-only": read_only, "fortran": fortran, "fortran-read-only": fortran_read_only}


@pytest.mark.parametrize(
    "estimator",
    [
        value(3),
        value(3, method="hashing"),
        value(3, method="cooccurrence", group_columns=0),
        position(3, method="scalar"),
        position(3, method="random", random_state=0),
        position(3, positions="from_column"),
        EmbeddingSum(
            [("v", ValueEmbedder(random_state=0), [1]), ("p", PositionEmbedder(), [0])],
            embedding_dim=3,
        ),
    ],
    ids=_compact_repr,
)
@pytest.mark.parametrize("dtype", [np.int64, np.float32])
def test_read_only_and_fortran_arrays_give_the_c_array_result(estimator, dtype):
    """Read-only and F-contiguous arrays (int64 or float32) transform like a C array and
    are left unchanged and read-only."""
    X = np.array([[1, 7], [1, 8], [2, 7], [1, 9], [2, 2]], dtype=dtype)
    estimator = clone(estimator)
    expected = estimator.fit(X).transform(X)
    for layout, array in _layouts(X).items():
        before = array.copy()
        writeable = array.flags.writeable
        assert_array_equal(estimator.fit(array).transform(array), expected, err_msg=layout)
        assert_array_equal(estimator.fit(X).transform(array), expected, err_msg=layout)
        assert_array_equal(array, before)
        assert array.flags.writeable == writeable


def test_float32_inputs_give_float64_unless_dtype_says_otherwise():
    """Output dtype is the dtype parameter, never the input's float32."""
    X = np.array([[3.0, 1.0], [3.0, 2.0], [4.0, 1.0]], dtype=np.float32)
    assert value().fit_transform(X).dtype == np.float64
    assert position(positions="from_column").fit_transform(X).dtype == np.float64
    assert value(dtype="float32").fit_transform(X).dtype == np.float32
    assert position(dtype="float32").fit_transform(X).dtype == np.float32


@pytest.mark.parametrize(
    "values",
    [
        [
            datetime.datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
            datetime.datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
        ],
        [datetime.datetime(2024, 1, 1), datetime.datetime(2024, 1, 1, tzinfo=NEW_YORK)],
        [
            datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
            datetime.datetime(
                2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=3))
            ),
        ],
    ],
    ids=["two-zones", "naive-and-aware", "two-fixed-offsets"],
)
@pytest.mark.parametrize("estimator", ["temporal", "position-key"])
def test_mixed_zones_in_an_object_column_are_refused_by_name(values, estimator):
    """Objects of several zones (or naive with aware) are no single datetime column:
    the error names it and suggests pd.to_datetime(..., utc=True), for a datetime
    column and for a group key alike."""
    X = pd.DataFrame({"ts": pd.Series(values, dtype=object)})
    embedder = TemporalEmbedder() if estimator == "temporal" else PositionEmbedder()
    with pytest.raises(ValueError, match=r"Column 'ts'.*pd\.to_datetime\(\.\.\., utc=True\)"):
        embedder.fit(X)


# --- parameters and seeds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, params, message",
    [
        (
            "value",
            {"embedding_dim": 0},
            r"'embedding_dim' parameter of ValueEmbedder must be an int in the range "
            r"\[1, inf\)",
        ),
        (
            "value",
            {"method": "word2vec"},
            r"'method' .* among \{.*'cooccurrence'.*\}. Got 'word2vec'",
        ),
        ("value", {"handle_missing": "ignore"}, r"'handle_missing' .* among \{.*'zeros'.*\}"),
        ("value", {"handle_unknown": "ignore"}, r"'handle_unknown' .* among \{.*'vector'.*\}"),
        (
            "value",
            {"min_frequency": 1.0},
            r"'min_frequency' .* a float in the range \(0\.0, 1\.0\) or None",
        ),
        ("value", {"dtype": "float16"}, r"'dtype' .* among \{.*'float32'.*\}"),
        ("value", {"random_state": "seed"}, r"'random_state' .*RandomState' or None"),
        (
            "position",
            {"method": "rope"},
            r"'method' parameter of PositionEmbedder must be a str among \{.*'decay'.*\}",
        ),
        ("position", {"positions": "local"}, r"'positions' .* among \{.*'from_column'.*\}"),
        ("position", {"base": 1.0}, r"'base' .* a float in the range \(1\.0, inf\)"),
        (
            "position",
            {"max_position": -1},
            r"'max_position' .* an int in the range \[0, inf\) or None",
        ),
        ("position", {"beyond_max": "wrap"}, r"'beyond_max' .* among \{.*'clip'.*\}"),
        (
            "position",
            {"n_threads": 0},
            r"'n_threads' .* an int in the range \[1, inf\) or None",
        ),
        (
            "sum",
            {"embedding_dim": 0},
            r"'embedding_dim' parameter of EmbeddingSum must be an int in the range "
            r"\[1, inf\) or None",
        ),
        ("sum", {"weights": [1.0]}, r"'weights' .* an instance of 'dict' or None"),
        ("sum", {"n_jobs": "all"}, r"'n_jobs' .* an instance of 'int' or None"),
    ],
)
def test_invalid_parameters_raise_sklearns_error_listing_allowed_values(name, params, message):
    """Each invalid value raises InvalidParameterError at fit, listing what is allowed."""
    estimator = ESTIMATORS[name]().set_params(**params)
    with pytest.raises(InvalidParameterError, match=message):
        estimator.fit(session_items())


@pytest.mark.parametrize(
    "factory, table",
    [
        (lambda seed: ValueEmbedder(3, random_state=seed), "embeddings_"),
        (lambda seed: ValueEmbedder(3, method="hashing", random_state=seed), "hash_seed_"),
        (lambda seed: PositionEmbedder(3, method="random", random_state=seed), "table_"),
    ],
    ids=["value-random", "value-hashing", "position-random"],
)
def test_int_seed_refits_identically_and_a_random_state_instance_advances(factory, table):
    """sklearn's convention: an int seed gives the same table on every refit; a
    RandomState instance is drawn from, so a refit gives another table; its first fit
    equals the int seed's."""
    X = session_items()[["session"]]
    seeded = factory(0)
    first = np.copy(getattr(seeded.fit(X), table))
    assert_array_equal(getattr(seeded.fit(X), table), first)
    generator = np.random.RandomState(0)
    shared = factory(generator)
    assert_array_equal(getattr(shared.fit(X), table), first)
    state = _state(generator)
    again = np.copy(getattr(shared.fit(X), table))
    assert not np.array_equal(again, first)
    assert _state(generator) != state
    assert shared.random_state is generator


def test_no_warning_on_ordinary_odd_input():
    """Huge ids, negative ids, missing tokens and a duplicated index warn about nothing."""
    X = frame(
        session=pd.array([BIG, None, BIG, -1], dtype="Int64"),
        item=pd.Series(["", None, "a", "a"], dtype="string[pyarrow]"),
    ).set_axis([3, 3, 1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ESTIMATORS:
            ESTIMATORS[name]().set_output(transform="pandas").fit(X).transform(X)
