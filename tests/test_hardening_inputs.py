"""Adversarial inputs (issue 7, "Tokens" and "Frames"): odd tokens, odd frames and bad
parameters given to ValueEmbedder, PositionEmbedder and EmbeddingSum.

Every case ends in a clear error (the message names the column and the problem) or a
documented result checked against values written out by hand. Cases already covered
elsewhere are listed, with their tests, in ``docs/bad_inputs_tokens_frames.md``.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from sk_seqembed import EmbeddingSum, PositionEmbedder, ValueEmbedder

BIG = 2**62 + 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def frame(**columns):
    return pd.DataFrame(columns)


def value(dim=2, **params):
    return ValueEmbedder(dim, random_state=0, **params)


def position(dim=2, **params):
    return PositionEmbedder(dim, **params)


def embedding_sum(**params):
    """A value part on ``item`` plus a position part on ``session``, width 2."""
    parts = [
        ("value", ValueEmbedder(random_state=0), ["item"]),
        ("position", PositionEmbedder(), ["session"]),
    ]
    return EmbeddingSum(parts, embedding_dim=2, **params)


ESTIMATORS = {"value": value, "position": position, "sum": embedding_sum}


def _compact_repr(estimator):
    return " ".join(repr(estimator).split())


def session_items(backend=None):
    columns = {"session": [1, 1, 2, 1], "item": ["a", "b", "a", "c"]}
    return frame(**columns) if backend is None else backend.frame(columns)


def sinusoid(positions, dim):
    """PE[p, 2i] = sin(p / 10000**(2i/d)), PE[p, 2i+1] = cos(...), entry by entry."""
    table = np.zeros((len(positions), dim))
    for row, p in enumerate(positions):
        for j in range(dim):
            angle = p / 10000.0 ** (2 * (j // 2) / dim)
            table[row, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return table


# --- tokens: ValueEmbedder ---------------------------------------------------------------


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


# --- tokens: PositionEmbedder group keys ---------------------------------------------------


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
    out = position(method="scalar").fit_transform(X)
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


# --- frames --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ESTIMATORS)
def test_fitting_zero_rows_raises_sklearns_message(backend, name):
    """fit on 0 rows (any backend, or an array): sklearn's 'Found array with 0
    sample(s)'."""
    X = session_items(backend)
    for empty in (X[:0], np.empty((0, 2), dtype=object)):
        with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\)"):
            ESTIMATORS[name]().fit(empty)


@pytest.mark.parametrize(
    "estimator",
    [
        value(3),
        value(3, method="hashing"),
        value(3, method="cooccurrence", group_columns="session"),
        position(3),
        position(3, method="random", random_state=0),
        position(method="scalar", reverse=True),
        position(3, method="decay", positions="global"),
        embedding_sum(),
    ],
    ids=_compact_repr,
)
def test_transforming_zero_rows_keeps_the_fitted_width(backend, estimator):
    """transform on 0 rows of any backend gives (0, n_features_out), in the output
    dtype, and a pandas output with the fitted names."""
    X = session_items(backend)
    fitted = clone(estimator).fit(X)
    n_out = len(fitted.get_feature_names_out())
    out = fitted.transform(X[:0])
    assert out.shape == (0, n_out) and out.dtype == np.float64
    framed = fitted.set_output(transform="pandas").transform(X[:0])
    assert framed.columns.tolist() == fitted.get_feature_names_out().tolist()


@pytest.mark.parametrize("name", ESTIMATORS)
def test_zero_columns_raise_sklearns_message(name):
    """A frame or array without columns: sklearn's 'Found array with 0 feature(s)'."""
    pl = pytest.importorskip("polars")
    X = session_items()
    for empty in (X[[]], np.empty((4, 0)), pl.from_pandas(X).select([])):
        with pytest.raises(ValueError, match=r"Found array with 0 feature\(s\)"):
            ESTIMATORS[name]().fit(empty)


