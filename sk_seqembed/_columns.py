"""The column layer: where every input column's journey starts.

All estimators validate their input with :func:`check_input` and read columns with
:func:`read_column`. A column comes back as a :class:`Column`: a read-only numpy array of
values, a boolean missing-value mask, and a *kind* that tells the estimator what the values
are. Reading is lossless: nullable integers go through their mask (never through float),
datetimes keep their unit, and aware datetimes are stored as UTC instants next to their zone.

Supported containers are pandas DataFrames (numpy, nullable and pyarrow dtypes), polars
DataFrames, pyarrow Tables and RecordBatches (read as pandas frames of arrow dtypes),
narwhals frames (read as their native frame) and 2-D array-likes; lazy frames and dicts
are refused by name (:func:`native_frame`). Nothing here writes to the caller's data.
"""

import sys
from dataclasses import dataclass, replace
from functools import lru_cache
from numbers import Integral

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.utils.validation import validate_data

INTEGER = "integer"
STRING = "string"
BOOLEAN = "boolean"
FLOAT = "float"
DATETIME = "datetime"
NULL = "null"
UNSUPPORTED = "unsupported"
KINDS = (INTEGER, STRING, BOOLEAN, FLOAT, DATETIME, NULL, UNSUPPORTED)

_INT64_MAX = np.iinfo(np.int64).max
# What a missing entry holds in ``Column.values``, by kind.
_FILLERS = {
    INTEGER: 0,
    STRING: None,
    BOOLEAN: False,
    FLOAT: np.nan,
    DATETIME: np.datetime64("NaT"),
}


@dataclass(frozen=True)
class Column:
    """One input column, read into numpy without lossy casts.

    Attributes
    ----------
    name : str
        The column's label as the user knows it (``"x3"`` for arrays), used in messages.
    kind : str
        One of ``KINDS``: ``"integer"`` (int64 values), ``"string"`` (object array of
        ``str``), ``"boolean"`` (bool), ``"float"`` (float64), ``"datetime"``
        (``datetime64`` in the input's own unit; UTC instants when ``tz`` is set),
        ``"null"`` (every value is missing, so no type can be inferred) or
        ``"unsupported"`` (see ``dtype``).
    values : ndarray of shape (n_samples,) or pyarrow.Array
        Read-only. For string columns read with ``arrow_strings=True``, a pyarrow
        ``large_string`` array with nulls where values are missing. Entries where
        ``missing`` is True hold a filler of the right dtype (0, False, NaN, NaT or None)
        and carry no information.
    missing : ndarray of bool, shape (n_samples,)
        Read-only mask of missing values (NaN, None, ``pd.NA``, ``NaT``, polars null).
    dtype : str
        The input dtype as its library names it, for messages.
    tz : str or tzinfo or None
        Time zone of an aware datetime column, None for naive ones and other kinds.
    categories : ndarray or None
        For categorical inputs, every declared category (used or not), read like
        ``values``; None otherwise.
    stored_as : str or None
        For float columns whose ``dtype`` does not name the float (categoricals,
        arrow dictionaries), the dtype their values are stored as, e.g. ``"float32"``:
        it bounds the integers they hold exactly. None otherwise.
    """

    name: str
    kind: str
    values: np.ndarray
    missing: np.ndarray
    dtype: str
    tz: object = None
    categories: np.ndarray | None = None
    stored_as: str | None = None


class ColumnView:
    """Some columns of a pandas DataFrame, read in place.

    What a ColumnTransformer hands each step is a new sub-frame; building one costs
    more than a step's whole transform of one row. A view reads the same columns
    without it, wherever a reader of this module takes a DataFrame.
    """

    def __init__(self, frame, positions, labels=None):
        self.frame = frame
        self.positions = list(positions)
        # The labels, when the caller has them: an Index of strings is slow to index.
        labels = list(frame.columns) if labels is None else labels
        self.labels = [labels[p] for p in self.positions]
        self.shape = (frame.shape[0], len(self.positions))


def is_dataframe(X):
    """Whether ``X`` is a pandas or polars DataFrame (polars need not be installed), or
    a :class:`ColumnView` of one."""
    if isinstance(X, pd.DataFrame | ColumnView):
        return True
    polars = sys.modules.get("polars")
    return polars is not None and isinstance(X, polars.DataFrame)


