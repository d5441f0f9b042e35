"""ValueEmbedder: values checked against formulas written out, numpy and sklearn."""

import copy
import datetime
import json
import math
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from pandas.testing import assert_frame_equal
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sk_seqembed import ValueEmbedder
from sk_seqembed.datasets import make_event_log
from tests.conftest import BIG, INT64_MAX, INT64_MIN, frame, value

# --- tokens ---------------------------------------------------------------------------


def test_same_token_same_vector_distinct_tokens_distinct_vectors(backend, fit_transform):
    """Rows with one token share a vector; huge, negative and small ids all differ."""
    tokens = [BIG, 2**62, -7, 0, BIG, -7]
    X = backend.frame({"id": tokens})
    out = fit_transform(ValueEmbedder(8, random_state=0), X)
    assert out.shape == (6, 8)
    assert_array_equal(out[0], out[4])
    assert_array_equal(out[2], out[5])
    assert len({tuple(row) for row in out}) == 4


@pytest.mark.parametrize("method", ["random", "hashing"])
def test_backends_give_identical_vectors(method):
    """pandas numpy/nullable/pyarrow and polars inputs embed identically."""
    pl = pytest.importorskip("polars")
    source = frame(item=["a", None, "b", "a"], n=pd.array([BIG, 3, None, 3], dtype="Int64"))
    frames = [
        source,
        source.convert_dtypes(dtype_backend="pyarrow"),
        source.astype({"item": object}),
        pl.from_pandas(source),
    ]
    embedder = ValueEmbedder(4, method=method, random_state=0).fit(frames[0])
    expected = embedder.transform(frames[0])
    for X in frames[1:]:
        assert_array_equal(embedder.transform(X), expected)
        assert_array_equal(
            ValueEmbedder(4, method=method, random_state=0).fit_transform(X), expected
        )


def test_booleans_never_collide_with_integers_or_strings():
    """True, 1 and "1" hash to three vectors; a vocabulary keeps booleans as booleans;
    a shared vocabulary refuses to mix kinds."""
    embedder = ValueEmbedder(6, method="hashing", random_state=0)
    flags = embedder.fit_transform(frame(t=[True, False]))
    ints = embedder.fit_transform(frame(t=[1, 0]))
    strings = embedder.fit_transform(frame(t=["1", "0"]))
    assert not np.isclose(flags, ints).any()
    assert not np.isclose(ints, strings).any()
    table = ValueEmbedder(2, random_state=0).fit(frame(t=[True, False])).embedding_table()
    assert table.index.tolist() == [False, True] and table.index.dtype == bool
    message = r"one kind: uniformly strings or numbers.*'a': 'boolean'"
    with pytest.raises(TypeError, match=message):
        ValueEmbedder(shared_vocabulary=True).fit(frame(a=[True, False], b=[1, 0]))


