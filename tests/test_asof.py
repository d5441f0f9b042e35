"""The as-of rule across estimators: a row's sequence features depend on that row and
the earlier rows of its group only, the rows fit (and partial_fit) saw first.

Properties run over random interleavings of groups (new and continuing ones), key
kinds and split points, on every dataframe backend, for every PositionEmbedder method
and position source and for TemporalEmbedder's recency; values are checked against
pandas over the concatenated table (``groupby().cumcount()``, ``groupby().diff()``),
not only against each other. The decided cases (replays, out-of-order rows,
``history="ignore"``, look-ahead features, the state's budget and size) follow.
"""

import copy
import pickle
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline

from sk_seqembed import (
    EmbeddingSum,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
    observe,
)
from tests.conftest import Backend, joblib_round_trip, skops_round_trip

PROPERTY = settings(max_examples=20, deadline=None)
SERVING = settings(max_examples=12, deadline=None)  # a whole pipeline per example

# --- the estimators and their references -----------------------------------------------------

# Every method; random with max_position set, so the table does not depend on how many
# rows fit saw.
METHODS = {
    "sinusoidal": {"embedding_dim": 6},
    "random": {"embedding_dim": 4, "method": "random", "max_position": 5, "random_state": 0},
    "scalar": {"method": "scalar"},
    "decay": {"embedding_dim": 3, "method": "decay", "max_scale": 16.0},
}
SOURCES = ["within_group", "global"]
CAUSAL = [
    (method, source, {**params, "positions": source})
    for method, params in METHODS.items()
    for source in SOURCES
]
# Look-ahead features count the fitted history too, so the split property holds for
# them; appending rows changes them, by definition.
LOOK_AHEAD = [
    ("scalar", source, {"method": "scalar", "look_ahead": True, "positions": source})
    for source in SOURCES
] + [
    (
        "sinusoidal",
        source,
        {"embedding_dim": 4, "reverse": True, "look_ahead": True, "positions": source},
    )
    for source in SOURCES
]

TIME_ZONES = [None, "Europe/Paris", "America/New_York"]


def temporal(keys=("k",)):
    return TemporalEmbedder(2, features=["hour"], group_columns=list(keys))


def key_columns(source):
    """The group key columns of a generated table: ``k``, and ``k2`` when drawn."""
    return [name for name in source.columns if name.startswith("k")]


def signed_log(seconds):
    seconds = np.asarray(seconds, dtype=float)
    return np.sign(seconds) * np.log1p(np.abs(seconds))


def cumcount(source):
    """Each row's position in its group over the whole (pandas) table."""
    return source.groupby(key_columns(source), dropna=False, sort=False).cumcount().to_numpy()


def group_sizes(source):
    groups = source.groupby(key_columns(source), dropna=False, sort=False)
    return groups["k"].transform("size").to_numpy()


def position_reference(params, position, length, fitted):
    """The features of int ``position`` (in groups of ``length``), written out."""
    position = np.asarray(position, dtype=np.int64)
    method = params.get("method", "sinusoidal")
    if params.get("reverse"):
        position = length - 1 - position
    if method == "scalar":
        if not params.get("look_ahead"):
            return position[:, None].astype(float)
        fraction = np.where(length > 1, position / np.maximum(length - 1, 1), 0.0)
        return np.column_stack([position, length - 1 - position, length, fraction])
    dim = params["embedding_dim"]
    j = np.arange(dim)
    if method == "sinusoidal":
        angle = position[:, None] / 10000.0 ** (2 * (j // 2) / dim)
        return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))
    if method == "decay":
        scales = params["max_scale"] ** ((j + 1) / dim)
        return np.exp(-position[:, None] / scales)
    # random: the fitted table's row per position, clipped at max_position.
    return fitted.table_[np.minimum(position, params["max_position"])]


def expected_positions(source, params):
    """Positions (and group lengths) of every row of the whole pandas table."""
    if params.get("positions") == "global":
        n_rows = len(source)
        return np.arange(n_rows), np.full(n_rows, n_rows)
    return cumcount(source), group_sizes(source)


def recency_reference(source):
    """Seconds since the group's previous present instant and its first one, as
    sign(x) * log1p(|x|), from pandas' groupby().diff() and first(); NaT rows: 0."""
    out = np.zeros((len(source), 2))
    present = source["t"].notna().to_numpy()
    rows = source[present]
    times = rows.groupby(key_columns(source), dropna=False, sort=False)["t"]
    since_previous = times.diff().dt.total_seconds().fillna(0.0)
    since_start = (rows["t"] - times.transform("first")).dt.total_seconds()
    out[present, 0] = signed_log(since_previous)
    out[present, 1] = signed_log(since_start)
    return out


# --- tables: random interleavings of groups, several key kinds -------------------------------

