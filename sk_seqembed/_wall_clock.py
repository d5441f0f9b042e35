"""Instants as ticks: time since 1970, and local wall-clock time from a zone's offsets.

TemporalEmbedder reads aware columns as UTC instants; their calendar is read in local
wall-clock time. :class:`HourlyOffsets` turns UTC ticks into wall-clock ticks with one
gather and one addition per row, pandas' time-zone database deciding every offset.
"""

from functools import lru_cache

import numpy as np

from . import _calendar

TICKS_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def since_epoch(values, unit):
    """Time since 1970-01-01 of datetime64 values, as float64 in ``unit`` ("s", "D").

    Each value is divided in its own unit, so no conversion between units can wrap
    (years 1500 and 2300 meet nanosecond data safely). NaT gives NaN.
    """
    value_unit = np.datetime_data(values.dtype)[0]
    ticks_per_unit = np.timedelta64(1, unit) / np.timedelta64(1, value_unit)
    elapsed = values.view(np.int64) / ticks_per_unit
    return np.where(np.isnat(values), np.nan, elapsed)


class HourlyOffsets:
    """A zone's UTC offset per UTC hour over a range of instants.

    Wall-clock time is then one gather and one addition per row. Zone offsets change
    at most once within any hour (true of every tz database zone); hours where one
    changes are marked, and their rows converted by pandas one by one. The offsets are
    built in blocks of ``BLOCK_HOURS`` hours, kept per zone and unit: serving one row
    after another gathers from a block built once.
    """

    _CHANGES = np.iinfo(np.int64).min
    BLOCK_HOURS = 2**14  # about 22 months

    def __init__(self, table, first_hour, per_hour, unit, zone, bounds):
        """``bounds``: the smallest and largest offset, and whether any hour of
        ``table`` is marked as holding a change."""
        self.table, self.first_hour, self.per_hour = table, first_hour, per_hour
        self.unit, self.zone = unit, zone
        self.smallest, self.largest, self.any_changes = bounds

    @classmethod
    def build(cls, first_tick, last_tick, unit, zone, n_samples):
        """The offsets over [first_tick, last_tick], or None when a table would be
        much larger than the rows (sparse instants) or reach past int64."""
        per_hour = TICKS_PER_SECOND[unit] * 3600
        first = first_tick // per_hour // cls.BLOCK_HOURS
        last = last_tick // per_hour // cls.BLOCK_HOURS
        n_hours = (last - first + 1) * cls.BLOCK_HOURS
        limit = np.iinfo(np.int64).max
        if n_hours > 4 * n_samples + 100_000 or not (
            -limit < first * cls.BLOCK_HOURS * per_hour
            and ((last + 1) * cls.BLOCK_HOURS + 1) * per_hour < limit
        ):
            return None
        try:
            blocks = _offset_blocks(zone, unit, first, last)
        except _calendar.WallClockOutOfRange:
            # A block reaches past the unit's range of local times where the rows may
            # not: they are converted by pandas, which refuses only rows out of range.
            return None
        table = blocks[0][0] if len(blocks) == 1 else np.concatenate([b[0] for b in blocks])
        bounds = (
            min(block[1] for block in blocks),
            max(block[2] for block in blocks),
            any(block[3] for block in blocks),
        )
        return cls(table, first * cls.BLOCK_HOURS, per_hour, unit, zone, bounds)

    def local(self, ticks):
        """Wall-clock ticks of the UTC ``ticks``."""
        shift = self.table[ticks // self.per_hour - self.first_hour]
        if self.any_changes:
            changes = shift == self._CHANGES
            if changes.any():
                shift[changes] = offsets(ticks[changes], self.unit, self.zone)
        return ticks + shift


def _offset_blocks(zone, unit, first, last):
    try:
        return [_offset_block(zone, unit, block) for block in range(first, last + 1)]
    except TypeError:  # a zone that cannot be a cache key: build without keeping
        return [_offset_block.__wrapped__(zone, unit, b) for b in range(first, last + 1)]


@lru_cache(maxsize=64)
def _offset_block(zone, unit, block):
    """One block's offset per hour (hours holding a change marked), its smallest and
    largest offset, and whether any hour is marked."""
    per_hour = TICKS_PER_SECOND[unit] * 3600
    first = block * HourlyOffsets.BLOCK_HOURS
    starts = np.arange(first, first + HourlyOffsets.BLOCK_HOURS + 1, dtype=np.int64) * per_hour
    at_starts = offsets(starts, unit, zone)
    table = at_starts[:-1].copy()
    # An hour whose offset differs from the next hour's may change inside it.
    candidates = np.flatnonzero(at_starts[:-1] != at_starts[1:])
    ends = starts[candidates] + per_hour - 1
    changes = offsets(ends, unit, zone) != at_starts[candidates]
    table[candidates[changes]] = HourlyOffsets._CHANGES
    # Kept blocks are shared: no caller may write to them.
    table.flags.writeable = False
    smallest, largest = int(at_starts.min()), int(at_starts.max())
    return table, smallest, largest, bool(changes.any())


def offsets(ticks, unit, zone):
    """The zone's UTC offset at UTC ``ticks``, in ticks (pandas' conversion)."""
    local = _calendar.wall_clock(ticks.view(f"datetime64[{unit}]"), "UTC", zone)
    return local.view(np.int64) - ticks