def test_a_single_row_is_enough(backend):
    """One row: its token's vector, position 0 (sinusoid [0, 1, 0, 1], scalar
    [0, 0, 1, 0], decay all ones), and their sum."""
    X = session_items(backend)[:1]
    tokens = value(3).fit(X)
    out = tokens.transform(X)
    expected = np.hstack(
        [
            tokens.embedding_table("session").to_numpy(),
            tokens.embedding_table("item").to_numpy(),
        ]
    )
    assert_array_equal(out, expected)
    assert_allclose(position(4).fit_transform(X), [[0.0, 1.0, 0.0, 1.0]])
    assert_allclose(position(method="scalar").fit_transform(X), [[0.0, 0.0, 1.0, 0.0]])
    assert_allclose(position(3, method="decay").fit_transform(X), [[1.0, 1.0, 1.0]])
    item = value(2).fit(X[["item"]]).embedding_table().to_numpy()
    assert_allclose(embedding_sum().fit_transform(X), item + [[0.0, 1.0]])


@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize(
    "index",
    [
        pd.Index([7, 7, "q", 7]),
        pd.MultiIndex.from_tuples([(1, "a"), (1, "a"), (0, "b"), (2, "c")]),
        pd.date_range("2024-01-01", periods=4, freq="h")[::-1],
    ],
    ids=["duplicated-mixed", "multiindex", "descending-datetimes"],
)
def test_pandas_output_keeps_any_index_and_ignores_it(name, index):
    """set_output(transform="pandas") keeps a duplicated, multi or datetime index; the
    index never changes the values (positions follow row order, not index order)."""
    X = session_items()
    expected = ESTIMATORS[name]().fit_transform(X)
    estimator = ESTIMATORS[name]().set_output(transform="pandas")
    out = estimator.fit_transform(X.set_axis(index))
    assert out.index.equals(index)
    assert_array_equal(out.to_numpy(), expected)
    assert estimator.transform(X.set_axis(index)).index.equals(index)


FEATURE_NAME_ERRORS = [
    (
        ["item", "session"],
        r"Feature names must be in the same order as they were in fit\.\nGot \['item', "
        r"'session'\], fit saw \['session', 'item'\]",
    ),
    (["session"], r"Feature names seen at fit time, yet now missing:\n- item"),
    (["session", "item", "extra"], r"Feature names unseen at fit time:\n- extra"),
]


@pytest.mark.parametrize(
    "columns, message", FEATURE_NAME_ERRORS, ids=["reordered", "missing", "extra"]
)
@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_reordered_missing_or_extra_columns_at_transform_raise(library, name, columns, message):
    """Columns are matched by name and order: sklearn's feature-name errors, which name
    the missing or extra column (a reordering is refused, never silently relabelled)."""
    X = session_items().assign(extra=[0, 0, 0, 0])
    if library == "polars":
        pl = pytest.importorskip("polars")
        X = pl.from_pandas(X)
    fitted = ESTIMATORS[name]().fit(X[["session", "item"]])
    with pytest.raises(ValueError, match=message):
        fitted.transform(X[columns])


@pytest.mark.parametrize("name", ["value", "position"])
def test_array_after_frame_warns_and_reads_columns_by_position(name):
    """An array after a DataFrame fit: sklearn's warning, and the same output as the
    frame (columns by position, as sklearn does)."""
    X = session_items()
    fitted = ESTIMATORS[name]().fit(X)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        out = fitted.transform(X.to_numpy())
    assert_array_equal(out, fitted.transform(X))


def test_embedding_sum_with_named_columns_refuses_an_array():
    """EmbeddingSum's parts select columns by name: an array is refused (sklearn's
    ColumnTransformer message)."""
    fitted = embedding_sum().fit(session_items())
    with (
        pytest.warns(UserWarning, match="X does not have valid feature names"),
        pytest.raises(ValueError, match="columns using strings is only supported for data"),
    ):
        fitted.transform(session_items().to_numpy())