DAY = pd.Timedelta(days=1)
# Group number -> key column (group 0 is the missing key in the "-with-missing" kinds).
KEY_KINDS = {
    "ints": lambda g: pd.Series([7919 * x - 11 for x in g], dtype=np.int64),
    "strings": lambda g: pd.Series([f"user-{x}" for x in g], dtype=object),
    "datetimes": lambda g: pd.Series([pd.Timestamp("2024-01-01") + x * DAY for x in g]),
    "ints-with-missing": lambda g: pd.Series([np.nan if x == 0 else x - 3 for x in g]),
    "strings-with-missing": lambda g: pd.Series(
        [None if x == 0 else "abcdef"[x] for x in g], dtype=object
    ),
    "nanosecond-datetimes": lambda g: pd.Series(
        [pd.Timestamp("2024-01-01") + pd.Timedelta(x, "ns") for x in g], dtype="datetime64[ns]"
    ),
    "datetimes-with-missing": lambda g: pd.Series(
        [pd.NaT if x == 0 else pd.Timestamp("2024-01-01") + x * DAY for x in g],
        dtype="datetime64[s]",
    ),
}


@st.composite
def event_tables(draw, with_time=False, min_rows=2):
    """A dict of columns: group key ``k`` of any kind, sometimes with a second key
    column ``k2`` (ints), and with ``with_time`` a time ``t`` with NaT, naive or aware."""
    n_groups = draw(st.integers(1, 6))
    groups = draw(st.lists(st.integers(0, n_groups - 1), min_size=min_rows, max_size=30))
    kind = draw(st.sampled_from(sorted(KEY_KINDS)))
    if draw(st.booleans()):
        columns = {"k": KEY_KINDS[kind](groups)}
    else:
        # Two key columns: a group is a combination of both.
        columns = {
            "k": KEY_KINDS[kind]([g % 2 for g in groups]),
            "k2": pd.Series([g // 2 for g in groups], dtype=np.int64),
        }
    if with_time:
        n_rows = len(groups)
        seconds = draw(
            st.lists(
                st.one_of(st.none(), st.integers(0, 20 * 86_400)),
                min_size=n_rows,
                max_size=n_rows,
            )
        )
        if draw(st.booleans()):
            # Mostly in time order, as event logs are (out-of-order rows stay allowed).
            present = sorted(s for s in seconds if s is not None)
            seconds = [None if s is None else present.pop(0) for s in seconds]
        offsets = pd.to_timedelta(pd.Series(seconds, dtype=float), unit="s")
        when = (pd.Timestamp("2024-03-01") + offsets).astype("datetime64[s]")
        zone = draw(st.sampled_from(TIME_ZONES))
        if zone is not None:
            when = when.dt.tz_localize("UTC").dt.tz_convert(zone)
        columns["t"] = when
    return columns


# Each property runs on pandas with numpy dtypes, pandas with extension dtypes (nullable
# or pyarrow, drawn per example) and polars.
BACKEND_KINDS = {
    "pandas-numpy": st.just("pandas-numpy"),
    "pandas-extension": st.sampled_from(["pandas-nullable", "pandas-pyarrow"]),
    "polars": st.just("polars"),
}
backend_kinds = pytest.mark.parametrize("backend_kind", list(BACKEND_KINDS))


def frames(columns, backend_kind, data):
    """The pandas source table (numpy dtypes) and the same table on a backend of
    ``backend_kind``."""
    name = data.draw(BACKEND_KINDS[backend_kind], label="backend")
    return pd.DataFrame(columns), Backend(name).frame(columns)


def rows(X, start, stop=None):
    """Rows ``start:stop`` of a pandas or polars frame."""
    if isinstance(X, pd.DataFrame):
        return X.iloc[start:stop]
    return X[start:stop]


def concat(*parts):
    if isinstance(parts[0], pd.DataFrame):
        return pd.concat(parts)
    pl = pytest.importorskip("polars")
    return pl.concat(parts)


def same_rows(a, b):
    """Whether ``b`` holds exactly the rows of ``a`` (any order): the fitted table again,
    which the replay rule gives its fitted features (tested on its own below)."""
    if len(a) != len(b):
        return False
    return Counter(map(tuple, a.astype(str).to_numpy())) == Counter(
        map(tuple, b.astype(str).to_numpy())
    )


def check_positions(got, expected, params):
    if params.get("method") == "scalar":
        assert_array_equal(got, expected)
    else:
        assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


# --- (a) fit on the past, transform the rest; (b) one event alone -------------------------


@backend_kinds
@PROPERTY
@given(columns=event_tables(), config=st.sampled_from(CAUSAL + LOOK_AHEAD), data=st.data())
def test_property_positions_continue_from_fit(backend_kind, columns, config, data):
    """fit(X[:k]).transform(X[k:]) equals fit_transform(X)[k:] and pandas' cumcount over
    the whole table, for every method and source (look-ahead ones too); one causal
    event transformed alone, fit(X[:k]).transform(X[k:k+1]), equals fit_transform(X)[k]."""
    _, _, params = config
    source, X = frames(columns, backend_kind, data)
    k = data.draw(st.integers(1, len(source) - 1), label="k")
    assume(not same_rows(source[:k], source[k:]))
    assume(not same_rows(source[:k], source[k : k + 1]))
    fitted = PositionEmbedder(**params).fit(rows(X, 0, k))
    got = fitted.transform(rows(X, k))
    whole = PositionEmbedder(**params).fit_transform(X)
    position, length = expected_positions(source, params)
    reference = position_reference(params, position, length, fitted)
    check_positions(whole, reference, params)
    check_positions(got, whole[k:], params)
    check_positions(got, reference[k:], params)
    if not params.get("look_ahead"):
        check_positions(fitted.transform(rows(X, k, k + 1)), reference[k : k + 1], params)


@backend_kinds
@PROPERTY
@given(columns=event_tables(with_time=True), data=st.data())
def test_property_recency_continues_from_fit(backend_kind, columns, data):
    """TemporalEmbedder(group_columns=...): fit(X[:k]).transform(X[k:]) equals
    fit_transform(X)[k:], and its recency equals pandas' diff and first per group over
    the whole table (NaT rows zeros, naive and aware); X[k] alone gets the same."""
    source, X = frames(columns, backend_kind, data)
    k = data.draw(st.integers(1, len(source) - 1), label="k")
    assume(not same_rows(source[:k], source[k:]))
    assume(not same_rows(source[:k], source[k : k + 1]))
    fitted = temporal(key_columns(source)).fit(rows(X, 0, k))
    got = fitted.transform(rows(X, k))
    whole = temporal(key_columns(source)).fit_transform(X)
    reference = recency_reference(source)
    assert_allclose(whole[:, -2:], reference, rtol=1e-12, atol=1e-12)
    assert_allclose(got, whole[k:], rtol=1e-12, atol=1e-12)
    assert_allclose(got[:, -2:], reference[k:], rtol=1e-12, atol=1e-12)
    alone = fitted.transform(rows(X, k, k + 1))
    assert_allclose(alone, whole[k : k + 1], rtol=1e-12, atol=1e-12)


# --- (c) later rows never change earlier ones -------------------------------------------------


@st.composite
def three_parts(draw, with_time=False):
    """A table and cut points 0 < a < b < n: A = X[:a], B = X[a:b], C = X[b:]."""
    columns = draw(event_tables(with_time=with_time, min_rows=3))
    n_rows = len(columns["k"])
    a = draw(st.integers(1, n_rows - 2))
    b = draw(st.integers(a + 1, n_rows - 1))
    return columns, a, b


@backend_kinds
@PROPERTY
@given(table=three_parts(), config=st.sampled_from(CAUSAL), data=st.data())
def test_property_appending_rows_never_changes_earlier_positions(
    backend_kind, table, config, data
):
    """fit_transform(concat(A, B))[:len(A)] equals fit_transform(A); and after fit(A),
    transform(concat(B, C))[:len(B)] equals transform(B)."""
    columns, a, b = table
    _, _, params = config
    source, X = frames(columns, backend_kind, data)
    for rest in (source[a:b], source[a:]):
        assume(not same_rows(source[:a], rest))
    A, B, C = rows(X, 0, a), rows(X, a, b), rows(X, b)
    longer = PositionEmbedder(**params).fit_transform(concat(A, B))
    check_positions(longer[:a], PositionEmbedder(**params).fit_transform(A), params)
    fitted = PositionEmbedder(**params).fit(A)
    check_positions(fitted.transform(concat(B, C))[: b - a], fitted.transform(B), params)


@backend_kinds
@PROPERTY
@given(table=three_parts(with_time=True), data=st.data())
def test_property_appending_rows_never_changes_earlier_recency(backend_kind, table, data):
    """The same for recency."""
    columns, a, b = table
    source, X = frames(columns, backend_kind, data)
    for rest in (source[a:b], source[a:]):
        assume(not same_rows(source[:a], rest))
    A, B, C = rows(X, 0, a), rows(X, a, b), rows(X, b)
    longer = temporal(key_columns(source)).fit_transform(concat(A, B))
    assert_allclose(
        longer[:a], temporal(key_columns(source)).fit_transform(A), rtol=1e-12, atol=1e-12
    )
    fitted = temporal(key_columns(source)).fit(A)
    both = fitted.transform(concat(B, C))
    assert_allclose(both[: b - a], fitted.transform(B), rtol=1e-12, atol=1e-12)


# --- (d) partial_fit: several batches equal one fit -------------------------------------------


@st.composite
def batched_tables(draw, with_time=False):
    """A table and 2 to 4 cut points: fit on the first batch, partial_fit the next ones,
    transform the rest."""
    columns = draw(event_tables(with_time=with_time, min_rows=4))
    n_rows = len(columns["k"])
    n_cuts = draw(st.integers(2, min(4, n_rows - 1)))
    cuts = draw(
        st.lists(st.integers(1, n_rows - 1), min_size=n_cuts, max_size=n_cuts, unique=True).map(
            sorted
        )
    )
    return columns, cuts


def fit_in_batches(estimator, X, cuts):
    estimator.fit(rows(X, 0, cuts[0]))
    for start, stop in zip(cuts[:-1], cuts[1:], strict=True):
        estimator.partial_fit(rows(X, start, stop))
    return estimator


@backend_kinds
@PROPERTY
@given(table=batched_tables(), config=st.sampled_from(CAUSAL + LOOK_AHEAD), data=st.data())
def test_property_partial_fit_batches_equal_one_fit(backend_kind, table, config, data):
    """fit(X[:a]).partial_fit(X[a:b])...transform(X[c:]) equals fit_transform(X)[c:] and
    the pandas reference, for every method and source (look-ahead ones too)."""
    columns, cuts = table
    _, _, params = config
    source, X = frames(columns, backend_kind, data)
    last = cuts[-1]
    # No assume(): after a partial_fit, no frame is taken for the fitted table.
    batched = fit_in_batches(PositionEmbedder(**params), X, cuts)
    got = batched.transform(rows(X, last))
    check_positions(got, PositionEmbedder(**params).fit_transform(X)[last:], params)
    position, length = expected_positions(source, params)
    reference = position_reference(params, position, length, batched)
    check_positions(got, reference[last:], params)


@backend_kinds
@PROPERTY
@given(table=batched_tables(with_time=True), data=st.data())
def test_property_partial_fit_batches_equal_one_fit_for_recency(backend_kind, table, data):
    """The same for recency, against pandas' diff over the whole table."""
    columns, cuts = table
    source, X = frames(columns, backend_kind, data)
    last = cuts[-1]
    # No assume(): after a partial_fit, no frame is taken for the fitted table.
    got = fit_in_batches(temporal(key_columns(source)), X, cuts).transform(rows(X, last))
    assert_allclose(
        got, temporal(key_columns(source)).fit_transform(X)[last:], rtol=1e-12, atol=1e-12
    )
    assert_allclose(got[:, -2:], recency_reference(source)[last:], rtol=1e-12, atol=1e-12)


# --- (e) observe: the serving loop ------------------------------------------------------------


@st.composite
def served_tables(draw):
    columns = draw(event_tables(with_time=True, min_rows=4))
    n_rows = len(columns["k"])
    columns["item"] = draw(
        st.lists(st.integers(0, 6), min_size=n_rows, max_size=n_rows).map(np.array)
    )
    k = draw(st.integers(2, n_rows - 2))
    m = draw(st.integers(k + 1, n_rows - 1))
    return columns, k, m


def serving_pipeline(keys=("k",)):
    embedder = make_sequence_embedder(
        value="item",
        position=list(keys),
        temporal=["t", *keys],
        value_embedder=ValueEmbedder(3, random_state=0),
        position_embedder=PositionEmbedder(4),
        temporal_embedder=temporal(keys),
    )
    return make_pipeline(embedder, Ridge(alpha=1e-3))


@backend_kinds
@SERVING
@given(table=served_tables(), data=st.data())
def test_property_observe_then_predict_one_event_equals_the_batch(backend_kind, table, data):
    """A pipeline fitted on X[:k]: after observe(pipe, X[k:m]), predicting X[m] alone
    equals predicting it inside X[k:] (the serving loop); the regressor stays."""
    columns, k, m = table
    source, X = frames(columns, backend_kind, data)
    y = np.asarray(columns["item"], dtype=float) + np.arange(len(source)) % 3
    keys = key_columns(source)
    for part in (keys, [*keys, "t"]):
        # X[k:] right after fit must not be the fitted table again (a replay); after
        # observe (partial_fit) no frame is, so X[m] alone needs no such care.
        assume(not same_rows(source[:k][part], source[k:][part]))
    pipe = serving_pipeline(keys).fit(rows(X, 0, k), y[:k])
    inside = pipe.predict(rows(X, k))[m - k]
    coef = pipe[-1].coef_.copy()
    assert observe(pipe, rows(X, k, m)) is pipe
    assert_allclose(pipe.predict(rows(X, m, m + 1)), [inside], rtol=1e-10, atol=1e-10)
    assert_array_equal(pipe[-1].coef_, coef)


# --- decided cases: replays -----------------------------------------------------------------


def sessions(n_rows=60, n_groups=5, seed=0):
    """Interleaved sessions with times in order (some NaT)."""
    rng = np.random.default_rng(seed)
    seconds = np.sort(rng.integers(0, 10 * 86_400, n_rows)).astype(float)
    seconds[rng.random(n_rows) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "k": rng.choice([f"s{g}" for g in range(n_groups)], n_rows).astype(object),
            "t": (pd.Timestamp("2024-03-01") + pd.to_timedelta(seconds, unit="s")).astype(
                "datetime64[s]"
            ),
        }
    )


ALL_POSITIONS = (
    CAUSAL
    + LOOK_AHEAD
    + [
        ("scalar", "from_column", {"method": "scalar", "positions": "from_column"}),
        (
            "scalar",
            "from_column",
            {"method": "scalar", "positions": "from_column", "look_ahead": True},
        ),
    ]
)


def _params_id(params):
    return "-".join(f"{key}={value}" for key, value in params.items())


@pytest.mark.parametrize("params", [p for _, _, p in ALL_POSITIONS], ids=_params_id)
@pytest.mark.parametrize("backend_name", ["pandas-pyarrow", "polars"])
def test_the_fitted_table_transformed_again_gets_its_fit_features(params, backend_name):
    """A replay (Pipeline.score on training rows): fit(X).transform(X) equals
    fit_transform(X), also when the same values come in another container."""
    X = sessions()[["k"]]
    if params["positions"] == "from_column":
        X = pd.DataFrame({"k": cumcount(sessions())})
    fitted = PositionEmbedder(**params).fit(X)
    expected = PositionEmbedder(**params).fit_transform(X)
    assert_array_equal(fitted.transform(X), expected)
    assert_array_equal(fitted.transform(Backend(backend_name).frame(dict(X))), expected)


@pytest.mark.parametrize("backend_name", ["pandas-nullable", "pandas-pyarrow", "polars"])
def test_the_fitted_table_transformed_again_gets_its_fit_recency(backend_name):
    """The same for recency; after a partial_fit, the model has moved on: the fitted
    rows are taken for new events, as after a fit on every row so far."""
    X = sessions()
    fitted = temporal().fit(X)
    expected = temporal().fit_transform(X)
    assert_allclose(expected[:, -2:], recency_reference(X), rtol=1e-12)
    assert_array_equal(fitted.transform(Backend(backend_name).frame(dict(X))), expected)
    later = sessions(seed=1)
    fitted.partial_fit(later)
    everything = temporal().fit(pd.concat([X, later], ignore_index=True))
    assert_array_equal(fitted.transform(X), everything.transform(X))
    assert not np.array_equal(fitted.transform(X), expected)


def test_pipeline_score_on_the_training_rows_uses_their_fit_features():
    """Pipeline.score on the rows it was fitted on scores the features fit_transform
    gave them (not positions placed after themselves)."""
    X = sessions(200)
    y = np.arange(len(X)) % 7 + (X["k"] == "s1")
    X = X.assign(item=np.arange(len(X)) % 3)
    score = serving_pipeline().fit(X, y).score(X, y)
    features = serving_pipeline()[0].fit_transform(X)
    by_hand = Ridge(alpha=1e-3).fit(features, y).score(features, y)
    assert score == pytest.approx(by_hand, rel=1e-12)


# --- decided cases: rows older than the history -----------------------------------------------


def test_kfold_rows_before_the_fitted_ones_are_counted_after_them():
    """KFold's first test fold lies before its training rows in time: positions have no
    clock, so its rows are placed after the fitted ones (documented)."""
    X = sessions()[["k"]]
    train, test = next(KFold(3).split(X))
    assert test.max() < train.min()
    fitted = PositionEmbedder(method="scalar").fit(X.iloc[train])
    got = fitted.transform(X.iloc[test])[:, 0]
    fitted_counts = X.iloc[train]["k"].value_counts()
    earlier = X.iloc[test]["k"].map(fitted_counts).fillna(0).to_numpy()
    assert_array_equal(got, earlier + cumcount(X.iloc[test]))
    assert (got > cumcount(X)[test]).any()


def test_kfold_rows_before_the_fitted_ones_have_a_negative_time_since_previous():
    """TemporalEmbedder counts them after the fitted rows: the first row of a continuing
    group gets the (negative) time since the group's last fitted instant, and since the
    group's first fitted instant (documented)."""
    X = sessions()
    train, test = next(KFold(3).split(X))
    fitted = temporal().fit(X.iloc[train])
    got = fitted.transform(X.iloc[test])[:, -2:]
    # pandas over the table in the order the rows were seen: training rows, then test.
    seen = pd.concat([X.iloc[train], X.iloc[test]], ignore_index=True)
    assert_allclose(got, recency_reference(seen)[len(train) :], rtol=1e-12)
    test_rows = X.iloc[test].reset_index(drop=True)
    first = test_rows.dropna(subset=["t"]).groupby("k").head(1)
    last_fitted = X.iloc[train].dropna(subset=["t"]).groupby("k")["t"].last()
    continuing = first[first["k"].isin(last_fitted.index)]
    assert len(continuing) > 0
    gap = (continuing["t"] - continuing["k"].map(last_fitted)).dt.total_seconds()
    assert (gap < 0).all()
    assert_allclose(got[continuing.index, 0], signed_log(gap), rtol=1e-12)


def test_history_ignore_computes_every_transform_in_its_own_frame():
    """history='ignore': the old behaviour, no history kept, a later frame restarts."""
    X = sessions()
    later = sessions(seed=1)
    position = PositionEmbedder(method="scalar", history="ignore").fit(X[["k"]])
    assert position.history_ is None
    assert_array_equal(position.transform(later[["k"]])[:, 0], cumcount(later))
    recency = temporal().set_params(history="ignore").fit(X)
    assert recency.history_ is None
    assert_allclose(recency.transform(later)[:, -2:], recency_reference(later), rtol=1e-12)
    recency.partial_fit(later)
    assert recency.history_ is None


def test_unknown_groups_start_fresh():
    """A group fit never saw starts at position 0, with zero recency."""
    X = sessions()
    new = pd.DataFrame(
        {"k": ["new", "s1", "new"], "t": pd.to_datetime(["2024-04-01"] * 3).astype("M8[s]")}
    )
    position = PositionEmbedder(method="scalar").fit(X[["k"]])
    assert_array_equal(position.transform(new[["k"]])[:, 0], [0, (X["k"] == "s1").sum(), 1])
    got = temporal().fit(X).transform(new)[:, -2:]
    assert_array_equal(got[[0, 2]], [[0.0, 0.0], [0.0, 0.0]])
    assert got[1, 0] > 0


def test_features_without_earlier_rows_keep_no_history():
    """Positions from a column (no look-ahead) and calendar features depend on the row
    alone: nothing is kept, and a later frame gets the same features."""
    X = pd.DataFrame({"p": [3, 0, 1]})
    assert PositionEmbedder(positions="from_column").fit(X).history_ is None
    calendar = TemporalEmbedder(2, features=["hour"]).fit(sessions()[["t"]])
    assert calendar.history_ is None
    later = sessions(seed=1)[["t"]]
    assert_array_equal(
        calendar.transform(later), TemporalEmbedder(2, features=["hour"]).fit_transform(later)
    )


# --- decided cases: look-ahead features are opt-in -------------------------------------------


@pytest.mark.parametrize("positions", ["within_group", "global", "from_column"])
def test_reverse_without_look_ahead_is_refused_naming_look_ahead(positions):
    """reverse=True looks ahead: fit, fit_transform and partial_fit refuse it without
    look_ahead=True."""
    X = pd.DataFrame({"k": [0, 1, 0]})
    embedder = PositionEmbedder(reverse=True, positions=positions)
    for call in (embedder.fit, embedder.fit_transform, embedder.partial_fit):
        with pytest.raises(ValueError, match=r"reverse=True .*look_ahead=True"):
            call(X)
    assert PositionEmbedder(reverse=True, look_ahead=True, positions=positions).fit(X)


def test_scalar_is_one_causal_feature_and_four_with_look_ahead():
    """method='scalar' gives the position alone; look_ahead adds reverse position,
    length and fraction, whose lengths count the fitted rows too."""
    X = sessions()[["k"]]
    causal = PositionEmbedder(method="scalar").fit(X[:40])
    assert causal.get_feature_names_out().tolist() == ["k_position"]
    assert causal.transform(X[40:]).shape == (20, 1)
    ahead = PositionEmbedder(method="scalar", look_ahead=True).fit(X[:40])
    assert ahead.get_feature_names_out().tolist() == [
        "k_position",
        "k_reverse_position",
        "k_group_length",
        "k_fraction",
    ]
    got = ahead.transform(X[40:])
    position, length = cumcount(X)[40:], group_sizes(X)[40:]
    assert_array_equal(got[:, 0], position)
    assert_array_equal(got[:, 1], length - 1 - position)
    assert_array_equal(got[:, 2], length)
    assert_allclose(got[:, 3], np.where(length > 1, position / np.maximum(length - 1, 1), 0))


def test_the_default_recipe_is_causal():
    """make_sequence_embedder's defaults: appending later rows to a transformed frame
    changes none of its rows' features; positions continue the fitted groups."""
    X = sessions(80).assign(item=np.arange(80) % 4)
    recipe = make_sequence_embedder(value="item", position="k", temporal="t").fit(X[:50])
    assert_array_equal(recipe.transform(X[50:80])[:10], recipe.transform(X[50:60]))
    names = recipe.get_feature_names_out()
    position = [name.startswith("position__") for name in names]
    assert not any("reverse" in name or "length" in name for name in names)
    expected = PositionEmbedder().fit_transform(X[["k"]])[50:]
    assert_allclose(recipe.transform(X[50:])[:, position], expected, rtol=1e-12, atol=1e-12)


# --- decided cases: the state -----------------------------------------------------------------


def many_groups(n_groups=1000):
    return pd.DataFrame(
        {
            "k": np.arange(n_groups).astype(str).astype(object),
            "t": pd.date_range("2024-01-01", periods=n_groups, freq="h"),
        }
    )


@pytest.mark.parametrize(
    "make", [lambda: PositionEmbedder(method="scalar"), temporal], ids=["position", "temporal"]
)
def test_a_history_beyond_max_state_bytes_is_refused_naming_the_way_out(make):
    """max_state_bytes: fit (and a partial_fit that grows the state) raise a MemoryError
    naming history='ignore'; history='ignore' or max_state_bytes=None fit."""
    X = many_groups()
    columns = ["k"] if isinstance(make(), PositionEmbedder) else ["k", "t"]
    with pytest.raises(MemoryError, match=r"above max_state_bytes=1,000\..*history='ignore'"):
        make().set_params(max_state_bytes=1000).fit(X[columns])
    assert make().set_params(max_state_bytes=1000, history="ignore").fit(X[columns])
    assert make().set_params(max_state_bytes=None).fit(X[columns]).history_ is not None
    small = make().set_params(max_state_bytes=2000).fit(X[columns][:5])
    with pytest.raises(MemoryError, match="history='ignore'"):
        small.partial_fit(X[columns][5:])
    # The refused batch left the history as it was (keys: one array per key column).
    assert len(pd.DataFrame(small.history_[0])) == 5


def test_the_history_holds_one_row_per_group():
    """100,000 rows of 50 groups: the history keeps 50 groups (row counts, first and last
    instants), not the rows."""
    rng = np.random.default_rng(0)
    n_rows = 100_000
    X = pd.DataFrame(
        {
            "k": rng.integers(0, 50, n_rows) * 1000,
            "t": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n_rows), unit="min"),
        }
    )
    keys, counts = PositionEmbedder().fit(X[["k"]]).history_
    assert len(pd.DataFrame(keys)) == 50 and counts.shape == (50,)
    assert sorted(counts.tolist()) == sorted(X["k"].value_counts().tolist())
    assert PositionEmbedder(positions="global").fit(X[["k"]]).history_ == n_rows
    keys, per_column = temporal().fit(X).history_
    ((first, last),) = per_column
    assert len(pd.DataFrame(keys)) == 50 and first.shape == last.shape == (50,)
    seconds = (X["t"] - pd.Timestamp("1970-01-01")).dt.total_seconds()
    by_group = seconds.groupby(X["k"])
    assert sorted(first.tolist()) == sorted(by_group.first().tolist())
    assert sorted(last.tolist()) == sorted(by_group.last().tolist())


