"""TemporalEmbedder: datetime columns to calendar-exact, wrap-aware features."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from . import _blocks, _calendar, _columns, _groups, _reduction
from . import _temporal_encodings as encodings
from ._params import RefuseBoolCounts

CYCLIC_FIELDS = (
    "second",
    "minute",
    "hour",
    "weekday",
    "day",
    "dayofyear",
    "week",
    "month",
    "quarter",
)
_HOLIDAY_FIELDS = ("holiday", "days_to_holiday", "days_from_holiday")
# Fields whose features depend on the date only (cycles of a day or longer, and more).
_DAY_FIELDS = (
    "weekday",
    "day",
    "dayofyear",
    "week",
    "month",
    "quarter",
    "year",
    "weekend",
) + _HOLIDAY_FIELDS
# Holiday distances are capped: a year away is as good as never.
_HOLIDAY_HORIZON = 366
_AUTO_CANDIDATES = ("month", "weekday", "day", "dayofyear", "hour", "minute", "second")
_SUFFIX = {
    "cyclical": None,  # sin1, cos1, ...
    "spline": "spline",
    "fixed": "fixed",
    "timefeature": "tf",
    "onehot": "bin",
    "random": "emb",
}
_TICKS_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
# Rows gathered at a time inside a thread's block (temporaries stay in cache).
_SUB_BLOCK = 65_536


class TemporalEmbedder(RefuseBoolCounts, TransformerMixin, BaseEstimator):
    """Encode datetime columns as calendar fields that wrap where their cycles do.

    Every received column (except ``group_columns``) is a datetime column: pandas
    ``datetime64`` in any unit, naive or aware, polars ``Datetime``/``Date``, Python
    ``date``/``datetime`` objects of one zone, or numbers read as epoch times when
    ``epoch_unit`` is set.

    Parameters
    ----------
    embedding_dim : int, default=2
        Features per calendar field; its meaning depends on ``method``:

        - ``"cyclical"``: Fourier terms ``sin/cos(2 pi k phase)``, ``k = 1..ceil(d/2)``
          (Prophet-style orders; d=2 is one sin/cos pair);
        - ``"spline"``: ``d`` periodic B-splines (cubic from d=4) around the cycle;
        - ``"fixed"``: width of Informer's sinusoidal table of the field's integer
          value, on the field's nominal period (31 days of month, 366 days of year, as
          Informer's tables count) so it wraps;
        - ``"timefeature"``: GluonTS/Informer's scaled value in [-0.5, 0.5] (d=1) and
          its powers up to d. It does not wrap (23:00 and 00:00 lie at opposite ends),
          for users reproducing those models;
        - ``"onehot"``: one column per equal slice of the cycle (d=24 gives one per
          hour of the day);
        - ``"random"``: a seeded Gaussian table of width d per field value (the seed
          note's idea, per calendar field instead of per raw timestamp).
    method : {"cyclical", "spline", "fixed", "timefeature", "onehot", "random"}, \
            default="cyclical"
    features : "auto", list of str or dict, default="auto"
        Calendar fields among ``second, minute, hour, weekday, day, dayofyear, week,
        month, quarter`` (cycles) and ``year`` (continuous: year plus the fraction of
        it elapsed) and ``weekend`` (0/1). ``"auto"`` keeps those of ``month, weekday,
        day, dayofyear, hour, minute, second`` that vary in the fit data (daily data
        gets no hour or minute). A dict maps fields to their own ``embedding_dim``
        (for instance ``{"hour": 6, "weekday": 4}``: three and two harmonics).
    combine : {"concat", "sum"}, default="concat"
        Concatenate the fields' features, or sum them (Informer's temporal embedding;
        every field then needs the same width).
    timezone : str, default=None
        Convert aware columns to this zone before reading the calendar; by default each
        aware column is read in its own zone. Naive columns are read as they are.
    trend : bool, default=False
        Add the elapsed time since the earliest instant seen in fit, in days, computed in
        float64 from the values' own ticks. It needs ``dtype="float64"``: float32 would
        round it to 21 seconds ten years on. A column with no instant in fit (all NaT)
        counts from 1970-01-01.
    periods : list of str or Timedelta, default=None
        Continuous-time Fourier terms ``sin/cos(2 pi t / P)`` of the elapsed time, one
        pair per period (for instance ``["7D", "365.25D"]``).
    holidays : str, default=None
        A country code of the ``holidays`` package (``pip install
        "sk_seqembed[holidays]"``), e.g. ``"US"`` or ``"FR"``. Adds, per datetime
        column, whether the local date is a public holiday and the days to the next
        and from the previous one (capped at 366).
    group_columns : str, int or list, default=None
        Key columns of event sequences (not encoded themselves). When given, each
        datetime column adds the time since the previous event of its group and since
        the group's first event, in seconds, as ``sign(x) * log1p(|x|)``; rows are read
        in order within each group.
    handle_missing : {"zeros", "nan", "error"}, default="zeros"
        Features of missing datetimes (NaT, None, polars null): zeros, NaN, or an error.
    missing_indicator : bool, default=False
        Add a ``{column}_missing`` 0/1 column.
    epoch_unit : {"s", "ms", "us", "ns"}, default=None
        Read numeric columns as naive times since 1970-01-01 in this unit; None
        refuses numbers.
    dtype : {"float64", "float32"}, default="float64"
        Output dtype. Elapsed-time features are computed in float64 first.
    n_threads : int, default=None
        Threads for inputs of 100,000 rows or more; None uses every available core.
    random_state : int, RandomState instance or None, default=None
        Seeds the ``random`` tables.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    datetime_columns_ : ndarray of int
        Positions of the encoded columns.
    group_columns_ : ndarray of int
    timezones_ : list
        Per datetime column, the zone its fields are read in (None for naive columns).
    fields_ : list of list of (str, int)
        Per datetime column, the fields and their widths.
    origins_ : list of numpy.datetime64
        Per datetime column, the earliest instant seen in fit (the ``trend`` origin).
    tables_ : list of dict
        ``random``: per datetime column, the table of each field (by field name).

    Notes
    -----
    - Time zones: aware columns are read in their own zone (or ``timezone``): fields
      follow local wall-clock time, so DST days have 23 or 25 hours of wall-clock
      time. The zone seen in fit is kept: an aware column at transform is converted to
      it, and a naive column where fit saw an aware one (or the reverse) is an error.
      Values keep their own unit: nothing is cast to nanoseconds, so years 1500 or
      2300 work.
    - Periods are calendar-exact: day of month cycles over that month's length, day of
      year over 365 or 366 days, ISO week over 52 or 53 weeks. With the phase-based
      methods (cyclical, spline, onehot), hour, minute and second are continuous at the
      data's resolution (23:59 is next to 00:00); fields of a day or longer step once
      a day. The value-based methods (fixed, timefeature, random) read each field's
      integer value, as Informer and GluonTS do: 10:00 and 10:59 share an hour.
    - Missing datetimes follow ``handle_missing``; elapsed-time and recency features
      of a missing row follow it too.
    - Output dtype is ``dtype``. ``year`` and ``trend`` are plain numbers: scale them
      for linear models. The array is column-major (Fortran order): each feature is
      contiguous, the layout pandas uses for a DataFrame's columns and the fastest to
      fill; ``np.ascontiguousarray`` gives a row-major copy.

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_seqembed import TemporalEmbedder
    >>> X = pd.DataFrame({"when": pd.to_datetime(["2024-01-01 23:00", "2024-01-02 00:00"])})
    >>> embedder = TemporalEmbedder(features=["hour"]).fit(X)
    >>> embedder.get_feature_names_out().tolist()
    ['when_hour_sin1', 'when_hour_cos1']
    >>> embedder.transform(X).round(3)
    array([[-0.259,  0.966],
           [ 0.   ,  1.   ]])
    """

    _parameter_constraints = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions(set(_SUFFIX))],
        "features": [StrOptions({"auto"}), list, tuple, dict],
        "combine": [StrOptions({"concat", "sum"})],
        "timezone": [str, None],
        "trend": ["boolean"],
        "periods": [list, tuple, None],
        "holidays": [str, None],
        "group_columns": [str, Integral, list, tuple, np.ndarray, None],
        "handle_missing": [StrOptions({"zeros", "nan", "error"})],
        "missing_indicator": ["boolean"],
        "epoch_unit": [StrOptions(set(_TICKS_PER_SECOND)), None],
        "dtype": [
            StrOptions({"float64", "float32"}),
            Options(type, {np.float64, np.float32}),
        ],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        embedding_dim=2,
        *,
        method="cyclical",
        features="auto",
        combine="concat",
        timezone=None,
        trend=False,
        periods=None,
        holidays=None,
        group_columns=None,
        handle_missing="zeros",
        missing_indicator=False,
        epoch_unit=None,
        dtype="float64",
        n_threads=None,
        random_state=None,
    ):
        self.embedding_dim = embedding_dim
        self.method = method
        self.features = features
        self.combine = combine
        self.timezone = timezone
        self.trend = trend
        self.periods = periods
        self.holidays = holidays
        self.group_columns = group_columns
        self.handle_missing = handle_missing
        self.missing_indicator = missing_indicator
        self.epoch_unit = epoch_unit
        self.dtype = dtype
        self.n_threads = n_threads
        self.random_state = random_state

    # --- fit ------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn each column's zone, fields, trend origin and (``random``) tables.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : TemporalEmbedder
        """
        X = _columns.check_input(self, X, reset=True)
        _reduction.fit_in_memory(self._fit_steps(), X)
        return self

    def _fit_steps(self):
        """Zones, fields, origins and tables from per-chunk statistics (``_reduction``)."""
        self.group_columns_ = _columns.resolve_columns(
            self, self.group_columns, parameter="group_columns"
        )
        self.datetime_columns_ = np.setdiff1d(
            np.arange(self.n_features_in_), self.group_columns_
        )
        if self.datetime_columns_.size == 0:
            raise ValueError("TemporalEmbedder needs a datetime column besides group_columns.")
        if self.timezone is not None:
            try:
                pd.Timestamp(0, tz=self.timezone)
            except Exception:  # zoneinfo and pytz raise different errors
                raise ValueError(
                    f"timezone={self.timezone!r} is not a time zone name pandas knows "
                    "(e.g. 'Europe/Paris', 'UTC')."
                ) from None
        if self.trend and np.dtype(self.dtype) != np.float64:
            raise ValueError(
                "trend=True needs dtype='float64': float32 rounds elapsed days to 21 "
                "seconds ten years on."
            )
        self.period_seconds_ = self._check_periods()
        self._check_holidays()
        statistics = yield _reduction.Reduction(self._chunk_statistics, _merge_statistics)
        rng = check_random_state(self.random_state)
        self.timezones_, self.fields_, self.origins_, self.tables_ = [], [], [], []
        names = _columns.output_prefixes(self)
        for c, column in enumerate(statistics):
            tz = column["tz"]
            zone = self.timezone if (tz is not None and self.timezone is not None) else tz
            self.timezones_.append(zone)
            origin = column["origin"]
            self.origins_.append(origin if origin is not None else np.datetime64(0, "s"))
            fields = self._choose_fields(column["ranges"], names[self.datetime_columns_[c]])
            self.fields_.append(fields)
            # Keyed by field name alone: string keys serialise everywhere (skops too).
            self.tables_.append({})
            if self.method == "random":
                for field, width in fields:
                    if field in encodings.NOMINAL_PERIODS:
                        size = encodings.NOMINAL_PERIODS[field]
                        table = rng.standard_normal((size, width)) / np.sqrt(width)
                        self.tables_[c][field] = table
        if self.combine == "sum":
            widths = {width for fields in self.fields_ for _, width in fields}
            if len(widths) > 1:
                raise ValueError(
                    f"combine='sum' adds the fields' features, so they need one width; got "
                    f"widths {sorted(widths)} (year, weekend and holidays have width 1)."
                )

    def _chunk_statistics(self, X, y=None):
        """Per datetime column of a chunk: its zone, earliest instant and, for
        ``features="auto"``, each candidate field's range (all checked on the way)."""
        statistics = []
        for j in self.datetime_columns_:
            values, tz, missing = self._read(X, j)
            present = values[~missing]
            ranges = {}
            if isinstance(self.features, str) and present.size:
                zone = self.timezone if (tz is not None and self.timezone is not None) else tz
                calendar = _calendar.Calendar(
                    _calendar.wall_clock(present, tz, zone if tz is not None else None)
                )
                for field in _AUTO_CANDIDATES:
                    values_of_field = calendar.field(field)
                    ranges[field] = (values_of_field.min(), values_of_field.max())
            origin = present.min() if present.size else None
            statistics.append(
                {"tz": tz, "present": int(present.size), "origin": origin, "ranges": ranges}
            )
        return statistics

    def _needs_chunk_context(self):
        return bool(self.group_columns_.size)

    def _context_statistics(self, X, y=None):
        """Per group of a chunk, each datetime column's first and last present instant
        (seconds since 1970), for recency across chunks."""
        codes, keys = _groups.group_table(X, self.group_columns_)
        columns = []
        for c in range(self.datetime_columns_.size):
            instants, _, missing = self._local_values(X, c)
            present = np.flatnonzero(~missing)
            seconds = _since_epoch(instants[present], "s")
            first = np.full(len(keys), np.nan)
            last = np.full(len(keys), np.nan)
            groups = codes[present]
            _, at = np.unique(groups, return_index=True)
            first[groups[at]] = seconds[at]
            _, at = np.unique(groups[::-1], return_index=True)
            last[groups[::-1][at]] = seconds[::-1][at]
            columns.append((first, last))
        return [(keys, columns)]

    def _chunk_contexts(self, statistics):
        """For each chunk, per column and per group: the last present instant of the
        group in earlier chunks, and the group's first present instant overall."""
        bounds, codes = _groups.across_chunks(statistics)
        per_column = []
        for c in range(self.datetime_columns_.size):
            first = pd.Series(np.concatenate([chunk[c][0] for _, chunk in statistics]))
            last = pd.Series(np.concatenate([chunk[c][1] for _, chunk in statistics]))
            previous = last.groupby(codes).shift().groupby(codes).ffill().to_numpy()
            start = first.groupby(codes).transform("first").to_numpy()
            per_column.append((previous, start))
        return [
            [(previous[a:b], start[a:b]) for previous, start in per_column]
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]

    def _check_holidays(self):
        """Refuse a country the ``holidays`` package does not know, at fit time."""
        if self.holidays is not None:
            _country_holidays(self.holidays, years=[2000])

    def _holiday_feature(self, field, calendar):
        """Holiday flag or capped distance (days) for each date of ``calendar``."""
        years = list(range(int(calendar.year.min()) - 1, int(calendar.year.max()) + 2))
        # A fresh calendar per call: the package fills its years in place.
        dates = sorted(_country_holidays(self.holidays, years=years))
        days = np.array(dates, dtype="datetime64[D]").astype(np.int64)
        if field == "holiday":
            return np.isin(calendar.days, days).astype(np.float64)
        if days.size == 0:
            return np.full(calendar.days.size, float(_HOLIDAY_HORIZON))
        if field == "days_to_holiday":
            following = np.searchsorted(days, calendar.days, side="left")
            gap = days[np.minimum(following, days.size - 1)] - calendar.days
            gap = np.where(following < days.size, gap, _HOLIDAY_HORIZON)
        else:
            preceding = np.searchsorted(days, calendar.days, side="right") - 1
            gap = calendar.days - days[np.maximum(preceding, 0)]
            gap = np.where(preceding >= 0, gap, _HOLIDAY_HORIZON)
        return np.minimum(gap, _HOLIDAY_HORIZON).astype(np.float64)

    def _check_periods(self):
        if self.periods is None:
            return np.empty(0)
        seconds = []
        for period in self.periods:
            try:
                value = pd.Timedelta(period).total_seconds()
            except (TypeError, ValueError):
                raise ValueError(
                    f"periods: {period!r} is not a duration such as '7D' or "
                    "pd.Timedelta(days=365.25)."
                ) from None
            if not value > 0:
                raise ValueError(f"periods: {period!r} must be a positive duration.")
            seconds.append(value)
        if len(set(seconds)) < len(seconds):
            raise ValueError(f"periods has the same duration twice: {list(self.periods)!r}.")
        return np.asarray(seconds)

    def _choose_fields(self, ranges, name):
        """The fields and widths asked for; ``features="auto"`` keeps the candidate
        fields whose ``ranges`` (smallest, largest value in fit) are not one value."""
        allowed = CYCLIC_FIELDS + ("year", "weekend")
        if isinstance(self.features, str):
            chosen = [
                field
                for field in _AUTO_CANDIDATES
                if field in ranges and ranges[field][1] > ranges[field][0]
            ] or ["dayofyear"]
            requested = {field: self.embedding_dim for field in chosen}
        elif isinstance(self.features, dict):
            requested = dict(self.features)
        else:
            requested = {field: self.embedding_dim for field in self.features}
        if not requested:
            raise ValueError("features is empty: name at least one calendar field.")
        fields = []
        for field, width in requested.items():
            if field not in allowed:
                raise ValueError(
                    f"features: {field!r} is not a calendar field; choose from "
                    f"{', '.join(allowed)}."
                )
            if not isinstance(width, Integral) or isinstance(width, bool) or width < 1:
                raise ValueError(f"features: the width of {field!r} must be an int >= 1.")
            fields.append((field, 1 if field in ("year", "weekend") else int(width)))
        if self.holidays is not None:
            fields += [(field, 1) for field in _HOLIDAY_FIELDS]
        return fields

    # --- reading --------------------------------------------------------------------

    def _read(self, X, j):
        """(datetime64 values: UTC instants if aware, zone or None, missing mask)."""
        column = _columns.read_column(X, j)
        if column.missing.any() and self.handle_missing == "error":
            raise ValueError(
                f"Input X contains NaN (NaT) in column {column.name!r}: "
                f"{int(column.missing.sum())} row(s), and handle_missing='error'."
            )
        if column.kind == _columns.DATETIME:
            return column.values, column.tz, column.missing
        if column.kind == _columns.NULL:
            return np.full(column.missing.size, np.datetime64("NaT", "s")), None, column.missing
        if column.kind in (_columns.INTEGER, _columns.FLOAT) and self.epoch_unit is not None:
            return self._epoch(column), None, column.missing
        if column.kind == _columns.STRING:
            raise TypeError(
                f"Column {column.name!r} holds strings, not datetimes; convert it with "
                "pd.to_datetime(...) first."
            )
        raise TypeError(
            f"Column {column.name!r} has dtype {column.dtype} ({column.kind}); datetime "
            "columns must hold datetimes (or numbers, with epoch_unit set)."
            + _conversion_hint(column.dtype)
        )

    def _epoch(self, column):
        """Numbers since 1970 in ``epoch_unit`` as datetime64; out of range: an error."""
        if column.kind == _columns.INTEGER:
            nat = column.values == np.iinfo(np.int64).min
            if (nat & ~column.missing).any():
                raise ValueError(
                    f"Column {column.name!r} holds {np.iinfo(np.int64).min}, numpy's NaT "
                    "marker, which is no instant; mark missing times as missing (NaN, "
                    "None) instead."
                )
            return column.values.view(f"datetime64[{self.epoch_unit}]")
        _columns.check_finite(column)
        # Floats keep microseconds: far beyond float64's precision for today's epochs.
        scale = 10**6 / _TICKS_PER_SECOND[self.epoch_unit]
        ticks = np.round(np.where(column.missing, 0.0, column.values) * scale)
        too_far = np.abs(ticks) >= 2.0**63 - 1024
        if too_far.any():
            example = column.values[too_far][0]
            raise ValueError(
                f"Column {column.name!r} holds {example:g}, out of range as a time "
                f"since 1970 in epoch_unit={self.epoch_unit!r} (floats are read to the "
                "microsecond, within about 292,000 years); is epoch_unit right?"
            )
        values = ticks.astype(np.int64).view("datetime64[us]")
        return np.where(column.missing, np.datetime64("NaT"), values)

    def _local_values(self, X, c):
        """Values of datetime column ``c`` (UTC instants if aware), the zone to read
        them in (None for naive), and the missing mask; naive/aware checked."""
        j = self.datetime_columns_[c]
        values, tz, missing = self._read(X, j)
        name = _columns.column_names(X)[j] if _columns.is_dataframe(X) else f"x{j}"
        fitted = self.timezones_[c]
        if (tz is None) != (fitted is None) and not missing.all():
            seen, now = ("aware", "naive") if tz is None else ("naive", "aware")
            raise ValueError(
                f"Column {name!r} was {seen} in fit and is {now} now; pass datetimes of "
                "the same kind (tz_localize or tz_convert them)."
            )
        return values, (fitted if tz is not None else None), missing

    # --- transform ------------------------------------------------------------------

    def transform(self, X):
        """Calendar features of every datetime column.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
        """
        check_is_fitted(self)
        X = _columns.check_input(self, X, reset=False)
        widths = [self._column_width(c) for c in range(self.datetime_columns_.size)]
        out = np.empty((X.shape[0], sum(widths)), dtype=self.dtype, order="F")
        # Set by sk_seqembed.dask on a copy per partition: each group's instants in the
        # partitions before, so recency runs on across partitions.
        context = getattr(self, "_chunk_context", None)
        groups = None
        if context is not None:
            groups, _ = _groups.group_table(X, self.group_columns_)
        elif self.group_columns_.size:
            groups = _groups.group_codes(X, self.group_columns_)
        start = 0
        for c, width in enumerate(widths):
            block = out[:, start : start + width]
            start += width
            instants, zone, missing = self._local_values(X, c)
            column = self._calendar_features(c, instants, zone, missing, block)
            if self.trend:
                # Days since 1970 on each side, in float64: no unit conversion can wrap.
                origin = _since_epoch(np.asarray(self.origins_[c]), "D")
                block[:, column] = _since_epoch(instants, "D") - origin
                column += 1
            if self.period_seconds_.size:
                n_periods = 2 * self.period_seconds_.size
                block[:, column : column + n_periods] = self._period_features(instants)
                column += n_periods
            if self.group_columns_.size:
                before = None if context is None else context[c]
                block[:, column : column + 2] = self._recency(groups, instants, missing, before)
                column += 2
            if missing.any():
                block[missing, :column] = 0.0 if self.handle_missing == "zeros" else np.nan
            if self.missing_indicator:
                block[:, column] = missing
        return out

    def _column_width(self, c):
        widths = [width for _, width in self.fields_[c]]
        width = sum(widths) if self.combine == "concat" else widths[0]
        width += self.trend + 2 * self.period_seconds_.size + 2 * bool(self.group_columns_.size)
        return width + self.missing_indicator

    def _calendar_features(self, c, values, zone, missing, out):
        """Write each field's features into ``out``; return the next free column.

        Features come from small tables over the distinct days and times of day,
        gathered row by row. Aware values become wall-clock time on the way, from a
        table of the zone's offset per hour.
        """
        fields = self.fields_[c]
        n_samples = values.size
        width = sum(w for _, w in fields) if self.combine == "concat" else fields[0][1]
        if n_samples == 0 or missing.all():
            out[:, :width] = 0.0
            return width
        unit = np.datetime_data(values.dtype)[0]
        if unit not in _TICKS_PER_SECOND:
            values, unit = values.astype("datetime64[s]"), "s"
        per_second = _TICKS_PER_SECOND[unit]
        per_day = per_second * 86_400
        ticks = values.view(np.int64)
        if missing.any():
            # A present instant stands in for missing ones: it keeps the tables small.
            ticks = np.where(missing, ticks[np.argmin(missing)], ticks)
        first_tick, last_tick = int(ticks.min()), int(ticks.max())
        offsets = None
        if zone is not None:
            offsets = _HourlyOffsets.build(first_tick, last_tick, unit, zone, n_samples)
            if offsets is None:
                local = _calendar.wall_clock(ticks.view(f"datetime64[{unit}]"), "UTC", zone)
                ticks = local.view(np.int64)
                first_tick, last_tick = int(ticks.min()), int(ticks.max())
            else:
                # Local time is UTC plus an offset: its range widens by the offsets.
                first_tick += offsets.smallest
                last_tick += offsets.largest

        def wall_clock(start, stop):
            block = ticks[start:stop]
            return block if offsets is None else offsets.local(block)

        first_day, last_day = first_tick // per_day, last_tick // per_day
        if last_day - first_day <= 4 * n_samples + 100_000:
            # Times of day in steps of a minute, else a second, as the first rows
            # suggest; the gather stops at the first row off the step.
            head_step = _time_step(wall_clock(0, min(n_samples, _SUB_BLOCK)), per_second)
            for step in [step for step in (60, 1) if step <= (head_step or 0)]:
                days = np.arange(first_day, last_day + 1).astype("datetime64[D]")
                day_calendar = _calendar.Calendar(days.astype("M8[s]"))
                time_calendar = _calendar.Calendar(np.arange(0, 86_400, step).astype("M8[s]"))
                columns = []
                for field, w in fields:
                    by_day = field in _DAY_FIELDS
                    calendar = day_calendar if by_day else time_calendar
                    table = self._encode(c, field, w, calendar).astype(out.dtype)
                    first = 0 if self.combine == "sum" else len(columns)
                    columns += [
                        (first + j, np.ascontiguousarray(table[:, j]), by_day) for j in range(w)
                    ]
                tick_step = per_second * step
                days_range = (first_day, last_day - first_day + 1)
                if self._gather(columns, wall_clock, days_range, per_day, tick_step, out):
                    return width
        # Sub-second times or thinly spread dates: fields computed row by row.
        calendar = _calendar.Calendar(wall_clock(0, n_samples).view(f"datetime64[{unit}]"))
        column = 0
        for k, (field, w) in enumerate(fields):
            # In the output's dtype before adding, as the tables above are: the same
            # roundings whichever way a row is computed.
            features = self._encode(c, field, w, calendar).astype(out.dtype, copy=False)
            if self.combine == "sum" and k:
                out[:, :width] += features
            else:
                out[:, column : column + w] = features
                column += w if self.combine == "concat" else 0
        return width

    def _gather(self, columns, wall_clock, days_range, per_day, tick_step, out):
        """Gather every table column into ``out`` by each row's day and time of day.

        ``columns`` holds (output column, 1-D table, indexed by day?); day tables
        cover ``days_range`` = (first day, number of days). Returns False, having
        stopped early, when a time of day is not a multiple of ``tick_step``.
        """
        first_day, n_days = days_range
        off_step = []

        def gather(start, stop):
            # Sub-blocks keep the row indices in cache while every column reads them.
            for first in range(start, stop, _SUB_BLOCK):
                if off_step:
                    return
                last = min(first + _SUB_BLOCK, stop)
                block = wall_clock(first, last)
                days = block // per_day
                ticks_of_day = block - days * per_day
                times = ticks_of_day // tick_step
                if (times * tick_step != ticks_of_day).any():
                    off_step.append(first)
                    return
                days -= first_day
                if days.min() < 0 or days.max() >= n_days:
                    # np.take(mode="clip") below would clamp such a day, silently.
                    raise RuntimeError("A day lies outside the day table (a bug: report it).")
                written = set()
                for column, table, by_day in columns:
                    rows = days if by_day else times
                    if column in written:
                        out[first:last, column] += table.take(rows)
                    else:
                        # Indices lie in the table by construction: "clip" skips the
                        # bounds check and the buffer numpy's default mode adds.
                        np.take(table, rows, out=out[first:last, column], mode="clip")
                        written.add(column)

        _blocks.run_in_blocks(out.shape[0], gather, self.n_threads)
        return not off_step

    def _encode(self, c, field, width, calendar):
        """Features of ``field`` for every entry of ``calendar``: shape (m, width)."""
        if field == "year":
            year_length = 365 + _calendar.is_leap(calendar.year)
            return (calendar.year + (calendar.dayofyear - 1) / year_length)[:, None]
        if field == "weekend":
            return calendar.weekend.astype(np.float64)[:, None]
        if field in _HOLIDAY_FIELDS:
            return self._holiday_feature(field, calendar)[:, None]
        if self.method in ("cyclical", "spline", "onehot"):
            phase = calendar.phase(field)
            kernel = {
                "cyclical": encodings.cyclical,
                "spline": encodings.periodic_spline,
                "onehot": encodings.one_hot_bins,
            }[self.method]
            return kernel(phase, width)
        values = calendar.field(field)
        if self.method == "fixed":
            return encodings.fixed(values, field, width)
        if self.method == "timefeature":
            return encodings.time_feature(values, field, width)
        first = encodings.FIRST_VALUE.get(field, 0)
        return self.tables_[c][field].take(values - first, axis=0)

    def _period_features(self, instants):
        seconds = np.nan_to_num(_since_epoch(instants, "s"))
        out = np.empty((instants.size, 2 * self.period_seconds_.size))
        for k, period in enumerate(self.period_seconds_):
            # fmod first: the angle keeps its precision for epochs of 1.7e9 seconds.
            angle = 2 * np.pi * np.fmod(seconds, period) / period
            out[:, 2 * k], out[:, 2 * k + 1] = np.sin(angle), np.cos(angle)
        return out

    def _recency(self, groups, instants, missing, before=None):
        """Signed log1p seconds since the group's previous event and its first one.

        ``before`` (per group code: the group's last instant in earlier chunks, NaN if
        none, and its first instant overall) continues the count across chunks.
        """
        out = np.zeros((instants.size, 2))
        present = np.flatnonzero(~missing)
        if present.size == 0:
            return out
        groups = groups[present]
        seconds = _since_epoch(instants[present], "s")
        order = np.argsort(groups, kind="stable")
        ordered_groups, ordered_seconds = groups[order], seconds[order]
        starts_group = np.r_[True, ordered_groups[1:] != ordered_groups[:-1]]
        previous = np.r_[ordered_seconds[:1], ordered_seconds[:-1]]
        first_of_group = np.maximum.accumulate(np.where(starts_group, np.arange(order.size), 0))
        group_start = ordered_seconds[first_of_group]
        if before is not None:
            earlier, start = before[0][ordered_groups], before[1][ordered_groups]
            # A group's first row here follows its last row in an earlier chunk, if any.
            follows = starts_group & ~np.isnan(earlier)
            previous = np.where(follows, earlier, previous)
            starts_group &= ~follows
            group_start = start
        since_previous = np.where(starts_group, 0.0, ordered_seconds - previous)
        since_start = ordered_seconds - group_start
        out[present[order], 0] = np.sign(since_previous) * np.log1p(np.abs(since_previous))
        out[present[order], 1] = np.sign(since_start) * np.log1p(np.abs(since_start))
        return out

    # --- names and tags -------------------------------------------------------------

    def get_feature_names_out(self, input_features=None):
        """Output names ``{column}_{field}_{feature}``, then the options' columns.

        Parameters
        ----------
        input_features : array-like of str, default=None

        Returns
        -------
        feature_names_out : ndarray of str
        """
        check_is_fitted(self)
        prefixes = _columns.check_input_features(self, input_features)
        names = []
        for c, j in enumerate(self.datetime_columns_):
            column = prefixes[j]
            if self.combine == "sum":
                names += [f"{column}_sum{k}" for k in range(self.fields_[c][0][1])]
            else:
                for field, width in self.fields_[c]:
                    names += [
                        f"{column}_{name}" for name in _field_names(field, width, self.method)
                    ]
            if self.trend:
                names.append(f"{column}_trend")
            for seconds in self.period_seconds_:
                label = f"{seconds / 86400:g}D" if seconds % 3600 == 0 else f"{seconds:g}s"
                names += [f"{column}_period{label}_sin", f"{column}_period{label}_cos"]
            if self.group_columns_.size:
                names += [f"{column}_since_previous", f"{column}_since_start"]
            if self.missing_indicator:
                names.append(f"{column}_missing")
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self.handle_missing != "error"
        tags.transformer_tags.preserves_dtype = [np.dtype(self.dtype).name]
        return tags


