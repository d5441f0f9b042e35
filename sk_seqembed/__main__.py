"""``python -m sk_seqembed``: the library's main job on its bundled data."""

import argparse

from . import __version__
from ._demo import run


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sk_seqembed",
        description="Fit delay models on the bundled NYC flights 2013 table and print "
        "held-out scores.",
    )
    parser.add_argument(
        "--max-train-rows",
        type=int,
        default=None,
        help="train on only the most recent N flights (quicker)",
    )
    args = parser.parse_args(argv)
    print(f"sk_seqembed {__version__}: main job")
    results = run(max_train_rows=args.max_train_rows)
    print()
    print(results.to_string(float_format=lambda value: f"{value:.3f}"))
    return results


if __name__ == "__main__":
    main()
