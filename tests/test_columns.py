"""The shared column layer: lossless reads, kinds, missing masks and errors."""

import copy
import datetime
import zoneinfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from pandas.testing import assert_frame_equal

from sk_seqembed import _columns
from tests._column_probe import ColumnProbe

BIG = 2**62 + 1  # float64 rounds it to 2**62: a lossy cast cannot hide.


def read_all(X):
    """Validate ``X`` as ``fit`` would and read every column."""
    X = _columns.check_input(ColumnProbe(), X, reset=True)
    return {
        column.name: column
        for column in map(lambda j: _columns.read_column(X, j), range(X.shape[1]))
    }


def test_kinds_values_and_missing_masks(backend):
    """Each backend's columns come back with the right kind, exact values and mask."""
    X = backend.frame(
        {
            "ints": pd.array([3, None, -(2**40)], dtype="Int64"),
            "strings": ["a", None, "c"],
            "bools": pd.array([True, None, False], dtype="boolean"),
            "floats": [0.5, np.nan, -2.0],
            "times": pd.to_datetime(["2024-03-01 12:00:00", None, "1999-12-31 23:59:59"]),
        }
    )
    columns = read_all(X)
    missing = [False, True, False]
    expected = {
        "ints": (_columns.INTEGER, [3, -(2**40)]),
        "strings": (_columns.STRING, ["a", "c"]),
        "bools": (_columns.BOOLEAN, [True, False]),
        "floats": (_columns.FLOAT, [0.5, -2.0]),
        "times": (
            _columns.DATETIME,
            np.array(["2024-03-01T12:00", "1999-12-31T23:59:59"], dtype="datetime64[s]"),
        ),
    }
    for name, (kind, present) in expected.items():
        column = columns[name]
        assert column.kind == kind, name
        assert column.name == name
        assert_array_equal(column.missing, missing, err_msg=name)
        assert_array_equal(column.values[[0, 2]], present, err_msg=name)
        assert column.tz is None


@pytest.mark.parametrize("value", [BIG, -BIG, 2**63 - 1, -(2**63)])
def test_nullable_integers_near_int64_limits_are_exact(backend, value):
    """Integers near 2**62 and the int64 limits survive with a missing value beside."""
    X = backend.frame({"id": pd.array([value, None, 7], dtype="Int64")})
    column = read_all(X)["id"]
    assert column.kind == _columns.INTEGER
    assert column.values.dtype == np.int64
    assert int(column.values[0]) == value
    assert int(column.values[2]) == 7
    assert_array_equal(column.missing, [False, True, False])


def test_numpy_int64_near_limits_is_exact():
    """Plain int64 columns and 2-D int arrays keep every bit."""
    values = np.array([BIG, -BIG, 2**63 - 1], dtype=np.int64)
    for X in (pd.DataFrame({"id": values}), values.reshape(-1, 1)):
        column = read_all(X)["id" if isinstance(X, pd.DataFrame) else "x0"]
        assert column.values.tolist() == values.tolist()
        assert not column.missing.any()


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "string[python]", "str", "object"])
def test_missing_strings_of_every_string_dtype(dtype):
    """``pd.NA``, None and NaN in string columns become a mask and None values."""
    pytest.importorskip("pyarrow")
    series = pd.Series(["tok", pd.NA if dtype.startswith("string") else None, "x"], dtype=dtype)
    column = read_all(series.to_frame("token"))["token"]
    assert column.kind == _columns.STRING
    assert column.values.tolist() == ["tok", None, "x"]
    assert_array_equal(column.missing, [False, True, False])


@pytest.mark.parametrize(
    "values, type_names",
    [
        ([1, "a", 2], r"\['int', 'str'\]"),
        ([True, 1], r"\['bool', 'int'\]"),
        (["a", 2.5, None], r"\['float', 'str'\]"),
    ],
)
def test_mixed_object_columns_raise_type_error_naming_the_column(values, type_names):
    """Object columns mixing kinds raise sklearn's 'strings or numbers' TypeError."""
    X = pd.DataFrame({"mixed_col": pd.Series(values, dtype=object)})
    with pytest.raises(TypeError, match=rf"'mixed_col'.*strings or numbers. Got {type_names}"):
        read_all(X)


