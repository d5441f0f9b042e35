"""Bundled flights data and the synthetic event log's planted structure."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score

from sk_seqembed.datasets import load_flights, make_event_log


@pytest.fixture(scope="module")
def flights():
    return load_flights(drop_missing_target=False)


def test_flights_has_every_2013_departure_in_time_order(flights):
    """All 336,776 flights, sorted by local scheduled departure, with documented dtypes."""
    frame = flights.frame
    assert frame.shape == (336_776, 9)
    assert frame["sched_dep"].is_monotonic_increasing
    assert frame["sched_dep"].dt.year.unique().tolist() == [2013]
    assert frame["sched_dep"].dtype == "datetime64[s]"
    assert frame["sched_dep"].dt.tz is None
    assert frame[["flight", "distance"]].dtypes.tolist() == [np.int64, np.int64]
    assert frame.isna().sum().to_dict() == {
        "sched_dep": 0,
        "carrier": 0,
        "flight": 0,
        "tailnum": 2512,
        "origin": 0,
        "dest": 0,
        "distance": 0,
        "dep_delay": 8255,
        "arr_delay": 9430,
    }
    assert sorted(frame["origin"].unique()) == ["EWR", "JFK", "LGA"]
    assert "CC0" in flights.DESCR


def test_flights_values_match_the_published_table(flights):
    """Spot checks against the nycflights13 rows everyone knows (first flights of 2013)."""
    first = flights.frame.iloc[0]
    assert first["sched_dep"] == pd.Timestamp("2013-01-01 05:15")
    assert (first["carrier"], first["flight"], first["tailnum"]) == ("UA", 1545, "N14228")
    assert (first["origin"], first["dest"], first["distance"]) == ("EWR", "IAH", 1400)
    assert (first["dep_delay"], first["arr_delay"]) == (2.0, 11.0)
    # Published summary: mean arrival delay 6.895 minutes over flights that arrived.
    assert_allclose(flights.frame["arr_delay"].mean(), 6.895377, atol=1e-6)


@pytest.mark.parametrize("target, n_rows", [("arr_delay", 327_346), ("dep_delay", 328_521)])
def test_flights_return_x_y_drops_missing_target(target, n_rows):
    """return_X_y gives features and a NaN-free float target by default."""
    X, y = load_flights(return_X_y=True, target=target)
    assert X.shape == (n_rows, 7)
    assert y.name == target and y.dtype == np.float64 and not y.isna().any()
    assert "dep_delay" not in X.columns and "arr_delay" not in X.columns


def test_flights_as_arrays():
    """as_frame=False returns an object array and a float array, frame is None."""
    bunch = load_flights(as_frame=False)
    assert bunch.data.dtype == object and bunch.data.shape == (327_346, 7)
    assert bunch.target.dtype == np.float64
    assert bunch.frame is None


def test_flights_rejects_unknown_target():
    """Invalid parameters raise sklearn's InvalidParameterError listing the options."""
    with pytest.raises(ValueError, match="'target' parameter of load_flights must be"):
        load_flights(target="delay")


@pytest.fixture(scope="module")
def event_log():
    return make_event_log(n_sequences=400, random_state=0)


def test_event_log_shape_columns_and_order(event_log):
    """Columns, dtypes, rows sorted by time, sequences interleaved but ordered inside."""
    X, y, truth = event_log
    assert list(X.columns) == ["sequence_id", "item", "timestamp"]
    assert X["timestamp"].is_monotonic_increasing
    assert len(X) == len(y) == len(truth.position) == len(truth.cluster)
    # Sequences are not contiguous: the event table interleaves them.
    assert (X["sequence_id"].diff() != 0).sum() > 2 * X["sequence_id"].nunique()
    # Position is the number of earlier rows of the same sequence (pandas' own cumcount).
    assert_allclose(truth.position, X.groupby("sequence_id").cumcount())
    assert X["item"].min() >= 10**9
    # Each documented component, recomputed from its formula and pandas' accessors.
    local = X["timestamp"].dt
    hours = (local.hour + local.minute / 60 + local.second / 3600).to_numpy()
    assert_allclose(truth.components["position"], 1.5 * (1 - np.exp(-truth.position / 8)))
    assert_allclose(
        truth.components["time_of_day"],
        np.sin(2 * np.pi * hours / 24) + 0.5 * np.cos(2 * np.pi * hours / 24),
    )
    assert_allclose(truth.components["weekend"], 0.8 * (local.day_of_week >= 5))
    assert_allclose(truth.components["cluster"], truth.cluster_effect[truth.cluster])
    assert truth.components["noise"].std() == pytest.approx(0.5, rel=0.05)


