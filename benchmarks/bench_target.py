"""ValueEmbedder(method="target") against scikit-learn's TargetEncoder, in one run.

Two integer id columns (one of high cardinality, one of 30 values) and a continuous
target. Both encoders cross-fit ``fit_transform`` over the same ``KFold(5,
shuffle=True)``; ``transform`` of the fitted encoders is compared too, and against a
bare numpy write of its output. TargetEncoder gives one column per id; ours gives
``embedding_dim`` (1: the shrunk mean alone, TargetEncoder's column; 4: the mean and
three shrunk fractions of the target's distribution).

Target (issue 16): ``fit_transform`` within 2x TargetEncoder's (it was 5.5x).

Run: ``python benchmarks/bench_target.py`` (``--quick`` for 100,000 rows only).
"""

import argparse
from functools import partial

import numpy as np
import pandas as pd
from _timing import against_floor_columns, against_write_floors, best_time
from sklearn.model_selection import KFold
from sklearn.preprocessing import TargetEncoder

from sk_seqembed import ValueEmbedder

TARGET_RATIO = 2.0


def table(n_rows, cardinality, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {"user": rng.integers(0, cardinality, n_rows), "shop": rng.integers(0, 30, n_rows)}
    )
    y = rng.normal(size=n_rows) + (X["user"] % 7).to_numpy() / 3
    return X, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows only")
    args = parser.parse_args()
    sizes = [(100_000, 1_000)] if args.quick else [(200_000, 1_000), (1_000_000, 50_000)]
    repeat = 3
    rows, worst = [], 0.0
    for n_rows, cardinality in sizes:
        X, y = table(n_rows, cardinality)
        cv = KFold(5, shuffle=True, random_state=0)
        peer = TargetEncoder(target_type="continuous", cv=cv)
        peer_fit, _ = best_time(partial(peer.fit_transform, X, y), repeat)
        peer_transform, _ = best_time(partial(peer.transform, X), repeat)
        for dim in (1, 4):
            ours = ValueEmbedder(dim, method="target", cv=cv)
            fit, _ = best_time(partial(ours.fit_transform, X, y), repeat)
            transform, bare, fresh, _ = against_write_floors(
                partial(ours.transform, X), repeat=5
            )
            worst = max(worst, fit / peer_fit)
            rows.append(
                {
                    "rows": f"{n_rows:,}",
                    "ids": f"{cardinality:,}",
                    "d": dim,
                    "fit_transform s": fit,
                    "TargetEncoder s": peer_fit,
                    "x TargetEncoder": fit / peer_fit,
                    "transform x TargetEncoder": transform / peer_transform,
                    **against_floor_columns(transform, bare, fresh, n_rows),
                }
            )
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    verdict = "met" if worst <= TARGET_RATIO else "NOT met"
    print(
        f"[{verdict}] fit_transform within {TARGET_RATIO:g}x TargetEncoder's: worst "
        f"{worst:.2f}x"
    )


if __name__ == "__main__":
    main()
