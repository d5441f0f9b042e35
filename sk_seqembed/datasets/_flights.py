"""Loader for the bundled NYC flights 2013 event table."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, overload

import pandas as pd
from sklearn.utils import Bunch
from sklearn.utils._param_validation import StrOptions

from .._params import validate_params

if TYPE_CHECKING:
    from typing import Literal

    import numpy as np
    from numpy.typing import NDArray

FEATURE_NAMES = [
    "sched_dep",
    "carrier",
    "flight",
    "tailnum",
    "origin",
    "dest",
    "distance",
]
_DELAYS = ["dep_delay", "arr_delay"]


@overload
def load_flights(
    *,
    return_X_y: Literal[False] = False,
    as_frame: bool = True,
    target: Literal["arr_delay", "dep_delay"] = "arr_delay",
    drop_missing_target: bool = True,
) -> Bunch: ...


@overload
def load_flights(
    *,
    return_X_y: Literal[True],
    as_frame: Literal[True] = True,
    target: Literal["arr_delay", "dep_delay"] = "arr_delay",
    drop_missing_target: bool = True,
) -> tuple[pd.DataFrame, pd.Series]: ...


@overload
def load_flights(
    *,
    return_X_y: Literal[True],
    as_frame: Literal[False],
    target: Literal["arr_delay", "dep_delay"] = "arr_delay",
    drop_missing_target: bool = True,
) -> tuple[NDArray[np.object_], NDArray[np.float64]]: ...


@overload
def load_flights(
    *,
    return_X_y: bool,
    as_frame: bool = True,
    target: Literal["arr_delay", "dep_delay"] = "arr_delay",
    drop_missing_target: bool = True,
) -> (
    Bunch | tuple[pd.DataFrame, pd.Series] | tuple[NDArray[np.object_], NDArray[np.float64]]
): ...


@validate_params(
    {
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
        "target": [StrOptions(set(_DELAYS))],
        "drop_missing_target": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_flights(
    *,
    return_X_y: bool = False,
    as_frame: bool = True,
    target: Literal["arr_delay", "dep_delay"] = "arr_delay",
    drop_missing_target: bool = True,
) -> Bunch | tuple[pd.DataFrame, pd.Series] | tuple[NDArray[np.object_], NDArray[np.float64]]:
    """Load every flight that left New York City in 2013 (336,776 rows, bundled).

    A real event table: rows sorted by scheduled departure, token columns (carrier,
    flight number, aircraft, airports), a local datetime column and delays to predict.
    Read from a file inside the package; no network access.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=True
        If True, ``data`` is a DataFrame and ``target`` a Series. If False, ``data`` is an
        object ndarray (``sched_dep`` as ``pd.Timestamp`` objects) and ``target`` a float
        ndarray.
    target : {"arr_delay", "dep_delay"}, default="arr_delay"
        The delay to predict, in minutes.
    drop_missing_target : bool, default=True
        Drop the flights whose target is missing (cancelled, or diverted for
        ``arr_delay``: 9,430 rows; 8,255 for ``dep_delay``). If False, every flight is
        kept and the target holds NaN for them.

    Returns
    -------
    data : Bunch
        Dictionary-like object with attributes ``data`` (features: ``sched_dep``,
        ``carrier``, ``flight``, ``tailnum``, ``origin``, ``dest``, ``distance``),
        ``target`` (the chosen delay, float64), ``frame`` (features and both delays,
        None when ``as_frame=False``), ``feature_names``, ``target_names`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
        The ``data`` and ``target`` described above: a DataFrame and a Series, or two
        ndarrays if ``as_frame=False``.

    See Also
    --------
    make_event_log : Generate an event table whose tokens, positions and times carry
        planted signal.

    Examples
    --------
    >>> from sk_seqembed.datasets import load_flights
    >>> X, y = load_flights(return_X_y=True)
    >>> X.shape
    (327346, 7)
    >>> X["sched_dep"].dtype
    dtype('<M8[s]')
    >>> y.name
    'arr_delay'
    """
    frame = _read_flights()
    if drop_missing_target:
        frame = frame[frame[target].notna()].reset_index(drop=True)
    data = frame[FEATURE_NAMES]
    target_values = frame[target].astype("float64")
    if not as_frame:
        data = data.to_numpy(dtype=object)
        target_values = target_values.to_numpy()
        frame = None
    if return_X_y:
        return data, target_values
    return Bunch(
        data=data,
        target=target_values,
        frame=frame,
        feature_names=list(FEATURE_NAMES),
        target_names=[target],
        DESCR=resources.files(__package__).joinpath("descr", "flights.rst").read_text(),
    )


def _read_flights():
    path = resources.files(__package__).joinpath("data", "flights.csv.xz")
    with path.open("rb") as file:
        frame = pd.read_csv(
            file,
            compression="xz",
            dtype={"flight": "int64", "distance": "int64"},
            parse_dates=["sched_dep"],
        )
    frame["sched_dep"] = frame["sched_dep"].astype("datetime64[s]")
    for delay in _DELAYS:
        frame[delay] = frame[delay].astype("float64")
    return frame
