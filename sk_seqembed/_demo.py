"""The main job behind ``python -m sk_seqembed``: model flight delays on bundled data.

On the bundled NYC flights table, with a time-ordered split (train before November
2013, test on November and December), it grid-searches the embedding dimensions of a
value + position + temporal pipeline with ``TimeSeriesSplit`` and compares it with
baseline pipelines a data scientist would write with scikit-learn alone.
"""

import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error
from sklearn.model_selection import GridSearchCV, KFold, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    StandardScaler,
    TargetEncoder,
)

from ._compose import make_sequence_embedder
from ._position import PositionEmbedder
from ._temporal import TemporalEmbedder
from ._value import ValueEmbedder
from .datasets import load_flights

TEST_START = pd.Timestamp("2013-11-01")
# Few distinct values: airline and airports.
TOKENS = ["carrier", "origin", "dest"]
# Thousands of distinct values: aircraft and flight numbers.
IDS = ["tailnum", "flight"]
# Calendar fields every model gets. No month or day of year: the test months come
# after every training month, so a yearly cycle could only extrapolate.
CALENDAR = ["weekday", "hour"]
# Training flights in the default run: the most recent ones (mid-July to October).
DEFAULT_TRAIN_ROWS = 100_000


def calendar_fields(X):
    """Weekday and hour of the local scheduled departure, as integers."""
    when = X["sched_dep"].dt
    return pd.DataFrame({"weekday": when.day_of_week, "hour": when.hour}, index=X.index)


def _calendar():
    return FunctionTransformer(
        calendar_fields, feature_names_out=lambda *_: np.array(CALENDAR, dtype=object)
    )


def _boosting(max_iter, **params):
    return HistGradientBoostingRegressor(max_iter=max_iter, random_state=0, **params)


def _target_encoder():
    """sklearn's TargetEncoder for a continuous target, with seeded cross-fitting.

    Delays are whole minutes: without ``target_type`` it would take them for classes.
    """
    if _sklearn_before("1.9"):
        return TargetEncoder(target_type="continuous", random_state=0)
    return TargetEncoder(target_type="continuous", cv=KFold(5, shuffle=True, random_state=0))


def _sklearn_before(version):
    installed = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
    return installed < tuple(int(part) for part in version.split("."))


