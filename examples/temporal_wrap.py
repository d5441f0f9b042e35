"""
Calendar features that wrap: 23:59 beside 00:00, Sunday beside Monday, 31 Dec beside 1 Jan
==========================================================================================

``TemporalEmbedder`` reads each calendar field as a phase around its cycle: the hour of
the day (continuous, to the second), the day of the week, the day of the year (over 365
or 366 days). ``method="cyclical"`` encodes the phase as a sin/cos pair, a point on a
circle, so the end of a cycle meets its start; ``method="spline"`` uses periodic
B-splines, which wrap too. GluonTS's ``method="timefeature"`` scales the field to
[-0.5, 0.5] instead, the encoding Informer-style models use: it does not wrap, and the
last minute of a day sits as far as possible from the first minute of the next one.

What to look for in the figure, one column per cycle (day, week, year):

- top: the sin/cos pair traces a circle; the points just before and just after the
  boundary (ringed) are neighbours on it;
- middle: the features along time, across the boundary (dotted line): the sin/cos pair
  runs through it smoothly while the timefeature value (black) jumps from +0.5 to -0.5;
- bottom: the periodic B-splines across the same boundary: each bump that leaves on one
  side comes back on the other, no jump. (Weekday, like every field of a day or longer,
  steps once a day, hence the stairs.)

The printed table gives, for each cycle and method, the distance between the feature
vectors of the two sides of the boundary, next to the distance between two neighbours
in the middle of the cycle: equal for the wrapping methods, far larger for timefeature
(whose hour is GluonTS's whole hour, ``hour / 23 - 0.5``).

Run: ``python examples/temporal_wrap.py`` (needs matplotlib: ``pip install
"sk_seqembed[examples]"``). ``--quick`` samples time more coarsely; ``--output DIR`` sets
where ``temporal_wrap.png`` is written.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only, no window
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sk_seqembed import TemporalEmbedder

# Each cycle: its field, the number of B-splines around it, the two instants on either
# side of its boundary (and how to label them), two neighbours in mid-cycle, and the
# window of time drawn across the boundary, sampled every `step` (full, quick).
CYCLES = {
    "day": dict(
        field="hour",
        splines=6,
        boundary=("2024-03-04 23:59", "2024-03-05 00:00"),
        label="%H:%M",
        middle=("2024-03-04 11:59", "2024-03-04 12:00"),
        window=("2024-03-04 12:00", "2024-03-05 12:00"),
        step=("5min", "1h"),
    ),
    "week": dict(
        field="weekday",
        splines=7,  # one per day: the field steps once a day
        boundary=("2024-03-10 23:59", "2024-03-11 00:00"),  # Sunday, then Monday
        label="%a %H:%M",
        middle=("2024-03-06 23:59", "2024-03-07 00:00"),  # Wednesday, then Thursday
        window=("2024-03-07", "2024-03-14 23:59"),
        step=("1h", "6h"),
    ),
    "year": dict(
        field="dayofyear",
        splines=6,
        boundary=("2024-12-31 23:59", "2025-01-01 00:00"),  # 2024 has 366 days
        label="%d %b",
        middle=("2024-06-30 23:59", "2024-07-01 00:00"),
        window=("2024-07-02", "2025-06-30"),
        step=("1D", "7D"),
    ),
}
METHODS = ["cyclical", "spline", "timefeature"]


def embed(times, field, method, embedding_dim=None):
    """The features of one calendar field of ``times``."""
    if embedding_dim is None:
        embedding_dim = 1 if method == "timefeature" else 2  # no powers, one sin/cos pair
    embedder = TemporalEmbedder(embedding_dim, method=method, features=[field])
    return embedder.fit_transform(pd.DataFrame({"when": pd.to_datetime(times)}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="coarser sampling, for CI")
    parser.add_argument("--output", type=Path, default=Path("."), help="folder for the PNG")
    args = parser.parse_args(argv)

    fig, axes = plt.subplots(3, 3, figsize=(14, 11), layout="constrained")
    rows = []
    for column, (cycle, spec) in enumerate(CYCLES.items()):
        field = spec["field"]
        step = spec["step"][1 if args.quick else 0]
        window = pd.date_range(*spec["window"], freq=step)
        boundary = pd.to_datetime(list(spec["boundary"]))

        for method in METHODS:
            width = spec["splines"] if method == "spline" else None
            across = embed(list(spec["boundary"]), field, method, width)
            within = embed(list(spec["middle"]), field, method, width)
            rows.append(
                {
                    "cycle": cycle,
                    "method": method,
                    "across the boundary": np.linalg.norm(across[1] - across[0]),
                    "mid-cycle neighbours": np.linalg.norm(within[1] - within[0]),
                }
            )

        # Top: the circle, points coloured by time along the window.
        circle_ax = axes[0, column]
        pair = embed(window, field, "cyclical")
        phase = (window - window[0]) / (window[-1] - window[0])
        circle_ax.scatter(
            pair[:, 1], pair[:, 0], c=phase, cmap="twilight", s=40 if cycle == "week" else 12
        )
        ends = embed(boundary, field, "cyclical")
        circle_ax.scatter(ends[:, 1], ends[:, 0], s=200, facecolor="none", edgecolor="red")
        for (cos, sin), when, side in zip(ends[:, ::-1], boundary, (-1, 1), strict=True):
            # Labels inside the circle, the earlier instant below the later one.
            circle_ax.annotate(
                when.strftime(spec["label"]),
                (cos, sin),
                xytext=(-22 * cos, -22 * sin + 10 * side),
                textcoords="offset points",
                ha="right",
                va="center",
                color="red",
            )
        circle_ax.set(
            aspect="equal",
            xlim=(-1.3, 1.3),
            ylim=(-1.3, 1.3),
            xlabel=f"{field}_cos1",
            ylabel=f"{field}_sin1",
            title=f'{cycle.capitalize()}: "{field}", cyclical',
        )

        # Middle: sin, cos and the timefeature value along time, across the boundary.
        line_ax = axes[1, column]
        line_ax.plot(window, pair[:, 0], label="sin1 (cyclical)")
        line_ax.plot(window, pair[:, 1], label="cos1 (cyclical)")
        scaled = embed(window, field, "timefeature")
        line_ax.plot(window, scaled[:, 0], color="black", lw=2, label="tf0 (timefeature)")
        line_ax.axvline(boundary[1], color="red", ls=":")
        line_ax.set(
            ylim=(-1.15, 1.15), ylabel="feature value", title=f"{field}: across the boundary"
        )
        line_ax.legend(loc="lower left", fontsize="small")

        # Bottom: the periodic B-splines along the same window.
        spline_ax = axes[2, column]
        splines = embed(window, field, "spline", spec["splines"])
        spline_ax.plot(window, splines)
        spline_ax.axvline(boundary[1], color="red", ls=":")
        spline_ax.set(
            ylabel="feature value",
            title=f"{field}: spline, embedding_dim={spec['splines']}",
        )
        for ax in (line_ax, spline_ax):
            locator = mdates.AutoDateLocator(maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))

    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / "temporal_wrap.png"
    fig.savefig(path, dpi=70)
    plt.close(fig)

    table = pd.DataFrame(rows).set_index(["cycle", "method"])
    print("distance between the feature vectors of two neighbouring instants:")
    print(table.round(3).to_string())
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
