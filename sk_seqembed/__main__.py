"""``python -m sk_seqembed``: the library's main job on its bundled data."""

import argparse
import time

from . import __version__
from ._demo import run


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sk_seqembed",
        description="Grid-search an embedding pipeline for flight delays on the bundled "
        "NYC flights 2013 table and compare it with scikit-learn baselines on held-out "
        "months.",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="train on every flight before November with a larger grid (minutes)",
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        help="parallel fits in the grid search (-1: all cores)",
    )
    parser.add_argument(
        "--max-train-rows",
        type=_positive,
        default=None,
        help="train on only the most recent N flights (quicker)",
    )
    args = parser.parse_args(argv)
    print(f"sk_seqembed {__version__}: main job")
    start = time.perf_counter()
    results, _ = run(full=args.full, n_jobs=args.n_jobs, max_train_rows=args.max_train_rows)
    print()
    print(results.to_string(float_format=lambda value: f"{value:.3f}"))
    print(
        "\nfit_s of the grid-searched row covers the whole search (every candidate on "
        "every fold, then the refit)."
    )
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return results


if __name__ == "__main__":
    main()
