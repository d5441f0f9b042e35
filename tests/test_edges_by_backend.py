"""The edges of widths and units (issue 18), on every backend: numpy, pandas (numpy,
nullable and arrow dtypes), polars, pyarrow and dask.

Each case is read as a reference computes it (integers written out, pandas' own
accessors) or refused with an error that names the column and the limit.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from numpy.testing import assert_array_equal

from sk_seqembed import PositionEmbedder, TemporalEmbedder, ValueEmbedder

pl = pytest.importorskip("polars")
dd = pytest.importorskip("dask.dataframe")
from sk_seqembed.dask import DaskEmbedder  # noqa: E402

FLOAT_BITS = {"float16": 11, "float32": 24, "float64": 53}


def _floats(values, width, backend):
    """One column 'a' of ``values`` stored as ``width`` on ``backend``, and the
    column's name as the estimators report it."""
    values = np.asarray(values, dtype=width)
    if backend == "numpy":
        return values.reshape(-1, 1), "x0"
    if backend == "pandas":
        return pd.DataFrame({"a": values}), "a"
    if backend == "pandas nullable":
        return pd.DataFrame({"a": pd.array(values, dtype=width.capitalize())}), "a"
    if backend == "pandas arrow":
        arrow = pa.array(values)
        return pd.DataFrame({"a": pd.array(arrow, dtype=pd.ArrowDtype(arrow.type))}), "a"
    if backend == "polars":
        return pl.DataFrame({"a": pl.Series(values)}), "a"
    if backend == "pyarrow":
        return pa.table({"a": pa.array(values)}), "a"
    assert backend == "dask"
    return dd.from_pandas(pd.DataFrame({"a": values}), npartitions=2), "a"


FLOAT_CASES = [
    (width, backend)
    for width in FLOAT_BITS
    for backend in [
        "numpy",
        "pandas",
        "pandas nullable",
        "pandas arrow",
        "polars",
        "pyarrow",
        "dask",
    ]
    # pandas has no nullable Float16.
    if not (width == "float16" and backend == "pandas nullable")
]


def _fitted(estimator, X, backend):
    if backend == "dask":
        return DaskEmbedder(estimator).fit(X)
    return estimator.fit(X)


def _dense(out):
    return np.asarray(out.compute() if hasattr(out, "compute") else out)


@pytest.mark.parametrize(("width", "backend"), FLOAT_CASES)
def test_whole_floats_below_their_exact_limit_are_integer_tokens(width, backend):
    limit = 2 ** FLOAT_BITS[width]
    integers = np.array([-(limit - 1), -1, 0, 3, 3, limit - 1])
    X, _ = _floats(integers, width, backend)
    embedder = _fitted(ValueEmbedder(2, random_state=0), X, backend)
    reference = ValueEmbedder(2, random_state=0).fit(pd.DataFrame({"a": integers}))
    assert list(reference.vocabularies_[0]) == sorted(set(integers.tolist()))
    fitted = embedder.estimator_ if backend == "dask" else embedder
    assert list(fitted.vocabularies_[0]) == list(reference.vocabularies_[0])
    assert_array_equal(
        _dense(embedder.transform(X)), reference.transform(pd.DataFrame({"a": integers}))
    )


@pytest.mark.parametrize(("width", "backend"), FLOAT_CASES)
def test_floats_at_their_exact_limit_are_refused_with_it(width, backend):
    bits = FLOAT_BITS[width]
    X, name = _floats([1.0, 2.0**bits], width, backend)
    message = (
        rf"Column '{name}' holds floats that are not integer token IDs, e\.g\. "
        rf"\[{2.0**bits}\].*below 2\*\*{bits}, the integers {width} holds exactly"
    )
    with pytest.raises(ValueError, match=message):
        _fitted(ValueEmbedder(2), X, backend)
    X, name = _floats([1.0, 2.0**bits], width, backend)
    with pytest.raises(
        ValueError,
        match=rf"Column '{name}' holds positions that are not whole numbers below "
        rf"2\*\*{bits}, the integers {width} holds exactly",
    ):
        _fitted(PositionEmbedder(4, positions="from_column"), X, backend).transform(X)


