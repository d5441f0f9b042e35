"""
Quickstart: value, position and temporal embeddings of an event log, in one pipeline
====================================================================================

``make_event_log`` generates interleaved sessions of items whose target adds up five
planted parts: an effect of the item's latent cluster, of the event's position in its
session, of the local time of day, of weekends, and Gaussian noise. No model can predict
the noise, so ``1 - var(noise) / var(y)`` on the test rows is the best R² possible: the
noise ceiling.

``make_sequence_embedder`` puts the three embedders side by side in a
``ColumnTransformer``: a target embedding of ``item``, sinusoidal positions within each
``sequence_id``, and wrapping hour-of-day and weekday features of ``timestamp``. A
gradient-boosted regressor is trained on the first 80 % of the log and scored on the last
20 % (rows are in time order, so this is a forecast of the following days).

What to look for in the figure: on the left, predictions against the truth on the test
rows, with the R² close to the noise ceiling; on the right, the model's average prediction
as the clock turns over a day (every test row moved to each time of day, nothing else
changed) against the planted time-of-day effect: the learned curve follows the planted one
and joins up at midnight.

Run: ``python examples/quickstart.py`` (needs matplotlib: ``pip install
"sk_seqembed[examples]"``). ``--quick`` runs a smaller version; ``--output DIR`` sets where
``quickstart.png`` is written.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only, no window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sk_seqembed import (
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)
from sk_seqembed.datasets import make_event_log


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller data, for CI")
    parser.add_argument("--output", type=Path, default=Path("."), help="folder for the PNG")
    args = parser.parse_args(argv)

    X, y, truth = make_event_log(n_sequences=80 if args.quick else 300, random_state=0)
    # Rows are sorted by time: train on the past, test on the days that follow. Positions
    # are counted on the rows each step sees, so a session cut by the split (one or two
    # here) restarts at position 0 in the test rows.
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, shuffle=False)
    noise = truth.components["noise"].iloc[len(X_train) :]
    ceiling = 1 - noise.var() / y_test.var()

    model = make_pipeline(
        make_sequence_embedder(
            value="item",
            position="sequence_id",
            temporal="timestamp",
            value_embedder=ValueEmbedder(8, method="target", random_state=0),
            position_embedder=PositionEmbedder(8),
            temporal_embedder=TemporalEmbedder(features=["hour", "weekday"]),
        ),
        HistGradientBoostingRegressor(random_state=0),
    )
    model.fit(X_train, y_train)
    predicted = model.predict(X_test)
    r2 = r2_score(y_test, predicted)

    # What the model learned about the time of day: move every test row to the same
    # clock time (same date, so weekday and position stay), and average the predictions.
    hours = np.arange(0, 24, 1.0 if args.quick else 0.25)
    midnight = X_test["timestamp"].dt.normalize()
    learned = np.array(
        [
            model.predict(X_test.assign(timestamp=midnight + pd.Timedelta(hours=h))).mean()
            for h in hours
        ]
    )
    planted = np.sin(2 * np.pi * hours / 24) + 0.5 * np.cos(2 * np.pi * hours / 24)
    learned_centred = learned - learned.mean()
    planted_centred = planted - planted.mean()
    curve_error = np.abs(learned_centred - planted_centred).max()
    # Drawn around the whole clock: 24:00 is 00:00 again.
    around = np.r_[np.arange(len(hours)), 0]
    clock = np.r_[hours, 24.0]

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    left.scatter(y_test, predicted, s=4, alpha=0.3, color="tab:blue", edgecolor="none")
    low, high = np.percentile(np.r_[y_test, predicted], [0.5, 99.5])
    left.plot([low, high], [low, high], color="black", lw=1)
    left.set(
        xlim=(low, high),
        ylim=(low, high),
        xlabel="true target",
        ylabel="predicted",
        title=f"{len(X_test):,} held-out events: R² {r2:.3f} (noise ceiling {ceiling:.3f})",
    )
    right.plot(clock, planted_centred[around], color="black", lw=2, label="planted effect")
    right.plot(
        clock, learned_centred[around], color="tab:orange", lw=2, label="model, averaged"
    )
    right.set(
        xlim=(0, 24),
        xticks=range(0, 25, 3),
        xlabel="local time of day (hours)",
        ylabel="effect on the target (centred)",
        title="Time of day: planted vs learned",
    )
    right.legend(loc="lower left")
    fig.suptitle("make_sequence_embedder + HistGradientBoostingRegressor on make_event_log")

    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / "quickstart.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)

    first, last = X_test["timestamp"].iloc[[0, -1]]
    print(f"{len(X_train):,} training events, {len(X_test):,} test events ({first} to {last})")
    print(f"test R2 = {r2:.3f}; noise ceiling = {ceiling:.3f}")
    print(f"time-of-day effect: largest gap between learned and planted = {curve_error:.3f}")
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
