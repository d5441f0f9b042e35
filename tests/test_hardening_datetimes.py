"""Hardening, datetimes: bad and odd datetime inputs to TemporalEmbedder, and datetime
columns reaching PositionEmbedder and ValueEmbedder as group keys or tokens.

Every case either raises an error naming the column and the problem, or gives a result
checked against an independent reference (pandas' own .dt accessors and tz_convert,
Python's zoneinfo arithmetic, or a formula written out). See docs/bad_inputs_datetimes.md.
"""

import datetime
import zoneinfo

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sk_seqembed import PositionEmbedder, TemporalEmbedder, ValueEmbedder

TWO_PI = 2 * np.pi
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def fourier_from_pandas(when, fields):
    """sin/cos of each field's phase, written out from pandas' .dt accessors."""
    dt = pd.Series(when).dt
    seconds = dt.hour * 3600 + dt.minute * 60 + dt.second + dt.microsecond / 1e6
    phases = {
        "second": (seconds % 60) / 60,
        "minute": (seconds % 3600) / 3600,
        "hour": seconds / 86400,
        "weekday": dt.day_of_week / 7,
        "day": (dt.day - 1) / dt.days_in_month,
        "dayofyear": (dt.day_of_year - 1) / (365 + dt.is_leap_year),
        "month": (dt.month - 1 + (dt.day - 1) / dt.days_in_month) / 12,
    }
    columns = []
    for field in fields:
        phase = phases[field].to_numpy(dtype=float)
        columns += [np.sin(TWO_PI * phase), np.cos(TWO_PI * phase)]
    return np.column_stack(columns)


def year_from_pandas(when):
    """The ``year`` feature written out: year plus the fraction of it elapsed."""
    dt = pd.Series(when).dt
    return (dt.year + (dt.day_of_year - 1) / (365 + dt.is_leap_year)).to_numpy(dtype=float)


# --- missing values ----------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["zeros", "nan"])
def test_nat_in_aware_columns_with_every_option(backend, fit_transform, policy):
    """NaT in an aware column: every feature of its row (calendar, trend, periods,
    recency) follows handle_missing, the indicator is 0/1, the other rows match pandas."""
    local = pd.Series(
        pd.to_datetime(["2024-03-10 01:00", None, "2024-03-10 04:00", "2024-03-11 00:00"])
    ).dt.tz_localize("America/New_York")
    X = backend.frame({"user": ["a", "a", "a", "b"], "when": local})
    embedder = TemporalEmbedder(
        features=["hour"],
        trend=True,
        periods=["1D"],
        group_columns="user",
        handle_missing=policy,
        missing_indicator=True,
    )
    out = fit_transform(embedder, X)
    assert out.shape == (4, 8)
    filler = 0.0 if policy == "zeros" else np.nan
    assert_array_equal(out[1, :7], np.full(7, filler))
    assert_array_equal(out[:, 7], [0, 1, 0, 0])
    present = [0, 2, 3]
    assert_allclose(out[present, :2], fourier_from_pandas(local[present], ["hour"]), atol=1e-9)
    # 01:00 EST to 04:00 EDT is two real hours (the clocks skip 02:00-03:00).
    assert_allclose(out[present, 2], [0.0, 2 / 24, 22 / 24])
    assert_allclose(out[present, 5:7], np.log1p([[0, 0], [7200, 7200], [0, 0]]))


def test_missing_datetimes_error_at_transform_names_the_column(backend):
    """handle_missing='error': a clean fit, then NaT (or null) at transform raises."""
    clean = backend.frame({"when": pd.to_datetime(["2024-05-01 10:00", "2024-05-02 00:00"])})
    dirty = backend.frame({"when": pd.to_datetime(["2024-05-01 10:00", None])})
    embedder = TemporalEmbedder(features=["hour"], handle_missing="error").fit(clean)
    with pytest.raises(ValueError, match=r"NaN \(NaT\) in column 'when': 1 row\(s\)"):
        embedder.transform(dirty)


ALL_MISSING = {
    "datetime64-naive": lambda: pd.Series([pd.NaT, pd.NaT], dtype="datetime64[us]"),
    "datetime64-aware": lambda: pd.Series([pd.NaT, pd.NaT], dtype="datetime64[us, UTC]"),
    "object-none": lambda: pd.Series([None, None], dtype=object),
}


