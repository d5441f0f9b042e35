"""
The as-of rule: fit on the past of an event table, then serve its next events
=============================================================================

A row's sequence features (its position in its session, the time since the session's
previous event) may depend only on that row and the earlier rows of its session. What
``fit`` saw is history: ``transform`` of later rows continues each known session from
it, new sessions start at 0, and appending later rows never changes an earlier row's
features. A serving loop predicts the next events, observes them (``observe``) and
predicts the following ones, with the same features as one batch over the whole table.

What the script checks and prints:

- positions of the test rows equal pandas' ``groupby().cumcount()`` over the whole
  table, and recency equals ``groupby().diff()`` (written out), without the test rows
  ever seeing a later row;
- the same pipeline with ``history="ignore"`` (positions restart in the test frame):
  how far its positions are off;
- a serving loop, one event at a time with ``observe``, predicts exactly what the batch
  prediction on the whole test frame predicts.

What to look for in the figure: top, the last events fit saw (grey) and the first
events transformed later (colour) of three sessions, each labelled with its position:
the later events count on from the fitted ones. Bottom, the position feature of the test rows
with the fitted history (on pandas' cumcount line) and without it (restarting at 0).

Run: ``python examples/as_of_serving.py`` (needs matplotlib: ``pip install
"sk_seqembed[examples]"``). ``--quick`` uses a smaller log; ``--output DIR`` sets where
``as_of_serving.png`` is written.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only, no window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from sk_seqembed import (
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
    observe,
)
from sk_seqembed.datasets import make_event_log


def recipe(history="continue"):
    """Item vectors, the position in the session and recency, for a Ridge model."""
    return make_pipeline(
        make_sequence_embedder(
            value="item",
            position="sequence_id",
            temporal=["timestamp", "sequence_id"],
            value_embedder=ValueEmbedder(8, random_state=0),
            position_embedder=PositionEmbedder(8, method="decay", history=history),
            temporal_embedder=TemporalEmbedder(
                features=["hour", "weekday"], group_columns="sequence_id", history=history
            ),
        ),
        Ridge(),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller log, for CI")
    parser.add_argument("--output", type=Path, default=Path("."), help="folder for the PNG")
    args = parser.parse_args(argv)

    X, y, _ = make_event_log(n_sequences=60 if args.quick else 300, random_state=0)
    X = X[["sequence_id", "item", "timestamp"]]
    # Sessions interleaved in time order; each session's last 20 % of events are the
    # future to predict, the rest the past a model is fitted on.
    order = np.argsort(X["timestamp"].to_numpy(), kind="stable")
    X, y = X.iloc[order].reset_index(drop=True), np.asarray(y)[order]
    rank = X.groupby("sequence_id").cumcount().to_numpy()
    size = X.groupby("sequence_id")["item"].transform("size").to_numpy()
    is_future = rank >= np.ceil(0.8 * size)
    X = pd.concat([X[~is_future], X[is_future]], ignore_index=True)
    y = np.concatenate([y[~is_future], y[is_future]])
    k = int((~is_future).sum())
    past, future = X.iloc[:k], X.iloc[k:]

    # Positions and recency of the future rows against pandas over the whole table.
    position = PositionEmbedder(method="scalar").fit(past[["sequence_id"]])
    got = position.transform(future[["sequence_id"]])[:, 0]
    cumcount = X.groupby("sequence_id").cumcount().to_numpy()[k:]
    restarted = PositionEmbedder(method="scalar", history="ignore").fit(past[["sequence_id"]])
    restart = restarted.transform(future[["sequence_id"]])[:, 0]
    recency = TemporalEmbedder(features=["hour"], group_columns="sequence_id")
    recency.fit(past[["timestamp", "sequence_id"]])
    since_previous = recency.transform(future[["timestamp", "sequence_id"]])[:, -2]
    gap = X.groupby("sequence_id")["timestamp"].diff().dt.total_seconds().fillna(0)
    expected_gap = np.sign(gap) * np.log1p(np.abs(gap))

    # Batch prediction of the future against a serving loop, one event at a time.
    model = recipe().fit(past, y[:k])
    batch = model.predict(future)
    served = recipe().fit(past, y[:k])
    n_served = 40 if args.quick else 200
    one_by_one = []
    for i in range(n_served):
        event = future.iloc[[i]]
        one_by_one.append(served.predict(event)[0])
        observe(served, event)  # the event happened: it is history now
    ignoring = recipe("ignore").fit(past, y[:k]).predict(future)

    fig, (timeline, feature) = plt.subplots(2, 1, figsize=(10, 7.5))
    # Three sessions: the last past events and the first future ones of each, merged
    # in time order (x), so that they interleave as in the table.
    counts = X.groupby("sequence_id").cumcount()
    shown = X["sequence_id"].value_counts().index[:3]
    picked = []
    for session in shown:
        rows = X.index[X["sequence_id"] == session]
        picked += [i for i in rows if i < k][-5:] + [i for i in rows if i >= k][:5]
    picked = sorted(picked, key=lambda i: X.at[i, "timestamp"])
    for x, i in enumerate(picked):
        row = list(shown).index(X.at[i, "sequence_id"])
        colour = "0.75" if i < k else f"C{row}"
        timeline.scatter(x, row, s=330, color=colour, zorder=2)
        timeline.annotate(str(counts[i]), (x, row), ha="center", va="center", fontsize=8)
    timeline.set(
        yticks=range(len(shown)),
        yticklabels=[f"session {s}" for s in shown],
        xticks=[],
        xlabel="events in time order",
        ylim=(-0.7, len(shown) - 0.2),
        title="Position of each event (grey: rows fit saw; colour: rows transformed later)",
    )
    session = shown[0]
    mask = future["sequence_id"].to_numpy() == session
    feature.plot(cumcount[mask], "k-", label="pandas cumcount over the whole table")
    feature.plot(got[mask], "o", color="C0", label='PositionEmbedder(history="continue")')
    feature.plot(restart[mask], "s", color="C3", label='history="ignore": restarts at 0')
    feature.set(
        xlabel=f"later rows of session {session}",
        ylabel="position",
        title="Positions of the transformed rows",
    )
    feature.legend()
    fig.tight_layout()
    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / "as_of_serving.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)

    print(f"event log: {len(X)} rows; fit on the first {k}, transform the next {len(future)}")
    print(f"positions equal pandas cumcount: {np.array_equal(got, cumcount)}")
    print(f"recency equals pandas diff: {np.allclose(since_previous, expected_gap[k:])}")
    print(
        f'history="ignore": {int(np.sum(restart != cumcount))} of {len(future)} positions '
        f"wrong, off by {np.mean(np.abs(restart - cumcount)):.1f} on average"
    )
    print(
        f"serving loop of {n_served} events equals the batch prediction: "
        f"{np.allclose(one_by_one, batch[:n_served])}"
    )
    rmse = np.sqrt(np.mean((batch - y[k:]) ** 2))
    rmse_ignoring = np.sqrt(np.mean((ignoring - y[k:]) ** 2))
    print(f"test RMSE with history {rmse:.3f}, restarting positions {rmse_ignoring:.3f}")
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
