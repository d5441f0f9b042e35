"""The main job: ``python -m sk_seqembed`` fits real pipelines and prints real scores."""

import numpy as np

from sk_seqembed.__main__ import main


def test_main_job_prints_a_results_table(capsys):
    """A quick run scores every model on the held-out months and prints the table."""
    results = main(["--max-train-rows", "20000"])
    printed = capsys.readouterr().out
    assert "20,000 training rows" in printed
    assert list(results.columns) == ["MAE", "RMSE", "R2", "fit_s"]
    assert len(results) == 5
    assert np.isfinite(results.to_numpy()).all()
    # The mean predictor has R² near 0 on a test set drawn from a later period.
    assert abs(results.loc["mean (DummyRegressor)", "R2"]) < 0.05
    for name in results.index:
        assert name in printed
