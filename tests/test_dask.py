"""DaskEmbedder on a real distributed LocalCluster (2 worker processes), over 8+ partitions.

Every fitted estimator and every transform is compared, exactly, with the same estimator
fitted and applied to the whole table in pandas: the reference is the in-memory path,
whose values the other test modules check against formulas, pandas and peers.
"""

import pickle
from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from sk_seqembed import (  # noqa: E402
    EmbeddingSum,
    HistoryEmbedder,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)
from sk_seqembed.base import PartitionedMixin, Reduction, add  # noqa: E402
from sk_seqembed.dask import DaskEmbedder, _order_statistics  # noqa: E402
from sk_seqembed.datasets import make_event_log  # noqa: E402

N_PARTITIONS = 8


@pytest.fixture(scope="module")
def client():
    """Two worker processes, as on a small real cluster (pickling between processes)."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _events():
    """Interleaved sessions with every column kind the embedders read, and gaps."""
    X, y, _ = make_event_log(n_sequences=120, tz="Europe/Paris", random_state=0)
    rng = np.random.default_rng(0)
    n = len(X)
    X = X.rename(columns={"timestamp": "local_time"})
    X["naive_time"] = X["local_time"].dt.tz_localize(None)
    X.loc[rng.random(n) < 0.05, "naive_time"] = pd.NaT
    X["store"] = rng.choice(["north", "south", "east", None], n).astype(object)
    X["item_float"] = X["item"].astype(float).where(rng.random(n) > 0.1)
    X["kind"] = pd.Categorical(rng.choice(["a", "b", "c"], n))
    X["region"] = rng.choice([0.5, -0.0, 0.0, np.nan], n)
    X["step"] = rng.integers(0, 50, n)
    # One time with milliseconds, in the last partition only: that partition alone takes
    # the row-by-row path, the others the per-day and per-time tables.
    X["subsecond_time"] = X["naive_time"].astype("datetime64[ms]")
    X.loc[n - 3, "subsecond_time"] = pd.Timestamp("2024-02-01 10:00:00.250")
    return X.reset_index(drop=True), pd.Series(y, name="y")


X_EVENTS, Y_EVENTS = _events()


def _dask(X, y=None, npartitions=N_PARTITIONS):
    frame = X if y is None else X.assign(y=y)
    ddf = dd.from_pandas(frame, npartitions=npartitions, sort=False)
    assert ddf.npartitions == npartitions
    if y is None:
        return ddf
    return ddf[list(X.columns)], ddf["y"]


def _same_values(estimator):
    """Equality to the last bit; within 1e-12 when a target method adds floats of y,
    which partitions add in another order than one pass over the table (its counts
    stay exact)."""
    params = estimator.get_params()
    if any(key.endswith("method") and value == "target" for key, value in params.items()):
        return partial(assert_allclose, rtol=1e-12, atol=1e-12)
    return assert_array_equal


def _assert_same_as_pandas(estimator, columns, X=X_EVENTS, y=Y_EVENTS, ddf=None):
    """Fit and transform in dask and in pandas; every output value must be equal (to
    the last bit, or within the rounding of sums of y when a target method adds them)."""
    X = X[columns]
    expected = estimator.fit(X, y).transform(X)
    if ddf is None:
        ddf, dy = _dask(X, y) if y is not None else (_dask(X), None)
    else:
        ddf, dy = ddf[columns], ddf["y"]
    embedder = DaskEmbedder(estimator).fit(ddf, dy)
    lazy = embedder.transform(ddf)
    assert isinstance(lazy, dd.DataFrame)
    got = lazy.compute()
    expected = pd.DataFrame(expected, columns=estimator.get_feature_names_out())
    assert list(got.columns) == list(expected.columns)
    same = _same_values(estimator)
    same(got.to_numpy(np.float64), expected.to_numpy(np.float64))
    assert_array_equal(got.index, X.index)
    # The fitted estimator is an ordinary in-memory one, equal to the pandas fit.
    same(embedder.estimator_.transform(X), expected.to_numpy(np.float64))
    # meta (dtypes and names, known before computing) matches the partitions.
    assert lazy.dtypes.to_dict() == got.dtypes.to_dict()
    return embedder


CASES = {
    "value-random-int": (ValueEmbedder(4, random_state=0), ["item"]),
    "value-random-strings-missing": (
        ValueEmbedder(3, min_frequency=0.05, random_state=0),
        ["store", "kind"],
    ),
    "value-max-tokens-shared": (
        ValueEmbedder(3, max_tokens=40, shared_vocabulary=True, random_state=0),
        ["item", "item_float"],
    ),
    "value-hashing": (ValueEmbedder(5, method="hashing", random_state=1), ["store", "item"]),
    "value-target": (ValueEmbedder(6, method="target"), ["item", "store"]),
    "value-target-fixed-smooth": (
        ValueEmbedder(2, method="target", smooth=10.0, handle_missing="zeros"),
        ["item_float"],
    ),
    "value-pretrained": (
        ValueEmbedder(2, method="pretrained", vectors={"north": [1, 0, 2], "east": [0, 1, 1]}),
        ["store"],
    ),
    "position-sinusoidal": (PositionEmbedder(6), ["session_id"]),
    "position-scalar-two-keys-missing": (
        PositionEmbedder(method="scalar"),
        ["store", "region"],
    ),
    "position-random-reverse": (
        PositionEmbedder(4, method="random", reverse=True, look_ahead=True, random_state=0),
        ["session_id"],
    ),
    "position-decay-global-reverse": (
        PositionEmbedder(5, method="decay", positions="global", reverse=True, look_ahead=True),
        ["item"],
    ),
    "position-scalar-look-ahead-two-keys": (
        PositionEmbedder(method="scalar", look_ahead=True),
        ["store", "region"],
    ),
    "position-sinusoidal-global": (PositionEmbedder(7, positions="global"), ["item"]),
    "position-from-column-scalar": (
        PositionEmbedder(method="scalar", positions="from_column"),
        ["step"],
    ),
    "position-from-column-scalar-look-ahead": (
        PositionEmbedder(method="scalar", positions="from_column", look_ahead=True),
        ["step"],
    ),
    "temporal-cyclical-aware-recency": (
        TemporalEmbedder(2, features=["hour", "weekday"], group_columns="session_id"),
        ["session_id", "local_time"],
    ),
    "temporal-auto-naive-nat-recency": (
        TemporalEmbedder(group_columns=["store"], trend=True, missing_indicator=True),
        ["naive_time", "store"],
    ),
    "temporal-spline-periods": (
        TemporalEmbedder(4, method="spline", features=["hour"], periods=["7D"]),
        ["local_time"],
    ),
    "temporal-random-fixed-sum": (
        TemporalEmbedder(4, method="fixed", combine="sum", features=["hour", "month"]),
        ["local_time"],
    ),
    "temporal-random": (
        TemporalEmbedder(3, method="random", features=["weekday", "hour"], random_state=0),
        ["naive_time"],
    ),
    "position-sinusoidal-float32-global": (
        PositionEmbedder(6, positions="global", dtype="float32"),
        ["item"],
    ),
    "position-sinusoidal-float32-reverse": (
        PositionEmbedder(5, reverse=True, look_ahead=True, dtype="float32"),
        ["store"],
    ),
    "temporal-float32-sum": (
        TemporalEmbedder(4, combine="sum", features=["hour", "month"], dtype="float32"),
        ["subsecond_time"],
    ),
    "temporal-onehot-timefeature": (
        TemporalEmbedder(2, method="timefeature", handle_missing="zeros"),
        ["naive_time"],
    ),
}


@pytest.fixture(scope="module")
def events():
    X = X_EVENTS.rename(columns={"sequence_id": "session_id"})
    return X, Y_EVENTS


@pytest.mark.parametrize("case", list(CASES))
def test_equals_the_pandas_path(client, events, case):
    """Fit by reductions and lazy transform give exactly the pandas fit's output."""
    estimator, columns = CASES[case]
    X, y = events
    _assert_same_as_pandas(estimator, columns, X, y)


