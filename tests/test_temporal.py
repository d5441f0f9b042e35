"""TemporalEmbedder: features checked against pandas' .dt accessors and formulas."""

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from pandas.testing import assert_frame_equal
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer

from sk_seqembed import TemporalEmbedder
from sk_seqembed.datasets import make_event_log

TWO_PI = 2 * np.pi


def phases_from_pandas(when):
    """Each field's phase, written out from pandas' own .dt accessors."""
    dt = pd.Series(when).dt
    seconds = dt.hour * 3600 + dt.minute * 60 + dt.second + dt.microsecond / 1e6
    day_phase = (dt.day - 1) / dt.days_in_month
    iso = dt.isocalendar()
    weeks_in_year = pd.Series(
        [pd.Timestamp(year, 12, 28).isocalendar().week for year in iso.year], index=iso.index
    )
    return {
        "second": (seconds % 60) / 60,
        "minute": (seconds % 3600) / 3600,
        "hour": seconds / 86400,
        "weekday": dt.day_of_week / 7,
        "day": day_phase,
        "dayofyear": (dt.day_of_year - 1) / (365 + dt.is_leap_year),
        "week": (iso.week - 1 + dt.day_of_week / 7) / weeks_in_year,
        "month": (dt.month - 1 + day_phase) / 12,
        "quarter": ((dt.month - 1) % 3 + day_phase) / 3,
    }


def fourier(phase, harmonics):
    columns = []
    for k in range(1, harmonics + 1):
        columns += [np.sin(TWO_PI * k * phase), np.cos(TWO_PI * k * phase)]
    return np.column_stack(columns)


FIELDS = ["second", "minute", "hour", "weekday", "day", "dayofyear", "week", "month", "quarter"]
STAMPS = st.lists(
    st.datetimes(min_value=pd.Timestamp("1900-01-01"), max_value=pd.Timestamp("2200-12-31")),
    min_size=1,
    max_size=30,
)


@given(STAMPS, st.sampled_from(["s", "ms", "us"]), st.integers(1, 3))
def test_cyclical_matches_pandas_phases_in_every_unit(stamps, unit, harmonics):
    """Fourier terms of each field's phase, as pandas' accessors give it, any unit."""
    when = pd.Series(pd.to_datetime(stamps)).astype(f"datetime64[{unit}]")
    X = pd.DataFrame({"when": when})
    out = TemporalEmbedder(2 * harmonics, features=FIELDS).fit_transform(X)
    phases = phases_from_pandas(when)
    expected = np.hstack([fourier(phases[field].to_numpy(), harmonics) for field in FIELDS])
    assert_allclose(out, expected, atol=1e-9)


@pytest.mark.parametrize("freq", ["1min", "1s", "250ms", "1D"])
def test_table_and_row_paths_agree_with_the_formula(freq):
    """Minute, second, sub-second and daily data: same formula whichever path runs."""
    when = pd.date_range("2023-12-30 22:00", periods=3000, freq=freq)
    X = pd.DataFrame({"when": when})
    out = TemporalEmbedder(features=["hour", "day", "weekday", "dayofyear"]).fit_transform(X)
    phases = phases_from_pandas(when)
    expected = np.hstack(
        [fourier(phases[f].to_numpy(), 1) for f in ["hour", "day", "weekday", "dayofyear"]]
    )
    assert_allclose(out, expected, atol=1e-9)


@pytest.mark.parametrize("year", [1500, 2300])
def test_far_years_in_microseconds_keep_their_calendar(year):
    """Years outside the nanosecond range work: nothing is cast to ns."""
    when = pd.Series(
        np.array([f"{year}-02-28T12:00", f"{year}-03-01T00:00"], dtype="datetime64[us]")
    )
    out = TemporalEmbedder(features=["year", "dayofyear", "weekend"]).fit_transform(
        pd.DataFrame({"when": when})
    )
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    doy = when.dt.day_of_year.to_numpy()
    assert_allclose(out[:, 0], year + (doy - 1) / (365 + leap))
    assert_allclose(out[:, 3], when.dt.day_of_week >= 5)