def _splitmix64(x):
    mask = 2**64 - 1
    z = (x + 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


@pytest.mark.parametrize("token", [0, 7, -1, 2**62 + 1])
def test_hashing_follows_the_documented_construction(token):
    """An integer token's vector, recomputed with Python ints from the documented steps:
    SplitMix64 of its bits xor the kind salt, xor the seed, lanes, Box-Muller."""
    seed, dim = 123, 5
    embedder = ValueEmbedder(dim, method="hashing", random_state=seed).fit(frame(t=[1]))
    out = embedder.transform(frame(t=[token]))[0]
    key = _splitmix64((token & (2**64 - 1)) ^ 0x243F6A8885A308D3)
    key = _splitmix64(key ^ embedder.hash_seed_)
    uniforms = [
        ((_splitmix64((key + lane * 0x9E3779B97F4A7C15) & (2**64 - 1)) >> 11) + 1) * 2.0**-53
        for lane in range(6)
    ]
    expected = []
    for pair in range(3):
        radius = math.sqrt(-2 * math.log(uniforms[2 * pair]))
        angle = 2 * math.pi * uniforms[2 * pair + 1]
        expected += [radius * math.cos(angle), radius * math.sin(angle)]
    assert_allclose(out, np.array(expected[:dim]) / math.sqrt(dim), rtol=1e-12)


def test_integral_floats_are_integer_tokens_and_others_raise():
    """1.0 is the token 1 (documented); 1.5 and inf raise naming the column."""
    embedder = ValueEmbedder(4, random_state=0).fit(frame(id=[1.0, 2.0, np.nan]))
    assert_array_equal(
        embedder.transform(frame(id=[1, 2])), embedder.transform(frame(id=[1.0, 2.0]))
    )
    with pytest.raises(
        ValueError,
        match=r"Column 'id' holds floats that are not integer token IDs, e\.g\. \[1\.5\]",
    ):
        ValueEmbedder().fit(frame(id=[1.0, 1.5]))
    with pytest.raises(ValueError, match=r"Input X contains infinity in column 'id'"):
        ValueEmbedder().fit(frame(id=[1.0, np.inf]))


def test_mixed_int_and_str_objects_raise_type_error():
    """An object column mixing ints and strings raises sklearn's TypeError wording."""
    with pytest.raises(
        TypeError, match=r"'mix'.*uniformly strings or numbers\. Got \['int', 'str'\]"
    ):
        ValueEmbedder().fit(frame(mix=pd.Series([1, "a"], dtype=object)))


def test_token_kind_change_at_transform_raises():
    """Fitting on integers and transforming strings is refused, naming the column."""
    embedder = ValueEmbedder().fit(frame(id=[1, 2]))
    with pytest.raises(TypeError, match=r"Column 'id' holds string tokens, but integer tokens"):
        embedder.transform(frame(id=["1", "2"]))


def test_unsupported_column_kind_raises():
    """Datetime columns are not token columns."""
    with pytest.raises(TypeError, match=r"Column 'when' has dtype datetime64.*token columns"):
        ValueEmbedder().fit(frame(when=pd.to_datetime(["2024-01-01"])))


def test_categorical_with_unused_categories():
    """Categoricals embed their values; an unused category is simply unseen."""
    X = frame(size=pd.Categorical(["s", "l", "s"], categories=["s", "m", "l"]))
    embedder = ValueEmbedder(3, random_state=0).fit(X)
    plain = ValueEmbedder(3, random_state=0).fit(frame(size=["s", "l", "s"]))
    assert_array_equal(embedder.transform(X), plain.transform(frame(size=["s", "l", "s"])))


# --- missing, unknown, infrequent --------------------------------------------------------


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_handle_missing_policies(missing):
    """'vector': a vector of its own; 'zeros': zeros; 'error': sklearn's NaN error."""
    X = frame(item=pd.Series(["a", missing, "b"], dtype=object))
    out = ValueEmbedder(4, random_state=0).fit_transform(X)
    assert np.abs(out[1]).sum() > 0
    assert not np.allclose(out[1], out[0]) and not np.allclose(out[1], out[2])
    out = ValueEmbedder(4, handle_missing="zeros", random_state=0).fit_transform(X)
    assert_array_equal(out[1], 0.0)
    with pytest.raises(
        ValueError, match=r"Input X contains NaN \(missing tokens\) in column 'item': 1 row"
    ):
        ValueEmbedder(handle_missing="error").fit(X)


def test_handle_unknown_policies():
    """'vector': one shared OOV vector; 'zeros'; 'error' names column and tokens."""
    train, test = frame(item=["a", "b", "a"]), frame(item=["zz", "yy", "a"])
    out = ValueEmbedder(4, random_state=0).fit(train).transform(test)
    assert_array_equal(out[0], out[1])
    assert not np.allclose(out[0], out[2])
    out = ValueEmbedder(4, handle_unknown="zeros").fit(train).transform(test)
    assert_array_equal(out[:2], 0.0)
    with pytest.raises(
        ValueError,
        match=r"Column 'item' has 2 row\(s\) with tokens unseen during fit: \['yy', 'zz'\]",
    ):
        ValueEmbedder(handle_unknown="error").fit(train).transform(test)


@pytest.mark.parametrize(
    "params", [{"min_frequency": 2}, {"min_frequency": 0.2}, {"max_tokens": 2}]
)
def test_infrequent_tokens_share_one_vector_used_for_unknown_too(params):
    """Rare tokens share the infrequent vector, which unknown tokens also get."""
    X = frame(item=["a"] * 4 + ["b"] * 3 + ["c", "d"])
    embedder = ValueEmbedder(4, random_state=0, **params).fit(X)
    assert embedder.infrequent_tokens_[0].tolist() == ["c", "d"]
    out = embedder.transform(frame(item=["c", "d", "never", "a"]))
    assert_array_equal(out[0], out[1])
    assert_array_equal(out[0], out[2])
    assert not np.allclose(out[0], out[3])
    assert embedder.embedding_table().index.tolist() == ["a", "b"]


def test_max_tokens_breaks_ties_by_token_order():
    """Among equally frequent tokens, the first in sorted order keep their rows."""
    embedder = ValueEmbedder(2, max_tokens=2).fit(frame(id=[5, 3, 9, 9]))
    assert embedder.infrequent_tokens_[0].tolist() == [5]


# --- methods ----------------------------------------------------------------------------


def test_random_table_is_reproducible_and_scaled():
    """An int seed reproduces the table; entries have variance 1/d."""
    X = frame(id=np.arange(20_000))
    first = ValueEmbedder(64, random_state=3).fit(X)
    second = ValueEmbedder(64, random_state=3).fit(X)
    assert_array_equal(first.embeddings_, second.embeddings_)
    table = first.embedding_table().to_numpy()
    assert table.std() == pytest.approx(1 / 8, rel=0.01)
    assert abs(table.mean()) < 1e-3
    different = ValueEmbedder(64, random_state=4).fit(X).embedding_table().to_numpy()
    assert not np.allclose(table, different)


def test_hashing_vectors_are_stable_across_processes_and_need_no_vocabulary(tmp_path):
    """A fresh interpreter with another hash seed computes the very same vectors."""
    tokens = ["tea", "cake", None, "ü"]
    embedder = ValueEmbedder(5, method="hashing", random_state=11).fit(frame(t=["x"]))
    local = embedder.transform(frame(t=tokens))
    output = tmp_path / "out.npy"
    code = textwrap.dedent(
        f"""
        import numpy as np, pandas as pd
        from sk_seqembed import ValueEmbedder
        embedder = ValueEmbedder(5, method="hashing", random_state=11)
        embedder.fit(pd.DataFrame({{"t": ["x"]}}))
        np.save({str(output)!r}, embedder.transform(pd.DataFrame({{"t": {tokens!r}}})))
        """
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert_array_equal(local, np.load(output))
    assert embedder.vocabularies_ is None and embedder.embeddings_ is None


def test_hashing_gives_unseen_tokens_their_own_gaussian_vectors():
    """Every token, seen or not, gets its own vector with N(0, 1/d) entries."""
    embedder = ValueEmbedder(16, method="hashing", random_state=0).fit(frame(id=[1]))
    out = embedder.transform(frame(id=np.arange(50_000)))
    assert len(np.unique(out, axis=0)) == 50_000
    assert out.std() == pytest.approx(0.25, rel=0.01)
    assert np.abs(np.corrcoef(out.T) - np.eye(16)).max() < 0.03


def _ppmi_reference(sequences, window, alpha, shift):
    """PPMI written out with dictionaries, from lists of token sequences."""
    counts = {}
    for sequence in sequences:
        for i, word in enumerate(sequence):
            for j, context in enumerate(sequence):
                distance = abs(i - j)
                if 0 < distance <= window:
                    key = (word, context)
                    counts[key] = counts.get(key, 0.0) + (window + 1 - distance) / window
    words = sorted({w for w, _ in counts})
    word_total = {w: sum(v for (a, _), v in counts.items() if a == w) for w in words}
    context_total = {c: sum(v for (_, b), v in counts.items() if b == c) for c in words}
    smoothed_sum = sum(total**alpha for total in context_total.values())
    matrix = np.zeros((len(words), len(words)))
    for (w, c), count in counts.items():
        pmi = np.log(count / word_total[w]) - np.log(context_total[c] ** alpha / smoothed_sum)
        matrix[words.index(w), words.index(c)] = max(pmi - np.log(shift), 0.0)
    return words, matrix


@pytest.mark.parametrize("window, shift", [(1, 1.0), (2, 1.0), (3, 1.5)])
def test_cooccurrence_matches_ppmi_and_svd_written_out(window, shift):
    """With full rank, W W^T equals M M^T for the PPMI matrix M computed by hand."""
    groups = [0, 1, 0, 0, 1, 1, 0, 1, 0]
    items = ["a", "b", "c", "a", "d", "b", "b", "a", "c"]
    sequences = [[t for g, t in zip(groups, items, strict=True) if g == k] for k in (0, 1)]
    words, matrix = _ppmi_reference(sequences, window, alpha=0.75, shift=shift)
    embedder = ValueEmbedder(
        8,
        method="cooccurrence",
        group_columns="session",
        window=window,
        shift=shift,
        eigenvalue_weight=1.0,
        normalize=False,
        random_state=0,
    ).fit(frame(session=groups, item=items))
    vectors = embedder.embedding_table().loc[words].to_numpy()
    u, s, _ = np.linalg.svd(matrix)
    assert_allclose(vectors @ vectors.T, (u * s) @ (u * s).T, atol=1e-10)
    assert_allclose(vectors @ vectors.T, matrix @ matrix.T, atol=1e-10)


def test_cooccurrence_windows_do_not_cross_groups():
    """Tokens that are only neighbours across a group boundary never co-occur."""
    X = frame(g=[0, 0, 1, 1], item=["a", "b", "c", "d"])
    embedder = ValueEmbedder(
        4, method="cooccurrence", group_columns=["g"], normalize=False
    ).fit(X)
    table = embedder.embedding_table()
    assert_allclose(table.loc["a"] @ table.loc["c"], 0.0, atol=1e-12)
    assert_allclose(table.loc["b"] @ table.loc["c"], 0.0, atol=1e-12)
    ungrouped = ValueEmbedder(4, method="cooccurrence", normalize=False).fit(X[["item"]])
    assert abs(ungrouped.embedding_table().loc["b"] @ ungrouped.embedding_table().loc["d"]) > 0


def _nearest_neighbour_purity(table, clusters):
    vectors = table.to_numpy() / np.linalg.norm(table.to_numpy(), axis=1, keepdims=True)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    labels = clusters.loc[table.index].to_numpy()
    return (labels[similarity.argmax(axis=1)] == labels).mean()


def test_cooccurrence_recovers_planted_clusters():
    """Nearest-neighbour cluster purity on make_event_log is at least 0.9 by default."""
    X, _, truth = make_event_log(random_state=0)
    embedder = ValueEmbedder(method="cooccurrence", group_columns="sequence_id", random_state=0)
    embedder.fit(X[["sequence_id", "item"]])
    assert _nearest_neighbour_purity(embedder.embedding_table(), truth.token_cluster) >= 0.9
    neighbours = embedder.most_similar(int(truth.token_cluster.index[0]), n=5)
    cluster = truth.token_cluster.iloc[0]
    assert (truth.token_cluster.loc[neighbours.index] == cluster).mean() >= 0.8


def test_cooccurrence_unknown_is_the_centroid_and_groups_may_be_any_key():
    """Unknown tokens get the centroid of the token vectors; float, datetime and
    multi-column group keys work, a missing key being a group of its own."""
    X = frame(
        day=pd.to_datetime(
            ["2024-01-01", "2024-01-01", None, None, "2024-01-02", "2024-01-02"]
        ),
        shop=[1.5, 1.5, 2.0, 2.0, 1.5, 1.5],
        item=["a", "b", "a", "c", "b", "c"],
    )
    embedder = ValueEmbedder(
        3,
        method="cooccurrence",
        group_columns=["day", "shop"],
        normalize=False,
        eigenvalue_weight=1.0,
    ).fit(X)
    table = embedder.embedding_table()
    assert_allclose(embedder.transform(X.assign(item="zz"))[0], table.to_numpy().mean(axis=0))
    # Pairs: (a, b) on day 1, (a, c) in the missing-day group, (b, c) on day 2.
    words, reference = _ppmi_reference([["a", "b"], ["a", "c"], ["b", "c"]], 5, 0.75, 1.0)
    vectors = table.loc[words].to_numpy()
    assert_allclose(vectors @ vectors.T, reference @ reference.T, atol=1e-10)


def test_cooccurrence_same_row_matches_counts_written_out():
    """same_row: each column's words also take the other column's token of the same
    row as context; column a's table is checked against its PPMI matrix by hand."""
    a = ["x", "y", "x", "z", "y"]
    b = ["p", "q", "p", "p", "q"]
    window, alpha = 1, 0.75
    counts = {}

    def add(word, context, weight):
        counts[(word, context)] = counts.get((word, context), 0.0) + weight

    for i, word in enumerate(a):
        for j in (i - 1, i + 1):
            if 0 <= j < len(a):
                add(word, ("a", a[j]), (window + 1 - abs(i - j)) / window)
        add(word, ("b", b[i]), 1.0)
    words = sorted(set(a))
    contexts = sorted({context for _, context in counts})
    matrix = np.zeros((len(words), len(contexts)))
    for (word, context), count in counts.items():
        matrix[words.index(word), contexts.index(context)] = count
    smoothed = matrix.sum(axis=0) ** alpha
    with np.errstate(divide="ignore"):
        pmi = np.log(matrix / matrix.sum(axis=1, keepdims=True) / (smoothed / smoothed.sum()))
    ppmi = np.maximum(pmi, 0.0)
    embedder = ValueEmbedder(
        8,
        method="cooccurrence",
        window=window,
        same_row=True,
        eigenvalue_weight=1.0,
        normalize=False,
    ).fit(frame(a=a, b=b))
    vectors = embedder.embedding_table("a").loc[words].to_numpy()
    assert_allclose(vectors @ vectors.T, ppmi @ ppmi.T, atol=1e-10)
    apart = ValueEmbedder(8, method="cooccurrence", window=window, normalize=False)
    apart = apart.set_params(eigenvalue_weight=1.0).fit(frame(a=a, b=b))
    assert not np.allclose(
        apart.embedding_table("a").to_numpy(), embedder.embedding_table("a").to_numpy()
    )


def test_target_cross_fitting_matches_hand_computed_means_and_fractions():
    """smooth=0: each validation row gets its token's mean and fractions on the other
    folds, below thresholds that are order statistics of the other folds' targets (at
    levels 1/3 and 2/3, numpy's "lower" quantile)."""
    X = frame(item=["a", "b", "a", "b", "a", "c", "a", "b"])
    y = np.array([1.0, 5.0, 2.0, 6.0, 3.0, 9.0, 4.0, 7.0])
    splits = list(KFold(2).split(X))
    embedder = ValueEmbedder(3, method="target", smooth=0.0, cv=splits)
    out = embedder.fit_transform(X, y)
    levels = [1 / 3, 2 / 3]
    assert_allclose(embedder.target_thresholds_, np.quantile(y, levels, method="lower"))

    def vectors(rows):
        thresholds = np.quantile(y[rows], levels, method="lower")
        table = pd.DataFrame(y[rows, None] <= thresholds, index=X["item"].iloc[rows])
        table.insert(0, "mean", y[rows])
        prior = table.mean().to_numpy()
        return table.groupby(level=0).mean(), prior

    for train, validation in splits:
        fold, fold_prior = vectors(train)
        for row in validation:
            token = X["item"].iloc[row]
            expected = fold.loc[token] if token in fold.index else fold_prior
            assert_allclose(out[row], expected)
    # transform uses tables fitted on every row.
    full, _ = vectors(np.arange(y.size))
    assert_allclose(embedder.transform(frame(item=["a", "b"])), full.loc[["a", "b"]].to_numpy())


def test_target_mean_column_equals_sklearns_target_encoder():
    """With a fixed smooth the first column is TargetEncoder's (sum + m mean) / (n + m)
    (fit, then transform: no cross-fitting on either side)."""
    from sklearn.preprocessing import TargetEncoder

    rng = np.random.default_rng(3)
    X = frame(t=rng.choice(list("abcdefgh"), size=500))
    y = rng.normal(size=500) + (X["t"] == "c") * 2.0
    for smooth in (0.0, 5.0, 50.0):
        ours = ValueEmbedder(4, method="target", smooth=smooth).fit(X, y).transform(X)
        peer = TargetEncoder(smooth=smooth, target_type="continuous").fit(X, y).transform(X)
        assert_allclose(ours[:, 0], peer[:, 0])


def test_target_forward_chaining_leaves_uncovered_rows_at_the_prior():
    """TimeSeriesSplit never validates the first chunk: those rows get the prior of the
    whole fit (the mean of y and the fractions below each threshold), no token's own
    statistics."""
    rng = np.random.default_rng(0)
    X = frame(item=rng.choice(["a", "b", "c"], size=40))
    y = rng.normal(size=40)
    embedder = ValueEmbedder(4, method="target", cv=TimeSeriesSplit(3))
    out = embedder.fit_transform(X, y)
    thresholds = np.quantile(y, [0.25, 0.5, 0.75], method="lower")
    prior = np.r_[y.mean(), (y[:, None] <= thresholds).mean(axis=0)]
    assert_allclose(out[:10], np.tile(prior, (10, 1)))
    assert_allclose(embedder.target_prior_, prior)
    assert not np.allclose(out[10:], prior)


def test_target_binary_y_gives_mean_log_odds_and_stronger_shrinkage():
    """A 0/1 target has one threshold, and it is one minus the mean: instead the
    columns are the shrunk mean, its log-odds, and the mean shrunk 4 and 16 times more
    strongly (smooth=2: strengths 2, 8, 32). None constant, none a copy."""
    rng = np.random.default_rng(0)
    tokens = rng.choice(list("abcdef"), size=3000)
    rate = {t: 0.1 + 0.1 * i for i, t in enumerate("abcdef")}
    y = (rng.random(3000) < np.array([rate[t] for t in tokens])).astype(int)
    table = ValueEmbedder(4, method="target", smooth=2.0).fit(frame(t=tokens), y)
    got = table.embedding_table().to_numpy()
    stats = pd.Series(y).groupby(tokens).agg(["sum", "size"])
    prior = y.mean()

    def shrunk(m):
        return ((stats["sum"] + m * prior) / (stats["size"] + m)).to_numpy()

    assert table.target_thresholds_.size == 0
    assert_allclose(got[:, 0], shrunk(2.0))
    assert_allclose(got[:, 1], np.log(shrunk(2.0) / (1 - shrunk(2.0))))
    assert_allclose(got[:, 2], shrunk(8.0))
    assert_allclose(got[:, 3], shrunk(32.0))
    out = ValueEmbedder(4, method="target").fit(frame(t=tokens), y).transform(frame(t=tokens))
    assert (out.std(axis=0) > 0).all()
    assert len({tuple(column.round(12)) for column in out.T}) == 4


def test_target_few_valued_y_keeps_each_threshold_once():
    """Ratings 1..3: thresholds at levels 1/6 .. 5/6 collapse to 1 and 2 (3 is the
    maximum: every row lies at or below it); the two left-over columns are the
    log-odds of the scaled mean and a more strongly shrunk mean."""
    rng = np.random.default_rng(1)
    tokens = rng.choice(list("abcd"), size=2000)
    y = rng.integers(1, 4, size=2000) + (tokens == "a")
    y = np.minimum(y, 3)
    embedder = ValueEmbedder(6, method="target", smooth=1.0).fit(frame(t=tokens), y)
    assert embedder.target_thresholds_.tolist() == [1.0, 2.0]
    got = embedder.embedding_table().to_numpy()
    grouped = pd.DataFrame({"y": y, "le1": y <= 1, "le2": y <= 2}).groupby(tokens)
    prior = pd.DataFrame({"y": y, "le1": y <= 1, "le2": y <= 2}).mean()
    sums, sizes = grouped.sum(), grouped.size().to_numpy()[:, None]
    expected = (sums.to_numpy() + 1.0 * prior.to_numpy()) / (sizes + 1.0)
    assert_allclose(got[:, :3], expected)
    scaled = (expected[:, 0] - 1) / 2
    assert_allclose(got[:, 3], np.log(scaled / (1 - scaled)))
    assert_allclose(got[:, 4], (sums["y"] + 4 * prior["y"]) / (sizes[:, 0] + 4))


@pytest.mark.parametrize(
    "cv, message",
    [
        ([(np.arange(6), np.arange(6))], "training and validation rows overlap"),
        ([(np.arange(3), np.arange(3, 6))] * 2, "folds that overlap"),
        ([(np.arange(3), np.array([7]))], r"indices outside \[0, 6\)"),
        ([(np.arange(3), np.array([-1]))], r"indices outside \[0, 6\)"),
    ],
)
def test_target_refuses_splits_that_leak(cv, message):
    """Splits where a row could see its own target are refused."""
    X, y = frame(t=list("aabbab")), np.arange(6.0)
    with pytest.raises(ValueError, match=message):
        ValueEmbedder(2, method="target", cv=cv).fit_transform(X, y)


def test_target_unknown_and_missing_tokens():
    """Unknown tokens get the prior; missing ones their own learned statistics."""
    X = frame(t=pd.Series(["a", None, "a", None, "b", "b"], dtype=object))
    y = np.array([0.0, 10.0, 1.0, 11.0, 5.0, 6.0])
    embedder = ValueEmbedder(2, method="target", smooth=0.0).fit(X, y)
    out = embedder.transform(frame(t=pd.Series(["zz", None], dtype=object)))
    median = np.quantile(y, 0.5, method="lower")
    assert_allclose(out[0], [y.mean(), (y <= median).mean()])
    assert_allclose(out[1], [10.5, 0.0])  # both missing rows lie above the median


def test_target_auto_shrinkage_is_empirical_bayes():
    """'auto' fits the prior strengths by the method of moments (written out): of the
    mean, the pooled within-token variance over the between-token variance; of each
    fraction, a Beta prior's."""
    rng = np.random.default_rng(1)
    tokens = rng.choice(list("abcdefghij"), size=2000)
    effect = {token: i / 3 for i, token in enumerate("abcdefghij")}
    y = np.array([effect[t] for t in tokens]) + rng.normal(size=tokens.size)
    embedder = ValueEmbedder(2, method="target").fit(frame(t=tokens), y)
    got = embedder.embedding_table().to_numpy()
    weights_of = pd.Series(y).groupby(tokens)
    n, means = weights_of.size().to_numpy(), weights_of.mean().to_numpy()
    within = weights_of.var(ddof=0).to_numpy() @ n / (n.sum() - n.size)
    weights = n / n.sum()
    between = (weights * (means - y.mean()) ** 2).sum() - within * n.size / n.sum()
    strength = within / between
    assert_allclose(got[:, 0], (n * means + strength * y.mean()) / (n + strength))

    threshold = np.quantile(y, 0.5, method="lower")
    below = pd.Series(y <= threshold).groupby(tokens)
    fraction = below.mean().to_numpy()
    prior = (y <= threshold).mean()
    between = (weights * (fraction - prior) ** 2).sum() - (
        weights * prior * (1 - prior) / n
    ).sum()
    strength = prior * (1 - prior) / between - 1
    assert_allclose(got[:, 1], (n * fraction + strength * prior) / (n + strength))


def test_target_requires_a_numeric_y():
    """No y, or a non-numeric y, raises sklearn's wording."""
    with pytest.raises(ValueError, match="requires y to be passed, but the target y is None"):
        ValueEmbedder(method="target").fit(frame(t=["a"]))
    with pytest.raises(ValueError, match="Unknown label type"):
        ValueEmbedder(method="target").fit(
            frame(t=["a", "b"]), pd.to_datetime(["2024-01-01", "2024-01-02"]).to_numpy()
        )
    with pytest.raises(ValueError, match="y holds one class \\('x'\\)"):
        ValueEmbedder(method="target").fit(frame(t=["a", "b"]), np.array(["x", "x"]))
    with pytest.raises(ValueError, match="missing class labels"):
        ValueEmbedder(method="target").fit(frame(t=["a", "b"]), np.array(["x", None]))


def _three_classes(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    tokens = rng.choice(list("abcdef"), size=n)
    shift = np.array([list("abcdef").index(t) for t in tokens]) / 10
    draw = rng.random(n)
    y = np.where(draw < 0.5 - shift / 2, "red", np.where(draw < 0.85, "green", "blue"))
    return frame(t=tokens), y


def test_target_classes_give_shrunk_rates_as_target_encoder_does():
    """Class labels: the rates of every class but the rarest, most frequent first,
    equal to sklearn's TargetEncoder's one-vs-rest columns at a fixed smooth; then their
    log-odds. The rarest class's rate is one minus the others'."""
    from sklearn.preprocessing import TargetEncoder

    X, y = _three_classes()
    embedder = ValueEmbedder(4, method="target", smooth=3.0).fit(X, y)
    frequent = pd.Series(y).value_counts().index[:2].tolist()
    assert embedder.classes_.tolist() == ["blue", "green", "red"]
    assert embedder.target_classes_.tolist() == frequent
    out = embedder.transform(X)
    peer = TargetEncoder(smooth=3.0, target_type="multiclass").fit(X, y)
    peer_out = peer.transform(X)
    for k, label in enumerate(frequent):
        column = peer.classes_.tolist().index(label)
        assert_allclose(out[:, k], peer_out[:, column])
    assert_allclose(out[:, 2:], np.log(out[:, :2] / (1 - out[:, :2])))
    prior = pd.Series(y).value_counts(normalize=True)[frequent].to_numpy()
    assert_allclose(embedder.target_prior_[:2], prior)


def test_target_classes_cross_fit_like_separate_fits():
    """fit_transform on class labels: each validation fold gets the tables of a fit on
    its training rows (same class order here, as the frequencies are far apart)."""
    X, y = _three_classes(seed=1)
    splits = list(KFold(3, shuffle=True, random_state=0).split(X))
    make = lambda: ValueEmbedder(3, method="target", cv=splits)  # noqa: E731
    got = make().fit_transform(X, y)
    for train, validation in splits:
        fold = make().fit(X.iloc[train], y[train]).transform(X.iloc[validation])
        assert_allclose(got[validation], fold)
    assert not np.allclose(got, make().fit(X, y).transform(X))


class KeyedVectorsLike:
    def __init__(self, keys, vectors):
        self.key_to_index = {key: i for i, key in enumerate(keys)}
        self.vectors = np.asarray(vectors)


@pytest.mark.parametrize("container", ["dict", "frame", "keyed"])
def test_pretrained_vectors_from_every_container(container):
    """dict, DataFrame and KeyedVectors-like inputs give the same table; unknown = mean."""
    keys = ["tea", "cake", "scone"]
    vectors = np.arange(9.0).reshape(3, 3) ** 2
    given_vectors = {
        "dict": dict(zip(keys, vectors, strict=True)),
        "frame": pd.DataFrame(vectors, index=keys),
        "keyed": KeyedVectorsLike(keys, vectors),
    }[container]
    embedder = ValueEmbedder(3, method="pretrained", vectors=given_vectors)
    out = embedder.fit_transform(frame(t=["cake", "tea", "biscuit", None]))
    assert_allclose(out[:2], vectors[[1, 0]])
    assert_allclose(out[2], vectors.mean(axis=0))
    assert_allclose(out[3], vectors.mean(axis=0))


def test_pretrained_reduction_is_pca_and_width_is_checked():
    """A smaller embedding_dim is sklearn's PCA of the table; a larger one raises."""
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(30, 6)), index=np.arange(30) * 1000)
    embedder = ValueEmbedder(2, method="pretrained", vectors=table).fit(frame(id=[0]))
    expected = PCA(2, random_state=0).fit_transform(table.to_numpy())
    assert_allclose(embedder.embedding_table().to_numpy(), expected)
    with pytest.raises(ValueError, match="embedding_dim=7 exceeds the width 6"):
        ValueEmbedder(7, method="pretrained", vectors=table).fit(frame(id=[0]))
    with pytest.raises(TypeError, match="Column 'id' holds string tokens but the pretrained"):
        ValueEmbedder(2, method="pretrained", vectors=table).fit(frame(id=["0"]))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"method": "pretrained"}, "method='pretrained' needs vectors"),
        ({"vectors": {"a": [1.0]}}, "vectors is only used with method='pretrained'"),
        (
            {"method": "hashing", "min_frequency": 2},
            "min_frequency and max_tokens need a vocabulary",
        ),
        ({"group_columns": "nope"}, r"group_columns: column 'nope' is not among"),
        ({"group_columns": ["t"]}, "needs at least one token column"),
        (
            {"method": "pretrained", "vectors": {"a": [1.0], "b": [1.0, 2.0]}},
            "different lengths",
        ),
        ({"method": "pretrained", "vectors": [1, 2]}, "vectors must be a dict"),
    ],
)
def test_parameter_combinations_are_checked_in_fit(params, message):
    """Conflicting parameters raise clear errors at fit time, never in __init__."""
    embedder = ValueEmbedder(1, **params)
    with pytest.raises((ValueError, TypeError), match=message):
        embedder.fit(frame(t=["a", "b"]))


