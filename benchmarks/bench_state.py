"""Speed and memory of the fitted sequence state (issue 14).

Transform with state: a table of 2,000,000 rows in order; each embedder is fitted on
its first 1,000,000 rows and transforms the next 1,000,000, whose rows continue the
groups fit saw (``history="continue"``, the default). Timed in the same run, on the
same 1,000,000 rows:

- ``bare write``: ``np.copyto`` of the output's bytes into a preallocated array;
  ``fresh write`` also allocates the array, as every ``transform`` must;
- ``no state``: the same embedder with ``history="ignore"`` (every transform counts
  within its own frame, as before issue 14).

Estimators: ``PositionEmbedder(16)`` (sinusoidal, within groups, float64) on an int64
group key, and ``TemporalEmbedder`` with ``group_columns`` (the fields of
``bench_temporal.py``: month, day, weekday, hour and minute, one sin/cos pair each,
plus recency: log seconds since the group's previous row and since its first; 12
columns) on minute timestamps in time order over 3 years. Groups: 1,000 (contiguous
runs, for positions only, or shuffled: interleaved) and 100,000 (shuffled). Every
output is checked against ``fit_transform`` of the whole table (its last 1,000,000
rows). The issue's target: transform with state within 2.5x the bare write.

The first and second halves have the same row count, so each transform also computes
the replay fingerprint (hashes of every row) to tell it from the fitted table; the
``row count differs`` rows fit on one row fewer, which skips it, to show its cost. (A
second half holding the same key rows as the first, in any order, would have the
fitted table's fingerprint and be read as a replay: the contiguous layout's second half
begins one group later.)

State memory: ``history_`` of each embedder fitted on a table of 10,000, 100,000 and
1,000,000 groups (two rows each), int64 keys and 10-character string keys: the
``nbytes`` of its key arrays (a missing flag, the key, and the rest below a microsecond
for datetimes; strings as fixed-width unicode) and of its statistics.

Run: ``python benchmarks/bench_state.py`` (``--quick``: 100,000 rows, up to 100,000
groups).
"""

import argparse
import time

import numpy as np
import pandas as pd
from _timing import against_floor_columns, against_write_floors, best_time

from sk_seqembed import PositionEmbedder, TemporalEmbedder

FIELDS = ["month", "day", "weekday", "hour", "minute"]
TARGET = 2.5


def group_keys(n_rows, n_groups, layout, rng):
    """Group ids of a table of ``n_rows``: contiguous runs, or shuffled."""
    if layout == "contiguous":
        # Each half: one run per group; the second half begins one group later (group 0
        # ends, group n_groups is new), so its key rows differ from the fitted ones.
        run = n_rows // 2 // n_groups
        first = np.repeat(np.arange(n_groups), run)
        return np.concatenate([first, first + 1])
    return rng.permutation(np.repeat(np.arange(n_groups), n_rows // n_groups))


def minute_stamps(n_rows, rng):
    """Sorted minute timestamps over 3 years (the table is in time order)."""
    start = np.datetime64("2021-01-01T00:00", "m").astype(np.int64)
    minutes = np.sort(start + rng.integers(0, 3 * 365 * 1440, size=n_rows))
    return minutes.astype("datetime64[m]").astype("datetime64[s]")


def position_embedder(history="continue"):
    return PositionEmbedder(16, history=history)


def temporal_embedder(history="continue"):
    return TemporalEmbedder(features=FIELDS, group_columns=["group"], history=history)


def measure(make, X, label, skip_replay=False):
    """Transform of the second half after fit on the first, against the floors."""
    half = len(X) // 2
    first, second = X.iloc[1 if skip_replay else 0 : half], X.iloc[half:]
    n_rows = len(second)
    embedder = make().fit(first)
    ours, bare, fresh, out = against_write_floors(lambda: embedder.transform(second))
    without = make(history="ignore").fit(first)
    plain, _ = best_time(lambda: without.transform(second), repeat=9)
    expected = make().fit_transform(X.iloc[1 if skip_replay else 0 :])[-n_rows:]
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)
    return {
        "estimator": type(embedder).__name__,
        "groups": label + (", row count differs" if skip_replay else ""),
        "columns": out.shape[1],
        **against_floor_columns(ours, bare, fresh, n_rows),
        "no state ns/row": 1e9 * plain / n_rows,
        "x no state": ours / plain,
    }


def speed(n_rows, rng):
    total = 2 * n_rows
    when = minute_stamps(total, rng)
    tables = {}
    for n_groups, layout in ((1_000, "contiguous"), (1_000, "shuffled"), (100_000, "shuffled")):
        if n_groups > n_rows // 2:
            continue
        groups = group_keys(total, n_groups, layout, rng)
        tables[f"{n_groups:,} {layout}"] = pd.DataFrame({"group": groups})
    rows = []
    for label, X in tables.items():
        rows.append(measure(position_embedder, X, label))
        print(f"  PositionEmbedder {label}: {rows[-1]['x bare write']:.2f}x bare write")
    rows.append(measure(position_embedder, tables["1,000 shuffled"], "1,000 shuffled", True))
    for label, X in tables.items():
        if "contiguous" in label:
            continue  # groups interleave in a table in time order
        rows.append(measure(temporal_embedder, X.assign(when=when)[["when", "group"]], label))
        print(f"  TemporalEmbedder {label}: {rows[-1]['x bare write']:.2f}x bare write")
    return pd.DataFrame(rows)


def state_bytes(history):
    """The bytes of a ``history_``: its key arrays (strings as fixed-width unicode) and
    its statistics."""
    keys, rest = history
    arrays = [rest] if isinstance(rest, np.ndarray) else [a for pair in rest for a in pair]
    return sum(values.nbytes for values in keys.values()) + sum(a.nbytes for a in arrays)


def memory(group_counts, rng):
    rows = []
    for n_groups in group_counts:
        ids = rng.permutation(np.repeat(np.arange(n_groups), 2))
        keys = {"int64": ids, "str": pd.Series(ids).map("{:010d}".format).astype("str")}
        when = minute_stamps(ids.size, rng)
        for kind, key in keys.items():
            X = pd.DataFrame({"when": when, "group": key})
            for name, embedder, columns in (
                ("PositionEmbedder", position_embedder(), ["group"]),
                ("TemporalEmbedder", temporal_embedder(), ["when", "group"]),
            ):
                start = time.perf_counter()
                embedder.fit(X[columns])
                seconds = time.perf_counter() - start
                n_bytes = state_bytes(embedder.history_)
                rows.append(
                    {
                        "estimator": name,
                        "keys": kind,
                        "groups": n_groups,
                        "state MiB": n_bytes / 2**20,
                        "bytes/group": n_bytes / n_groups,
                        "fit s": seconds,
                    }
                )
    return pd.DataFrame(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n_rows = 100_000 if args.quick else 1_000_000
    started = time.perf_counter()
    print(f"transform with state: fit on {n_rows:,} rows, transform the next {n_rows:,}\n")
    table = speed(n_rows, rng)
    print("\n" + table.round(2).to_string(index=False))
    worst = table.loc[table["x bare write"].idxmax()]
    met = worst["x bare write"] <= TARGET
    print(
        f"\n{'[met]    ' if met else '[NOT met]'} transform with state within {TARGET}x "
        f"the bare write: worst {worst['x bare write']:.2f}x ({worst['estimator']}, "
        f"{worst['groups']})"
    )
    counts = (10_000, 100_000) if args.quick else (10_000, 100_000, 1_000_000)
    print("\nstate memory: history_ after fit on two rows per group\n")
    print(memory(counts, rng).round(2).to_string(index=False))
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