@pytest.mark.parametrize(("width", "backend"), FLOAT_CASES)
def test_whole_float_positions_are_the_integer_positions(width, backend):
    positions = np.array([0, 1, 5, 2 ** FLOAT_BITS[width] - 1])
    X, _ = _floats(positions, width, backend)
    embedder = _fitted(PositionEmbedder(4, positions="from_column"), X, backend)
    reference = PositionEmbedder(4, positions="from_column").fit(pd.DataFrame({"a": positions}))
    assert_array_equal(
        _dense(embedder.transform(X)), reference.transform(pd.DataFrame({"a": positions}))
    )


NUMPY_UNITS = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"]
FIELDS = ["month", "day", "weekday", "hour", "minute", "second"]


def _instants(unit, n=200):
    """Instants a datetime64[unit] holds exactly, as datetime64[ns]: within the few
    seconds around 1970 the finest units span, else from 1990 to 2040."""
    rng = np.random.default_rng(7)
    if unit in ("ps", "fs", "as"):
        span = {"ps": 10**14, "fs": 10**11, "as": 9 * 10**9}[unit]
        ticks = rng.integers(-span, span, n)
    else:
        ticks = rng.integers(20 * 365 * 86_400, 70 * 365 * 86_400, n) * 10**9
        ticks += rng.integers(0, 10**9, n)
    return ticks.view("datetime64[ns]").astype(f"datetime64[{unit}]")


def _reference(values, zone=None):
    """The same instants as a pandas datetime64[ns] frame (naive, or in ``zone``)."""
    series = pd.Series(values.astype("datetime64[ns]"))
    if zone is not None:
        series = series.dt.tz_localize("UTC").dt.tz_convert(zone)
    return pd.DataFrame({"t": series})


@pytest.mark.parametrize("unit", NUMPY_UNITS)
def test_every_numpy_datetime_unit_reads_as_its_instants(unit):
    values = _instants(unit)
    embedder = TemporalEmbedder(features=FIELDS).fit(values.reshape(-1, 1))
    reference = TemporalEmbedder(features=FIELDS).fit(_reference(values))
    assert_array_equal(
        embedder.transform(values.reshape(-1, 1)), reference.transform(_reference(values))
    )
    # And against pandas' own accessor: one-hot bins of the hour are its value.
    hours = TemporalEmbedder(features=["hour"], method="onehot", embedding_dim=24)
    out = hours.fit_transform(values.reshape(-1, 1))
    assert_array_equal(out.argmax(axis=1), _reference(values)["t"].dt.hour)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("zone", [None, "Europe/Paris"])
@pytest.mark.parametrize("backend", ["pandas", "pandas arrow", "polars", "pyarrow", "dask"])
def test_every_timestamp_unit_reads_as_its_instants(unit, zone, backend):
    if backend == "polars" and unit == "s":
        pytest.skip("polars has no second-unit Datetime")
    values = _instants(unit)
    arrow = pa.array(values, type=pa.timestamp(unit, tz="UTC")).cast(
        pa.timestamp(unit, tz=zone)
    )
    if backend == "pandas":
        series = pd.Series(values)
        X = pd.DataFrame(
            {"t": series if zone is None else series.dt.tz_localize("UTC").dt.tz_convert(zone)}
        )
    elif backend == "pandas arrow":
        X = pd.DataFrame({"t": pd.array(arrow, dtype=pd.ArrowDtype(arrow.type))})
    elif backend == "polars":
        X = pl.DataFrame({"t": pl.from_arrow(arrow)})
    elif backend == "pyarrow":
        X = pa.table({"t": arrow})
    else:
        series = pd.Series(values)
        if zone is not None:
            series = series.dt.tz_localize("UTC").dt.tz_convert(zone)
        X = dd.from_pandas(pd.DataFrame({"t": series}), npartitions=3)
    embedder = _fitted(TemporalEmbedder(features=FIELDS), X, backend)
    reference = TemporalEmbedder(features=FIELDS).fit(_reference(values, zone))
    assert_array_equal(
        _dense(embedder.transform(X)), reference.transform(_reference(values, zone))
    )