def test_mixed_objects_in_numpy_array_name_the_position():
    """A 2-D object array names the offending column ``x1``."""
    X = np.array([[1, "a"], [2, 3]], dtype=object)
    with pytest.raises(TypeError, match=r"'x1'.*Got \['int', 'str'\]"):
        read_all(X)


def _backend_unit(backend, unit):
    """Polars has no second unit: ``from_pandas`` stores seconds as milliseconds."""
    return "ms" if backend.name == "polars" and unit == "s" else unit


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_aware_datetimes_are_utc_instants_in_their_own_unit(backend, unit, tz):
    """Aware datetimes read as UTC instants, unit and zone kept, NaT masked."""
    local = pd.Series(
        pd.to_datetime(
            ["2024-03-10 02:30", None, "2024-11-03 01:30:00.123456789"], format="ISO8601"
        )
    )
    aware = local.dt.tz_localize(tz, ambiguous=True, nonexistent="shift_forward").dt.as_unit(
        unit
    )
    X = backend.frame({"when": aware})
    column = read_all(X)["when"]
    assert column.kind == _columns.DATETIME
    assert column.values.dtype == np.dtype(f"datetime64[{_backend_unit(backend, unit)}]")
    assert zoneinfo.ZoneInfo(str(column.tz)) == zoneinfo.ZoneInfo(tz)
    # Independent reference: pandas' own conversion of each instant to UTC.
    expected = aware.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    assert_array_equal(column.values[[0, 2]], expected[[0, 2]])
    assert_array_equal(column.missing, [False, True, False])
    assert np.isnat(column.values[1])


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_naive_datetimes_keep_their_unit(backend, unit):
    """Naive datetimes come back in the input's unit, without a zone."""
    # Years 1500 and 2300 lie outside the nanosecond range (1677-2262).
    years = ["1700-01-01", "2200-06-30T12:00"] if unit == "ns" else ["1500-01-01", "2300-06-30"]
    naive = pd.Series(np.array(years, dtype=f"datetime64[{unit}]"))
    column = read_all(backend.frame({"when": naive}))["when"]
    assert column.values.dtype == np.dtype(f"datetime64[{_backend_unit(backend, unit)}]")
    assert_array_equal(column.values, naive.to_numpy())
    assert column.tz is None


def test_categorical_columns_take_their_categories_kind():
    """Categories decide the kind; unused categories are kept; -1 codes are missing."""
    X = pd.DataFrame(
        {
            "size": pd.Categorical(["s", None, "l"], categories=["l", "m", "s"]),
            "level": pd.Categorical([2, 10, None], categories=[10, 2, 99]),
        }
    )
    columns = read_all(X)
    assert columns["size"].kind == _columns.STRING
    assert columns["size"].values.tolist() == ["s", None, "l"]
    assert columns["size"].categories.tolist() == ["l", "m", "s"]
    assert columns["level"].kind == _columns.INTEGER
    assert columns["level"].values.tolist() == [2, 10, 0]
    assert columns["level"].categories.tolist() == [10, 2, 99]
    assert_array_equal(columns["level"].missing, [False, False, True])


def test_polars_specific_dtypes():
    """Polars Categorical, Enum, Date, UInt64 and Null columns read correctly."""
    pl = pytest.importorskip("polars")
    X = pl.DataFrame(
        {
            "cat": pl.Series(["a", None, "b"], dtype=pl.Categorical),
            "enum": pl.Series(["lo", "hi", None], dtype=pl.Enum(["lo", "hi"])),
            "day": pl.Series([datetime.date(2024, 2, 29), None, datetime.date(1900, 1, 1)]),
            "u64": pl.Series([2**63 - 1, 0, None], dtype=pl.UInt64),
            "nothing": pl.Series([None, None, None]),
            "nan_and_null": pl.Series([1.0, None, float("nan")]),
        }
    )
    columns = read_all(X)
    assert columns["cat"].values.tolist() == ["a", None, "b"]
    assert columns["enum"].values.tolist() == ["lo", "hi", None]
    assert columns["day"].kind == _columns.DATETIME
    assert columns["day"].values[0] == np.datetime64("2024-02-29T00:00:00")
    assert columns["day"].values[2] == np.datetime64("1900-01-01T00:00:00")
    assert int(columns["u64"].values[0]) == 2**63 - 1
    assert columns["nothing"].kind == _columns.NULL
    assert_array_equal(columns["nan_and_null"].missing, [False, True, True])