@pytest.mark.parametrize("kind", list(ALL_MISSING))
@pytest.mark.parametrize("policy", ["zeros", "nan", "error"])
def test_all_nat_column(backend, kind, policy):
    """A column with no datetime at all: zeros or NaN and indicator 1 in every row;
    'error' names the column and counts the rows."""
    X = backend.frame({"when": ALL_MISSING[kind]()})
    if backend.name == "polars" and kind == "object-none":
        # from_pandas types a column of None as String; polars' own untyped column:
        X = pytest.importorskip("polars").DataFrame({"when": [None, None]})
    embedder = TemporalEmbedder(
        features=["hour"], trend=True, handle_missing=policy, missing_indicator=True
    )
    if policy == "error":
        with pytest.raises(ValueError, match=r"NaN \(NaT\) in column 'when': 2 row\(s\)"):
            embedder.fit(X)
        return
    out = embedder.fit_transform(X)
    filler = 0.0 if policy == "zeros" else np.nan
    assert_array_equal(out[:, :3], np.full((2, 3), filler))
    assert_array_equal(out[:, 3], [1, 1])


def test_all_nat_rows_at_transform_skip_the_zone_check():
    """A transform column that is all NaT carries no zone to contradict: no error."""
    naive = pd.DataFrame({"when": pd.to_datetime(["2024-01-01 06:00", "2024-01-02 07:00"])})
    embedder = TemporalEmbedder(features=["hour"], missing_indicator=True).fit(naive)
    empty_aware = pd.DataFrame({"when": pd.Series([pd.NaT], dtype="datetime64[ns, UTC]")})
    assert_array_equal(embedder.transform(empty_aware), [[0.0, 0.0, 1.0]])


@pytest.mark.parametrize("missing", [None, pd.NaT, np.datetime64("NaT"), np.nan])
def test_missing_markers_in_object_columns_of_datetimes(missing):
    """None, pd.NaT, numpy NaT and NaN among Python datetimes are all missing."""
    values = pd.Series([datetime.datetime(2024, 1, 1, 6), missing], dtype=object)
    out = TemporalEmbedder(features=["hour"], missing_indicator=True).fit_transform(
        pd.DataFrame({"when": values})
    )
    assert_allclose(out, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], atol=1e-12)


# --- naive and aware ---------------------------------------------------------------------


def test_naive_in_fit_aware_at_transform_is_refused_by_name(backend):
    """The direction test_temporal does not cover: naive at fit, aware at transform."""
    when = pd.to_datetime(["2024-01-01 10:00", "2024-01-02 11:00"])
    embedder = TemporalEmbedder(features=["hour"]).fit(backend.frame({"when": when}))
    aware = backend.frame({"when": when.tz_localize("UTC")})
    with pytest.raises(ValueError, match="Column 'when' was naive in fit and is aware now"):
        embedder.transform(aware)


def test_aware_in_fit_naive_at_transform_is_refused_on_every_backend(backend):
    """Aware at fit, naive at transform, on every backend (pandas-numpy is in
    test_temporal)."""
    when = pd.to_datetime(["2024-01-01 10:00", "2024-01-02 11:00"])
    aware = backend.frame({"when": when.tz_localize("Europe/Paris")})
    embedder = TemporalEmbedder(features=["hour"]).fit(aware)
    with pytest.raises(ValueError, match="Column 'when' was aware in fit and is naive now"):
        embedder.transform(backend.frame({"when": when}))


def test_timezone_parameter_leaves_naive_columns_as_they_are():
    """Documented: ``timezone`` converts aware columns only; naive ones are read as is."""
    when = pd.Series(pd.to_datetime(["2024-01-01 06:00", "2024-07-01 18:30"]))
    X = pd.DataFrame({"when": when})
    embedder = TemporalEmbedder(features=["hour"], timezone="Asia/Tokyo").fit(X)
    assert embedder.timezones_ == [None]
    assert_allclose(embedder.transform(X), fourier_from_pandas(when, ["hour"]), atol=1e-12)