def _layouts(X):
    """The array as given, read-only, Fortran-ordered, and both."""
    read_only = X.copy()
    read_only.flags.writeable = False
    fortran = np.asfortranarray(X)
    fortran_read_only = np.asfortranarray(X)
    fortran_read_only.flags.writeable = False
    return {"read-only": read_only, "fortran": fortran, "fortran-read-only": fortran_read_only}


@pytest.mark.parametrize(
    "estimator",
    [
        value(3),
        value(3, method="hashing"),
        value(3, method="cooccurrence", group_columns=0),
        position(3, method="scalar"),
        position(3, method="random", random_state=0),
        position(3, positions="from_column"),
        EmbeddingSum(
            [("v", ValueEmbedder(random_state=0), [1]), ("p", PositionEmbedder(), [0])],
            embedding_dim=3,
        ),
    ],
    ids=_compact_repr,
)
@pytest.mark.parametrize("dtype", [np.int64, np.float32])
def test_read_only_and_fortran_arrays_give_the_c_array_result(estimator, dtype):
    """Read-only and F-contiguous arrays (int64 or float32) transform like a C array and
    are left unchanged and read-only."""
    X = np.array([[1, 7], [1, 8], [2, 7], [1, 9], [2, 2]], dtype=dtype)
    estimator = clone(estimator)
    expected = estimator.fit(X).transform(X)
    for layout, array in _layouts(X).items():
        before = array.copy()
        writeable = array.flags.writeable
        assert_array_equal(estimator.fit(array).transform(array), expected, err_msg=layout)
        assert_array_equal(estimator.fit(X).transform(array), expected, err_msg=layout)
        assert_array_equal(array, before)
        assert array.flags.writeable == writeable


def test_float32_inputs_give_float64_unless_dtype_says_otherwise():
    """Output dtype is the dtype parameter, never the input's float32."""
    X = np.array([[3.0, 1.0], [3.0, 2.0], [4.0, 1.0]], dtype=np.float32)
    assert value().fit_transform(X).dtype == np.float64
    assert position(positions="from_column").fit_transform(X).dtype == np.float64
    assert value(dtype="float32").fit_transform(X).dtype == np.float32
    assert position(dtype="float32").fit_transform(X).dtype == np.float32


def test_embedding_sum_names_the_column_of_a_bad_token():
    """Token errors raised inside EmbeddingSum's parts still name the column."""
    with pytest.raises(ValueError, match=r"Column 'item' holds floats that are not integer"):
        embedding_sum().fit(frame(session=[1, 1], item=[1.5, 2.0]))
    parts = [("value", ValueEmbedder(handle_unknown="error"), ["item"])]
    fitted = EmbeddingSum(parts).fit(frame(item=["a", "b"]))
    with pytest.raises(ValueError, match=r"Column 'item' has 1 row\(s\) with tokens unseen"):
        fitted.transform(frame(item=["c", "b"]))