# --- composition, state, inspection ---------------------------------------------------------


def test_shared_vocabulary_gives_the_same_vector_in_every_column():
    """previous_item and item share one table when asked."""
    X = frame(previous_item=[None, "a", "b"], item=["a", "b", "c"])
    out = ValueEmbedder(3, shared_vocabulary=True, random_state=0).fit_transform(X)
    assert_array_equal(out[1, :3], out[0, 3:])
    assert_array_equal(out[2, :3], out[1, 3:])
    separate = ValueEmbedder(3, random_state=0).fit_transform(X)
    assert not np.allclose(separate[1, :3], separate[0, 3:])


def test_feature_names_and_set_output(backend):
    """Names {column}_emb{j}; pandas output keeps the index; polars output works."""
    X = backend.frame({"g": [1, 1, 2], "item": ["a", "b", "a"]})
    embedder = ValueEmbedder(2, group_columns="g", method="cooccurrence", random_state=0)
    embedder.set_output(transform="pandas")
    out = embedder.fit_transform(X)
    assert out.columns.tolist() == ["item_emb0", "item_emb1"]
    if backend.name.startswith("pandas"):
        indexed = backend.frame({"g": [1, 1, 2], "item": ["a", "b", "a"]}).set_axis([7, 7, 3])
        assert embedder.transform(indexed).index.tolist() == [7, 7, 3]
    pl = pytest.importorskip("polars")
    polars_out = embedder.set_output(transform="polars").transform(X)
    assert isinstance(polars_out, pl.DataFrame)


