"""numpydoc validation of the public API: every public function, class and method.

The public API is what ``sk_seqembed``, ``sk_seqembed.datasets`` and ``sk_seqembed.base``
export in ``__all__``, plus ``sk_seqembed.dask.DaskEmbedder``; a class brings its public
methods and properties defined in ``sk_seqembed`` (those inherited from scikit-learn carry
scikit-learn's docstrings and are its to check).
"""

import importlib
import inspect

import pytest

numpydoc_validation = pytest.importorskip("numpydoc.validate")

PUBLIC_MODULES = ["sk_seqembed", "sk_seqembed.datasets", "sk_seqembed.base"]
EXTRA_PUBLIC_NAMES = ["sk_seqembed.dask.DaskEmbedder"]

# Checks we do not ask of any docstring.
IGNORED_EVERYWHERE = {
    # Returns names the object, as scikit-learn does ("X_out : ndarray of shape ..."),
    # so the first line holds a name as well as the type.
    "RT02",
}
# Checks we do not ask of methods and properties: their class docstring holds them.
IGNORED_IN_METHODS = {
    "ES01",  # the class docstring explains; a method's summary and sections suffice
    "SA01",  # See Also links the public classes and functions, not each method
    "EX01",  # the doctested Examples live in the class docstring
}


def _defined_here(member):
    """Whether a class attribute is a method or property of ours (not sklearn's)."""
    if not (callable(member) or isinstance(member, (property, classmethod, staticmethod))):
        return False
    function = member.fget if isinstance(member, property) else member
    function = getattr(function, "__func__", function)
    module = getattr(inspect.getmodule(function), "__name__", "")
    return module == "sk_seqembed" or module.startswith("sk_seqembed.")


def public_names():
    """Import path of every public function, class, method and property: is it a member?"""
    objects = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if callable(getattr(module, name)):
                objects.append(f"{module_name}.{name}")
    objects += EXTRA_PUBLIC_NAMES
    names = {}
    for path in objects:
        names[path] = False
        module_name, _, name = path.rpartition(".")
        obj = getattr(importlib.import_module(module_name), name)
        if not inspect.isclass(obj):
            continue
        for attribute in sorted(dir(obj)):
            member = inspect.getattr_static(obj, attribute)
            if not attribute.startswith("_") and _defined_here(member):
                names[f"{path}.{attribute}"] = True
    return names


PUBLIC_NAMES = public_names()


def docstring_errors(path):
    """numpydoc's (check, message) pairs for ``path``, minus the checks we ignore."""
    result = numpydoc_validation.validate(path)
    ignored = IGNORED_EVERYWHERE | (IGNORED_IN_METHODS if PUBLIC_NAMES[path] else set())
    return [(code, message) for code, message in result["errors"] if code not in ignored]


@pytest.mark.parametrize("path", list(PUBLIC_NAMES))
def test_docstring(path):
    """The public object's docstring passes numpydoc's validation."""
    errors = docstring_errors(path)
    report = "\n".join(f"{path} {code}: {message}" for code, message in errors)
    assert not errors, f"numpydoc validation failed:\n{report}"


def test_every_public_class_and_function_is_validated():
    """The list covers the estimators, the composer, the loaders and the base contract."""
    for path in [
        "sk_seqembed.ValueEmbedder",
        "sk_seqembed.ValueEmbedder.transform",
        "sk_seqembed.make_sequence_embedder",
        "sk_seqembed.datasets.load_flights",
        "sk_seqembed.base.PartitionedMixin",
        "sk_seqembed.dask.DaskEmbedder.fit",
    ]:
        assert path in PUBLIC_NAMES
