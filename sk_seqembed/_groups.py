"""Group keys: the columns that say which sequence a row belongs to.

Any column kind can be a key (tokens, floats, datetimes); several key columns combine
into one group per distinct combination. A missing key value is a key value of its own,
so rows with a missing key form one group.
"""

import weakref
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _blocks, _columns, _kept, _tokens

_KEY_KINDS = (
    _columns.INTEGER,
    _columns.STRING,
    _columns.BOOLEAN,
    _columns.FLOAT,
    _columns.DATETIME,
    _columns.NULL,
)


def group_codes(X, columns):
    """One non-negative int64 group code per row for the key ``columns`` of ``X``.

    Equal key combinations get equal codes (their order carries no meaning).
    """
    return _combine(
        [_key_codes(_columns.read_column(X, j, arrow_strings=True)) for j in columns]
    )


def _key_codes(column):
    """Non-negative codes, equal for equal keys; 0 for a missing key."""
    _columns.check_kind(column, _KEY_KINDS, what="group columns")
    if column.kind == _columns.NULL:
        return np.zeros(column.missing.size, dtype=np.int64)
    if _is_small_integer_range(column):
        # Integer keys in a small range are their own codes: no hashing.
        values = column.values.astype(np.int64, copy=False)
        # The span is small, so differences from the minimum never overflow int64.
        codes = (values - values.min()) + 1
        if column.missing.any():
            codes[column.missing] = 0
        return codes
    if column.kind == _columns.STRING:
        encoded = column.values.dictionary_encode()
        codes = encoded.indices.fill_null(-1).to_numpy().astype(np.int64)
    else:
        values = column.values
        if column.kind == _columns.DATETIME:
            values = values.view(np.int64)
        codes = pd.factorize(values)[0].astype(np.int64)
    codes[column.missing] = -1
    # Missing keys become code 0: one group of their own.
    return codes + 1


def positions_within_groups(X, columns, n_threads=None, *, with_length=True):
    """Each row's position in its group (earlier rows with the same key) and group size.

    Works on runs of equal consecutive keys, so contiguous groups cost O(n) with no
    hashing of every row; interleaved groups add a stable sort (a radix sort while there
    are at most 65,536 groups), in row blocks on ``n_threads`` threads. A single integer
    key in a small range is its own group code and skips the runs.

    Returns
    -------
    position, group_length : ndarrays of int64, shape (n_rows,)
        ``group_length`` is None when ``with_length`` is False (it costs a pass).
    """
    keys = [_columns.read_column(X, j, arrow_strings=True) for j in columns]
    for key in keys:
        _columns.check_kind(key, _KEY_KINDS, what="group columns")
    n_rows = X.shape[0]
    if n_rows == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64) if with_length else None
    if len(keys) == 1 and _is_small_integer_range(keys[0]):
        codes = _key_codes(keys[0])
        run_starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        if np.bincount(codes[run_starts]).max() > 1:
            # Some group spans several runs: interleaved groups.
            return _counted_positions(codes, int(codes.max()) + 1, n_threads, with_length)
        return _run_positions(run_starts, n_rows, with_length)
    starts_run = np.zeros(n_rows, dtype=bool)
    starts_run[0] = True
    for key in keys:
        starts_run[1:] |= _differs_from_previous(key)
    run_starts = np.flatnonzero(starts_run)
    run_lengths = np.diff(np.append(run_starts, n_rows))
    run_groups = _combine([_key_codes(_take(key, run_starts)) for key in keys])
    runs_per_group = np.bincount(run_groups)
    if runs_per_group.max() == 1:
        # Every group is one run: contiguous groups.
        return _run_positions(run_starts, n_rows, with_length)
    offset_in_run = np.arange(n_rows) - np.repeat(run_starts, run_lengths)
    if 2 * run_starts.size > n_rows:
        # Mostly interleaved: count per row, as runs would save little.
        codes = np.repeat(run_groups, run_lengths)
        return _counted_positions(codes, runs_per_group.size, n_threads, with_length)
    # Stable sort of runs by group; a 16-bit key lets numpy use its radix sort.
    order = stable_order(run_groups, runs_per_group.size)
    group_length = np.bincount(run_groups, weights=run_lengths).astype(np.int64)
    # Rows of the same group in earlier runs: a running total over the sorted runs,
    # less the rows of all groups sorted before this one.
    sorted_lengths = run_lengths[order]
    rows_before_run = np.empty(run_starts.size, dtype=np.int64)
    rows_before_run[order] = (
        np.cumsum(sorted_lengths)
        - sorted_lengths
        - (np.cumsum(group_length) - group_length)[run_groups[order]]
    )
    position = np.repeat(rows_before_run, run_lengths) + offset_in_run
    if not with_length:
        return position, None
    return position, np.repeat(group_length[run_groups], run_lengths)


