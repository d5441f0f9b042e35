"""Reading one column: our hand-written readers against narwhals, per backend and dtype.

Every estimator reads its columns through ``sk_seqembed._columns.read_column``, which
has one reader per backend (pandas, polars, numpy; pyarrow Tables arrive as pandas
frames of arrow dtypes). Issue 18 asked whether narwhals could do the dispatch instead.
This script reads 1,000,000 rows of each dtype both ways and reports, in one run:

- ``ours``: ``read_column`` (values, missing mask, zone);
- ``narwhals``: the shortest narwhals route to the same three things:
  ``nw.from_native(X).get_column(name)``, ``is_null().to_numpy()``, and values by
  ``fill_null(...).to_numpy()`` (numbers), ``.dt.convert_time_zone("UTC")
  .dt.replace_time_zone(None)`` then ``to_numpy()`` (aware datetimes) or ``to_arrow()``
  (strings);
- ``bare write``: ``np.copyto`` of the values' bytes, the floor of any read that copies;
- ``exact``: whether the narwhals read gives the same values, dtype and mask as ours
  (floats hold 1% NaN, which we read as missing: polars keeps NaN apart from null).

Run: ``python benchmarks/bench_readers.py`` (``--quick`` for 100,000 rows).
"""

import argparse

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
from _markdown import markdown_table
from _timing import best_time

from sk_seqembed import _columns


def frames(n_rows, rng):
    """One-column frames, per (backend, dtype), of the same values."""
    ints = rng.integers(-(2**40), 2**40, n_rows)
    nulls = rng.random(n_rows) < 0.05
    floats = rng.normal(size=n_rows)
    # NaN is a missing value to us; polars keeps it apart from null.
    floats[rng.random(n_rows) < 0.01] = np.nan
    words = np.array([f"w{i}" for i in range(5000)], dtype=object)[
        rng.integers(0, 5000, n_rows)
    ]
    instants = pd.Series(
        (rng.integers(0, 40 * 365 * 86_400, n_rows) * 10**9).view("datetime64[ns]")
    )
    aware = instants.dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    cases = {
        ("pandas", "int64"): pd.DataFrame({"a": ints}),
        ("pandas", "Int64 with nulls"): pd.DataFrame(
            {"a": pd.array(np.where(nulls, None, ints), dtype="Int64")}
        ),
        ("pandas", "float64"): pd.DataFrame({"a": floats}),
        ("pandas", "str"): pd.DataFrame({"a": pd.array(words, dtype="str")}),
        ("pandas", "datetime64[ns, Europe/Paris]"): pd.DataFrame({"a": aware}),
        ("pyarrow", "timestamp[ns, Europe/Paris]"): pa.table({"a": pa.array(aware)}),
        ("pyarrow", "int64 with nulls"): pa.table({"a": pa.array(ints, mask=nulls)}),
    }
    try:
        import polars as pl
    except ImportError:
        return cases
    cases.update(
        {
            ("polars", "Int64 with nulls"): pl.DataFrame(
                {"a": pl.Series(ints).scatter(np.flatnonzero(nulls), None)}
            ),
            ("polars", "Float64"): pl.DataFrame({"a": floats}),
            ("polars", "String"): pl.DataFrame({"a": words.astype(str)}),
            ("polars", "Datetime[ns, Europe/Paris]"): pl.from_pandas(
                pd.DataFrame({"a": aware})
            ),
        }
    )
    return cases


def ours(X):
    column = _columns.read_column(_columns.native_frame(X), 0, arrow_strings=True)
    return column.values, column.missing, column.tz


def through_narwhals(X):
    series = nw.from_native(X, eager_only=True).get_column("a")
    missing = series.is_null().to_numpy()
    dtype = series.dtype
    zone = getattr(dtype, "time_zone", None)
    if dtype == nw.String:
        return series.to_arrow(), missing, zone
    if zone is not None:
        series = series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    elif dtype.is_integer():
        series = series.fill_null(0)
    return series.to_numpy(), missing, zone


def same(a, b):
    """Whether two reads agree in values (and numpy dtype), mask and zone."""
    (values_a, missing_a, zone_a), (values_b, missing_b, zone_b) = a, b
    if not np.array_equal(missing_a, missing_b) or str(zone_a) != str(zone_b):
        return False
    if isinstance(values_a, pa.ChunkedArray | pa.Array):
        values_a = pa.chunked_array([values_a]) if isinstance(values_a, pa.Array) else values_a
        values_b = pa.chunked_array([values_b]) if isinstance(values_b, pa.Array) else values_b
        return values_a.cast(pa.large_string()).equals(values_b.cast(pa.large_string()))
    values_b = np.asarray(values_b)
    present = ~missing_a
    return values_a.dtype == values_b.dtype and np.array_equal(
        values_a[present], values_b[present], equal_nan=values_a.dtype.kind == "f"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_rows = 100_000 if args.quick else 1_000_000
    rng = np.random.default_rng(0)
    rows = []
    for (backend, dtype), X in frames(n_rows, rng).items():
        ours_time, ours_read = best_time(lambda X=X: ours(X))
        nw_time, nw_read = best_time(lambda X=X: through_narwhals(X))
        values = ours_read[0]
        nbytes = values.nbytes if hasattr(values, "nbytes") else 8 * n_rows
        source = np.ones(nbytes, dtype=np.uint8)
        target = np.empty_like(source)
        bare_time, _ = best_time(lambda s=source, t=target: np.copyto(t, s))
        rows.append(
            {
                "backend": backend,
                "dtype": dtype,
                "ours ms": f"{ours_time * 1e3:.2f}",
                "narwhals ms": f"{nw_time * 1e3:.2f}",
                "x narwhals": f"{ours_time / nw_time:.2f}",
                "x bare write": f"{ours_time / bare_time:.1f}",
                "exact": "yes" if same(ours_read, nw_read) else "no",
            }
        )
    print(f"reading one column of {n_rows:,} rows\n")
    print(pd.DataFrame(rows).to_string(index=False))
    print()
    print(
        markdown_table(
            pd.DataFrame(rows),
            right_aligned={"ours ms", "narwhals ms", "x narwhals", "x bare write"},
        )
    )


if __name__ == "__main__":
    main()