@pytest.mark.parametrize(
    "round_trip",
    [
        lambda e: pickle.loads(pickle.dumps(e)),
        joblib_round_trip,
        copy.deepcopy,
        skops_round_trip,
    ],
    ids=["pickle", "joblib", "deepcopy", "skops"],
)
@pytest.mark.parametrize(
    "make",
    [lambda: PositionEmbedder(method="scalar"), temporal],
    ids=["position", "temporal"],
)
def test_serialised_estimators_keep_their_history(make, round_trip):
    """A saved and loaded estimator continues the fitted groups as the original does."""
    X = sessions()
    columns = ["k"] if isinstance(make(), PositionEmbedder) else ["k", "t"]
    fitted = make().fit(X[columns][:40])
    expected = fitted.transform(X[columns][40:])
    assert_array_equal(round_trip(fitted).transform(X[columns][40:]), expected)
    assert_array_equal(
        expected[:, 0] if columns == ["k"] else expected[:, -2:],
        cumcount(X)[40:] if columns == ["k"] else recency_reference(X)[40:],
    )


def test_clone_forgets_the_history_and_a_refit_rebuilds_it():
    """clone gives an unfitted estimator (sklearn's rule); refitted, the same history."""
    X = sessions()[["k"]]
    fitted = PositionEmbedder(method="scalar").fit(X[:40])
    unfitted = clone(fitted)
    assert not hasattr(unfitted, "history_")
    refit = unfitted.fit(X[:40])
    assert_array_equal(refit.transform(X[40:]), fitted.transform(X[40:]))


