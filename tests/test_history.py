"""HistoryEmbedder: every feature against a loop over rows written out here, the as-of
properties (causality, continuation, serving, partial_fit) over random tables on
pandas and polars, and the errors."""

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from sk_seqembed import HistoryEmbedder, ValueEmbedder


def event_table(n_rows, n_groups, n_tokens, seed, *, time=True):
    rng = np.random.default_rng(seed)
    frame = {
        "item": rng.integers(0, n_tokens, n_rows),
        "user": rng.integers(0, n_groups, n_rows),
    }
    if time:
        seconds = np.sort(rng.integers(0, 30 * 86400, n_rows))
        frame["when"] = pd.Timestamp("2024-03-01") + pd.to_timedelta(seconds, unit="s")
    return pd.DataFrame(frame), rng.normal(size=n_rows)


def reference(X, y, vectors, *, half_life, time_half_life, last, smoothing, prior):
    """Every feature of every row by a loop over rows: for each row, the earlier rows
    of its group (and of its token) read one by one, the formulas written out."""
    rows = []
    n_rows = len(X)
    seconds = (X["when"] - pd.Timestamp("1970-01-01")).dt.total_seconds().to_numpy()
    for i in range(n_rows):
        group = X["user"].to_numpy()
        item = X["item"].to_numpy()
        earlier = [j for j in range(i) if group[j] == group[i]]
        n = len(earlier)
        features = [np.log1p(n)]
        vec = vectors[earlier]
        features += list(vec.mean(axis=0) if n else np.zeros(vectors.shape[1]))
        # Decayed means: weights 2**-(rows between) and 2**-(seconds / half-life).
        w = 2.0 ** -((n - np.arange(n)) / half_life)
        features += list((w @ vec) / w.sum() if n else np.zeros(vectors.shape[1]))
        w_time = 2.0 ** -((seconds[i] - seconds[earlier]) / time_half_life)
        features += list((w_time @ vec) / w_time.sum() if n else np.zeros(vectors.shape[1]))
        for k in range(1, last + 1):
            features += list(vectors[earlier[-k]] if n >= k else np.zeros(vectors.shape[1]))
        if y is not None:
            ys = y[earlier]
            features.append((ys.sum() + smoothing * prior) / (n + smoothing))
            features.append((w @ ys + smoothing * prior) / (w.sum() + smoothing))
            features.append((w_time @ ys + smoothing * prior) / (w_time.sum() + smoothing))
        same = [j for j in earlier if item[j] == item[i]]
        features.append(np.log1p(len(same)))
        features.append(np.log1p(seconds[i] - seconds[same[-1]]) if same else 0.0)
        if y is not None:
            token_rows = [j for j in range(i) if item[j] == item[i]]
            features.append(
                (y[token_rows].sum() + smoothing * prior) / (len(token_rows) + smoothing)
            )
        rows.append(features)
    return np.asarray(rows)


@pytest.mark.parametrize("with_y", [False, True], ids=["no-y", "y"])
def test_every_feature_equals_a_loop_over_rows(with_y):
    X, y = event_table(150, 6, 9, seed=0)
    embedder = HistoryEmbedder(
        group_columns="user",
        time_column="when",
        embedding_dim=3,
        half_lives=(2.5,),
        time_half_lives=["2D"],
        last=2,
        smoothing=3.0,
        random_state=0,
    )
    got = embedder.fit_transform(X, y if with_y else None)
    vectors = embedder.value_embedder_.transform(X[["item", "user"]])
    expected = reference(
        X,
        y if with_y else None,
        vectors,
        half_life=2.5,
        time_half_life=2 * 86400,
        last=2,
        smoothing=3.0,
        prior=y.mean(),
    )
    assert got.shape == expected.shape == (150, len(embedder.get_feature_names_out()))
    assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_no_row_ever_sees_its_own_target_or_later_ones():
    """Changing row i's target changes no feature of rows 0..i (fit_transform), only
    later rows' (except through the prior, held fixed here by a balancing change)."""
    X, y = event_table(120, 4, 5, seed=1, time=False)
    make = lambda: HistoryEmbedder(group_columns="user", random_state=0)  # noqa: E731
    base = make().fit_transform(X, y)
    for i in (0, 37, 119):
        moved = y.copy()
        moved[i] += 100.0
        moved[(i + 1) % len(y) if i < len(y) - 1 else 0] -= 100.0  # same prior
        got = make().fit_transform(X, moved)
        upto = min(i, (i + 1) % len(y)) + 1 if i < len(y) - 1 else 1
        assert_allclose(got[:upto], base[:upto], atol=1e-12)


