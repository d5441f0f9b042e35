"""TemporalEmbedder: datetime columns to calendar-exact, wrap-aware features."""

from __future__ import annotations

from contextlib import contextmanager
from functools import partial
from numbers import Integral
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from . import _calendar, _columns, _groups, _holidays, _recency, _wall_clock
from . import _sequence_state as _state
from . import _temporal_encodings as encodings
from . import _temporal_layout as layout
from ._doc_links import DocLinkMixin
from ._params import RefuseBoolCounts, duration_seconds, fit_context
from ._partitioned import PartitionedMixin, Reduction
from ._wall_clock import TICKS_PER_SECOND

if TYPE_CHECKING:
    from typing import Any, Literal

    from numpy.typing import ArrayLike, NDArray

    from ._typing import (
        ColumnKeys,
        Duration,
        FloatDType,
        Output,
        RandomStateLike,
        TableLike,
    )

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
# ``features="auto"``: the data's resolution, the finest of these units whose value
# varies in fit, chooses the fields (as GluonTS chooses them from a frequency string), so
# folds of one series get the same columns whatever their span.
# Units of the time of day, finest first; below a day the resolution is the date's:
# "day" (weekdays vary), "week" (one weekday), "month" (one day of month), "year".
_TIME_OF_DAY = ("second", "minute", "hour")
_DATE_UNITS = ("weekday", "day", "month")
_FIELDS_BY_RESOLUTION = {
    "second": ("second", "minute", "hour", "weekday", "day", "dayofyear"),
    "minute": ("minute", "hour", "weekday", "day", "dayofyear"),
    "hour": ("hour", "weekday", "day", "dayofyear"),
    "day": ("weekday", "day", "dayofyear"),
    "week": ("dayofyear",),
    "month": ("month",),
    # One instant, or one per year: no cycle varies; the season is kept.
    "year": ("dayofyear",),
}
# Widths by a field's role, for an ``embedding_dim`` of d: the profiles that carry most
# of a signal within a day and a week get up to d features; the season, day of month,
# minute and second a quarter of d. Tuples: (share of d, cap of a Fourier basis). The
# caps stop where a harmonic would alias another or vanish on every value the field
# takes (7 weekdays: 3 harmonics; for an even count n, the sine of harmonic n/2 is
# zero on every value); slices and splines are capped at the field's period instead.
_ROLES = {
    "second": (0.25, 58),
    "minute": (0.25, 58),
    "hour": (1.0, 22),
    "weekday": (1.0, 6),
    "day": (0.25, 30),
    # One harmonic of the year by default: more, fitted on part of a year (the first
    # folds of a forward split), swing wildly over the months not seen.
    "dayofyear": (0.25, 365),
    "week": (1.0, 50),
    "month": (1.0, 10),
    "quarter": (1.0, 2),
}
# Below three periodic B-splines, two values of a cycle share one vector.
_MIN_SPLINES = 3


