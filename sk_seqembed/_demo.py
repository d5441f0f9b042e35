"""The main job behind ``python -m sk_seqembed``: a departure-delay nowcast on bundled data.

The task, on the bundled NYC flights 2013 table: predict each flight's departure delay
at its scheduled departure time, knowing every flight that has already left (a
departure board's view). A flight's delay becomes known when it leaves,
``sched_dep + dep_delay`` (a flight that leaves early counts as known from its
scheduled time on, so no row ever sees itself). Models train on flights before
November 2013 and are scored on November and December.

Sequence features are point-in-time over the year's event log: each flight's use only
departures known before its scheduled time, in training and test rows alike, as a
feature store's point-in-time join or a serving loop that observes each departure
would give them.

- ours: :class:`HistoryEmbedder` with ``known_column`` per origin airport, per airline
  at an airport and per aircraft (shrunk mean delay of the departures known so far,
  decayed over 1 hour and 1 day, the flights of the group still waiting to leave, the
  destination's and airline's known means), next to the identifiers' TargetEncoder and
  the calendar;
- baselines from scikit-learn and pandas alone: the mean, one-hot + Ridge, TargetEncoder
  + gradient boosting, and TargetEncoder with the lags a practitioner writes by hand with
  pandas, with Ridge and with gradient boosting (the aircraft's leg of the day and
  turnaround, its previous leg's delay and the flight number's last delay when already
  known, and the origin's mean delay over the departures of the last hour).
"""

import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    StandardScaler,
    TargetEncoder,
)

from ._history import HistoryEmbedder
from .datasets import load_flights

TEST_START = pd.Timestamp("2013-11-01")
# Few distinct values: airline and airports; thousands: aircraft and flight numbers.
IDENTIFIERS = ["carrier", "origin", "dest", "tailnum", "flight"]
CALENDAR = ["weekday", "hour", "minute_of_day"]
LINEAR_CALENDAR = ("weekday", "hour")
# Training flights in the default run: the most recent ones (mid-July to October).
DEFAULT_TRAIN_ROWS = 100_000
# Groups whose departures so far say most about the next one (congestion, backlogs).
HISTORY_GROUPS = {
    "origin": (["origin"], "carrier"),
    "airline_at_origin": (["carrier", "origin"], "dest"),
    "aircraft": (["tailnum"], "dest"),
}
HAND_MADE = [
    "leg_of_day",
    "turnaround_min",
    "previous_leg_delay",
    "flight_number_last_delay",
    "origin_last_hour_delay",
    "origin_last_hour_departures",
]


def calendar_fields(X, fields=tuple(CALENDAR)):
    """Weekday, hour and minute of the day of the local scheduled departure."""
    when = X["sched_dep"].dt
    every = {
        "weekday": when.day_of_week,
        "hour": when.hour,
        "minute_of_day": when.hour * 60 + when.minute,
    }
    return pd.DataFrame({field: every[field] for field in fields}, index=X.index)


def _calendar(fields=tuple(CALENDAR)):
    """The calendar fields as integers (trees), or to one-hot encode (linear models:
    weekday and hour only, not 1,440 minutes)."""
    return FunctionTransformer(
        calendar_fields,
        kw_args={"fields": fields},
        feature_names_out=lambda *_: np.array(fields, dtype=object),
    )


def _boosting(max_iter):
    return HistGradientBoostingRegressor(max_iter=max_iter, random_state=0)


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


def known_instants(X, delay):
    """When each flight's departure delay becomes known: when it leaves, and never
    before its own scheduled time (plus a second), so no flight sees itself."""
    left = X["sched_dep"] + pd.to_timedelta(delay, unit="min")
    return left.where(left > X["sched_dep"], X["sched_dep"] + pd.Timedelta(seconds=1))


def history_embedders(prior):
    """One :class:`HistoryEmbedder` per group of :data:`HISTORY_GROUPS`."""
    return {
        name: HistoryEmbedder(
            group_columns=keys,
            time_column="sched_dep",
            known_column="known",
            mean=False,
            half_lives=(),
            time_half_lives=["1h", "1D"],
            last=0,
            repeats=False,
            smoothing=20.0,
            prior=prior,
            # Seeded: the destinations' and airlines' hashing vectors, decayed in time.
            random_state=0,
        )
        for name, (keys, _) in HISTORY_GROUPS.items()
    }


