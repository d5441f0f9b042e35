"""PositionEmbedder: values checked against the formulas written out and pandas."""

import copy
import math
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from pandas.testing import assert_frame_equal
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline

from sk_seqembed import PositionEmbedder
from sk_seqembed.datasets import make_event_log
from tests.conftest import BIG, INT64_MAX, INT64_MIN, frame, position


def sinusoid_loop(positions, dim, base=10000.0):
    """The Transformer formula, one entry at a time: pairs (2i, 2i+1) share a rate."""
    table = np.zeros((len(positions), dim))
    for row, p in enumerate(positions):
        for j in range(dim):
            i = j // 2
            angle = p / base ** (2 * i / dim)
            table[row, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return table


sinusoid = sinusoid_loop  # at the default base, the name the group-key tests use


INTERLEAVED = frame(session=["b", "a", "b", "c", "a", "b", "a", "a"])


@pytest.mark.parametrize("dim", [1, 2, 7, 16])
def test_sinusoidal_within_groups_matches_formula_and_cumcount(backend, fit_transform, dim):
    """Interleaved groups: positions are pandas' cumcount; values the formula."""
    X = backend.frame({"session": INTERLEAVED["session"].tolist()})
    out = fit_transform(PositionEmbedder(dim), X)
    positions = INTERLEAVED.groupby("session").cumcount()
    assert_allclose(out, sinusoid_loop(positions, dim), atol=1e-12)


def test_sinusoid_pairs_dimensions_unlike_the_seed_note():
    """Dimensions 2i and 2i+1 share a rate (2*(i//2)/d), not the seed note's i/d."""
    out = PositionEmbedder(4, positions="global").fit_transform(frame(x=range(3)))
    assert_allclose(out[2, 3], math.cos(2 / 10000 ** (2 / 4)))
    assert not np.isclose(out[2, 3], math.cos(2 / 10000 ** (3 / 4)))


def test_reverse_counts_to_the_last_row_of_each_group():
    """reverse=True: distance to the group's last row (pandas' descending cumcount)."""
    out = PositionEmbedder(6, reverse=True, look_ahead=True).fit_transform(INTERLEAVED)
    reverse = INTERLEAVED.groupby("session").cumcount(ascending=False)
    assert_allclose(out, sinusoid_loop(reverse, 6), atol=1e-12)


def test_scalar_features_match_pandas():
    """Position, reverse position, group size and fraction, from pandas' groupby."""
    out = PositionEmbedder(method="scalar", look_ahead=True).fit_transform(INTERLEAVED)
    groups = INTERLEAVED.groupby("session")
    position, reverse = groups.cumcount(), groups.cumcount(ascending=False)
    size = groups["session"].transform("size")
    fraction = np.where(size > 1, position / (size - 1).clip(lower=1), 0.0)
    assert_allclose(out, np.column_stack([position, reverse, size, fraction]))


def test_single_row_groups_and_missing_keys():
    """Single-row groups sit at 0 with fraction 0; missing keys form one group."""
    X = frame(g=pd.Series(["x", None, "y", np.nan, None], dtype=object))
    out = PositionEmbedder(method="scalar", look_ahead=True).fit_transform(X)
    assert_allclose(out[:, 0], [0, 0, 0, 1, 2])
    assert_allclose(out[:, 2], [1, 3, 1, 3, 3])
    assert_allclose(out[[0, 2], 3], [0.0, 0.0])


def test_several_key_columns_make_one_group_per_combination():
    """Two key columns: positions follow pandas' groupby on both, missing included."""
    rng = np.random.default_rng(0)
    X = frame(
        user=rng.choice(["u", "v", None], size=200),
        day=rng.choice([1.0, 2.0, np.nan], size=200),
    )
    out = PositionEmbedder(method="scalar", look_ahead=True).fit_transform(X)
    groups = X.groupby(["user", "day"], dropna=False)
    assert_array_equal(out[:, 0], groups.cumcount())
    assert_array_equal(out[:, 2], groups["user"].transform("size"))


@pytest.mark.parametrize("n_rows", [5, 3000, 120_000])
@pytest.mark.parametrize("reverse", [False, True])
def test_global_positions_match_formula_at_any_length(n_rows, reverse):
    """Global rows 0..n-1 (or n-1..0), also past the block size and across threads."""
    X = frame(anything=np.zeros(n_rows))
    embedder = PositionEmbedder(9, positions="global", reverse=reverse, look_ahead=reverse)
    out = embedder.fit_transform(X)
    rows = np.unique(np.linspace(0, n_rows - 1, 50).astype(int))
    positions = n_rows - 1 - rows if reverse else rows
    assert_allclose(out[rows], sinusoid_loop(positions, 9), atol=1e-9)


def test_decay_matches_exp_formula():
    """decay: exp(-p / s_k) with s_k = max_scale**((k+1)/d), written out."""
    X = frame(anything=np.zeros(2500))
    out = PositionEmbedder(5, method="decay", positions="global", max_scale=64.0)
    out = out.fit_transform(X)
    for p in (0, 1, 17, 1500, 2499):
        expected = [math.exp(-p / 64.0 ** ((k + 1) / 5)) for k in range(5)]
        assert_allclose(out[p], expected, rtol=1e-12)
    grouped = PositionEmbedder(3, method="decay").fit_transform(INTERLEAVED)
    positions = INTERLEAVED.groupby("session").cumcount().to_numpy()
    assert_allclose(grouped, np.exp(-positions[:, None] / 256.0 ** (np.arange(1, 4) / 3)))


def test_from_column_positions():
    """Integer (or whole float) position columns each get their own features."""
    X = frame(step=[0, 3, 1], hop=[2.0, 0.0, 5.0])
    embedder = PositionEmbedder(4, positions="from_column").fit(X)
    out = embedder.transform(X)
    assert_allclose(out[:, :4], sinusoid_loop([0, 3, 1], 4), atol=1e-12)
    assert_allclose(out[:, 4:], sinusoid_loop([2, 0, 5], 4), atol=1e-12)
    assert embedder.get_feature_names_out().tolist()[::4] == ["step_pos0", "hop_pos0"]
    reverse = PositionEmbedder(4, positions="from_column", reverse=True, look_ahead=True)
    reverse = reverse.fit_transform(X)
    assert_allclose(reverse[:, :4], sinusoid_loop([3, 0, 2], 4), atol=1e-12)


@pytest.mark.parametrize(
    "values, error, message",
    [
        ([0, -2, 1], ValueError, r"Negative values in data: column 'step' holds negative"),
        (
            [0, None, 1],
            ValueError,
            r"Input X contains NaN in column 'step': 1 missing position",
        ),
        (["a", "b", "c"], TypeError, r"Column 'step' holds string values \(dtype object\)"),
        ([0.5, 1.0, 2.0], ValueError, r"'step' holds positions that are not whole numbers"),
        ([True, False, True], TypeError, "Column 'step' holds boolean values"),
        (
            pd.to_datetime(["2024-01-01"] * 3).tolist(),
            TypeError,
            "Column 'step' holds datetime values",
        ),
    ],
)
def test_from_column_refuses_non_positions(values, error, message):
    """Anything but non-negative integers raises, naming the column and the problem."""
    X = frame(step=pd.Series(values, dtype=object))
    with pytest.raises(error, match=message):
        PositionEmbedder(positions="from_column").fit(X)


def test_huge_positions_and_long_groups_stay_within_memory():
    """Positions far beyond the row count, and one group as long as the frame, are
    computed row by row from small tables: exact values, output-sized memory."""
    positions = [0, 10_000_000, 12_345_678_901, 5]
    X = frame(step=positions)
    out = PositionEmbedder(7, positions="from_column").fit_transform(X)
    # Angles near 1e10 carry ~1e-6 of float64 rounding in any implementation.
    assert_allclose(out, sinusoid_loop(positions, 7), atol=1e-5)
    decay = PositionEmbedder(3, method="decay", positions="from_column").fit_transform(X)
    expected = np.exp(-np.array(positions, float)[:, None] / 256.0 ** (np.arange(1, 4) / 3))
    assert_allclose(decay, expected, rtol=1e-12)
    long_group = frame(g=np.zeros(20_000, dtype=int))
    out = PositionEmbedder(6, reverse=True, look_ahead=True).fit_transform(long_group)
    rows = [0, 1023, 1024, 19_999]
    assert_allclose(out[rows], sinusoid_loop([19_999 - r for r in rows], 6), atol=1e-10)


@pytest.mark.parametrize("run_length", [1, 3, 7])
def test_groups_in_several_runs_match_pandas(run_length):
    """String and datetime keys whose groups recur in runs (the run-sorting path)."""
    rng = np.random.default_rng(run_length)
    keys = np.repeat(rng.choice(["x", "y", "z", None], size=300), run_length)
    days = np.repeat(
        rng.choice(pd.to_datetime(["2024-01-01", "2024-01-02"]), size=300), run_length
    )
    X = frame(key=pd.Series(keys, dtype=object), day=days)
    out = PositionEmbedder(method="scalar", look_ahead=True).fit_transform(X)
    groups = X.groupby(["key", "day"], dropna=False)
    assert_array_equal(out[:, 0], groups.cumcount())
    assert_array_equal(out[:, 1], groups.cumcount(ascending=False))
    assert_array_equal(out[:, 2], groups["day"].transform("size"))


@pytest.mark.parametrize(
    "keys",
    [
        pd.Series(np.random.default_rng(1).integers(0, 100_000, size=150_000) * 7919),
        pd.Series(np.random.default_rng(2).choice(["a", "b", "c", None], size=150_000)),
        pd.Series([-(2**63), -(2**63), 5 - 2**63] * 50_000),
    ],
    ids=["more-than-65536-groups", "strings", "int64-min"],
)
def test_large_inputs_match_pandas_on_every_thread_count(keys):
    """Above 100,000 rows (threaded blocks), positions still equal pandas' cumcount."""
    X = frame(k=keys)
    expected = X.groupby("k", dropna=False).cumcount().to_numpy()
    for n_threads in (1, 3):
        out = PositionEmbedder(method="scalar", n_threads=n_threads).fit_transform(X)
        assert_array_equal(out[:, 0], expected)


def test_random_table_and_beyond_max_policies():
    """A seeded table up to max_position; beyond it: clip, zeros or error."""
    train = frame(g=["a"] * 4)  # positions 0..3
    test = frame(g=["a"] * 6)  # positions 0..5, counted in its own frame
    embedder = PositionEmbedder(5, method="random", history="ignore", random_state=0)
    embedder.fit(train)
    assert embedder.max_position_ == 3 and embedder.table_.shape == (5, 5)
    assert embedder.table_[:-1].std() == pytest.approx(1 / math.sqrt(5), rel=0.5)
    out = embedder.transform(test)
    assert_array_equal(out[:4], embedder.table_[:4])
    assert_array_equal(out[4], out[3])
    zeros = embedder.set_params(beyond_max="zeros").transform(test)
    assert_array_equal(zeros[4:], 0.0)
    with pytest.raises(ValueError, match=r"from 'g': 2 row\(s\) lie above max_position=3"):
        embedder.set_params(beyond_max="error").transform(test)
    wider = PositionEmbedder(5, method="random", max_position=9, random_state=0).fit(train)
    assert wider.table_.shape == (11, 5)
    again = PositionEmbedder(5, method="random", random_state=0).fit(train)
    assert_array_equal(again.table_, embedder.table_)


def test_feature_names_and_set_output(backend):
    """Names {keys}_pos{j} / row_pos{j} / scalar names; pandas keeps the index."""
    X = backend.frame({"user": ["u", "v", "u"], "day": [1, 1, 1]})
    embedder = PositionEmbedder(2).set_output(transform="pandas").fit(X)
    assert embedder.get_feature_names_out().tolist() == ["user_day_pos0", "user_day_pos1"]
    out = embedder.transform(X)
    assert out.columns.tolist() == ["user_day_pos0", "user_day_pos1"]
    scalar = PositionEmbedder(method="scalar", positions="global").fit(X)
    assert scalar.get_feature_names_out().tolist() == ["row_position"]
    scalar = PositionEmbedder(method="scalar", positions="global", look_ahead=True).fit(X)
    assert scalar.get_feature_names_out().tolist() == [
        "row_position",
        "row_reverse_position",
        "row_group_length",
        "row_fraction",
    ]
    if backend.name.startswith("pandas"):
        shifted = X.set_axis([10, 10, 4])
        assert embedder.transform(shifted).index.tolist() == [10, 10, 4]
    pl = pytest.importorskip("polars")
    assert isinstance(embedder.set_output(transform="polars").transform(X), pl.DataFrame)


def test_positions_are_computed_on_the_transform_frame_with_history_ignore():
    """history='ignore': transforming a subset restarts positions in its own frame."""
    embedder = PositionEmbedder(method="scalar", history="ignore").fit(INTERLEAVED)
    full = embedder.transform(INTERLEAVED)
    tail = embedder.transform(INTERLEAVED.iloc[4:])
    assert full[4:, 0].tolist() == [1, 2, 2, 3]
    assert tail[:, 0].tolist() == [0, 0, 1, 2]


def test_a_later_frame_continues_the_fitted_groups():
    """By default a frame after fit continues each group's count from the fitted rows
    (a: 4 rows, b: 3, c: 1); the fitted table itself keeps its in-frame positions."""
    embedder = PositionEmbedder(method="scalar").fit(INTERLEAVED)
    assert embedder.transform(INTERLEAVED)[4:, 0].tolist() == [1, 2, 2, 3]
    later = INTERLEAVED.iloc[4:]  # a, b, a, a
    fitted = INTERLEAVED.groupby("session").size()
    expected = fitted[later["session"]].to_numpy() + later.groupby("session").cumcount()
    assert expected.tolist() == [4, 3, 5, 6]
    assert_array_equal(embedder.transform(later)[:, 0], expected)


@pytest.mark.parametrize("positions", ["within_group", "global"])
@pytest.mark.parametrize("method", ["sinusoidal", "random", "decay", "scalar"])
def test_threaded_equals_single_threaded(positions, method):
    """Row blocks in threads give the very same output."""
    rng = np.random.default_rng(0)
    X = frame(g=rng.integers(0, 300, size=150_000))
    embedder = PositionEmbedder(8, method=method, positions=positions, random_state=0).fit(X)
    threaded = embedder.set_params(n_threads=4).transform(X)
    single = embedder.set_params(n_threads=1).transform(X)
    assert_array_equal(threaded, single)


def test_pickle_clone_and_float32():
    """Pickled and cloned estimators agree; float32 output is the formula in float32."""
    embedder = PositionEmbedder(6, method="random", random_state=0).fit(INTERLEAVED)
    restored = pickle.loads(pickle.dumps(embedder))
    assert_array_equal(restored.transform(INTERLEAVED), embedder.transform(INTERLEAVED))
    refit = clone(embedder).fit(INTERLEAVED)
    assert_array_equal(refit.transform(INTERLEAVED), embedder.transform(INTERLEAVED))
    narrow = PositionEmbedder(6, dtype="float32").fit_transform(INTERLEAVED)
    assert narrow.dtype == np.float32
    positions = INTERLEAVED.groupby("session").cumcount()
    assert_allclose(narrow, sinusoid_loop(positions, 6), atol=1e-7)


def test_input_frame_is_never_mutated(backend):
    """fit and transform leave the caller's frame as it was."""
    X = backend.frame({"g": ["a", None, "a", "b"]})
    before = copy.deepcopy(backend.to_pandas(X))
    for method in ("sinusoidal", "random", "scalar", "decay"):
        PositionEmbedder(3, method=method, reverse=True, look_ahead=True).fit(X).transform(X)
    assert_frame_equal(backend.to_pandas(X), before)


def test_zero_rows_at_transform():
    """An empty frame transforms to (0, n_out)."""
    embedder = PositionEmbedder(3).fit(frame(g=["a", "b"]))
    assert embedder.transform(frame(g=pd.Series([], dtype=object))).shape == (0, 3)


def test_grid_search_over_embedding_dim():
    """GridSearchCV reaches embedding_dim inside a ColumnTransformer."""
    X, y, _ = make_event_log(n_sequences=60, random_state=0)
    model = make_pipeline(
        ColumnTransformer(
            [("position", PositionEmbedder(method="decay", max_scale=32.0), ["sequence_id"])]
        ),
        Ridge(),
    )
    search = GridSearchCV(
        model, {"columntransformer__position__embedding_dim": [1, 4]}, cv=KFold(3)
    ).fit(X, y)
    assert search.best_params_["columntransformer__position__embedding_dim"] in (1, 4)


KEY_LISTS = st.one_of(
    st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c"])), min_size=1, max_size=60),
    st.lists(st.one_of(st.none(), st.integers(-3, 3)), min_size=1, max_size=60),
    st.lists(st.integers(0, 4), min_size=1, max_size=60).map(sorted),
)


@given(KEY_LISTS, st.integers(1, 9), st.booleans())
def test_property_positions_are_cumcounts_and_shape_is_kept(keys, dim, reverse):
    """For any keys (strings, nullable ints, contiguous runs): pandas' cumcount
    positions, shape and index kept, input unchanged."""
    index = np.arange(len(keys)) * 3
    dtype = "Int64" if _ints(keys) else object
    X = pd.DataFrame({"k": pd.Series(keys, dtype=dtype, index=index)})
    before = X.copy()
    embedder = PositionEmbedder(dim, reverse=reverse, look_ahead=reverse)
    embedder.set_output(transform="pandas")
    out = embedder.fit_transform(X)
    assert out.shape == (len(keys), dim)
    assert out.index.equals(X.index)
    positions = X.groupby("k", dropna=False).cumcount(ascending=not reverse)
    assert_allclose(out.to_numpy(), sinusoid_loop(positions, dim), atol=1e-12)
    assert_frame_equal(X, before)


def _ints(keys):
    return all(key is None or isinstance(key, int) for key in keys)


def test_floats_beyond_exact_integers_are_not_positions():
    """Floats above 2**53 cannot hold a position exactly: refused, and named."""
    X = frame(step=[0.0, 2.0**60])
    with pytest.raises(ValueError, match=r"'step' holds positions that are not whole.*1\.15"):
        PositionEmbedder(positions="from_column").fit(X)


def test_random_table_beyond_the_memory_budget_is_refused_before_allocating():
    """A position of 10**8 would need a 12 GiB table at d=16: refused, with the way out."""
    X = pd.DataFrame({"p": [0, 10**8]})
    embedder = PositionEmbedder(16, method="random", positions="from_column")
    with pytest.raises(MemoryError, match=r"100,000,002 rows x 16 dimensions = 11\.92 GiB"):
        embedder.fit(X)
    with pytest.raises(MemoryError, match="largest position 100,000,000"):
        embedder.fit(X)
    clipped = embedder.set_params(max_position=1000).fit(X)
    assert clipped.table_.shape == (1002, 16)
    assert_allclose(clipped.transform(X)[1], clipped.table_[1000])


def test_a_datetime_position_column_is_refused_for_what_it_holds_even_with_nat():
    X = pd.DataFrame({"step": pd.to_datetime(["2024-01-01", None])})
    with pytest.raises(TypeError, match="Column 'step' holds datetime values"):
        PositionEmbedder(positions="from_column").fit(X)


@pytest.mark.parametrize("position", [10**12, 10**14, 2**53 - 1])
def test_cosines_of_large_positions_follow_the_formula(position):
    """cos(p), not sin(p + pi/2) rounded: at 10**14 the two differ by 1.6e-3."""
    X = pd.DataFrame({"p": [position]})
    out = PositionEmbedder(2, positions="from_column").fit_transform(X)[0]
    assert_allclose(out, [math.sin(position), math.cos(position)], atol=1e-12)


@pytest.mark.parametrize("position", [2**53, 2**62 + 1, 2**63 - 1])
def test_integer_positions_float64_cannot_tell_apart_are_refused(position):
    X = pd.DataFrame({"p": np.array([0, position], dtype=np.int64)})
    with pytest.raises(
        ValueError, match="Column 'p' holds positions up to .* beyond 2\\*\\*53"
    ):
        PositionEmbedder(method="scalar", positions="from_column").fit(X)


# --- odd group keys ---------------------------------------------------------------------------


KEY_CASES = {
    "huge-ints": (np.array([BIG, BIG - 1, BIG, BIG - 1, BIG]), [0, 0, 1, 1, 2]),
    "int64-limits": (np.array([INT64_MIN, INT64_MAX, INT64_MIN, 0]), [0, 0, 1, 0]),
    "negative-ints": (np.array([-1, -2, -1, -1]), [0, 0, 1, 2]),
    "bools": (np.array([True, False, True, True]), [0, 0, 1, 2]),
    "nullable-bools": (pd.array([True, None, True, None], dtype="boolean"), [0, 0, 1, 1]),
    "floats-zero-inf-nan": (
        np.array([0.0, -0.0, np.inf, -np.inf, np.inf, np.nan, np.nan]),
        [0, 1, 0, 0, 1, 0, 1],
    ),
    "non-integral-floats": (np.array([1.5, 2.5, 1.5]), [0, 0, 1]),
    "category-with-unused": (
        pd.Categorical(["a", "c", "a", None, None], categories=["a", "b", "c"]),
        [0, 0, 1, 0, 1],
    ),
    "Int64-with-NA": (pd.array([BIG, None, BIG, None, 1], dtype="Int64"), [0, 0, 1, 1, 0]),
    "string-pyarrow": (
        pd.array(["a", None, "a", None, ""], dtype="string[pyarrow]"),
        [0, 0, 1, 1, 0],
    ),
    "object-missing-markers": (
        pd.array(["a", None, np.nan, pd.NA, "a"], dtype=object),
        [0, 0, 1, 2, 1],
    ),
}


@pytest.mark.parametrize("case", KEY_CASES, ids=list(KEY_CASES))
def test_group_keys_of_every_kind_give_positions_written_out(case):
    """Positions within groups for odd keys, counted by hand: huge ints stay apart,
    -0.0 is 0.0, and every kind of missing marker is one group."""
    keys, expected = KEY_CASES[case]
    X = frame(k=keys)
    out = position(method="scalar").fit_transform(X)
    assert_array_equal(out[:, 0], expected)
    assert_allclose(position(4).fit_transform(X), sinusoid(expected, 4), atol=1e-12)


def test_missing_keys_of_every_backend_form_one_group(backend):
    """NaN, pd.NA and polars nulls in key columns are one key value of their own."""
    X = backend.frame({"n": [1, None, 1, None, 2], "s": ["a", None, "a", None, "b"]})
    out = position(method="scalar", look_ahead=True).fit_transform(X)
    assert_array_equal(out[:, 0], [0, 0, 1, 1, 0])
    assert_array_equal(out[:, 2], [2, 2, 2, 2, 1])


@pytest.mark.parametrize(
    "keys, error, message",
    [
        (
            pd.Series([1, "1", 1], dtype=object),
            TypeError,
            r"Column 'k' mixes kinds of values.*Got \['int', 'str'\]",
        ),
        (
            pd.Series([b"a", b"a"], dtype=object),
            TypeError,
            r"Column 'k' has dtype object of bytes \(unsupported\); group columns must",
        ),
        (
            pd.Series(pd.to_timedelta([1, 1], unit="s")),
            TypeError,
            r"Column 'k' has dtype timedelta64.*\(unsupported\); group columns must",
        ),
    ],
    ids=["int-and-str", "bytes", "timedelta"],
)
def test_group_keys_that_are_not_keys_raise_naming_the_column(keys, error, message):
    """Mixed objects and unsupported dtypes are refused as group keys, by name."""
    with pytest.raises(error, match=message):
        position().fit(frame(k=keys))


def test_datetime_group_keys_match_pandas_groupby(backend):
    """Aware datetime keys with NaT (one group of its own) on every backend: positions
    equal pandas' groupby(dropna=False).cumcount."""
    keys = pd.Series(
        pd.to_datetime(["2024-01-01", "2024-01-02", None, "2024-01-01", None, "2024-01-02"])
    ).dt.tz_localize("America/New_York")
    X = backend.frame({"day": keys})
    out = PositionEmbedder(method="scalar", look_ahead=True).fit_transform(X)
    groups = pd.DataFrame({"day": keys}).groupby("day", dropna=False)
    assert_array_equal(out[:, 0], groups.cumcount())
    assert_array_equal(out[:, 2], groups["day"].transform("size"))


def test_same_wall_clock_in_the_fold_is_two_groups():
    """01:30 EDT and 01:30 EST are different instants, so different group keys."""
    local = pd.Series(pd.to_datetime(["2024-11-03 01:30"] * 4))
    aware = local.dt.tz_localize("America/New_York", ambiguous=np.array([1, 0, 1, 0], bool))
    out = PositionEmbedder(method="scalar").fit_transform(pd.DataFrame({"k": aware}))
    assert_array_equal(out[:, 0], [0, 0, 1, 1])


@pytest.mark.parametrize(
    "make",
    [
        lambda: pd.Series(pd.to_timedelta([1, 2], unit="s")),
        lambda: pd.Series(pd.period_range("2024-01", periods=2, freq="M")),
    ],
    ids=["timedelta", "period"],
)
def test_timedelta_and_period_group_keys_are_refused_by_name(make):
    """Unsupported key dtypes: TypeError naming the column and the allowed kinds."""
    X = pd.DataFrame({"k": make()})
    with pytest.raises(TypeError, match=r"Column 'k' has dtype .*group columns must be"):
        PositionEmbedder().fit_transform(X)


# --- odd positions from a column --------------------------------------------------------------


def test_from_column_missing_positions_raise_on_every_backend(backend):
    """A null position (NaN, pd.NA, polars null) is refused, naming the column."""
    X = backend.frame({"step": [0, None, 2]})
    with pytest.raises(ValueError, match=r"Input X contains NaN in column 'step': 1 missing"):
        position(positions="from_column").fit(X)


def test_from_column_reads_category_values_not_codes():
    """Integer categories give their values as positions, not their codes."""
    X = frame(step=pd.Categorical([2, 0, 5], categories=[5, 2, 0]))
    out = position(method="scalar", positions="from_column").fit_transform(X)
    assert_array_equal(out[:, 0], [2, 0, 5])


def test_from_column_float32_and_unsigned_positions():
    """float32 whole numbers and uint8 are positions; float32 1.5 and inf are refused."""
    X = frame(a=np.array([0, 3, 1], dtype=np.float32), b=np.array([255, 0, 7], dtype=np.uint8))
    out = position(4, positions="from_column").fit_transform(X)
    assert_allclose(out[:, :4], sinusoid([0, 3, 1], 4), atol=1e-12)
    assert_allclose(out[:, 4:], sinusoid([255, 0, 7], 4), atol=1e-12)
    with pytest.raises(ValueError, match=r"'a' holds positions that are not whole numbers"):
        position(positions="from_column").fit(frame(a=np.array([1.5], dtype=np.float32)))
    with pytest.raises(ValueError, match=r"Input X contains infinity .* in column 'a'"):
        position(positions="from_column").fit(frame(a=np.array([0, np.inf], dtype=np.float32)))


def test_datetime_position_columns_are_refused_on_every_backend(backend):
    """positions='from_column' refuses datetimes (naive, aware, polars) by name."""
    when = pd.to_datetime(["2024-01-01", "2024-01-02"])
    for column in (when, when.tz_localize("UTC")):
        X = backend.frame({"step": column})
        with pytest.raises(TypeError, match=r"Column 'step' holds datetime values"):
            PositionEmbedder(positions="from_column").fit(X)
