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
        description="Nowcast each flight's departure delay at its scheduled departure on "
        "the bundled NYC flights 2013 table, with point-in-time history features "
        "(HistoryEmbedder) against scikit-learn and pandas baselines, on held-out months.",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="train on every flight before November (about two minutes)",
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
    results, gap = run(full=args.full, max_train_rows=args.max_train_rows)
    print()
    print(results.to_string(float_format=lambda value: f"{value:.3f}"))
    ours, other = results.loc[gap["ours"], "R2"], results.loc[gap["other"], "R2"]
    print(
        f"\nbest ours, {gap['ours']!r}: R2 {ours:.3f}; best without ours, "
        f"{gap['other']!r}: R2 {other:.3f}.\nR2 gap {ours - other:+.3f}, 95 % interval "
        f"over bootstrapped test days [{gap['low']:+.3f}, {gap['high']:+.3f}]."
    )
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return results


if __name__ == "__main__":
    main()
