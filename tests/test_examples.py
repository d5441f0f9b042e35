"""Every example script runs in its quick mode and draws its figure (users copy them)."""

import pathlib
import runpy
import sys

import pytest
from threadpoolctl import threadpool_limits

pytest.importorskip("matplotlib", reason="the examples draw with matplotlib (examples extra)")

EXAMPLES = sorted((pathlib.Path(__file__).parents[1] / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs(path, tmp_path, monkeypatch, capsys):
    """The script runs with --quick, prints its results and writes <name>.png."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setattr(sys, "argv", [str(path), "--quick", "--output", str(tmp_path)])
    # One BLAS/OpenMP thread: on a busy CI machine, spinning thread pools oversubscribe
    # the cores and make these small fits tens of times slower.
    with threadpool_limits(limits=1):
        runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    figure = tmp_path / f"{path.stem}.png"
    assert str(figure) in out
    assert figure.stat().st_size > 0


def test_examples_exist():
    """The six examples of the README are there."""
    assert {path.stem for path in EXAMPLES} >= {
        "quickstart",
        "grid_search_dimensions",
        "position_heatmap",
        "temporal_wrap",
        "token_clusters",
        "embedding_sum",
    }