def test_transform_continues_from_fit_and_partial_fit_advances_the_state():
    X, y = event_table(400, 12, 20, seed=2)
    make = lambda: HistoryEmbedder(  # noqa: E731
        group_columns="user",
        time_column="when",
        time_half_lives=["1D"],
        last=2,
        random_state=0,
    )
    whole = make().fit_transform(X)
    for k in (1, 150, 399):
        assert_allclose(make().fit(X[:k]).transform(X[k:]), whole[k:], atol=1e-12)
    # With y: fit + two partial_fit equal one fit on everything, for the next rows.
    later = X.assign(when=X["when"] + pd.Timedelta(days=40))[:50]
    stepped = make().fit(X[:100], y[:100])
    stepped.partial_fit(X[100:300], y[100:300]).partial_fit(X[300:], y[300:])
    at_once = make().fit(X, y)
    assert_allclose(stepped.transform(later), at_once.transform(later), atol=1e-12)
    assert stepped.prior_ == pytest.approx(y.mean())


def test_one_event_served_alone_equals_it_in_its_frame_after_observing_the_frame():
    X, y = event_table(300, 8, 10, seed=3)
    embedder = HistoryEmbedder(group_columns="user", time_column="when", random_state=0)
    embedder.fit(X[:200], y[:200])
    frame = embedder.transform(X[200:260])
    for i in (0, 17, 59):
        probe = HistoryEmbedder(group_columns="user", time_column="when", random_state=0)
        probe.fit(X[:200], y[:200])
        if i:
            # Serving: the frame's earlier events are observed before this one.
            probe.partial_fit(X[200 : 200 + i], y[200 : 200 + i])
        alone = probe.transform(X[200 + i : 201 + i])
        # Target statistics differ by design: the observed rows brought their y.
        sequence = ["target" not in name for name in probe.get_feature_names_out()]
        assert_allclose(alone[0, sequence], frame[i, sequence], atol=1e-12)


def test_the_fitted_table_again_gets_its_in_frame_sequence_features():
    X, y = event_table(200, 5, 7, seed=4, time=False)
    embedder = HistoryEmbedder(group_columns="user", random_state=0).fit(X, y)
    names = embedder.get_feature_names_out()
    sequence = ["target" not in name for name in names]
    replayed = embedder.transform(X)
    in_frame = HistoryEmbedder(group_columns="user", random_state=0).fit_transform(X)
    assert_allclose(replayed[:, sequence], in_frame, atol=1e-12)
    # Target statistics on a replay come from the state (every target fit saw).
    user_means = (pd.Series(y).groupby(X["user"]).sum() + 10 * y.mean()) / (
        X["user"].value_counts() + 10
    )
    target = list(names).index("target_mean")
    assert_allclose(replayed[:, target], user_means[X["user"]].to_numpy(), atol=1e-12)


def test_defaults_on_one_token_column_and_a_group_and_polars_equal_pandas():
    X, _ = event_table(300, 10, 30, seed=5, time=False)
    got = HistoryEmbedder(group_columns="user", random_state=0).fit_transform(X)
    assert got.shape == (300, 1 + 8 + 8 + 8 + 2)
    assert np.isfinite(got).all()
    from_polars = HistoryEmbedder(group_columns="user", random_state=0).fit_transform(
        pl.from_pandas(X)
    )
    assert_allclose(from_polars, got, atol=1e-12)


def test_whole_table_as_one_sequence_and_numpy_input():
    X, _ = event_table(50, 1, 4, seed=6, time=False)
    one = HistoryEmbedder(random_state=0, mean=False, half_lives=(), last=0)
    got = one.fit_transform(X[["item"]])
    assert_allclose(got[:, 0], np.log1p(np.arange(50)))
    counts = X.groupby("item").cumcount().to_numpy()
    assert_allclose(got[:, 1], np.log1p(counts))
    arrays = HistoryEmbedder(group_columns=1, random_state=0).fit_transform(
        X[["item", "user"]].to_numpy()
    )
    frames = HistoryEmbedder(group_columns="user", random_state=0).fit_transform(
        X[["item", "user"]]
    )
    assert_allclose(arrays, frames)