def test_fixed_offset_zones_are_read_in_their_offset():
    """pd.to_datetime of '+05:30' strings gives a fixed-offset zone: local wall clock."""
    when = pd.Series(pd.to_datetime(["2024-01-01T00:00+05:30", "2024-01-01T12:15+05:30"]))
    for X in (
        pd.DataFrame({"when": when}),
        pd.DataFrame({"when": when}).convert_dtypes(dtype_backend="pyarrow"),
    ):
        out = TemporalEmbedder(features=["hour"]).fit_transform(X)
        assert_allclose(out, fourier_from_pandas(when, ["hour"]), atol=1e-9)


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


def test_mixed_zones_after_the_suggested_fix_are_utc_instants():
    """Following the hint (utc=True) gives the UTC wall clock of each instant."""
    values = [
        datetime.datetime(2024, 1, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        datetime.datetime(2024, 1, 1, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
    ]
    when = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
    out = TemporalEmbedder(features=["hour"]).fit_transform(pd.DataFrame({"ts": when}))
    hours = np.array([8.0, 0.0])  # 09:00 CET = 08:00 UTC; 09:00 JST = 00:00 UTC
    assert_allclose(
        out,
        np.column_stack([np.sin(TWO_PI * hours / 24), np.cos(TWO_PI * hours / 24)]),
        atol=1e-12,
    )


# --- units and far years -----------------------------------------------------------------


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("zone", [None, "Asia/Kathmandu"])
def test_every_unit_on_every_backend_matches_pandas(backend, unit, zone):
    """Naive and aware columns in each unit, on each backend (polars stores 's' as
    'ms'): the features of pandas' own accessors, to the microsecond."""
    when = pd.Series(
        pd.to_datetime(
            [
                "2024-02-29 23:59:59.123456",
                "1999-12-31 00:00:01.000000",
                "2024-07-04 12:34:56.500000",
            ]
        )
    ).dt.as_unit(unit)
    if zone is not None:
        when = when.dt.tz_localize("UTC").dt.tz_convert(zone)
    fields = ["second", "minute", "hour", "day", "dayofyear"]
    out = TemporalEmbedder(features=fields).fit_transform(backend.frame({"when": when}))
    assert_allclose(out, fourier_from_pandas(when, fields), atol=1e-9)


@pytest.mark.parametrize("zone", [None, "America/New_York"])
def test_years_1500_and_2300_on_every_backend(backend, zone):
    """datetime64[us] far outside the nanosecond range, naive or aware (New York's
    local mean time -4:56:02 in 1500, as pandas' tz database gives it)."""
    when = pd.Series(
        np.array(["1500-02-28T12:00", "1500-03-01T23:30", "2300-07-01T12:00"], dtype="M8[us]")
    )
    if zone is not None:
        when = when.dt.tz_localize("UTC").dt.tz_convert(zone)
    X = backend.frame({"when": when})
    out = TemporalEmbedder(features=["hour", "day", "year"], trend=True).fit_transform(X)
    assert_allclose(out[:, :4], fourier_from_pandas(when, ["hour", "day"]), atol=1e-9)
    assert_allclose(out[:, 4], year_from_pandas(when))
    elapsed = (when - when.min()).dt.total_seconds().to_numpy() / 86400
    assert_allclose(out[:, 5], elapsed, rtol=1e-12, atol=1e-9)


def test_python_dates_of_far_years_keep_their_calendar():
    """Python date objects of 1500 and 2300 (beyond nanoseconds) read exactly."""
    dates = [datetime.date(1500, 3, 1), datetime.date(2300, 12, 31)]
    out = TemporalEmbedder(features=["year", "weekday"]).fit_transform(
        pd.DataFrame({"d": pd.Series(dates, dtype=object)})
    )
    reference = pd.Series(np.array(["1500-03-01", "2300-12-31"], dtype="M8[s]"))
    assert_allclose(out[:, 0], year_from_pandas(reference))
    assert_allclose(out[:, 1:], fourier_from_pandas(reference, ["weekday"]), atol=1e-12)


# --- DST gaps and folds ------------------------------------------------------------------


def test_dst_fold_twice_one_thirty_same_calendar_one_hour_apart(backend):
    """2024-11-03 01:30 happens twice in New York: both read as 01:30 (same calendar
    features); trend and recency see the real hour between them."""
    local = pd.Series(pd.to_datetime(["2024-11-03 01:30", "2024-11-03 01:30"]))
    aware = local.dt.tz_localize("America/New_York", ambiguous=np.array([True, False]))
    X = backend.frame({"g": [1, 1], "when": aware})
    out = TemporalEmbedder(
        features=["hour", "minute"], trend=True, group_columns="g"
    ).fit_transform(X)
    assert_allclose(out[0, :4], out[1, :4])
    assert_allclose(out[:, :4], fourier_from_pandas(local, ["hour", "minute"]), atol=1e-12)
    assert_allclose(out[:, 4], [0.0, 1 / 24])
    assert_allclose(out[:, 5:], [[0.0, 0.0], [np.log1p(3600), np.log1p(3600)]])


def test_python_datetime_fold_attribute_is_honoured():
    """Python datetimes with fold=0 / fold=1 at 01:30 on the fall-back day: the same
    wall clock, instants an hour apart (Python's zoneinfo semantics)."""
    first = datetime.datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK)
    second = first.replace(fold=1)
    X = pd.DataFrame({"when": pd.Series([first, second], dtype=object)})
    out = TemporalEmbedder(features=["hour"], trend=True).fit_transform(X)
    assert_allclose(out[0, :2], out[1, :2])
    gap = second.astimezone(datetime.timezone.utc) - first.astimezone(datetime.timezone.utc)
    assert_allclose(out[1, 2] - out[0, 2], gap / datetime.timedelta(days=1))


def test_python_datetime_in_the_spring_gap_reads_as_pythons_instant():
    """2024-03-10 02:30 does not exist in New York. A Python datetime with that wall
    clock (fold=0) is the instant Python's zoneinfo gives it: 07:30 UTC, 03:30 EDT."""
    nonexistent = datetime.datetime(2024, 3, 10, 2, 30, tzinfo=NEW_YORK)
    X = pd.DataFrame({"when": pd.Series([nonexistent], dtype=object)})
    out = TemporalEmbedder(features=["hour", "minute"]).fit_transform(X)
    wall = nonexistent.astimezone(datetime.timezone.utc).astimezone(NEW_YORK)
    assert (wall.hour, wall.minute) == (3, 30)
    hour_phase = (wall.hour + wall.minute / 60) / 24
    expected = [np.sin(TWO_PI * hour_phase), np.cos(TWO_PI * hour_phase), 0.0, -1.0]
    assert_allclose(out[0], expected, atol=1e-12)


@pytest.mark.parametrize(
    "nonexistent, wall_clock",
    [("shift_forward", "2024-03-10 03:00"), ("shift_backward", "2024-03-10 01:59:59.999999")],
)
def test_spring_gap_localized_by_pandas_reads_the_shifted_wall_clock(nonexistent, wall_clock):
    """tz_localize's nonexistent= choice decides the instant; features follow it."""
    local = pd.Series(pd.to_datetime(["2024-03-10 02:30"])).dt.as_unit("us")
    aware = local.dt.tz_localize("America/New_York", nonexistent=nonexistent)
    out = TemporalEmbedder(features=["hour"]).fit_transform(pd.DataFrame({"when": aware}))
    expected = pd.Series(pd.to_datetime([wall_clock]))
    assert_allclose(out, fourier_from_pandas(expected, ["hour"]), atol=1e-9)


def test_spring_gap_localized_to_nat_is_a_missing_row():
    """tz_localize(nonexistent='NaT'): the row is missing, like any NaT."""
    local = pd.Series(pd.to_datetime(["2024-03-10 01:30", "2024-03-10 02:30"]))
    aware = local.dt.tz_localize("America/New_York", nonexistent="NaT")
    out = TemporalEmbedder(features=["hour"], missing_indicator=True).fit_transform(
        pd.DataFrame({"when": aware})
    )
    assert_allclose(out[1], [0.0, 0.0, 1.0])
    assert_allclose(out[0, :2], fourier_from_pandas(local[:1], ["hour"])[0], atol=1e-12)


# --- order -------------------------------------------------------------------------------


def test_non_monotonic_rows_calendar_trend_and_signed_recency():
    """Rows out of time order: calendar features row by row, trend from the earliest
    instant (not the first row), recency in row order with a sign."""
    when = pd.Series(
        pd.to_datetime(["2024-01-02 05:00", "2024-01-01 04:00", "2024-01-03 06:00"])
    ).dt.tz_localize("Europe/Paris")
    # The group key is itself a datetime (one session day).
    X = pd.DataFrame({"session": pd.to_datetime(["2024-01-01"] * 3), "when": when})
    embedder = TemporalEmbedder(features=["hour"], trend=True, group_columns="session")
    out = embedder.fit_transform(X)
    assert_allclose(out[:, :2], fourier_from_pandas(when, ["hour"]), atol=1e-12)
    assert_allclose(out[:, 2], (when - when.min()).dt.total_seconds() / 86400)
    seconds = (when - when.iloc[0]).dt.total_seconds().to_numpy()
    previous = np.r_[0.0, np.diff(seconds)]
    assert_allclose(out[:, 3], np.sign(previous) * np.log1p(np.abs(previous)))
    assert_allclose(out[:, 4], np.sign(seconds) * np.log1p(np.abs(seconds)))


def test_shuffled_rows_give_the_shuffled_features():
    """A permutation of the rows permutes the output (table path, aware, DST day)."""
    when = pd.Series(
        pd.date_range("2024-03-09 20:00", periods=400, freq="7min", tz="UTC").tz_convert(
            "America/New_York"
        )
    )
    order = np.random.default_rng(0).permutation(when.size)
    fields = ["hour", "day", "weekday"]
    shuffled = when.iloc[order].reset_index(drop=True)
    out = TemporalEmbedder(features=fields).fit_transform(pd.DataFrame({"when": shuffled}))
    assert_allclose(out, fourier_from_pandas(shuffled, fields), atol=1e-9)


# --- wrong kinds -------------------------------------------------------------------------


def test_strings_are_refused_on_every_backend_with_a_hint(backend):
    """Date strings (object, string, arrow, polars String) suggest pd.to_datetime."""
    X = backend.frame({"when": ["2024-01-01", None]})
    with pytest.raises(TypeError, match=r"Column 'when' holds strings.*pd\.to_datetime"):
        TemporalEmbedder().fit(X)


def test_strings_mixed_with_datetimes_are_refused_by_name():
    """An object column of a string and a datetime names both types."""
    X = pd.DataFrame({"when": pd.Series(["2024-01-01", datetime.datetime(2024, 1, 1)])})
    with pytest.raises(TypeError, match=r"Column 'when' mixes kinds.*\['datetime', 'str'\]"):
        TemporalEmbedder().fit(X)


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(pd.period_range("2024-01", periods=2, freq="M")),
        pd.Series([pd.Period("2024-01", "M"), pd.Period("2024-02", "M")], dtype=object),
        pd.Series(pd.Categorical(pd.period_range("2024-01", periods=2, freq="M"))),
    ],
    ids=["period-dtype", "object-of-periods", "categorical-of-periods"],
)
@pytest.mark.parametrize("epoch_unit", [None, "s"])
def test_periods_are_refused_by_name(column, epoch_unit):
    """Period columns are not datetimes (nor epochs): TypeError naming the column."""
    X = pd.DataFrame({"p": column})
    with pytest.raises(TypeError, match=r"Column 'p' has dtype .*\(unsupported\); datetime"):
        TemporalEmbedder(epoch_unit=epoch_unit).fit(X)