def test_numpy_arrays_column_by_column():
    """2-D arrays: numeric dtypes by kind, object columns inferred one by one."""
    floats = np.array([[1.5, np.nan], [2.0, 3.0]])
    assert read_all(floats)["x1"].missing.tolist() == [True, False]
    objects = np.array([["a", 1, True], [None, 2, False]], dtype=object)
    kinds = [column.kind for column in read_all(objects).values()]
    assert kinds == [_columns.STRING, _columns.INTEGER, _columns.BOOLEAN]
    unicode = np.array([["a"], ["b"]])
    assert read_all(unicode)["x0"].values.tolist() == ["a", "b"]
    times = np.array(["2024-01-01", "NaT"], dtype="datetime64[ms]").reshape(-1, 1)
    column = read_all(times)["x0"]
    assert (column.kind, column.missing.tolist()) == (_columns.DATETIME, [False, True])


def test_python_dates_and_datetimes_in_object_columns():
    """Python date/datetime objects become datetime columns; mixed zones are refused."""
    dates = pd.DataFrame({"d": pd.Series([datetime.date(2024, 1, 2), None], dtype=object)})
    column = read_all(dates)["d"]
    assert column.kind == _columns.DATETIME
    assert column.values[0] == np.datetime64("2024-01-02")
    paris, tokyo = zoneinfo.ZoneInfo("Europe/Paris"), zoneinfo.ZoneInfo("Asia/Tokyo")
    mixed = pd.DataFrame(
        {
            "ts": pd.Series(
                [
                    datetime.datetime(2024, 1, 1, tzinfo=paris),
                    datetime.datetime(2024, 1, 1, tzinfo=tokyo),
                ],
                dtype=object,
            )
        }
    )
    with pytest.raises(ValueError, match=r"Column 'ts'.*pd.to_datetime\(\.\.\., utc=True\)"):
        read_all(mixed)


@pytest.mark.parametrize(
    "series",
    [
        pd.Series(pd.to_timedelta([1, 2], unit="s")),
        pd.Series(pd.period_range("2024-01", periods=2, freq="M")),
        pd.Series([b"a", b"b"], dtype=object),
        pd.Series([1 + 2j, 3j], dtype=object),
    ],
    ids=["timedelta", "period", "bytes", "complex"],
)
def test_unsupported_columns_are_classified_and_refused_by_name(series):
    """Unsupported dtypes get kind 'unsupported'; check_kind names column and dtype."""
    column = read_all(series.to_frame("odd"))["odd"]
    assert column.kind == _columns.UNSUPPORTED
    with pytest.raises(TypeError, match=r"Column 'odd' has dtype .*unsupported.*token columns"):
        _columns.check_kind(column, (_columns.INTEGER, _columns.STRING), what="token columns")


def test_out_of_range_integers_are_refused_by_name():
    """Unsigned above int64 and Python ints beyond int64 raise, naming the column."""
    with pytest.raises(ValueError, match=r"Column 'u'.*above 9223372036854775807"):
        read_all(pd.DataFrame({"u": np.array([2**64 - 1], dtype=np.uint64)}))
    with pytest.raises(ValueError, match=r"Column 'big'.*outside the int64 range"):
        read_all(pd.DataFrame({"big": pd.Series([2**70, 1], dtype=object)}))


def test_boolean_is_its_own_kind_never_integer(backend):
    """Booleans are read as booleans, so later layers can keep True apart from 1."""
    X = backend.frame({"flag": [True, False], "one": [1, 0]})
    columns = read_all(X)
    assert columns["flag"].kind == _columns.BOOLEAN
    assert columns["one"].kind == _columns.INTEGER


def test_all_missing_object_column_is_null_kind():
    """An object column with nothing but missing values has kind 'null'."""
    column = read_all(pd.DataFrame({"empty": pd.Series([None, np.nan], dtype=object)}))["empty"]
    assert column.kind == _columns.NULL
    assert column.missing.all()