def _run_positions(run_starts, n_rows, with_length):
    """Positions and sizes when every group is one run of consecutive rows."""
    run_lengths = np.diff(np.append(run_starts, n_rows))
    position = np.arange(n_rows) - np.repeat(run_starts, run_lengths)
    return position, np.repeat(run_lengths, run_lengths) if with_length else None


def _counted_positions(codes, n_codes, n_threads, with_length):
    """Positions and group sizes from per-row codes.

    Each row block ranks its rows within their groups (a stable sort); blocks after the
    first then add the rows their groups had in earlier blocks.
    """
    position = np.empty(codes.size, dtype=np.int64)
    block_counts = {}

    def rank(start, stop):
        block = codes[start:stop]
        order = stable_order(block, n_codes)
        counts = np.bincount(block, minlength=n_codes)
        first_row = np.cumsum(counts) - counts
        position[start + order] = np.arange(stop - start) - first_row[block[order]]
        block_counts[start] = counts

    _blocks.run_in_blocks(codes.size, rank, n_threads)
    starts = sorted(block_counts)
    earlier = np.zeros(n_codes, dtype=np.int64)
    for start, stop in zip(starts, starts[1:] + [codes.size], strict=True):
        if start:
            position[start:stop] += earlier[codes[start:stop]]
        earlier += block_counts[start]
    return position, earlier[codes] if with_length else None


def stable_order(codes, n_codes):
    """A stable argsort of non-negative ``codes`` below ``n_codes``."""
    if n_codes > 2**32:
        return np.argsort(codes, kind="stable")
    # Below 2**16 codes a uint16 key makes numpy's stable sort a radix sort: O(n).
    low = np.argsort(codes.astype(np.uint16), kind="stable")
    if n_codes <= 2**16:
        return low
    # Below 2**32: two radix passes, low 16 bits then high (an LSD radix sort), about
    # 1.5x faster than numpy's merge sort of int64.
    high = (codes[low] >> 16).astype(np.uint16)
    return low[np.argsort(high, kind="stable")]


def _is_small_integer_range(column):
    if column.kind not in (_columns.INTEGER, _columns.BOOLEAN) or not column.values.size:
        return False
    span = int(column.values.max()) - int(column.values.min())
    return span < 4 * column.values.size + 1024


def _combine(codes_per_column):
    codes = codes_per_column[0]
    for column_codes in codes_per_column[1:]:
        # Mixed radix, then renumbered, so the product never outgrows int64.
        combined = codes * (int(column_codes.max(initial=0)) + 1) + column_codes
        codes = pd.factorize(combined)[0].astype(np.int64)
    return codes


def _take(column, rows):
    """The column restricted to ``rows``."""
    values = column.values
    values = values.take(pa.array(rows)) if isinstance(values, pa.Array) else values[rows]
    return replace(column, values=values, missing=column.missing[rows])


def _differs_from_previous(column):
    """Whether each row's key differs from the row before (missing equals missing)."""
    values, missing = column.values, column.missing
    if isinstance(values, pa.Array):
        differs = pc.not_equal(values.slice(1), values.slice(0, len(values) - 1))
        differs = differs.fill_null(True).to_numpy(zero_copy_only=False)
    else:
        if column.kind == _columns.DATETIME:
            values = values.view(np.int64)
        differs = values[1:] != values[:-1]
    both_missing = missing[1:] & missing[:-1]
    return np.where(both_missing, False, differs | (missing[1:] != missing[:-1]))


# --- keys across chunks ---------------------------------------------------------------


def group_table(X, columns):
    """Group codes by first appearance, and the distinct keys as comparable rows.

    Unlike :func:`group_codes`, the keys come back as a DataFrame whose rows compare equal
    across frames (missing keys as a flag beside a placeholder), so statistics of chunks
    of one table (dask partitions, a fitted history) can be matched group by group.

    Returns
    -------
    codes : ndarray of int64, shape (n_rows,)
        Group ``k`` is the ``k``-th distinct key to appear.
    keys : DataFrame
        One row per group, in code order.
    """
    codes, keys = group_keys(X, columns)
    return codes, pd.DataFrame(keys)