def make_baselines(max_iter=200):
    """Pipelines built from scikit-learn alone, by display name."""
    one_hot = OneHotEncoder(handle_unknown="ignore", min_frequency=20)
    linear = ColumnTransformer(
        [
            ("tokens", one_hot, TOKENS + IDS),
            ("calendar", make_pipeline(_calendar(), one_hot), ["sched_dep"]),
            ("distance", StandardScaler(), ["distance"]),
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
    target = ColumnTransformer(
        [
            ("tokens", _target_encoder(), TOKENS + IDS),
            ("calendar", _calendar(), ["sched_dep"]),
            ("distance", "passthrough", ["distance"]),
        ]
    )
    return {
        "mean (DummyRegressor)": DummyRegressor(),
        "one-hot ids + one-hot calendar, Ridge": make_pipeline(linear, Ridge(alpha=1.0)),
        "ordinal ids + calendar ints, HistGB": make_pipeline(
            trees, _boosting(max_iter, categorical_features=[0, 1, 2])
        ),
        "TargetEncoder ids + calendar ints, HistGB": make_pipeline(target, _boosting(max_iter)),
    }


def make_embedding_pipeline(*, position=True, max_iter=200):
    """Value + (position +) temporal embeddings of a flight, then gradient boosting.

    - value: each airline, airport, aircraft and flight number as the quantiles of
      its delays seen in training (cross-fitted);
    - position: which leg of its aircraft's day the flight is (delays build up);
    - temporal: local departure time around the clock and the week, wrapping, and
      the time since the aircraft's previous departure that day (its turnaround).
    """
    legs = ["tailnum", "day"]
    embedder = make_sequence_embedder(
        value=TOKENS + IDS,
        position=legs if position else None,
        temporal=["sched_dep", *legs],
        value_embedder=ValueEmbedder(4, method="target", random_state=0),
        position_embedder=PositionEmbedder(method="scalar") if position else None,
        temporal_embedder=TemporalEmbedder(4, features=["hour", "weekday"], group_columns=legs),
        remainder="drop",
    )
    # Distance, a plain number, joins the three steps as it is.
    embedder.set_params(
        transformers=[*embedder.transformers, ("distance", "passthrough", ["distance"])]
    )
    return make_pipeline(embedder, _boosting(max_iter))


def make_search(*, full=False, n_jobs=None, max_iter=200):
    """Grid search over the embedding dimensions, on time-ordered folds."""
    grid = {
        "columntransformer__value__embedding_dim": [2, 4, 8] if full else [2, 4],
        "columntransformer__temporal__embedding_dim": [2, 4, 6] if full else [2, 4],
    }
    return GridSearchCV(
        make_embedding_pipeline(max_iter=max_iter),
        grid,
        cv=TimeSeriesSplit(n_splits=4 if full else 3),
        scoring="r2",
        n_jobs=n_jobs,
    )


def _scores(name, model, X_test, y_test, fit_seconds):
    predicted = model.predict(X_test)
    return {
        "model": name,
        "MAE": mean_absolute_error(y_test, predicted),
        "RMSE": root_mean_squared_error(y_test, predicted),
        "R2": r2_score(y_test, predicted),
        "fit_s": fit_seconds,
    }


def run(*, full=False, n_jobs=None, max_train_rows=None, log=print):
    """Fit every model on flights before November 2013 and score it on the rest.

    Parameters
    ----------
    full : bool, default=False
        Train on every flight before November (273,355) with a larger grid; the
        default trains on the most recent 100,000 (mid-July to October), which keeps
        the job under a minute on 2 cores.
    n_jobs : int, default=None
        Parallel fits in the grid search (joblib).
    max_train_rows : int, default=None
        Keep only the last ``max_train_rows`` training flights (overrides the
        default size; a quicker run).
    log : callable, default=print
        Receives progress messages.

    Returns
    -------
    results : DataFrame
        One row per model: test MAE, RMSE and R² (delays in minutes) and fit seconds.
    search : GridSearchCV
        The fitted grid search of the embedding pipeline.
    """
    X, y = load_flights(return_X_y=True)
    # The local date, so an aircraft's legs on one day form one sequence.
    X = X.assign(day=X["sched_dep"].dt.normalize())
    is_train = (X["sched_dep"] < TEST_START).to_numpy()
    X_train, y_train = X[is_train], y[is_train]
    X_test, y_test = X[~is_train], y[~is_train]
    n_train = max_train_rows or (None if full else DEFAULT_TRAIN_ROWS)
    if n_train is not None:
        X_train, y_train = X_train.tail(n_train), y_train.tail(n_train)
    log(
        f"flights: {len(X_train):,} training rows "
        f"({X_train['sched_dep'].min():%Y-%m-%d} to {TEST_START:%Y-%m-%d}), "
        f"{len(X_test):,} test rows (to {X_test['sched_dep'].max():%Y-%m-%d}); "
        "target: arrival delay in minutes"
    )
    rows = []
    models = {
        **make_baselines(),
        "ours without position, HistGB": make_embedding_pipeline(position=False),
    }
    for name, model in models.items():
        log(f"  fitting {name} ...")
        start = time.perf_counter()
        model.fit(X_train, y_train)
        rows.append(_scores(name, model, X_test, y_test, time.perf_counter() - start))
    search = make_search(full=full, n_jobs=n_jobs)
    n_candidates = np.prod([len(values) for values in search.param_grid.values()])
    log(
        f"  grid search: {n_candidates} embedding sizes x {search.cv.n_splits} "
        "time-ordered folds ..."
    )
    start = time.perf_counter()
    search.fit(X_train, y_train)
    best = {key.rsplit("__", 2)[-2]: value for key, value in search.best_params_.items()}
    name = "ours: value + position + temporal, HistGB (grid-searched)"
    rows.append(_scores(name, search, X_test, y_test, time.perf_counter() - start))
    log(f"  best embedding_dim per step (mean fold R2 {search.best_score_:.3f}): {best}")
    return pd.DataFrame(rows).set_index("model"), search
