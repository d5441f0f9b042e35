"""Per-field encodings of calendar phases and values: the kernels of TemporalEmbedder,
and its ``method`` parameter as strategies.

Every kernel maps a field's phases (floats in [0, 1)) or integer values to a
``(n, width)`` float array. TemporalEmbedder applies them to small tables of distinct
days and times of day, then gathers rows, so the trigonometry runs on thousands of
entries, not millions.

A method is a small class choosing a kernel, its output names and its fitted tables;
adding one is one class here plus one entry in :data:`METHODS`. :class:`FieldEncoder`
encodes any field of a column: cycles by its method, ``year``, ``weekend`` and the
holiday fields as plain values whatever the method.
"""

from functools import lru_cache

import numpy as np

from . import _calendar, _holidays

# Number of distinct values of each field, as Informer's fixed tables and GluonTS's
# scaling count them (day of month 1..31, day of year 1..366, ISO week 1..53).
NOMINAL_PERIODS = {
    "second": 60,
    "minute": 60,
    "hour": 24,
    "weekday": 7,
    "day": 31,
    "dayofyear": 366,
    "week": 53,
    "month": 12,
    "quarter": 4,
}
# The value each field starts counting from (pandas' .dt conventions).
FIRST_VALUE = {"day": 1, "dayofyear": 1, "week": 1, "month": 1, "quarter": 1}