class TemporalEmbedder(
    DocLinkMixin,
    RefuseBoolCounts,
    _state.SequenceStateMixin,
    PartitionedMixin,
    TransformerMixin,
    BaseEstimator,
):
    """Encode datetime columns as calendar fields that wrap where their cycles do.

    Every received column (except ``group_columns``) is a datetime column: pandas
    ``datetime64`` in any unit, naive or aware, polars ``Datetime``/``Date``, Python
    ``date``/``datetime`` objects of one zone, or numbers read as epoch times when
    ``epoch_unit`` is set.

    Parameters
    ----------
    embedding_dim : int, default=8
        Features per calendar field. With ``features="auto"`` fields get widths by their
        role: the time of day, the day of week and (monthly data) the month up to
        ``d``; the season (day of year), day of month, minute and second a quarter of
        ``d`` (at least 2, when ``d`` allows). Fourier widths stop where a harmonic
        would alias another or vanish on every value (6 for the 7 weekdays, 22 for
        hours, 10 for months); slices and splines at the field's period (7, 24, 12).
        A daily profile with two peaks needs several
        harmonics; a season fitted on part of a year (the first folds of a forward
        split) extrapolates safely with one harmonic only. ``combine="sum"`` gives
        every field ``d``; a list of fields gives each ``d``; a dict sets each width.
        The meaning of a width depends on ``method``:

        - ``"cyclical"``: Fourier terms ``sin/cos(2 pi k phase)``, ``k = 1..ceil(w/2)``
          (Prophet-style orders; w=2 is one sin/cos pair);
        - ``"spline"``: ``w`` periodic B-splines (cubic from w=4) around the cycle; at
          least 3, as 2 periodic B-splines sum to one and two values would share a
          vector (fewer is an error);
        - ``"fixed"``: width of Informer's sinusoidal table of the field's integer
          value, on the field's nominal period (31 days of month, 366 days of year, as
          Informer's tables count) so it wraps;
        - ``"timefeature"``: GluonTS/Informer's scaled value in [-0.5, 0.5] (w=1) and
          its powers up to w. It does not wrap (23:00 and 00:00 lie at opposite ends),
          for users reproducing those models;
        - ``"onehot"``: one column per equal slice of the cycle (w=24 gives one per
          hour of the day);
        - ``"random"``: a seeded Gaussian table of width w per field value (the seed
          note's idea, per calendar field instead of per raw timestamp).
    method : {"cyclical", "spline", "fixed", "timefeature", "onehot", "random"}, \
            default="cyclical"
    features : "auto", list of str or dict, default="auto"
        Calendar fields among ``second, minute, hour, weekday, day, dayofyear, week,
        month, quarter`` (cycles) and ``year`` (continuous: year plus the fraction of
        it elapsed) and ``weekend`` (0/1). ``"auto"`` chooses them from the data's
        resolution, the finest unit that varies in fit (as GluonTS chooses them from a
        frequency): ``hour, weekday, day, dayofyear`` for hourly data, with ``minute``
        (and ``second``) for finer data, ``weekday, day, dayofyear`` for daily data,
        ``dayofyear`` for weekly and ``month`` for monthly data. A month and two years
        of one hourly series get the same columns, so ``TimeSeriesSplit`` folds do.
        The resolution is kept in ``resolutions_``. A list takes the role widths; a
        dict maps fields to their own widths (for instance ``{"hour": 6, "weekday":
        4}``: three and two harmonics).
    combine : {"concat", "sum"}, default="concat"
        Concatenate the fields' features, or sum them (Informer's temporal embedding;
        every field then needs the same width).
    timezone : str, default=None
        Convert aware columns to this zone before reading the calendar; by default each
        aware column is read in its own zone. Naive columns are read as they are.
    trend : bool or "auto", default="auto"
        Add the elapsed time since the earliest instant seen in fit, in years of 365.25
        days (a human scale: 0 to a few over the data, so a linear model or a kernel
        needs no rescaling), computed in float64 from the values' own ticks (float32
        output rounds it to 15 seconds ten years on). ``"auto"`` adds the column with
        ``features="auto"`` and ``combine="concat"``, and fills it once fit spans a
        year (364 days or more; ``trends_``): a level that drifts over the years is then a
        feature, as skrub's ``DatetimeEncoder`` adds its total seconds; after a
        shorter fit it holds 0, as a trend cannot be told from the season there and
        extrapolating one fails forward splits (the column stays, so folds of one
        series keep one width). A column with no instant in fit (all NaT) counts from
        1970-01-01.
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
        in order within each group, after the ones fit saw (see ``history``).
    history : {"continue", "ignore"}, default="continue"
        With ``group_columns``: ``"continue"`` keeps each group's first and last
        instant from fit, and ``transform`` counts recency from them, so
        ``fit(X[:k]).transform(X[k:])`` equals ``fit_transform(X)[k:]``; unknown
        groups start fresh. ``"ignore"``: every transform counts within its own frame.
    max_state_bytes : int, default=2**30
        Memory budget of the kept history (1 GiB): ``fit`` raises a ``MemoryError``
        beyond it. None removes the budget.
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
        Threads for inputs of 100,000 rows or more; None uses the cores available to
        this process, within the limits that joblib's workers and ``threadpoolctl``
        set, so ``n_jobs`` workers do not multiply threads.
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
    trends_ : list of bool
        Per datetime column, whether its trend column carries the elapsed years
        (``trend=True``, or ``"auto"`` after a fit spanning 364 days or more); False
        when it holds 0 or there is no trend column.
    resolutions_ : list of str
        ``features="auto"``: per datetime column, the resolution of its fit values
        that chose its fields (``"second"`` ... ``"year"``); None otherwise.
    origins_ : list of numpy.datetime64
        Per datetime column, the earliest instant seen in fit (the ``trend`` origin).
    tables_ : list of dict
        ``random``: per datetime column, the table of each field (by field name).

    See Also
    --------
    PositionEmbedder : Encode each row's position in its sequence.
    ValueEmbedder : Token columns to vectors.
    EmbeddingSum : Add a value, a positional and a temporal embedding of one width.
    sklearn.preprocessing.SplineTransformer : Periodic B-splines of numeric features.

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
    - The as-of rule: a row's recency depends on that row and the earlier rows of its
      group only, those fit (and ``partial_fit``) saw first. Transforming again the
      rows fit saw (``Pipeline.score`` on training rows) gives them the features they
      had there, as ``fit_transform`` does. Rows older than their group's last
      fitted instant (``KFold`` folds that interleave in time) are counted after the
      fitted rows, so their time since the previous event is negative: split in time
      (``TimeSeriesSplit``) or by group (``GroupKFold``), or set
      ``history="ignore"``. Calendar features never depend on other rows.
    - Output dtype is ``dtype``. ``year`` is a plain number (2024.5): scale it for
      linear models and kernels; ``trend`` needs no scaling. The array is column-major
      (Fortran order): each feature is contiguous, the layout pandas uses for a
      DataFrame's columns and the fastest to fill; ``np.ascontiguousarray`` gives a
      row-major copy.

    Examples
    --------
    >>> import pandas as pd
    >>> from sk_seqembed import TemporalEmbedder
    >>> X = pd.DataFrame({"when": pd.to_datetime(["2024-01-01 23:00", "2024-01-02 00:00"])})
    >>> embedder = TemporalEmbedder(2, features=["hour"]).fit(X)
    >>> embedder.get_feature_names_out().tolist()
    ['when_hour_sin1', 'when_hour_cos1']
    >>> embedder.transform(X).round(3)
    array([[-0.259,  0.966],
           [ 0.   ,  1.   ]])
    """

    _reads_views = True

    _parameter_constraints = {
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions(set(encodings.METHODS))],
        "features": [StrOptions({"auto"}), list, tuple, dict],
        "combine": [StrOptions({"concat", "sum"})],
        "timezone": [str, None],
        "trend": ["boolean", StrOptions({"auto"})],
        "periods": [list, tuple, None],
        "holidays": [str, None],
        "group_columns": [str, Integral, list, tuple, np.ndarray, None],
        "handle_missing": [StrOptions({"zeros", "nan", "error"})],
        "missing_indicator": ["boolean"],
        "epoch_unit": [StrOptions(set(TICKS_PER_SECOND)), None],
        "dtype": [
            StrOptions({"float64", "float32"}),
            Options(type, {np.float64, np.float32}),
        ],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        **_state.PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        embedding_dim: int = 8,
        *,
        method: Literal[
            "cyclical", "spline", "fixed", "timefeature", "onehot", "random"
        ] = "cyclical",
        features: Literal["auto"] | list[str] | tuple[str, ...] | dict[str, int] = "auto",
        combine: Literal["concat", "sum"] = "concat",
        timezone: str | None = None,
        trend: bool | Literal["auto"] = "auto",
        periods: list[Duration] | tuple[Duration, ...] | None = None,
        holidays: str | None = None,
        group_columns: ColumnKeys | None = None,
        history: Literal["continue", "ignore"] = "continue",
        max_state_bytes: int | None = 2**30,
        handle_missing: Literal["zeros", "nan", "error"] = "zeros",
        missing_indicator: bool = False,
        epoch_unit: Literal["s", "ms", "us", "ns"] | None = None,
        dtype: FloatDType = "float64",
        n_threads: int | None = None,
        random_state: RandomStateLike = None,
    ) -> None:
        self.embedding_dim = embedding_dim
        self.method = method
        self.features = features
        self.combine = combine
        self.timezone = timezone
        self.trend = trend
        self.periods = periods
        self.holidays = holidays
        self.group_columns = group_columns
        self.history = history
        self.max_state_bytes = max_state_bytes
        self.handle_missing = handle_missing
        self.missing_indicator = missing_indicator
        self.epoch_unit = epoch_unit
        self.dtype = dtype
        self.n_threads = n_threads
        self.random_state = random_state

    # --- fit ------------------------------------------------------------------------

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: TableLike, y: Any = None) -> TemporalEmbedder:
        """Learn each column's zone, fields, trend origin and (``random``) tables.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Datetime columns, plus the ``group_columns`` if any.
        y : None
            Ignored.

        Returns
        -------
        self : TemporalEmbedder
            The fitted embedder.
        """
        return self._fit_in_memory(self._check_fit_input(X))

    def _fit_steps(self, X):
        """Zones, fields, origins and tables from per-chunk statistics
        (``_partitioned``); the columns are known from ``n_features_in_``."""
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
        self.period_seconds_ = self._check_periods()
        self._check_holidays()
        remembers = self._remembers()
        statistics, states = yield Reduction(
            partial(_fit_chunk, self, remembers), _merge_fit_chunks
        )
        self.history_ = self.replay_ = None
        if remembers:
            self._set_history(states)
        rng = check_random_state(self.random_state)
        method = self._method()
        self.timezones_, self.fields_, self.origins_, self.tables_ = [], [], [], []
        self.resolutions_, self.trends_ = [], []
        names = _columns.output_prefixes(self)
        for c, column in enumerate(statistics):
            tz = column["tz"]
            zone = self.timezone if (tz is not None and self.timezone is not None) else tz
            self.timezones_.append(zone)
            origin = column["origin"]
            if self.holidays is not None and origin is not None:
                # Checked at fit too: a model fit on such dates would learn from
                # holiday features that say 'no holiday' for lack of data.
                extremes = np.array([origin, column["end"]])
                name = names[self.datetime_columns_[c]]
                with _naming(name):
                    _holidays.check_years(
                        self.holidays, extremes, zone, np.zeros(2, dtype=bool), name
                    )
            self.origins_.append(origin if origin is not None else np.datetime64(0, "s"))
            self.trends_.append(
                self._uses_trend() and self._trend_learnable(origin, column["end"])
            )
            fields = self._choose_fields(column["ranges"], names[self.datetime_columns_[c]])
            self.fields_.append(fields)
            self.resolutions_.append(
                resolution(column["ranges"]) if isinstance(self.features, str) else None
            )
            # Keyed by field name alone: string keys serialise everywhere (skops too).
            self.tables_.append(method.draw_tables(fields, rng))
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
            end = present.max() if present.size else None
            ranges = {}
            if isinstance(self.features, str) and present.size:
                zone = self.timezone if (tz is not None and self.timezone is not None) else tz
                with _naming(partial(_column_name, X, j)):
                    local = _calendar.wall_clock(present, tz, zone if tz is not None else None)
                calendar = _calendar.Calendar(local)
                for field in _TIME_OF_DAY + _DATE_UNITS:
                    values_of_field = calendar.field(field)
                    ranges[field] = (values_of_field.min(), values_of_field.max())
                # Month ends (resample("ME")) vary in day but not in days to the end.
                to_end = _calendar.days_in_month(calendar.year, calendar.month) - calendar.day
                ranges["to_month_end"] = (to_end.min(), to_end.max())
            origin = present.min() if present.size else None
            statistics.append(
                {
                    "tz": tz,
                    "present": int(present.size),
                    "origin": origin,
                    "end": end,
                    "ranges": ranges,
                }
            )
        return statistics

    def _needs_context(self):
        """Recency (``group_columns``) counts from a group's earlier rows, which may lie
        in earlier chunks."""
        return bool(self.group_columns_.size)

    def _context_statistics(self, X):
        """The chunk's group keys and, per datetime column, each group's first and last
        present instant (``_recency.chunk_bounds``), for recency across chunks; with
        the chunk's fingerprint when a history is kept."""
        if self._remembers():
            return self._chunk_state(X)
        return self._history_statistic(X)

    def _contexts(self, statistics):
        """Per chunk, per datetime column, what came before it (``_recency.History``),
        the fitted history first."""
        placed, n_history = self._placed_statistics(statistics)
        return _recency.histories(placed, self.datetime_columns_.size, self._names())[
            n_history:
        ]

    # --- the sequence state (see ``_sequence_state``) -------------------------------

    def partial_fit(self, X: TableLike, y: Any = None) -> TemporalEmbedder:
        """Advance the recency history with rows that follow those seen so far.

        The first call fits. Later calls only add ``X``'s rows to ``history_`` (zones,
        fields, origins and tables stay), so transforming the next rows continues from
        them, as after fitting on all rows at once.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in fit, rows in order after those already seen.
        y : None
            Ignored.

        Returns
        -------
        self : TemporalEmbedder
            The embedder with its history advanced.
        """
        return self._partial_fit(X, y)

    def _keeps_history(self):
        return bool(self.group_columns_.size)

    def _history_statistic(self, X, table=None):
        """Group keys and per datetime column each group's first and last instant;
        ``table``: ``X``'s ``group_table`` when already read."""
        codes, keys = _groups.group_table(X, self.group_columns_) if table is None else table
        columns = []
        for j in self.datetime_columns_:
            instants, _, missing = self._read(X, j)
            columns.append(_recency.chunk_bounds(codes, len(keys), instants, missing))
        return keys, columns

    def _names(self):
        return _columns.output_prefixes(self)

    def _merge_history(self, statistics):
        return _recency.merge_histories(statistics, self.datetime_columns_.size, self._names())

    def _replay_columns(self):
        return range(self.n_features_in_)

    def _state_bytes(self, history):
        keys, columns = history
        arrays = sum(first.nbytes + last.nbytes for first, last in columns)
        return _state.keys_bytes(keys) + arrays

    def _check_holidays(self):
        """Refuse a country the ``holidays`` package does not know, at fit time."""
        if self.holidays is not None:
            _holidays.country_holidays(self.holidays, years=[2000])

    def _check_periods(self):
        if self.periods is None:
            return np.empty(0)
        seconds = []
        for period in self.periods:
            value = duration_seconds(
                period, parameter="periods", example="'7D' or pd.Timedelta(days=365.25)"
            )
            seconds.append(value)
        if len(set(seconds)) < len(seconds):
            raise ValueError(f"periods has the same duration twice: {list(self.periods)!r}.")
        return np.asarray(seconds)

    def _choose_fields(self, ranges, name):
        """The fields and widths asked for; ``features="auto"`` chooses the fields from
        the data's resolution (see ``resolution``) and their widths by their roles."""
        allowed = CYCLIC_FIELDS + ("year", "weekend")
        if isinstance(self.features, str):
            requested = {
                field: self._role_width(field)
                for field in _FIELDS_BY_RESOLUTION[resolution(ranges)]
            }
        elif isinstance(self.features, dict):
            requested = dict(self.features)
        else:
            requested = dict.fromkeys(self.features, self.embedding_dim)
        if not requested:
            raise ValueError("features is empty: name at least one calendar field.")
        fields = []
        for field, width in requested.items():
            if field not in allowed:
                raise ValueError(
                    f"features: {field!r} is not a calendar field; choose from "
                    f"{', '.join(allowed)}."
                )
            if field in ("year", "weekend"):
                fields.append((field, 1))
                continue
            if not isinstance(width, Integral) or isinstance(width, bool) or width < 1:
                raise ValueError(f"features: the width of {field!r} must be an int >= 1.")
            if self.method == "spline" and width < _MIN_SPLINES:
                raise ValueError(
                    f"method='spline' needs at least {_MIN_SPLINES} splines per field; "
                    f"{field!r} of column {name!r} would get {width}, and with fewer than "
                    "3 periodic B-splines (which sum to one) two values of the cycle share "
                    "one vector. Raise embedding_dim or the field's width."
                )
            fields.append((field, int(width)))
        if self.holidays is not None:
            fields += [(field, 1) for field in _holidays.FIELDS]
        return fields

    def _role_width(self, field):
        """A field's width for ``embedding_dim`` (d): all of d for ``combine="sum"``
        (one width for all), else by the field's role (``_ROLES``), at least three
        for splines."""
        d = self.embedding_dim
        if self.combine == "sum":
            return d
        share, cap = _ROLES[field]
        if self.method in ("onehot", "spline"):
            cap = encodings.NOMINAL_PERIODS[field]
        width = min(d, cap, max(2, int(np.ceil(share * d))))
        return max(width, _MIN_SPLINES) if self.method == "spline" and d >= 3 else width

    # --- reading --------------------------------------------------------------------

    def _read(self, X, j):
        """(datetime64 values: UTC instants if aware, zone or None, missing mask)."""
        column = _columns.read_column(X, j)
        if self.handle_missing == "error" and column.missing.any():
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
        scale = 10**6 / TICKS_PER_SECOND[self.epoch_unit]
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
        fitted = self.timezones_[c]
        if (tz is None) != (fitted is None) and not missing.all():
            name = _column_name(X, j)
            seen, now = ("aware", "naive") if tz is None else ("naive", "aware")
            raise ValueError(
                f"Column {name!r} was {seen} in fit and is {now} now; pass datetimes of "
                "the same kind (tz_localize or tz_convert them)."
            )
        return values, (fitted if tz is not None else None), missing

    # --- transform ------------------------------------------------------------------

    def transform(self, X: TableLike) -> Output:
        """Calendar features of every datetime column.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Datetime columns, plus the ``group_columns`` if any: the columns seen in
            fit.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            The features named by ``get_feature_names_out``, of dtype ``dtype``.
        """
        return self._transform_placed(X)

    def _transform(self, X, context):
        """``context``: per datetime column, the ``_recency.History`` of the groups of
        ``X``, a chunk of a larger table (see ``_contexts``); None: ``X`` is the table."""
        groups = None
        if context is None and self._remembers():
            history = self._history_of_frame(X)
            if history is not None:
                # One read of the keys for the statistic and the rows' codes.
                table = _groups.group_table(X, self.group_columns_)
                statistics = [history, self._history_statistic(X, table)]
                context = _recency.histories(
                    statistics, self.datetime_columns_.size, self._names()
                )[1]
                groups = table[0]
        layouts = self._layouts()
        width = sum(column_layout.width for column_layout in layouts)
        out = np.empty((X.shape[0], width), dtype=self.dtype, order="F")
        if groups is None and context is not None:
            # Codes numbered as _context_statistics numbered them: the context's order.
            groups, _ = _groups.group_table(X, self.group_columns_)
        elif groups is None and self.group_columns_.size:
            groups = _groups.group_codes(X, self.group_columns_)
        start = 0
        for c, column_layout in enumerate(layouts):
            instants, zone, missing = self._local_values(X, c)
            j = self.datetime_columns_[c]
            with _naming(partial(_column_name, X, j)):
                if self.holidays is not None:
                    name = _column_name(X, j)
                    _holidays.check_years(self.holidays, instants, zone, missing, name)
                history = None if context is None else context[c]
                rows = layout.Rows(instants, zone, missing, groups, history, self.n_threads)
                column_layout.write(out[:, start : start + column_layout.width], rows)
            start += column_layout.width
        return out

    def _trend_learnable(self, origin, end):
        """Whether the trend column carries the elapsed years: always with
        ``trend=True``; with ``"auto"``, once fit spans 364 days (shorter, a trend cannot
        be told from the season, and extrapolating it is what fails forward folds)."""
        if self.trend != "auto":
            return bool(self.trend)
        if origin is None:
            return False
        span = _wall_clock.since_epoch(np.asarray(end), "D") - _wall_clock.since_epoch(
            np.asarray(origin), "D"
        )
        # 364 days: a year of daily or hourly rows spans a step less than 365.
        return bool(span >= 364)

    def _uses_trend(self):
        if self.trend == "auto":
            # Not with "sum": its output is one embedding of embedding_dim columns.
            return isinstance(self.features, str) and self.combine == "concat"
        return self.trend

    def _method(self):
        """The ``method`` strategy (``_temporal_encodings.METHODS``)."""
        return encodings.METHODS[self.method]()

    def _layouts(self):
        """Per datetime column, its output blocks (``_temporal_layout``): the one
        description of the output that widths, writes and names follow."""
        method = self._method()
        return [
            layout.column_layout(
                fields,
                encoder=encodings.FieldEncoder(method, tables, self.holidays),
                combine=self.combine,
                origin=origin if self._uses_trend() else None,
                trend_learnable=learnable,
                period_seconds=self.period_seconds_,
                recency=bool(self.group_columns_.size),
                missing_indicator=self.missing_indicator,
                missing_value=0.0 if self.handle_missing == "zeros" else np.nan,
            )
            for fields, tables, origin, learnable in zip(
                self.fields_, self.tables_, self.origins_, self.trends_, strict=True
            )
        ]

    # --- names and tags -------------------------------------------------------------

    def get_feature_names_out(
        self, input_features: ArrayLike | None = None
    ) -> NDArray[np.object_]:
        """Output names ``{column}_{field}_{feature}``, then the options' columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names. If None, the names seen in fit are used (``x0``,
            ``x1``, ... if fit saw none); if given, they must match them.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Transformed feature names.
        """
        check_is_fitted(self)
        prefixes = _columns.check_input_features(self, input_features)
        names = []
        for column_layout, j in zip(self._layouts(), self.datetime_columns_, strict=True):
            names += column_layout.names(prefixes[j])
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self.handle_missing != "error"
        tags.transformer_tags.preserves_dtype = [np.dtype(self.dtype).name]
        return tags


