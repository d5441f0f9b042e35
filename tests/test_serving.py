"""Serving (issue 17): one row, or a few rows, transformed alone equal the same rows
inside a large batch, for every estimator, method and input kind.

Small inputs are served by a path of their own; the batches here (20,000 rows, and the
first 5,000 of them) take the ordinary one whatever the threshold, so every comparison
is between two paths, never against numbers the code produced. Token and calendar
features are row-wise: any rows alone equal them inside the batch, bit for bit.
Sequence features follow the as-of rule: fit sees ``X[:k]`` and ``transform`` continues
from it, so a row alone equals the same row inside ``transform(X[k:])`` when no earlier
row of ``X[k:]`` is in its group (rows of groups fit saw, and of new groups), and a
prefix of ``X[k:]`` equals the batch's first rows.
"""

import copy

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from sk_seqembed import (
    EmbeddingSum,
    HistoryEmbedder,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)

# The batches: the ordinary path whatever the small-input threshold. The served inputs
# hold one, two or seven rows (``row_selections``, ``first_of_group_selections``).
N_BIG, N_MID = 20_000, 5_000

# --- helpers ---------------------------------------------------------------------------------


def take(X, positions):
    """Rows at ``positions`` of a pandas or polars frame, or of an array; a ``range``
    is taken as a slice (a view where the container gives one)."""
    if isinstance(positions, range):
        rows = slice(positions.start, positions.stop)
        return X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]
    positions = list(positions)
    if isinstance(X, pd.DataFrame):
        return X.iloc[positions]
    if isinstance(X, np.ndarray):
        return X[np.asarray(positions, dtype=np.intp)]
    return X[positions]  # polars


def assert_served_like_the_batch(estimator, batch, selections, expected=None):
    """Each selection transformed alone equals its rows of the whole batch, and the
    first 5,000 rows transformed together equal the batch's first rows."""
    if expected is None:
        expected = estimator.transform(batch)
    assert expected.shape[0] == N_BIG
    for positions in selections:
        served = estimator.transform(take(batch, positions))
        assert served.dtype == expected.dtype
        assert_array_equal(
            served, expected[positions], err_msg=f"rows {positions} transformed alone"
        )
    mid = estimator.transform(take(batch, range(N_MID)))
    assert_array_equal(mid, expected[:N_MID], err_msg="the batch's first 5,000 rows")
    return expected


def row_selections(rows, start=100):
    """One-row, two-row and seven-row selections for row-wise features: each of
    ``rows`` alone, two pairs (one out of order), a contiguous run, a scattered set in
    reverse order and a set with a repeated row."""
    rows = list(dict.fromkeys(int(r) for r in rows))
    return [
        *[[r] for r in rows],
        rows[:2],
        [rows[-1], rows[0]],
        range(start, start + 7),
        rows[:7][::-1],
        [rows[0], rows[1], rows[0], rows[2], rows[3], rows[3], rows[4]],
    ]


# Prefixes of the batch, as slices, and its first row as a list.
PREFIXES = [range(1), range(2), range(7), [0]]


# --- ValueEmbedder: data -------------------------------------------------------------------

N_FIT_TOKENS, N_BATCH_TOKENS = 300, 400  # the batch holds tokens fit never saw
STRINGS = np.array([f"t{k}" for k in range(N_BATCH_TOKENS)], dtype=object)
CATEGORIES = pd.CategoricalDtype(STRINGS.tolist())
TOKEN_COLUMNS = ["i", "n", "s", "c", "b", "f"]
COOCCURRENCE_COLUMNS = ["m", "k", "c", "b", "g"]
PRETRAINED = dict(
    zip(
        STRINGS[:N_FIT_TOKENS].tolist(),
        np.random.default_rng(5).normal(size=(N_FIT_TOKENS, 6)),
        strict=True,
    )
)


