"""HistoryEmbedder: speed against hand-made pandas features, and what it buys.

Speed, in one run at 1,000,000 rows (100,000 groups, interleaved; 5,000 tokens): the
features a practitioner writes with pandas, the shrunk mean of each group's earlier
targets and the mean of its earlier token vectors
(``groupby().shift()`` then an expanding mean: ``groupby().cumsum()`` less the row,
over ``cumcount()``), against ``HistoryEmbedder(mean=True, half_lives=(), last=0,
repeats=False)``, which outputs the same columns plus the token's ordered target mean
(checked equal to pandas on the shared columns). Both as ``fit_transform(X, y)``; and
``transform`` of the next 1,000,000 rows (continuing the groups), against the bare
write of its output.

Accuracy on ``make_event_log(taste=1.0)`` (each session has a planted taste shared by
its events): each session's last 20 % of rows are the test rows (continuing
sequences), the rest train; Ridge and HistGB. Compared:

- the embedding pipeline of ``bench_accuracy`` (value + position + temporal);
- the same plus hand-made pandas features: each session's shrunk mean of its earlier
  training targets (test rows get the session's training mean: their own targets are
  unknown);
- the same plus ``HistoryEmbedder`` (group = session; its target statistics continue
  from the training rows).

The flights comparison is the main job (``python -m sk_seqembed``).

Run: ``python benchmarks/bench_history.py`` (``--quick``: 200,000 rows).
"""

import argparse
import time

import numpy as np
import pandas as pd
from _timing import against_floor_columns, against_write_floors, best_time
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_seqembed import HistoryEmbedder, PositionEmbedder, TemporalEmbedder, ValueEmbedder
from sk_seqembed.datasets import make_event_log

SMOOTHING = 10.0


