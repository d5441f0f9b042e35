"""
History features: what each aircraft's earlier flights say about its next one
=============================================================================

``HistoryEmbedder`` summarises, for every row, the earlier rows of its sequence: the
mean and decayed means of their targets (ordered target statistics: a row never sees
its own target), how often its token came before, the vectors of earlier tokens. Here a
sequence is one aircraft (``tailnum``) of the bundled NYC flights table, the target is
the departure delay, and the tokens are the destinations.

What the script checks and prints:

- the ordered mean of each flight's earlier delays equals pandas' shifted expanding
  mean per aircraft (``groupby().shift().expanding().mean()``), shrunk toward the prior
  as the formula says;
- fitting on the first days and transforming the later ones gives the same features as
  one pass over the whole table (the sequence state continues);
- how much better the ordered mean and the 6-hour decayed mean track an aircraft's
  delays than the global mean (mean absolute error, later flights).

What to look for in the figure: one busy aircraft over a few days. Dots are its
flights' delays; the grey line is the shrunk mean of all its earlier delays, the orange
one the 6-hour decayed mean, which jumps after a late flight and fades overnight. Every
line at a flight uses only the flights before it.

Run: ``python examples/history_features.py`` (needs matplotlib: ``pip install
"sk_seqembed[examples]"``). ``--quick`` uses the first 20,000 flights; ``--output DIR``
sets where ``history_features.png`` is written.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only, no window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sk_seqembed import HistoryEmbedder
from sk_seqembed.datasets import load_flights

SMOOTHING = 2.0


def history_embedder():
    return HistoryEmbedder(
        group_columns="tailnum",
        time_column="sched_dep",
        mean=False,
        half_lives=(),
        time_half_lives=["6h"],
        last=0,
        smoothing=SMOOTHING,
        random_state=0,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer flights, for CI")
    parser.add_argument("--output", default="docs/images", help="folder of the figure")
    args = parser.parse_args(argv)

    flights = load_flights().frame.dropna(subset=["dep_delay", "tailnum"])
    flights = flights.head(20_000 if args.quick else 120_000).reset_index(drop=True)
    X = flights[["dest", "tailnum", "sched_dep"]]
    y = flights["dep_delay"].to_numpy()

    embedder = history_embedder().set_output(transform="pandas")
    features = embedder.fit_transform(X, y)
    prior = y.mean()

    # Reference: pandas' expanding mean of the aircraft's earlier delays, shrunk.
    earlier = pd.Series(y).groupby(flights["tailnum"])
    n_before = earlier.cumcount().to_numpy()
    sum_before = (earlier.cumsum() - y).to_numpy()
    expected = (sum_before + SMOOTHING * prior) / (n_before + SMOOTHING)
    gap = np.abs(features["target_mean"].to_numpy() - expected).max()
    print(f"ordered mean vs pandas' shifted expanding mean: largest difference {gap:.2e}")

    # The state continues: fit on the first 60 % of flights, transform the rest.
    k = int(0.6 * len(X))
    later = history_embedder().fit(X[:k]).transform(X[k:])
    whole = history_embedder().fit_transform(X)[k:]
    print(
        f"fit(first 60 %).transform(rest) vs one pass: largest difference "
        f"{np.abs(later - whole).max():.2e}"
    )

    test = slice(k, None)
    for name in ("target_mean", "target_decay21600s"):
        mae = np.abs(features[name].to_numpy()[test] - y[test]).mean()
        print(f"  MAE of {name:<20} on later flights: {mae:.2f} min")
    print(
        f"  MAE of the global mean{'':<10} on later flights: "
        f"{np.abs(prior - y[test]).mean():.2f} min"
    )

    busiest = flights["tailnum"].value_counts().index[0]
    rows = flights.index[flights["tailnum"] == busiest][:30]
    when = flights.loc[rows, "sched_dep"]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.scatter(when, y[rows], s=14, color="black", label="its flights' delays", zorder=3)
    ax.step(
        when,
        features.loc[rows, "target_mean"],
        where="post",
        color="grey",
        label="mean of earlier delays (shrunk)",
    )
    ax.step(
        when,
        features.loc[rows, "target_decay21600s"],
        where="post",
        color="tab:orange",
        label="6-hour decayed mean of earlier delays",
    )
    ax.set_ylabel("departure delay (min)")
    ax.set_title(f"Aircraft {busiest}: each line at a flight uses only earlier flights")
    ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    path = output / "history_features.png"
    fig.savefig(path, dpi=80)
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