@pytest.mark.parametrize("arrow_type", [pa.date32(), pa.date64()])
@pytest.mark.parametrize("backend", ["pandas arrow", "polars", "pyarrow"])
def test_arrow_and_polars_dates_read_as_midnights(arrow_type, backend):
    values = _instants("D")
    arrow = pa.array(values.astype("datetime64[ms]").astype(object)).cast(arrow_type)
    if backend == "pandas arrow":
        X = pd.DataFrame({"t": pd.array(arrow, dtype=pd.ArrowDtype(arrow.type))})
    elif backend == "polars":
        X = pl.DataFrame({"t": pl.from_arrow(arrow)})
    else:
        X = pa.table({"t": arrow})
    out = TemporalEmbedder(features=FIELDS).fit(X).transform(X)
    reference = TemporalEmbedder(features=FIELDS).fit(_reference(values))
    assert_array_equal(out, reference.transform(_reference(values)))


ARROW_NUMBERS = [
    pa.int8(),
    pa.int16(),
    pa.int32(),
    pa.int64(),
    pa.uint8(),
    pa.uint16(),
    pa.uint32(),
    pa.uint64(),
    pa.float16(),
    pa.float32(),
    pa.float64(),
    pa.bool_(),
]


@pytest.mark.parametrize("arrow_type", ARROW_NUMBERS, ids=str)
@pytest.mark.parametrize("chunks", [1, 2])
def test_arrow_numbers_with_nulls_read_as_their_python_values(arrow_type, chunks):
    from sk_seqembed import _columns

    if pa.types.is_boolean(arrow_type):
        python = [True, None, False, True]
    elif pa.types.is_floating(arrow_type):
        python = [1.5, None, float("nan"), -0.0]
    else:
        info = np.iinfo(arrow_type.to_pandas_dtype())
        python = [int(info.min), None, min(int(info.max), 2**63 - 1), 7]
    if pa.types.is_float16(arrow_type):
        arrow = pa.array(
            np.array([1.5, 0, np.nan, -0.0], dtype=np.float16),
            mask=np.array([False, True, False, False]),
        )
    else:
        arrow = pa.array(python, type=arrow_type)
    halves = [arrow.slice(0, 2), arrow.slice(2)] if chunks == 2 else [arrow]
    X = pd.DataFrame(
        {"a": pd.Series(pa.chunked_array(halves), dtype=pd.ArrowDtype(arrow_type))}
    )
    column = _columns.read_column(X, 0)
    missing = [v is None or v != v for v in python]
    assert column.missing.tolist() == missing
    present = [v for v, gone in zip(python, missing, strict=True) if not gone]
    assert column.values[~column.missing].tolist() == present
    if not pa.types.is_floating(arrow_type):
        assert column.values.dtype == (bool if pa.types.is_boolean(arrow_type) else np.int64)


def test_arrow_unsigned_beyond_int64_is_refused_by_name():
    X = pa.table({"u": pa.array([1, 2**64 - 1], type=pa.uint64())})
    with pytest.raises(ValueError, match=r"Column 'u' holds unsigned integers above"):
        ValueEmbedder(2).fit(X)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("zone", [None, "Asia/Kathmandu", "+05:30"])
def test_arrow_timestamps_with_nulls_read_as_pandas_instants(unit, zone):
    from sk_seqembed import _columns

    values = _instants(unit, n=6)
    arrow = pa.array(values, type=pa.timestamp(unit), mask=np.arange(6) % 3 == 1)
    arrow = arrow.cast(pa.timestamp(unit, tz="UTC")).cast(pa.timestamp(unit, tz=zone))
    X = pd.DataFrame({"t": pd.Series(arrow, dtype=pd.ArrowDtype(arrow.type))})
    column = _columns.read_column(X, 0)
    # pandas' own conversion of the same column: UTC instants, and the zone.
    reference = X["t"].astype(f"datetime64[{unit}, UTC]" if zone else f"datetime64[{unit}]")
    assert column.missing.tolist() == reference.isna().tolist()
    expected = reference.dt.tz_convert(None) if zone else reference
    assert_array_equal(column.values[~column.missing], expected.dropna().to_numpy())
    assert str(column.tz) == str(X["t"].dt.tz)


