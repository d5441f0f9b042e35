"""TemporalEmbedder's output layout, described once: per datetime column, its blocks.

A column's :class:`ColumnLayout` lists its blocks in output order:

- a :class:`Field` per calendar field (``combine="concat"``), or one :class:`FieldSum`
  of every field (``combine="sum"``);
- :class:`Trend`, :class:`Periods` and :class:`Recency`, when asked for;
- :class:`MissingIndicator`, when asked for.

Widths, names and writes all follow from the blocks: each block knows its width and
its names, and the writer of its kind fills its columns (the calendar blocks of a column
together, in one pass over the rows). Missing rows of every block but the indicator
hold ``handle_missing``'s value.
"""

from dataclasses import dataclass
from itertools import groupby

import numpy as np

from . import _calendar_tables, _recency
from ._wall_clock import since_epoch


@dataclass(frozen=True)
class Rows:
    """A datetime column's rows, as the writers read them.

    Attributes
    ----------
    instants : ndarray of datetime64
        The values; UTC instants when ``zone`` is set.
    zone : str, tzinfo or None
        The zone the calendar is read in; None for naive values.
    missing : ndarray of bool
    groups : ndarray of int64 or None
        Each row's group code (recency).
    history : sk_seqembed._recency.History or None
        What came before these rows, per group code (a chunk of a larger table).
    n_threads : int or None
    """

    instants: np.ndarray
    zone: object
    missing: np.ndarray
    groups: np.ndarray | None = None
    history: object = None
    n_threads: int | None = None


# --- blocks ---------------------------------------------------------------------------
# ``kind`` names the writer; a block that ``blanks_missing`` holds handle_missing's value
# on missing rows.


@dataclass(frozen=True)
class Field:
    """One calendar field's features, by the column's ``encoder``."""

    field: str
    width: int
    encoder: object
    kind = "calendar"
    blanks_missing = True

    @property
    def terms(self):
        return ((self.field, self.width),)

    def names(self, prefix):
        return [f"{prefix}_{name}" for name in self.encoder.names(self.field, self.width)]


@dataclass(frozen=True)
class FieldSum:
    """Every calendar field's features added up (Informer's temporal embedding)."""

    terms: tuple
    encoder: object
    kind = "calendar"
    blanks_missing = True

    @property
    def width(self):
        # fit checked that every field has this width.
        return self.terms[0][1]

    def names(self, prefix):
        return [f"{prefix}_sum{k}" for k in range(self.width)]


@dataclass(frozen=True)
class Trend:
    """Years (of 365.25 days) elapsed since ``origin``; 0 where not ``learnable``
    (``trend="auto"`` after a fit shorter than a year)."""

    origin: np.datetime64
    learnable: bool = True
    width = 1
    kind = "trend"
    blanks_missing = True

    def names(self, prefix):
        return [f"{prefix}_trend"]


@dataclass(frozen=True)
class Periods:
    """``sin/cos(2 pi t / P)`` of the time since 1970, per period ``P`` in ``seconds``."""

    seconds: np.ndarray
    kind = "periods"
    blanks_missing = True

    @property
    def width(self):
        return 2 * self.seconds.size

    def names(self, prefix):
        names = []
        for seconds in self.seconds:
            label = f"{seconds / 86400:g}D" if seconds % 3600 == 0 else f"{seconds:g}s"
            names += [f"{prefix}_period{label}_sin", f"{prefix}_period{label}_cos"]
        return names


@dataclass(frozen=True)
class Recency:
    """Time since the group's previous event and since its first (``_recency``)."""

    width = 2
    kind = "recency"
    blanks_missing = True

    def names(self, prefix):
        return [f"{prefix}_since_previous", f"{prefix}_since_start"]


@dataclass(frozen=True)
class MissingIndicator:
    """1 where the datetime is missing, else 0."""

    width = 1
    kind = "missing"
    blanks_missing = False

    def names(self, prefix):
        return [f"{prefix}_missing"]


# --- writers: one per kind, each given its blocks as (first column, block) pairs -------


