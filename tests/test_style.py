"""The code passes the project's ruff lint and format settings (pyproject.toml)."""

import importlib.util
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The whole checkout, as the README's development commands run them.
CODE = ["."]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(command):
    """``ruff check`` and ``ruff format --check`` report nothing, so a change that
    breaks the style fails here and not in a later reader's editor."""
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff comes with the test extra: pip install -e '.[test]'")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *CODE],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