def test_event_log_items_belong_to_their_planted_cluster(event_log):
    """Each row's item maps to its row's cluster; neighbours share clusters."""
    X, _, truth = event_log
    assert_allclose(truth.token_cluster.loc[X["item"]].to_numpy(), truth.cluster)
    order = X.assign(cluster=truth.cluster).sort_values(["sequence_id", "timestamp"])
    same_sequence = order["sequence_id"].diff() == 0
    same_cluster = order["cluster"].diff() == 0
    rate = same_cluster[same_sequence].mean()
    # P(same) = stickiness + (1 - stickiness) / n_clusters = 0.85 + 0.015.
    assert rate == pytest.approx(0.865, abs=0.02)


def test_event_log_timestamps_have_daily_and_weekly_cycles(event_log):
    """More events in the evening than at night, and more on weekends per day."""
    X, _, _ = event_log
    hour = X["timestamp"].dt.hour
    assert (hour.between(18, 21)).mean() > 4 * (hour.between(1, 4)).mean()
    weekend_share = (X["timestamp"].dt.day_of_week >= 5).mean()
    assert weekend_share > 2 / 7 + 0.03


def _design(X, truth, *, cluster=True, position=True, time=True):
    parts = []
    if cluster:
        parts.append(pd.get_dummies(truth.token_cluster.loc[X["item"]].to_numpy()).to_numpy())
    if position:
        parts.append(np.exp(-truth.position / 8.0)[:, None])
    if time:
        local = X["timestamp"].dt
        hours = local.hour + local.minute / 60 + local.second / 3600
        angle = 2 * np.pi * hours.to_numpy() / 24
        weekend = (local.day_of_week >= 5).to_numpy()
        parts.append(np.column_stack([np.sin(angle), np.cos(angle), weekend]))
    return np.hstack(parts).astype(float)


@pytest.mark.parametrize("tz", [None, "America/New_York"])
def test_event_log_effects_are_recoverable_by_linear_regression(tz):
    """Cluster, position and time effects explain y up to the noise; each one matters."""
    X, y, truth = make_event_log(n_sequences=400, noise=0.5, tz=tz, random_state=1)
    full = LinearRegression().fit(_design(X, truth), y)
    residual_std = np.std(y - full.predict(_design(X, truth)))
    assert residual_std == pytest.approx(0.5, rel=0.05)
    # The fitted time-of-day coefficients are the planted 1.0 (sin) and 0.5 (cos).
    assert_allclose(full.coef_[-3:], [1.0, 0.5, 0.8], atol=0.05)
    r2_full = r2_score(y, full.predict(_design(X, truth)))
    for dropped in ("cluster", "position", "time"):
        design = _design(X, truth, **{dropped: False})
        r2 = r2_score(y, LinearRegression().fit(design, y).predict(design))
        assert r2 < r2_full - 0.04, dropped


def test_event_log_is_reproducible_and_aware_when_asked():
    """Same seed, same log; tz gives aware timestamps in that zone."""
    first = make_event_log(n_sequences=30, tz="Asia/Tokyo", random_state=3)
    second = make_event_log(n_sequences=30, tz="Asia/Tokyo", random_state=3)
    pd.testing.assert_frame_equal(first[0], second[0])
    assert str(first[0]["timestamp"].dt.tz) == "Asia/Tokyo"
    different = make_event_log(n_sequences=30, random_state=4)[0]
    assert not different["item"].equals(first[0]["item"])


def test_planted_taste_is_one_value_per_sequence_and_changes_nothing_else():
    """``taste`` adds a per-sequence effect to the target, drawn last: X, the other
    components and the default target are unchanged."""
    X, y, truth = make_event_log(n_sequences=200, random_state=0)
    X_t, y_t, truth_t = make_event_log(n_sequences=200, taste=1.5, random_state=0)
    pd.testing.assert_frame_equal(X, X_t)
    others = ["cluster", "position", "time_of_day", "weekend", "noise"]
    pd.testing.assert_frame_equal(truth.components[others], truth_t.components[others])
    assert (truth.components["taste"] == 0).all()
    per_sequence = truth_t.components["taste"].groupby(X_t["sequence_id"])
    assert (per_sequence.nunique() == 1).all()
    assert per_sequence.first().std() == pytest.approx(1.5, rel=0.2)
    assert_allclose(y_t, truth_t.components.sum(axis=1))
    assert_allclose(y_t - y, truth_t.components["taste"])