def native_frame(X):
    """``X`` as a container the readers take, or an error naming it and the fix.

    A narwhals frame is unwrapped to its native frame. A pyarrow Table or RecordBatch
    becomes a pandas frame of arrow dtypes, without a copy: zones, nulls and dtypes stay
    as arrow has them (``np.asarray`` would read aware times as UTC wall clock and
    nullable ints as floats). A lazy frame (polars, or a lazy narwhals frame) and a dict
    are refused by name; anything else is returned as it is.
    """
    if isinstance(X, pd.DataFrame | ColumnView | np.ndarray):
        return X
    if isinstance(X, nw.DataFrame | nw.LazyFrame):
        native = nw.to_native(X)
        if isinstance(X, nw.LazyFrame) and not _is_dask(native):
            raise TypeError(
                f"X is a lazy narwhals frame (of {type(native).__module__}."
                f"{type(native).__name__}); collect it first, e.g. X.collect(), and pass "
                "the DataFrame."
            )
        X = native
    polars = sys.modules.get("polars")
    if polars is not None and isinstance(X, polars.LazyFrame):
        raise TypeError(
            "X is a polars LazyFrame, which holds a query, not rows; collect it first, "
            "e.g. X.collect(), and pass the DataFrame."
        )
    if isinstance(X, pa.Table | pa.RecordBatch):
        return X.to_pandas(types_mapper=pd.ArrowDtype)
    if isinstance(X, dict) and not hasattr(X, "toarray"):  # scipy's dok is a dict
        raise TypeError(
            "X is a dict; pass a DataFrame of its columns instead, e.g. "
            "pandas.DataFrame(X) or polars.DataFrame(X)."
        )
    return X


def _is_dask(X):
    return type(X).__module__.split(".")[0] == "dask"


def check_input(estimator, X, *, reset, view=False):
    """Validate ``X`` for ``estimator`` without converting DataFrames.

    Sets or checks ``n_features_in_`` and ``feature_names_in_`` through sklearn's
    ``validate_data``. DataFrames are returned untouched so their dtypes survive; other
    inputs go through ``check_array`` (2-D, no sparse, no complex, any dtype, missing
    values allowed). ``fit`` needs at least one row; ``transform`` accepts zero rows.

    With ``view=True``, a pandas frame with the fitted column names comes back as a
    :class:`ColumnView` of its labels (for estimators that read columns only through
    this module).

    Returns
    -------
    X : DataFrame, ColumnView or ndarray
        The container to pass to :func:`read_column`.
    """
    X = native_frame(X)
    min_samples = 1 if reset else 0
    if not is_dataframe(X):
        return validate_data(
            estimator,
            X,
            reset=reset,
            # Lists become object arrays: np.asarray would turn [[True, 2]] into ints
            # and [[1, "a"]] into strings, changing what each column holds.
            dtype=None if hasattr(X, "dtype") or hasattr(X, "toarray") else object,
            accept_sparse=False,
            ensure_all_finite=False,
            ensure_min_samples=min_samples,
        )
    fitted = getattr(estimator, "feature_names_in_", None)
    if isinstance(X, ColumnView):
        if reset or fitted is None or column_names(X) != fitted.tolist():
            raise ValueError("A ColumnView is read by a fitted estimator of its columns.")
        return X
    if not reset and fitted is not None and isinstance(X, pd.DataFrame):
        # The names fit saw, in order, settle everything validate_data checks for a
        # pandas frame; comparing them costs microseconds, validate_data a millisecond,
        # which is most of a one-row transform.
        labels = list(X.columns)
        if labels == fitted.tolist():
            return ColumnView(X, range(len(labels)), labels) if view else X
    if not reset and fitted is not None:
        names = column_names(X)
        if names != list(fitted) and sorted(names) == sorted(fitted):
            # sklearn's message alone does not say which columns moved.
            raise ValueError(
                "The feature names should match those that were passed during fit.\n"
                "Feature names must be in the same order as they were in fit.\nGot "
                f"{names}, fit saw {list(fitted)}. Select them in that order, e.g. "
                "X[estimator.feature_names_in_]."
            )
    validate_data(estimator, X, reset=reset, skip_check_array=True)
    n_samples, n_features = X.shape
    # Features first: a polars frame without columns also has no rows.
    if n_features < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is required."
        )
    if n_samples < min_samples:
        raise ValueError(
            f"Found array with {n_samples} sample(s) (shape={X.shape}) while a minimum "
            f"of {min_samples} is required."
        )
    return X