@pytest.mark.parametrize(
    "make", [lambda: PositionEmbedder(method="scalar"), temporal], ids=["position", "temporal"]
)
def test_partial_fit_on_an_unfitted_estimator_fits(make):
    """The first partial_fit is a fit: the same history and the same continuation."""
    X = sessions()
    columns = ["k"] if isinstance(make(), PositionEmbedder) else ["k", "t"]
    first = make().partial_fit(X[columns][:40])
    fitted = make().fit(X[columns][:40])
    assert first.replay_ == fitted.replay_
    assert_array_equal(first.transform(X[columns][40:]), fitted.transform(X[columns][40:]))


def test_partial_fit_keeps_what_fit_learned():
    """partial_fit only advances the history: the random table, the largest position,
    the fields and the trend origin stay."""
    X = sessions()
    position = PositionEmbedder(4, method="random", random_state=0).fit(X[["k"]][:10])
    table, largest = position.table_.copy(), position.max_position_
    position.partial_fit(X[["k"]][10:])
    assert_array_equal(position.table_, table)
    assert position.max_position_ == largest
    recency = TemporalEmbedder(group_columns="k", trend=True).fit(X[:10])
    fields, origins = copy.deepcopy(recency.fields_), list(recency.origins_)
    recency.partial_fit(sessions(seed=3))
    assert recency.fields_ == fields and recency.origins_ == origins