def test_reading_never_mutates_and_returns_read_only_arrays(backend):
    """The caller's frame is unchanged and the arrays handed out refuse writes."""
    X = backend.frame(
        {
            "ints": pd.array([1, None, 3], dtype="Int64"),
            "strings": ["a", None, "c"],
            "floats": [0.5, np.nan, 1.0],
            "times": pd.to_datetime(["2024-01-01", None, "2024-01-03"]).tz_localize("UTC"),
        }
    )
    before = copy.deepcopy(backend.to_pandas(X))
    for column in read_all(X).values():
        with pytest.raises(ValueError, match="read-only"):
            column.values[0] = column.values[2]
        with pytest.raises(ValueError, match="read-only"):
            column.missing[0] = True
    assert_frame_equal(backend.to_pandas(X), before)


def test_numpy_input_is_not_mutated():
    """Views into a caller's array are read-only, the array stays writeable and equal."""
    X = np.array([[1.0, np.nan], [2.0, 3.0]])
    before = X.copy()
    for column in read_all(X).values():
        with pytest.raises(ValueError, match="read-only"):
            column.values[0] = 0.0
    assert X.flags.writeable
    assert_array_equal(X, before)


def test_check_input_empty_and_mismatched_frames(backend):
    """sklearn's messages for empty input; zero rows allowed at transform time."""
    X = backend.frame({"a": [1, 2], "b": ["x", "y"]})
    probe = ColumnProbe()
    _columns.check_input(probe, X, reset=True)
    with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\)"):
        _columns.check_input(ColumnProbe(), X[:0], reset=True)
    assert _columns.check_input(probe, X[:0], reset=False).shape == (0, 2)
    with pytest.raises(ValueError, match=r"0 feature\(s\)"):
        _columns.check_input(
            ColumnProbe(), X[:, []] if backend.name == "polars" else X[[]], reset=True
        )
    renamed = backend.frame({"a": [1, 2], "c": ["x", "y"]})
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- c"):
        _columns.check_input(probe, renamed, reset=False)


def test_check_no_missing_and_check_finite_name_the_column():
    """The NaN and infinity errors use sklearn's wording plus the column name."""
    columns = read_all(pd.DataFrame({"price": [1.0, np.nan, np.inf]}))
    with pytest.raises(ValueError, match=r"Input X contains NaN in column 'price' \(1 missing"):
        _columns.check_no_missing(columns["price"])
    with pytest.raises(ValueError, match=r"Input X contains infinity .* in column 'price'"):
        _columns.check_finite(columns["price"])


def test_input_features_checks():
    """get_feature_names_out's input_features must match the fitted names."""
    probe = ColumnProbe().fit(pd.DataFrame({"a": [1], "b": [2]}))
    assert probe.get_feature_names_out().tolist() == ["a_probe", "b_probe"]
    with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
        probe.get_feature_names_out(["a", "c"])
    with pytest.raises(ValueError, match=r"length equal to number of features \(2\), got 1"):
        probe.get_feature_names_out(["a"])
    unnamed = ColumnProbe().fit(np.ones((2, 2)))
    assert unnamed.get_feature_names_out(["p", "q"]).tolist() == ["p_probe", "q_probe"]


@given(
    st.lists(
        st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1)),
        min_size=1,
        max_size=30,
    )
)
def test_property_nullable_integers_round_trip_exactly(values):
    """Any int64 values with missing entries read back bit for bit, on every backend."""
    present = [value is not None for value in values]
    frames = [pd.DataFrame({"v": pd.array(values, dtype="Int64")})]
    frames.append(frames[0].convert_dtypes(dtype_backend="pyarrow"))
    polars = pytest.importorskip("polars")
    frames.append(polars.DataFrame({"v": polars.Series(values, dtype=polars.Int64)}))
    for X in frames:
        column = read_all(X)["v"]
        assert column.missing.tolist() == [not flag for flag in present]
        assert [int(v) for v, keep in zip(column.values, present, strict=True) if keep] == [
            v for v in values if v is not None
        ]


