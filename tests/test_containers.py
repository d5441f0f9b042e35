"""Containers beyond pandas, polars and numpy (issue 18): pyarrow Tables and RecordBatches
and narwhals frames are read natively, with their zones, nulls and dtypes; lazy frames
and dicts are refused by name, with the fix.

The reference for every native read is the same data as a pandas frame (its own
accessors: ``.dt.hour`` of the local time, ``isna``), never the code's own output.
"""

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from numpy.testing import assert_array_equal

from sk_seqembed import (
    EmbeddingSum,
    HistoryEmbedder,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)

pl = pytest.importorskip("polars")


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(5)
    n = 400
    # Around Europe/Paris' spring change: wall clock and UTC differ by one or two hours.
    instants = pd.Timestamp("2024-03-30", tz="UTC") + pd.to_timedelta(
        np.sort(rng.integers(0, 3 * 86_400, n)), unit="s"
    )
    return pd.DataFrame(
        {
            "item": pd.array(
                np.where(rng.random(n) < 0.1, None, rng.integers(-3, 30, n)), dtype="Int64"
            ),
            "g": rng.integers(0, 12, n),
            "t": instants.tz_convert("Europe/Paris"),
            "name": pd.array(rng.choice(["a", "b", "é", None], n), dtype="str"),
        }
    )


CONTAINERS = {
    "pyarrow Table": lambda X: pa.Table.from_pandas(X, preserve_index=False),
    "pyarrow RecordBatch": lambda X: pa.RecordBatch.from_pandas(X, preserve_index=False),
    "narwhals over pandas": lambda X: nw.from_native(X),
    "narwhals over polars": lambda X: nw.from_native(pl.from_pandas(X)),
    "narwhals over pyarrow": lambda X: nw.from_native(
        pa.Table.from_pandas(X, preserve_index=False)
    ),
}

STEPS = {
    "value, nullable ints": (lambda: ValueEmbedder(3, random_state=0), ["item"]),
    "value, strings with nulls": (lambda: ValueEmbedder(3, random_state=0), ["name"]),
    "position": (lambda: PositionEmbedder(4), ["g"]),
    "temporal, aware": (lambda: TemporalEmbedder(), ["t"]),
    "history": (lambda: HistoryEmbedder(group_columns=["g"], random_state=0), None),
}


@pytest.mark.parametrize("container", list(CONTAINERS))
@pytest.mark.parametrize("step", list(STEPS))
def test_containers_are_read_as_the_same_pandas_frame(frame, container, step):
    make, columns = STEPS[step]
    X = frame if columns is None else frame[columns]
    if step == "history":
        X = frame[["item", "g"]]
    expected = make().fit(X.iloc[:300]).transform(X.iloc[300:])
    native = make().fit(CONTAINERS[container](X.iloc[:300]))
    assert list(native.feature_names_in_) == list(X.columns)
    out = native.transform(CONTAINERS[container](X.iloc[300:].reset_index(drop=True)))
    assert_array_equal(out, expected)


@pytest.mark.parametrize("container", ["pyarrow Table", "narwhals over polars"])
def test_aware_times_keep_their_zone(frame, container):
    # The local hour, by pandas' own accessor: one-hot bins of the hour are its value.
    embedder = TemporalEmbedder(features=["hour"], method="onehot", embedding_dim=24)
    out = embedder.fit(CONTAINERS[container](frame[["t"]])).transform(
        CONTAINERS[container](frame[["t"]])
    )
    assert_array_equal(out.argmax(axis=1), frame["t"].dt.hour.to_numpy())


def test_nullable_ints_stay_integer_tokens(frame):
    embedder = ValueEmbedder(2, random_state=0).fit(
        CONTAINERS["pyarrow Table"](frame[["item"]])
    )
    assert embedder.token_kinds_ == ["integer"]
    vocabulary = sorted(frame["item"].dropna().unique().tolist())
    assert list(embedder.vocabularies_[0]) == vocabulary


def test_the_recipe_takes_a_pyarrow_table(frame):
    def recipe():
        return make_sequence_embedder(
            value="item",
            position="g",
            temporal="t",
            value_embedder=ValueEmbedder(3, random_state=0),
        )

    expected = recipe().fit(frame.iloc[:300]).transform(frame.iloc[300:])
    table = CONTAINERS["pyarrow Table"]
    out = recipe().fit(table(frame.iloc[:300])).transform(table(frame.iloc[300:]))
    assert_array_equal(out, expected)