def history_features(X, y, prior):
    """Point-in-time history features of every flight (ours), as a DataFrame."""
    frame = X.assign(known=known_instants(X, y))
    parts = []
    for name, embedder in history_embedders(prior).items():
        keys, token = HISTORY_GROUPS[name]
        columns = [token, *keys, "sched_dep", "known"]
        out = embedder.set_output(transform="pandas").fit_transform(frame[columns], y)
        parts.append(out.add_prefix(f"{name}_"))
    return pd.concat(parts, axis=1)


def hand_made_lags(X, y):
    """The point-in-time lags a practitioner writes with pandas (the baseline)."""
    known = known_instants(X, y)
    out = pd.DataFrame(index=X.index)
    day = X["sched_dep"].dt.normalize()
    out["leg_of_day"] = X.groupby(["tailnum", day], sort=False).cumcount()
    previous = X.groupby("tailnum", sort=False)["sched_dep"].shift()
    out["turnaround_min"] = (X["sched_dep"] - previous).dt.total_seconds() / 60
    frame = pd.DataFrame({"y": y, "known": known}, index=X.index)
    for name, keys in (
        ("previous_leg_delay", ["tailnum"]),
        ("flight_number_last_delay", ["carrier", "flight"]),
    ):
        earlier = frame.groupby([X[key] for key in keys], sort=False).shift()
        out[name] = earlier["y"].where(earlier["known"] < X["sched_dep"])
    # The origin's mean delay over the departures of the hour before: cumulative sums
    # over each origin's departures in the order they left, read by binary search.
    hour_mean = np.full(len(X), np.nan)
    hour_count = np.zeros(len(X))
    asked = X["sched_dep"].to_numpy()
    for origin in X["origin"].unique():
        rows = np.flatnonzero((X["origin"] == origin).to_numpy())
        order = np.argsort(known.to_numpy()[rows], kind="stable")
        left = known.to_numpy()[rows][order]
        sums = np.r_[0.0, np.cumsum(y[rows][order])]
        stop = np.searchsorted(left, asked[rows], side="left")
        start = np.searchsorted(left, asked[rows] - np.timedelta64(1, "h"), side="left")
        count = stop - start
        hour_count[rows] = count
        hour_mean[rows] = np.where(
            count > 0, (sums[stop] - sums[start]) / np.maximum(count, 1), np.nan
        )
    out["origin_last_hour_delay"] = hour_mean
    out["origin_last_hour_departures"] = hour_count
    return out


def _trees(extra, max_iter):
    """TargetEncoder identifiers, calendar integers, distance and ``extra`` columns,
    then gradient boosting (which takes missing values as they are)."""
    columns = ColumnTransformer(
        [
            ("identifiers", _target_encoder(), IDENTIFIERS),
            ("calendar", _calendar(), ["sched_dep"]),
            ("numbers", "passthrough", ["distance", *extra]),
        ]
    )
    return make_pipeline(columns, _boosting(max_iter))


def _linear(extra):
    """Scaled TargetEncoder identifiers, one-hot calendar, and distance and ``extra``
    columns scaled (missing lags imputed with an indicator), then Ridge."""
    numbers = make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
    )
    # Dense: a few dozen columns, where Ridge's direct solver is fastest.
    one_hot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    columns = ColumnTransformer(
        [
            ("identifiers", make_pipeline(_target_encoder(), StandardScaler()), IDENTIFIERS),
            ("calendar", make_pipeline(_calendar(LINEAR_CALENDAR), one_hot), ["sched_dep"]),
            ("numbers", numbers, ["distance", *extra]),
        ]
    )
    return make_pipeline(columns, Ridge(alpha=1.0))


def make_models(history_columns, max_iter=200):
    """Every compared pipeline, by display name (ours have "ours" in the name)."""
    one_hot = OneHotEncoder(handle_unknown="ignore", min_frequency=20)
    linear = ColumnTransformer(
        [
            ("identifiers", one_hot, IDENTIFIERS),
            ("calendar", make_pipeline(_calendar(LINEAR_CALENDAR), one_hot), ["sched_dep"]),
            ("distance", StandardScaler(), ["distance"]),
        ]
    )
    return {
        "mean (DummyRegressor)": DummyRegressor(),
        "one-hot ids + one-hot calendar, Ridge": make_pipeline(linear, Ridge(alpha=1.0)),
        "TargetEncoder + hand-made pandas lags, Ridge": _linear(HAND_MADE),
        "ours: HistoryEmbedder + TargetEncoder, Ridge": _linear(history_columns),
        "TargetEncoder ids + calendar ints, HistGB": _trees([], max_iter),
        "TargetEncoder + hand-made pandas lags, HistGB": _trees(HAND_MADE, max_iter),
        "ours: HistoryEmbedder + TargetEncoder, HistGB": _trees(history_columns, max_iter),
        "ours + hand-made pandas lags, HistGB": _trees(
            [*history_columns, *HAND_MADE], max_iter
        ),
    }


