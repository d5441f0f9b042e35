"""Calendar features by table: computed once per distinct day and time of day, then
gathered row by row.

A datetime column's fields are encoded on small tables (every day between its first
and last instant, every minute or second of a day) and each row reads its day's and its
time of day's entries, in row blocks on several threads. Aware values become wall-clock
time on the way, from a table of the zone's offset per hour. Sub-second times and
thinly spread dates, and inputs with fewer rows than the tables would have entries, are
encoded row by row instead; both ways round alike.
"""

from functools import lru_cache

import numpy as np

from . import _blocks, _calendar, _holidays, _kept
from ._wall_clock import TICKS_PER_SECOND, HourlyOffsets

# Fields whose features depend on the date only (cycles of a day or longer, and more).
DAY_FIELDS = (
    "weekday",
    "day",
    "dayofyear",
    "week",
    "month",
    "quarter",
    "year",
    "weekend",
) + _holidays.FIELDS
# Rows gathered at a time inside a thread's block (temporaries stay in cache).
_SUB_BLOCK = 65_536


def write(terms, encoder, values, zone, missing, out, n_threads=None):
    """Write the features of every field of ``terms`` into ``out``.

    ``terms`` are ``(first column, field, width)`` triples in order: a term whose
    columns an earlier term wrote adds to them (``combine="sum"``). ``encoder`` is the
    column's :class:`~sk_seqembed._temporal_encodings.FieldEncoder`, whose
    ``features(field, width, calendar)`` gives a field's features for every entry of a
    :class:`~sk_seqembed._calendar.Calendar`. ``values`` are datetime64 values (UTC
    instants read in ``zone`` when it is not None); missing rows get features of some
    present instant (the caller blanks them).
    """
    begin = min(start for start, _, _ in terms)
    stop = max(start + width for start, _, width in terms)
    n_samples = values.size
    n_missing = int(np.count_nonzero(missing))
    if n_missing == n_samples:
        out[:, begin:stop] = 0.0
        return
    unit = np.datetime_data(values.dtype)[0]
    if unit not in TICKS_PER_SECOND:
        values, unit = values.astype("datetime64[s]"), "s"
    per_second = TICKS_PER_SECOND[unit]
    per_day = per_second * 86_400
    ticks = values.view(np.int64)
    if n_missing:
        # A present instant stands in for missing ones: it keeps the tables small.
        ticks = np.where(missing, ticks[np.argmin(missing)], ticks)
    if n_samples == 1:
        first_tick = last_tick = int(ticks[0])
    else:
        first_tick, last_tick = int(ticks.min()), int(ticks.max())
    offsets = None
    if zone is not None:
        offsets = HourlyOffsets.build(first_tick, last_tick, unit, zone, n_samples)
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
        # A table must be smaller than the rows it serves: a few rows (serving one
        # event) are cheaper to encode one by one than 1,440 minutes or 86,400 seconds.
        steps = [
            step for step in (60, 1) if last_day - first_day + 1 + 86_400 // step <= n_samples
        ]
        if steps:
            head_step = _time_step(wall_clock(0, min(n_samples, _SUB_BLOCK)), per_second)
            steps = [step for step in steps if step <= (head_step or 0)]
        for step in steps:
            days = np.arange(first_day, last_day + 1).astype("datetime64[D]")
            day_calendar = _calendar.Calendar(days.astype("M8[s]"))
            time_calendar = _calendar.Calendar(np.arange(0, 86_400, step).astype("M8[s]"))
            columns = []
            for start, field, width in terms:
                by_day = field in DAY_FIELDS
                calendar = day_calendar if by_day else time_calendar
                table = encoder.features(field, width, calendar).astype(out.dtype)
                columns += [
                    (start + j, np.ascontiguousarray(table[:, j]), by_day) for j in range(width)
                ]
            tick_step = per_second * step
            days_range = (first_day, last_day - first_day + 1)
            if _gather(columns, wall_clock, days_range, per_day, tick_step, out, n_threads):
                return
    # Sub-second times, thinly spread dates or few rows: fields computed row by row.
    _write_rows(terms, encoder, wall_clock(0, n_samples), unit, out)


