"""Calendar arithmetic: every field equals pandas' own .dt accessor; phases wrap."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from sk_seqembed._calendar import FIELDS, Calendar, wall_clock

_PANDAS_NAMES = {
    "year": "year",
    "quarter": "quarter",
    "month": "month",
    "day": "day",
    "dayofyear": "day_of_year",
    "weekday": "day_of_week",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
}
# Ticks for years 1500..2300 in each unit (ns is limited to 1678..2261).
_RANGES = {
    "s": (-14_831_769_600, 10_413_792_000),
    "ms": (-14_831_769_600_000, 10_413_792_000_000),
    "us": (-14_831_769_600_000_000, 10_413_792_000_000_000),
    "ns": (-9_200_000_000_000_000_000, 9_200_000_000_000_000_000),
}


def pandas_fields(values):
    """The reference: pandas' .dt accessors on the same values."""
    dt = pd.Series(values).dt
    fields = {name: getattr(dt, attr).to_numpy() for name, attr in _PANDAS_NAMES.items()}
    fields["week"] = dt.isocalendar().week.to_numpy().astype(np.int64)
    fields["weekend"] = fields["weekday"] >= 5
    return fields


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@given(data=st.data())
def test_fields_equal_pandas_in_every_unit(unit, data):
    """For random instants from 1500 to 2300, each field equals pandas' accessor."""
    low, high = _RANGES[unit]
    ticks = data.draw(st.lists(st.integers(low, high), min_size=1, max_size=50))
    values = np.array(ticks, dtype=np.int64).view(f"datetime64[{unit}]")
    calendar, expected = Calendar(values), pandas_fields(values)
    for name in FIELDS:
        assert_array_equal(calendar.field(name), expected[name], err_msg=name)


@pytest.mark.parametrize(
    "timezone", ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
)
def test_aware_fields_are_local_wall_clock_across_dst(timezone):
    """Aware instants: fields of the local wall-clock time, through DST transitions."""
    instants = pd.date_range("2024-03-09", "2024-11-04", freq="17min", tz="UTC")
    values = instants.tz_localize(None).to_numpy()
    local = wall_clock(values, tz="UTC", timezone=timezone)
    calendar = Calendar(local)
    expected = pandas_fields(instants.tz_convert(timezone))
    for name in FIELDS:
        assert_array_equal(calendar.field(name), expected[name], err_msg=name)


def test_naive_values_refuse_a_timezone():
    """Converting naive values to a zone is refused with a hint."""
    with pytest.raises(
        ValueError, match=r"timezone='UTC' converts aware datetimes.*tz_localize"
    ):
        wall_clock(np.array(["2024-01-01"], dtype="datetime64[s]"), timezone="UTC")


def test_nat_is_flagged_and_computed_as_epoch():
    """NaT rows are flagged missing; their fields are those of 1970-01-01."""
    calendar = Calendar(np.array(["2024-02-29T12:00", "NaT"], dtype="datetime64[s]"))
    assert calendar.missing.tolist() == [False, True]
    assert calendar.year.tolist() == [2024, 1970]
    assert calendar.dayofyear.tolist() == [60, 1]


@pytest.mark.parametrize(
    "before, after, field",
    [
        ("2024-01-31T23:59:59", "2024-02-01T00:00:00", "day"),
        ("2023-02-28T23:59:59", "2023-03-01T00:00:00", "day"),
        ("2024-02-29T23:59:59", "2024-03-01T00:00:00", "day"),
        ("2024-12-31T23:59:59", "2025-01-01T00:00:00", "dayofyear"),
        ("2023-12-31T23:59:59", "2024-01-01T00:00:00", "dayofyear"),
        ("2024-06-30T23:59:59", "2024-07-01T00:00:00", "hour"),
        ("2024-06-30T10:59:59", "2024-06-30T11:00:00", "minute"),
        ("2024-06-30T10:59:59", "2024-06-30T11:00:00", "second"),
        ("2024-06-30T23:59:59", "2024-07-01T00:00:00", "weekday"),
        ("2024-12-31T23:59:59", "2025-01-01T00:00:00", "month"),
        ("2024-03-31T23:59:59", "2024-04-01T00:00:00", "quarter"),
        ("2020-12-27T23:59:59", "2020-12-28T00:00:00", "week"),
        ("2021-01-03T23:59:59", "2021-01-04T00:00:00", "week"),
    ],
)
def test_phases_wrap_across_every_boundary(before, after, field):
    """A millisecond apart across a cycle boundary, phases are neighbours modulo 1:
    time-of-day fields by a millisecond's share, day-level fields by one day's step."""
    values = np.array([before + ".999", after], dtype="datetime64[ms]")
    calendar = Calendar(values)
    phase = calendar.phase(field)
    assert ((phase >= 0) & (phase < 1)).all()
    gap = (phase[1] - phase[0]) % 1.0
    if field in ("hour", "minute", "second"):
        assert gap < 1e-3, (field, phase)
    else:
        # One day forward: 1/7 of a week, 1/len of a month, 1/365 of a year, ...
        cycle_days = {"weekday": 7, "week": 7 * 53, "quarter": 92, "month": 366}
        step = 1 / cycle_days.get(field, 366)
        assert 0 < gap <= max(step, 1 / 28) * 1.0001, (field, phase)


def test_phase_of_day_of_month_uses_that_months_length():
    """The 15th is 14/days_in_month of the way through its month, whatever the hour."""
    values = np.array(["2023-02-15T12:00", "2024-02-15T00:00", "2024-04-15T23:00"], "M8[s]")
    assert_allclose(Calendar(values).phase("day"), [14 / 28, 14 / 29, 14 / 30])


def test_iso_week_phase_uses_53_week_years():
    """2020 has 53 ISO weeks: its last Sunday is 6/7 into week 53 of 53."""
    values = np.array(["2020-12-31T12:00", "2021-01-03T23:00"], dtype="datetime64[s]")
    calendar = Calendar(values)
    assert calendar.week.tolist() == [53, 53]
    assert_allclose(calendar.phase("week"), [(52 + 3 / 7) / 53, (52 + 6 / 7) / 53])


def test_fields_without_a_cycle_have_no_phase():
    """year and weekend are not cycles."""
    with pytest.raises(ValueError, match="The field 'year' has no cycle"):
        Calendar(np.array(["2024-01-01"], dtype="datetime64[s]")).phase("year")