@pytest.mark.parametrize("epoch_unit", [None, "s"])
def test_timedeltas_are_refused_on_every_backend(backend, epoch_unit):
    """Durations (timedelta64, arrow duration, polars Duration) are not instants, not
    even with epoch_unit set."""
    X = backend.frame({"lag": pd.to_timedelta([1, None], unit="s")})
    with pytest.raises(TypeError, match=r"Column 'lag' has dtype .*\(unsupported\); datetime"):
        TemporalEmbedder(epoch_unit=epoch_unit).fit(X)


@pytest.mark.parametrize(
    "values",
    [
        [datetime.timedelta(seconds=1), datetime.timedelta(seconds=2)],
        [datetime.time(1), datetime.time(2)],
    ],
    ids=["timedelta-objects", "time-objects"],
)
def test_python_timedelta_and_time_objects_are_refused_by_name(values):
    """Objects without a date are refused, naming the column and the Python type."""
    X = pd.DataFrame({"t": pd.Series(values, dtype=object)})
    with pytest.raises(TypeError, match=r"Column 't' has dtype object of (timedelta|time) "):
        TemporalEmbedder().fit(X)


def test_numpy_timedelta_array_is_refused_by_position_name():
    """A 2-D timedelta64 array: the column is named x0."""
    with pytest.raises(TypeError, match=r"Column 'x0' has dtype timedelta64\[s\]"):
        TemporalEmbedder().fit(np.array([[1], [2]], dtype="m8[s]"))


