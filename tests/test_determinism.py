"""What is bit-identical (docs/determinism.md, issue 18): transforms do not depend on the
number of threads, and a seeded fit repeats itself; the cooccurrence SVD follows the BLAS
threads, by a bounded amount.
"""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from threadpoolctl import threadpool_info, threadpool_limits

from sk_seqembed import (
    HistoryEmbedder,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    _blocks,
)

# Large enough for the transforms to split into blocks (two threads, or more).
N_ROWS = 4 * _blocks.MIN_BLOCK


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(2)
    start = pd.Timestamp("2022-01-01", tz="UTC")
    return pd.DataFrame(
        {
            "item": rng.integers(0, 3000, N_ROWS),
            "name": pd.Series(rng.integers(0, 3000, N_ROWS)).map("u{}".format),
            "g": rng.integers(0, 500, N_ROWS),
            "t": (start + pd.to_timedelta(np.sort(rng.integers(0, 10**8, N_ROWS)), unit="s"))
            .tz_convert("America/New_York")
            .astype("datetime64[s, America/New_York]"),
        }
    )


CASES = {
    "value ints": (lambda n: ValueEmbedder(8, random_state=0, n_threads=n), ["item"]),
    "value strings": (lambda n: ValueEmbedder(8, random_state=0, n_threads=n), ["name"]),
    "value hashing": (lambda n: ValueEmbedder(8, method="hashing", n_threads=n), ["name"]),
    "position": (lambda n: PositionEmbedder(8, n_threads=n), ["g"]),
    "position decay": (lambda n: PositionEmbedder(8, method="decay", n_threads=n), ["g"]),
    "temporal aware": (lambda n: TemporalEmbedder(n_threads=n), ["t"]),
    "temporal recency": (
        lambda n: TemporalEmbedder(group_columns="g", n_threads=n),
        ["t", "g"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_transforms_are_bit_identical_on_any_number_of_threads(table, case):
    make, columns = CASES[case]
    X = table[columns]
    fit, later = X.iloc[: N_ROWS // 2], X.iloc[N_ROWS // 2 :]
    one = make(1).fit(fit).transform(later)
    for n_threads in (2, 3):
        assert_array_equal(make(n_threads).fit(fit).transform(later), one)


def test_history_is_bit_identical_under_any_blas_threads(table):
    X = table[["item", "g"]]
    with threadpool_limits(1):
        one = HistoryEmbedder(group_columns="g", random_state=0).fit_transform(X)
    assert_array_equal(HistoryEmbedder(group_columns="g", random_state=0).fit_transform(X), one)


def test_cooccurrence_follows_blas_threads_within_a_bound():
    # A vocabulary above the exact-SVD limit: the randomized SVD, whose BLAS products
    # sum in an order that depends on the threads.
    rng = np.random.default_rng(4)
    n = 60_000
    tokens = (rng.zipf(1.2, n) % 1500) + 1500 * (np.arange(n) // 20 % 2)
    X = pd.DataFrame({"item": tokens})

    def fitted():
        return ValueEmbedder(8, method="cooccurrence", random_state=0).fit(X)

    with threadpool_limits(1):
        one = fitted().embeddings_
    again = fitted().embeddings_
    assert_array_equal(fitted().embeddings_, again)  # the same threads: identical
    # 1.8e-7 on this project's machine: float32 products summed in another order.
    assert np.max(np.abs(again - one)) < 1e-3


def test_cooccurrence_fits_in_threads_leave_the_blas_limits_as_they_were():
    # Why the SVD does not pin BLAS to one thread (which would make it bit-identical):
    # threadpoolctl's limits are process-wide, and OpenBLAS ignored the restore while
    # other threads were in BLAS calls; this left BLAS on 1 thread for the process.
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(2)
    X = pd.DataFrame({"item": rng.integers(0, 1500, 20_000)})

    def fit(_):
        return ValueEmbedder(4, method="cooccurrence", random_state=0).fit(X).embeddings_

    before = [pool["num_threads"] for pool in threadpool_info()]
    with ThreadPoolExecutor(4) as pool:
        tables = list(pool.map(fit, range(12)))
    assert [pool["num_threads"] for pool in threadpool_info()] == before
    for table in tables[1:]:
        assert_array_equal(table, tables[0])