def _scores(name, predicted, y_test, fit_seconds):
    return {
        "model": name,
        "MAE": mean_absolute_error(y_test, predicted),
        "RMSE": root_mean_squared_error(y_test, predicted),
        "R2": r2_score(y_test, predicted),
        "fit_s": fit_seconds,
    }


def bootstrap_r2_gap(y, ours, theirs, days, n_draws=300, seed=0):
    """95 % interval of R²(ours) − R²(theirs) over test days drawn with replacement
    (days, not flights: delays within a day move together)."""
    rng = np.random.default_rng(seed)
    labels, day_of_row = np.unique(days, return_inverse=True)
    rows_of_day = [np.flatnonzero(day_of_row == k) for k in range(labels.size)]
    gaps = []
    for _ in range(n_draws):
        rows = np.concatenate(
            [rows_of_day[k] for k in rng.integers(0, labels.size, labels.size)]
        )
        gaps.append(r2_score(y[rows], ours[rows]) - r2_score(y[rows], theirs[rows]))
    return np.percentile(gaps, [2.5, 97.5])


def run(*, full=False, max_train_rows=None, max_iter=200, log=print):
    """Fit every model on flights before November 2013 and score it on the rest.

    Parameters
    ----------
    full : bool, default=False
        Train on every flight before November; the default trains on the most recent
        100,000 (mid-July to October), which keeps the job under a minute on 2 cores.
    max_train_rows : int, default=None
        Keep only the last ``max_train_rows`` training flights (a quicker run).
    max_iter : int, default=200
        Boosting iterations of every gradient-boosting model.
    log : callable, default=print
        Receives progress messages.

    Returns
    -------
    results : DataFrame
        One row per model: test MAE, RMSE and R² (delays in minutes) and fit seconds.
    gap : dict
        The best "ours" and best other model, and the bootstrap interval of their R²
        difference.
    """
    X, y = load_flights(target="dep_delay", return_X_y=True)
    X = X.reset_index(drop=True)
    y = y.to_numpy()
    is_train = (X["sched_dep"] < TEST_START).to_numpy()
    train = np.flatnonzero(is_train)
    n_train = max_train_rows or (None if full else DEFAULT_TRAIN_ROWS)
    if n_train is not None:
        train = train[-n_train:]
    test = np.flatnonzero(~is_train)
    prior = float(y[train].mean())
    log(
        f"flights: {train.size:,} training rows "
        f"({X['sched_dep'].iloc[train[0]]:%Y-%m-%d} to {TEST_START:%Y-%m-%d}), "
        f"{test.size:,} test rows (to {X['sched_dep'].max():%Y-%m-%d}); target: "
        "departure delay in minutes, predicted at the scheduled departure"
    )
    start = time.perf_counter()
    history = history_features(X, y, prior)
    log(
        f"  point-in-time features of {len(X):,} flights: HistoryEmbedder "
        f"{time.perf_counter() - start:.1f} s"
    )
    start = time.perf_counter()
    lags = hand_made_lags(X, y)
    log(f"  hand-made pandas lags {time.perf_counter() - start:.1f} s")
    table = pd.concat([X, history, lags], axis=1)
    rows, predictions = [], {}
    for name, model in make_models(list(history.columns), max_iter).items():
        log(f"  fitting {name} ...")
        start = time.perf_counter()
        model.fit(table.iloc[train], y[train])
        seconds = time.perf_counter() - start
        predictions[name] = model.predict(table.iloc[test])
        rows.append(_scores(name, predictions[name], y[test], seconds))
    results = pd.DataFrame(rows).set_index("model")
    is_ours = results.index.str.contains("ours")
    best_ours = results["R2"][is_ours].idxmax()
    best_other = results["R2"][~is_ours].idxmax()
    days = X["sched_dep"].dt.normalize().to_numpy()[test]
    low, high = bootstrap_r2_gap(y[test], predictions[best_ours], predictions[best_other], days)
    gap = {"ours": best_ours, "other": best_other, "low": low, "high": high}
    return results, gap