def group_keys(X, columns):
    """:func:`group_table` with the keys as a dict of columns (no DataFrame built)."""
    columns = list(columns)
    keys = [_columns.read_column(X, j, arrow_strings=True) for j in columns]
    for key in keys:
        _columns.check_kind(key, _KEY_KINDS, what="group columns")
    if X.shape[0] == 1:
        # One served event: one group (what the codes below would find, at a tenth).
        codes = firsts = np.zeros(1, dtype=np.int64)
    else:
        # The fast codes of group_codes, renumbered by first appearance; only the first
        # row of each group is turned into comparable values.
        codes, firsts = _by_first_appearance(_combine([_key_codes(key) for key in keys]))
    frame = {}
    for j, key in zip(columns, keys, strict=True):
        first = _take(key, firsts)
        frame[f"missing{j}"] = first.missing
        frame[f"key{j}"], frame[f"sub{j}"] = _comparable_values(first)
    return codes, frame


def rows_in_history(history_keys, keys):
    """Each group of ``keys`` (a :func:`group_keys` dict) as its row in a fitted
    history's keys (:func:`key_state`), -1 for a group the history lacks.

    Returns None where this lookup does not apply: missing or sub-microsecond keys in
    ``keys``, or a key column of another type than the history's. The caller then
    merges the tables with :func:`across_chunks`, which also words the errors.
    """
    if set(keys) != set(history_keys):
        return None
    names = sorted(name for name in keys if name.startswith("key"))
    queries = []
    for name in names:
        j = name[3:]
        if keys["missing" + j].any() or np.any(keys["sub" + j]):
            return None
        values, fitted = keys[name], history_keys[name]
        if isinstance(values, pd.api.extensions.ExtensionArray):
            if fitted.dtype.kind != "U":
                return None
            values = values.to_numpy(dtype=object)
        elif values.dtype != fitted.dtype:
            return None
        queries.append(values)
    index = _history_index(history_keys, names)
    if index is None:
        return None
    find, rows = index
    found = find(queries)
    # -1 (not found) takes the appended -1.
    return np.append(rows, -1).take(np.where(found < 0, -1, found))


# Lookups of the last few histories, by the identity of the arrays they index: serving
# one event after another pays no rebuild. Entries hold weak references only, and go
# when the history's arrays do (a refitted model does not keep the old one alive).
_HISTORY_INDEXES = _kept.Kept(8)


def _history_index(history_keys, names):
    """A function finding keys among the history's present keys (no missing part,
    whole microseconds), and the history row of each of its entries; None for a
    history whose present keys are not distinct (strings that differ only by trailing
    NULs, which fixed-width storage drops)."""
    arrays = [
        history_keys[kind + name[3:]] for name in names for kind in ("key", "missing", "sub")
    ]
    key = tuple(id(array) for array in arrays)

    def build():
        found = _build_history_index(history_keys, names)
        weakref.finalize(arrays[0], _HISTORY_INDEXES.discard, key)
        return [weakref.ref(array) for array in arrays], found

    references, found = _HISTORY_INDEXES.get(key, build)
    if any(
        reference() is not array for reference, array in zip(references, arrays, strict=True)
    ):
        # Arrays of a freed history whose identities were reused: build anew.
        _HISTORY_INDEXES.discard(key)
        references, found = _HISTORY_INDEXES.get(key, build)
    return found


def _build_history_index(history_keys, names):
    plain = np.ones(len(history_keys[names[0]]), dtype=bool)
    for name in names:
        j = name[3:]
        if np.any(history_keys["sub" + j][~history_keys["missing" + j]]):
            # Booleans or sub-microsecond times in the history: the merge decides
            # (booleans meeting numbers are refused there).
            return None
        plain &= ~history_keys["missing" + j]
    rows = np.flatnonzero(plain)
    arrays = [
        history_keys[name][rows].astype(object)
        if history_keys[name].dtype.kind == "U"
        else history_keys[name][rows]
        for name in names
    ]
    if len(arrays) == 1 and arrays[0].dtype == np.int64:
        # Integer keys (the usual ids): the token lookup's dense table or hash index.
        order = np.argsort(arrays[0], kind="stable")
        ordered = arrays[0][order]
        if np.any(ordered[1:] == ordered[:-1]):
            return None
        lookup = _tokens.TokenLookup(ordered, _columns.INTEGER)
        rows = rows[order]

        def find(queries):
            missing = np.zeros(queries[0].size, dtype=bool)
            return lookup.codes(_tokens.TokenColumn("", _columns.INTEGER, queries[0], missing))

    elif len(arrays) == 1:
        index = pd.Index(arrays[0])

        def find(queries):
            return index.get_indexer(queries[0])

    else:
        index = pd.MultiIndex.from_arrays(arrays)

        def find(queries):
            return index.get_indexer(pd.MultiIndex.from_arrays(queries))

    if len(arrays) > 1 or arrays[0].dtype != np.int64:
        if not index.is_unique:
            return None
    return find, rows


