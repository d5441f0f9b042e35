"""
Adding embeddings (Informer's way) or placing them side by side: EmbeddingSum
=============================================================================

Informer and the Transformer add a value, a positional and a temporal embedding of one
common width ``d``: the model sees ``d`` numbers per row however many parts there are.
``EmbeddingSum`` does this with sklearn transformers; ``make_sequence_embedder`` places
the same parts side by side instead (``3 d`` numbers per row). Here both feed a ridge
regression on ``make_event_log``, with the same three parts at each ``d``:

- value: ``ValueEmbedder(method="target")``, each item's cross-fitted target distribution;
- position: ``PositionEmbedder()``, the Transformer's sinusoid of the position in the
  session;
- temporal: ``TemporalEmbedder(method="fixed", combine="sum")``, Informer's sinusoidal
  tables of the hour and the weekday, themselves added into one width-``d`` vector.

Each part outputs ``d`` columns, so they can be added; ``EmbeddingSum(embedding_dim=d)``
sets ``d`` on all three (it raises if the widths differ). Scores are R² on
``TimeSeriesSplit`` folds (trained on the past, tested on the following days).

What to look for in the figure: on the left, at every ``d`` the sum scores below the
concatenation, and the gap closes as ``d`` grows: added into the same few columns, the
parts blur each other (the sinusoids of position and time even share frequencies), and
a linear model has one weight per column for all three. On the right, the same scores
against the number of columns the regressor sees: at equal width the two are much
closer, and from about 32 columns on they match: the sum buys a fixed width, and
Informer leaves the untangling to a network that learns it.

Run: ``python examples/embedding_sum.py`` (needs matplotlib: ``pip install
"sk_seqembed[examples]"``). ``--quick`` runs a smaller version; ``--output DIR`` sets
where ``embedding_sum.png`` is written.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only, no window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline

from sk_seqembed import (
    EmbeddingSum,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)
from sk_seqembed.datasets import make_event_log


def make_parts():
    """The value, position and temporal embedders, at their default widths."""
    return {
        "value": ValueEmbedder(method="target", random_state=0),
        "position": PositionEmbedder(),
        "temporal": TemporalEmbedder(
            method="fixed", combine="sum", features=["hour", "weekday"]
        ),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller data, for CI")
    parser.add_argument("--output", type=Path, default=Path("."), help="folder for the PNG")
    args = parser.parse_args(argv)

    X, y, truth = make_event_log(n_sequences=60 if args.quick else 300, random_state=0)
    dims = [4, 16] if args.quick else [2, 4, 8, 16, 32, 64]
    cv = TimeSeriesSplit(n_splits=3 if args.quick else 5)
    columns = {"value": ["item"], "position": ["sequence_id"], "temporal": ["timestamp"]}

    rows = []
    for d in dims:
        # EmbeddingSum sets its embedding_dim on every part (their defaults differ).
        summed = EmbeddingSum(
            [(name, part, columns[name]) for name, part in make_parts().items()],
            embedding_dim=d,
        )
        parts = {name: part.set_params(embedding_dim=d) for name, part in make_parts().items()}
        side_by_side = make_sequence_embedder(
            value=columns["value"],
            position=columns["position"],
            temporal=columns["temporal"],
            value_embedder=parts["value"],
            position_embedder=parts["position"],
            temporal_embedder=parts["temporal"],
        )
        for combination, embedder, width in [
            ("sum", summed, d),
            ("concatenation", side_by_side, 3 * d),
        ]:
            scores = cross_val_score(make_pipeline(embedder, RidgeCV()), X, y, cv=cv)
            rows.append(
                {
                    "combination": combination,
                    "d": d,
                    "width": width,
                    "mean": scores.mean(),
                    "std": scores.std(),
                }
            )
    results = pd.DataFrame(rows)
    noise = truth.components["noise"]
    ceiling = np.mean(
        [1 - noise.iloc[test].var() / y.iloc[test].var() for _, test in cv.split(X)]
    )

    fig, (by_dim, by_width) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
    for combination, marker in [("sum", "o"), ("concatenation", "s")]:
        scores = results[results["combination"] == combination]
        for ax, x in [(by_dim, "d"), (by_width, "width")]:
            ax.errorbar(
                scores[x],
                scores["mean"],
                yerr=scores["std"],
                marker=marker,
                capsize=3,
                label=f"{combination} (width {'d' if combination == 'sum' else '3d'})",
            )
    for ax, x, xlabel, title in [
        (by_dim, "d", "embedding_dim d of each part", "At the same d per part"),
        (by_width, "width", "columns the regressor sees", "At the same input width"),
    ]:
        ax.axhline(ceiling, color="black", ls="--", lw=1, label="noise ceiling")
        ax.set(xscale="log", xlabel=xlabel, title=title)
        ax.set_xticks(sorted(results[x].unique()))
        ax.xaxis.set_major_formatter("{x:.0f}")
        ax.minorticks_off()
    by_dim.set_ylabel(f"mean test R² over {cv.get_n_splits()} TimeSeriesSplit folds")
    by_dim.legend(loc="lower right")
    fig.suptitle("value + position + temporal embeddings, then RidgeCV, on make_event_log")

    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / "embedding_sum.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)

    table = results.pivot(index="d", columns="combination", values="mean")
    print(f"{len(X):,} events; mean test R2 over {cv.get_n_splits()} TimeSeriesSplit folds:")
    print(table[["sum", "concatenation"]].round(3).to_string())
    print(f"noise ceiling {ceiling:.3f}")
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