def test_aware_columns_use_local_wall_clock_and_keep_the_fit_zone():
    """Fields follow New York wall-clock time through DST; other zones are converted."""
    utc = pd.date_range("2024-03-09", "2024-03-12", freq="30min", tz="UTC")
    local = utc.tz_convert("America/New_York")
    X = pd.DataFrame({"when": local})
    embedder = TemporalEmbedder(features=["hour", "day"]).fit(X)
    phases = phases_from_pandas(local)
    expected = np.hstack([fourier(phases[f].to_numpy(), 1) for f in ["hour", "day"]])
    assert_allclose(embedder.transform(X), expected, atol=1e-9)
    # The same instants in another zone give the New York features learned at fit.
    tokyo = pd.DataFrame({"when": utc.tz_convert("Asia/Tokyo")})
    assert_allclose(embedder.transform(tokyo), expected, atol=1e-9)
    with pytest.raises(ValueError, match="Column 'when' was aware in fit and is naive now"):
        embedder.transform(pd.DataFrame({"when": utc.tz_localize(None)}))
    converted = TemporalEmbedder(features=["hour"], timezone="Asia/Kolkata").fit(X)
    kolkata = phases_from_pandas(utc.tz_convert("Asia/Kolkata"))["hour"].to_numpy()
    assert_allclose(converted.transform(X), fourier(kolkata, 1), atol=1e-9)


def test_spline_is_a_periodic_partition_of_unity_like_sklearn():
    """Periodic cubic B-splines: they sum to one and equal sklearn's SplineTransformer
    with the same knots (up to which spline comes first)."""
    when = pd.date_range("2024-01-01", periods=500, freq="7min")
    out = TemporalEmbedder(6, method="spline", features=["hour"]).fit_transform(
        pd.DataFrame({"when": when})
    )
    assert_allclose(out.sum(axis=1), 1.0)
    phase = phases_from_pandas(when)["hour"].to_numpy()[:, None]
    knots = np.linspace(0, 1, 7)[:, None]
    reference = SplineTransformer(
        degree=3, knots=knots, extrapolation="periodic", include_bias=True
    ).fit_transform(phase)
    matches = [np.allclose(out, np.roll(reference, shift, axis=1)) for shift in range(6)]
    assert any(matches)


def test_onehot_fixed_timefeature_and_random_methods():
    """Each method against its formula on hour and day of month."""
    when = pd.Series(pd.date_range("2024-02-27", periods=200, freq="53min"))
    X = pd.DataFrame({"when": when})
    hour, day = when.dt.hour.to_numpy(), when.dt.day.to_numpy()
    phase = phases_from_pandas(when)["hour"].to_numpy()
    onehot = TemporalEmbedder(6, method="onehot", features=["hour"]).fit_transform(X)
    assert_array_equal(onehot.argmax(axis=1), np.floor(phase * 6).astype(int))
    assert_array_equal(onehot.sum(axis=1), 1.0)
    fixed = TemporalEmbedder(4, method="fixed", features=["day"]).fit_transform(X)
    assert_allclose(fixed, fourier((day - 1) / 31, 2))
    gluonts = TemporalEmbedder(2, method="timefeature", features=["hour", "day"])
    gluonts = gluonts.fit_transform(X)
    assert_allclose(gluonts[:, 0], hour / 23 - 0.5)
    assert_allclose(gluonts[:, 1], (hour / 23 - 0.5) ** 2)
    assert_allclose(gluonts[:, 2], (day - 1) / 30 - 0.5)
    embedder = TemporalEmbedder(3, method="random", features=["hour"], random_state=0).fit(X)
    assert_allclose(embedder.transform(X), embedder.tables_[0]["hour"][hour])
    again = TemporalEmbedder(3, method="random", features=["hour"], random_state=0).fit(X)
    assert_array_equal(again.tables_[0]["hour"], embedder.tables_[0]["hour"])


