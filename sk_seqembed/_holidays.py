"""Public holidays of a country as calendar features (the ``holidays`` package).

Per date: whether it is a holiday, and the days to the next and from the previous one,
capped at a year.
"""

from functools import lru_cache

import numpy as np

from . import _calendar

FIELDS = ("holiday", "days_to_holiday", "days_from_holiday")
# Holiday distances are capped: a year away is as good as never.
HORIZON = 366


def country_holidays(country, years):
    """The dates of ``country``'s public holidays in ``years`` (holidays package)."""
    try:
        import holidays
    except ImportError:
        raise ImportError(
            'holidays=... needs the holidays package: pip install "sk_seqembed[holidays]".'
        ) from None
    try:
        return list(holidays.country_holidays(country, years=years))
    except NotImplementedError:
        raise ValueError(
            f"holidays={country!r} is not a country the holidays package knows (use an "
            "ISO code such as 'US' or 'FR')."
        ) from None


@lru_cache(maxsize=32)
def known_years(country):
    """The first and last year the holidays package has ``country``'s holidays for."""
    import holidays

    calendar = holidays.country_holidays(country)
    return int(calendar.start_year), int(calendar.end_year)


def check_years(country, values, zone, missing, name):
    """Refuse dates outside the years the package knows: their holiday features would
    read "no holiday within a year", silently."""
    present = values[~missing]
    if present.size == 0:
        return
    extremes = np.array([present.min(), present.max()])
    local = _calendar.wall_clock(extremes, zone) if zone is not None else extremes
    years = local.astype("datetime64[Y]").astype(np.int64) + 1970
    first, last = known_years(country)
    outside = [int(year) for year in years if not first <= year <= last]
    if outside:
        raise ValueError(
            f"Column {name!r} holds dates in {outside[0]}, outside the years {first} to "
            f"{last} the holidays package knows for {country!r}: their holiday features "
            "would say 'no holiday' for lack of data. Keep such dates out, or drop "
            "holidays=."
        )


def feature(country, field, calendar):
    """Holiday flag or capped distance (days) for each date of ``calendar``."""
    years = list(range(int(calendar.year.min()) - 1, int(calendar.year.max()) + 2))
    # A fresh calendar per call: the package fills its years in place.
    dates = sorted(country_holidays(country, years=years))
    days = np.array(dates, dtype="datetime64[D]").astype(np.int64)
    if field == "holiday":
        return np.isin(calendar.days, days).astype(np.float64)
    if days.size == 0:
        return np.full(calendar.days.size, float(HORIZON))
    if field == "days_to_holiday":
        following = np.searchsorted(days, calendar.days, side="left")
        gap = days[np.minimum(following, days.size - 1)] - calendar.days
        gap = np.where(following < days.size, gap, HORIZON)
    else:
        preceding = np.searchsorted(days, calendar.days, side="right") - 1
        gap = calendar.days - days[np.maximum(preceding, 0)]
        gap = np.where(preceding >= 0, gap, HORIZON)
    return np.minimum(gap, HORIZON).astype(np.float64)