def token_frame(rng, n_rows, n_tokens, missing, cover=False):
    """Token columns of every kind: int64 ids float64 cannot hold (``i``), nullable
    ints (``n``), strings (``s``), a categorical (``c``), nullable booleans (``b``),
    whole floats (``f``); ``m`` and ``k``, nullable ints and strings of a tenth as many
    tokens (``c`` too), for cooccurrence's dense SVD; and ``g``, a group key. ``cover``:
    every token appears (and is present) in the first rows."""
    codes = rng.integers(0, n_tokens, size=(n_rows, 6))
    gone = rng.random((n_rows, 6)) < missing
    gone[:, 0] = False  # int64 has no missing value
    if cover:
        codes[:n_tokens] = np.arange(n_tokens)[:, None]
        gone[:n_tokens] = False
    strings = STRINGS[codes]
    frame = pd.DataFrame(
        {
            "i": codes[:, 0] * (2**53 + 1) - 2**61,
            "n": pd.array(
                np.where(gone[:, 1], None, codes[:, 1] * 1_000_003 - 10**8), dtype="Int64"
            ),
            "s": pd.Series(np.where(gone[:, 2], None, strings[:, 2]), dtype=object),
            "c": pd.Categorical(
                np.where(gone[:, 3], None, STRINGS[codes[:, 3] // 10]), dtype=CATEGORIES
            ),
            "b": pd.array(np.where(gone[:, 4], None, codes[:, 4] % 2 == 0), dtype="boolean"),
            "f": np.where(gone[:, 5], np.nan, codes[:, 5] - 150.0),
            "m": pd.array(np.where(gone[:, 1], None, codes[:, 1] // 10), dtype="Int64"),
            "k": pd.Series(
                np.where(gone[:, 2], None, STRINGS[codes[:, 2] // 10]), dtype=object
            ),
            "g": rng.integers(0, 40, n_rows),
        }
    )
    y = codes[:, 2] % 7 + rng.normal(size=n_rows)
    return frame, y


@pytest.fixture(scope="module")
def value_data():
    """The fit frame, a batch with missing and unseen tokens, a clean batch (seen tokens
    only, none missing), and the batch's rows worth serving alone."""
    rng = np.random.default_rng(17)
    fit, y = token_frame(rng, 4_000, N_FIT_TOKENS, missing=0.05, cover=True)
    batch, _ = token_frame(rng, N_BIG, N_BATCH_TOKENS, missing=0.05)
    batch.index = batch.index + 1_000_000  # the served rows keep a non-default index
    clean_fit, clean_y = token_frame(rng, 4_000, N_FIT_TOKENS, missing=0.0, cover=True)
    clean, _ = token_frame(rng, N_BIG, N_FIT_TOKENS, missing=0.0)
    head = batch.iloc[:N_MID]
    rows = [0, 1, N_MID - 1]
    for name in [*TOKEN_COLUMNS, "m", "k"]:
        missing = head[name].isna().to_numpy()
        unseen = ~missing & ~head[name].isin(fit[name].dropna()).to_numpy()
        rows += [int(np.argmax(missing))] if missing.any() else []
        rows += [int(np.argmax(unseen))] if unseen.any() else []
    everything_missing = head[TOKEN_COLUMNS[1:]].isna().sum(axis=1).to_numpy()
    rows.append(int(np.argmax(everything_missing)))
    return {
        "fit": fit,
        "y": y,
        "batch": batch,
        "clean_fit": clean_fit,
        "clean_y": clean_y,
        "clean": clean,
        "rows": rows,
    }


VALUE_METHODS = ["random", "hashing", "cooccurrence", "target", "pretrained"]


def value_embedder(method, **params):
    extra = {
        "cooccurrence": {"group_columns": "g", "window": 3},
        "pretrained": {"vectors": PRETRAINED},
    }
    return ValueEmbedder(4, method=method, random_state=0, **extra.get(method, {}), **params)


def value_columns(method):
    """The input columns of a method: every token kind; pretrained vectors are keyed
    by strings, so its columns are the string ones; cooccurrence gets three kinds and
    its group key (its fit is a dense SVD per column, with every column as context)."""
    return {"cooccurrence": COOCCURRENCE_COLUMNS, "pretrained": ["s", "c"]}.get(
        method, TOKEN_COLUMNS
    )


# --- ValueEmbedder: tests ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    "handle_missing, handle_unknown",
    [("vector", "vector"), ("zeros", "zeros"), ("vector", "zeros"), ("zeros", "vector")],
)
@pytest.mark.parametrize("method", VALUE_METHODS)
def test_value_rows_alone_equal_the_batch(
    method, handle_missing, handle_unknown, dtype, value_data
):
    """Rows with missing, unseen, infrequent and known tokens of every kind, alone or in
    twos and sevens, get the vectors they get inside a 20,000-row batch."""
    columns = value_columns(method)
    embedder = value_embedder(
        method, handle_missing=handle_missing, handle_unknown=handle_unknown, dtype=dtype
    ).fit(value_data["fit"][columns], value_data["y"])
    batch = value_data["batch"][columns]
    out = assert_served_like_the_batch(embedder, batch, row_selections(value_data["rows"]))
    assert out.dtype == np.dtype(dtype)


@pytest.mark.parametrize(
    "method, params, columns",
    [
        ("random", {"min_frequency": 20}, TOKEN_COLUMNS),
        ("random", {"max_tokens": 50}, TOKEN_COLUMNS),
        ("cooccurrence", {"min_frequency": 0.004}, COOCCURRENCE_COLUMNS),
        ("target", {"max_tokens": 100, "smooth": 3.0}, TOKEN_COLUMNS),
        ("random", {"shared_vocabulary": True}, ["s", "c"]),
        ("hashing", {"shared_vocabulary": True}, ["s", "c"]),
        ("cooccurrence", {"same_row": True, "shared_vocabulary": True}, ["k", "c", "g"]),
    ],
)
def test_value_options_rows_alone_equal_the_batch(method, params, columns, value_data):
    """Infrequent tokens (min_frequency, max_tokens) and shared vocabularies: rows
    alone equal the batch."""
    embedder = value_embedder(method, **params).fit(value_data["fit"][columns], value_data["y"])
    batch = value_data["batch"][columns]
    assert_served_like_the_batch(embedder, batch, row_selections(value_data["rows"]))


@pytest.mark.parametrize("method", VALUE_METHODS)
def test_value_error_policies_alone_equal_the_batch_and_refuse_alone(method, value_data):
    """handle_missing and handle_unknown 'error': rows of seen tokens alone equal a
    clean batch; a missing or unseen token alone is refused as inside a batch."""
    columns = value_columns(method)
    embedder = value_embedder(method, handle_missing="error", handle_unknown="error")
    embedder.fit(value_data["clean_fit"][columns], value_data["clean_y"])
    clean = value_data["clean"][columns]
    assert_served_like_the_batch(embedder, clean, row_selections([0, 1, 2, 3, 4, 7, N_MID - 1]))
    batch = value_data["batch"][columns]
    with pytest.raises(ValueError, match=r"Input X contains NaN \(missing tokens\)"):
        embedder.transform(batch)
    probe = "s" if "s" in columns else "k"  # a string column
    others = batch.drop(columns=probe)
    only_probe_missing = batch[probe].isna().to_numpy() & ~others.isna().any(axis=1).to_numpy()
    assert only_probe_missing.any()
    message = rf"Input X contains NaN \(missing tokens\) in column '{probe}': 1 row\(s\)"
    with pytest.raises(ValueError, match=message):
        embedder.transform(take(batch, [int(np.argmax(only_probe_missing))]))
    if method == "hashing":
        return  # no token is unknown to hashing
    present = ~batch.isna().any(axis=1).to_numpy()
    fit = value_data["clean_fit"]
    seen = {name: batch[name].isin(fit[name].dropna()).to_numpy() for name in columns}
    others_seen = np.logical_and.reduce([seen[name] for name in columns if name != probe])
    only_probe_unseen = ~seen[probe] & others_seen & present
    assert only_probe_unseen.any()
    message = rf"Column '{probe}' has 1 row\(s\) with tokens unseen during fit"
    with pytest.raises(ValueError, match=message):
        embedder.transform(take(batch, [int(np.argmax(only_probe_unseen))]))
    with pytest.raises(ValueError, match=r"row\(s\) with tokens unseen during fit"):
        embedder.transform(batch[present])


@pytest.mark.parametrize("method", VALUE_METHODS)
def test_value_numpy_int_rows_alone_equal_the_batch(method, value_data):
    """A 2-D int64 array of token ids (huge, negative, unseen): rows alone equal the
    batch."""
    fit = value_data["fit"][["i", "g"]].to_numpy()
    batch = value_data["batch"][["i", "g"]].to_numpy()
    assert fit.dtype == batch.dtype == np.int64
    params = {}
    if method == "cooccurrence":
        params = {"group_columns": 1}
    elif method == "pretrained":
        keys = np.unique(fit).tolist()
        vectors = np.random.default_rng(6).normal(size=(len(keys), 3))
        params = {"vectors": dict(zip(keys, vectors, strict=True))}
    embedder = ValueEmbedder(3, method=method, random_state=0, **params)
    embedder.fit(fit, value_data["y"])
    assert_served_like_the_batch(embedder, batch, row_selections(value_data["rows"]))


@pytest.mark.parametrize("method", VALUE_METHODS)
def test_value_polars_rows_alone_equal_the_batch(method, value_data):
    """Polars frames (Int64, String, Categorical, Boolean, Float64 with nulls): rows
    alone equal the polars batch."""
    pl = pytest.importorskip("polars")
    columns = value_columns(method)
    fit = pl.from_pandas(value_data["fit"][columns])
    batch = pl.from_pandas(value_data["batch"][columns].reset_index(drop=True))
    embedder = value_embedder(method).fit(fit, value_data["y"])
    assert_served_like_the_batch(embedder, batch, row_selections(value_data["rows"]))


# --- TemporalEmbedder: data ----------------------------------------------------------------

START = np.datetime64("2023-01-01T00:00:00", "s")
TWO_YEARS = 2 * 365 * 86_400
# UTC instants at and around Paris' and New York's DST changes (2023 and 2024).
PARIS_DST = [
    "2023-03-26T00:59",
    "2023-03-26T01:00",
    "2023-03-26T01:30",
    "2023-10-29T00:00",
    "2023-10-29T00:59",
    "2023-10-29T01:00",
    "2023-10-29T01:59",
    "2024-03-31T01:00",
    "2024-10-27T00:30",
    "2024-10-27T01:00",
]
NEW_YORK_DST = [
    "2023-03-12T06:59:59.999",
    "2023-03-12T07:00:00.000",
    "2023-03-12T07:00:00.001",
    "2023-11-05T05:30:00.500",
    "2023-11-05T06:00:00.000",
    "2023-11-05T06:59:59.250",
    "2024-03-10T07:00:00.000",
    "2024-11-03T05:59:59.999",
    "2024-11-03T06:00:00.125",
    "2024-11-03T06:30:00.000",
]
NAT_ROWS = {"naive": [10, 13], "paris": [11, 13], "ny": [12, 13], "wide": [13]}
DATETIME_COLUMNS = ["naive", "paris", "ny", "wide"]


def datetime_frame(rng, n_rows):
    """Two years of naive seconds (every fourth row on a whole minute), Paris minutes and
    New York milliseconds (every third row on a whole second), each starting with DST
    changes, and ``wide``: eight centuries of seconds. NaT in the first rows and at
    random."""
    naive = START + rng.integers(0, TWO_YEARS, n_rows).astype("timedelta64[s]")
    naive[::4] = naive[::4].astype("datetime64[m]")
    paris = START + (rng.integers(0, TWO_YEARS // 60, n_rows) * 60).astype("timedelta64[s]")
    paris[: len(PARIS_DST)] = np.array(PARIS_DST, dtype="datetime64[s]")
    ny = START.astype("datetime64[ms]") + rng.integers(0, TWO_YEARS * 1000, n_rows).astype(
        "timedelta64[ms]"
    )
    ny[1::3] = ny[1::3].astype("datetime64[s]")
    ny[: len(NEW_YORK_DST)] = np.array(NEW_YORK_DST, dtype="datetime64[ms]")
    centuries = 800 * 365 * 86_400
    wide = np.datetime64("1600-01-01T00:00:00", "s") + rng.integers(
        0, centuries, n_rows
    ).astype("timedelta64[s]")
    frame = pd.DataFrame(
        {
            "naive": naive,
            "paris": pd.Series(paris)
            .dt.tz_localize("UTC")
            .dt.tz_convert("Europe/Paris")
            .astype("datetime64[ns, Europe/Paris]"),
            "ny": pd.Series(ny).dt.tz_localize("UTC").dt.tz_convert("America/New_York"),
            "wide": wide,
        }
    )
    for name in DATETIME_COLUMNS:
        gone = rng.random(n_rows) < 0.005
        gone[:10] = False
        gone[NAT_ROWS[name]] = True
        frame.loc[gone, name] = pd.NaT
    return frame


@pytest.fixture(scope="module")
def time_data():
    """A fit frame and a 20,000-row batch over the same two years (and centuries), and
    the batch's rows worth serving alone: DST changes, NaT, whole minutes and seconds."""
    rng = np.random.default_rng(23)
    fit = datetime_frame(rng, 3_000)
    batch = datetime_frame(rng, N_BIG)
    assert str(batch["naive"].dtype) == "datetime64[s]"
    assert str(batch["ny"].dtype) == "datetime64[ms, America/New_York]"
    rows = [*range(14), 16, 17, 20, 28, 29, 1234, N_MID - 1]
    return {"fit": fit, "batch": batch, "rows": rows}


TEMPORAL_METHODS = ["cyclical", "spline", "fixed", "timefeature", "onehot", "random"]
ALL_FIELDS = [
    "second",
    "minute",
    "hour",
    "weekday",
    "day",
    "dayofyear",
    "week",
    "month",
    "quarter",
    "year",
    "weekend",
]
TEMPORAL_CONFIGS = {
    # features="auto" with the trend (fit spans two years), periods and an indicator.
    "auto": (
        {"periods": ["7D", "365.25D"], "missing_indicator": True},
        DATETIME_COLUMNS,
    ),
    "fields-nan": (
        {"features": ALL_FIELDS, "trend": True, "handle_missing": "nan"},
        ["naive", "paris", "ny"],
    ),
    "sum-float32": (
        {
            "embedding_dim": 4,
            "features": ["hour", "minute", "weekday", "day", "month"],
            "combine": "sum",
            "dtype": "float32",
        },
        DATETIME_COLUMNS,
    ),
    "dict-kolkata-float32": (
        {
            "features": {"hour": 6, "minute": 3, "second": 3, "weekday": 4, "week": 3},
            "timezone": "Asia/Kolkata",
            "dtype": "float32",
            "missing_indicator": True,
            "handle_missing": "nan",
        },
        ["naive", "paris", "ny"],
    ),
}


def temporal_case(method, config):
    params, columns = TEMPORAL_CONFIGS[config]
    return TemporalEmbedder(method=method, random_state=0, **params), columns


# --- TemporalEmbedder: tests ---------------------------------------------------------------


@pytest.mark.parametrize("config", list(TEMPORAL_CONFIGS))
@pytest.mark.parametrize("method", TEMPORAL_METHODS)
def test_temporal_rows_alone_equal_the_batch(method, config, time_data):
    """Rows at DST changes, NaT rows, whole minutes in second data, whole seconds in
    millisecond data and dates centuries apart, alone or in twos and sevens, get the
    features they get inside a 20,000-row batch spread over two years."""
    embedder, columns = temporal_case(method, config)
    embedder.fit(time_data["fit"][columns])
    batch = time_data["batch"][columns]
    assert_served_like_the_batch(embedder, batch, row_selections(time_data["rows"]))


def test_temporal_holidays_rows_alone_equal_the_batch(time_data):
    """Holiday flags and distances (French holidays): rows alone equal the batch."""
    pytest.importorskip("holidays")
    columns = ["naive", "paris"]
    embedder = TemporalEmbedder(holidays="FR").fit(time_data["fit"][columns])
    assert "naive_days_to_holiday" in embedder.get_feature_names_out()
    batch = time_data["batch"][columns]
    assert_served_like_the_batch(embedder, batch, row_selections(time_data["rows"]))


@pytest.mark.parametrize("method", ["cyclical", "spline"])
def test_temporal_polars_rows_alone_equal_the_batch(method, time_data):
    """Polars Datetime columns, naive and aware: rows alone equal the polars batch."""
    pl = pytest.importorskip("polars")
    columns = ["naive", "paris", "ny"]
    fit = pl.from_pandas(time_data["fit"][columns])
    batch = pl.from_pandas(time_data["batch"][columns])
    embedder = TemporalEmbedder(method=method).fit(fit)
    assert_served_like_the_batch(embedder, batch, row_selections(time_data["rows"]))


# --- sequences: data -------------------------------------------------------------------------

K_FIT = 10_000


def sequence_frame(rng, n_rows):
    """Events in time order: group ``g`` (one group holds 45% of the rows, so its
    positions pass 4,096 in fit; new groups keep appearing), a second key ``h`` with
    missing values, naive ``t`` and Paris ``ta`` (some NaT) instants, when each target
    became known, tokens, position columns, and a target."""
    row = np.arange(n_rows)
    draw = rng.random(n_rows)
    spread = 2 + (rng.random(n_rows) * (10 + row / 8)).astype(np.int64)
    t = START + np.sort(rng.integers(0, TWO_YEARS, n_rows)).astype("timedelta64[s]")
    items = rng.integers(0, 500, n_rows)
    frame = pd.DataFrame(
        {
            "g": np.where(draw < 0.45, 0, np.where(draw < 0.55, 1, spread)),
            "h": pd.Series(rng.choice(np.array(["x", "y", None], dtype=object), n_rows)),
            "t": t,
            "ta": pd.Series(t).dt.tz_localize("UTC").dt.tz_convert("Europe/Paris"),
            "known": t + rng.integers(60, 3 * 86_400, n_rows).astype("timedelta64[s]"),
            "item": items,
            "w": pd.Series(STRINGS[items // 20]),
            "s": pd.Series(np.where(rng.random(n_rows) < 0.02, None, STRINGS[items % 400])),
            "p": rng.integers(0, 3_000, n_rows),
            "P": rng.integers(0, 10**9, n_rows),
            "pf": rng.integers(0, 20_000, n_rows).astype(float),
        }
    )
    frame.loc[rng.random(n_rows) < 0.005, "ta"] = pd.NaT
    # The groups again as a float key, with NaN keys (one group of their own).
    frame["gf"] = np.where(rng.random(n_rows) < 0.01, np.nan, frame["g"] / 4)
    y = items % 5 + rng.normal(size=n_rows)
    return frame, y


def first_rows(fit, batch, keys):
    """Positions of the batch's rows that are the first of their group in it: of groups
    fit saw, and of new groups (keys compared as text, missing keys alike)."""

    def labels(frame):
        return np.array([repr(key) for key in frame[keys].itertuples(index=False)])

    in_batch = labels(batch)
    first = np.flatnonzero(~pd.Series(in_batch).duplicated().to_numpy())
    seen = np.isin(in_batch[first], np.unique(labels(fit)))
    return first[seen], first[~seen]


def first_of_group_selections(fit, batch, keys):
    """Rows alone, in twos and in sevens, no two of one group, each the first of its
    group in the batch: continuing groups, new ones, and the last group to appear."""
    continuing, new = first_rows(fit, batch, keys)
    assert continuing.size >= 7 and new.size >= 7
    every = np.sort(np.r_[continuing, new])
    singles = [*continuing[:3], continuing[-1], *new[:3], new[-1], every[-1]]
    return [
        *[[int(r)] for r in dict.fromkeys(singles)],
        [int(continuing[0]), int(new[0])],
        [int(new[-1]), int(continuing[1])],
        every[np.linspace(0, every.size - 1, 7).astype(int)].tolist(),
        [int(r) for r in np.r_[new[:3], continuing[:4]]],
    ]


@pytest.fixture(scope="module")
def sequence_data():
    """Fit rows ``X[:k]`` with their targets, the 20,000 rows after them, and the
    selections of first rows by key columns."""
    rng = np.random.default_rng(29)
    X, y = sequence_frame(rng, K_FIT + N_BIG)
    fit, batch = X.iloc[:K_FIT], X.iloc[K_FIT:]
    assert (fit["g"] == 0).sum() > 4_096
    selections = {
        keys: first_of_group_selections(fit, batch, list(keys))
        for keys in [("g",), ("g", "h"), ("gf",)]
    }
    return {"fit": fit, "y": y[:K_FIT], "batch": batch, "first": selections}


class SequenceCase:
    """An estimator of a sequence table, its input columns, and which rows alone must
    equal the batch: the first of their group (``keys``), any (``"any"``), or only
    prefixes (``None``)."""

    def __init__(self, name, make, columns, keys, with_y=False):
        self.name, self.make, self.columns = name, make, columns
        self.keys, self.with_y = keys, with_y

    def __repr__(self):
        return self.name

    def fit(self, data):
        y = data["y"] if self.with_y else None
        return self.make().fit(data["fit"][self.columns], y)

    def selections(self, data):
        if self.keys is None:
            return PREFIXES
        if self.keys == "any":
            return [*row_selections([0, 1, 17, 999, 3_333, N_MID - 1, N_BIG - 1]), *PREFIXES]
        return [*data["first"][self.keys], *PREFIXES]


POSITION_METHODS = {
    "sinusoidal": {"embedding_dim": 6},
    "random": {
        "embedding_dim": 4,
        "method": "random",
        "max_position": 5_000,
        "random_state": 0,
    },
    "scalar": {"method": "scalar"},
    "decay": {"embedding_dim": 5, "method": "decay"},
}
POSITION_SOURCES = {
    "within": ({}, ["g"], ("g",)),
    "within-two-keys-float32": ({"dtype": "float32"}, ["g", "h"], ("g", "h")),
    "within-ignore": ({"history": "ignore"}, ["g"], ("g",)),
    "within-float-key": ({}, ["gf"], ("gf",)),
    "global": ({"positions": "global"}, ["g"], None),
    "from-column": ({"positions": "from_column"}, ["p", "P", "pf"], "any"),
}


def _position_case(method, source):
    params, columns, keys = POSITION_SOURCES[source]
    all_params = {**POSITION_METHODS[method], **params}
    return SequenceCase(
        f"position-{method}-{source}",
        lambda: PositionEmbedder(**all_params),
        columns,
        keys,
    )


POSITION_CASES = [
    _position_case(method, source) for method in POSITION_METHODS for source in POSITION_SOURCES
] + [
    SequenceCase(
        "position-random-learned-max",
        lambda: PositionEmbedder(3, method="random", random_state=0),
        ["g"],
        ("g",),
    ),
    SequenceCase(
        "position-random-beyond-zeros",
        lambda: PositionEmbedder(
            3, method="random", max_position=50, beyond_max="zeros", random_state=0
        ),
        ["g", "h"],
        ("g", "h"),
    ),
]


def _recency_case(method):
    return SequenceCase(
        f"temporal-recency-{method}",
        lambda: TemporalEmbedder(method=method, group_columns=["g", "h"], random_state=0),
        ["t", "ta", "g", "h"],
        ("g", "h"),
    )


TEMPORAL_RECENCY_CASES = [_recency_case(method) for method in TEMPORAL_METHODS] + [
    SequenceCase(
        "temporal-recency-hour",
        lambda: TemporalEmbedder(2, features=["hour"], group_columns="g"),
        ["t", "g"],
        ("g",),
    ),
    SequenceCase(
        "temporal-recency-ignore",
        lambda: TemporalEmbedder(
            features=["hour", "weekday"], group_columns="g", history="ignore"
        ),
        ["ta", "g"],
        ("g",),
    ),
]

HISTORY_CASES = [
    SequenceCase(
        "history-default",
        lambda: HistoryEmbedder("g", random_state=0),
        ["item", "s", "g"],
        ("g",),
    ),
    SequenceCase(
        "history-target",
        lambda: HistoryEmbedder("g", smoothing=5.0, half_lives=(2.0, 16.0), random_state=0),
        ["item", "s", "g"],
        ("g",),
        with_y=True,
    ),
    SequenceCase(
        "history-time",
        lambda: HistoryEmbedder(
            "g", time_column="t", time_half_lives=["1h", "7D"], random_state=0
        ),
        ["item", "t", "g"],
        ("g",),
        with_y=True,
    ),
    SequenceCase(
        "history-known",
        lambda: HistoryEmbedder(
            "g",
            time_column="t",
            known_column="known",
            time_half_lives=["1D"],
            random_state=0,
        ),
        ["item", "t", "known", "g"],
        ("g",),
        with_y=True,
    ),
    SequenceCase(
        "history-random-two-keys-float32",
        lambda: HistoryEmbedder(
            ["g", "h"],
            value_embedder=ValueEmbedder(4, method="random", random_state=0),
            last=3,
            half_lives=(2.0, 16.0),
            dtype="float32",
        ),
        ["item", "s", "g", "h"],
        ("g", "h"),
    ),
    SequenceCase(
        "history-cooccurrence",
        lambda: HistoryEmbedder(
            "g", value_embedder=ValueEmbedder(4, method="cooccurrence", random_state=0)
        ),
        ["w", "g"],
        ("g",),
    ),
    SequenceCase(
        "history-target-embedder",
        lambda: HistoryEmbedder("g", value_embedder=ValueEmbedder(3, method="target")),
        ["s", "g"],
        ("g",),
        with_y=True,
    ),
    SequenceCase(
        "history-ignore",
        lambda: HistoryEmbedder("g", history="ignore", random_state=0),
        ["item", "g"],
        ("g",),
        with_y=True,
    ),
    SequenceCase(
        "history-float-key",
        lambda: HistoryEmbedder("gf", last=2, random_state=0),
        ["item", "s", "gf"],
        ("gf",),
        with_y=True,
    ),
    SequenceCase(
        "history-one-sequence",
        lambda: HistoryEmbedder(random_state=0),
        ["item", "s"],
        None,
    ),
]

COMPOSED_CASES = [
    SequenceCase(
        "embedding-sum",
        lambda: EmbeddingSum(
            [
                ("value", ValueEmbedder(random_state=0), ["item"]),
                ("position", PositionEmbedder(), ["g"]),
                (
                    "temporal",
                    TemporalEmbedder(features=["hour", "weekday"], combine="sum"),
                    ["ta"],
                ),
            ],
            embedding_dim=4,
        ),
        ["item", "g", "ta"],
        ("g",),
    ),
    SequenceCase(
        "recipe",
        lambda: make_sequence_embedder(value=["item", "s"], position="g", temporal="t"),
        ["item", "s", "g", "t"],
        ("g",),
    ),
    SequenceCase(
        "recipe-decay-recency",
        lambda: make_sequence_embedder(
            value="item",
            position="g",
            temporal=["ta", "g"],
            position_embedder=PositionEmbedder(4, method="decay"),
            temporal_embedder=TemporalEmbedder(group_columns="g"),
        ),
        ["item", "g", "ta"],
        ("g",),
    ),
]

SEQUENCE_CASES = POSITION_CASES + TEMPORAL_RECENCY_CASES + HISTORY_CASES + COMPOSED_CASES
SEQUENCE_BY_NAME = {case.name: case for case in SEQUENCE_CASES}


@pytest.fixture(scope="module")
def fitted(sequence_data):
    """Each sequence case fitted once on ``X[:k]``, by name (transform writes no
    state, so the tests share them)."""
    cache = {}

    def get(case):
        if case.name not in cache:
            cache[case.name] = case.fit(sequence_data)
        return cache[case.name]

    return get


# --- sequences: tests ------------------------------------------------------------------------


@pytest.mark.parametrize("case", SEQUENCE_CASES, ids=repr)
def test_first_event_of_a_group_alone_equals_it_inside_the_batch(case, sequence_data, fitted):
    """Fitted on X[:k]: the first row of a group in X[k:] (a continuing group or a new
    one), alone or with first rows of other groups, equals that row inside
    transform(X[k:]); so does every prefix of X[k:]. Position columns: any rows."""
    embedder = fitted(case)
    batch = sequence_data["batch"][case.columns]
    assert_served_like_the_batch(embedder, batch, case.selections(sequence_data))


def test_pipeline_predicts_a_first_event_alone_as_inside_the_batch(sequence_data):
    """Pipeline(make_sequence_embedder, Ridge) fitted on X[:k] predicts the first row
    of a group in X[k:] (the last group to appear among them) alone as inside
    X[k:]."""
    columns = ["item", "s", "g", "t"]
    pipe = make_pipeline(
        make_sequence_embedder(value=["item", "s"], position="g", temporal="t"), Ridge()
    )
    pipe.fit(sequence_data["fit"][columns], sequence_data["y"])
    batch = sequence_data["batch"][columns]
    inside = pipe.predict(batch)
    continuing, new = first_rows(sequence_data["fit"], batch, ["g"])
    last = int(max(continuing.max(), new.max()))
    features = pipe[0].transform(batch)
    for positions in [[last], [int(continuing[0])], [int(new[0])], [last, int(new[0])]]:
        served = take(batch, positions)
        assert_array_equal(pipe[0].transform(served), features[positions])
        # The features are bit-identical; Ridge's X @ coef is not: BLAS sums a one-row
        # product in another order than a 20,000-row one (numpy alone, on random
        # matrices, differs in the last bit on most rows).
        alone = pipe.predict(served)
        assert_allclose(alone, inside[positions], rtol=0, atol=1e-12, err_msg=f"{positions}")


@pytest.mark.parametrize(
    "name",
    [
        "position-sinusoidal-within",
        "position-decay-within-two-keys-float32",
        "temporal-recency-cyclical",
        "history-target",
    ],
)
def test_polars_first_event_alone_equals_it_inside_the_batch(name, sequence_data):
    """Polars frames: a group's first row in X[k:] alone equals it inside the polars
    batch, after a fit on polars X[:k]."""
    pl = pytest.importorskip("polars")
    case = SEQUENCE_BY_NAME[name]
    fit = pl.from_pandas(sequence_data["fit"][case.columns])
    y = sequence_data["y"] if case.with_y else None
    embedder = case.make().fit(fit, y)
    batch = pl.from_pandas(sequence_data["batch"][case.columns])
    assert_served_like_the_batch(embedder, batch, case.selections(sequence_data))


def records(X, positions):
    """The rows at ``positions`` as a new frame built from their records, as a
    service builds one from a request: dtypes are inferred again (categories become
    strings, nullable columns objects or floats, units and zones as pandas infers)."""
    return pd.DataFrame(take(X, positions).to_dict("records"))


@pytest.mark.parametrize("method", ["random", "hashing", "target"])
def test_value_rows_rebuilt_from_records_equal_the_batch(method, value_data):
    """One row, or seven, rebuilt from their records (plain Python values, dtypes
    inferred again) get the vectors they get inside the batch."""
    embedder = value_embedder(method).fit(value_data["fit"][TOKEN_COLUMNS], value_data["y"])
    batch = value_data["batch"][TOKEN_COLUMNS]
    expected = embedder.transform(batch)
    rows = value_data["rows"]
    for positions in [*[[r] for r in rows], rows[:7]]:
        served = embedder.transform(records(batch, positions))
        assert_array_equal(served, expected[positions], err_msg=f"records of rows {positions}")


@pytest.mark.parametrize("config", ["auto", "fields-nan"])
def test_temporal_rows_rebuilt_from_records_equal_the_batch(config, time_data):
    """Timestamps rebuilt from records (pd.Timestamp objects, aware ones in their
    zone) get the features they get inside the batch."""
    embedder, columns = temporal_case("cyclical", config)
    embedder.fit(time_data["fit"][columns])
    batch = time_data["batch"][columns]
    expected = embedder.transform(batch)
    rows = time_data["rows"]
    for positions in [*[[r] for r in rows], rows[:7]]:
        served = embedder.transform(records(batch, positions))
        assert_array_equal(served, expected[positions], err_msg=f"records of rows {positions}")


# --- pandas output and zero rows -------------------------------------------------------------


def _fitted_value(value_data):
    embedder = value_embedder("random").fit(value_data["fit"][TOKEN_COLUMNS])
    return embedder, value_data["batch"][TOKEN_COLUMNS], value_data["rows"][:6]


def _fitted_temporal(time_data):
    embedder, columns = temporal_case("cyclical", "auto")
    embedder.fit(time_data["fit"][columns])
    return embedder, time_data["batch"][columns], time_data["rows"][:6]


OUTPUT_CASES = ["value", "temporal"] + [
    case.name
    for case in SEQUENCE_CASES
    if case.name
    in {
        "position-sinusoidal-within",
        "position-scalar-from-column",
        "temporal-recency-cyclical",
        "history-target",
        "embedding-sum",
        "recipe",
    }
]


@pytest.fixture
def served(value_data, time_data, sequence_data, fitted):
    """(fitted estimator, batch, rows that alone equal the batch) by case name."""

    def get(name):
        if name == "value":
            return _fitted_value(value_data)
        if name == "temporal":
            return _fitted_temporal(time_data)
        case = SEQUENCE_BY_NAME[name]
        selections = case.selections(sequence_data)
        rows = [positions[0] for positions in selections if len(positions) == 1]
        return fitted(case), sequence_data["batch"][case.columns], rows[:6]

    return get


@pytest.mark.parametrize("name", OUTPUT_CASES)
def test_pandas_output_of_one_row_has_the_batch_names_and_values(name, served):
    """set_output(transform="pandas"): one row alone has the batch's column names,
    dtypes and values, and keeps its index."""
    embedder, batch, rows = served(name)
    embedder = copy.deepcopy(embedder).set_output(transform="pandas")
    whole = embedder.transform(batch)
    assert isinstance(whole, pd.DataFrame)
    assert whole.columns.tolist() == embedder.get_feature_names_out().tolist()
    for row in rows:
        one = embedder.transform(take(batch, [row]))
        assert isinstance(one, pd.DataFrame)
        assert one.columns.tolist() == whole.columns.tolist()
        assert one.dtypes.tolist() == whole.dtypes.tolist()
        assert one.index.tolist() == [batch.index[row]]
        assert_array_equal(one.to_numpy(), whole.iloc[[row]].to_numpy(), err_msg=f"row {row}")


ZERO_ROW_CASES = (
    [f"value-{method}" for method in VALUE_METHODS]
    + [f"temporal-{config}" for config in TEMPORAL_CONFIGS]
    + [case.name for case in SEQUENCE_CASES]
)


@pytest.mark.parametrize("name", ZERO_ROW_CASES)
def test_zero_rows_give_zero_rows_of_every_feature(
    name, value_data, time_data, sequence_data, fitted
):
    """transform of no rows returns shape (0, n_features_out), in the batch's dtype."""
    if name in SEQUENCE_BY_NAME:
        case = SEQUENCE_BY_NAME[name]
        embedder, batch = fitted(case), sequence_data["batch"][case.columns]
    elif name.startswith("value-"):
        method = name.removeprefix("value-")
        columns = value_columns(method)
        embedder = value_embedder(method).fit(value_data["fit"][columns], value_data["y"])
        batch = value_data["batch"][columns]
    else:
        embedder, columns = temporal_case("cyclical", name.removeprefix("temporal-"))
        embedder.fit(time_data["fit"][columns])
        batch = time_data["batch"][columns]
    n_features_out = len(embedder.get_feature_names_out())
    empty = embedder.transform(batch.iloc[:0])
    assert empty.shape == (0, n_features_out)
    assert empty.dtype == embedder.transform(batch.iloc[:1]).dtype