def test_combine_sum_adds_the_fields():
    """combine='sum': Informer's temporal embedding, the fields' tables added."""
    when = pd.date_range("2024-01-01", periods=100, freq="97min")
    X = pd.DataFrame({"when": when})
    fields = ["hour", "weekday", "month"]
    parts = TemporalEmbedder(4, method="fixed", features=fields).fit_transform(X)
    summed = TemporalEmbedder(4, method="fixed", features=fields, combine="sum")
    assert_allclose(summed.fit_transform(X), parts[:, :4] + parts[:, 4:8] + parts[:, 8:])
    with pytest.raises(ValueError, match="combine='sum' adds the fields' features"):
        TemporalEmbedder(features={"hour": 2, "day": 4}, combine="sum").fit(X)


@pytest.mark.parametrize(
    "freq, fields",
    [
        ("1D", ["month", "weekday", "day", "dayofyear"]),
        ("1h", ["weekday", "day", "dayofyear", "hour"]),  # 500 hours: all in January
        ("1min", ["hour", "minute"]),  # 500 minutes: all on one day
    ],
)
def test_auto_features_follow_the_data_resolution(freq, fields):
    """'auto' keeps the fields that vary: daily data gets no hour or minute."""
    when = pd.date_range("2024-01-01", periods=500, freq=freq)
    embedder = TemporalEmbedder().fit(pd.DataFrame({"when": when}))
    assert [field for field, _ in embedder.fields_[0]] == fields


def test_trend_periods_and_recency():
    """Elapsed days, continuous Fourier terms and log-scaled gaps within groups."""
    when = pd.to_datetime(
        ["2024-01-01 00:00", "2024-01-01 06:00", "2024-01-02 00:00", "2024-01-01 12:00"]
    )
    X = pd.DataFrame({"user": ["a", "a", "a", "b"], "when": when})
    embedder = TemporalEmbedder(
        features=["hour"], trend=True, periods=["7D"], group_columns="user"
    ).fit(X)
    out = embedder.transform(X)
    names = embedder.get_feature_names_out().tolist()
    assert names[2:] == [
        "when_trend",
        "when_period7D_sin",
        "when_period7D_cos",
        "when_since_previous",
        "when_since_start",
    ]
    assert_allclose(out[:, 2], [0.0, 0.25, 1.0, 0.5])
    seconds = (when - pd.Timestamp("1970-01-01")).total_seconds().to_numpy()
    assert_allclose(out[:, 3], np.sin(TWO_PI * seconds / (7 * 86400)), atol=1e-9)
    assert_allclose(out[:, 5], np.log1p([0, 6 * 3600, 18 * 3600, 0]))
    assert_allclose(out[:, 6], np.log1p([0, 6 * 3600, 24 * 3600, 0]))


@pytest.mark.parametrize("policy", ["zeros", "nan"])
def test_missing_datetimes(policy, backend):
    """NaT rows: zeros or NaN, an optional indicator; 'error' raises naming the column."""
    X = backend.frame({"when": pd.to_datetime(["2024-05-01 10:00", None, "2024-05-02 00:00"])})
    embedder = TemporalEmbedder(
        features=["hour"], handle_missing=policy, missing_indicator=True, trend=True
    )
    out = embedder.fit_transform(X)
    if policy == "zeros":
        assert_array_equal(out[1, :3], 0.0)
    else:
        assert np.isnan(out[1, :3]).all()
    assert_array_equal(out[:, -1], [0, 1, 0])
    with pytest.raises(ValueError, match=r"Input X contains NaN \(NaT\) in column 'when'"):
        TemporalEmbedder(handle_missing="error").fit(X)