def _write_calendar(placed, out, rows):
    terms = [(start, field, width) for start, block in placed for field, width in block.terms]
    encoder = placed[0][1].encoder
    _calendar_tables.write(
        terms, encoder, rows.instants, rows.zone, rows.missing, out, rows.n_threads
    )


DAYS_PER_YEAR = 365.25


def _write_trend(placed, out, rows):
    for start, block in placed:
        if not block.learnable:
            out[:, start] = 0.0
            continue
        # Days since 1970 on each side, in float64: no unit conversion can wrap. Then
        # years: a human scale, so a linear model or a kernel needs no rescaling.
        origin = since_epoch(np.asarray(block.origin), "D")
        out[:, start] = (since_epoch(rows.instants, "D") - origin) / DAYS_PER_YEAR


def _write_periods(placed, out, rows):
    for start, block in placed:
        seconds = np.nan_to_num(since_epoch(rows.instants, "s"))
        features = np.empty((rows.instants.size, block.width))
        for k, period in enumerate(block.seconds):
            # fmod first: the angle keeps its precision for epochs of 1.7e9 seconds.
            angle = 2 * np.pi * np.fmod(seconds, period) / period
            features[:, 2 * k], features[:, 2 * k + 1] = np.sin(angle), np.cos(angle)
        out[:, start : start + block.width] = features


def _write_recency(placed, out, rows):
    for start, _ in placed:
        out[:, start : start + 2] = _recency.recency(
            rows.groups, rows.instants, rows.missing, rows.history
        )


def _write_missing(placed, out, rows):
    for start, _ in placed:
        out[:, start] = rows.missing


_WRITERS = {
    "calendar": _write_calendar,
    "trend": _write_trend,
    "periods": _write_periods,
    "recency": _write_recency,
    "missing": _write_missing,
}


# --- a column's layout ----------------------------------------------------------------


@dataclass(frozen=True)
class ColumnLayout:
    """A datetime column's blocks in output order, and the value of missing rows."""

    blocks: tuple
    missing_value: float = 0.0

    @property
    def width(self):
        return sum(block.width for block in self.blocks)

    def placed(self):
        """``(first column, block)`` pairs, columns counted from the column's first."""
        starts = np.cumsum([0] + [block.width for block in self.blocks[:-1]])
        return [(int(start), block) for start, block in zip(starts, self.blocks, strict=True)]

    def names(self, prefix):
        return [name for block in self.blocks for name in block.names(prefix)]

    def write(self, out, rows):
        """Fill ``out``, this column's ``width`` output columns, for ``rows``."""
        placed = self.placed()
        for kind, of_kind in groupby(placed, key=lambda pair: pair[1].kind):
            _WRITERS[kind](list(of_kind), out, rows)
        if rows.missing.any():
            for start, stop in _spans(placed):
                out[rows.missing, start:stop] = self.missing_value


def _spans(placed):
    """The column ranges of blocks that blank missing rows, adjacent ones merged."""
    spans = []
    for start, block in placed:
        if not block.blanks_missing:
            continue
        if spans and spans[-1][1] == start:
            spans[-1][1] = start + block.width
        else:
            spans.append([start, start + block.width])
    return spans


def column_layout(
    fields,
    *,
    encoder,
    combine,
    origin,
    trend_learnable=True,
    period_seconds,
    recency,
    missing_indicator,
    missing_value,
):
    """The :class:`ColumnLayout` of a datetime column.

    ``fields`` are (field, width) pairs and ``encoder`` their
    :class:`~sk_seqembed._temporal_encodings.FieldEncoder`; ``origin`` is the trend's
    origin, None for no trend; ``period_seconds`` may be empty.
    """
    if combine == "sum":
        blocks = [FieldSum(tuple(fields), encoder)]
    else:
        blocks = [Field(field, width, encoder) for field, width in fields]
    if origin is not None:
        blocks.append(Trend(origin, trend_learnable))
    if period_seconds.size:
        blocks.append(Periods(period_seconds))
    if recency:
        blocks.append(Recency())
    if missing_indicator:
        blocks.append(MissingIndicator())
    return ColumnLayout(tuple(blocks), missing_value)
