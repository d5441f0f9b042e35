"""TemporalEmbedder: features checked against pandas' .dt accessors and formulas."""

import copy
import datetime
import pickle
import zoneinfo

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
from tests.conftest import NEW_YORK

TWO_PI = 2 * np.pi

# The trend is in years of this many days (documented under ``trend``).
DAYS_PER_YEAR = 365.25


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
    out = TemporalEmbedder(2, features=["hour", "day", "weekday", "dayofyear"]).fit_transform(X)
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
    out = TemporalEmbedder(2, features=["year", "dayofyear", "weekend"]).fit_transform(
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
    embedder = TemporalEmbedder(2, features=["hour", "day"]).fit(X)
    phases = phases_from_pandas(local)
    expected = np.hstack([fourier(phases[f].to_numpy(), 1) for f in ["hour", "day"]])
    assert_allclose(embedder.transform(X), expected, atol=1e-9)
    # The same instants in another zone give the New York features learned at fit.
    tokyo = pd.DataFrame({"when": utc.tz_convert("Asia/Tokyo")})
    assert_allclose(embedder.transform(tokyo), expected, atol=1e-9)
    with pytest.raises(ValueError, match="Column 'when' was aware in fit and is naive now"):
        embedder.transform(pd.DataFrame({"when": utc.tz_localize(None)}))
    converted = TemporalEmbedder(2, features=["hour"], timezone="Asia/Kolkata").fit(X)
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
        TemporalEmbedder(2, features={"hour": 2, "day": 4}, combine="sum").fit(X)


@pytest.mark.parametrize(
    "freq, resolution, fields",
    [
        ("1D", "day", {"weekday": 6, "day": 2, "dayofyear": 2}),
        ("1h", "hour", {"hour": 8, "weekday": 6, "day": 2, "dayofyear": 2}),
        ("1min", "minute", {"minute": 2, "hour": 8, "weekday": 6, "day": 2, "dayofyear": 2}),
        (
            "250ms",
            "second",
            {"second": 2, "minute": 2, "hour": 8, "weekday": 6, "day": 2, "dayofyear": 2},
        ),
        ("7D", "week", {"dayofyear": 2}),
        ("MS", "month", {"month": 8}),
        ("ME", "month", {"month": 8}),  # month ends: resample("ME") labels
        ("QE", "month", {"month": 8}),
        ("YS", "year", {"dayofyear": 2}),
    ],
)
def test_auto_features_follow_the_data_resolution(freq, resolution, fields):
    """'auto' reads the finest unit that varies (as GluonTS reads a frequency), and
    gives the fields widths by role at the default embedding_dim of 8: the weekday's
    basis is complete at 6, day of month and minute get a quarter of 8."""
    when = pd.date_range("2024-01-01", periods=500, freq=freq)
    embedder = TemporalEmbedder().fit(pd.DataFrame({"when": when}))
    assert embedder.resolutions_ == [resolution]
    assert dict(embedder.fields_[0]) == fields
    assert embedder.get_feature_names_out()[-1] == "when_trend"


@pytest.mark.parametrize("freq", ["1D", "1h", "15min"])
def test_auto_columns_are_the_same_for_a_month_and_for_two_years(freq):
    """Folds of one series (TimeSeriesSplit) get one width, whatever their span: the
    fields follow the resolution, not which fields happen to vary in the fold."""
    when = pd.date_range("2011-01-01", "2012-12-31 23:59", freq=freq)
    X = pd.DataFrame({"t": when})
    month = TemporalEmbedder().fit(X[X["t"] < "2011-02-01"]).get_feature_names_out()
    years = TemporalEmbedder().fit(X).get_feature_names_out()
    assert month.tolist() == years.tolist()


@pytest.mark.parametrize(
    "embedding_dim, widths",
    [
        (1, {"hour": 1, "weekday": 1, "day": 1, "dayofyear": 1}),
        (4, {"hour": 4, "weekday": 4, "day": 2, "dayofyear": 2}),
        (12, {"hour": 12, "weekday": 6, "day": 3, "dayofyear": 3}),
        (40, {"hour": 22, "weekday": 6, "day": 10, "dayofyear": 10}),
    ],
)
def test_auto_widths_follow_each_fields_role(embedding_dim, widths):
    """min(d, cap, max(2, ceil(share * d))): share 1 for the time of day and the week,
    1/4 for the season and the day of month; caps at a complete basis (6 for 7
    weekdays; 22 for 24 hours, as the 12th harmonic's sine is zero on every hour)."""
    X = pd.DataFrame({"t": pd.date_range("2024-01-01", periods=500, freq="h")})
    embedder = TemporalEmbedder(embedding_dim).fit(X)
    assert dict(embedder.fields_[0]) == widths


def test_auto_cyclical_columns_are_never_collinear():
    """At the caps the Fourier basis of a cycle of n values stays injective and no
    column is a combination of the others: no harmonic aliases another (7 weekdays: 3
    harmonics), none is zero on every value."""
    X = pd.DataFrame({"t": pd.date_range("2024-01-01", periods=24 * 7 * 60, freq="h")})
    out = TemporalEmbedder(40, trend=False).fit_transform(X)
    names = TemporalEmbedder(40, trend=False).fit(X).get_feature_names_out()
    for field, n_values in [("hour", 24), ("weekday", 7)]:
        block = out[:, [i for i, name in enumerate(names) if f"_{field}_" in name]]
        distinct = np.unique(block.round(9), axis=0)
        assert distinct.shape[0] == n_values
        rank = np.linalg.matrix_rank(np.c_[np.ones(len(distinct)), distinct])
        assert rank == block.shape[1] + 1


@pytest.mark.parametrize("field, values", [("hour", 24), ("month", 12), ("weekday", 7)])
@pytest.mark.parametrize("width", [3, 4, 8])
def test_spline_basis_is_injective_at_every_allowed_width(field, values, width):
    """From 3 periodic B-splines on, every value of the cycle has its own vector (two
    periodic B-splines sum to one: a single curve folded onto a segment)."""
    start = {"hour": "2024-03-02", "month": "2024-01-15", "weekday": "2024-03-04"}[field]
    freq = {"hour": "h", "month": "MS", "weekday": "D"}[field]
    when = pd.date_range(start, periods=values, freq=freq)
    if field == "month":
        when = when + pd.Timedelta(days=14)
    X = pd.DataFrame({"t": when})
    out = TemporalEmbedder(width, method="spline", features=[field]).fit_transform(X)
    gaps = np.linalg.norm(out[:, None] - out[None, :], axis=2)
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() > 1e-6


@pytest.mark.parametrize(
    "params", [{"embedding_dim": 2}, {"features": {"hour": 2}}, {"embedding_dim": 1}]
)
def test_fewer_than_three_splines_are_refused_by_field(params):
    X = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=48, freq="h")})
    with pytest.raises(ValueError, match="at least 3 splines per field; 'hour' of column"):
        TemporalEmbedder(method="spline", **{"features": ["hour"], **params}).fit(X)


