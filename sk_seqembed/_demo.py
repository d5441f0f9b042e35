"""The main job behind ``python -m sk_seqembed``: model flight delays on bundled data.

Fits sklearn pipelines on the bundled NYC flights table with a time-ordered split and
prints how well each predicts arrival delay on the held-out last two months.
"""

import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder

from ._position import PositionEmbedder
from ._temporal import TemporalEmbedder
from ._value import ValueEmbedder
from .datasets import load_flights

TEST_START = pd.Timestamp("2013-11-01")
TOKENS = ["carrier", "origin", "dest"]
# High-cardinality ids: too many values for one-hot or ordinal codes to help.
IDS = ["tailnum", "flight"]
CALENDAR = ["month", "weekday", "hour"]


def calendar_fields(X):
    """Month, weekday and hour of the local scheduled departure, as integers."""
    when = X["sched_dep"].dt
    return pd.DataFrame(
        {"month": when.month, "weekday": when.day_of_week, "hour": when.hour},
        index=X.index,
    )


def _calendar():
    return FunctionTransformer(
        calendar_fields, feature_names_out=lambda *_: np.array(CALENDAR, dtype=object)
    )


def make_models():
    """The pipelines compared by the main job, by display name."""
    one_hot = OneHotEncoder(handle_unknown="ignore", min_frequency=20)
    linear = ColumnTransformer(
        [
            ("tokens", one_hot, TOKENS),
            ("calendar", make_pipeline(_calendar(), one_hot), ["sched_dep"]),
        ]
    )
    ordinal = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    trees = ColumnTransformer(
        [
            ("tokens", ordinal, TOKENS),
            ("calendar", _calendar(), ["sched_dep"]),
            ("distance", "passthrough", ["distance"]),
        ]
    )
    embedded = ColumnTransformer(
        [
            ("value", ValueEmbedder(4, method="target", random_state=0), TOKENS + IDS),
            ("calendar", _calendar(), ["sched_dep"]),
            ("distance", "passthrough", ["distance"]),
        ]
    )
    sequenced = ColumnTransformer(
        [
            ("value", ValueEmbedder(4, method="target", random_state=0), TOKENS + IDS),
            # Which leg of its day this is for the aircraft: delays build up over a day.
            ("position", PositionEmbedder(method="scalar"), ["tailnum", "day"]),
            # Local departure time around the clock, week and year, wrapping.
            (
                "temporal",
                TemporalEmbedder(4, features=["hour", "weekday", "dayofyear"]),
                ["sched_dep"],
            ),
            ("distance", "passthrough", ["distance"]),
        ]
    )
    return {
        "mean (DummyRegressor)": DummyRegressor(),
        "one-hot ids + one-hot calendar, Ridge": make_pipeline(linear, Ridge(alpha=1.0)),
        "ordinal ids + calendar ints, HistGB": make_pipeline(
            trees,
            HistGradientBoostingRegressor(
                categorical_features=[0, 1, 2], max_iter=200, random_state=0
            ),
        ),
        "ValueEmbedder(target) ids + calendar ints, HistGB": make_pipeline(
            embedded, HistGradientBoostingRegressor(max_iter=200, random_state=0)
        ),
        "+ PositionEmbedder leg of day + TemporalEmbedder, HistGB": make_pipeline(
            sequenced, HistGradientBoostingRegressor(max_iter=200, random_state=0)
        ),
    }


def run(*, max_train_rows=None, log=print):
    """Fit every model on flights before November 2013 and score it on the rest.

    Parameters
    ----------
    max_train_rows : int, default=None
        Keep only the last ``max_train_rows`` training flights (a quicker run).
    log : callable, default=print
        Receives progress messages.

    Returns
    -------
    results : DataFrame
        One row per model: test MAE, RMSE and R² (delays in minutes) and fit seconds.
    """
    X, y = load_flights(return_X_y=True)
    # The local date, so an aircraft's legs on one day form one sequence.
    X = X.assign(day=X["sched_dep"].dt.normalize())
    is_train = (X["sched_dep"] < TEST_START).to_numpy()
    X_train, y_train = X[is_train], y[is_train]
    X_test, y_test = X[~is_train], y[~is_train]
    if max_train_rows is not None:
        X_train, y_train = X_train.tail(max_train_rows), y_train.tail(max_train_rows)
    log(
        f"flights: {len(X_train):,} training rows (to {TEST_START:%Y-%m-%d}), "
        f"{len(X_test):,} test rows; target: arrival delay in minutes"
    )
    rows = []
    for name, model in make_models().items():
        log(f"  fitting {name} ...")
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_seconds = time.perf_counter() - start
        predicted = model.predict(X_test)
        rows.append(
            {
                "model": name,
                "MAE": mean_absolute_error(y_test, predicted),
                "RMSE": root_mean_squared_error(y_test, predicted),
                "R2": r2_score(y_test, predicted),
                "fit_s": fit_seconds,
            }
        )
    return pd.DataFrame(rows).set_index("model")