@pytest.mark.parametrize("method", ["random", "hashing", "cooccurrence", "target"])
def test_pickle_and_refit_reproduce_the_output(method):
    """Pickled estimators transform identically; refits with an int seed agree."""
    X, y, _ = make_event_log(n_sequences=30, random_state=0)
    X = X[["sequence_id", "item"]]
    embedder = ValueEmbedder(4, method=method, group_columns="sequence_id", random_state=0)
    out = embedder.fit(X, y).transform(X)
    restored = pickle.loads(pickle.dumps(embedder))
    assert_array_equal(restored.transform(X), out)
    again = ValueEmbedder(4, method=method, group_columns="sequence_id", random_state=0)
    assert_array_equal(again.fit(X, y).transform(X), out)


def test_grid_search_over_embedding_dim_in_a_column_transformer():
    """GridSearchCV reaches embedding_dim through ColumnTransformer and Pipeline."""
    X, y, _ = make_event_log(n_sequences=40, random_state=0)
    model = make_pipeline(
        ColumnTransformer(
            [("value", ValueEmbedder(random_state=0, method="target"), ["item"])]
        ),
        Ridge(),
    )
    search = GridSearchCV(
        model, {"columntransformer__value__embedding_dim": [2, 8]}, cv=KFold(3)
    )
    search.fit(X, y)
    assert search.best_params_["columntransformer__value__embedding_dim"] in (2, 8)
    assert search.best_score_ > 0.1


