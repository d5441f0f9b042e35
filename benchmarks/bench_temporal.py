"""Throughput of TemporalEmbedder against its peers and a bare numpy memory write.

1,000,000 timestamps at minute resolution over 3 years; fields month, day, weekday,
hour and minute, one sin/cos pair each (10 columns); naive and America/New_York. Timed
in the same run:

- ``bare write``: ``np.copyto`` of the output's bytes into a preallocated array;
- ``pandas``: ``.dt`` fields, then numpy ``sin``/``cos``;
- skrub ``DatetimeEncoder(periodic_encoding="circular")`` and feature-engine
  ``DatetimeFeatures`` + ``CyclicalFeatures``, when installed
  (``pip install "sk_seqembed[bench]"``).

Run: ``python benchmarks/bench_temporal.py`` (``--quick`` for 100,000 rows).
"""

import argparse
import warnings

import numpy as np
import pandas as pd
from _timing import against_floor_columns, against_write_floors, best_time, peak_memory

from sk_seqembed import TemporalEmbedder

FIELDS = ["month", "day", "weekday", "hour", "minute"]


def minute_stamps(n_rows, rng):
    start = np.datetime64("2021-01-01T00:00", "m").astype(np.int64)
    minutes = start + rng.integers(0, 3 * 365 * 1440, size=n_rows)
    return pd.Series(minutes.astype("datetime64[m]").astype("datetime64[s]"), name="when")


def pandas_peer(when):
    dt = when.dt
    values = {
        "month": (dt.month - 1, 12),
        "day": (dt.day - 1, dt.days_in_month),
        "weekday": (dt.day_of_week, 7),
        "hour": (dt.hour * 60 + dt.minute, 1440),
        "minute": (dt.minute, 60),
    }
    out = np.empty((len(when), 2 * len(values)))
    for k, (value, period) in enumerate(values.values()):
        angle = 2 * np.pi * np.asarray(value / period, dtype=float)
        out[:, 2 * k], out[:, 2 * k + 1] = np.sin(angle), np.cos(angle)
    return out


def peers(frame):
    """Peer transforms on the same frame, by name (those installed)."""
    found = {"pandas .dt + numpy": lambda: pandas_peer(frame["when"])}
    try:
        from skrub import DatetimeEncoder

        encoder = DatetimeEncoder(resolution="minute", periodic_encoding="circular")
        encoder.fit(frame["when"])
        found["skrub DatetimeEncoder(circular)"] = lambda: encoder.transform(frame["when"])
    except ImportError:
        print("skrub not installed: pip install 'sk_seqembed[bench]'")
    try:
        from feature_engine.creation import CyclicalFeatures
        from feature_engine.datetime import DatetimeFeatures
        from sklearn.pipeline import make_pipeline

        engine = make_pipeline(
            DatetimeFeatures(
                features_to_extract=["month", "day_of_month", "day_of_week", "hour", "minute"]
            ),
            CyclicalFeatures(drop_original=True),
        ).fit(frame)
        found["feature-engine Datetime+Cyclical"] = lambda: engine.transform(frame)
    except ImportError:
        print("feature-engine not installed: pip install 'sk_seqembed[bench]'")
    return found


def measure(frame, label):
    n_rows = len(frame)
    embedder = TemporalEmbedder(features=FIELDS).fit(frame)
    ours, bare, fresh, out = against_write_floors(lambda: embedder.transform(frame))
    peak = peak_memory(lambda: embedder.transform(frame))
    row = {
        "timestamps": label,
        **against_floor_columns(ours, bare, fresh, n_rows),
        "peak mem / output": peak / out.nbytes,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, peer in peers(frame).items():
            seconds, _ = best_time(peer, repeat=3)
            row[f"{name} ns/row"] = 1e9 * seconds / n_rows
            row[f"{name} / ours"] = seconds / ours
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    args = parser.parse_args()
    n_rows = 100_000 if args.quick else 1_000_000
    when = minute_stamps(n_rows, np.random.default_rng(0))
    aware = when.dt.tz_localize(
        "America/New_York", nonexistent="shift_forward", ambiguous=False
    )
    print(f"{n_rows:,} minute timestamps over 3 years, 5 fields, one sin/cos pair each\n")
    rows = [measure(when.to_frame(), "naive"), measure(aware.to_frame(), "America/New_York")]
    table = pd.DataFrame(rows).set_index("timestamps").T
    print(table.round(2).to_string())


if __name__ == "__main__":
    main()
