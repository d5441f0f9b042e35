"""Type hints of the public API (PEP 561): complete, resolvable, and seen by mypy.

The public API is what ``sk_seqembed``, ``sk_seqembed.datasets`` and ``sk_seqembed.base``
export in ``__all__``, and the public names of ``sk_seqembed.dask``; a class brings its
``__init__`` and its public methods and properties defined in ``sk_seqembed`` (those
inherited from scikit-learn are scikit-learn's). Annotations are strings (``from
__future__ import annotations``) whose typing-only names are imported under ``if
TYPE_CHECKING:``; they are resolved here with those names, as a type checker sees them.
"""

import ast
import importlib
import importlib.resources
import importlib.util
import inspect
import subprocess
import sys
import textwrap
import typing

import pytest

PUBLIC_MODULES = ["sk_seqembed", "sk_seqembed.datasets", "sk_seqembed.base", "sk_seqembed.dask"]


def _module_names(module):
    """``__all__``, and any other public name the module defines itself."""
    names = list(getattr(module, "__all__", []))
    for name, obj in vars(module).items():
        defined_here = getattr(obj, "__module__", None) == module.__name__
        if not name.startswith("_") and defined_here and name not in names:
            names.append(name)
    return names


def _defined_here(function):
    module = getattr(inspect.getmodule(function), "__name__", "")
    return module == "sk_seqembed" or module.startswith("sk_seqembed.")


def _members(cls):
    """``(name, function, bound)`` of ``__init__`` and every public method and property
    of ``cls`` defined in sk_seqembed (a property by its getter); ``bound``: whether the
    first parameter is ``self`` or ``cls``."""
    members = []
    for name in sorted(dir(cls)):
        if name.startswith("_") and name != "__init__":
            continue
        member = inspect.getattr_static(cls, name)
        if isinstance(member, property):
            function, bound = member.fget, True
        elif isinstance(member, classmethod | staticmethod):
            function, bound = member.__func__, isinstance(member, classmethod)
        elif inspect.isfunction(member):
            function, bound = member, True
        else:
            continue
        if _defined_here(function):
            members.append((name, function, bound))
    return members


def public_callables():
    """``{path: (function, bound)}`` of every public function, and of every ``__init__``,
    method and property of the public classes (``bound``: a first parameter that takes
    no hint, ``self`` or ``cls``)."""
    found = {}
    for module_name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # sk_seqembed.dask without dask
            continue
        for name in _module_names(module):
            obj = getattr(module, name)
            path = f"{module_name}.{name}"
            if inspect.isclass(obj):
                for member, function, bound in _members(obj):
                    found[f"{path}.{member}"] = (function, bound)
            elif callable(obj):
                found[path] = (obj, False)
    return found


PUBLIC_CALLABLES = public_callables()


def test_public_callables_are_walked():
    """The walk reaches the estimators, their methods, the functions and the loaders."""
    for path in [
        "sk_seqembed.ValueEmbedder.__init__",
        "sk_seqembed.ValueEmbedder.fit",
        "sk_seqembed.ValueEmbedder.embedding_table",
        "sk_seqembed.PositionEmbedder.partial_fit",
        "sk_seqembed.EmbeddingSum.set_params",
        "sk_seqembed.make_sequence_embedder",
        "sk_seqembed.observe",
        "sk_seqembed.datasets.load_flights",
        "sk_seqembed.datasets.make_event_log",
        "sk_seqembed.base.Reduction.__init__",
        "sk_seqembed.base.fit_in_memory",
    ]:
        assert path in PUBLIC_CALLABLES
    # Methods scikit-learn defines (and documents) are not ours to annotate.
    assert "sk_seqembed.PositionEmbedder.set_output" not in PUBLIC_CALLABLES
    assert "sk_seqembed.ValueEmbedder.get_params" not in PUBLIC_CALLABLES
    if importlib.util.find_spec("dask") is not None:
        assert "sk_seqembed.dask.DaskEmbedder.transform" in PUBLIC_CALLABLES


@pytest.mark.parametrize("path", list(PUBLIC_CALLABLES))
def test_annotated(path):
    """Every parameter (but ``self``) and the return of the callable are annotated."""
    function, bound = PUBLIC_CALLABLES[path]
    parameters = list(inspect.signature(function).parameters.values())
    if bound:
        parameters = parameters[1:]  # self (or cls)
    missing = [p.name for p in parameters if p.annotation is inspect.Parameter.empty]
    assert not missing, f"{path}: parameters without a type hint: {missing}"
    assert inspect.signature(function).return_annotation is not inspect.Signature.empty, (
        f"{path}: no return type hint"
    )


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _annotation_namespace(module):
    """The module's globals plus the names its ``if TYPE_CHECKING:`` blocks import."""
    namespace = dict(vars(module))
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            block = ast.Module(body=node.body, type_ignores=[])
            exec(compile(block, module.__file__, "exec"), namespace)
    return namespace


@pytest.mark.parametrize("path", list(PUBLIC_CALLABLES))
def test_type_hints_resolve(path):
    """``typing.get_type_hints`` evaluates every annotation: each names a real type."""
    function, _ = PUBLIC_CALLABLES[path]
    module = inspect.getmodule(inspect.unwrap(function))
    hints = typing.get_type_hints(function, globalns=_annotation_namespace(module))
    assert "return" in hints