def test_embedding_table_and_most_similar_use_cosine():
    """most_similar ranks tokens by the cosine formula written out."""
    vectors = {"a": [1.0, 0.0], "b": [1.0, 1.0], "c": [-1.0, 0.2], "d": [0.9, -0.1]}
    embedder = ValueEmbedder(2, method="pretrained", vectors=vectors).fit(frame(t=["a"]))
    similar = embedder.most_similar("a", n=2)
    cosine = {k: np.dot(v, [1, 0]) / np.linalg.norm(v) for k, v in vectors.items() if k != "a"}
    expected = sorted(cosine, key=cosine.get, reverse=True)[:2]
    assert similar.index.tolist() == expected
    assert_allclose(similar.to_numpy(), [cosine[k] for k in expected])
    with pytest.raises(KeyError, match="'zz' has no vector of its own"):
        embedder.most_similar("zz")
    hashed = ValueEmbedder(3, method="hashing", random_state=0).fit(frame(t=["a"]))
    with pytest.raises(ValueError, match="keeps no vocabulary"):
        hashed.embedding_table()
    looked_up = hashed.embedding_table(tokens=["a", "q"])
    assert_array_equal(looked_up.to_numpy(), hashed.transform(frame(t=["a", "q"])))


def test_all_missing_columns_take_the_shared_kind_or_accept_any():
    """A column with no token shares the other columns' kind; alone, any kind of token
    is unknown at transform time."""
    X = frame(prev=pd.Series([None, None], dtype=object), item=["a", "b"])
    shared = ValueEmbedder(2, shared_vocabulary=True, random_state=0).fit(X)
    out = shared.transform(frame(prev=["a", None], item=["b", "a"]))
    assert_array_equal(out[0, :2], out[1, 2:])
    alone = ValueEmbedder(2, random_state=0).fit(X)
    out = alone.transform(frame(prev=["a", "q"], item=["a", "b"]))
    assert_array_equal(out[0, :2], out[1, :2])


def test_handle_missing_error_applies_at_transform_too():
    """A missing token at transform time raises when handle_missing='error'."""
    embedder = ValueEmbedder(handle_missing="error").fit(frame(t=["a", "b"]))
    message = r"Input X contains NaN \(missing tokens\) in column 't'"
    with pytest.raises(ValueError, match=message):
        embedder.transform(frame(t=["a", None]))


def test_more_parameter_errors():
    """PCA below the number of vectors, boolean group columns, string tokens lookup."""
    with pytest.raises(ValueError, match="needs at least as many pretrained vectors"):
        ValueEmbedder(2, method="pretrained", vectors={"a": [1, 2, 3]}).fit(frame(t=["a"]))
    with pytest.raises(ValueError, match="group_columns must name columns or positions"):
        ValueEmbedder(group_columns=True).fit(frame(g=[1], t=["a"]))
    embedder = ValueEmbedder(2, random_state=0).fit(frame(t=["ab", "a"]))
    assert embedder.embedding_table(tokens="ab").index.tolist() == ["ab"]