def _write_rows(terms, encoder, ticks, unit, out):
    """``write`` without tables built for the call: cyclical times of day in one pass,
    dates from kept tables of blocks of days when the rows lie within one, every other
    field from the rows' own calendar."""
    per_day = TICKS_PER_SECOND[unit] * 86_400
    times, dates, rest = _row_plan(
        tuple(terms), encoder.method_is_cyclical(), encoder.tables_are_fixed()
    )
    days = ticks // per_day
    block = int(days[0]) // _DAY_BLOCK
    if dates and not (days // _DAY_BLOCK == block).all():
        # Rows in two blocks of days: dates from the rows' own calendar.
        dates, rest = (), tuple(term for term in terms if term in rest or term in dates)
    calendar = _calendar.Calendar(ticks.view(f"datetime64[{unit}]"))
    if times:
        features = encoder.cyclical_side_by_side([term[1:] for term in times], calendar)
        # Rounded to the output's dtype on assignment, as astype rounds below.
        out[:, _targets(times)] = features
    if dates:
        table = _day_block_table(encoder, tuple(term[1:] for term in dates), block, out.dtype)
        out[:, _targets(dates)] = table.take(days - block * _DAY_BLOCK, axis=0)
    written = set()
    for start, field, width in rest:
        # In the output's dtype before adding, as the tables are: the same roundings
        # whichever way a row is computed.
        features = encoder.features(field, width, calendar).astype(out.dtype, copy=False)
        if start in written:
            out[:, start : start + width] += features
        else:
            out[:, start : start + width] = features
            written.add(start)


@lru_cache(maxsize=64)
def _kept_targets(terms):
    targets = np.concatenate([start + np.arange(width) for start, _, width in terms])
    targets.flags.writeable = False
    return targets


@lru_cache(maxsize=64)
def _row_plan(terms, cyclical, fixed_tables):
    """``_write_rows``'s split of ``terms``: cyclical times of day, dates a kept table
    may serve, and the rest (in order). A term another adds to (``combine="sum"``) is
    in the rest, written in order with the others."""
    starts = [start for start, _, _ in terms]
    alone = [term for term in terms if starts.count(term[0]) == 1]
    times = tuple(t for t in alone if cyclical and t[1] not in DAY_FIELDS)
    dates = ()
    if fixed_tables:
        dates = tuple(t for t in alone if t[1] in DAY_FIELDS and t[1] in _KEPT_FIELDS)
    rest = tuple(t for t in terms if t not in times and t not in dates)
    return times, dates, rest


def _targets(terms):
    """The output columns of ``(first column, field, width)`` terms, side by side."""
    return _kept_targets(tuple(terms))


# Dates served row by row read their features from tables of blocks of 4,096 days
# (about 11 years), kept for the last few blocks and layouts: serving one event after
# another computes no calendar of dates.
_DAY_BLOCK = 4096
_KEPT_FIELDS = set(DAY_FIELDS) - set(_holidays.FIELDS)
_DAY_TABLES = _kept.Kept(32)


def _day_block_table(encoder, fields, block, dtype):
    """The features of ``fields`` ((field, width) pairs) side by side, for every day of
    ``block``, in ``dtype``; computed as the tables of ``write`` compute them."""

    def build():
        first = block * _DAY_BLOCK
        days = np.arange(first, first + _DAY_BLOCK).astype("datetime64[D]")
        calendar = _calendar.Calendar(days.astype("M8[s]"))
        table = np.hstack(
            [encoder.features(field, width, calendar).astype(dtype) for field, width in fields]
        )
        # Shared by every later call: never written to.
        table.flags.writeable = False
        return table

    return _DAY_TABLES.get((encoder.method_name(), fields, block, np.dtype(dtype).str), build)


def _gather(columns, wall_clock, days_range, per_day, tick_step, out, n_threads):
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

    _blocks.run_in_blocks(out.shape[0], gather, n_threads)
    return not off_step


def _time_step(ticks, per_second):
    """The coarsest step, in seconds, dividing every time of day (60, 1) or None.

    A day is a whole number of minutes, so times of day share the ticks' remainders.
    """
    if not (ticks % (60 * per_second)).any():
        return 60
    if per_second == 1 or not (ticks % per_second).any():
        return 1
    return None