def test_wrong_inputs_are_refused_by_name():
    """Strings suggest pd.to_datetime; numbers need epoch_unit; fields are checked."""
    with pytest.raises(TypeError, match=r"Column 'when' holds strings.*pd.to_datetime"):
        TemporalEmbedder().fit(pd.DataFrame({"when": ["2024-01-01"]}))
    with pytest.raises(TypeError, match=r"Column 'when' has dtype int64.*epoch_unit"):
        TemporalEmbedder().fit(pd.DataFrame({"when": [1, 2]}))
    with pytest.raises(ValueError, match="'fortnight' is not a calendar field"):
        TemporalEmbedder(features=["fortnight"]).fit(pd.DataFrame({"when": [pd.Timestamp(0)]}))
    with pytest.raises(ValueError, match="trend=True needs dtype='float64'"):
        TemporalEmbedder(trend=True, dtype="float32").fit(
            pd.DataFrame({"when": [pd.Timestamp(0)]})
        )
    with pytest.raises(ValueError, match="periods: 'weekly' is not a duration"):
        TemporalEmbedder(periods=["weekly"]).fit(pd.DataFrame({"when": [pd.Timestamp(0)]}))


def test_epoch_numbers_are_read_as_naive_times():
    """epoch_unit='s' reads ints and floats as seconds since 1970-01-01."""
    seconds = np.array([0, 3600 * 13 + 1800, 86400 * 45], dtype=np.int64)
    embedder = TemporalEmbedder(features=["hour", "day"], epoch_unit="s")
    from_ints = embedder.fit_transform(pd.DataFrame({"t": seconds}))
    from_floats = embedder.fit_transform(pd.DataFrame({"t": seconds.astype(float)}))
    when = pd.to_datetime(seconds, unit="s")
    phases = phases_from_pandas(when)
    expected = np.hstack([fourier(phases[f].to_numpy(), 1) for f in ["hour", "day"]])
    assert_allclose(from_ints, expected, atol=1e-12)
    assert_allclose(from_floats, expected, atol=1e-12)


@given(STAMPS, st.sampled_from(["hour", "day", "dayofyear", "weekday", "month"]))
def test_property_periodic_features_are_periodic(stamps, field):
    """Shifting by one full cycle leaves cyclical features unchanged (hour: a day;
    weekday: a week); other fields stay in [-1, 1]."""
    when = pd.Series(pd.to_datetime(stamps)).astype("datetime64[s]")
    embedder = TemporalEmbedder(4, features=[field])
    out = embedder.fit_transform(pd.DataFrame({"when": when}))
    assert (np.abs(out) <= 1 + 1e-12).all()
    shift = {"hour": pd.Timedelta(days=1), "weekday": pd.Timedelta(weeks=1)}.get(field)
    if shift is not None:
        shifted = embedder.transform(pd.DataFrame({"when": when + shift}))
        assert_allclose(shifted, out, atol=1e-9)


def test_backends_set_output_pickle_and_no_mutation(backend):
    """Same features on every backend; pandas output keeps the index; input unchanged."""
    when = pd.to_datetime(["2024-01-01 10:00", "2024-07-04 23:59", None])
    X = backend.frame({"when": when})
    before = copy.deepcopy(backend.to_pandas(X))
    embedder = TemporalEmbedder(features=["hour", "month"]).set_output(transform="pandas")
    out = embedder.fit_transform(X)
    reference = TemporalEmbedder(features=["hour", "month"]).fit_transform(
        pd.DataFrame({"when": when})
    )
    assert_allclose(out.to_numpy(), reference)
    assert out.columns.tolist() == [
        "when_hour_sin1",
        "when_hour_cos1",
        "when_month_sin1",
        "when_month_cos1",
    ]
    restored = pickle.loads(pickle.dumps(embedder))
    assert_frame_equal(restored.transform(X), out)
    assert_frame_equal(backend.to_pandas(X), before)


def test_threaded_transform_equals_single_threaded():
    """Above 100,000 rows, threads change nothing."""
    when = pd.date_range("2021-01-01", periods=150_000, freq="7min")
    X = pd.DataFrame({"when": when})
    embedder = TemporalEmbedder(features=["hour", "day", "month"]).fit(X)
    assert_array_equal(
        embedder.set_params(n_threads=3).transform(X),
        embedder.set_params(n_threads=1).transform(X),
    )


def test_grid_search_over_embedding_dim():
    """GridSearchCV reaches embedding_dim inside a ColumnTransformer."""
    X, y, _ = make_event_log(n_sequences=60, random_state=0)
    model = make_pipeline(
        ColumnTransformer([("temporal", TemporalEmbedder(features=["hour"]), ["timestamp"])]),
        Ridge(),
    )
    search = GridSearchCV(
        model, {"columntransformer__temporal__embedding_dim": [2, 6]}, cv=KFold(3)
    ).fit(X, y)
    assert search.best_score_ > 0.0