def test_sequence_embedder_with_passthrough_keeps_dtypes(client, events):
    """make_sequence_embedder inside DaskEmbedder: same values, passthrough dtypes kept."""
    X, y = events
    recipe = make_sequence_embedder(
        value=["item", "store"],
        position="session_id",
        temporal=["local_time", "session_id"],
        value_embedder=ValueEmbedder(4, method="target"),
        temporal_embedder=TemporalEmbedder(2, features=["hour"], group_columns="session_id"),
        remainder="passthrough",
    )
    columns = ["session_id", "item", "store", "local_time", "step"]
    embedder = _assert_same_as_pandas(recipe, columns, X, y)
    lazy = embedder.transform(_dask(X[columns]))
    assert lazy.dtypes["remainder__step"] == X["step"].dtype


def test_embedding_sum(client, events):
    """EmbeddingSum's parts are fitted by reductions and summed per partition."""
    X, y = events
    parts = [
        ("value", ValueEmbedder(random_state=0), ["item"]),
        ("position", PositionEmbedder(), ["session_id"]),
        ("temporal", TemporalEmbedder(method="fixed", combine="sum"), ["local_time"]),
    ]
    estimator = EmbeddingSum(parts, embedding_dim=6, weights={"position": 0.5})
    _assert_same_as_pandas(estimator, ["item", "session_id", "local_time"], X, y)