def test_typing_names_are_not_imported_at_runtime():
    """Annotations cost no import: ``sk_seqembed._typing`` is read by type checkers
    only."""
    code = (
        "import sys, sk_seqembed, sk_seqembed.base, sk_seqembed.datasets; "
        "assert 'sk_seqembed._typing' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_py_typed_marker():
    """The package carries the PEP 561 marker, so type checkers read its hints."""
    assert (importlib.resources.files("sk_seqembed") / "py.typed").is_file()


# The documented uses (README, docstrings), which must type-check without error.
DOCUMENTED_USE = """
from collections.abc import Generator
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from typing_extensions import assert_type

from sk_seqembed import (
    EmbeddingSum,
    HistoryEmbedder,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
    observe,
)
from sk_seqembed.base import Reduction, add, concatenate, fit_in_memory
from sk_seqembed.datasets import load_flights, make_event_log

X = pd.DataFrame({"item": ["tea", "cake", "tea", None]})
embedder = ValueEmbedder(embedding_dim=3, random_state=0).fit(X)
assert_type(embedder, ValueEmbedder)
names: list[str] = embedder.get_feature_names_out().tolist()
table: pd.DataFrame = embedder.embedding_table()
similar: pd.Series = embedder.most_similar("tea", n=1)
Z = embedder.transform([["tea"], [None]])
print(Z.shape, names, table, similar)
print(PositionEmbedder(method="scalar").fit(X).transform(X).ravel().tolist())

flights, delays = load_flights(return_X_y=True)
bunch = load_flights(target="dep_delay")
values, targets = load_flights(return_X_y=True, as_frame=False)
assert_type(values, NDArray[np.object_])
model = make_pipeline(
    make_sequence_embedder(
        value=["carrier", "origin", "dest"],
        position="tailnum",
        temporal="sched_dep",
        temporal_embedder=TemporalEmbedder(4, features=["hour", "weekday"], trend=False),
    ),
    Ridge(),
)
model.fit(flights, delays)
observe(model, flights.tail(1))

events, target, truth = make_event_log(n_sequences=30, tz="Europe/Paris", random_state=0)
summed = EmbeddingSum(
    [
        ("value", ValueEmbedder(random_state=0), ["item"]),
        ("position", PositionEmbedder(method="decay"), "sequence_id"),
        ("temporal", TemporalEmbedder(periods=["7D", pd.Timedelta(days=1)]), ["timestamp"]),
    ],
    embedding_dim=4,
    weights={"position": 0.5},
)
print(summed.fit_transform(events, target).shape)
history = HistoryEmbedder("sequence_id", half_lives=(4.0,))
assert_type(history.fit(events[["item", "sequence_id"]], target), HistoryEmbedder)
positions = PositionEmbedder(method="scalar").partial_fit(events[["sequence_id"]])
assert_type(positions, PositionEmbedder)
assert_type(observe(positions, events[["sequence_id"]]), PositionEmbedder)
assert_type(concatenate([[1, 2], [3]]), list[int])


def fit_steps() -> Generator[Reduction, Any, None]:
    n_rows = yield Reduction(lambda X, y: len(X), add)
    print(n_rows)


fit_in_memory(fit_steps(), np.zeros((2, 1)))
"""

# Misuses that the hints must catch (so mypy did read them, not Any).
MISUSES = {
    "method": 'ValueEmbedder(method="randm")',
    "dtype": 'PositionEmbedder(dtype="float16")',
    "return_X_y": "load_flights(return_X_y=True).shape",
    # A string is a Sequence, but the parameters take a list or a tuple of durations.
    "periods": 'TemporalEmbedder(periods="7D")',
}


def _mypy(tmp_path, cache, source):
    """mypy's (report, exit status) for ``source``, with sk_seqembed as installed."""
    api = pytest.importorskip("mypy.api")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(textwrap.dedent(source))
    config = tmp_path / "mypy.ini"
    # pandas and scikit-learn have no type hints: their names are Any.
    config.write_text("[mypy]\nignore_missing_imports = True\n")
    report, errors, status = api.run(
        [f"--config-file={config}", f"--cache-dir={cache}", "--show-error-codes", str(snippet)]
    )
    return report + errors, status


@pytest.fixture
def mypy_cache(pytestconfig, tmp_path, monkeypatch):
    """mypy's cache under pytest's (a second run takes seconds); the run starts in an
    empty directory, so sk_seqembed is found as installed and no project config is read."""
    monkeypatch.chdir(tmp_path)
    return pytestconfig.cache.mkdir("mypy")


def test_mypy_documented_use(tmp_path, mypy_cache):
    """mypy accepts the documented uses, with the types the hints promise."""
    report, status = _mypy(tmp_path, mypy_cache, DOCUMENTED_USE)
    assert status == 0, report


def test_mypy_catches_misuse(tmp_path, mypy_cache):
    """mypy refuses an option that is not one of a parameter's choices, and the tuple
    ``load_flights(return_X_y=True)`` used as a frame."""
    source = "\n".join(
        [
            "from sk_seqembed import PositionEmbedder, TemporalEmbedder, ValueEmbedder",
            "from sk_seqembed.datasets import load_flights",
            *MISUSES.values(),
        ]
    )
    report, status = _mypy(tmp_path, mypy_cache, source)
    assert status == 1, report
    for line, misuse in enumerate(MISUSES, start=3):
        assert f"snippet.py:{line}:" in report, f"{misuse} not caught:\n{report}"