def as_table_selection(columns):
    """A ColumnTransformer selection that always hands its transformer a table.

    A single name or position would select a 1-D Series, which our estimators refuse:
    it becomes a one-column list (numpy scalars as Python ones). Other selections
    (lists, slices, masks, callables) are returned as they are.
    """
    if isinstance(columns, (str, Integral)):
        return [columns.item() if hasattr(columns, "item") else columns]
    return columns


def column_names(X):
    """Labels of the columns of ``X`` as strings; ``x0, x1, ...`` for arrays."""
    if isinstance(X, ColumnView):
        return [str(label) for label in X.labels]
    if is_dataframe(X):
        return [str(name) for name in X.columns]
    return [f"x{j}" for j in range(X.shape[1])]


def output_prefixes(estimator):
    """Names that prefix a fitted estimator's output features, one per input column.

    ``feature_names_in_`` when fit saw string column names, else ``x0, x1, ...``, the
    names sklearn itself uses.
    """
    names = getattr(estimator, "feature_names_in_", None)
    if names is None:
        return [f"x{j}" for j in range(estimator.n_features_in_)]
    return [str(name) for name in names]


def check_input_features(estimator, input_features):
    """Check ``get_feature_names_out``'s ``input_features`` against the fitted input.

    Returns the output prefixes (see :func:`output_prefixes`) after checking that
    ``input_features``, if given, has the right length and matches
    ``feature_names_in_``.
    """
    prefixes = output_prefixes(estimator)
    if input_features is None:
        return prefixes
    input_features = [str(name) for name in np.asarray(input_features, dtype=object)]
    if len(input_features) != estimator.n_features_in_:
        raise ValueError(
            "input_features should have length equal to number of features "
            f"({estimator.n_features_in_}), got {len(input_features)}"
        )
    if hasattr(estimator, "feature_names_in_") and input_features != prefixes:
        raise ValueError("input_features is not equal to feature_names_in_")
    return input_features


def resolve_columns(estimator, columns, *, parameter):
    """Positions of the fitted input columns a parameter names (names or positions).

    ``columns`` is None, a name, a position, or a list of them; the result is a sorted
    int array. Errors name the parameter and the offending entry.
    """
    if columns is None:
        return np.empty(0, dtype=int)
    columns = [columns] if isinstance(columns, (str, Integral)) else list(columns)
    if any(isinstance(column, (bool, np.bool_)) for column in columns):
        raise ValueError(f"{parameter} must name columns or positions, got {columns!r}.")
    names = output_prefixes(estimator)
    resolved = []
    for column in columns:
        if isinstance(column, str):
            if column not in names:
                raise ValueError(
                    f"{parameter}: column {column!r} is not among the input columns {names}."
                )
            resolved.append(names.index(column))
        elif isinstance(column, Integral) and 0 <= column < estimator.n_features_in_:
            resolved.append(int(column))
        else:
            raise ValueError(
                f"{parameter}: {column!r} is neither a column name nor a position in "
                f"[0, {estimator.n_features_in_})."
            )
    return np.unique(resolved)


# Why one hand-written reader per backend, not narwhals' Series API for all:
# benchmarks/bench_readers.py reads 1M rows both ways. Ours takes 0.1-0.8x narwhals'
# time on pandas and polars (numpy-backed columns skip isna, aware ones drop their zone
# in place), 0.1x on arrow timestamps, and 1.1x on nullable arrow integers (the fixed
# cost of viewing a Table as a pandas frame). Polars floats take 1.35x: NaN is missing
# to us, and narwhals' is_null misses it, so the narwhals read is not exact there.
def read_column(X, j, *, arrow_strings=False):
    """Read the ``j``-th column of a validated container as a :class:`Column`.

    With ``arrow_strings=True``, string columns come back as pyarrow arrays, which
    arrow-backed inputs (pandas ``str``/``string[pyarrow]``, polars) provide without
    building one Python object per row.

    Raises
    ------
    TypeError
        If an object column mixes kinds of values (for example ints and strings).
    ValueError
        If an integer column holds values outside the int64 range.
    """
    if isinstance(X, ColumnView):
        label = X.labels[j]
        column = _read_pandas(_pandas_column(X.frame, X.positions[j], label), str(label))
    elif isinstance(X, pd.DataFrame):
        label = X.columns[j]
        column = _read_pandas(_pandas_column(X, j, label), str(label))
    elif is_dataframe(X):
        name = str(X.columns[j])
        column = _read_polars(X.to_series(j), name)
    else:
        name = f"x{j}"
        column = _read_numpy(np.asarray(X)[:, j], name)
    name = column.name
    if column.kind != STRING or isinstance(column.values, np.ndarray) != arrow_strings:
        return column
    if arrow_strings:
        try:
            values = pa.array(column.values, mask=column.missing, type=pa.large_string())
        except UnicodeEncodeError as exc:
            raise ValueError(
                f"Column {name!r} holds a string that is not valid Unicode ({exc.reason}: "
                f"{exc.object[exc.start : exc.end]!r}); clean it, e.g. with "
                ".str.encode('utf-8', 'replace').str.decode('utf-8')."
            ) from None
    else:
        values = column.values.to_numpy(zero_copy_only=False)
        values.flags.writeable = False
    return replace(column, values=values)