def test_cooccurrence_on_partitions_aligned_with_sequences(client, events):
    """Co-occurrence counts add up across partitions that each hold whole sessions."""
    X, y = events
    X = X.sort_values("session_id", kind="stable").reset_index(drop=True)
    y = y.loc[X.index]
    edges = np.searchsorted(X["session_id"], np.linspace(0, X["session_id"].max() + 1, 9))
    ddf = dd.concat(
        [
            dd.from_pandas(X.iloc[a:b].assign(y=0.0), npartitions=1)
            for a, b in zip(edges[:-1], edges[1:], strict=True)
        ]
    )
    assert ddf.npartitions == N_PARTITIONS
    for estimator in [
        ValueEmbedder(4, method="cooccurrence", group_columns="session_id", random_state=0),
        ValueEmbedder(
            3,
            method="cooccurrence",
            group_columns="session_id",
            same_row=True,
            min_frequency=3,
            window=2,
            random_state=0,
        ),
    ]:
        _assert_same_as_pandas(estimator, ["session_id", "item", "store"], X, y, ddf=ddf)


def test_cooccurrence_refuses_sequences_across_partitions(client, events):
    """A session split between partitions, or no session key at all, is an error."""
    X, _ = events
    ddf = _dask(X[["session_id", "item"]])
    estimator = ValueEmbedder(method="cooccurrence", group_columns="session_id")
    with pytest.raises(
        ValueError, match=r"every group must lie in one partition.*'session_id'"
    ):
        DaskEmbedder(estimator).fit(ddf)
    with pytest.raises(
        ValueError, match="one sequence, which spans 8 of this frame.s partitions"
    ):
        DaskEmbedder(ValueEmbedder(method="cooccurrence")).fit(ddf[["item"]])


def test_positions_run_on_across_partitions(client):
    """A session whose rows sit in every partition counts on from partition to partition."""
    X = pd.DataFrame({"session": ["a", "b"] * 40})
    estimator = PositionEmbedder(method="scalar", look_ahead=True)
    embedder = DaskEmbedder(estimator).fit(_dask(X))
    got = embedder.transform(_dask(X)).compute()
    assert_array_equal(got["session_position"], np.repeat(np.arange(40), 2))
    assert_array_equal(got["session_group_length"], np.full(80, 40))


def test_auto_features_see_the_whole_table(client):
    """features='auto' keeps a field that varies across partitions, not within one."""
    months = pd.date_range("2024-01-01", periods=8, freq="MS")
    X = pd.DataFrame({"t": np.repeat(months, 10)})
    embedder = DaskEmbedder(TemporalEmbedder()).fit(_dask(X))
    fields = [field for field, _ in embedder.estimator_.fields_[0]]
    assert "month" in fields
    assert fields == [field for field, _ in TemporalEmbedder().fit(X).fields_[0]]