# --- polars and Python objects -----------------------------------------------------------


def test_polars_date_and_datetime_with_time_zone():
    """polars Date (midnight, naive, year 1500 included) and Datetime('us', zone):
    features equal pandas' on the same values; nulls are missing."""
    pl = pytest.importorskip("polars")
    dates = [datetime.date(2024, 2, 29), None, datetime.date(1500, 1, 1)]
    utc = [datetime.datetime(2024, 3, 10, 7, 30), datetime.datetime(2024, 11, 3, 5, 30), None]
    X = pl.DataFrame(
        {
            "d": pl.Series(dates, dtype=pl.Date),
            "z": pl.Series(utc, dtype=pl.Datetime("us"))
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone("America/New_York"),
        }
    )
    embedder = TemporalEmbedder(features=["hour", "day"], missing_indicator=True).fit(X)
    assert embedder.timezones_ == [None, "America/New_York"]
    out = embedder.transform(X)
    d = pd.Series(np.array(["2024-02-29", "1500-01-01"], dtype="M8[s]"))
    assert_allclose(out[[0, 2], :4], fourier_from_pandas(d, ["hour", "day"]), atol=1e-12)
    z = pd.Series(pd.to_datetime(utc[:2])).dt.tz_localize("UTC").dt.tz_convert(NEW_YORK)
    assert_allclose(out[:2, 5:9], fourier_from_pandas(z, ["hour", "day"]), atol=1e-12)
    assert_array_equal(out[:, 4], [0, 1, 0])
    assert_array_equal(out[:, 9], [0, 0, 1])
    assert_array_equal(out[1, :4], 0.0)
    assert_array_equal(out[2, 5:9], 0.0)


