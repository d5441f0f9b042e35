"""ValueEmbedder's ``method="pretrained"``: the user's vectors, read and checked."""

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from . import _columns, _tokens
from ._value_tables import INFREQUENT, MISSING, N_SPECIAL, UNKNOWN, _Method


class _Pretrained(_Method):
    """``"pretrained"``: one table keyed by the given vectors' tokens (PCA-reduced to
    ``embedding_dim``); missing, unknown and infrequent tokens get the mean vector."""

    counts_tokens = False
    one_table = True

    def check_parameters(self):
        if self.estimator.vectors is None:
            raise ValueError("method='pretrained' needs vectors: pass vectors=...")
        self._check_vocabulary_parameters()

    def start(self):
        # Read before any row, so that bad vectors fail first; the kind of their keys
        # is every token column's.
        self.keys, self.matrix, self.key_kind = _read_pretrained(self.estimator.vectors)

    def fit_tables(self, summaries, random_state):
        yield from ()  # no pass over the rows
        self._store_tables([self._table(summaries)])

    def _table(self, summaries):
        """The pretrained table (PCA-reduced if asked) and its vocabulary."""
        estimator, vocabulary, matrix, kind = (
            self.estimator,
            self.keys,
            self.matrix,
            self.key_kind,
        )
        dim, width = estimator.embedding_dim, matrix.shape[1]
        if dim > width:
            raise ValueError(
                f"embedding_dim={dim} exceeds the width {width} of the "
                f"pretrained vectors; choose embedding_dim <= {width}."
            )
        if dim < width and dim > vocabulary.size:
            raise ValueError(
                f"embedding_dim={dim} needs at least as many pretrained "
                f"vectors to reduce them with PCA; got {vocabulary.size}."
            )
        for summary in summaries:
            if summary.kind not in (kind, None):
                raise TypeError(
                    f"Column {summary.name!r} holds {summary.kind} tokens but the pretrained "
                    f"vectors are keyed by {kind} tokens."
                )
        if dim < width:
            # set_output(default): a global pandas/polars output config must not reach PCA.
            pca = PCA(dim, random_state=0).set_output(transform="default")
            matrix = pca.fit_transform(matrix)
        n = vocabulary.size
        table = np.zeros((n + N_SPECIAL, dim))
        table[:n] = matrix
        table[n + MISSING] = table[n + UNKNOWN] = matrix.mean(axis=0)
        table[n + INFREQUENT] = matrix.mean(axis=0)
        estimator.vocabularies_ = [vocabulary]
        estimator.infrequent_tokens_ = [vocabulary[:0]]
        estimator.token_rows_ = [np.arange(n)]
        estimator.n_token_rows_ = [n]
        estimator.lookups_ = [_tokens.TokenLookup(vocabulary, kind)]
        estimator.vocabularies_ = [_tokens.tokens_as_python(vocabulary, kind)]
        return table


def _read_pretrained(vectors):
    """(sorted keys, matrix, key kind) from a dict, a DataFrame or KeyedVectors-like."""
    if isinstance(vectors, pd.DataFrame):
        keys, matrix = list(vectors.index), vectors.to_numpy()
    elif isinstance(vectors, dict):
        keys = list(vectors)
        matrix = [np.asarray(vector, dtype=np.float64) for vector in vectors.values()]
        if any(vector.ndim != 1 for vector in matrix):
            raise ValueError("Pretrained vectors must each be one-dimensional.")
        widths = {vector.size for vector in matrix}
        if len(widths) > 1:
            raise ValueError(f"Pretrained vectors have different lengths: {sorted(widths)}.")
        matrix = np.vstack(matrix) if matrix else np.empty((0, 0))
    elif hasattr(vectors, "key_to_index") and hasattr(vectors, "vectors"):
        keys = sorted(vectors.key_to_index, key=vectors.key_to_index.get)
        matrix = np.asarray(vectors.vectors)[[vectors.key_to_index[key] for key in keys]]
    else:
        raise TypeError(
            "vectors must be a dict token -> vector, a DataFrame indexed by token, or an "
            f"object with key_to_index and vectors (gensim KeyedVectors); got {type(vectors)}."
        )
    if not keys:
        raise ValueError("vectors is empty: no pretrained token to embed with.")
    try:
        matrix = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"Pretrained vectors must be numeric: {exc}") from None
    if matrix.ndim != 2 or not np.isfinite(matrix).all():
        raise ValueError("Pretrained vectors must form a finite 2-D numeric table.")
    key_frame = pd.DataFrame({"keys of vectors": pd.Series(keys, dtype=object)})
    key_column = _tokens.read_tokens(key_frame, 0)
    if key_column.missing.any():
        raise ValueError("Pretrained vectors have a missing (None/NaN) token as key.")
    if key_column.kind == _columns.STRING:
        key_values = np.asarray(key_column.values.to_pylist(), dtype=object)
    else:
        key_values = key_column.values
    order = np.argsort(key_values, kind="stable")
    sorted_keys = key_values[order]
    if sorted_keys.size > 1 and (sorted_keys[1:] == sorted_keys[:-1]).any():
        raise ValueError("Pretrained vectors have duplicated tokens as keys.")
    return sorted_keys, matrix[order], key_column.kind