# --- parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, params, message",
    [
        (
            "value",
            {"embedding_dim": 0},
            r"'embedding_dim' parameter of ValueEmbedder must be an int in the range "
            r"\[1, inf\)",
        ),
        (
            "value",
            {"method": "word2vec"},
            r"'method' .* among \{.*'cooccurrence'.*\}. Got 'word2vec'",
        ),
        ("value", {"handle_missing": "ignore"}, r"'handle_missing' .* among \{.*'zeros'.*\}"),
        ("value", {"handle_unknown": "ignore"}, r"'handle_unknown' .* among \{.*'vector'.*\}"),
        (
            "value",
            {"min_frequency": 1.0},
            r"'min_frequency' .* a float in the range \(0\.0, 1\.0\) or None",
        ),
        ("value", {"dtype": "float16"}, r"'dtype' .* among \{.*'float32'.*\}"),
        ("value", {"random_state": "seed"}, r"'random_state' .*RandomState' or None"),
        (
            "position",
            {"method": "rope"},
            r"'method' parameter of PositionEmbedder must be a str among \{.*'decay'.*\}",
        ),
        ("position", {"positions": "local"}, r"'positions' .* among \{.*'from_column'.*\}"),
        ("position", {"base": 1.0}, r"'base' .* a float in the range \(1\.0, inf\)"),
        (
            "position",
            {"max_position": -1},
            r"'max_position' .* an int in the range \[0, inf\) or None",
        ),
        ("position", {"beyond_max": "wrap"}, r"'beyond_max' .* among \{.*'clip'.*\}"),
        (
            "position",
            {"n_threads": 0},
            r"'n_threads' .* an int in the range \[1, inf\) or None",
        ),
        (
            "sum",
            {"embedding_dim": 0},
            r"'embedding_dim' parameter of EmbeddingSum must be an int in the range "
            r"\[1, inf\) or None",
        ),
        ("sum", {"weights": [1.0]}, r"'weights' .* an instance of 'dict' or None"),
        ("sum", {"n_jobs": "all"}, r"'n_jobs' .* an instance of 'int' or None"),
    ],
)
def test_invalid_parameters_raise_sklearns_error_listing_allowed_values(name, params, message):
    """Each invalid value raises InvalidParameterError at fit, listing what is allowed."""
    estimator = ESTIMATORS[name]().set_params(**params)
    with pytest.raises(InvalidParameterError, match=message):
        estimator.fit(session_items())


def _state(generator):
    """A RandomState's position in its stream, comparable with ==."""
    _, key, position_in_key, *_ = generator.get_state()
    return key.tobytes(), position_in_key


@pytest.mark.parametrize(
    "factory, table",
    [
        (lambda seed: ValueEmbedder(3, random_state=seed), "embeddings_"),
        (lambda seed: ValueEmbedder(3, method="hashing", random_state=seed), "hash_seed_"),
        (lambda seed: PositionEmbedder(3, method="random", random_state=seed), "table_"),
    ],
    ids=["value-random", "value-hashing", "position-random"],
)
def test_int_seed_refits_identically_and_a_random_state_instance_advances(factory, table):
    """sklearn's convention: an int seed gives the same table on every refit; a
    RandomState instance is drawn from, so a refit gives another table; its first fit
    equals the int seed's."""
    X = session_items()[["session"]]
    seeded = factory(0)
    first = np.copy(getattr(seeded.fit(X), table))
    assert_array_equal(getattr(seeded.fit(X), table), first)
    generator = np.random.RandomState(0)
    shared = factory(generator)
    assert_array_equal(getattr(shared.fit(X), table), first)
    state = _state(generator)
    again = np.copy(getattr(shared.fit(X), table))
    assert not np.array_equal(again, first)
    assert _state(generator) != state
    assert shared.random_state is generator


def test_embedding_sum_refits_identically_with_a_random_state_instance_part():
    """EmbeddingSum fits clones of its parts, and a clone copies the RandomState: the
    caller's generator is never drawn from and every refit gives the same output (as
    sklearn's ColumnTransformer does)."""
    generator = np.random.RandomState(0)
    model = EmbeddingSum([("value", ValueEmbedder(2, random_state=generator), ["item"])])
    X = session_items()
    state = _state(generator)
    first = model.fit_transform(X)
    assert_array_equal(model.fit_transform(X), first)
    assert _state(generator) == state
    assert_array_equal(first, ValueEmbedder(2, random_state=0).fit_transform(X[["item"]]))


def test_no_warning_on_ordinary_odd_input():
    """Huge ids, negative ids, missing tokens and a duplicated index warn about nothing."""
    X = frame(
        session=pd.array([BIG, None, BIG, -1], dtype="Int64"),
        item=pd.Series(["", None, "a", "a"], dtype="string[pyarrow]"),
    ).set_axis([3, 3, 1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ESTIMATORS:
            ESTIMATORS[name]().set_output(transform="pandas").fit(X).transform(X)
