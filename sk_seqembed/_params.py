"""Parameter validation beyond sklearn's: counts that are booleans are refused."""

from numbers import Integral

from sklearn.utils._param_validation import Interval, InvalidParameterError


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