def _pandas_column(frame, j, label):
    """Column ``j`` of a pandas frame, whose label is ``label``, as a Series."""
    # Selecting by label costs half of .iloc; a label that is not unique selects a
    # frame, and then position decides.
    series = frame[label]
    return series if isinstance(series, pd.Series) else frame.iloc[:, j]


def check_kind(column, allowed, *, what):
    """Raise a TypeError naming the column unless its kind is in ``allowed``.

    ``what`` says what the estimator needs, e.g. ``"token columns"``.
    """
    if column.kind in allowed:
        return column
    raise TypeError(
        f"Column {column.name!r} has dtype {column.dtype} ({column.kind}); {what} must "
        f"be one of: {', '.join(allowed)}."
    )


# Float names that numpy cannot read as a dtype: pandas' and polars' (which share
# "Float32"), and arrow's as pandas prints them.
_FLOAT_NAMES = {
    "Float16": np.float16,
    "halffloat[pyarrow]": np.float16,
    "Float32": np.float32,
    "float[pyarrow]": np.float32,
}


def _source_float(dtype):
    """The numpy float type a column's dtype (numpy, pandas, arrow, polars) stores."""
    if str(dtype) in _FLOAT_NAMES:
        return _FLOAT_NAMES[str(dtype)]
    try:
        numpy_dtype = np.dtype(getattr(dtype, "numpy_dtype", dtype))
    except (TypeError, ValueError):  # not a numpy name, e.g. "category"
        return np.float64
    return numpy_dtype.type if numpy_dtype.kind == "f" else np.float64


def _float_storage(column):
    """The numpy float dtype a float column's values were stored in before reading."""
    return np.dtype(_source_float(column.stored_as or column.dtype))


def exact_integer_bits(column):
    """``(bits, name)``: a float column holds every integer below 2**bits exactly (11
    for float16, 24 for float32, 53 for float64), and ``name`` is its numpy float
    name."""
    float_type = _float_storage(column)
    return np.finfo(float_type).nmant + 1, float_type.name


def whole_numbers(column):
    """A float column as int64 values, and its present values that are not whole numbers
    below 2**53 in magnitude (2**24 for float32: the floats that hold integers exactly).

    Returns ``(values, bad)``: ``values`` is None when ``bad`` (sorted, distinct) is
    not empty, so the caller can word the error for what the numbers mean.
    """
    present = column.values[~column.missing]
    # The limit follows the column's own dtype: values were widened to float64 on read.
    limit = 2.0 ** exact_integer_bits(column)[0]
    bad = present[(present != np.round(present)) | (np.abs(present) >= limit)]
    if bad.size:
        return None, np.unique(bad)
    return np.where(column.missing, 0.0, column.values).astype(np.int64), bad


def check_no_missing(column):
    """Raise sklearn's NaN error, naming the column, if any value is missing."""
    if column.missing.any():
        n_missing = int(column.missing.sum())
        raise ValueError(
            f"Input X contains NaN in column {column.name!r} ({n_missing} missing "
            f"value(s) in {column.missing.size} rows)."
        )
    return column


def check_finite(column):
    """Raise sklearn's infinity error, naming the column, for an infinite float."""
    if column.kind == FLOAT and np.isinf(column.values).any():
        raise ValueError(
            f"Input X contains infinity or a value too large for dtype('float64') in "
            f"column {column.name!r}."
        )
    return column


# --- readers, one per container ------------------------------------------------------