def test_embedding_sum_takes_a_narwhals_frame(frame):
    def summed():
        return EmbeddingSum(
            [
                ("value", ValueEmbedder(random_state=0), ["item"]),
                ("position", PositionEmbedder(), ["g"]),
            ],
            embedding_dim=4,
        )

    X = frame[["item", "g"]]
    expected = summed().fit(X).transform(X)
    wrapped = CONTAINERS["narwhals over pandas"](X)
    assert_array_equal(summed().fit(wrapped).transform(wrapped), expected)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda X: pl.from_pandas(X).lazy(), "polars LazyFrame.*X.collect()"),
        (
            lambda X: nw.from_native(pl.from_pandas(X).lazy()),
            "lazy narwhals frame.*X.collect()",
        ),
        (lambda X: X.to_dict(orient="list"), r"X is a dict.*pandas.DataFrame\(X\)"),
    ],
    ids=["polars-lazy", "narwhals-lazy", "dict"],
)
@pytest.mark.parametrize("estimator", [ValueEmbedder, PositionEmbedder, TemporalEmbedder])
def test_lazy_frames_and_dicts_are_refused_by_name(frame, make, message, estimator):
    column = {ValueEmbedder: "g", PositionEmbedder: "g", TemporalEmbedder: "t"}[estimator]
    X = frame[[column]]
    with pytest.raises(TypeError, match=message):
        estimator().fit(make(X))
    fitted = estimator().fit(X)
    with pytest.raises(TypeError, match=message):
        fitted.transform(make(X))


# --- the edges of widths, units and ranges (issue 18) ----------------------------------------


def test_targets_near_the_largest_float_keep_every_token_apart():
    # Each token's target is one value, so its mean is that value exactly.
    ids = np.arange(400) % 10
    y = (ids - 4.5) * 3.9e307  # a range of 3.5e308: wider than the largest float
    out = ValueEmbedder(4, method="target", smooth=0).fit(pd.DataFrame({"id": ids}), y)
    features = out.transform(pd.DataFrame({"id": np.arange(10)}))
    assert np.isfinite(features).all()
    # Means are sums of the standardized target: exact to rounding of the range.
    expected = (np.arange(10) - 4.5) * 3.9e307
    np.testing.assert_allclose(
        features[:, 0], expected, rtol=0, atol=3.5e294
    )  # 1e-14 of the range
    assert len({tuple(row) for row in features}) == 10


@pytest.mark.parametrize("container", ["numpy", "pandas"])
def test_floats_wider_than_float64_are_refused_by_name(container):
    values = np.array([1, 2, 2**60 + 1], dtype=np.longdouble)
    if values.dtype.itemsize <= 8:
        pytest.skip("long double is float64 on this platform")
    X = values[:, None] if container == "numpy" else pd.DataFrame({"a": values})
    name = "x0" if container == "numpy" else "a"
    with pytest.raises(TypeError, match=rf"Column '{name}' holds float\d+ values, wider than"):
        ValueEmbedder(2).fit(X)


@pytest.mark.parametrize("unit", ["ps", "fs", "as"])
def test_times_finer_than_a_nanosecond_are_read_exactly_or_refused(unit):
    whole = np.array(["1970-01-01T00:00:01", "1970-01-01T00:00:02.5"], dtype="datetime64[ns]")
    exact = whole.astype(f"datetime64[{unit}]")
    features = TemporalEmbedder(features=["second"]).fit(exact[:, None])
    assert_array_equal(
        features.transform(exact[:, None]),
        TemporalEmbedder(features=["second"]).fit(whole[:, None]).transform(whole[:, None]),
    )
    finer = exact + np.timedelta64(1, unit)
    with pytest.raises(ValueError, match="finer than a nanosecond.*astype"):
        TemporalEmbedder(features=["second"]).fit(finer[:, None])


@pytest.mark.parametrize(
    ("unit", "far"),
    [("Y", 10**15), ("M", 10**14), ("D", 10**17), ("Y", 2**63 - 1), ("D", -(2**63) + 1)],
)
def test_dates_beyond_the_range_of_seconds_are_refused_by_name(unit, far):
    X = np.array([[0], [far]], dtype=f"datetime64[{unit}]")
    # The stored count is quoted: numpy prints year 2**63 - 1 as a negative year.
    quoted = rf"datetime64\[{unit}\] value {far:,} \({unit} since 1970\)"
    with pytest.raises(ValueError, match=rf"Column 'x0' holds {quoted}, beyond the range"):
        TemporalEmbedder(features=["month"]).fit(X)
    near = np.array([[0], [100]], dtype=f"datetime64[{unit}]")
    expected = pd.DatetimeIndex(near[:, 0].astype("datetime64[s]")).month.to_numpy()
    out = TemporalEmbedder(features=["month"], method="onehot", embedding_dim=12).fit(near)
    assert_array_equal(out.transform(near).argmax(axis=1) + 1, expected)


def test_unseen_lookalike_tokens_say_they_differ_in_normalisation():
    import unicodedata

    composed = unicodedata.normalize("NFC", "café")
    decomposed = unicodedata.normalize("NFD", "café")
    embedder = ValueEmbedder(2, handle_unknown="error").fit(pd.DataFrame({"s": [composed] * 3}))
    with pytest.raises(ValueError, match="only in Unicode normalisation.*NFC.*str.normalize"):
        embedder.transform(pd.DataFrame({"s": [decomposed]}))
    with pytest.raises(ValueError) as unrelated:
        embedder.transform(pd.DataFrame({"s": ["tea"]}))
    assert "normalisation" not in str(unrelated.value)