# --- observe: every place an embedder sits ----------------------------------------------------


def test_observe_reaches_embedders_in_column_transformers_and_sums():
    """observe advances an embedder alone, inside a ColumnTransformer and inside an
    EmbeddingSum, as a fit on every row so far would."""
    X = sessions().assign(item=np.arange(60) % 5)
    seen, observed, later = X[:25], X[25:45], X[45:]
    models = {
        "alone": (PositionEmbedder(3), ["k"]),
        "column-transformer": (
            ColumnTransformer(
                [
                    ("p", PositionEmbedder(3), ["k"]),
                    (
                        "t",
                        TemporalEmbedder(2, features=["hour"], group_columns="k"),
                        ["t", "k"],
                    ),
                    ("v", ValueEmbedder(2, random_state=0), ["item"]),
                ]
            ),
            ["k", "t", "item"],
        ),
        "embedding-sum": (
            EmbeddingSum(
                [
                    ("value", ValueEmbedder(random_state=0), ["item"]),
                    ("position", PositionEmbedder(), ["k"]),
                ],
                embedding_dim=4,
            ),
            ["k", "item"],
        ),
    }
    for name, (model, columns) in models.items():
        served = clone(model).fit(seen[columns])
        assert observe(served, observed[columns]) is served
        batch = clone(model).fit(seen[columns]).transform(pd.concat([observed, later])[columns])
        assert_allclose(
            served.transform(later[columns]), batch[len(observed) :], rtol=1e-12, err_msg=name
        )