def test_several_columns_need_a_column_choice_for_inspection():
    """With separate tables, embedding_table asks which column."""
    embedder = ValueEmbedder(2, random_state=0).fit(frame(a=["x"], b=["y"]))
    with pytest.raises(ValueError, match=r"choose column= from \['a', 'b'\]"):
        embedder.embedding_table()
    assert embedder.embedding_table("b").index.tolist() == ["y"]


def test_input_frame_is_never_mutated(backend):
    """fit and transform leave the caller's frame exactly as it was."""
    X = backend.frame({"g": [1, 1, 2, 2], "item": ["a", None, "b", "a"]})
    before = copy.deepcopy(backend.to_pandas(X))
    for method in ("random", "hashing", "cooccurrence", "target"):
        embedder = ValueEmbedder(2, method=method, group_columns="g", cv=2, random_state=0)
        embedder.fit_transform(X, [1.0, 2.0, 3.0, 4.0])
        embedder.transform(X)
    assert_frame_equal(backend.to_pandas(X), before)


def test_zero_rows_at_transform_keep_the_fitted_width():
    """Transforming an empty frame gives (0, n_out)."""
    embedder = ValueEmbedder(3).fit(frame(a=["x"], b=[1]))
    assert embedder.transform(
        frame(a=pd.Series([], dtype=object), b=pd.Series([], dtype=int))
    ).shape == (0, 6)


TOKEN_LISTS = st.one_of(
    st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), min_size=1, max_size=40),
    st.lists(st.one_of(st.none(), st.text(max_size=4)), min_size=1, max_size=40),
    st.lists(st.one_of(st.none(), st.booleans()), min_size=1, max_size=40),
)


@given(TOKEN_LISTS, st.sampled_from(["random", "hashing"]))
def test_property_shape_index_and_distinct_vectors(tokens, method):
    """Rows and index are kept; distinct tokens get distinct vectors, equal ones equal."""
    index = np.arange(len(tokens))[::-1]
    X = pd.DataFrame({"t": pd.Series(tokens, dtype=object, index=index)})
    before = X.copy()
    embedder = ValueEmbedder(4, method=method, random_state=0).set_output(transform="pandas")
    out = embedder.fit_transform(X)
    assert out.shape == (len(tokens), 4)
    assert out.index.equals(X.index)
    assert_frame_equal(X, before)
    by_token = {}
    for token, row in zip(tokens, out.to_numpy(), strict=True):
        by_token.setdefault(token, set()).add(tuple(row))
    assert all(len(rows) == 1 for rows in by_token.values())
    assert len({next(iter(rows)) for rows in by_token.values()}) == len(by_token)


def test_float32_output_equals_float64_rounded():
    """dtype='float32' gives the float64 vectors rounded to float32."""
    X = frame(item=["a", "b", None, "c"])
    wide = ValueEmbedder(5, random_state=0).fit_transform(X)
    narrow = ValueEmbedder(5, dtype="float32", random_state=0).fit_transform(X)
    assert narrow.dtype == np.float32
    assert_array_equal(narrow, wide.astype(np.float32))


@pytest.mark.parametrize("method", ["random", "hashing"])
def test_threaded_transform_equals_single_threaded(method):
    """Splitting a large input across threads changes nothing in the output."""
    rng = np.random.default_rng(0)
    X = frame(
        a=rng.integers(0, 5000, size=120_000),
        b=pd.Series(rng.choice(["x", "y", None], size=120_000), dtype="str"),
    )
    embedder = ValueEmbedder(3, method=method, random_state=0).fit(X[:1000])
    threaded = embedder.set_params(n_threads=3).transform(X)
    single = embedder.set_params(n_threads=1).transform(X)
    assert_array_equal(threaded, single)


def test_tables_beyond_the_memory_budget_are_refused_before_allocating():
    """A million distinct tokens x 256 dimensions would need 1.9 GiB of float64."""
    X = pd.DataFrame({"item": np.arange(1_000_000, dtype=np.int64) * 7})
    with pytest.raises(MemoryError, match=r"1,000,004 rows x 256 dimensions = 1\.91 GiB"):
        ValueEmbedder(256).fit(X)
    with pytest.raises(MemoryError, match=r"\['item'\] alone hold 1,000,000 tokens"):
        ValueEmbedder(64, max_table_bytes=100 * 2**20).fit(X)
    # Within budget: a million tokens at d=16 (128 MiB), or max_tokens, or no table.
    assert ValueEmbedder(16).fit(X).embeddings_.shape == (1_000_004, 16)
    capped = ValueEmbedder(256, max_tokens=1000).fit(X)
    assert capped.embeddings_.shape == (1_000 + 4, 256)
    assert ValueEmbedder(256, method="hashing").fit(X).transform(X[:5]).shape == (5, 256)


def test_float32_tokens_beyond_two_to_the_24_are_refused():
    """float32 16777217 arrives as 16777216: it cannot name a token exactly."""
    X = pd.DataFrame({"t": np.array([1.0, 16_777_217.0], dtype=np.float32)})
    with pytest.raises(ValueError, match="16777216"):
        ValueEmbedder().fit(X)
    exact = pd.DataFrame({"t": np.array([1.0, 16_777_215.0], dtype=np.float32)})
    assert ValueEmbedder().fit(exact).vocabularies_[0].tolist() == [1, 16_777_215]


# --- odd tokens on every backend --------------------------------------------------------------


def test_missing_tokens_of_every_backend_follow_handle_missing(backend):
    """NaN, pd.NA, pyarrow and polars nulls are one missing token: one shared vector,
    zeros, or sklearn's NaN error naming the column."""
    X = backend.frame({"n": [7, None, 7, None], "s": ["a", None, "a", None]})
    out = value(3).fit_transform(X)
    assert_array_equal(out[1], out[3])
    assert not np.isclose(out[1, :3], out[0, :3]).all()
    assert not np.isclose(out[1, 3:], out[0, 3:]).all()
    zeros = value(3, handle_missing="zeros").fit_transform(X)
    assert_array_equal(zeros[[1, 3]], 0.0)
    assert np.abs(zeros[[0, 2]]).min() > 0
    message = r"Input X contains NaN \(missing tokens\) in column 'n': 2 row\(s\)"
    with pytest.raises(ValueError, match=message):
        value(handle_missing="error").fit(X)


def test_unseen_tokens_of_every_backend_follow_handle_unknown(backend):
    """Unseen ints and strings: one shared vector per column, zeros, or an error naming
    the column and the unseen tokens, sorted."""
    train = backend.frame({"n": [1, 2, 1], "s": ["a", "b", "a"]})
    test = backend.frame({"n": [3, 1, -5], "s": ["a", "zz", "b"]})
    fitted = value(3).fit(train)
    out = fitted.transform(test)
    assert_array_equal(out[0, :3], out[2, :3])
    known = fitted.transform(train)
    assert not np.isclose(out[0, :3], known[:, :3]).all(axis=1).any()
    assert not np.isclose(out[1, 3:], known[:, 3:]).all(axis=1).any()
    zeros = value(3, handle_unknown="zeros").fit(train).transform(test)
    assert_array_equal(zeros[[0, 2], :3], 0.0)
    assert_array_equal(zeros[1, 3:], 0.0)
    message = r"Column 'n' has 2 row\(s\) with tokens unseen during fit: \[-5, 3\]"
    with pytest.raises(ValueError, match=message):
        value(handle_unknown="error").fit(train).transform(test)