def test_dates_outside_the_holidays_packages_years_are_refused_by_name():
    pytest.importorskip("holidays")
    from sk_seqembed import _holidays

    first, last = _holidays.known_years("FR")
    inside = pd.DataFrame({"t": pd.to_datetime([f"{last}-07-14", f"{first + 1}-01-02"])})
    embedder = TemporalEmbedder(features=["month"], holidays="FR").fit(inside)
    assert embedder.transform(inside).shape == (2, embedder.get_feature_names_out().size)
    for year in (first - 1, last + 1):
        outside = pd.DataFrame({"t": pd.to_datetime([f"{last}-07-14", f"{year}-07-14"])})
        with pytest.raises(ValueError, match=f"Column 't' holds dates in {year}, outside"):
            embedder.transform(outside)
    # Years are read in local time: the last evening of the known years in Paris.
    aware = pd.DataFrame(
        {"t": pd.to_datetime([f"{last}-12-31 23:30"]).tz_localize("Europe/Paris")}
    )
    TemporalEmbedder(features=["month"], holidays="FR").fit(aware).transform(aware)


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow", "numpy", "dask"])
def test_fit_refuses_dates_outside_the_holidays_packages_years(backend):
    pytest.importorskip("holidays")
    from sk_seqembed import _holidays

    first, last = _holidays.known_years("FR")
    # One minute past the known years' end in Paris, still within them in UTC.
    X = pd.DataFrame(
        {"t": pd.to_datetime([f"{last}-07-14 12:00", f"{last}-12-31 23:01"], utc=True)}
    )
    X["t"] = X["t"].dt.tz_convert("Europe/Paris")
    embedder = TemporalEmbedder(features=["month"], holidays="FR")
    name = "x0" if backend == "numpy" else "t"
    if backend == "numpy":
        # numpy holds naive datetimes: the UTC wall clock, here past the end in UTC too.
        X = X["t"].dt.tz_convert(None).to_numpy().reshape(-1, 1) + np.timedelta64(1, "h")
    elif backend == "polars":
        X = pl.from_pandas(X)
    elif backend == "pyarrow":
        X = pa.Table.from_pandas(X, preserve_index=False)
    elif backend == "dask":
        dd = pytest.importorskip("dask.dataframe")
        from sk_seqembed.dask import DaskEmbedder

        X, embedder = dd.from_pandas(X, npartitions=2), DaskEmbedder(embedder)
    with pytest.raises(ValueError, match=f"Column '{name}' holds dates in {last + 1}"):
        embedder.fit(X)


def test_boolean_and_integer_group_keys_never_share_a_group():
    ints = pd.DataFrame({"k": [1, 0, 1, 1]})
    bools = pd.DataFrame({"k": [True, False, True]})
    with pytest.raises(
        ValueError, match=r"Group column 'k' holds numbers .* and booleans .*\.astype\(int\)"
    ):
        PositionEmbedder(2).fit(ints).transform(bools)
    with pytest.raises(ValueError, match="Group column 'k' holds numbers .* and booleans"):
        PositionEmbedder(2).fit(bools).transform(ints)
    # Booleans continue booleans: each row's position counts its group's earlier rows.
    later = pd.DataFrame({"k": [True, True, False, True]})  # not the fitted rows again
    both = pd.concat([bools, later], ignore_index=True)
    out = PositionEmbedder(method="scalar").set_output(transform="pandas").fit(bools)
    expected = both.groupby("k").cumcount().to_numpy()[len(bools) :]
    assert_array_equal(out.transform(later)["k_position"], expected)


def test_dask_partitions_of_booleans_and_integers_are_refused():
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    from sk_seqembed.dask import DaskEmbedder

    mixed = pd.DataFrame({"k": pd.Series([1, 2, 1, 2, True, False, True, False], dtype=object)})
    # Object columns stay objects (dask turns them into strings by default).
    with dask.config.set({"dataframe.convert-string": False, "scheduler": "synchronous"}):
        frame = dd.from_pandas(mixed, npartitions=2)
        with pytest.raises(ValueError, match="Group column 'k' holds numbers .* and booleans"):
            DaskEmbedder(PositionEmbedder(2)).fit(frame)
        with pytest.raises(TypeError, match="'k' holds boolean tokens in some partitions"):
            DaskEmbedder(ValueEmbedder(2, random_state=0)).fit(frame)


def test_datetime_and_integer_group_keys_never_share_a_group():
    times = pd.DataFrame({"k": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"])})
    # The same instants as microseconds since 1970: equal keys, were they compared.
    micros = pd.DataFrame({"k": (times["k"].astype("int64") // 1000).to_numpy()})
    with pytest.raises(ValueError, match="Group column 'k' holds numbers .* and datetimes"):
        PositionEmbedder(2).fit(times).transform(micros)
    with pytest.raises(ValueError, match="Group column 'k' holds numbers .* and datetimes"):
        PositionEmbedder(2).fit(micros).transform(times)
    later = pd.DataFrame({"k": pd.to_datetime(["2024-01-01", "2024-01-03"])})
    both = pd.concat([times, later], ignore_index=True)
    expected = both.groupby("k").cumcount().to_numpy()[len(times) :]
    out = PositionEmbedder(method="scalar").fit(times).transform(later)
    assert_array_equal(out[:, 0], expected)