@given(st.lists(st.one_of(st.none(), st.text(max_size=5)), min_size=1, max_size=30))
def test_property_strings_round_trip(values):
    """Arbitrary strings (empty, unicode) with missing entries read back unchanged."""
    for dtype in ("object", "string[python]", "string[pyarrow]"):
        column = read_all(pd.DataFrame({"s": pd.Series(values, dtype=dtype)}))["s"]
        assert column.values.tolist() == values
        assert column.missing.tolist() == [value is None for value in values]


def test_probe_through_both_fit_paths_matches_pandas_reference(backend, fit_transform):
    """A layer-built transformer gives pandas' own values on every backend and path."""
    source = pd.DataFrame(
        {
            "token": ["b", "a", "c", "a"],
            "count": [3, -1, 2**40, 0],
            "when": pd.to_datetime(
                [
                    "2024-01-01 00:00:01",
                    "1999-07-04 00:00:00",
                    "2030-12-31 23:59:59",
                    "2000-02-29 12:00:00",
                ]
            ).tz_localize("Europe/Paris"),
        }
    )
    out = fit_transform(ColumnProbe(), backend.frame(source))
    token_rank = source["token"].rank(method="dense").to_numpy() - 1
    epoch_seconds = (source["when"] - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds()
    assert_array_equal(out[:, 0], token_rank)
    assert_array_equal(out[:, 1], source["count"].to_numpy())
    assert_array_equal(out[:, 2], epoch_seconds.to_numpy())


def test_set_output_keeps_a_non_default_index():
    """pandas output from set_output keeps the caller's (duplicated) index and names."""
    X = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "x"]}, index=[10, 10, 3])
    out = ColumnProbe().set_output(transform="pandas").fit_transform(X)
    assert out.index.tolist() == [10, 10, 3]
    assert out.columns.tolist() == ["a_probe", "b_probe"]


def test_arrow_strings_on_every_backend(backend):
    """arrow_strings=True gives large_string arrays with nulls exactly where missing."""
    pa = pytest.importorskip("pyarrow")
    X = backend.frame({"token": ["b", None, "ü", "b"]})
    X = _columns.check_input(ColumnProbe(), X, reset=True)
    column = _columns.read_column(X, 0, arrow_strings=True)
    assert column.values.type == pa.large_string()
    assert column.values.to_pylist() == ["b", None, "ü", "b"]
    assert_array_equal(column.missing, [False, True, False, False])


def test_arrow_strings_from_categoricals_and_numpy():
    """Categorical codes and object arrays convert to arrow with the same nulls."""
    X = pd.DataFrame(
        {
            "cat": pd.Categorical(["x", None, "y"], categories=["y", "x", "unused"]),
            "obj": pd.Series(["p", pd.NA, "q"], dtype=object),
        }
    )
    for j, expected in enumerate([["x", None, "y"], ["p", None, "q"]]):
        column = _columns.read_column(X, j, arrow_strings=True)
        assert column.values.to_pylist() == expected
        assert column.missing.tolist() == [False, True, False]
    assert _columns.read_column(X, 0).categories.tolist() == ["y", "x", "unused"]


def test_nan_in_arrow_floats_is_missing():
    """Arrow float columns hold NaN apart from null; both are missing values."""
    pa = pytest.importorskip("pyarrow")
    series = pd.Series(pa.array([1.0, float("nan"), None], from_pandas=False))
    series = series.astype(pd.ArrowDtype(pa.float64()))
    column = read_all(series.to_frame("f"))["f"]
    assert column.missing.tolist() == [False, True, True]
    with pytest.raises(ValueError, match="Input X contains NaN in column 'f'"):
        ColumnProbe().fit(series.to_frame("f"))


@pytest.mark.parametrize(
    "rows, kinds",
    [
        ([[1, "a"], [2, "b"]], [_columns.INTEGER, _columns.STRING]),
        ([[True, 2], [False, 3]], [_columns.BOOLEAN, _columns.INTEGER]),
        ([[1.5, "a"]], [_columns.FLOAT, _columns.STRING]),
    ],
)
def test_lists_keep_each_column_kind(rows, kinds):
    """A list of rows is not coerced to one numpy dtype: each column keeps its kind."""
    assert [column.kind for column in read_all(rows).values()] == kinds


