"""Recency within event sequences: time since each group's previous event and since its
first one, as ``sign(x) * log1p(|x|)`` of seconds.

A chunk of a larger table (a dask partition) may hold the middle of a group: its
:class:`History` tells, per group, the last instant before the chunk and the first
instant of all, so the counts run on across chunks. :func:`histories` is the one place
that decides what came before a chunk.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _groups
from ._wall_clock import since_epoch


@dataclass(frozen=True)
class History:
    """What came before a chunk, per group code of the chunk (seconds since 1970).

    Attributes
    ----------
    last_before : ndarray of float64
        The group's last present instant in earlier chunks; NaN if none.
    first : ndarray of float64
        The group's first present instant in the whole table.
    """

    last_before: np.ndarray
    first: np.ndarray


def chunk_bounds(codes, n_groups, instants, missing):
    """Each group's first and last present instant in one chunk (NaN if none).

    ``codes`` number the chunk's groups ``0 .. n_groups - 1``
    (:func:`sk_seqembed._groups.group_table`).
    """
    present = np.flatnonzero(~missing)
    seconds = since_epoch(instants[present], "s")
    first = np.full(n_groups, np.nan)
    last = np.full(n_groups, np.nan)
    groups = codes[present]
    # Each group's first and last present row: a scatter per code, no sort.
    rows = np.arange(groups.size)
    first_row = np.full(n_groups, groups.size)
    np.minimum.at(first_row, groups, rows)
    last_row = np.full(n_groups, -1)
    np.maximum.at(last_row, groups, rows)
    seen = last_row >= 0
    first[seen] = seconds[first_row[seen]]
    last[seen] = seconds[last_row[seen]]
    return first, last


def histories(statistics, n_columns, names=None):
    """Per chunk, per datetime column, the :class:`History` of the chunk's groups.

    ``statistics`` holds, per chunk in order, its group keys and, per column, the
    :func:`chunk_bounds` of its groups.
    """
    bounds, codes = _groups.across_chunks(statistics, names)
    per_column = []
    for c in range(n_columns):
        first = pd.Series(np.concatenate([chunk[c][0] for _, chunk in statistics]))
        last = pd.Series(np.concatenate([chunk[c][1] for _, chunk in statistics]))
        previous = last.groupby(codes).shift().groupby(codes).ffill().to_numpy()
        start = first.groupby(codes).transform("first").to_numpy()
        per_column.append((previous, start))
    return [
        [History(previous[a:b], start[a:b]) for previous, start in per_column]
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    ]


def merge_histories(statistics, n_columns, names=None):
    """One ``(keys, per-column bounds)`` statistic for several chunks in order: each
    group's first and last present instant over all of them (the fitted history)."""
    _, codes = _groups.across_chunks(statistics, names)
    keys = pd.concat([_groups.as_key_frame(keys) for keys, _ in statistics], ignore_index=True)
    _, firsts = np.unique(codes, return_index=True)
    columns = []
    for c in range(n_columns):
        first = pd.Series(np.concatenate([chunk[c][0] for _, chunk in statistics]))
        last = pd.Series(np.concatenate([chunk[c][1] for _, chunk in statistics]))
        # first() and last() skip NaN: a group's present instants only.
        columns.append(
            (
                first.groupby(codes).first().to_numpy(np.float64),
                last.groupby(codes).last().to_numpy(np.float64),
            )
        )
    return _groups.key_state(keys.iloc[firsts].reset_index(drop=True)), columns


def recency(groups, instants, missing, history=None):
    """Signed log1p seconds since the group's previous event and its first one.

    Rows are read in order within each group (``groups``: one code per row); missing
    rows get zeros. ``history`` (the :class:`History` of the codes of ``groups``)
    continues the counts of groups begun before.
    """
    out = np.zeros((instants.size, 2))
    present = np.flatnonzero(~missing)
    if present.size == 0:
        return out
    groups = groups[present]
    seconds = since_epoch(instants[present], "s")
    order = _groups.stable_order(groups, int(groups.max()) + 1)
    ordered_groups, ordered_seconds = groups[order], seconds[order]
    starts_group = np.r_[True, ordered_groups[1:] != ordered_groups[:-1]]
    previous = np.r_[ordered_seconds[:1], ordered_seconds[:-1]]
    first_of_group = np.maximum.accumulate(np.where(starts_group, np.arange(order.size), 0))
    group_start = ordered_seconds[first_of_group]
    if history is not None:
        earlier = history.last_before[ordered_groups]
        start = history.first[ordered_groups]
        # A group's first row here follows its last row in an earlier chunk, if any.
        follows = starts_group & ~np.isnan(earlier)
        previous = np.where(follows, earlier, previous)
        starts_group &= ~follows
        group_start = start
    since_previous = np.where(starts_group, 0.0, ordered_seconds - previous)
    since_start = ordered_seconds - group_start
    both = np.column_stack([since_previous, since_start])
    out[present[order]] = np.sign(both) * np.log1p(np.abs(both))
    return out
