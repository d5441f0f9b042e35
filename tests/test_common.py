"""Every public estimator against scikit-learn's contract.

Estimators are discovered from ``sk_seqembed.__all__``; the ``ColumnProbe`` test
transformer runs the same checks on the shared column layer alone.
"""

import inspect

import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_get_feature_names_out_error,
    check_global_output_transform_pandas,
    check_global_set_output_transform_polars,
    check_inplace_ensure_writeable,
    check_param_validation,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_set_output_transform_polars,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    parametrize_with_checks,
)

import sk_seqembed
from tests._column_probe import ColumnProbe


def public_estimators():
    """Classes exported by ``sk_seqembed`` that are scikit-learn estimators."""
    exported = (getattr(sk_seqembed, name) for name in sk_seqembed.__all__)
    return [obj for obj in exported if inspect.isclass(obj) and issubclass(obj, BaseEstimator)]


ESTIMATORS = [cls() for cls in public_estimators()] + [ColumnProbe()]

# Checks an estimator cannot pass by design, each with its reason.
EXPECTED_FAILED_CHECKS = {}

# Checks that check_estimator / parametrize_with_checks do not run themselves.
EXTRA_CHECKS = [
    check_dataframe_column_names_consistency,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_global_output_transform_pandas,
    check_set_output_transform_polars,
    check_global_set_output_transform_polars,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
    check_get_feature_names_out_error,
    check_param_validation,
    check_inplace_ensure_writeable,
]


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks(
    ESTIMATORS, expected_failed_checks=_expected_failed_checks, xfail_strict=True
)
def test_sklearn_contract(estimator, check):
    """The estimator passes scikit-learn's estimator checks."""
    check(estimator)


@pytest.mark.parametrize("check", EXTRA_CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda est: type(est).__name__)
def test_checks_outside_check_estimator(estimator, check):
    """The estimator passes the checks check_estimator leaves out."""
    reason = _expected_failed_checks(estimator).get(check.__name__)
    if reason is not None:
        pytest.xfail(reason)
    check(type(estimator).__name__, clone(estimator))


def test_every_public_name_is_documented():
    """Everything in ``__all__`` exists and public estimators have numpydoc examples."""
    for name in sk_seqembed.__all__:
        assert hasattr(sk_seqembed, name), name
    for cls in public_estimators():
        assert "Examples\n    --------" in cls.__doc__, cls.__name__