@pytest.mark.parametrize(
    "vocabulary",
    [[-3, -2, -1, 0], [INT64_MIN, 0, INT64_MAX]],
    ids=["dense-negative", "sparse-int64-limits"],
)
def test_unseen_ids_far_from_the_vocabulary_never_wrap_onto_a_token(vocabulary):
    """Negative ids and ids at the int64 limits are tokens like any other: an unseen id
    next to them, or at the other end of the int64 range, is unknown (zeros)."""
    fitted = value(2, handle_unknown="zeros").fit(frame(t=vocabulary))
    unseen = [INT64_MIN, INT64_MIN + 1, -4, 1, INT64_MAX - 1, INT64_MAX]
    unseen = [token for token in unseen if token not in vocabulary]
    assert_array_equal(fitted.transform(frame(t=unseen)), 0.0)
    table = fitted.embedding_table()
    assert table.index.tolist() == vocabulary
    assert_array_equal(fitted.transform(frame(t=vocabulary[::-1])), table.to_numpy()[::-1])
    with pytest.raises(ValueError, match=r"Column 't' has 1 row\(s\) with tokens unseen"):
        value(handle_unknown="error").fit(frame(t=vocabulary)).transform(frame(t=unseen[:1]))


@pytest.mark.parametrize(
    "X",
    [
        [[BIG], [BIG - 1], [None]],
        np.array([[BIG], [BIG - 1], [np.nan]], dtype=object),
        np.array([[BIG], [BIG - 1]], dtype=np.int64),
    ],
    ids=["list-with-none", "object-array-with-nan", "int64-array"],
)
def test_huge_ids_in_lists_and_arrays_stay_exact(X):
    """2**62 + 1 next to 2**62 in lists and arrays: two tokens, kept as exact ints
    (through float64 both would be 2**62)."""
    assert float(BIG) == float(BIG - 1)
    fitted = value(3).fit(X)
    assert fitted.embedding_table().index.tolist() == [BIG - 1, BIG]
    out = fitted.transform(X)
    assert not np.isclose(out[0], out[1]).all()


@pytest.mark.parametrize("huge", [2.0**53 + 2, 2.0**62, -(2.0**60)])
def test_whole_floats_beyond_2_53_are_refused_as_tokens(huge):
    """Floats above 2**53 may stand for several ids: refused, naming the column."""
    with pytest.raises(ValueError, match=r"Column 't' holds floats that are not integer token"):
        value().fit(frame(t=[0.0, huge]))


def test_nullable_and_arrow_floats_of_whole_numbers_are_integer_tokens(backend):
    """Float64, double[pyarrow] and polars Float64 whole numbers with nulls embed as the
    integer tokens they hold."""
    X = backend.frame({"t": [1.0, None, 2.0, -0.0]})
    fitted = value(3).fit(X)
    assert fitted.token_kinds_ == ["integer"]
    assert fitted.embedding_table().index.tolist() == [0, 1, 2]
    out = fitted.transform(X)
    assert_array_equal(out[[0, 2, 3]], fitted.transform(frame(t=[1, 2, 0])))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_arrays_of_every_width_are_integer_tokens_or_refused(dtype):
    """Whole float16/32/64 arrays are the integer tokens; 1.5 raises naming x0."""
    ints = np.array([[3], [-1], [3], [0]])
    fitted = value(3).fit(ints)
    assert_array_equal(fitted.transform(ints.astype(dtype)), fitted.transform(ints))
    assert_array_equal(value(3).fit(ints.astype(dtype)).transform(ints), fitted.transform(ints))
    with pytest.raises(ValueError, match=r"Column 'x0' holds floats .* e\.g\. \[1\.5\]"):
        value().fit(np.array([[1.5], [2.0]], dtype=dtype))


@pytest.mark.parametrize(
    "fit_tokens, transform_tokens, kinds",
    [
        ([True, False], [1, 0], ("integer", "boolean")),
        ([1, 0], [True, False], ("boolean", "integer")),
        (["1", "0"], [1, 0], ("integer", "string")),
    ],
)
def test_booleans_ints_and_strings_never_stand_in_for_each_other(
    fit_tokens, transform_tokens, kinds
):
    """True is never the token 1 nor "1": another kind at transform is refused by name."""
    fitted = value().fit(frame(flag=fit_tokens))
    message = rf"Column 'flag' holds {kinds[0]} tokens, but {kinds[1]} tokens were seen"
    with pytest.raises(TypeError, match=message):
        fitted.transform(frame(flag=transform_tokens))


def test_boolean_arrays_are_not_integer_arrays():
    """A numpy bool array is boolean tokens: an int array at transform is refused."""
    fitted = value().fit(np.array([[True], [False]]))
    with pytest.raises(TypeError, match=r"Column 'x0' holds integer tokens, but boolean"):
        fitted.transform(np.array([[1], [0]]))


def test_nullable_booleans_on_every_backend_are_boolean_tokens(backend):
    """boolean, bool[pyarrow] and polars Boolean columns with nulls: two tokens shown as
    booleans, and a missing token."""
    X = backend.frame({"flag": pd.array([True, None, False, True], dtype="boolean")})
    fitted = value(2).fit(X)
    table = fitted.embedding_table()
    assert table.index.tolist() == [False, True] and table.index.dtype == bool
    out = fitted.transform(X)
    assert_array_equal(out[0], out[3])
    assert_array_equal(out[[2, 0]], table.to_numpy())


def test_empty_string_is_a_token_not_a_missing_value(backend):
    """ "" is a token of its own on every backend; only null is missing."""
    X = backend.frame({"s": ["", None, "a", ""]})
    out = value(3, handle_missing="zeros").fit_transform(X)
    assert_array_equal(out[0], out[3])
    assert np.abs(out[0]).min() > 0
    assert_array_equal(out[1], 0.0)
    assert value(3).fit(X).embedding_table().index.tolist() == ["", "a"]


def test_unused_categories_are_unseen_tokens_at_transform():
    """A declared but unused category has no vector: it is unknown at transform."""
    sizes = pd.CategoricalDtype(["s", "m", "l"])
    X = frame(size=pd.Series(["s", "l", "s"], dtype=sizes))
    fitted = value(2, handle_unknown="error").fit(X)
    assert fitted.embedding_table().index.tolist() == ["l", "s"]
    with pytest.raises(
        ValueError, match=r"Column 'size' has 1 row\(s\) with tokens unseen during fit: \['m'\]"
    ):
        fitted.transform(frame(size=pd.Series(["m", "s"], dtype=sizes)))


def test_integer_categories_are_integer_tokens():
    """Categories decide the kind: integer categories embed like the plain integers."""
    X = frame(level=pd.Categorical([10, 2, 10, None], categories=[99, 10, 2]))
    fitted = value(2).fit(X)
    assert fitted.token_kinds_ == ["integer"]
    out = fitted.transform(X)
    assert_array_equal(out[:3], fitted.transform(frame(level=[10, 2, 10])))


def test_mixed_objects_in_an_array_raise_naming_the_column():
    """A 2-D object array mixing ints and strings in one column names it (x1)."""
    X = np.array([["a", 1], ["b", "c"]], dtype=object)
    with pytest.raises(TypeError, match=r"'x1' mixes kinds.*Got \['int', 'str'\]"):
        value().fit(X)


# --- datetime columns as tokens and cooccurrence groups ---------------------------------------


def test_datetime_tokens_are_refused_on_every_backend(backend):
    """ValueEmbedder: naive and aware datetimes are no token IDs, on every backend
    (pandas-numpy naive is in test_value)."""
    when = pd.to_datetime(["2024-01-01", "2024-01-02"])
    for column in (when, when.tz_localize("Asia/Tokyo")):
        with pytest.raises(TypeError, match=r"Column 'day' has dtype .*token columns"):
            ValueEmbedder().fit(backend.frame({"day": column}))


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([datetime.date(2024, 1, 1), datetime.date(2024, 1, 2)], dtype=object),
        pd.Series(pd.to_timedelta([1, 2], unit="s")),
        pd.Series(pd.period_range("2024-01", periods=2, freq="M")),
    ],
    ids=["python-dates", "timedelta", "period"],
)
def test_date_like_tokens_are_refused_by_name(column):
    """Python dates, timedeltas and periods are no token IDs either."""
    with pytest.raises(TypeError, match=r"Column 'day' has dtype .*token columns"):
        ValueEmbedder().fit(pd.DataFrame({"day": column}))