def test_holidays_flag_and_distances_follow_the_country_calendar():
    """US 2024: 4 July is a holiday; distances to Juneteenth (19 June), Labor Day
    (2 September), Thanksgiving (28 November) and Christmas, counted by hand."""
    pytest.importorskip("holidays")
    when = pd.to_datetime(
        ["2024-07-03 10:00", "2024-07-04 12:00", "2024-07-06 00:00", "2024-12-24 09:00"]
    )
    X = pd.DataFrame({"when": when})
    embedder = TemporalEmbedder(features=["hour"], holidays="US").fit(X)
    out = embedder.transform(X)
    assert embedder.get_feature_names_out().tolist()[2:] == [
        "when_holiday",
        "when_days_to_holiday",
        "when_days_from_holiday",
    ]
    assert_array_equal(out[:, 2], [0, 1, 0, 0])
    assert_array_equal(out[:, 3], [1, 0, 58, 1])
    assert_array_equal(out[:, 4], [14, 0, 2, 26])
    with pytest.raises(ValueError, match="holidays='XX' is not a country"):
        TemporalEmbedder(holidays="XX").fit(X)


def test_trend_across_units_and_centuries():
    """Fit on microseconds from 1500, transform nanoseconds from 2020: exact days."""
    fit = pd.DataFrame({"t": pd.Series(np.array(["1500-01-01", "2020-01-01"], dtype="M8[us]"))})
    later = pd.DataFrame({"t": pd.to_datetime(["2020-01-01 12:00"]).as_unit("ns")})
    out = TemporalEmbedder(features=["month"], trend=True).fit(fit).transform(later)
    days = (np.datetime64("2020-01-01", "D") - np.datetime64("1500-01-01", "D")).astype(int)
    assert_allclose(out[:, 2], days + 0.5)


def test_parameter_errors_name_the_parameter():
    """A bad zone name or a repeated period is refused in fit."""
    X = pd.DataFrame({"when": [pd.Timestamp(0)]})
    with pytest.raises(ValueError, match="timezone='Mars/Base' is not a time zone"):
        TemporalEmbedder(timezone="Mars/Base").fit(X)
    with pytest.raises(ValueError, match="periods has the same duration twice"):
        TemporalEmbedder(periods=["7D", pd.Timedelta(days=7)]).fit(X)


ZONES = [
    "America/New_York",
    "Europe/Paris",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/St_Johns",
]