# --- look-alike batches, time units -----------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    reason="documented limit: right after fit, a batch with exactly the fitted table's "
    "rows is taken for that table (a replay); once observed (partial_fit), it is not",
)
def test_the_next_batch_with_the_training_batchs_keys_is_no_replay():
    """Daily batches of a fixed schedule: day 2 has the same aircraft, as many flights
    each, as day 1. Fitted on day 1, day 2 continues each aircraft (positions 2 and 3),
    it is not day 1 again. The fingerprint (row count and sums of row hashes of the key
    column) cannot tell them apart."""
    day1 = pd.DataFrame({"plane": ["A", "B", "A", "B"]})
    day2 = pd.DataFrame({"plane": ["B", "A", "A", "B"]})
    got = PositionEmbedder(method="scalar").fit(day1).transform(day2)[:, 0]
    whole = pd.concat([day1, day2], ignore_index=True)
    expected = whole.groupby("plane").cumcount().to_numpy()[4:]
    assert_array_equal(got, expected)


def test_a_schedule_served_day_by_day_continues_once_observed():
    """The serving loop of a fixed schedule: once a day is observed, the next day that
    looks exactly like it (and like the fitted one) continues every aircraft."""
    day = pd.DataFrame({"plane": ["A", "B", "A", "B"]})
    embedder = PositionEmbedder(method="scalar").fit(day)
    for n_days in range(1, 4):
        embedder.partial_fit(day)
        got = embedder.transform(day)[:, 0]
        whole = pd.concat([day] * (n_days + 2), ignore_index=True)
        expected = whole.groupby("plane").cumcount().to_numpy()[-4:]
        assert_array_equal(got, expected)