def _frozen(values, missing, name, kind, dtype, **extra):
    values = np.asarray(values).view()
    # Views of the caller's buffers must never be written through.
    values.flags.writeable = False
    return Column(name, kind, values, _frozen_mask(missing), _dtype_name(dtype), **extra)


def _dtype_name(dtype):
    # str() of a numpy dtype takes microseconds, a tenth of a one-row read.
    try:
        return _kept_dtype_name(dtype)
    except TypeError:  # an unhashable dtype
        return str(dtype)


@lru_cache(maxsize=256)
def _kept_dtype_name(dtype):
    return str(dtype)


def _frozen_mask(missing):
    missing = np.asarray(missing, dtype=bool).view()
    missing.flags.writeable = False
    return missing


def _large_strings(values):
    """An arrow-backed string array (pandas, polars or pyarrow) as ``large_string``."""
    return _combined(pa.array(values)).cast(pa.large_string())


def _combined(values):
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _is_arrow_string(arrow_type):
    return (
        pa.types.is_string(arrow_type)
        or pa.types.is_large_string(arrow_type)
        or getattr(pa.types, "is_string_view", lambda _: False)(arrow_type)
    )


def _read_pandas(series, name):
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufM":
        # Numpy-backed numbers and datetimes are missing only where NaN or NaT: read
        # them as numpy does, without pandas' isna (a third of a one-row transform).
        # (.values: to_numpy boxes datetimes on its way, several times slower.)
        return _read_numpy(series.values if dtype.kind == "M" else series.to_numpy(), name)
    if isinstance(dtype, pd.DatetimeTZDtype):
        # Dropping the zone of the array (not of the Series) keeps the UTC instants
        # without a copy or the accessor's overhead.
        values = np.asarray(series.array.tz_convert(None))
        return _frozen(values, np.isnat(values), name, DATETIME, dtype, tz=dtype.tz)
    if isinstance(dtype, pd.CategoricalDtype):
        return _read_pandas_categorical(series, name)
    if isinstance(dtype, pd.ArrowDtype) and _is_arrow_number(dtype.pyarrow_dtype):
        return _read_arrow_numbers(series, name)
    missing = series.isna().to_numpy(dtype=bool)
    if isinstance(dtype, pd.ArrowDtype):
        arrow_type = dtype.pyarrow_dtype
        if pa.types.is_dictionary(arrow_type):
            # Parquet categoricals: decode to the value type and read that.
            encoded = _combined(pa.array(series.array))
            dictionary = encoded.dictionary
            if _is_arrow_string(dictionary.type):
                # Arrow has no take for string_view: decode as large strings.
                dictionary = dictionary.cast(pa.large_string())
            decoded = pc.take(dictionary, encoded.indices)
            column = _read_pandas(pd.Series(pd.arrays.ArrowExtensionArray(decoded)), name)
            return replace(column, dtype=str(dtype), stored_as=_stored_as(column))
        if pa.types.is_null(arrow_type):
            return _frozen(np.full(len(series), None), missing, name, NULL, dtype)
        if _is_arrow_string(arrow_type):
            values = _large_strings(series.array)
            return Column(name, STRING, values, _frozen_mask(missing), str(dtype))
        if pa.types.is_interval(arrow_type):
            # No numpy scalar type: pandas' dtype checks below would raise.
            return _unsupported(name, dtype, missing)
    if pd.api.types.is_bool_dtype(dtype):
        values = series.to_numpy(dtype=bool, na_value=False)
        return _frozen(values, missing, name, BOOLEAN, dtype)
    if pd.api.types.is_integer_dtype(dtype):
        if pd.api.types.is_unsigned_integer_dtype(dtype):
            values = series.to_numpy(dtype=np.uint64, na_value=0)
            values = _unsigned_to_int64(values, name)
        else:
            values = series.to_numpy(dtype=np.int64, na_value=0)
        return _frozen(values, missing, name, INTEGER, dtype)
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        # Arrow floats can hold NaN apart from null: both are missing.
        return _frozen(values, missing | np.isnan(values), name, FLOAT, dtype)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _read_pandas_datetime(series, name, missing)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return Column(
            name, STRING, _large_strings(series.array), _frozen_mask(missing), str(dtype)
        )
    if pd.api.types.is_object_dtype(dtype):
        return _read_objects(series.to_numpy(dtype=object), name, dtype)
    return _unsupported(name, dtype, missing)