@pytest.mark.parametrize(
    "values",
    [
        [datetime.date(2024, 1, 2), None, datetime.date(2024, 12, 31)],
        [datetime.datetime(2024, 1, 2, 6, 15), None, datetime.datetime(2024, 12, 31, 23)],
        [datetime.date(2024, 1, 2), None, datetime.datetime(2024, 12, 31, 23)],
        [
            datetime.datetime(2024, 1, 2, 6, 15, tzinfo=NEW_YORK),
            None,
            datetime.datetime(2024, 7, 4, 23, tzinfo=NEW_YORK),
        ],
    ],
    ids=["dates", "datetimes", "dates-and-datetimes", "aware-datetimes"],
)
def test_python_date_and_datetime_objects(values):
    """Python dates (midnight) and datetimes in an object column: pandas' features of
    the same values; one zone for all is kept as the column's zone."""
    X = pd.DataFrame({"when": pd.Series(values, dtype=object)})
    embedder = TemporalEmbedder(features=["hour", "day"], missing_indicator=True).fit(X)
    out = embedder.transform(X)
    reference = pd.Series([pd.Timestamp(values[0]), pd.Timestamp(values[2])])
    assert_allclose(out[[0, 2], :4], fourier_from_pandas(reference, ["hour", "day"]))
    assert_array_equal(out[:, 4], [0, 1, 0])
    aware = values[0].tzinfo is not None if isinstance(values[0], datetime.datetime) else False
    assert (embedder.timezones_[0] is not None) == aware


# --- epoch numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_integer_epochs_in_every_unit_on_every_backend(backend, unit):
    """Integer epochs (with a null) read as pd.to_datetime(..., unit=unit) does."""
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[unit]
    seconds = [0, 13 * 3600 + 30 * 60 + 7, 86400 * 45 + 59, -86400 * 365]
    ticks = [s * per_second for s in seconds]
    X = backend.frame({"t": pd.array([*ticks, None], dtype="Int64")})
    fields = ["second", "hour", "day"]
    embedder = TemporalEmbedder(features=fields, epoch_unit=unit, missing_indicator=True)
    out = embedder.fit_transform(X)
    reference = pd.Series(pd.to_datetime(ticks, unit=unit))
    assert_allclose(out[:4, :6], fourier_from_pandas(reference, fields), atol=1e-12)
    assert_array_equal(out[:, 6], [0, 0, 0, 0, 1])
    assert_array_equal(out[4, :6], 0.0)


