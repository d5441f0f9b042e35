"""Throughput of PositionEmbedder against its peers and a bare numpy memory write.

1,000,000 rows in 1,000-row groups, contiguous and shuffled, d in {16, 64}, float64
(sinusoidal, within groups). Timed in the same run:

- ``bare write``: ``np.copyto`` of the output's bytes into a preallocated array;
  ``fresh write`` also allocates the array, as every ``transform`` must;
- ``pandas``: ``groupby().cumcount()`` then numpy ``sin``/``cos`` of every entry;
- ``seed loop``: the seed note's double Python loop filling the table (20,000 rows,
  extrapolated), then a lookup per row.

Peak memory of our transform (tracemalloc) is reported as a multiple of the output.

Run: ``python benchmarks/bench_position.py`` (``--quick`` for 100,000 rows).
"""

import argparse

import numpy as np
import pandas as pd
from _timing import against_floor_columns, against_write_floors, best_time, peak_memory

from sk_seqembed import PositionEmbedder


def pandas_peer(X, dim, base=10000.0):
    positions = X.groupby("group").cumcount().to_numpy()
    rates = base ** (-2.0 * (np.arange(dim) // 2) / dim)
    angles = positions[:, None] * rates
    out = np.empty((len(X), dim))
    out[:, 0::2] = np.sin(angles[:, 0::2])
    out[:, 1::2] = np.cos(angles[:, 1::2])
    return out


def seed_loop(n_rows, dim, base=10000.0):
    """The seed note's loops (with the paired exponent), then one lookup per row."""
    table = np.zeros((n_rows, dim))
    for pos in range(n_rows):
        for i in range(dim):
            angle = pos / base ** (2 * (i // 2) / dim)
            table[pos, i] = np.sin(angle) if i % 2 == 0 else np.cos(angle)
    return [table[pos] for pos in range(n_rows)]


def measure(X, layout, dim):
    n_rows = len(X)
    embedder = PositionEmbedder(dim).fit(X)
    ours, bare, fresh, out = against_write_floors(lambda: embedder.transform(X))
    peak = peak_memory(lambda: embedder.transform(X))
    peer, expected = best_time(lambda: pandas_peer(X, dim), repeat=3)
    np.testing.assert_allclose(out, expected, atol=1e-9)
    subset = 20_000
    seed, _ = best_time(lambda: seed_loop(subset, dim), repeat=1)
    seed *= n_rows / subset
    return {
        "groups": layout,
        "d": dim,
        **against_floor_columns(ours, bare, fresh, n_rows),
        "pandas ns/row": 1e9 * peer / n_rows,
        "x pandas": ours / peer,
        "seed loop ns/row": 1e9 * seed / n_rows,
        "peak mem / output": peak / out.nbytes,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    args = parser.parse_args()
    n_rows = 100_000 if args.quick else 1_000_000
    groups = np.repeat(np.arange(n_rows // 1000), 1000)
    layouts = {
        "contiguous": pd.DataFrame({"group": groups}),
        "shuffled": pd.DataFrame({"group": np.random.default_rng(0).permutation(groups)}),
    }
    print(f"{n_rows:,} rows in 1,000-row groups, sinusoidal, float64\n")
    rows = []
    for layout, X in layouts.items():
        for dim in (16, 64):
            rows.append(measure(X, layout, dim))
            print(f"  {layout} d={dim}: {rows[-1]['x bare write']:.2f}x bare write")
    print("\n" + pd.DataFrame(rows).round(2).to_string(index=False))


if __name__ == "__main__":
    main()