def _by_first_appearance(codes):
    """Codes renumbered 0, 1, ... in order of first appearance, and each group's first
    row. Codes are non-negative and at most a few times the row count (every
    ``_key_codes`` path), so a table indexed by code replaces hashing."""
    n_rows = codes.size
    first = np.full(int(codes.max(initial=0)) + 1, n_rows, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n_rows, dtype=np.int64))
    present = np.flatnonzero(first < n_rows)
    present = present[np.argsort(first[present], kind="stable")]
    rank = np.empty(first.size, dtype=np.int64)
    rank[present] = np.arange(present.size)
    return rank[codes], first[present]


def positions_of_codes(codes, n_groups, n_threads=None):
    """Each row's position among the rows of its group code (codes in ``0..n_groups``)."""
    if codes.size <= 1:
        return np.zeros(codes.size, np.int64)
    return _counted_positions(codes, n_groups, n_threads, with_length=False)[0]


def key_frame(X, columns):
    """The key ``columns`` of every row of ``X`` as comparable values (see
    :func:`group_table`): a DataFrame of ``missing{j}`` flags and ``key{j}`` values."""
    frame = {}
    for j in columns:
        column = _columns.read_column(X, j, arrow_strings=True)
        _columns.check_kind(column, _KEY_KINDS, what="group columns")
        frame[f"missing{j}"] = column.missing
        frame[f"key{j}"], frame[f"sub{j}"] = _comparable_values(column)
    return pd.DataFrame(frame)


def key_state(keys):
    """A keys frame as a dict of numpy arrays (strings as fixed-width unicode), the
    form a fitted history keeps: it serialises everywhere (skops too), unlike a
    DataFrame or arrow arrays."""
    return {
        name: np.asarray(values.to_numpy(), dtype=str)
        if isinstance(values.dtype, pd.ArrowDtype)
        else values.to_numpy()
        for name, values in keys.items()
    }


def as_key_frame(keys):
    """A keys frame from :func:`key_state`'s dict (or a frame, returned as it is)."""
    if isinstance(keys, pd.DataFrame):
        return keys
    return pd.DataFrame(
        {
            name: pd.arrays.ArrowExtensionArray(pa.array(values, type=pa.large_string()))
            if values.dtype.kind == "U"
            else values
            for name, values in keys.items()
        }
    )


# The second key array tells apart the kinds of key the first cannot (see
# _comparable_values): 0 for numbers (and strings), BOOLEAN_MARK for booleans, and
# -(2 + the rest below a microsecond) for datetimes.
BOOLEAN_MARK = -1


def _comparable_values(column):
    """Key values with missing entries replaced by a placeholder of the same type, and
    a second int64 array that tells apart keys the first one merges.

    Datetimes are compared as whole microseconds since 1970, whatever their unit
    (polars and pandas may read one instant in different units; nanoseconds would
    overflow beyond 1677-2262), with the rest below a microsecond, in attoseconds, in
    the second array as ``-(2 + rest)``. It is ``BOOLEAN_MARK`` for booleans and 0 for
    every other kind, so no boolean or instant equals a number (across_chunks refuses
    a column mixing them).
    """
    n_rows = column.missing.size
    finer = np.zeros(n_rows, dtype=np.int64)
    if column.kind == _columns.NULL:
        return np.zeros(n_rows, dtype=np.int64), finer
    if column.kind == _columns.STRING:
        return pd.arrays.ArrowExtensionArray(pc.fill_null(column.values, "")), finer
    values = column.values
    if column.kind == _columns.DATETIME:
        values = np.where(column.missing, np.zeros(1, values.dtype), values)
        values, rest = _as_microseconds(values)
        finer = -2 - rest
    elif column.kind == _columns.BOOLEAN:
        values = values.astype(np.int64)
        finer = np.full(n_rows, BOOLEAN_MARK, dtype=np.int64)
    # +0.0 makes -0.0 and 0.0 one key, as pandas' factorize does.
    values = np.where(column.missing, 0, values) + (0.0 if column.kind == _columns.FLOAT else 0)
    return values, finer