def resolution(ranges):
    """The data's resolution from ``ranges`` (unit: smallest and largest wall-clock
    value seen): the finest time-of-day unit that varies (``"second"``, ``"minute"``,
    ``"hour"``); else ``"day"`` when both the day and the weekday vary, ``"week"`` when
    the day varies on one weekday, ``"month"`` when only the month does (or the day
    does, but not the days to the month's end: month ends), else ``"year"``."""

    def varies(unit):
        return unit in ranges and ranges[unit][1] > ranges[unit][0]

    for unit in _TIME_OF_DAY:
        if varies(unit):
            return unit
    if varies("day") and not ("to_month_end" in ranges and not varies("to_month_end")):
        return "day" if varies("weekday") else "week"
    return "month" if varies("month") else "year"


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
        ends = [chunk["end"] for chunk in present]
        merged.append(
            {
                "tz": (present or column)[0]["tz"],
                "present": sum(chunk["present"] for chunk in column),
                "origin": min(origins) if origins else None,
                "end": max(ends) if ends else None,
                "ranges": ranges,
            }
        )
    return merged


def _column_name(X, j):
    return _columns.column_names(X)[j] if _columns.is_dataframe(X) else f"x{j}"


@contextmanager
def _naming(name):
    """Put a column's name (or a function returning it, called only on error) in front
    of a local-time error raised without it."""
    try:
        yield
    except _calendar.WallClockOutOfRange as exc:
        name = name() if callable(name) else name
        raise ValueError(f"Column {name!r} {exc}") from None


def _fit_chunk(estimator, remembers, X, y=None):
    """A chunk's fit statistics, and its history state when one is kept."""
    states = [estimator._chunk_state(X)] if remembers else []
    return estimator._chunk_statistics(X), states


def _merge_fit_chunks(chunks):
    return (
        _merge_statistics([statistics for statistics, _ in chunks]),
        [state for _, states in chunks for state in states],
    )
