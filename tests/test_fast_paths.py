"""The small-input paths of issue 17 against the paths they stand in for.

``make_sequence_embedder``'s ColumnTransformer serves pandas frames without joblib or
sub-frames: its output must be scikit-learn's own ``ColumnTransformer.transform``'s, and
every case it does not serve must reach scikit-learn's. Few string tokens are found by
bisection instead of pyarrow's hash lookup; zone offsets, tables of dates and fitted
histories are kept between calls. Each is checked against an independent reference:
scikit-learn's transform, pyarrow's ``index_in``, pandas' ``tz_convert`` and accessors.
"""

import pickle
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from numpy.testing import assert_array_equal
from sklearn import compose
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sk_seqembed import (
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    _columns,
    _tokens,
    _wall_clock,
    make_sequence_embedder,
)


def _events(n, seed=0):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")
    return pd.DataFrame(
        {
            "item": rng.integers(0, 40, n),
            "g": rng.integers(0, 25, n),
            "t": start + pd.to_timedelta(np.sort(rng.integers(0, 10**7, n)), unit="s"),
            "price": rng.normal(size=n),
            "shop": rng.choice(["a", "b", "c"], n),
        }
    )


def _sklearn_transform(column_transformer, X):
    """scikit-learn's own ColumnTransformer.transform of the fitted transformer."""
    return compose.ColumnTransformer.transform(column_transformer, X)


@pytest.fixture(scope="module")
def recipe():
    X = _events(3000)
    embedder = make_sequence_embedder(
        value=["item"],
        position=["g"],
        temporal=["t"],
        value_embedder=ValueEmbedder(4, random_state=0),
    )
    return embedder.fit(X.iloc[:2000]), X


@pytest.mark.parametrize(
    "served",
    [
        lambda X: X.iloc[2000:],
        lambda X: X.iloc[[2500]],
        lambda X: X.iloc[2000:2007][["t", "price", "g", "shop", "item"]],  # reordered
        lambda X: X.iloc[2000:2003].assign(extra=1.0),  # a column fit did not see
        lambda X: X.iloc[:0],
    ],
    ids=["batch", "one-row", "reordered", "extra-column", "zero-rows"],
)
def test_recipe_serves_what_sklearn_columntransformer_gives(recipe, served):
    embedder, X = recipe
    rows = served(X)
    ours = embedder.transform(rows)
    assert isinstance(ours, np.ndarray)
    assert_array_equal(ours, _sklearn_transform(embedder, rows))


def test_recipe_keeps_the_columntransformer_name_clone_and_pickle(recipe):
    embedder, X = recipe
    assert isinstance(embedder, compose.ColumnTransformer)
    assert type(embedder).__name__ == "ColumnTransformer"
    # Pipeline step names, hence GridSearchCV parameter names, are unchanged.
    assert make_pipeline(embedder, Ridge()).steps[0][0] == "columntransformer"
    assert type(clone(embedder)) is type(embedder)
    restored = pickle.loads(pickle.dumps(embedder))
    assert_array_equal(restored.transform(X.iloc[[2999]]), embedder.transform(X.iloc[[2999]]))


def test_recipe_pandas_output_goes_through_sklearn(recipe):
    embedder, X = recipe
    expected = embedder.transform(X.iloc[2000:2010])
    names = embedder.get_feature_names_out()
    try:
        out = embedder.set_output(transform="pandas").transform(X.iloc[2000:2010])
    finally:
        embedder.set_output(transform="default")
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(names)
    assert_array_equal(out.to_numpy(), expected)


@pytest.mark.parametrize(
    "options",
    [
        {"remainder": "passthrough"},
        {"n_jobs": 2},
        {"value_embedder": OneHotEncoder(handle_unknown="ignore")},  # sparse output
        {"value_embedder": StandardScaler(), "value": ["price"]},  # not ours: iloc
        {"value_embedder": "drop"},
    ],
    ids=["passthrough", "n_jobs", "sparse-step", "foreign-step", "drop-step"],
)
def test_other_recipes_give_sklearn_columntransformer_output(options):
    X = _events(800)
    settings = {"value": ["item"], "position": ["g"], "temporal": ["t"]}
    settings.update(options)
    if settings.get("remainder") == "passthrough":
        X = X.drop(columns="shop")
    embedder = make_sequence_embedder(**settings).fit(X.iloc[:600])
    for rows in (X.iloc[600:], X.iloc[[700]]):
        ours = embedder.transform(rows)
        reference = _sklearn_transform(embedder, rows)
        if hasattr(reference, "toarray"):
            reference, ours = reference.toarray(), ours.toarray()
        assert_array_equal(np.asarray(ours, dtype=float), np.asarray(reference, dtype=float))