@pytest.mark.parametrize("unit", ["ms", "us", "ns"])
def test_datetime_group_keys_continue_in_another_time_unit(unit):
    """The same instant is the same group key in any unit (polars reads pandas' seconds
    as milliseconds): fitted on datetime64[s] keys, a later row of that day continues
    the group, for positions and recency."""
    day = pd.to_datetime(["2024-01-01"] * 3)
    keys = pd.DataFrame({"day": day.astype("M8[s]")})
    later = pd.DataFrame({"day": day[:1].astype(f"M8[{unit}]")})
    got = PositionEmbedder(method="scalar").fit(keys).transform(later)
    assert_array_equal(got[:, 0], [3])
    X = keys.assign(t=pd.date_range("2024-01-01", periods=3, freq="h").astype("M8[s]"))
    new = later.assign(t=pd.to_datetime(["2024-01-01 05:00"]).astype(f"M8[{unit}]"))
    recency = TemporalEmbedder(2, features=["hour"], group_columns="day").fit(X)
    assert_allclose(recency.transform(new)[0, -2:], signed_log([3 * 3600, 5 * 3600]))


def test_the_fitted_table_in_another_time_unit_is_a_replay():
    """The fitted table again with its times in nanoseconds (or through polars, which
    holds them in milliseconds) is a replay: it gets its fit features, not placed
    after itself (negative recency)."""
    X = pd.DataFrame(
        {"k": ["a", "a"], "t": pd.to_datetime(["2024-01-01", "2024-01-02"]).astype("M8[s]")}
    )
    fitted = temporal().fit(X)
    expected = temporal().fit_transform(X)
    assert_array_equal(fitted.transform(X.astype({"t": "M8[ns]"})), expected)