def cyclical(phase, width):
    """Fourier terms ``sin(2 pi k phase), cos(2 pi k phase)`` for k = 1, 2, ...

    ``width`` columns: ``ceil(width / 2)`` harmonics, the last cosine dropped when odd.
    """
    harmonics = np.arange(1, (width + 1) // 2 + 1)
    angle = 2 * np.pi * phase[:, None] * harmonics
    out = np.empty((phase.size, 2 * harmonics.size))
    out[:, 0::2] = np.sin(angle)
    out[:, 1::2] = np.cos(angle)
    return out[:, :width]


def cyclical_side_by_side(phases, widths):
    """``cyclical(phase, width)`` of several fields, side by side in one array.

    The same products and sines as one call per field, so the same values; for a few
    rows (serving one event) one call per field costs more than the arithmetic.
    """
    harmonic, field, columns = _side_by_side_layout(tuple(widths))
    angle = (2 * np.pi * np.stack(phases, axis=1))[:, field] * harmonic
    out = np.empty((angle.shape[0], 2 * harmonic.size))
    out[:, 0::2] = np.sin(angle)
    out[:, 1::2] = np.cos(angle)
    return out[:, columns]


@lru_cache(maxsize=64)
def _side_by_side_layout(widths):
    """Each harmonic's number and field, and the columns of ``cyclical``'s outputs
    within the interleaved sines and cosines of every harmonic."""
    counts = [(width + 1) // 2 for width in widths]
    harmonic = np.concatenate([np.arange(1, count + 1) for count in counts])
    field = np.repeat(np.arange(len(widths)), counts)
    firsts = np.cumsum([0] + counts[:-1])
    columns = np.concatenate(
        [2 * first + np.arange(width) for first, width in zip(firsts, widths, strict=True)]
    )
    return harmonic, field, columns


def periodic_spline(phase, width):
    """``width`` periodic B-splines with uniform knots on the circle.

    Cubic when ``width >= 4`` (degree ``width - 1`` below); they sum to 1 everywhere.
    """
    degree = min(3, width - 1)
    # x: how far past knot j each phase lies, around the circle, in knot spacings.
    x = (phase[:, None] * width - np.arange(width)) % width
    return _cardinal_bspline(x, degree)


def _cardinal_bspline(x, degree):
    """The cardinal B-spline of ``degree`` on [0, degree + 1), zero elsewhere."""
    if degree == 0:
        return (x < 1).astype(np.float64)
    if degree == 1:
        return np.where(x < 1, x, np.where(x < 2, 2 - x, 0.0))
    if degree == 2:
        return np.select(
            [x < 1, x < 2, x < 3], [x**2 / 2, (-2 * x**2 + 6 * x - 3) / 2, (3 - x) ** 2 / 2]
        )
    return np.select(
        [x < 1, x < 2, x < 3, x < 4],
        [
            x**3 / 6,
            (-3 * x**3 + 12 * x**2 - 12 * x + 4) / 6,
            (3 * x**3 - 24 * x**2 + 60 * x - 44) / 6,
            (4 - x) ** 3 / 6,
        ],
    )


def one_hot_bins(phase, width):
    """One column per equal slice of the cycle; ``width`` slices."""
    bins = np.minimum((phase * width).astype(np.int64), width - 1)
    out = np.zeros((phase.size, width))
    out[np.arange(phase.size), bins] = 1.0
    return out


def fixed(values, field, width):
    """Informer's fixed sinusoidal table, on the field's nominal period so it wraps:
    ``sin/cos(2 pi k v / P)`` of the integer value ``v``, k = 1, 2, ..."""
    offset = (values - FIRST_VALUE.get(field, 0)) / NOMINAL_PERIODS[field]
    return cyclical(offset, width)


def time_feature(values, field, width):
    """GluonTS/Informer scaling ``(v - first) / (P - 1) - 0.5`` in [-0.5, 0.5] (which
    does not wrap), and its powers 2..width."""
    scaled = (values - FIRST_VALUE.get(field, 0)) / (NOMINAL_PERIODS[field] - 1) - 0.5
    return scaled[:, None] ** np.arange(1, width + 1)


# --- methods --------------------------------------------------------------------------


class _Method:
    """How a cycle (second ... quarter) becomes ``width`` features."""

    # Output names are {field}_{suffix}{k}.
    suffix = None

    def names(self, field, width):
        return [f"{field}_{self.suffix}{k}" for k in range(width)]

    def draw_tables(self, fields, rng):
        """The tables fit draws for ``fields`` (pairs of field and width), by field."""
        return {}

    def features(self, field, width, calendar, tables):
        """Features of ``field`` for every entry of ``calendar``: shape (m, width)."""
        raise NotImplementedError


class _ByPhase(_Method):
    """A kernel of the field's phase: continuous at the data's resolution."""

    kernel = None

    def features(self, field, width, calendar, tables):
        return type(self).kernel(calendar.phase(field), width)


class _Cyclical(_ByPhase):
    kernel = staticmethod(cyclical)

    def names(self, field, width):
        pairs = [(f"sin{k}", f"cos{k}") for k in range(1, (width + 1) // 2 + 1)]
        return [f"{field}_{name}" for pair in pairs for name in pair][:width]


class _Spline(_ByPhase):
    suffix = "spline"
    kernel = staticmethod(periodic_spline)


class _OneHot(_ByPhase):
    suffix = "bin"
    kernel = staticmethod(one_hot_bins)


class _Fixed(_Method):
    suffix = "fixed"

    def features(self, field, width, calendar, tables):
        return fixed(calendar.field(field), field, width)


class _TimeFeature(_Method):
    suffix = "tf"

    def features(self, field, width, calendar, tables):
        return time_feature(calendar.field(field), field, width)


class _Random(_Method):
    """A seeded Gaussian table of width ``width`` per value of the field."""

    suffix = "emb"

    def draw_tables(self, fields, rng):
        tables = {}
        for field, width in fields:
            if field in NOMINAL_PERIODS:
                size = NOMINAL_PERIODS[field]
                tables[field] = rng.standard_normal((size, width)) / np.sqrt(width)
        return tables

    def features(self, field, width, calendar, tables):
        values = calendar.field(field)
        return tables[field].take(values - FIRST_VALUE.get(field, 0), axis=0)


# TemporalEmbedder's ``method`` values (their order is the parameter's documented one).
METHODS = {
    "cyclical": _Cyclical,
    "spline": _Spline,
    "fixed": _Fixed,
    "timefeature": _TimeFeature,
    "onehot": _OneHot,
    "random": _Random,
}

# Fields that are one plain value, whatever the method.
PLAIN_FIELDS = ("year", "weekend") + _holidays.FIELDS


class FieldEncoder:
    """The features and names of a datetime column's calendar fields.

    Cycles follow ``method`` (with the column's fitted ``tables``); ``year`` is the
    year plus the fraction of it elapsed, ``weekend`` 0/1, and the holiday fields come
    from ``holidays``' calendar.
    """

    def __init__(self, method, tables, holidays):
        self.method, self.tables, self.holidays = method, tables, holidays

    def names(self, field, width):
        return [field] if field in PLAIN_FIELDS else self.method.names(field, width)

    def tables_are_fixed(self):
        """Whether every field's features depend on the method alone (no tables drawn
        in fit): what a kept table of dates may be shared by."""
        return not self.tables

    def method_name(self):
        return type(self.method).__name__

    def method_is_cyclical(self):
        """Whether the cycles' features are :func:`cyclical` of their phase."""
        return isinstance(self.method, _Cyclical)

    def cyclical_side_by_side(self, fields, calendar):
        """The features of several cyclical ``(field, width)`` pairs, side by side."""
        phases = [calendar.phase(field) for field, _ in fields]
        return cyclical_side_by_side(phases, [width for _, width in fields])

    def features(self, field, width, calendar):
        """Features of ``field`` for every entry of ``calendar``: shape (m, width)."""
        if field == "year":
            year_length = 365 + _calendar.is_leap(calendar.year)
            return (calendar.year + (calendar.dayofyear - 1) / year_length)[:, None]
        if field == "weekend":
            return calendar.weekend.astype(np.float64)[:, None]
        if field in _holidays.FIELDS:
            return _holidays.feature(self.holidays, field, calendar)[:, None]
        return self.method.features(field, width, calendar, self.tables)
