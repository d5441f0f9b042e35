"""The ColumnTransformer that make_sequence_embedder returns: scikit-learn's, with a
transform that serves a pandas frame without joblib or sub-frames.

scikit-learn's ``ColumnTransformer.transform`` runs each step through joblib and hands
it a new DataFrame of its columns. For one served event that overhead is several times
the steps' own work (measured in ``benchmarks/bench_latency.py``). Here, when the input
is a pandas frame and every step is a plain estimator with default output, each of our
embedders reads its columns in place and the results are stacked as scikit-learn
stacks them; in every other case (``n_jobs``, ``passthrough``, pandas or polars output,
sparse results, metadata routing) ``transform`` is scikit-learn's own.
"""

import numpy as np
import pandas as pd
import sklearn
from sklearn import compose
from sklearn.utils.validation import check_is_fitted


class ColumnTransformer(compose.ColumnTransformer, auto_wrap_output_keys=None):
    """scikit-learn's ColumnTransformer; see :func:`sk_seqembed.make_sequence_embedder`.

    The class keeps scikit-learn's name, so a Pipeline still calls the step
    ``columntransformer`` and its parameters keep their names.
    """

    # Its page is scikit-learn's: the class is scikit-learn's to users.
    _doc_link_module = "sk_seqembed"
    _doc_link_template = (
        "https://scikit-learn.org/stable/modules/generated/"
        "sklearn.compose.ColumnTransformer.html"
    )

    def transform(self, X, **params):
        """Transform X separately by each transformer, concatenate results.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
            The data to be transformed by subset.
        **params : dict
            Parameters routed to the transformers' ``transform`` (metadata routing).

        Returns
        -------
        X_t : {array-like, sparse matrix} of shape (n_samples, sum_n_components)
            The steps' outputs side by side, as scikit-learn's ColumnTransformer
            gives them.
        """
        served = None if params else self._serve(X)
        return super().transform(X, **params) if served is None else served

    def _serve(self, X):
        """The stacked outputs of the steps, each reading its columns of the pandas
        frame ``X`` in place; None where scikit-learn's own path must run."""
        if not hasattr(self, "transformers_"):
            check_is_fitted(self)  # raises sklearn's NotFittedError
        if not isinstance(X, pd.DataFrame) or self.n_jobs not in (None, 1):
            return None
        if not hasattr(self, "feature_names_in_") or not _default_output(self):
            return None
        labels = list(X.columns)
        position = {label: p for p, label in enumerate(labels)}
        # Repeated or non-string labels: scikit-learn's path decides (or refuses).
        if len(position) != len(labels) or not all(isinstance(label, str) for label in labels):
            return None
        weights = self.transformer_weights or {}
        outputs = []
        for name, step, columns in self.transformers_:
            if isinstance(step, str):
                if step != "drop":
                    return None
                continue
            selected = _positions(columns, position, self.feature_names_in_)
            if selected is None or not _default_output(step):
                return None
            if not selected:
                continue
            if _reads_in_place(step):
                output = step._transform_columns(X, selected, labels)
            else:
                output = step.transform(X.iloc[:, selected])
            if not isinstance(output, np.ndarray) or output.ndim != 2:
                return None
            if weights.get(name) is not None:
                # As scikit-learn weighs a step's output (_transform_one).
                output = output * weights[name]
            outputs.append(output)
        if not outputs:
            return np.zeros((X.shape[0], 0))
        return np.hstack(outputs)


# The parent's transform is already wrapped for set_output, so this one is not
# (auto_wrap_output_keys=None, which also clears the keys): set_output must still see
# transform as wrapped.
ColumnTransformer._sklearn_auto_wrap_output_keys = {"transform"}


def _default_output(estimator):
    """Whether ``estimator.transform`` returns what it computes (no set_output)."""
    configured = getattr(estimator, "_sklearn_output_config", {})
    return configured.get("transform", sklearn.get_config()["transform_output"]) == "default"


def _positions(columns, position, fitted_names):
    """Positions in the served frame of a step's columns (names, or positions in the
    fitted frame); None for a selection of another form or a missing column."""
    if isinstance(columns, str) or not isinstance(columns, list | tuple | np.ndarray):
        return None
    selected = []
    for column in columns:
        if isinstance(column, bool | np.bool_):
            return None
        if isinstance(column, str):
            label = column
        elif isinstance(column, int | np.integer) and 0 <= column < len(fitted_names):
            label = fitted_names[column]
        else:
            return None
        if label not in position:
            return None
        selected.append(position[label])
    return selected


def _reads_in_place(step):
    # Estimators whose own class declares that its transform reads X only through
    # _columns (a subclass may override transform: it is served as any other step).
    return "_reads_views" in vars(type(step)) and step._reads_views