def test_integer_epochs_without_epoch_unit_are_refused_on_every_backend(backend):
    """Numbers without epoch_unit: TypeError naming the column and the parameter."""
    X = backend.frame({"t": pd.array([1_700_000_000, None], dtype="Int64")})
    with pytest.raises(TypeError, match=r"Column 't' has dtype .*\(integer\).*epoch_unit"):
        TemporalEmbedder().fit(X)


def test_float_epochs_keep_microseconds_and_nan_is_missing(backend):
    """Float seconds keep microseconds (documented); NaN is a missing row; infinity
    raises naming the column."""
    X = backend.frame({"t": [1.5, np.nan, 1_700_000_000.25]})
    out = TemporalEmbedder(features=["second"], epoch_unit="s", missing_indicator=True)
    out = out.fit_transform(X)
    reference = pd.Series(pd.to_datetime([1_500_000, 1_700_000_000_250_000], unit="us"))
    assert_allclose(out[[0, 2], :2], fourier_from_pandas(reference, ["second"]), atol=1e-9)
    assert_array_equal(out[:, 2], [0, 1, 0])
    with pytest.raises(ValueError, match=r"infinity .* in column 't'"):
        TemporalEmbedder(epoch_unit="s").fit(pd.DataFrame({"t": [np.inf, 0.0]}))


def test_booleans_are_not_epochs():
    """epoch_unit does not turn booleans into times."""
    with pytest.raises(TypeError, match=r"Column 't' has dtype bool \(boolean\)"):
        TemporalEmbedder(epoch_unit="s").fit(pd.DataFrame({"t": [True, False]}))


def test_epoch_unit_leaves_datetime_columns_alone():
    """A datetime column with epoch_unit set is still read as datetimes."""
    when = pd.Series(pd.to_datetime(["2024-01-01 06:00", "2024-01-01 18:00"]))
    out = TemporalEmbedder(features=["hour"], epoch_unit="ms").fit_transform(
        pd.DataFrame({"when": when})
    )
    assert_allclose(out, fourier_from_pandas(when, ["hour"]), atol=1e-12)


# --- method="random": values never seen in fit -------------------------------------------


def test_random_tables_cover_calendar_values_unseen_in_fit(fit_transform):
    """Fit on two January/February rows; July, 22:00, day 200 and year 2031 at
    transform: each cycle's value has its seeded row, year is its formula."""
    fit_rows = pd.DataFrame({"t": pd.to_datetime(["2020-01-15 03:00", "2020-02-15 04:00"])})
    later = pd.Series(pd.to_datetime(["2031-07-19 22:00"]))
    fields = ["month", "hour", "dayofyear", "week", "year"]
    embedder = TemporalEmbedder(3, method="random", features=fields, random_state=0)
    fit_transform(embedder, fit_rows)
    out = embedder.transform(pd.DataFrame({"t": later}))
    dt = later.dt
    expected = np.hstack(
        [
            embedder.tables_[0]["month"][dt.month - 1],
            embedder.tables_[0]["hour"][dt.hour],
            embedder.tables_[0]["dayofyear"][dt.day_of_year - 1],
            embedder.tables_[0]["week"][dt.isocalendar().week.astype(int) - 1],
            year_from_pandas(later)[:, None],
        ]
    )
    assert_allclose(out, expected)
    assert embedder.tables_[0]["month"].shape == (12, 3)
    assert embedder.tables_[0]["dayofyear"].shape == (366, 3)
    assert np.isfinite(out).all()


def test_random_tables_are_the_same_whatever_the_fit_data():
    """The tables depend on the seed only, so an unseen value's vector does too."""
    early = pd.DataFrame({"t": pd.to_datetime(["2020-01-15 03:00"])})
    late = pd.DataFrame({"t": pd.to_datetime(["2031-07-19 22:00", "2032-12-31 23:59"])})
    fields = ["month", "hour"]
    a = TemporalEmbedder(3, method="random", features=fields, random_state=7).fit(early)
    b = TemporalEmbedder(3, method="random", features=fields, random_state=7).fit(late)
    assert_allclose(a.transform(late), b.transform(late))


# --- datetime columns reaching PositionEmbedder and ValueEmbedder ------------------------


