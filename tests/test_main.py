"""The main job: ``python -m sk_seqembed`` fits real pipelines and prints real scores."""

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from sk_seqembed import _demo
from sk_seqembed.__main__ import main


def test_main_job_prints_a_results_table(capsys):
    """A quick run scores every model on the held-out months and prints the table."""
    # One OpenMP/BLAS thread: on a busy machine, HistGB's spinning thread pools
    # oversubscribe the cores and make this run several times slower.
    with threadpool_limits(limits=1):
        results = main(["--max-train-rows", "20000"])
    printed = capsys.readouterr().out
    assert "20,000 training rows" in printed
    assert list(results.columns) == ["MAE", "RMSE", "R2", "fit_s"]
    assert results.index.tolist() == list(_demo.make_models([]))
    assert np.isfinite(results.to_numpy()).all()
    # The mean predictor has R² near 0 on a test set drawn from a later period.
    assert abs(results.loc["mean (DummyRegressor)", "R2"]) < 0.05
    assert "95 % interval over bootstrapped test days" in printed
    for name in results.index:
        assert name in printed


def test_known_instants_never_let_a_flight_see_itself():
    """A flight's delay is known when it leaves, and never before its schedule."""
    X = pd.DataFrame({"sched_dep": pd.to_datetime(["2013-05-01 08:00"] * 3)})
    known = _demo.known_instants(X, np.array([-5.0, 0.0, 30.0]))
    assert known.tolist() == [
        pd.Timestamp("2013-05-01 08:00:01"),
        pd.Timestamp("2013-05-01 08:00:01"),
        pd.Timestamp("2013-05-01 08:30"),
    ]


def test_hand_made_lags_use_only_departures_known_before_the_schedule():
    """The baseline's pandas lags, checked on a hand-made day of one airport."""
    X = pd.DataFrame(
        {
            "sched_dep": pd.to_datetime(
                ["2013-05-01 08:00", "2013-05-01 08:10", "2013-05-01 08:50", "2013-05-01 09:30"]
            ),
            "tailnum": ["A", "B", "A", "A"],
            "carrier": "UA",
            "flight": [1, 2, 3, 1],
            "origin": "EWR",
        }
    )
    # A leaves 08:00 + 60 min (09:00); B at 08:15; A's second leg at 08:52.
    y = np.array([60.0, 5.0, 2.0, 0.0])
    lags = _demo.hand_made_lags(X, y)
    assert lags["leg_of_day"].tolist() == [0, 0, 1, 2]
    # At 08:50 A's first leg (known 09:00) has not left: unknown; at 09:30 the
    # previous leg (known 08:52) is.
    assert np.isnan(lags["previous_leg_delay"].iloc[2])
    assert lags["previous_leg_delay"].iloc[3] == 2.0
    assert lags["flight_number_last_delay"].iloc[3] == 60.0
    # Departures known in the hour before 09:30 (from 08:30): A at 08:52 and A at
    # 09:00, not B at 08:15: the mean of 2 and 60.
    assert lags["origin_last_hour_departures"].tolist() == [0, 0, 1, 2]
    assert lags["origin_last_hour_delay"].iloc[3] == 31.0