def _read_pandas_categorical(series, name):
    codes = series.cat.codes.to_numpy()
    missing = codes < 0
    categories = read_column(pd.DataFrame({name: series.cat.categories}), 0)
    if categories.values.size == 0:
        return _frozen(np.full(codes.size, None), missing, name, NULL, series.dtype)
    if categories.kind not in _FILLERS:
        return _unsupported(name, f"{series.dtype} of {categories.dtype}", missing)
    if categories.kind == STRING:
        # Strings stay in arrow: nulls where the code is -1.
        arrow_categories = pa.array(categories.values, type=pa.large_string())
        values = pc.take(arrow_categories, pa.array(codes, mask=missing))
        return Column(
            name,
            STRING,
            values,
            _frozen_mask(missing),
            str(series.dtype),
            categories=categories.values,
        )
    values = categories.values.take(np.where(missing, 0, codes))
    values[missing] = _FILLERS[categories.kind]
    return _frozen(
        values,
        missing,
        name,
        categories.kind,
        series.dtype,
        tz=categories.tz,
        categories=categories.values,
        stored_as=_stored_as(categories),
    )


def _stored_as(column):
    """What a decoded float column's values were stored as (see ``Column.stored_as``)."""
    return _float_storage(column).name if column.kind == FLOAT else None


def _read_pandas_datetime(series, name, missing):
    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype):
        return _read_arrow_datetime(series, name, missing)
    tz = series.dt.tz
    if tz is not None:
        # tz_convert(None) yields naive UTC: instants are stored, the zone kept apart.
        series = series.dt.tz_convert(None)
    values = series.to_numpy()
    return _frozen(values, missing, name, DATETIME, dtype, tz=tz)


def _is_arrow_number(arrow_type):
    return (
        pa.types.is_integer(arrow_type)
        or pa.types.is_floating(arrow_type)
        or pa.types.is_boolean(arrow_type)
    )


def _read_arrow_numbers(series, name):
    """Arrow integers, floats and booleans read by arrow itself, faster than pandas'
    ``isna`` and ``to_numpy(na_value=...)`` (0.33 against 0.47 ms for 100,000 nullable
    ints)."""
    dtype = series.dtype
    arrow_type = dtype.pyarrow_dtype
    arrow = _combined(pa.array(series.array))
    missing = arrow.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_boolean(arrow_type):
        values = pc.fill_null(arrow, False).to_numpy(zero_copy_only=False)
        return _frozen(values, missing, name, BOOLEAN, dtype)
    if pa.types.is_floating(arrow_type):
        values = pc.fill_null(arrow, float("nan")).to_numpy().astype(np.float64)
        # Arrow floats can hold NaN apart from null: both are missing.
        return _frozen(values, missing | np.isnan(values), name, FLOAT, dtype)
    values = (pc.fill_null(arrow, 0) if arrow.null_count else arrow).to_numpy()
    if values.dtype.kind == "u":
        values = _unsigned_to_int64(values, name)
    return _frozen(values.astype(np.int64, copy=False), missing, name, INTEGER, dtype)


def _read_arrow_datetime(series, name, missing):
    """Arrow timestamps and dates from their stored integers: UTC instants in their own
    unit, the zone kept apart. (``astype`` to a pandas zone went through Python
    objects: 2.7 s for 100,000 aware rows, against 1 ms here.)"""
    arrow_type = series.dtype.pyarrow_dtype
    if pa.types.is_date32(arrow_type):
        unit, tz, storage = "D", None, pa.int32()
    elif pa.types.is_date64(arrow_type):
        unit, tz, storage = "ms", None, pa.int64()
    else:
        unit, tz, storage = arrow_type.unit, arrow_type.tz, pa.int64()
    ticks = pc.fill_null(_combined(pa.array(series.array)).view(storage), 0)
    ticks = ticks.to_numpy().astype(np.int64)
    if pa.types.is_date64(arrow_type):
        # A date64 is a date: milliseconds past midnight break arrow's spec, and pandas
        # and arrow's own to_pylist drop them.
        ticks -= ticks % 86_400_000
    values = ticks.view(f"datetime64[{unit}]")
    if unit == "D":
        values = values.astype("datetime64[s]")
    values[missing] = np.datetime64("NaT")
    if tz is not None:
        # The zone as pandas names it, so an arrow column and its pandas twin agree.
        try:
            tz = pd.DatetimeTZDtype(unit="ns", tz=tz).tz
        except Exception:  # zoneinfo, pytz and dateutil raise different errors
            raise ValueError(
                f"Column {name!r} has the arrow time zone {tz!r}, which pandas does not "
                "know; cast it to a zone name pandas knows, e.g. 'UTC' or 'Europe/Paris'."
            ) from None
    return _frozen(values, missing, name, DATETIME, series.dtype, tz=tz)