def test_missing_column_is_refused_as_sklearn_refuses_it(recipe):
    embedder, X = recipe
    with pytest.raises(ValueError, match="columns are missing"):
        embedder.transform(X.iloc[[2100]].drop(columns="g"))


def test_column_view_reads_the_columns_a_subframe_holds():
    X = _events(50)
    view = _columns.ColumnView(X, [2, 0])
    subframe = X.iloc[:, [2, 0]]
    assert _columns.column_names(view) == ["t", "item"]
    assert view.shape == subframe.shape
    for j in range(2):
        read, expected = _columns.read_column(view, j), _columns.read_column(subframe, j)
        assert (read.name, read.kind, read.dtype) == (
            expected.name,
            expected.kind,
            expected.dtype,
        )
        assert_array_equal(read.values, expected.values)


def test_duplicate_column_names_are_read_by_position():
    X = pd.DataFrame([[1, 2], [3, 4]], columns=["a", "a"])
    assert_array_equal(_columns.read_column(X, 1).values, [2, 4])


# --- few string tokens: bisection against pyarrow's hash lookup ------------------------------

VOCABULARY = ["", "a", "b", "ab", "zz", "é", "e\u0301", "日本", "tok10", "tok9", "\x00x"]


@pytest.mark.parametrize("order", ["sorted", "given"])
def test_bisection_finds_what_index_in_finds(order):
    vocabulary = np.asarray(VOCABULARY, dtype=object)
    if order == "sorted":
        vocabulary = np.asarray(sorted(VOCABULARY), dtype=object)
    lookup = _tokens.TokenLookup(vocabulary, _columns.STRING)
    queries = ["a", "", "tok9", "tok1", "e\u0301", "é", None, "zzz", "\x00x", "日本"]
    values = pa.array(queries, type=pa.large_string())
    expected = pc.fill_null(
        pc.index_in(values, value_set=pa.array(vocabulary, type=pa.large_string())), -1
    ).to_numpy()
    found = lookup._bisect(values)
    present = np.asarray([q is not None for q in queries])
    assert_array_equal(found[present], expected[present])


def test_string_tokens_embed_alike_alone_and_in_bulk():
    rng = np.random.default_rng(3)
    tokens = pd.Series(rng.integers(0, 3000, 20_000)).map("u{}".format)
    X = pd.DataFrame({"name": tokens})
    embedder = ValueEmbedder(3, random_state=0).fit(X.iloc[:15_000])
    whole = embedder.transform(X)  # hash lookup
    for i in (0, 15_001, 19_999):
        assert_array_equal(embedder.transform(X.iloc[[i]]), whole[[i]])  # bisection


# --- kept zone offsets and date tables -------------------------------------------------------


def test_offset_blocks_convert_as_pandas_across_a_block_boundary():
    per_hour = 3600
    boundary = _wall_clock.HourlyOffsets.BLOCK_HOURS * 5 * per_hour
    ticks = boundary + np.arange(-3 * 86_400, 3 * 86_400, 997, dtype=np.int64)
    for zone in ("Europe/Paris", "Asia/Kolkata", "America/St_Johns"):
        offsets = _wall_clock.HourlyOffsets.build(
            int(ticks.min()), int(ticks.max()), "s", zone, ticks.size
        )
        expected = (
            pd.DatetimeIndex(ticks.view("datetime64[s]"))
            .tz_localize("UTC")
            .tz_convert(zone)
            .tz_localize(None)
            .to_numpy()
            .view(np.int64)
        )
        assert_array_equal(offsets.local(ticks), expected)


def test_few_rows_across_date_blocks_match_pandas_fields():
    # 4,096-day blocks: rows on either side of a boundary are computed, not gathered.
    days = np.array([4095, 4096, 8191, 8192, -1, 0], dtype="datetime64[D]")
    X = pd.DataFrame({"t": pd.to_datetime(days.astype("datetime64[s]")) + pd.Timedelta("13h")})
    embedder = TemporalEmbedder(method="fixed", features=["weekday", "day", "month"])
    embedder.set_output(transform="pandas").fit(X)
    served = embedder.transform(X)
    period = {"weekday": 7, "day": 31, "month": 12}
    first = {"weekday": 0, "day": 1, "month": 1}
    accessor = {"weekday": "day_of_week", "day": "day", "month": "month"}
    for field in ("weekday", "day", "month"):
        values = getattr(X["t"].dt, accessor[field]).to_numpy()
        angle = 2 * np.pi * ((values - first[field]) / period[field])
        np.testing.assert_allclose(served[f"t_{field}_fixed0"], np.sin(angle), atol=1e-12)
        np.testing.assert_allclose(served[f"t_{field}_fixed1"], np.cos(angle), atol=1e-12)