@given(
    values=st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False, width=64),
            st.sampled_from([0.0, -0.0, 1.5, -2.0]),
        ),
        min_size=1,
        max_size=60,
    ),
    n_partitions=st.integers(1, 5),
)
def test_order_statistics_are_exact(client, values, n_partitions):
    """The radix selection returns exactly np.partition's values, ties and zeros too."""
    y = pd.Series(values, dtype=np.float64)
    dy = dd.from_pandas(y, npartitions=min(n_partitions, len(y)), sort=False)
    ranks = np.unique([0, len(y) // 3, len(y) // 2, len(y) - 1])
    expected = np.partition(y.to_numpy(), ranks)[ranks]
    assert_array_equal(_order_statistics(dy, ranks, split_every=2), expected)


def test_selected_partitions_keep_their_own_context(client, events):
    """tail, .partitions[k] and .loc compute some partitions only, with the right
    positions: each partition's context travels with it, not with its number."""
    X, _ = events
    ddf = _dask(X[["session_id"]])
    lazy = DaskEmbedder(PositionEmbedder(method="scalar")).fit(ddf).transform(ddf)
    whole = lazy.compute()
    assert_array_equal(
        lazy.partitions[5].compute(), whole.loc[ddf.partitions[5].index.compute()]
    )
    assert_array_equal(lazy.partitions[3:].compute(), whole.iloc[len(ddf.partitions[:3]) :])
    assert_array_equal(lazy.tail(7), whole.tail(7))
    assert_array_equal(lazy.loc[100:130].compute(), whole.loc[100:130])


def test_empty_frames_and_parts(client, events):
    """No rows at all is refused as in pandas; a part selecting no column is skipped."""
    X, _ = events
    ddf = _dask(X[["session_id", "item"]])
    with pytest.raises(ValueError, match="Found array with 0 sample.*every one of the 8"):
        DaskEmbedder(PositionEmbedder()).fit(ddf[ddf["item"] < -1][["session_id"]])
    recipe = ColumnTransformer(
        [
            ("value", ValueEmbedder(3, random_state=0), ["item"]),
            ("none", PositionEmbedder(), []),
        ]
    )
    _assert_same_as_pandas(recipe, ["session_id", "item"], X, None)
    # Co-occurrence without groups: one partition holding rows is one sequence.
    one = dd.concat([ddf.partitions[0], ddf.partitions[1:][ddf["item"] < -1]])
    estimator = ValueEmbedder(3, method="cooccurrence", random_state=0)
    got = DaskEmbedder(estimator).fit(one[["item"]]).transform(one[["item"]]).compute()
    part = X[["item"]].iloc[: len(got)]
    assert_array_equal(got, estimator.fit(part).transform(part))


def test_column_names_that_are_not_strings(client):
    """Integer column labels: parts are found by position, as sklearn records them."""
    X = pd.DataFrame({0: ["a", "b"] * 20, 1: np.arange(40) % 7})
    recipe = ColumnTransformer([("p", PositionEmbedder(3), [0]), ("v", ValueEmbedder(2), [1])])
    expected = recipe.fit(X).transform(X)[:, :3]
    got = DaskEmbedder(recipe).fit(_dask(X)).transform(_dask(X)).compute()
    assert_array_equal(got.to_numpy()[:, :3], expected)


def test_parquet_partitions_that_dask_would_merge(client, tmp_path):
    """dask merges small parquet partitions per column selection (X and y differently);
    fit and transform still see the files' partitions, in step."""
    frames = []
    for b in range(N_PARTITIONS):
        X, y, _ = make_event_log(n_sequences=15, random_state=b)
        X = X.assign(sequence_id=X["sequence_id"] + 100 * b, y=y, a=1.0, b=2.0, c=3.0)
        X.to_parquet(tmp_path / f"part{b}.parquet")
        frames.append(X)
    whole = pd.concat(frames, ignore_index=True)
    table = dd.read_parquet(tmp_path)
    columns = ["sequence_id", "item", "timestamp"]
    assert table["y"].optimize().npartitions < table[columns].optimize().npartitions
    recipe = make_sequence_embedder(
        value="item",
        position="sequence_id",
        temporal=["timestamp", "sequence_id"],
        value_embedder=ValueEmbedder(4, method="target"),
        temporal_embedder=TemporalEmbedder(2, features=["hour"], group_columns="sequence_id"),
    )
    embedder = DaskEmbedder(recipe).fit(table[columns], table["y"])
    got = embedder.transform(table[columns]).compute()
    expected = recipe.fit(whole[columns], whole["y"]).transform(whole[columns])
    _same_values(recipe)(got.to_numpy(), expected)


def test_transform_is_lazy(client, events):
    """transform builds a graph only: partitions that would fail are not read."""
    X, _ = events
    columns = ["session_id", "local_time"]
    estimator = TemporalEmbedder(2, features=["hour"], group_columns="session_id")
    embedder = DaskEmbedder(estimator).fit(_dask(X[columns]))

    def unreadable():
        raise RuntimeError("partition read")

    bomb = dd.from_delayed(
        [dask.delayed(unreadable)() for _ in range(3)], meta=X[columns].iloc[:0]
    )
    lazy = embedder.transform(bomb)
    assert list(lazy.columns) == list(estimator.fit(X[columns]).get_feature_names_out())
    with pytest.raises(RuntimeError, match="partition read"):
        lazy.compute()


def test_fitted_estimator_pickles_and_serves_pandas(client, events):
    """estimator_ survives pickle and transforms pandas frames like the pandas fit."""
    X, y = events
    columns = ["item", "session_id", "local_time"]
    recipe = make_sequence_embedder(
        value="item",
        position="session_id",
        temporal="local_time",
        value_embedder=ValueEmbedder(random_state=0),
    )
    embedder = DaskEmbedder(recipe).fit(*_dask(X[columns], y))
    restored = pickle.loads(pickle.dumps(embedder.estimator_))
    assert_array_equal(
        restored.transform(X[columns]), recipe.fit(X[columns]).transform(X[columns])
    )
    assert_array_equal(embedder.get_feature_names_out(), recipe.get_feature_names_out())
    assert embedder.n_features_in_ == 3
    assert list(embedder.feature_names_in_) == columns


def test_output_feeds_a_regressor(client, events):
    """The hand-off: compute the lazy features and fit any sklearn regressor."""
    X, y = events
    ddf, dy = _dask(X[["item", "session_id"]], y)
    recipe = make_sequence_embedder(value="item", position="session_id")
    features = DaskEmbedder(recipe).fit(ddf, dy).transform(ddf)
    model = Ridge().fit(features.compute(), dy.compute())
    assert model.coef_.shape == (len(features.columns),)


def test_fit_transform(client, events):
    """fit_transform: fit then transform on dask; the estimator's own on pandas."""
    X, y = events
    ddf = _dask(X[["session_id"]])
    got = DaskEmbedder(PositionEmbedder(3)).fit_transform(ddf).compute()
    assert_array_equal(got, PositionEmbedder(3).fit_transform(X[["session_id"]]))
    target = ValueEmbedder(3, method="target", random_state=0)
    cross_fitted = DaskEmbedder(target).fit_transform(X[["item"]], y)
    assert_array_equal(cross_fitted, target.fit_transform(X[["item"]], y))
    with pytest.raises(ValueError, match="cross-fits only on pandas"):
        DaskEmbedder(target).fit_transform(*_dask(X[["item"]], y))


def test_bad_inputs(client, events):
    """Wrong targets, partitions and parts get errors that say what is wrong."""
    X, y = events
    ddf, dy = _dask(X[["item"]], y)
    target = ValueEmbedder(method="target")
    with pytest.raises(TypeError, match="y must be a dask Series partitioned like X"):
        DaskEmbedder(target).fit(ddf, y)
    with pytest.raises(ValueError, match="y has 4 partitions and X 8"):
        DaskEmbedder(target).fit(ddf, dy.repartition(npartitions=4))
    shifted = dd.from_pandas(y.iloc[: len(y) - 5], npartitions=N_PARTITIONS, sort=False)
    with pytest.raises(ValueError, match="Partition .* of y has .* rows and that of X"):
        DaskEmbedder(target).fit(ddf, shifted)
    scaled = ColumnTransformer([("scale", StandardScaler(), ["item"])])
    with pytest.raises(TypeError, match="part 'scale' is a StandardScaler"):
        DaskEmbedder(scaled).fit(ddf)
    with pytest.raises(TypeError, match=r"HistoryEmbedder alone, .*\); got StandardScaler"):
        DaskEmbedder(StandardScaler()).fit(ddf)
    with pytest.raises(ValueError, match="'estimator' parameter of DaskEmbedder"):
        DaskEmbedder(Ridge()).fit(ddf)
    other = ColumnTransformer([("v", ValueEmbedder(), ["item"])], remainder=StandardScaler())
    with pytest.raises(TypeError, match="remainder='drop' or 'passthrough'"):
        DaskEmbedder(other).fit(ddf)
    with pytest.raises(ValueError, match="split_every. parameter of DaskEmbedder"):
        DaskEmbedder(ValueEmbedder(), split_every=1).fit(ddf)


def test_token_kinds_that_differ_between_partitions(client):
    """An object column with ints in one partition and strings in another is refused."""
    parts = [
        pd.DataFrame({"token": pd.Series([1, 2, 3], dtype=object)}),
        pd.DataFrame({"token": pd.Series(["a", "b", "c"], dtype=object)}),
    ]
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_delayed(
            [dask.delayed(part) for part in parts], meta=parts[0].iloc[:0], verify_meta=False
        )
        with pytest.raises(TypeError, match="'token' holds integer tokens in some partitions"):
            DaskEmbedder(ValueEmbedder()).fit(ddf)


def test_invalid_parameters_are_refused_before_any_pass(client, events):
    """sklearn's parameter validation runs first, with its usual message."""
    X, _ = events
    with pytest.raises(ValueError, match="'embedding_dim' parameter of ValueEmbedder"):
        DaskEmbedder(ValueEmbedder(0)).fit(_dask(X[["item"]]))


# --- the fitted history: fit on earlier partitions, transform later ones ------------------


AS_OF_CASES = {
    "position-sinusoidal": (PositionEmbedder(6), ["session_id"]),
    "position-scalar-two-keys-missing": (
        PositionEmbedder(method="scalar"),
        ["store", "region"],
    ),
    "position-random-max-position": (
        PositionEmbedder(4, method="random", max_position=40, random_state=0),
        ["session_id"],
    ),
    "position-decay-global": (
        PositionEmbedder(3, method="decay", positions="global"),
        ["item"],
    ),
    "position-scalar-look-ahead": (
        PositionEmbedder(method="scalar", look_ahead=True),
        ["session_id"],
    ),
    "position-from-column-look-ahead": (
        PositionEmbedder(method="scalar", positions="from_column", look_ahead=True),
        ["step"],
    ),
    "temporal-aware-recency": (
        TemporalEmbedder(2, features=["hour"], group_columns="session_id"),
        ["session_id", "local_time"],
    ),
    "temporal-naive-nat-recency-missing-keys": (
        TemporalEmbedder(2, features=["hour"], group_columns=["store"]),
        ["naive_time", "store"],
    ),
}


def _assert_same_history(fitted, expected):
    """The same history_ (group keys in the same order, counts or instants) and replay_."""
    assert fitted.replay_ == expected.replay_
    if not isinstance(expected.history_, tuple):
        assert fitted.history_ == expected.history_
        return
    (keys, statistic), (expected_keys, expected_statistic) = fitted.history_, expected.history_
    pd.testing.assert_frame_equal(pd.DataFrame(keys), pd.DataFrame(expected_keys))
    assert_array_equal(
        np.asarray(statistic, dtype=float), np.asarray(expected_statistic, dtype=float)
    )


@pytest.mark.parametrize("case", list(AS_OF_CASES))
def test_fit_on_earlier_partitions_transform_later_ones(client, events, case):
    """DaskEmbedder fitted on the first rows keeps the pandas fit's history; its
    transform of the later rows (other partitions, groups split between them) continues
    it as the pandas fit/transform does and equals the whole table's fit_transform; its
    fit_transform equals pandas' fit_transform."""
    estimator, columns = AS_OF_CASES[case]
    X = events[0][columns]
    k = len(X) * 5 // 8
    first, later = X.iloc[:k], X.iloc[k:]
    embedder = DaskEmbedder(clone(estimator)).fit(_dask(first))
    pandas_fit = clone(estimator).fit(first)
    _assert_same_history(embedder.estimator_, pandas_fit)
    got = embedder.transform(_dask(later, npartitions=4)).compute().to_numpy(np.float64)
    expected = pandas_fit.transform(later)
    assert_array_equal(got, expected)
    assert_allclose(got, clone(estimator).fit_transform(X)[k:], rtol=1e-12, atol=1e-12)
    assert_array_equal(embedder.estimator_.transform(later), expected)
    whole = DaskEmbedder(clone(estimator)).fit_transform(_dask(X)).compute()
    assert_array_equal(whole.to_numpy(np.float64), clone(estimator).fit_transform(X))


def test_positions_continue_the_fitted_counts_of_pandas_cumcount(client, events):
    """The continuation's values themselves: positions of the later partitions are
    pandas' cumcount over the whole table."""
    X = events[0][["session_id"]]
    k = len(X) // 2 + 7
    embedder = DaskEmbedder(PositionEmbedder(method="scalar")).fit(_dask(X.iloc[:k]))
    got = embedder.transform(_dask(X.iloc[k:], npartitions=3)).compute()
    expected = X.groupby("session_id").cumcount().to_numpy()[k:]
    assert_array_equal(got["session_id_position"], expected)
    assert (expected > 0).any()


class RunningTotal(PartitionedMixin, TransformerMixin, BaseEstimator):
    """A user's own contract estimator: centres a column on its fitted mean and adds the
    running total of the earlier rows (which needs the rows of earlier partitions)."""

    def fit(self, X, y=None):
        return self._fit_in_memory(self._check_fit_input(X), y)

    def _fit_steps(self, X):
        def chunk(X, y):
            return [np.asarray(X, dtype=float).sum(axis=0), len(X)]

        total, n_rows = yield Reduction(chunk, add)
        self.mean_ = total / n_rows

    def transform(self, X):
        return self._transform_placed(X)

    def _transform(self, X, context):
        values = np.asarray(X, dtype=float)
        before = np.zeros(values.shape[1]) if context is None else context
        earlier = np.cumsum(values, axis=0) - values + before
        return np.hstack([values - self.mean_, earlier])

    def _needs_context(self):
        return True

    def _context_statistics(self, X):
        return np.asarray(X, dtype=float).sum(axis=0)

    def _contexts(self, statistics):
        totals = np.cumsum([np.zeros_like(statistics[0]), *statistics], axis=0)
        return list(totals[:-1])

    def get_feature_names_out(self, input_features=None):
        names = [str(name) for name in self.feature_names_in_]
        return np.asarray([f"{n}_centred" for n in names] + [f"{n}_before" for n in names])


def test_a_users_own_contract_estimator(client):
    """Any PartitionedMixin estimator fits by reductions and transforms with its context,
    alone and as a ColumnTransformer part beside an embedder, exactly as in pandas."""
    X = X_EVENTS[["step", "sequence_id"]].astype({"step": float})
    expected_total = np.cumsum(X["step"].to_numpy()) - X["step"].to_numpy()
    alone = DaskEmbedder(RunningTotal()).fit(_dask(X[["step"]]))
    assert alone.estimator_.mean_[0] == pytest.approx(X["step"].mean())
    got = alone.transform(_dask(X[["step"]])).compute().to_numpy()
    assert_allclose(got[:, 1], expected_total)
    assert_allclose(got[:, 0], X["step"] - X["step"].mean())
    recipe = ColumnTransformer(
        [("own", RunningTotal(), ["step"]), ("position", PositionEmbedder(4), ["sequence_id"])]
    )
    _assert_same_as_pandas(recipe, list(X.columns), X)


def _history_embedder(**params):
    return HistoryEmbedder(
        group_columns="sequence_id",
        time_column="local_time",
        time_half_lives=["1h"],
        last=2,
        random_state=0,
        **params,
    )


def test_history_embedder_fits_and_transforms_partition_after_partition(client):
    """HistoryEmbedder on dask: its state is built over the partitions in order, so
    fit_transform (ordered target statistics included) and the transform of later
    rows equal pandas; the fitted rows again are refused by name, not misplaced."""
    columns = ["item", "sequence_id", "local_time"]
    X, y = X_EVENTS[columns], Y_EVENTS
    X_dask, y_dask = _dask(X, y)
    got = DaskEmbedder(_history_embedder()).fit_transform(X_dask, y_dask).compute()
    expected = _history_embedder().fit_transform(X, y)
    assert list(got.columns) == list(_history_embedder().fit(X, y).get_feature_names_out())
    assert_allclose(got.to_numpy(), expected, atol=1e-12)
    assert_array_equal(got.index, X.index)
    k = len(X) // 2
    fitted = DaskEmbedder(_history_embedder()).fit(*_dask(X[:k], y[:k], npartitions=3))
    later = fitted.transform(_dask(X[k:], npartitions=5)).compute()
    assert_allclose(later.to_numpy(), _history_embedder().fit(X[:k], y[:k]).transform(X[k:]))
    with pytest.raises(ValueError, match="holds the rows HistoryEmbedder was fitted on"):
        fitted.transform(_dask(X[:k], npartitions=2)).compute()
    with pytest.raises(ValueError, match="history='ignore'"):
        DaskEmbedder(_history_embedder(history="ignore")).fit(_dask(X[:k]))


@settings(max_examples=15, deadline=None)
@given(
    n_partitions=st.integers(1, 6),
    split=st.floats(0.1, 0.9),
    seed=st.integers(0, 10_000),
)
def test_property_history_embedder_on_dask_equals_pandas(n_partitions, split, seed):
    """Any partitioning and split point: fit on the first rows, transform the rest,
    and fit_transform with y, on dask, equal pandas (synchronous scheduler)."""
    rng = np.random.default_rng(seed)
    n_rows = 80
    X = pd.DataFrame(
        {
            "item": rng.integers(0, 6, n_rows),
            "user": rng.integers(0, 5, n_rows),
            "when": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(np.sort(rng.integers(0, 10**6, n_rows)), unit="s"),
        }
    )
    y = pd.Series(rng.normal(size=n_rows), name="y")
    make = lambda: HistoryEmbedder(  # noqa: E731
        group_columns="user",
        time_column="when",
        time_half_lives=["1h"],
        last=1,
        random_state=0,
    )
    k = int(split * n_rows)
    with dask.config.set(scheduler="synchronous"):
        whole = DaskEmbedder(make()).fit_transform(*_dask(X, y, n_partitions)).compute()
        fitted = DaskEmbedder(make()).fit(_dask(X[:k], npartitions=min(n_partitions, k)))
        later = fitted.transform(_dask(X[k:], npartitions=n_partitions)).compute()
    assert_allclose(whole.to_numpy(), make().fit_transform(X, y), atol=1e-12)
    assert_allclose(later.to_numpy(), make().fit(X[:k]).transform(X[k:]), atol=1e-12)


def test_target_on_class_labels_equals_pandas(client, events):
    """Class labels found by a reduction over the partitions, then counted per class:
    the same tables as the pandas fit (counts only: exact)."""
    X, y = events
    labels = np.where(y > np.median(y), "high", np.where(y > np.quantile(y, 0.2), "mid", "low"))
    estimator = ValueEmbedder(4, method="target")
    expected = estimator.fit(X[["item"]], labels).transform(X[["item"]])
    ddf, dy = _dask(X[["item"]], pd.Series(labels, index=X.index))
    embedder = DaskEmbedder(estimator).fit(ddf, dy)
    assert_array_equal(embedder.transform(ddf).compute().to_numpy(), expected)
    assert embedder.estimator_.classes_.tolist() == ["high", "low", "mid"]