def across_chunks(tables, names=None):
    """Stack the per-chunk ``(keys, statistics)`` tables with each group's overall code.

    ``names``: the estimator's input column names (``key{j}`` is column ``names[j]``),
    for errors.

    Returns
    -------
    chunk_bounds : ndarray of int
        Rows ``chunk_bounds[i]:chunk_bounds[i + 1]`` of the stack are chunk ``i``'s groups.
    codes : ndarray of int64
        The overall group of each stacked row, numbered by first appearance.

    Raises
    ------
    ValueError
        If one key column holds strings in one chunk and other values in another (a
        history fitted on string keys and a transform input of numbers): no key could
        ever continue, so it is refused rather than read as all-new groups.
    """
    frames = [as_key_frame(keys) for keys, _ in tables]
    sizes = [len(keys) for keys in frames]
    keys = pd.concat(frames, ignore_index=True)
    for name in keys.columns[keys.columns.str.startswith("key")]:
        if keys[name].dtype == object:
            # Chunks read the column as different kinds (an all-missing chunk has no
            # kind): their placeholders differ, so missing keys become one None.
            present = ~keys["missing" + name[3:]].to_numpy()
            keys[name] = keys[name].where(present, None)
            _check_one_kind(keys[name][present], name[3:], names)
        _check_one_marked_kind(keys, name[3:], names)
    grouped = keys.groupby(list(keys.columns), sort=False, dropna=False)
    codes = grouped.ngroup().to_numpy(np.int64)
    return np.cumsum([0] + sizes), codes


def _check_one_marked_kind(keys, j, names):
    """Refuse a key column whose present keys are numbers, booleans or datetimes in some
    chunks and another of them in others, as pandas refuses one column mixing them."""
    present = ~keys["missing" + j].to_numpy()
    sub = keys["sub" + j].to_numpy()[present]
    kinds = [
        kind
        for kind, rows in (
            ("numbers", sub == 0),
            ("booleans", sub == BOOLEAN_MARK),
            ("datetimes", sub < BOOLEAN_MARK),
        )
        if rows.any()
    ]
    if len(kinds) < 2:
        return
    column = names[int(j)] if names is not None else f"number {j}"
    raise ValueError(
        f"Group column {column!r} holds {kinds[0]} in one part of the data and "
        f"{kinds[1]} in another (a fitted history and a transform input, or two "
        "partitions): no key of one kind equals a key of the other (True would silently "
        "continue the group of 1, an instant the group of its microseconds since 1970). "
        f"Give the column one type everywhere, e.g. X[{column!r}].astype(int) before fit "
        "and transform."
    )


def _check_one_kind(values, j, names):
    """Refuse a key column whose present values are strings in some chunks and numbers
    (or datetimes) in others."""
    is_string = values.map(type).eq(str).to_numpy()
    if is_string.all() or not is_string.any():
        return
    column = names[int(j)] if names is not None else f"number {j}"
    text = values[is_string].iloc[0]
    other = values[~is_string].iloc[0]
    raise ValueError(
        f"Group column {column!r} holds strings in one part of the data and numbers or "
        f"datetimes in another (e.g. {text!r} and {other!r}; a fitted history and a "
        "transform input, or two partitions): a string key never equals a numeric one, "
        "so no group could continue. Give the column one type everywhere, e.g. "
        "X[column].astype(str) before fit and transform."
    )


_TICKS_PER_MICROSECOND = {"ns": 1000, "ps": 10**6, "fs": 10**9, "as": 10**12}
_MICROSECONDS_PER_TICK = {"us": 1, "ms": 10**3, "s": 10**6, "m": 6 * 10**7, "h": 36 * 10**8}


def _as_microseconds(values):
    """datetime64 values as whole microseconds since 1970 (finer units floored), and
    the remainder below a microsecond in attoseconds."""
    unit = np.datetime_data(values.dtype)[0]
    ticks = values.view(np.int64)
    if unit in _TICKS_PER_MICROSECOND:
        per_microsecond = _TICKS_PER_MICROSECOND[unit]
        whole, rest = np.divmod(ticks, per_microsecond)
        return whole, rest * (10**12 // per_microsecond)
    finer = np.zeros(ticks.size, dtype=np.int64)
    if unit in _MICROSECONDS_PER_TICK:
        return ticks * _MICROSECONDS_PER_TICK[unit], finer
    # Days and longer (weeks, months, years): their first day.
    return values.astype("datetime64[D]").view(np.int64) * 86_400_000_000, finer