def test_concurrent_serving_threads_agree():
    X = _events(4000)
    X["ta"] = X["t"].dt.tz_localize("Europe/Paris", nonexistent="shift_forward")
    steps = [
        (PositionEmbedder(6).fit(X[["g"]].iloc[:3000]), ["g"]),
        (TemporalEmbedder().fit(X[["ta"]].iloc[:3000]), ["ta"]),
        (ValueEmbedder(3, random_state=0).fit(X[["shop"]].iloc[:3000]), ["shop"]),
    ]
    expected = [
        [embedder.transform(X[columns].iloc[[i]]) for i in range(3000, 3100)]
        for embedder, columns in steps
    ]
    failures = []

    def serve():
        for (embedder, columns), rows in zip(steps, expected, strict=True):
            for i, row in zip(range(3000, 3100), rows, strict=True):
                if not np.array_equal(embedder.transform(X[columns].iloc[[i]]), row):
                    failures.append((type(embedder).__name__, i))

    threads = [threading.Thread(target=serve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_recipe_weighs_steps_as_sklearn_does():
    X = _events(600)
    embedder = make_sequence_embedder(value=["item"], position=["g"], temporal=["t"])
    embedder.set_params(transformer_weights={"value": 10.0, "temporal": 0.5}).fit(X.iloc[:500])
    for rows in (X.iloc[500:], X.iloc[[550]]):
        assert_array_equal(embedder.transform(rows), _sklearn_transform(embedder, rows))


def test_recipe_leaves_non_string_labels_to_sklearn(recipe):
    embedder, X = recipe
    rows = X.iloc[[2100]].assign(**{"7": 1.0}).rename(columns={"7": 7})
    with pytest.raises(TypeError):
        _sklearn_transform(embedder, rows)
    with pytest.raises(TypeError):
        embedder.transform(rows)


# --- continuing groups: the kept history index against merging the tables -------------------

KEY_CASES = {
    "int": lambda rng, n: {"k": rng.integers(-5, 40, n)},
    "float": lambda rng, n: {"k": rng.choice([0.5, -0.0, 0.0, 2.0, np.nan], n)},
    "str": lambda rng, n: {"k": rng.choice(["a", "b", "é", "", None], n)},
    "nul-suffixed str": lambda rng, n: {"k": rng.choice(["a", "a\x00", "b"], n)},
    "datetime": lambda rng, n: {
        "k": pd.Timestamp("2024-01-01")
        + pd.to_timedelta(rng.integers(0, 5, n) * 1500, unit="ns")
    },
    "two columns": lambda rng, n: {"k": rng.integers(0, 4, n), "k2": rng.choice(["x", "y"], n)},
}


@pytest.mark.parametrize("case", list(KEY_CASES))
def test_kept_history_index_continues_groups_as_merging_does(case, monkeypatch):
    from sk_seqembed import _groups

    rng = np.random.default_rng(11)
    X = pd.DataFrame(KEY_CASES[case](rng, 300))
    embedder = PositionEmbedder(4).fit(X.iloc[:200])
    served = [embedder.transform(X.iloc[[i]]) for i in range(200, 230)]
    batch = embedder.transform(X.iloc[200:])
    # The reference: the history and the input merged as tables (no kept index).
    monkeypatch.setattr(_groups, "rows_in_history", lambda history_keys, keys: None)
    assert_array_equal(batch, embedder.transform(X.iloc[200:]))
    for i, row in zip(range(200, 230), served, strict=True):
        assert_array_equal(row, embedder.transform(X.iloc[[i]]))


def test_kept_history_index_does_not_keep_a_dropped_model_alive():
    import gc
    import weakref

    X = pd.DataFrame({"k": np.arange(5000) % 700})
    embedder = PositionEmbedder(4).fit(X)
    embedder.transform(X.iloc[[3]])
    keys = weakref.ref(embedder.history_[0]["key0"])
    del embedder
    gc.collect()
    assert keys() is None


def test_serving_leaves_the_callers_frame_unchanged(recipe):
    embedder, X = recipe
    rows = X.iloc[[2100, 2200]].copy()
    rows["ta"] = rows["t"].dt.tz_localize("Europe/Paris")
    before = rows.copy()
    embedder.transform(rows)
    TemporalEmbedder().fit(rows[["ta"]]).transform(rows[["ta"]])
    pd.testing.assert_frame_equal(rows, before)