def speed_table(n_rows, rng):
    X = pd.DataFrame(
        {
            "item": rng.integers(0, 5_000, 2 * n_rows),
            "g": rng.integers(0, max(n_rows // 10, 1), 2 * n_rows),
        }
    )
    y = rng.normal(size=2 * n_rows)
    return X, y


def embedder():
    return HistoryEmbedder(
        group_columns="g",
        mean=True,
        half_lives=(),
        last=0,
        repeats=False,
        smoothing=SMOOTHING,
        random_state=0,
    )


def pandas_features(X, y, vectors):
    """Shrunk mean of earlier targets and mean of earlier vectors, per group."""
    frame = pd.DataFrame(vectors).assign(y=y)
    groups = frame.groupby(X["g"].to_numpy(), sort=False)
    n_before = groups.cumcount().to_numpy()
    earlier = groups.cumsum().to_numpy() - frame.to_numpy()
    target = (earlier[:, -1] + SMOOTHING * y.mean()) / (n_before + SMOOTHING)
    means = earlier[:, :-1] / np.maximum(n_before, 1)[:, None]
    return np.column_stack([np.log1p(n_before), means, target])


def speed(n_rows, rng):
    X, y = speed_table(n_rows, rng)
    first, second = X.iloc[:n_rows], X.iloc[n_rows:]
    fitted = embedder().fit(first, y[:n_rows])
    vectors = fitted.value_embedder_.transform(first)
    ours_fit, out = best_time(lambda: embedder().fit_transform(first, y[:n_rows]), repeat=3)
    theirs_fit, reference = best_time(
        lambda: pandas_features(first, y[:n_rows], vectors), repeat=3
    )
    names = list(fitted.get_feature_names_out())
    shared = [names.index(name) for name in names if name != "item_target_mean"]
    np.testing.assert_allclose(out[:, shared], reference, atol=1e-9)
    ours, bare, fresh, _ = against_write_floors(lambda: fitted.transform(second), repeat=3)
    rows = [
        {
            "what": "fit_transform(X, y)",
            "columns": out.shape[1],
            "ours ns/row": 1e9 * ours_fit / n_rows,
            "pandas ns/row": 1e9 * theirs_fit / n_rows,
            "x pandas": ours_fit / theirs_fit,
        },
        {
            "what": "transform (continuing)",
            "columns": out.shape[1],
            **against_floor_columns(ours, bare, fresh, n_rows),
        },
    ]
    return pd.DataFrame(rows)


def calendar(X):
    when = X["timestamp"].dt
    return np.column_stack([when.hour, when.day_of_week])


def session_means(X_train, y_train, X_test):
    """Hand-made: each session's shrunk mean of its earlier training targets; test rows
    get the session's mean over all its training rows."""
    prior = y_train.mean()
    groups = pd.Series(y_train).groupby(X_train["sequence_id"].to_numpy())
    n_before = groups.cumcount().to_numpy()
    earlier = groups.cumsum().to_numpy() - y_train
    train = (earlier + SMOOTHING * prior) / (n_before + SMOOTHING)
    totals = groups.agg(["sum", "count"])
    mean = (totals["sum"] + SMOOTHING * prior) / (totals["count"] + SMOOTHING)
    test = X_test["sequence_id"].map(mean).fillna(prior).to_numpy()
    return train, test


def pipeline(model, history):
    parts = [
        ("value", ValueEmbedder(8, method="target", random_state=0), ["item"]),
        ("position", PositionEmbedder(8), ["sequence_id"]),
        ("temporal", TemporalEmbedder(4, features=["hour", "weekday"]), ["timestamp"]),
    ]
    if history == "ours":
        parts.append(
            (
                "history",
                HistoryEmbedder(group_columns="sequence_id", random_state=0),
                ["item", "sequence_id"],
            )
        )
    if history == "pandas":
        parts.append(("session_mean", "passthrough", ["session_mean"]))
    return make_pipeline(ColumnTransformer(parts), model)


def accuracy(n_sequences):
    X, y, _ = make_event_log(n_sequences=n_sequences, taste=1.0, random_state=0)
    y = y.to_numpy()
    # Continuing sequences: each session's last 20 % of rows are the test rows.
    sessions = X.groupby("sequence_id", sort=False)
    position = sessions.cumcount().to_numpy()
    length = sessions["item"].transform("size").to_numpy()
    is_test = position >= np.ceil(0.8 * length)
    X_train, X_test = X[~is_test], X[is_test]
    y_train, y_test = y[~is_test], y[is_test]
    train_means, test_means = session_means(X_train, y_train, X_test)
    X_train = X_train.assign(session_mean=train_means)
    X_test = X_test.assign(session_mean=test_means)
    models = {
        "Ridge": lambda: make_pipeline(StandardScaler(), Ridge(1.0)),
        "HistGB": lambda: HistGradientBoostingRegressor(max_iter=200, random_state=0),
    }
    rows = []
    for model_name, make_model in models.items():
        for history in ("none", "pandas", "ours"):
            model = pipeline(make_model(), history)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            rows.append(
                {
                    "model": model_name,
                    "history features": {
                        "none": "none (value + position + temporal)",
                        "pandas": "+ hand-made pandas session mean",
                        "ours": "+ HistoryEmbedder",
                    }[history],
                    "test R2": r2_score(y_test, model.predict(X_test)),
                    "fit s": seconds,
                }
            )
    return pd.DataFrame(rows), len(X)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200,000 rows")
    args = parser.parse_args()
    started = time.perf_counter()
    n_rows = 200_000 if args.quick else 1_000_000
    print(f"speed: {n_rows:,} rows, {n_rows // 10:,} groups (interleaved), 5,000 tokens\n")
    print(speed(n_rows, np.random.default_rng(0)).round(2).to_string(index=False))
    table, n_events = accuracy(300 if args.quick else 1000)
    print(
        f"\naccuracy: make_event_log(taste=1.0), {n_events:,} events; test: each "
        "session's last 20 % of rows\n"
    )
    print(table.round(3).to_string(index=False))
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