def test_mixed_int_float_objects_are_refused_when_lossy():
    """Ints and floats mix into a float column only when float64 holds the ints exactly."""
    exact = read_all(pd.DataFrame({"v": pd.Series([3, 1.5], dtype=object)}))["v"]
    assert exact.values.tolist() == [3.0, 1.5]
    with pytest.raises(ValueError, match=r"Column 'v' mixes integers and floats"):
        read_all(pd.DataFrame({"v": pd.Series([BIG, 1.5], dtype=object)}))


@pytest.mark.parametrize(
    "values, kind",
    [([1, pd.NaT], _columns.INTEGER), (["a", np.datetime64("NaT")], _columns.STRING)],
)
def test_nat_in_object_columns_is_missing(values, kind):
    """NaT counts as missing in object columns, like None, NaN and pd.NA."""
    column = read_all(pd.DataFrame({"v": pd.Series(values, dtype=object)}))["v"]
    assert column.kind == kind
    assert column.missing.tolist() == [False, True]


@pytest.mark.parametrize(
    "series",
    [
        pd.Series(pd.Categorical(pd.period_range("2024-01", periods=2, freq="M"))),
        pd.Series([[1], [2]], dtype=object),
    ],
    ids=["categorical-of-periods", "object-of-lists"],
)
def test_odd_categories_and_objects_are_unsupported(series):
    """Categoricals of unsupported values and objects of one odd type are 'unsupported'."""
    column = read_all(series.to_frame("odd"))["odd"]
    assert column.kind == _columns.UNSUPPORTED
    with pytest.raises(ValueError, match="read-only"):
        column.missing[0] = True


def test_arrow_dictionary_string_view_and_null_columns():
    """Parquet-style dictionary columns, string_view and null arrow columns are read."""
    pa = pytest.importorskip("pyarrow")
    dictionary = pa.array(["a", "b", None, "a"]).dictionary_encode()
    X = pd.DataFrame(
        {
            "dict": pd.Series(dictionary, dtype=pd.ArrowDtype(dictionary.type)),
            "view": pd.Series(["x", None, "y", "z"], dtype=pd.ArrowDtype(pa.string_view())),
            "null": pd.Series([None] * 4, dtype=pd.ArrowDtype(pa.null())),
            "day": pd.Series(
                [datetime.date(2024, 2, 29), None, datetime.date(1, 1, 1), None],
                dtype=pd.ArrowDtype(pa.date32()),
            ),
        }
    )
    columns = read_all(X)
    assert columns["dict"].kind == _columns.STRING
    assert columns["dict"].values.tolist() == ["a", "b", None, "a"]
    assert columns["view"].values.tolist() == ["x", None, "y", "z"]
    assert columns["null"].kind == _columns.NULL
    assert columns["day"].kind == _columns.DATETIME
    assert columns["day"].values[0] == np.datetime64("2024-02-29")
    assert columns["day"].missing.tolist() == [False, True, False, True]


def test_wide_polars_integers_beyond_int64_are_refused():
    """polars Int128 values beyond int64 raise naming the column; small ones read."""
    pl = pytest.importorskip("polars")
    X = pl.DataFrame({"wide": pl.Series([5, None], dtype=pl.Int128)})
    assert read_all(X)["wide"].values.tolist() == [5, 0]
    with pytest.raises(ValueError, match="Column 'wide' holds integers outside the int64"):
        read_all(pl.DataFrame({"wide": pl.Series([2**70], dtype=pl.Int128)}))


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, bool, "datetime64[D]", "<U3"])
def test_numpy_arrays_of_every_kind_are_not_mutated(dtype):
    """Reading any numpy dtype leaves the caller's array equal and writeable."""
    X = np.array([[1, 0], [2, 1]]).astype(dtype)
    before = X.copy()
    columns = read_all(X)
    assert X.flags.writeable
    assert_array_equal(X, before)
    if np.dtype(dtype).kind == "M":
        assert columns["x0"].values.dtype == np.dtype("datetime64[s]")


def test_strings_that_are_not_unicode_are_refused_by_name():
    """Lone surrogates cannot become arrow strings: the error names the column."""
    X = pd.DataFrame({"text": pd.Series(["ok", "\ud800"], dtype=object)})
    with pytest.raises(ValueError, match=r"Column 'text' holds a string that is not valid"):
        _columns.read_column(X, 0, arrow_strings=True)