def test_trend_periods_and_recency():
    """Elapsed years, continuous Fourier terms and log-scaled gaps within groups."""
    when = pd.to_datetime(
        ["2024-01-01 00:00", "2024-01-01 06:00", "2024-01-02 00:00", "2024-01-01 12:00"]
    )
    X = pd.DataFrame({"user": ["a", "a", "a", "b"], "when": when})
    embedder = TemporalEmbedder(
        2, features=["hour"], trend=True, periods=["7D"], group_columns="user"
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
    assert_allclose(out[:, 2], np.array([0.0, 0.25, 1.0, 0.5]) / DAYS_PER_YEAR)
    seconds = (when - pd.Timestamp("1970-01-01")).total_seconds().to_numpy()
    assert_allclose(out[:, 3], np.sin(TWO_PI * seconds / (7 * 86400)), atol=1e-9)
    assert_allclose(out[:, 5], np.log1p([0, 6 * 3600, 18 * 3600, 0]))
    assert_allclose(out[:, 6], np.log1p([0, 6 * 3600, 24 * 3600, 0]))


@pytest.mark.parametrize("policy", ["zeros", "nan"])
def test_missing_datetimes(policy, backend):
    """NaT rows: zeros or NaN, an optional indicator; 'error' raises naming the column."""
    X = backend.frame({"when": pd.to_datetime(["2024-05-01 10:00", None, "2024-05-02 00:00"])})
    embedder = TemporalEmbedder(
        2, features=["hour"], handle_missing=policy, missing_indicator=True, trend=True
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
        TemporalEmbedder(2, features=["fortnight"]).fit(
            pd.DataFrame({"when": [pd.Timestamp(0)]})
        )
    with pytest.raises(ValueError, match="periods: 'weekly' is not a duration"):
        TemporalEmbedder(periods=["weekly"]).fit(pd.DataFrame({"when": [pd.Timestamp(0)]}))


@pytest.mark.parametrize("number", [86400, 86400.0, np.int64(86400), np.float32(7.5), "86400"])
def test_bare_numbers_as_periods_are_refused_for_want_of_a_unit(number):
    # pandas reads pd.Timedelta(86400) as 86,400 nanoseconds, silently.
    assert pd.Timedelta(number).total_seconds() < 1e-4
    X = pd.DataFrame({"when": [pd.Timestamp(0)]})
    with pytest.raises(ValueError, match=r"periods: .* is a bare number, which has no unit"):
        TemporalEmbedder(periods=[number]).fit(X)
    with pytest.raises(ValueError, match="periods: True is not a duration"):
        TemporalEmbedder(periods=[True]).fit(X)
    # Durations with their unit are read as such.
    seconds = TemporalEmbedder(periods=[np.timedelta64(86400, "s"), "7D"]).fit(X)
    assert seconds.period_seconds_.tolist() == [86400.0, 7 * 86400.0]
    # HistoryEmbedder's time half-lives are durations too.
    from sk_seqembed import HistoryEmbedder

    events = pd.DataFrame({"g": [1, 1], "item": [2, 3], "t": pd.to_datetime(["2024", "2025"])})
    with pytest.raises(ValueError, match=r"time_half_lives: .* is a bare number"):
        HistoryEmbedder(group_columns="g", time_column="t", time_half_lives=[number]).fit(
            events
        )


def test_epoch_numbers_are_read_as_naive_times():
    """epoch_unit='s' reads ints and floats as seconds since 1970-01-01."""
    seconds = np.array([0, 3600 * 13 + 1800, 86400 * 45], dtype=np.int64)
    embedder = TemporalEmbedder(2, features=["hour", "day"], epoch_unit="s")
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
    embedder = TemporalEmbedder(2, features=["hour", "month"]).set_output(transform="pandas")
    out = embedder.fit_transform(X)
    reference = TemporalEmbedder(2, features=["hour", "month"]).fit_transform(
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
    embedder = TemporalEmbedder(2, features=["hour", "day", "month"]).fit(X)
    assert_array_equal(
        embedder.set_params(n_threads=3).transform(X),
        embedder.set_params(n_threads=1).transform(X),
    )


def test_grid_search_over_embedding_dim():
    """GridSearchCV reaches embedding_dim inside a ColumnTransformer."""
    X, y, _ = make_event_log(n_sequences=60, random_state=0)
    model = make_pipeline(
        ColumnTransformer(
            [("temporal", TemporalEmbedder(2, features=["hour"]), ["timestamp"])]
        ),
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
    embedder = TemporalEmbedder(2, features=["hour"], holidays="US").fit(X)
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
    out = TemporalEmbedder(2, features=["month"], trend=True).fit(fit).transform(later)
    days = (np.datetime64("2020-01-01", "D") - np.datetime64("1500-01-01", "D")).astype(int)
    assert_allclose(out[:, 2], (days + 0.5) / DAYS_PER_YEAR)


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
    out = TemporalEmbedder(2, features=fields).fit_transform(X)
    phases = phases_from_pandas(utc.dt.tz_convert(zone))
    expected = np.hstack([fourier(phases[f].to_numpy(), 1) for f in fields])
    assert_allclose(out, expected, atol=1e-9)


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Lord_Howe"])
def test_dense_aware_minutes_through_dst_on_threads(zone):
    """150,000 minutes across both DST changes: quarter-hour offsets, threaded."""
    utc = pd.date_range("2024-03-01", periods=150_000, freq="3min", tz="UTC")
    X = pd.DataFrame({"when": utc.tz_convert(zone)})
    out = TemporalEmbedder(2, features=["hour", "day"], n_threads=2).fit_transform(X)
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
    out = TemporalEmbedder(2, features=["second", "minute", "hour"], n_threads=2).fit_transform(
        X
    )
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
    out = TemporalEmbedder(2, features=["minute", "hour", "day"]).fit_transform(X)
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
        TemporalEmbedder(2, features=["year"], epoch_unit="s").fit(X)


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


# --- missing values ---------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["zeros", "nan"])
def test_nat_in_aware_columns_with_every_option(backend, fit_transform, policy):
    """NaT in an aware column: every feature of its row (calendar, trend, periods,
    recency) follows handle_missing, the indicator is 0/1, the other rows match pandas."""
    local = pd.Series(
        pd.to_datetime(["2024-03-10 01:00", None, "2024-03-10 04:00", "2024-03-11 00:00"])
    ).dt.tz_localize("America/New_York")
    X = backend.frame({"user": ["a", "a", "a", "b"], "when": local})
    embedder = TemporalEmbedder(
        2,
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
    assert_allclose(out[present, 2], np.array([0.0, 2 / 24, 22 / 24]) / DAYS_PER_YEAR)
    assert_allclose(out[present, 5:7], np.log1p([[0, 0], [7200, 7200], [0, 0]]))


def test_missing_datetimes_error_at_transform_names_the_column(backend):
    """handle_missing='error': a clean fit, then NaT (or null) at transform raises."""
    clean = backend.frame({"when": pd.to_datetime(["2024-05-01 10:00", "2024-05-02 00:00"])})
    dirty = backend.frame({"when": pd.to_datetime(["2024-05-01 10:00", None])})
    embedder = TemporalEmbedder(2, features=["hour"], handle_missing="error").fit(clean)
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
        2, features=["hour"], trend=True, handle_missing=policy, missing_indicator=True
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
    embedder = TemporalEmbedder(2, features=["hour"], missing_indicator=True).fit(naive)
    empty_aware = pd.DataFrame({"when": pd.Series([pd.NaT], dtype="datetime64[ns, UTC]")})
    assert_array_equal(embedder.transform(empty_aware), [[0.0, 0.0, 1.0]])


@pytest.mark.parametrize("missing", [None, pd.NaT, np.datetime64("NaT"), np.nan])
def test_missing_markers_in_object_columns_of_datetimes(missing):
    """None, pd.NaT, numpy NaT and NaN among Python datetimes are all missing."""
    values = pd.Series([datetime.datetime(2024, 1, 1, 6), missing], dtype=object)
    out = TemporalEmbedder(2, features=["hour"], missing_indicator=True).fit_transform(
        pd.DataFrame({"when": values})
    )
    assert_allclose(out, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], atol=1e-12)


# --- naive and aware --------------------------------------------------------------------------


def test_naive_in_fit_aware_at_transform_is_refused_by_name(backend):
    """The direction test_temporal does not cover: naive at fit, aware at transform."""
    when = pd.to_datetime(["2024-01-01 10:00", "2024-01-02 11:00"])
    embedder = TemporalEmbedder(2, features=["hour"]).fit(backend.frame({"when": when}))
    aware = backend.frame({"when": when.tz_localize("UTC")})
    with pytest.raises(ValueError, match="Column 'when' was naive in fit and is aware now"):
        embedder.transform(aware)


def test_aware_in_fit_naive_at_transform_is_refused_on_every_backend(backend):
    """Aware at fit, naive at transform, on every backend (pandas-numpy is in
    test_temporal)."""
    when = pd.to_datetime(["2024-01-01 10:00", "2024-01-02 11:00"])
    aware = backend.frame({"when": when.tz_localize("Europe/Paris")})
    embedder = TemporalEmbedder(2, features=["hour"]).fit(aware)
    with pytest.raises(ValueError, match="Column 'when' was aware in fit and is naive now"):
        embedder.transform(backend.frame({"when": when}))


def test_timezone_parameter_leaves_naive_columns_as_they_are():
    """Documented: ``timezone`` converts aware columns only; naive ones are read as is."""
    when = pd.Series(pd.to_datetime(["2024-01-01 06:00", "2024-07-01 18:30"]))
    X = pd.DataFrame({"when": when})
    embedder = TemporalEmbedder(2, features=["hour"], timezone="Asia/Tokyo").fit(X)
    assert embedder.timezones_ == [None]
    assert_allclose(embedder.transform(X), fourier_from_pandas(when, ["hour"]), atol=1e-12)


def test_fixed_offset_zones_are_read_in_their_offset():
    """pd.to_datetime of '+05:30' strings gives a fixed-offset zone: local wall clock."""
    when = pd.Series(pd.to_datetime(["2024-01-01T00:00+05:30", "2024-01-01T12:15+05:30"]))
    for X in (
        pd.DataFrame({"when": when}),
        pd.DataFrame({"when": when}).convert_dtypes(dtype_backend="pyarrow"),
    ):
        out = TemporalEmbedder(2, features=["hour"]).fit_transform(X)
        assert_allclose(out, fourier_from_pandas(when, ["hour"]), atol=1e-9)


def test_mixed_zones_after_the_suggested_fix_are_utc_instants():
    """Following the hint (utc=True) gives the UTC wall clock of each instant."""
    values = [
        datetime.datetime(2024, 1, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        datetime.datetime(2024, 1, 1, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
    ]
    when = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
    out = TemporalEmbedder(2, features=["hour"]).fit_transform(pd.DataFrame({"ts": when}))
    hours = np.array([8.0, 0.0])  # 09:00 CET = 08:00 UTC; 09:00 JST = 00:00 UTC
    assert_allclose(
        out,
        np.column_stack([np.sin(TWO_PI * hours / 24), np.cos(TWO_PI * hours / 24)]),
        atol=1e-12,
    )


# --- units and far years ----------------------------------------------------------------------


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
    out = TemporalEmbedder(2, features=fields).fit_transform(backend.frame({"when": when}))
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
    out = TemporalEmbedder(2, features=["hour", "day", "year"], trend=True).fit_transform(X)
    assert_allclose(out[:, :4], fourier_from_pandas(when, ["hour", "day"]), atol=1e-9)
    assert_allclose(out[:, 4], year_from_pandas(when))
    elapsed = (when - when.min()).dt.total_seconds().to_numpy() / 86400 / DAYS_PER_YEAR
    assert_allclose(out[:, 5], elapsed, rtol=1e-12, atol=1e-9 / DAYS_PER_YEAR)


def test_python_dates_of_far_years_keep_their_calendar():
    """Python date objects of 1500 and 2300 (beyond nanoseconds) read exactly."""
    dates = [datetime.date(1500, 3, 1), datetime.date(2300, 12, 31)]
    out = TemporalEmbedder(2, features=["year", "weekday"]).fit_transform(
        pd.DataFrame({"d": pd.Series(dates, dtype=object)})
    )
    reference = pd.Series(np.array(["1500-03-01", "2300-12-31"], dtype="M8[s]"))
    assert_allclose(out[:, 0], year_from_pandas(reference))
    assert_allclose(out[:, 1:], fourier_from_pandas(reference, ["weekday"]), atol=1e-12)


# --- DST gaps and folds -----------------------------------------------------------------------


def test_dst_fold_twice_one_thirty_same_calendar_one_hour_apart(backend):
    """2024-11-03 01:30 happens twice in New York: both read as 01:30 (same calendar
    features); trend and recency see the real hour between them."""
    local = pd.Series(pd.to_datetime(["2024-11-03 01:30", "2024-11-03 01:30"]))
    aware = local.dt.tz_localize("America/New_York", ambiguous=np.array([True, False]))
    X = backend.frame({"g": [1, 1], "when": aware})
    out = TemporalEmbedder(
        2, features=["hour", "minute"], trend=True, group_columns="g"
    ).fit_transform(X)
    assert_allclose(out[0, :4], out[1, :4])
    assert_allclose(out[:, :4], fourier_from_pandas(local, ["hour", "minute"]), atol=1e-12)
    assert_allclose(out[:, 4], np.array([0.0, 1 / 24]) / DAYS_PER_YEAR)
    assert_allclose(out[:, 5:], [[0.0, 0.0], [np.log1p(3600), np.log1p(3600)]])


def test_python_datetime_fold_attribute_is_honoured():
    """Python datetimes with fold=0 / fold=1 at 01:30 on the fall-back day: the same
    wall clock, instants an hour apart (Python's zoneinfo semantics)."""
    first = datetime.datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK)
    second = first.replace(fold=1)
    X = pd.DataFrame({"when": pd.Series([first, second], dtype=object)})
    out = TemporalEmbedder(2, features=["hour"], trend=True).fit_transform(X)
    assert_allclose(out[0, :2], out[1, :2])
    gap = second.astimezone(datetime.timezone.utc) - first.astimezone(datetime.timezone.utc)
    assert_allclose(out[1, 2] - out[0, 2], gap / datetime.timedelta(days=DAYS_PER_YEAR))


def test_python_datetime_in_the_spring_gap_reads_as_pythons_instant():
    """2024-03-10 02:30 does not exist in New York. A Python datetime with that wall
    clock (fold=0) is the instant Python's zoneinfo gives it: 07:30 UTC, 03:30 EDT."""
    nonexistent = datetime.datetime(2024, 3, 10, 2, 30, tzinfo=NEW_YORK)
    X = pd.DataFrame({"when": pd.Series([nonexistent], dtype=object)})
    out = TemporalEmbedder(2, features=["hour", "minute"]).fit_transform(X)
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
    out = TemporalEmbedder(2, features=["hour"]).fit_transform(pd.DataFrame({"when": aware}))
    expected = pd.Series(pd.to_datetime([wall_clock]))
    assert_allclose(out, fourier_from_pandas(expected, ["hour"]), atol=1e-9)


def test_spring_gap_localized_to_nat_is_a_missing_row():
    """tz_localize(nonexistent='NaT'): the row is missing, like any NaT."""
    local = pd.Series(pd.to_datetime(["2024-03-10 01:30", "2024-03-10 02:30"]))
    aware = local.dt.tz_localize("America/New_York", nonexistent="NaT")
    out = TemporalEmbedder(2, features=["hour"], missing_indicator=True).fit_transform(
        pd.DataFrame({"when": aware})
    )
    assert_allclose(out[1], [0.0, 0.0, 1.0])
    assert_allclose(out[0, :2], fourier_from_pandas(local[:1], ["hour"])[0], atol=1e-12)


# --- row order --------------------------------------------------------------------------------


def test_non_monotonic_rows_calendar_trend_and_signed_recency():
    """Rows out of time order: calendar features row by row, trend from the earliest
    instant (not the first row), recency in row order with a sign."""
    when = pd.Series(
        pd.to_datetime(["2024-01-02 05:00", "2024-01-01 04:00", "2024-01-03 06:00"])
    ).dt.tz_localize("Europe/Paris")
    # The group key is itself a datetime (one session day).
    X = pd.DataFrame({"session": pd.to_datetime(["2024-01-01"] * 3), "when": when})
    embedder = TemporalEmbedder(2, features=["hour"], trend=True, group_columns="session")
    out = embedder.fit_transform(X)
    assert_allclose(out[:, :2], fourier_from_pandas(when, ["hour"]), atol=1e-12)
    assert_allclose(out[:, 2], (when - when.min()).dt.total_seconds() / 86400 / DAYS_PER_YEAR)
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
    out = TemporalEmbedder(2, features=fields).fit_transform(pd.DataFrame({"when": shuffled}))
    assert_allclose(out, fourier_from_pandas(shuffled, fields), atol=1e-9)


# --- wrong kinds ------------------------------------------------------------------------------


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


# --- polars and Python objects ----------------------------------------------------------------


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
    embedder = TemporalEmbedder(2, features=["hour", "day"], missing_indicator=True).fit(X)
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
    embedder = TemporalEmbedder(2, features=["hour", "day"], missing_indicator=True).fit(X)
    out = embedder.transform(X)
    reference = pd.Series([pd.Timestamp(values[0]), pd.Timestamp(values[2])])
    assert_allclose(out[[0, 2], :4], fourier_from_pandas(reference, ["hour", "day"]))
    assert_array_equal(out[:, 4], [0, 1, 0])
    aware = values[0].tzinfo is not None if isinstance(values[0], datetime.datetime) else False
    assert (embedder.timezones_[0] is not None) == aware


# --- epoch numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_integer_epochs_in_every_unit_on_every_backend(backend, unit):
    """Integer epochs (with a null) read as pd.to_datetime(..., unit=unit) does."""
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[unit]
    seconds = [0, 13 * 3600 + 30 * 60 + 7, 86400 * 45 + 59, -86400 * 365]
    ticks = [s * per_second for s in seconds]
    X = backend.frame({"t": pd.array([*ticks, None], dtype="Int64")})
    fields = ["second", "hour", "day"]
    embedder = TemporalEmbedder(2, features=fields, epoch_unit=unit, missing_indicator=True)
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
    out = TemporalEmbedder(2, features=["second"], epoch_unit="s", missing_indicator=True)
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
    out = TemporalEmbedder(2, features=["hour"], epoch_unit="ms").fit_transform(
        pd.DataFrame({"when": when})
    )
    assert_allclose(out, fourier_from_pandas(when, ["hour"]), atol=1e-12)


# --- method="random": values never seen in fit ------------------------------------------------


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


def test_trend_is_in_years_from_the_fit_start():
    """On a human scale: two years of hourly data give a trend from 0 to 2 (elapsed
    days over 365.25, written out), and a year beyond ends near 3."""
    fit = pd.DataFrame({"t": pd.date_range("2011-01-01", "2012-12-31 23:00", freq="h")})
    later = pd.DataFrame({"t": pd.date_range("2011-01-01", "2013-12-31", freq="D")})
    embedder = TemporalEmbedder(trend=True).fit(fit)
    column = embedder.get_feature_names_out().tolist().index("t_trend")
    got = embedder.transform(later)[:, column]
    days = (later["t"] - pd.Timestamp("2011-01-01")).dt.days.to_numpy()
    assert_allclose(got, days / 365.25)
    assert 2.99 < got.max() < 3.0


def test_trend_in_float32_is_within_twenty_seconds_ten_years_on():
    """Computed in float64 and rounded once: float32 spaces years by 2**-20 (30 s)
    between 8 and 16, so the rounding is at most 15 s."""
    fit = pd.DataFrame({"t": pd.date_range("2011-01-01", periods=2, freq="D")})
    later = pd.DataFrame({"t": pd.date_range("2020-12-01", periods=1000, freq="37min")})
    embedder = TemporalEmbedder(features=["hour"], trend=True, dtype="float32").fit(fit)
    got = embedder.transform(later)[:, -1]
    seconds = (later["t"] - pd.Timestamp("2011-01-01")).dt.total_seconds().to_numpy()
    assert got.dtype == np.float32
    assert np.abs(got.astype(np.float64) * 365.25 * 86400 - seconds).max() < 16


@pytest.mark.parametrize(
    "features, trend, combine, has_trend",
    [
        ("auto", "auto", "concat", True),
        (["hour"], "auto", "concat", False),
        ("auto", False, "concat", False),
        ("auto", "auto", "sum", False),
    ],
)
def test_trend_auto_comes_with_auto_features(features, trend, combine, has_trend):
    """Not with combine='sum': its output is one embedding of embedding_dim columns."""
    X = pd.DataFrame({"t": pd.date_range("2024-01-01", periods=50, freq="h")})
    embedder = TemporalEmbedder(features=features, trend=trend, combine=combine)
    names = embedder.fit(X).get_feature_names_out()
    assert ("t_trend" in names) == has_trend


@pytest.mark.parametrize(
    "days, learnable", [(30, False), (364, False), (365, True), (366, True)]
)
def test_trend_auto_is_filled_once_fit_spans_a_year(days, learnable):
    """Shorter fits cannot tell a trend from the season: the column stays (one width
    for every fold) and holds 0; from 364 days on (a year of hourly rows spans 364.96)
    it holds the elapsed years."""
    fit = pd.DataFrame({"t": pd.date_range("2020-01-01", periods=days * 24, freq="h")})
    later = pd.DataFrame({"t": pd.date_range("2021-06-01", periods=50, freq="7h")})
    embedder = TemporalEmbedder().fit(fit)
    got = embedder.transform(later)[:, -1]
    assert embedder.get_feature_names_out()[-1] == "t_trend"
    assert embedder.trends_ == [learnable]
    years = (later["t"] - pd.Timestamp("2020-01-01")).dt.total_seconds() / 86400 / 365.25
    assert_allclose(got, years if learnable else 0.0)
    explicit = TemporalEmbedder(features=["hour"], trend=True).fit(fit).transform(later)
    assert_allclose(explicit[:, -1], years)


@pytest.mark.parametrize("method, widths", [("onehot", (24, 7)), ("spline", (24, 7))])
def test_auto_slices_and_splines_reach_the_fields_period(method, widths):
    """Slices and splines are not Fourier terms: capped at the period (one slice per
    hour, per weekday), not where a harmonic would alias."""
    X = pd.DataFrame({"t": pd.date_range("2024-01-01", periods=500, freq="h")})
    fields = dict(TemporalEmbedder(40, method=method).fit(X).fields_[0])
    assert (fields["hour"], fields["weekday"]) == widths


def test_auto_monthly_cyclical_columns_have_no_zero_sine():
    """Monthly data: the 6th harmonic's sine is zero on every month start, so the
    month stops at 10 columns (5 harmonics)."""
    X = pd.DataFrame({"t": pd.date_range("2000-01-01", periods=120, freq="MS")})
    embedder = TemporalEmbedder(40, trend=False).fit(X)
    out = embedder.transform(X)
    assert dict(embedder.fields_[0]) == {"month": 10}
    assert (np.abs(out).max(axis=0) > 0.5).all()


@pytest.mark.parametrize("features, combine", [(["weekday"], "concat"), ("auto", "sum")])
def test_trends_is_false_without_a_trend_column(features, combine):
    X = pd.DataFrame({"t": pd.date_range("2020-01-01", periods=800, freq="D")})
    embedder = TemporalEmbedder(2, features=features, combine=combine).fit(X)
    assert embedder.trends_ == [False]
    assert not any("trend" in name for name in embedder.get_feature_names_out())
