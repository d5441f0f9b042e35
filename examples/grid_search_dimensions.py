"""
How many dimensions does a token embedding need? A grid search answers it
=========================================================================

``make_sequence_embedder`` names its steps ``value``, ``position`` and ``temporal``, so
``GridSearchCV`` reaches the value embedder's parameters as
``columntransformer__value__embedding_dim`` and ``columntransformer__value__method``.
The regressor is a ridge regression, which can only use what the features make linear;
the folds are ``TimeSeriesSplit`` folds, each trained on the past and tested on the
following days, since the rows of ``make_event_log`` are in time order.

The item's effect on the target comes from one of 10 planted clusters of items. Three
ways to embed the 500 items are compared at widths 1 to 64:

- ``random``: a seeded random vector per item. It knows nothing, so a linear model gains
  little from it until the vectors are wide enough to tell hundreds of items apart;
- ``cooccurrence``: learned from which items occur near each other in a session (PPMI
  + SVD), without the target. Its vectors separate the clusters once there are about as
  many dimensions as clusters;
- ``target``: each item's cross-fitted distribution of the target, so even one
  dimension carries most of the item effect.

What to look for in the figure: the mean test R² (error bars: standard deviation over
the folds) rising with the width, fast for ``target``, in a step around 8 for
``cooccurrence``, slowly for ``random``; the dashed line is the noise ceiling, the best
R² any model can reach. (At width 1 the co-occurrence vectors, scaled to unit length,
are all the same number, so that point scores like a model without the item.)

Run: ``python examples/grid_search_dimensions.py`` (needs matplotlib: ``pip install
"sk_seqembed[examples]"``). ``--quick`` runs a smaller version; ``--output DIR`` sets
where ``grid_search_dimensions.png`` is written.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only, no window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sk_seqembed import (
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)
from sk_seqembed.datasets import make_event_log

METHODS = ["random", "cooccurrence", "target"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller search, for CI")
    parser.add_argument("--output", type=Path, default=Path("."), help="folder for the PNG")
    args = parser.parse_args(argv)

    X, y, truth = make_event_log(n_sequences=60 if args.quick else 300, random_state=0)
    dims = [2, 8] if args.quick else [1, 2, 4, 8, 16, 32, 64]
    cv = TimeSeriesSplit(n_splits=3 if args.quick else 5)

    embedder = make_sequence_embedder(
        # cooccurrence reads the items in session order, so it also gets the session key.
        value=["sequence_id", "item"],
        position="sequence_id",
        temporal="timestamp",
        value_embedder=ValueEmbedder(group_columns="sequence_id", random_state=0),
        # Features a linear model can use: decay scales for the saturating position
        # effect, one sin/cos pair for the hour, and a weekend flag.
        position_embedder=PositionEmbedder(8, method="decay"),
        temporal_embedder=TemporalEmbedder(features=["hour", "weekend"]),
    )
    search = GridSearchCV(
        make_pipeline(embedder, RidgeCV()),
        {
            "columntransformer__value__method": METHODS,
            "columntransformer__value__embedding_dim": dims,
        },
        cv=cv,
        scoring="r2",
    )
    search.fit(X, y)

    results = pd.DataFrame(
        {
            "method": search.cv_results_["param_columntransformer__value__method"],
            "dim": search.cv_results_["param_columntransformer__value__embedding_dim"],
            "mean": search.cv_results_["mean_test_score"],
            "std": search.cv_results_["std_test_score"],
        }
    ).astype({"dim": int, "mean": float, "std": float})
    noise = truth.components["noise"]
    ceiling = np.mean(
        [1 - noise.iloc[test].var() / y.iloc[test].var() for _, test in cv.split(X)]
    )

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    for method, marker in zip(METHODS, "osD", strict=True):
        scores = results[results["method"] == method].sort_values("dim")
        ax.errorbar(
            scores["dim"],
            scores["mean"],
            yerr=scores["std"],
            marker=marker,
            capsize=3,
            label=method,
        )
    ax.axhline(ceiling, color="black", ls="--", lw=1, label="noise ceiling")
    best = search.best_params_
    ax.set(
        xscale="log",
        xticks=dims,
        xticklabels=[str(dim) for dim in dims],
        xlabel="columntransformer__value__embedding_dim",
        ylabel=f"mean test R² over {cv.get_n_splits()} TimeSeriesSplit folds",
        title=(
            f"Best: {best['columntransformer__value__method']}, "
            f"d={best['columntransformer__value__embedding_dim']} "
            f"(R² {search.best_score_:.3f})"
        ),
    )
    ax.minorticks_off()
    ax.legend(title="value embedding", loc="center right")

    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / "grid_search_dimensions.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)

    table = results.pivot(index="dim", columns="method", values="mean")[METHODS]
    print(f"{len(X):,} events; mean test R2 over {cv.get_n_splits()} TimeSeriesSplit folds:")
    print(table.round(3).to_string())
    print(f"best: {best} (R2 {search.best_score_:.3f}); noise ceiling {ceiling:.3f}")
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