def _read_polars(series, name):
    import polars as pl

    dtype = series.dtype
    missing = series.is_null().to_numpy()
    if dtype.is_integer():
        if dtype in (pl.UInt64, pl.Int128, pl.UInt128):
            out_of_range = series > _INT64_MAX
            if dtype == pl.Int128:
                out_of_range |= series < np.iinfo(np.int64).min
            if out_of_range.any():
                raise ValueError(
                    f"Column {name!r} holds integers outside the int64 range "
                    f"[{np.iinfo(np.int64).min}, {_INT64_MAX}]."
                )
        values = series.cast(pl.Int64).fill_null(0).to_numpy()
        return _frozen(values, missing, name, INTEGER, dtype)
    if dtype == pl.Boolean:
        values = series.fill_null(False).to_numpy()
        return _frozen(values, missing, name, BOOLEAN, dtype)
    if dtype.is_float():
        if dtype != pl.Float64:
            series = series.cast(pl.Float64)
        values = (series.fill_null(float("nan")) if series.null_count() else series).to_numpy()
        return _frozen(values, missing | np.isnan(values), name, FLOAT, dtype)
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        values = _large_strings(series.cast(pl.String).to_arrow())
        # Only an Enum declares its categories (polars 2 Categoricals have no fixed list).
        categories = None
        if isinstance(dtype, pl.Enum):
            categories = dtype.categories.to_numpy().astype(object)
        return Column(
            name, STRING, values, _frozen_mask(missing), str(dtype), categories=categories
        )
    if isinstance(dtype, pl.Datetime):
        ticks, has_nulls = series.to_physical(), series.null_count() > 0
        if has_nulls:
            ticks = ticks.fill_null(0)
        values = ticks.to_numpy().astype(np.int64, copy=False)
        values = values.view(f"datetime64[{dtype.time_unit}]")
        if has_nulls:
            values = np.where(missing, np.datetime64("NaT"), values)
        return _frozen(values, missing, name, DATETIME, dtype, tz=dtype.time_zone)
    if dtype == pl.Date:
        days = series.to_physical().fill_null(0).to_numpy().astype(np.int64)
        values = days.view("datetime64[D]").astype("datetime64[s]")
        values[missing] = np.datetime64("NaT")
        return _frozen(values, missing, name, DATETIME, dtype)
    if dtype == pl.Null:
        return _frozen(np.full(len(series), None), missing, name, NULL, dtype)
    if dtype == pl.Object:
        return _read_objects(series.to_numpy(), name, dtype)
    return _unsupported(name, dtype, missing)


def _read_numpy(values, name):
    dtype = values.dtype
    if dtype.kind == "b":
        return _frozen(values, np.zeros(values.size, bool), name, BOOLEAN, dtype)
    if dtype.kind == "i":
        values = values.astype(np.int64, copy=False)
        return _frozen(values, np.zeros(values.size, bool), name, INTEGER, dtype)
    if dtype.kind == "u":
        values = _unsigned_to_int64(values.astype(np.uint64, copy=False), name)
        return _frozen(values, np.zeros(values.size, bool), name, INTEGER, dtype)
    if dtype.kind == "f" and dtype.itemsize <= 8:
        values = values.astype(np.float64, copy=False)
        return _frozen(values, np.isnan(values), name, FLOAT, dtype)
    if dtype.kind == "f":
        raise TypeError(
            f"Column {name!r} holds {dtype} values, wider than the float64 every "
            "estimator computes in (reading them would round them silently); cast the "
            f"column first, e.g. X[{name!r}].astype('float64'), or to int64 for ids."
        )
    if dtype.kind == "M":
        if np.datetime_data(dtype)[0] not in ("s", "ms", "us", "ns"):
            values = _within_supported_units(values, name)
        return _frozen(values, np.isnat(values), name, DATETIME, dtype)
    if dtype.kind in "US":
        return _read_objects(values.astype(object), name, dtype)
    if dtype.kind == "O":
        return _read_objects(values, name, dtype)
    return _unsupported(name, dtype, np.zeros(values.size, bool))