def test_datetime_group_keys_match_pandas_groupby(backend):
    """Aware datetime keys with NaT (one group of its own) on every backend: positions
    equal pandas' groupby(dropna=False).cumcount."""
    keys = pd.Series(
        pd.to_datetime(["2024-01-01", "2024-01-02", None, "2024-01-01", None, "2024-01-02"])
    ).dt.tz_localize("America/New_York")
    X = backend.frame({"day": keys})
    out = PositionEmbedder(method="scalar").fit_transform(X)
    groups = pd.DataFrame({"day": keys}).groupby("day", dropna=False)
    assert_array_equal(out[:, 0], groups.cumcount())
    assert_array_equal(out[:, 2], groups["day"].transform("size"))


def test_same_wall_clock_in_the_fold_is_two_groups():
    """01:30 EDT and 01:30 EST are different instants, so different group keys."""
    local = pd.Series(pd.to_datetime(["2024-11-03 01:30"] * 4))
    aware = local.dt.tz_localize("America/New_York", ambiguous=np.array([1, 0, 1, 0], bool))
    out = PositionEmbedder(method="scalar").fit_transform(pd.DataFrame({"k": aware}))
    assert_array_equal(out[:, 0], [0, 0, 1, 1])


@pytest.mark.parametrize(
    "make",
    [
        lambda: pd.Series(pd.to_timedelta([1, 2], unit="s")),
        lambda: pd.Series(pd.period_range("2024-01", periods=2, freq="M")),
    ],
    ids=["timedelta", "period"],
)
def test_timedelta_and_period_group_keys_are_refused_by_name(make):
    """Unsupported key dtypes: TypeError naming the column and the allowed kinds."""
    X = pd.DataFrame({"k": make()})
    with pytest.raises(TypeError, match=r"Column 'k' has dtype .*group columns must be"):
        PositionEmbedder().fit_transform(X)


def test_datetime_position_columns_are_refused_on_every_backend(backend):
    """positions='from_column' refuses datetimes (naive, aware, polars) by name."""
    when = pd.to_datetime(["2024-01-01", "2024-01-02"])
    for column in (when, when.tz_localize("UTC")):
        X = backend.frame({"step": column})
        with pytest.raises(TypeError, match=r"Column 'step' holds datetime values"):
            PositionEmbedder(positions="from_column").fit(X)


def test_datetime_tokens_are_refused_on_every_backend(backend):
    """ValueEmbedder: naive and aware datetimes are no token IDs, on every backend
    (pandas-numpy naive is in test_value)."""
    when = pd.to_datetime(["2024-01-01", "2024-01-02"])
    for column in (when, when.tz_localize("Asia/Tokyo")):
        with pytest.raises(TypeError, match=r"Column 'day' has dtype .*token columns"):
            ValueEmbedder().fit(backend.frame({"day": column}))


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([datetime.date(2024, 1, 1), datetime.date(2024, 1, 2)], dtype=object),
        pd.Series(pd.to_timedelta([1, 2], unit="s")),
        pd.Series(pd.period_range("2024-01", periods=2, freq="M")),
    ],
    ids=["python-dates", "timedelta", "period"],
)
def test_date_like_tokens_are_refused_by_name(column):
    """Python dates, timedeltas and periods are no token IDs either."""
    with pytest.raises(TypeError, match=r"Column 'day' has dtype .*token columns"):
        ValueEmbedder().fit(pd.DataFrame({"day": column}))


def test_aware_datetime_group_keys_of_cooccurrence_equal_string_keys(backend):
    """Co-occurrence windows grouped by an aware datetime key (NaT a group) equal
    those grouped by the same key written as strings."""
    keys = pd.Series(
        pd.to_datetime(["2024-01-01", "2024-01-01", None, None, "2024-01-02", "2024-01-02"])
    ).dt.tz_localize("UTC")
    items = ["a", "b", "a", "c", "b", "c"]
    params = dict(method="cooccurrence", group_columns="day", random_state=0)
    by_time = ValueEmbedder(2, **params).fit(backend.frame({"day": keys, "item": items}))
    as_text = pd.Series(keys.astype(str).where(keys.notna(), None), dtype=object)
    by_text = ValueEmbedder(2, **params).fit(pd.DataFrame({"day": as_text, "item": items}))
    X = pd.DataFrame({"day": as_text, "item": items})
    assert_allclose(
        by_time.transform(backend.frame({"day": keys, "item": items})), by_text.transform(X)
    )