def test_datetime_keys_a_nanosecond_apart_stay_two_groups_across_the_history():
    """Keys a nanosecond apart are two groups within a frame (pandas' groupby too), so
    they stay two groups when the second half continues the first: the split property
    holds for datetime64[ns] keys."""
    t0 = pd.Timestamp("2024-01-01")
    keys = [t0, t0 + pd.Timedelta(1, "ns"), t0, t0 + pd.Timedelta(1, "ns"), t0]
    X = pd.DataFrame({"k": pd.Series(keys).astype("M8[ns]")})
    assert_array_equal(PositionEmbedder(method="scalar").fit_transform(X)[:, 0], cumcount(X))
    got = PositionEmbedder(method="scalar").fit(X[:2]).transform(X[2:])
    assert_array_equal(got[:, 0], cumcount(X)[2:])


@pytest.mark.parametrize(
    "make, fit_frame, transform_frame",
    [
        (
            lambda: PositionEmbedder(method="scalar"),
            pd.DataFrame({"g": ["a", "b", "a"]}),
            pd.DataFrame({"g": [1, 2]}),
        ),
        (
            lambda: PositionEmbedder(method="scalar"),
            pd.DataFrame({"g": [1, 2, 1]}),
            pd.DataFrame({"g": ["1", "2"]}),
        ),
        (
            lambda: TemporalEmbedder(2, features=["hour"], group_columns="g"),
            pd.DataFrame({"t": pd.date_range("2024", periods=3, freq="h"), "g": list("aba")}),
            pd.DataFrame({"t": pd.date_range("2025", periods=2, freq="h"), "g": [1.5, 2.0]}),
        ),
    ],
    ids=["strings-then-ints", "ints-then-strings", "recency-strings-then-floats"],
)
def test_string_keys_against_numeric_ones_are_refused_by_name(make, fit_frame, transform_frame):
    """A history of string keys and a transform input of numbers (or the reverse) could
    never continue a group: refused, naming the column and one value of each kind."""
    fitted = make().fit(fit_frame)
    with pytest.raises(ValueError, match=r"Group column 'g' holds strings .* numbers"):
        fitted.transform(transform_frame)
    with pytest.raises(ValueError, match=r"Group column 'g' holds strings"):
        make().fit(fit_frame).partial_fit(transform_frame)


def test_int_keys_continue_as_floats_once_a_missing_key_makes_the_column_float():
    """pandas turns an int column with a missing value into floats: key 1 and key 1.0
    are one group (as pandas' groupby on a concatenation says), so the group continues;
    the missing key is a new group of its own."""
    fitted = PositionEmbedder(method="scalar").fit(pd.DataFrame({"g": [1, 2, 1]}))
    got = fitted.transform(pd.DataFrame({"g": [1.0, np.nan, 2.0]}))
    both = pd.DataFrame({"g": [1, 2, 1, 1.0, np.nan, 2.0]})
    expected = both.groupby("g", dropna=False, sort=False).cumcount().to_numpy()
    assert_array_equal(got[:, 0], expected[3:])