def _field_names(field, width, method):
    if field in ("year", "weekend") + _HOLIDAY_FIELDS:
        return [field]
    if method == "cyclical":
        pairs = [(f"sin{k}", f"cos{k}") for k in range(1, (width + 1) // 2 + 1)]
        return [f"{field}_{name}" for pair in pairs for name in pair][:width]
    return [f"{field}_{_SUFFIX[method]}{k}" for k in range(width)]


def _time_step(ticks, per_second):
    """The coarsest step, in seconds, dividing every time of day (60, 1) or None.

    A day is a whole number of minutes, so times of day share the ticks' remainders.
    """
    if not (ticks % (60 * per_second)).any():
        return 60
    if per_second == 1 or not (ticks % per_second).any():
        return 1
    return None


def _country_holidays(country, years):
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


def _since_epoch(values, unit):
    """Time since 1970-01-01 of datetime64 values, as float64 in ``unit`` ("s", "D").

    Each value is divided in its own unit, so no conversion between units can wrap
    (years 1500 and 2300 meet nanosecond data safely). NaT gives NaN.
    """
    value_unit = np.datetime_data(values.dtype)[0]
    ticks_per_unit = np.timedelta64(1, unit) / np.timedelta64(1, value_unit)
    elapsed = values.view(np.int64) / ticks_per_unit
    return np.where(np.isnat(values), np.nan, elapsed)


def _conversion_hint(dtype):
    """How to turn a column of periods or durations into instants, if it holds them."""
    text = str(dtype).lower()
    if text.startswith("period"):
        return " Periods become instants with .dt.to_timestamp() (their start)."
    if text.startswith(("timedelta", "duration")):
        return (
            " A duration is no instant: add it to a start time (start + duration), or "
            "pass it as a number of seconds with epoch_unit='s'."
        )
    return ""


class _HourlyOffsets:
    """A zone's UTC offset per UTC hour over a range of instants.

    Wall-clock time is then one gather and one addition per row. Zone offsets change
    at most once within any hour (true of every tz database zone); hours where one
    changes are marked, and their rows converted by pandas one by one.
    """

    _CHANGES = np.iinfo(np.int64).min

    def __init__(self, table, first_hour, per_hour, unit, zone, all_offsets):
        self.table, self.first_hour, self.per_hour = table, first_hour, per_hour
        self.unit, self.zone = unit, zone
        self.smallest, self.largest = int(all_offsets.min()), int(all_offsets.max())
        self.any_changes = bool((table == self._CHANGES).any())

    @classmethod
    def build(cls, first_tick, last_tick, unit, zone, n_samples):
        """The offsets over [first_tick, last_tick], or None when a table would be
        much larger than the rows (sparse instants) or reach past int64."""
        per_hour = _TICKS_PER_SECOND[unit] * 3600
        first, last = first_tick // per_hour, last_tick // per_hour
        limit = np.iinfo(np.int64).max
        if last - first > 4 * n_samples + 100_000 or not (
            -limit < first * per_hour and (last + 2) * per_hour < limit
        ):
            return None
        starts = np.arange(first, last + 2, dtype=np.int64) * per_hour
        at_starts = _offsets(starts, unit, zone)
        table = at_starts[:-1].copy()
        # An hour whose offset differs from the next hour's may change inside it.
        candidates = np.flatnonzero(at_starts[:-1] != at_starts[1:])
        ends = starts[candidates] + per_hour - 1
        changes = _offsets(ends, unit, zone) != at_starts[candidates]
        table[candidates[changes]] = cls._CHANGES
        return cls(table, first, per_hour, unit, zone, at_starts)

    def local(self, ticks):
        """Wall-clock ticks of the UTC ``ticks``."""
        shift = self.table[ticks // self.per_hour - self.first_hour]
        if self.any_changes:
            changes = shift == self._CHANGES
            if changes.any():
                shift[changes] = _offsets(ticks[changes], self.unit, self.zone)
        return ticks + shift


def _offsets(ticks, unit, zone):
    """The zone's UTC offset at UTC ``ticks``, in ticks (pandas' conversion)."""
    local = _calendar.wall_clock(ticks.view(f"datetime64[{unit}]"), "UTC", zone)
    return local.view(np.int64) - ticks


def _merge_statistics(chunks):
    """Combine the per-column statistics of chunks (see ``_chunk_statistics``)."""
    merged = []
    for column in zip(*chunks, strict=True):
        present = [chunk for chunk in column if chunk["present"]]
        zones = {str(chunk["tz"]) for chunk in present}
        if len(zones) > 1:
            raise ValueError(
                f"A datetime column has different time zones in different partitions: "
                f"{sorted(zones)}; convert it to one zone first."
            )
        ranges = {}
        for chunk in present:
            for field, (low, high) in chunk["ranges"].items():
                seen = ranges.get(field, (low, high))
                ranges[field] = (min(seen[0], low), max(seen[1], high))
        origins = [chunk["origin"] for chunk in present]
        merged.append(
            {
                "tz": (present or column)[0]["tz"],
                "present": sum(chunk["present"] for chunk in column),
                "origin": min(origins) if origins else None,
                "ranges": ranges,
            }
        )
    return merged