@given(
    st.lists(
        st.datetimes(
            min_value=pd.Timestamp("1880-01-01"), max_value=pd.Timestamp("2100-01-01")
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(ZONES),
    st.sampled_from(["s", "ms"]),
)
def test_property_aware_fields_equal_pandas_local_time(stamps, zone, unit):
    """Any UTC instants in any zone (half-hour and 45-minute offsets, LMT before 1900,
    DST): the features of pandas' own tz_convert, whichever path computes them."""
    utc = (
        pd.Series(pd.to_datetime(stamps))
        .dt.tz_localize("UTC")
        .astype(f"datetime64[{unit}, UTC]")
    )
    X = pd.DataFrame({"when": utc.dt.tz_convert(zone)})
    fields = ["minute", "hour", "weekday", "day", "dayofyear", "month"]
    out = TemporalEmbedder(features=fields).fit_transform(X)
    phases = phases_from_pandas(utc.dt.tz_convert(zone))
    expected = np.hstack([fourier(phases[f].to_numpy(), 1) for f in fields])
    assert_allclose(out, expected, atol=1e-9)


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Lord_Howe"])
def test_dense_aware_minutes_through_dst_on_threads(zone):
    """150,000 minutes across both DST changes: quarter-hour offsets, threaded."""
    utc = pd.date_range("2024-03-01", periods=150_000, freq="3min", tz="UTC")
    X = pd.DataFrame({"when": utc.tz_convert(zone)})
    out = TemporalEmbedder(features=["hour", "day"], n_threads=2).fit_transform(X)
    phases = phases_from_pandas(utc.tz_convert(zone))
    expected = np.hstack([fourier(phases[f].to_numpy(), 1) for f in ["hour", "day"]])
    assert_allclose(out, expected, atol=1e-9)


@pytest.mark.parametrize(
    "late_value",
    ["2024-06-01 12:00:30", "2024-06-01 12:00:00.250"],
    ids=["second", "millisecond"],
)
def test_a_row_off_the_minute_after_the_first_block_still_matches_pandas(late_value):
    """The first 70,000 rows are whole minutes; a late row at :30 s (or .250 s) must
    be read at its own resolution, not rounded to the minute the first rows suggest."""
    minutes = pd.date_range("2024-01-01", periods=70_000, freq="min").as_unit("ms")
    when = pd.Series(minutes.append(pd.DatetimeIndex([late_value]).as_unit("ms")))
    X = pd.DataFrame({"when": when})
    out = TemporalEmbedder(features=["second", "minute", "hour"], n_threads=2).fit_transform(X)
    phases = phases_from_pandas(when)
    expected = np.hstack(
        [fourier(phases[f].to_numpy(), 1) for f in ["second", "minute", "hour"]]
    )
    assert_allclose(out, expected, atol=1e-9)
    assert not np.allclose(out[-1, :2], [0.0, 1.0])  # the late row's second is not 0


def test_rows_inside_an_hour_where_the_offset_changes_match_pandas():
    """Lord Howe moves its clocks by 30 minutes at 15:00 UTC or 15:30 UTC: every minute
    of those hours, around each change in 2024, is read in the right offset."""
    changes = pd.to_datetime(["2024-04-06 15:00", "2024-10-05 15:30"]).tz_localize("UTC")
    utc = pd.DatetimeIndex(
        np.concatenate(
            [pd.date_range(t - pd.Timedelta("2h"), periods=240, freq="min") for t in changes]
        )
    )
    X = pd.DataFrame({"when": utc.tz_convert("Australia/Lord_Howe")})
    out = TemporalEmbedder(features=["minute", "hour", "day"]).fit_transform(X)
    phases = phases_from_pandas(utc.tz_convert("Australia/Lord_Howe"))
    expected = np.hstack([fourier(phases[f].to_numpy(), 1) for f in ["minute", "hour", "day"]])
    assert_allclose(out, expected, atol=1e-9)


def test_output_is_column_major():
    """Each feature is contiguous (documented): the layout of pandas' blocks."""
    X = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=10, freq="h")})
    out = TemporalEmbedder(trend=True).fit_transform(X)
    assert out.flags.f_contiguous


@pytest.mark.parametrize(
    "values, match",
    [
        (np.array([1.7e18, 1.7e9]), r"1\.7e\+18, out of range as a time since 1970"),
        (np.array([-(2**63), 3600]), "numpy's NaT marker, which is no instant"),
    ],
    ids=["float-overflow", "int-nat-marker"],
)
def test_epoch_numbers_that_are_no_instant_are_refused_by_column(values, match):
    """Not a silent 1970-01-01: the column and the value are named."""
    X = pd.DataFrame({"t": values})
    with pytest.raises(ValueError, match=f"Column 't' holds .*{match}"):
        TemporalEmbedder(features=["year"], epoch_unit="s").fit(X)


@pytest.mark.parametrize(
    "column, hint",
    [
        (pd.period_range("2024-01", periods=3, freq="M"), r"\.dt\.to_timestamp\(\)"),
        (pd.to_timedelta([1, 2, 3], "h"), "A duration is no instant: add it to a start"),
    ],
    ids=["period", "timedelta"],
)
def test_periods_and_durations_are_refused_with_the_conversion_to_use(column, hint):
    X = pd.DataFrame({"t": column})
    with pytest.raises(TypeError, match=f"Column 't' has dtype .*{hint}"):
        TemporalEmbedder().fit(X)