@pytest.mark.parametrize("arrow_type", [pa.date32(), pa.date64()], ids=str)
def test_arrow_dates_with_nulls_read_as_midnights(arrow_type):
    import datetime

    from sk_seqembed import _columns

    dates = [
        datetime.date(1, 1, 1),
        None,
        datetime.date(2024, 2, 29),
        datetime.date(9999, 12, 31),
    ]
    X = pd.DataFrame(
        {"d": pd.Series(pa.array(dates, type=arrow_type), dtype=pd.ArrowDtype(arrow_type))}
    )
    column = _columns.read_column(X, 0)
    assert column.missing.tolist() == [False, True, False, False]
    expected = [np.datetime64(d) for d in dates if d is not None]
    assert column.values[~column.missing].tolist() == [
        e.astype(column.values.dtype).item() for e in expected
    ]


@pytest.mark.parametrize("width", ["float16", "float32", "float64"])
@pytest.mark.parametrize("container", ["pandas categorical", "arrow dictionary", "dask"])
def test_encoded_floats_keep_their_widths_exact_limit(width, container):
    if width == "float16" and container != "arrow dictionary":
        pytest.skip("pandas has no float16 Index, so no float16 categories")
    bits = FLOAT_BITS[width]
    values = np.array([5.0, 2.0**bits, 5.0], dtype=width)
    if container == "pandas categorical":
        X = pd.DataFrame({"v": pd.Categorical(values)})
    elif container == "arrow dictionary":
        X = pa.table({"v": pa.array(values).dictionary_encode()})
    else:
        X = dd.from_pandas(pd.DataFrame({"v": pd.Categorical(values)}), npartitions=2)
    with pytest.raises(ValueError, match=rf"below 2\*\*{bits}, the integers {width} holds"):
        _fitted(ValueEmbedder(2), X, container)
    # Below the limit, the decoded floats are the integer tokens they hold.
    X = pa.table({"v": pa.array(values[[0, 0, 2]] - 3).dictionary_encode()})
    assert ValueEmbedder(2).fit(X).vocabularies_[0].tolist() == [2]


def test_dictionaries_of_string_views_read_as_their_strings():
    view = pa.array(["a", "b", None, "a"], pa.string_view())
    reference = pd.DataFrame({"v": pd.Series(["a", "b", None, "a"], dtype=object)})
    expected = ValueEmbedder(2, random_state=0).fit(reference).transform(reference)
    X = pa.table({"v": view.dictionary_encode()})
    assert_array_equal(ValueEmbedder(2, random_state=0).fit(X).transform(X), expected)


def _aware(values, zone, backend):
    series = pd.Series(values).dt.tz_localize("UTC").dt.tz_convert(zone)
    if backend == "pandas":
        return pd.DataFrame({"t": series})
    if backend == "pyarrow":
        return pa.table({"t": pa.array(series)})
    if backend == "polars":
        return pl.DataFrame({"t": pl.from_pandas(series)})
    return dd.from_pandas(pd.DataFrame({"t": series}), npartitions=2)


OUT_OF_REACH = {
    # Zone rules end at year 9999 for pandas; datetime64[ns] local times at 2262.
    "year 12024 in New York": (["2024-06-01", "12024-06-01"], "s", "America/New_York"),
    "past 2262 in Tokyo, ns": (["2024-06-01", "2262-04-11T20:00"], "ns", "Asia/Tokyo"),
    "before 1677 in Los Angeles, ns": (
        ["1677-09-21T00:20", "2024-06-01"],
        "ns",
        "America/Los_Angeles",
    ),
}


@pytest.mark.parametrize("case", list(OUT_OF_REACH))
@pytest.mark.parametrize("backend", ["pandas", "pyarrow", "polars", "dask"])
@pytest.mark.parametrize("features", ["auto", ["hour"]])
def test_local_times_out_of_reach_are_refused_by_name(case, backend, features):
    stamps, unit, zone = OUT_OF_REACH[case]
    if backend == "polars" and unit == "s":
        unit = "ms"  # polars has no second-unit Datetime
    X = _aware(np.array(stamps, dtype=f"M8[{unit}]"), zone, backend)
    with pytest.raises(
        ValueError, match=rf"Column 't' holds instants from .* in {zone} cannot"
    ):
        _dense(_fitted(TemporalEmbedder(features=features), X, backend).transform(X))


@pytest.mark.parametrize("n_rows", [1, 5000])
def test_local_times_near_the_end_of_nanoseconds_are_computed(n_rows):
    # Local times within reach, though a block of zone offsets would not be.
    stamps = pd.date_range("2262-01-01", periods=n_rows, freq="min", unit="ns")
    X = _aware(stamps.to_numpy(), "Asia/Tokyo", "pandas")
    hours = TemporalEmbedder(features=["hour"], method="onehot", embedding_dim=24)
    assert_array_equal(hours.fit_transform(X).argmax(axis=1), X["t"].dt.hour)