def test_aware_datetime_group_keys_of_cooccurrence_equal_string_keys(backend):
    """Co-occurrence windows grouped by an aware datetime key (NaT a group) equal
    those grouped by the same key written as strings."""
    keys = pd.Series(
        pd.to_datetime(["2024-01-01", "2024-01-01", None, None, "2024-01-02", "2024-01-02"])
    ).dt.tz_localize("UTC")
    items = ["a", "b", "a", "c", "b", "c"]
    params = dict(method="cooccurrence", group_columns="day", random_state=0)
    by_time = ValueEmbedder(2, **params).fit(backend.frame({"day": keys, "item": items}))
    as_text = pd.Series(keys.astype(str).where(keys.notna(), None), dtype=object)
    by_text = ValueEmbedder(2, **params).fit(pd.DataFrame({"day": as_text, "item": items}))
    X = pd.DataFrame({"day": as_text, "item": items})
    assert_allclose(
        by_time.transform(backend.frame({"day": keys, "item": items})), by_text.transform(X)
    )


# --- random_state -----------------------------------------------------------------------------


def test_a_random_state_instance_advances_on_refit():
    """Documented: a RandomState instance is consumed, so each fit draws anew (as in
    scikit-learn); pass an int for reproducible refits."""
    X = pd.DataFrame({"item": [1, 2, 3, 1]})
    embedder = ValueEmbedder(4, random_state=np.random.RandomState(0))
    first = embedder.fit(X).transform(X)
    second = embedder.fit(X).transform(X)
    assert not np.allclose(first, second)
    reference = ValueEmbedder(4, random_state=np.random.RandomState(0)).fit(X).transform(X)
    assert_array_equal(first, reference)


# Pinned: ValueEmbedder(4, method="hashing") without random_state, on every machine.
PINNED_STRINGS = {
    "x": [0.365102, -0.538477, -0.107116, -1.285991],
    "y": [0.331587, 0.512789, 0.510944, -0.430134],
    "zz": [-0.342262, -0.025946, -1.178836, 0.313757],
    "user42": [0.127182, 0.769666, -0.636704, -0.683436],
}
PINNED_INTS = {
    0: [-0.092026, -0.190171, 0.079546, 0.231978],
    1: [0.731247, 1.040648, 0.310849, -0.13272],
    42: [1.108958, -0.901787, 0.197821, -0.753169],
    -7: [-0.055221, -0.927337, -0.132137, 0.797792],
    2**40: [0.009168, 0.527424, -0.397038, -0.312449],
}


@pytest.mark.parametrize("pinned", [PINNED_STRINGS, PINNED_INTS], ids=["strings", "ints"])
def test_hashing_without_a_seed_gives_pinned_vectors_in_every_process(pinned):
    """Like scikit-learn's hashers, hashing needs no seed to be deterministic: the
    vectors equal ones pinned here, in this process and in a fresh one; a given seed
    varies them."""
    X = pd.DataFrame({"a": list(pinned)})
    got = ValueEmbedder(4, method="hashing").fit(X).transform(X)
    assert_allclose(got, np.asarray(list(pinned.values())), atol=5e-7)
    code = (
        "import json, numpy as np, pandas as pd; from sk_seqembed import ValueEmbedder;"
        f"X = pd.DataFrame({{'a': {list(pinned)!r}}});"
        "out = ValueEmbedder(4, method='hashing').fit(X).transform(X);"
        "print(json.dumps(np.asarray(out).tolist()))"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert_allclose(np.asarray(json.loads(printed)), got, rtol=0, atol=0)
    seeded = ValueEmbedder(4, method="hashing", random_state=3).fit(X).transform(X)
    assert not np.allclose(seeded, got)


def test_target_cross_fitting_routes_groups_to_a_grouped_cv():
    """As TargetEncoder.fit_transform(X, y, groups=...): with GroupKFold each group's
    rows are embedded by tables fitted on the other groups only, equal to fitting on
    each split's training rows and transforming its validation rows."""
    from sklearn.model_selection import GroupKFold

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"tok": rng.integers(0, 40, 600)})
    groups = rng.integers(0, 12, 600)
    y = rng.normal(size=600) + X["tok"].to_numpy() % 3
    make = lambda: ValueEmbedder(4, method="target", cv=GroupKFold(3), random_state=0)  # noqa: E731
    got = make().fit_transform(X, y, groups=groups)
    for train, validation in GroupKFold(3).split(X, y, groups):
        assert not set(groups[train]) & set(groups[validation])
        fold = make().fit(X.iloc[train], y[train]).transform(X.iloc[validation])
        assert_allclose(got[validation], fold)
    with pytest.raises(ValueError, match="'groups' parameter should not be None"):
        make().fit_transform(X, y)
    with pytest.raises(ValueError, match="groups has shape \\(5,\\)"):
        make().fit_transform(X, y, groups=groups[:5])
    with pytest.raises(TypeError, match="unexpected fit parameters \\['sample_weight'\\]"):
        make().fit_transform(X, y, groups=groups, sample_weight=y)


def test_target_groups_are_routed_through_a_pipeline_with_metadata_routing():
    """With metadata routing on, Pipeline.fit(X, y, groups=...) reaches the GroupKFold
    of a ValueEmbedder(method="target") inside a ColumnTransformer, as it reaches
    TargetEncoder's; without groups the grouped cv refuses, by sklearn's message."""
    import sklearn
    from sklearn.compose import make_column_transformer
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"tok": rng.integers(0, 30, 400)})
    groups = rng.integers(0, 8, 400)
    y = rng.normal(size=400) + X["tok"].to_numpy() % 3
    embedder = ValueEmbedder(3, method="target", cv=GroupKFold(4))
    direct = clone(embedder).fit_transform(X, y, groups=groups)
    with sklearn.config_context(enable_metadata_routing=True):
        pipeline = make_pipeline(make_column_transformer((embedder, ["tok"])), Ridge())
        pipeline.fit(X, y, groups=groups)
        routed = clone(embedder).fit_transform(X, y, groups=groups)
        with pytest.raises(ValueError, match="'groups' parameter should not be None"):
            clone(embedder).fit_transform(X, y)
    assert_allclose(routed, direct)
    fitted = pipeline[0].named_transformers_["valueembedder"]
    assert_allclose(fitted.transform(X), clone(embedder).fit(X, y).transform(X))


@pytest.mark.parametrize("offset, scale", [(1e9, 1.0), (0.0, 1e160), (-3e6, 1e-3)])
def test_target_columns_follow_an_affine_change_of_y(offset, scale):
    """Sums are standardized by y's range: an offset of 1e9 (epoch seconds) or a scale
    of 1e160 moves the mean columns with y and leaves the fractions and log-odds alone
    (they used to lose every token's signal to cancellation or overflow)."""
    rng = np.random.default_rng(0)
    tokens = rng.choice(list("abcdefghij"), size=4000)
    y = np.array([ord(t) % 5 for t in tokens]) + rng.normal(size=4000)
    X = frame(t=tokens)
    base = ValueEmbedder(4, method="target").fit(X, y).embedding_table().to_numpy()
    moved = ValueEmbedder(4, method="target").fit(X, offset + scale * y)
    got = moved.embedding_table().to_numpy()
    assert_allclose(got[:, 0], offset + scale * base[:, 0], rtol=1e-9)
    assert_allclose(got[:, 1:], base[:, 1:], rtol=1e-9, atol=1e-12)
    assert np.isfinite(moved.target_prior_).all()


def test_target_numpy_bools_in_an_object_array_are_numbers():
    """np.True_ is no numbers.Number, yet a number here, as Python's True is."""
    X = frame(t=["a", "b", "a", "b"])
    y = np.array([np.True_, np.False_, True, 0], dtype=object)
    embedder = ValueEmbedder(2, method="target", smooth=0.0).fit(X, y)
    assert embedder.classes_ is None
    assert_allclose(embedder.transform(frame(t=["a", "b"]))[:, 0], [1.0, 0.0])
