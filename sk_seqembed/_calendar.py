"""Calendar arithmetic on datetime64 values: fields and their phase in each cycle.

Fields come from integer arithmetic on the int64 ticks (Howard Hinnant's
``civil_from_days``), in the values' own unit, so no value is cast to nanoseconds (years
1500 and 2300 work in ``datetime64[us]``) and each field equals pandas' ``.dt`` accessor.
Aware values are first turned into local wall-clock time by pandas' time-zone database.

Phases place an instant in a cycle as a float in [0, 1) that wraps: 23:59 is next to
00:00, 31 January next to 1 February (each month's own length), 31 December next to
1 January (365 or 366 days).
"""

from functools import cached_property

import numpy as np
import pandas as pd

FIELDS = (
    "year",
    "quarter",
    "month",
    "week",
    "day",
    "dayofyear",
    "weekday",
    "hour",
    "minute",
    "second",
    "weekend",
)
_TICKS_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
_SECONDS_PER_DAY = 86_400


def wall_clock(values, tz=None, timezone=None):
    """Local wall-clock datetime64 values (naive) in the input's unit.

    ``values`` are naive wall-clock times when ``tz`` is None, else UTC instants of a
    column whose zone is ``tz``. ``timezone`` converts aware values to another zone
    first; it may not be given for naive values.
    """
    target = timezone if timezone is not None else tz
    if tz is None:
        if timezone is not None:
            raise ValueError(
                f"timezone={timezone!r} converts aware datetimes; these are naive. "
                "Localise them first with .dt.tz_localize(...)."
            )
        return values
    try:
        local = pd.DatetimeIndex(values).tz_localize("UTC").tz_convert(target)
        return local.tz_localize(None).to_numpy()
    except (NotImplementedError, OverflowError, pd.errors.OutOfBoundsDatetime):
        raise WallClockOutOfRange(_beyond_wall_clock(values, target)) from None


class WallClockOutOfRange(ValueError):
    """Local times pandas cannot compute; the message lacks the column's name, which
    the caller puts in front (``Column 't' <message>``)."""


def _beyond_wall_clock(values, zone):
    present = values[~np.isnat(values)]
    unit = np.datetime_data(values.dtype)[0]
    return (
        f"holds instants from {present.min()} to {present.max()} (UTC) whose wall clock "
        f"in {zone} cannot be computed: pandas reads zone rules within years 1 to 9999 "
        f"only, and local times must stay within the range of datetime64[{unit}]. "
        "Convert the column to a coarser unit (e.g. .dt.as_unit('s')) or to UTC "
        "(.dt.tz_convert('UTC')), or drop such rows."
    )


def days_from_civil(year, month, day):
    """Days since 1970-01-01 of proleptic Gregorian dates (int64 arrays)."""
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    year_of_era = year - era * 400
    day_of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def civil_from_days(days):
    """(year, month, day) of days since 1970-01-01, proleptic Gregorian."""
    days = days + 719_468
    era = np.floor_divide(days, 146_097)
    day_of_era = days - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + np.where(shifted_month < 10, 3, -9)
    year = year_of_era + era * 400 + (month <= 2)
    return year, month, day


def is_leap(year):
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def days_in_month(year, month):
    lengths = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    return lengths[month - 1] + ((month == 2) & is_leap(year))


class Calendar:
    """The calendar fields and phases of naive wall-clock datetime64 values.

    NaT entries are computed as 1970-01-01 00:00 and flagged in ``missing``.
    """

    def __init__(self, values):
        unit = np.datetime_data(values.dtype)[0]
        if unit not in _TICKS_PER_SECOND:
            values = values.astype("datetime64[s]")
            unit = "s"
        self.missing = np.isnat(values)
        ticks = values.view(np.int64)
        if self.missing.any():
            ticks = np.where(self.missing, 0, ticks)
        per_second = _TICKS_PER_SECOND[unit]
        per_day = per_second * _SECONDS_PER_DAY
        self.days = np.floor_divide(ticks, per_day)
        ticks_of_day = ticks - self.days * per_day
        self.seconds_of_day = ticks_of_day // per_second
        # Seconds since midnight with the sub-second part, for continuous phases.
        self.time_of_day = ticks_of_day / per_second

    # The date, computed when a field needs it (times of day do not).

    @cached_property
    def _civil(self):
        return civil_from_days(self.days)

    @property
    def year(self):
        return self._civil[0]

    @property
    def month(self):
        return self._civil[1]

    @property
    def day(self):
        return self._civil[2]

    # --- integer fields, as pandas' .dt names them (weekday: Monday=0) ---------------

    @property
    def quarter(self):
        return (self.month - 1) // 3 + 1

    @property
    def dayofyear(self):
        return self.days - days_from_civil(self.year, np.ones_like(self.year), 1) + 1

    @property
    def weekday(self):
        # 1970-01-01 was a Thursday (weekday 3).
        return (self.days + 3) % 7

    @property
    def week(self):
        """ISO 8601 week number: the week's Thursday decides its year."""
        thursday = self.days - self.weekday + 3
        thursday_year = civil_from_days(thursday)[0]
        first_day = days_from_civil(thursday_year, np.ones_like(thursday_year), 1)
        return (thursday - first_day) // 7 + 1

    @property
    def hour(self):
        return self.seconds_of_day // 3600

    @property
    def minute(self):
        return self.seconds_of_day // 60 % 60

    @property
    def second(self):
        return self.seconds_of_day % 60

    @property
    def weekend(self):
        return self.weekday >= 5

    def field(self, name):
        return getattr(self, name)

    # --- phases in [0, 1) -----------------------------------------------------------

    def phase(self, name):
        """Position of each instant in the field's cycle, in [0, 1).

        Time-of-day fields (hour, minute, second) are continuous at the values' own
        resolution: 23:59 is next to 00:00. Fields of a day or longer (weekday, day,
        dayofyear, week, month, quarter) step once a day, by 1/period of their cycle:
        31 January is next to 1 February, and ``week`` cycles over the ISO year's 52 or
        53 weeks. ``year`` and ``weekend`` are not cycles and raise.
        """
        if name == "second":
            return (self.time_of_day % 60) / 60
        if name == "minute":
            return (self.time_of_day % 3600) / 3600
        if name == "hour":
            return self.time_of_day / _SECONDS_PER_DAY
        if name == "weekday":
            return self.weekday / 7
        month_fraction = (self.day - 1) / days_in_month(self.year, self.month)
        if name == "day":
            return month_fraction
        if name == "month":
            return (self.month - 1 + month_fraction) / 12
        if name == "quarter":
            return ((self.month - 1) % 3 + month_fraction) / 3
        if name == "dayofyear":
            return (self.dayofyear - 1) / (365 + is_leap(self.year))
        if name == "week":
            thursday = self.days - self.weekday + 3
            weeks = _iso_weeks_in_year(civil_from_days(thursday)[0])
            return (self.week - 1 + self.weekday / 7) / weeks
        raise ValueError(f"The field {name!r} has no cycle.")


def _iso_weeks_in_year(year):
    """52, or 53 when 28 December falls in week 53."""
    december_28 = days_from_civil(year, np.full_like(year, 12), 28)
    weekday = (december_28 + 3) % 7
    thursday = december_28 - weekday + 3
    first = days_from_civil(year, np.ones_like(year), 1)
    return (thursday - first) // 7 + 1
