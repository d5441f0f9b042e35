"""Containers beyond pandas, polars and numpy (issue 18): pyarrow Tables and RecordBatches
and narwhals frames are read natively, with their zones, nulls and dtypes; lazy frames
and dicts are refused by name, with the fix.

The reference for every native read is the same data as a pandas frame (its own
accessors: ``.dt.hour`` of the local time, ``isna``), never the code's own output.
"""

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from numpy.testing import assert_array_equal

from sk_seqembed import (
    EmbeddingSum,
    HistoryEmbedder,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)

pl = pytest.importorskip("polars")


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(5)
    n = 400
    # Around Europe/Paris' spring change: wall clock and UTC differ by one or two hours.
    instants = pd.Timestamp("2024-03-30", tz="UTC") + pd.to_timedelta(
        np.sort(rng.integers(0, 3 * 86_400, n)), unit="s"
    )
    return pd.DataFrame(
        {
            "item": pd.array(
                np.where(rng.random(n) < 0.1, None, rng.integers(-3, 30, n)), dtype="Int64"
            ),
            "g": rng.integers(0, 12, n),
            "t": instants.tz_convert("Europe/Paris"),
            "name": pd.array(rng.choice(["a", "b", "é", None], n), dtype="str"),
        }
    )


CONTAINERS = {
    "pyarrow Table": lambda X: pa.Table.from_pandas(X, preserve_index=False),
    "pyarrow RecordBatch": lambda X: pa.RecordBatch.from_pandas(X, preserve_index=False),
    "narwhals over pandas": lambda X: nw.from_native(X),
    "narwhals over polars": lambda X: nw.from_native(pl.from_pandas(X)),
    "narwhals over pyarrow": lambda X: nw.from_native(
        pa.Table.from_pandas(X, preserve_index=False)
    ),
}

STEPS = {
    "value, nullable ints": (lambda: ValueEmbedder(3, random_state=0), ["item"]),
    "value, strings with nulls": (lambda: ValueEmbedder(3, random_state=0), ["name"]),
    "position": (lambda: PositionEmbedder(4), ["g"]),
    "temporal, aware": (lambda: TemporalEmbedder(), ["t"]),
    "history": (lambda: HistoryEmbedder(group_columns=["g"], random_state=0), None),
}


@pytest.mark.parametrize("container", list(CONTAINERS))
@pytest.mark.parametrize("step", list(STEPS))
def test_containers_are_read_as_the_same_pandas_frame(frame, container, step):
    make, columns = STEPS[step]
    X = frame if columns is None else frame[columns]
    if step == "history":
        X = frame[["item", "g"]]
    expected = make().fit(X.iloc[:300]).transform(X.iloc[300:])
    native = make().fit(CONTAINERS[container](X.iloc[:300]))
    assert list(native.feature_names_in_) == list(X.columns)
    out = native.transform(CONTAINERS[container](X.iloc[300:].reset_index(drop=True)))
    assert_array_equal(out, expected)


@pytest.mark.parametrize("container", ["pyarrow Table", "narwhals over polars"])
def test_aware_times_keep_their_zone(frame, container):
    # The local hour, by pandas' own accessor: one-hot bins of the hour are its value.
    embedder = TemporalEmbedder(features=["hour"], method="onehot", embedding_dim=24)
    out = embedder.fit(CONTAINERS[container](frame[["t"]])).transform(
        CONTAINERS[container](frame[["t"]])
    )
    assert_array_equal(out.argmax(axis=1), frame["t"].dt.hour.to_numpy())


def test_nullable_ints_stay_integer_tokens(frame):
    embedder = ValueEmbedder(2, random_state=0).fit(
        CONTAINERS["pyarrow Table"](frame[["item"]])
    )
    assert embedder.token_kinds_ == ["integer"]
    vocabulary = sorted(frame["item"].dropna().unique().tolist())
    assert list(embedder.vocabularies_[0]) == vocabulary


def test_the_recipe_takes_a_pyarrow_table(frame):
    def recipe():
        return make_sequence_embedder(
            value="item",
            position="g",
            temporal="t",
            value_embedder=ValueEmbedder(3, random_state=0),
        )

    expected = recipe().fit(frame.iloc[:300]).transform(frame.iloc[300:])
    table = CONTAINERS["pyarrow Table"]
    out = recipe().fit(table(frame.iloc[:300])).transform(table(frame.iloc[300:]))
    assert_array_equal(out, expected)


def test_embedding_sum_takes_a_narwhals_frame(frame):
    def summed():
        return EmbeddingSum(
            [
                ("value", ValueEmbedder(random_state=0), ["item"]),
                ("position", PositionEmbedder(), ["g"]),
            ],
            embedding_dim=4,
        )

    X = frame[["item", "g"]]
    expected = summed().fit(X).transform(X)
    wrapped = CONTAINERS["narwhals over pandas"](X)
    assert_array_equal(summed().fit(wrapped).transform(wrapped), expected)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda X: pl.from_pandas(X).lazy(), "polars LazyFrame.*X.collect()"),
        (
            lambda X: nw.from_native(pl.from_pandas(X).lazy()),
            "lazy narwhals frame.*X.collect()",
        ),
        (lambda X: X.to_dict(orient="list"), r"X is a dict.*pandas.DataFrame\(X\)"),
    ],
    ids=["polars-lazy", "narwhals-lazy", "dict"],
)
@pytest.mark.parametrize("estimator", [ValueEmbedder, PositionEmbedder, TemporalEmbedder])
def test_lazy_frames_and_dicts_are_refused_by_name(frame, make, message, estimator):
    column = {ValueEmbedder: "g", PositionEmbedder: "g", TemporalEmbedder: "t"}[estimator]
    X = frame[[column]]
    with pytest.raises(TypeError, match=message):
        estimator().fit(make(X))
    fitted = estimator().fit(X)
    with pytest.raises(TypeError, match=message):
        fitted.transform(make(X))
