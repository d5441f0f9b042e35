"""A minimal transformer built only on the column layer, for the contract harness.

``ColumnProbe`` reads every column through ``sk_seqembed._columns`` and returns one
number per column (the value itself, a string's rank in the fitted vocabulary, or a
datetime's epoch seconds). It is not part of the library: it lets
``test_common.py`` hold the shared validation path to scikit-learn's contract before
and after the real embedders exist.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import check_is_fitted

from sk_seqembed import _columns


class ColumnProbe(TransformerMixin, BaseEstimator):
    """Encode each column as one float64 feature through the column layer."""

    _parameter_constraints = {"unknown_value": [float]}

    def __init__(self, unknown_value=-1.0):
        self.unknown_value = unknown_value

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        X = _columns.check_input(self, X, reset=True)
        self.vocabularies_ = []
        for j in range(self.n_features_in_):
            column = self._read(X, j)
            vocabulary = None
            if column.kind == _columns.STRING:
                vocabulary = np.unique(column.values.astype(str))
            self.vocabularies_.append(vocabulary)
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = _columns.check_input(self, X, reset=False)
        out = np.empty((X.shape[0], self.n_features_in_))
        for j, vocabulary in enumerate(self.vocabularies_):
            column = self._read(X, j)
            if column.kind == _columns.STRING:
                tokens = column.values.astype(str)
                rank = np.searchsorted(vocabulary, tokens).clip(0, len(vocabulary) - 1)
                out[:, j] = np.where(vocabulary[rank] == tokens, rank, self.unknown_value)
            elif column.kind == _columns.DATETIME:
                out[:, j] = column.values.astype("datetime64[s]").astype(np.int64)
            else:
                out[:, j] = column.values
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        prefixes = _columns.check_input_features(self, input_features)
        return np.asarray([f"{prefix}_probe" for prefix in prefixes], dtype=object)

    def _read(self, X, j):
        column = _columns.read_column(X, j)
        allowed = (_columns.INTEGER, _columns.FLOAT, _columns.BOOLEAN, _columns.STRING)
        _columns.check_kind(column, allowed + (_columns.DATETIME,), what="probe columns")
        return _columns.check_finite(_columns.check_no_missing(column))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = False
        return tags