def _within_supported_units(values, name):
    """numpy datetimes of a unit pandas lacks, in seconds (coarser units: days, months,
    years) or nanoseconds (finer ones); a value the conversion cannot hold exactly is
    refused by name, as numpy would wrap or floor it silently."""
    unit = np.datetime_data(values.dtype)[0]
    finer = unit in ("ps", "fs", "as")
    target = "datetime64[ns]" if finer else "datetime64[s]"
    with np.errstate(over="ignore"):
        converted = values.astype(target)
    lost = (converted.astype(values.dtype) != values) & ~np.isnat(values)
    if lost.any():
        example = values[lost][0]
        if finer:
            raise ValueError(
                f"Column {name!r} holds times finer than a nanosecond (e.g. {example}); "
                "calendars and recency work to the nanosecond: round the column first, "
                f"e.g. X[{name!r}].astype('datetime64[ns]')."
            )
        # numpy prints such values wrapped (year 2**63 as a negative year): quote the
        # stored count instead.
        ticks = int(np.asarray(example).view(np.int64))
        raise ValueError(
            f"Column {name!r} holds datetime64[{unit}] value {ticks:,} ({unit} since "
            "1970), beyond the range of datetime64[s] (about 292 billion years around "
            "1970) in which times are read; drop or clip such dates first."
        )
    return converted


def _read_objects(values, name, dtype):
    """Classify an object array by the Python types it holds (pandas' C inference)."""
    missing = pd.isna(values)
    present = values[~missing]
    # Inferred on present values: infer_dtype's skipna does not skip NaT.
    inferred = pd.api.types.infer_dtype(present, skipna=False)
    if inferred == "string":
        values = values.copy()
        values[missing] = None
        return _frozen(values, missing, name, STRING, dtype)
    if inferred == "integer":
        ints = np.zeros(values.size, dtype=np.int64)
        try:
            ints[~missing] = present.astype(np.int64)
        except OverflowError:
            raise ValueError(
                f"Column {name!r} holds integers outside the int64 range "
                f"[{np.iinfo(np.int64).min}, {_INT64_MAX}]."
            ) from None
        return _frozen(ints, missing, name, INTEGER, dtype)
    if inferred == "boolean":
        bools = np.zeros(values.size, dtype=bool)
        bools[~missing] = present.astype(bool)
        return _frozen(bools, missing, name, BOOLEAN, dtype)
    if inferred in ("floating", "mixed-integer-float"):
        floats = np.full(values.size, np.nan)
        floats[~missing] = present.astype(np.float64)
        if inferred == "mixed-integer-float" and not (floats[~missing] == present).all():
            raise ValueError(
                f"Column {name!r} mixes integers and floats, and some integers are too "
                "large for float64 to hold exactly. Use one dtype for the column."
            )
        return _frozen(floats, missing, name, FLOAT, dtype)
    if inferred in ("datetime", "datetime64", "date"):
        return _read_datetime_objects(values, missing, name, dtype)
    if inferred == "empty":
        return _frozen(np.full(values.size, None), missing, name, NULL, dtype)
    type_names = sorted({type(value).__name__ for value in present})
    if inferred.startswith("mixed") and len(type_names) > 1:
        raise TypeError(
            f"Column {name!r} mixes kinds of values: its input argument must be "
            f"uniformly strings or numbers. Got {type_names}."
        )
    return _unsupported(name, f"{dtype} of {', '.join(type_names)}", missing)


def _read_datetime_objects(values, missing, name, dtype):
    try:
        parsed = pd.to_datetime(pd.Series(values, dtype=object))
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"Column {name!r} holds Python datetimes that do not form one datetime "
            f"column ({exc}). Convert it with pd.to_datetime(..., utc=True) first."
        ) from None
    column = _read_pandas_datetime(parsed, name, missing)
    return Column(name, DATETIME, column.values, column.missing, str(dtype), column.tz)


def _unsigned_to_int64(values, name):
    if values.size and values.max() > _INT64_MAX:
        raise ValueError(
            f"Column {name!r} holds unsigned integers above {_INT64_MAX}, the int64 maximum."
        )
    return values.astype(np.int64)


def _unsupported(name, dtype, missing):
    return _frozen(np.full(missing.size, None), missing, name, UNSUPPORTED, dtype)
