"""The main job: ``python -m sk_seqembed`` fits real pipelines and prints real scores."""

import numpy as np
from threadpoolctl import threadpool_limits

from sk_seqembed import _demo
from sk_seqembed.__main__ import main

GRID_SEARCHED = "ours: value + position + temporal, HistGB (grid-searched)"


def test_main_job_prints_a_results_table(capsys):
    """A quick run scores every model on the held-out months and prints the table."""
    # One OpenMP/BLAS thread: on a busy machine, HistGB's spinning thread pools
    # oversubscribe the cores and make this run several times slower.
    with threadpool_limits(limits=1):
        results = main(["--max-train-rows", "20000"])
    printed = capsys.readouterr().out
    assert "20,000 training rows" in printed
    assert "grid search: 4 embedding sizes x 3 time-ordered folds" in printed
    assert "best embedding_dim per step" in printed
    assert list(results.columns) == ["MAE", "RMSE", "R2", "fit_s"]
    assert results.index.tolist() == [
        "mean (DummyRegressor)",
        "one-hot ids + one-hot calendar, Ridge",
        "ordinal ids + calendar ints, HistGB",
        "TargetEncoder ids + calendar ints, HistGB",
        "ours without position, HistGB",
        GRID_SEARCHED,
    ]
    assert np.isfinite(results.to_numpy()).all()
    # The mean predictor has R² near 0 on a test set drawn from a later period.
    assert abs(results.loc["mean (DummyRegressor)", "R2"]) < 0.05
    for name in results.index:
        assert name in printed


def test_the_search_covers_the_grid_on_time_ordered_folds():
    """Every embedding size is scored on folds that train on the past only."""
    search = _demo.make_search()
    assert search.cv.__class__.__name__ == "TimeSeriesSplit"
    assert set(search.param_grid) == {
        "columntransformer__value__embedding_dim",
        "columntransformer__temporal__embedding_dim",
    }
    pipeline = search.estimator
    steps = [name for name, _, _ in pipeline[0].transformers]
    assert steps == ["value", "position", "temporal", "distance"]
    assert _demo.make_search(full=True).cv.n_splits > search.cv.n_splits
