"""Parameter validation beyond sklearn's: counts that are booleans are refused.

Also sklearn's validating decorators, as type checkers see them: sklearn has no type
hints, so a method decorated by its ``_fit_context`` would lose its own to them.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, InvalidParameterError

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])

    def fit_context(*, prefer_skip_nested_validation: bool) -> Callable[[_F], _F]:
        """sklearn's ``_fit_context``: the decorated method keeps its signature."""

    def validate_params(
        parameter_constraints: dict[str, Any], *, prefer_skip_nested_validation: bool
    ) -> Callable[[_F], _F]:
        """sklearn's ``validate_params``: the decorated function keeps its signature."""

else:
    from sklearn.base import _fit_context as fit_context
    from sklearn.utils._param_validation import validate_params

__all__ = ["RefuseBoolCounts", "duration_seconds", "fit_context", "validate_params"]


class RefuseBoolCounts:
    """Mixin: ``True`` is no ``embedding_dim``.

    sklearn's ``Interval(Integral, ...)`` admits booleans (``bool`` subclasses
    ``int``), so ``embedding_dim=True`` would pass validation and act as 1, or fail
    later with an unrelated message. Parameters that take a count and not a boolean
    refuse them in sklearn's wording.
    """

    def _validate_params(self):
        super()._validate_params()
        for name, constraints in self._parameter_constraints.items():
            value = getattr(self, name)
            if not isinstance(value, bool) or "boolean" in constraints:
                continue
            counts = [c for c in constraints if isinstance(c, Interval) and c.type is Integral]
            if counts:
                raise InvalidParameterError(
                    f"The {name!r} parameter of {type(self).__name__} must be {counts[0]}, "
                    f"not a boolean. Got {value!r} instead."
                )


def duration_seconds(value, *, parameter, example):
    """A duration parameter's value in seconds, refusing what has no unit.

    pandas reads a bare number, or a string of one, as nanoseconds: ``86400`` would be
    86.4 microseconds, silently. ``example`` shows a duration, e.g. ``"'7D'"``.
    """
    bare = isinstance(value, Real) and not isinstance(value, bool | np.timedelta64)
    if isinstance(value, str):
        try:
            float(value)
            bare = True
        except ValueError:
            pass
    if bare:
        raise ValueError(
            f"{parameter}: {value!r} is a bare number, which has no unit (pandas would "
            f"read it as nanoseconds); pass a duration, e.g. '{value}s' or "
            f"pd.Timedelta(seconds={value})."
        )
    try:
        if isinstance(value, bool):
            raise TypeError
        seconds = pd.Timedelta(value).total_seconds()
    except (TypeError, ValueError):
        raise ValueError(
            f"{parameter}: {value!r} is not a duration such as {example}."
        ) from None
    if not seconds > 0:
        raise ValueError(f"{parameter}: {value!r} must be a positive duration.")
    return seconds