@pytest.mark.parametrize("width", ["float16", "float32", "longdouble"])
def test_targets_of_any_float_width_are_read_in_float64_as_sklearn_does(width):
    from sk_seqembed import HistoryEmbedder

    rng = np.random.default_rng(3)
    X = pd.DataFrame({"g": rng.integers(0, 5, 300), "item": rng.integers(0, 20, 300)})
    y = (rng.normal(size=300) * 100).astype(width)
    # A target is a statistic's input, not an identity: float64 rounding is its
    # precision, as in every sklearn regressor (documented in docs/bad_inputs.md).
    as_float64 = y.astype(np.float64)
    for make in (
        lambda: ValueEmbedder(2, method="target", random_state=0),
        lambda: HistoryEmbedder(group_columns=["g"], random_state=0),
    ):
        assert_array_equal(
            make().fit(X, y).transform(X), make().fit(X, as_float64).transform(X)
        )


@pytest.mark.parametrize("container", ["pyarrow", "pandas arrow"])
def test_arrow_intervals_are_refused_by_name(container):
    from sk_seqembed import PositionEmbedder

    intervals = pa.array([(1, 2, 3), (0, 1, 0)], pa.month_day_nano_interval())
    X = pa.table({"t": intervals})
    if container == "pandas arrow":
        X = pd.DataFrame({"t": pd.Series(intervals, dtype=pd.ArrowDtype(intervals.type))})
    for estimator in (
        TemporalEmbedder(),
        ValueEmbedder(),
        PositionEmbedder(positions="from_column"),
    ):
        with pytest.raises(TypeError, match=r"Column 't' .*month_day_nano_interval"):
            estimator.fit(X)


@pytest.mark.parametrize("zone", ["UTC", "+05:00"])
@pytest.mark.parametrize("backend", ["pandas arrow", "pyarrow", "dask"])
def test_aware_arrow_years_beyond_9999_keep_their_year(zone, backend):
    # Read through Python datetimes, these came back as 1970 and 1972, silently.
    values = np.array(["2024-06-13", "12024-06-01", "0001-03-01T12:00"], dtype="M8[s]")
    arrow = pa.array(values, type=pa.timestamp("s", tz="UTC")).cast(pa.timestamp("s", tz=zone))
    frame = pd.DataFrame({"t": pd.Series(arrow, dtype=pd.ArrowDtype(arrow.type))})
    X = {
        "pandas arrow": frame,
        "pyarrow": pa.table({"t": arrow}),
        "dask": dd.from_pandas(frame, npartitions=2),
    }[backend]
    out = _dense(_fitted(TemporalEmbedder(features=["year"]), X, backend).transform(X))
    offset = np.timedelta64(5 * 3600 if zone == "+05:00" else 0, "s")
    years = (values + offset).astype("M8[Y]").astype(np.int64) + 1970
    assert_array_equal(np.floor(out[:, 0]), years)


def test_date64_milliseconds_past_midnight_are_dropped_as_pandas_drops_them():
    from sk_seqembed import _columns

    # Such values break arrow's spec; pandas' conversion and to_pylist() keep the date.
    milliseconds = np.array([1_641_600_000_000 + 13 * 3_600_000, -86_400_000 + 5, 0])
    arrow = pa.array(milliseconds, type=pa.int64()).view(pa.date64())
    X = pd.DataFrame({"d": pd.Series(arrow, dtype=pd.ArrowDtype(arrow.type))})
    column = _columns.read_column(X, 0)
    expected = X["d"].astype("datetime64[ms]").to_numpy()
    assert_array_equal(column.values, expected)
    assert column.values.astype("datetime64[D]").tolist() == arrow.to_pylist()


def test_arrow_zones_pandas_does_not_know_are_refused_by_name():
    X = pa.table({"t": pa.array([0, 1], type=pa.timestamp("s", tz="Z"))})
    with pytest.raises(ValueError, match=r"Column 't' has the arrow time zone 'Z'"):
        TemporalEmbedder().fit(X)