def test_any_value_embedder_and_float32_and_pandas_output():
    X, y = event_table(120, 5, 6, seed=7, time=False)
    embedder = HistoryEmbedder(
        group_columns="user",
        value_embedder=ValueEmbedder(4, method="target", cv=3, random_state=0),
        dtype="float32",
    ).set_output(transform="pandas")
    out = embedder.fit_transform(X, y)
    assert isinstance(out, pd.DataFrame) and out.dtypes.eq(np.float32).all()
    assert list(out.columns) == list(embedder.get_feature_names_out())
    assert "item_emb0_mean" in out.columns and "item_target_mean" in out.columns


def test_decayed_means_stay_exact_in_very_long_sequences():
    """A group of 20,000 rows with a half-life of 1 row spans 20,000 half-lives, far
    beyond float64's 2**1023: the blocked scan keeps every decayed mean exact."""
    n_rows = 20_000
    X = pd.DataFrame({"item": np.arange(n_rows) % 3, "user": 0})
    embedder = HistoryEmbedder(
        group_columns="user",
        value_embedder=ValueEmbedder(
            1, method="pretrained", vectors={0: [0.0], 1: [1.0], 2: [2.0]}
        ),
        mean=False,
        half_lives=(1.0,),
        last=0,
        repeats=False,
    )
    got = embedder.fit_transform(X)[:, 1]
    # The periodic sequence 0, 1, 2, ...: its decayed mean is a closed form.
    values = np.arange(n_rows) % 3
    expected = np.zeros(n_rows)
    s = w = 0.0
    for i in range(n_rows):
        expected[i] = s / w if w else 0.0
        s, w = 0.5 * (s + values[i]), 0.5 * (w + 1.0)
    assert np.isfinite(got).all()
    assert_allclose(got, expected, atol=1e-12)


def test_in_a_pipeline_with_ridge_it_learns_a_planted_taste():
    """Each user prefers one item; y is that preference's value. The mean of earlier
    vectors (and the ordered target mean) carry it; the row's own token does not."""
    rng = np.random.default_rng(8)
    n_rows, n_users = 4000, 200
    taste = rng.normal(size=n_users)
    users = rng.integers(0, n_users, n_rows)
    X = pd.DataFrame({"item": rng.integers(0, 50, n_rows), "user": users})
    y = taste[users] + 0.3 * rng.normal(size=n_rows)
    model = make_pipeline(HistoryEmbedder(group_columns="user", random_state=0), Ridge())
    model.fit(X[:3000], y[:3000])
    assert model.score(X[3000:], y[3000:]) > 0.6


@settings(max_examples=25, deadline=None)
@given(
    n_rows=st.integers(2, 60),
    n_groups=st.integers(1, 6),
    split=st.floats(0.05, 0.95),
    backend=st.sampled_from(["pandas", "polars"]),
    seed=st.integers(0, 1000),
)
def test_property_split_append_and_partial_fit(n_rows, n_groups, split, backend, seed):
    X, y = event_table(n_rows, n_groups, 4, seed)
    k = max(1, min(n_rows - 1, int(split * n_rows)))
    convert = pl.from_pandas if backend == "polars" else (lambda frame: frame)
    make = lambda: HistoryEmbedder(  # noqa: E731
        group_columns="user",
        time_column="when",
        time_half_lives=["3h"],
        last=2,
        random_state=0,
    )
    whole = make().fit_transform(convert(X))
    # Continuation: fit on the first k rows, transform the rest.
    assert_allclose(make().fit(convert(X[:k])).transform(convert(X[k:])), whole[k:], atol=1e-9)
    # Causality: later rows appended change no earlier row.
    longer = pd.concat([X, X.assign(when=X["when"].max())], ignore_index=True)
    assert_allclose(make().fit_transform(convert(longer))[:n_rows], whole, atol=1e-9)
    # partial_fit over two batches equals one fit, for the sequence state and targets.
    stepped = make().fit(convert(X[:k]), y[:k]).partial_fit(convert(X[k:]), y[k:])
    at_once = make().fit(convert(X), y)
    probe = convert(X[-1:].assign(when=X["when"].max() + pd.Timedelta(hours=1)))
    assert_allclose(stepped.transform(probe), at_once.transform(probe), atol=1e-9)


@pytest.mark.parametrize(
    "params, fit_args, error, match",
    [
        ({"group_columns": "user"}, {"y": [np.nan, 1.0, 2.0]}, ValueError, "y holds a missing"),
        (
            {"group_columns": "user", "time_half_lives": ["1h"]},
            {},
            ValueError,
            "needs time_column",
        ),
        (
            {"group_columns": "user", "time_column": "code"},
            {},
            TypeError,
            "must hold datetimes",
        ),
        ({"group_columns": ["user", "item", "code"]}, {}, ValueError, "one token column"),
        ({"group_columns": "user", "half_lives": (0,)}, {}, ValueError, "positive numbers"),
        ({"group_columns": "user", "max_state_bytes": 10}, {}, MemoryError, "max_state_bytes"),
    ],
    ids=[
        "nan-y",
        "time-decay-without-time",
        "time-not-datetime",
        "no-token",
        "zero-half-life",
        "state-budget",
    ],
)
def test_bad_inputs_are_refused_by_name(params, fit_args, error, match):
    X = pd.DataFrame({"item": [1, 2, 1], "user": ["a", "b", "a"], "code": [5, 6, 7]})
    with pytest.raises(error, match=match):
        HistoryEmbedder(**params).fit(X, **fit_args)


def test_missing_time_and_partial_fit_without_y_are_refused():
    X = pd.DataFrame(
        {
            "item": [1, 2, 1],
            "user": ["a", "b", "a"],
            "when": pd.to_datetime(["2024-01-01", None, "2024-01-02"]),
        }
    )
    with pytest.raises(
        ValueError, match="time_column 'when' has a missing instant \\(row 1\\)"
    ):
        HistoryEmbedder(group_columns="user", time_column="when").fit(X)
    fitted = HistoryEmbedder(group_columns="user").fit(X[["item", "user"]], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="partial_fit needs the targets"):
        fitted.partial_fit(X[["item", "user"]])


def test_unseen_tokens_and_missing_tokens_and_keys():
    """Hashing gives unseen tokens their own vector; a missing token is a token of its
    own for repeats; missing keys form one group."""
    X = pd.DataFrame({"item": ["a", None, None, "b"], "user": [1.0, np.nan, np.nan, 1.0]})
    embedder = HistoryEmbedder(group_columns="user", random_state=0, last=0, half_lives=())
    got = embedder.fit_transform(X)
    names = list(embedder.get_feature_names_out())
    assert_array_equal(got[:, names.index("n_earlier")], np.log1p([0, 0, 1, 1]))
    assert_array_equal(got[:, names.index("item_repeats")], np.log1p([0, 0, 1, 0]))
    later = embedder.transform(pd.DataFrame({"item": ["never seen"], "user": [1.0]}))
    assert np.isfinite(later).all() and later[0, 0] == pytest.approx(np.log1p(2))


def test_known_column_statistics_use_only_targets_known_before_each_row():
    """With known_column, a row's target statistics and pending count come from the
    rows of its group whose target was known strictly before the row's instant,
    written out as a loop over rows; decays count from when each became known."""
    rng = np.random.default_rng(9)
    n_rows = 200
    asked = np.sort(rng.integers(0, 5 * 86400, n_rows)).astype(float)
    lag = rng.exponential(3 * 3600, n_rows)
    X = pd.DataFrame(
        {
            "dest": rng.integers(0, 5, n_rows),
            "origin": rng.integers(0, 3, n_rows),
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(asked, unit="s"),
            "known": pd.Timestamp("2024-01-01") + pd.to_timedelta(asked + 1 + lag, unit="s"),
        }
    )
    y = rng.normal(size=n_rows)
    m, half_life = 4.0, 7200.0
    embedder = HistoryEmbedder(
        group_columns="origin",
        time_column="when",
        known_column="known",
        time_half_lives=["2h"],
        smoothing=m,
        repeats=False,
        mean=False,
        half_lives=(),
        last=0,
        random_state=0,
    )
    got = embedder.fit_transform(X, y)
    names = list(embedder.get_feature_names_out())
    assert names[-4:] == ["target_mean", "target_decay7200s", "pending", "dest_target_mean"]
    known_at = asked + 1 + lag
    prior = y.mean()
    for i in range(n_rows):
        same = X["origin"].to_numpy() == X["origin"].to_numpy()[i]
        seen = same & (known_at < asked[i])
        weights = 2.0 ** (-(asked[i] - known_at[seen]) / half_life)
        expected_mean = (y[seen].sum() + m * prior) / (seen.sum() + m)
        expected_decay = (weights @ y[seen] + m * prior) / (weights.sum() + m)
        pending = (same[:i]).sum() - seen.sum()
        token = (X["dest"].to_numpy() == X["dest"].to_numpy()[i]) & (known_at < asked[i])
        expected_token = (y[token].sum() + m * prior) / (token.sum() + m)
        assert_allclose(
            got[i, -4:],
            [expected_mean, expected_decay, np.log1p(pending), expected_token],
            rtol=1e-9,
            atol=1e-12,
        )
