"""Token vectors from sequence context: windowed co-occurrence counts, PPMI, truncated SVD.

This is the count-based equivalent of word2vec described by Levy, Goldberg and Dagan
(2015, "Improving distributional similarity with lessons learned from word embeddings"):
positive PMI with context-distribution smoothing and an optional shift ``log k``, reduced
by truncated SVD with eigenvalue weighting.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import randomized_svd

# Up to this many rows (or columns), an exact dense SVD is cheap.
_DENSE_SVD_LIMIT = 1000


def window_pairs(codes, order, same_sequence, window):
    """Word/context pairs of rows at most ``window`` rows apart in one sequence.

    Parameters
    ----------
    codes : ndarray of intp, shape (n_rows,)
        Token row of each row; ``-1`` rows hold no token but keep their place.
    order : ndarray of intp, shape (n_rows,)
        Rows sorted by sequence, in row order within each sequence.
    same_sequence : callable
        ``same_sequence(offset)`` -> bool mask over ``order[:-offset]``: whether the row
        ``offset`` places later in ``order`` belongs to the same sequence.
    window : int

    Returns
    -------
    words, contexts, weights : ndarrays
        Both directions of every pair, weighted ``window + 1 - offset``: proportional to
        what word2vec's sampled window sizes give in expectation, and whole numbers, so
        counts summed in any order (over chunks of rows) are exact.
    """
    ordered = codes[order]
    words, contexts, weights = [], [], []
    for offset in range(1, min(window, ordered.size - 1) + 1):
        left, right = ordered[:-offset], ordered[offset:]
        keep = same_sequence(offset) & (left >= 0) & (right >= 0)
        weight = window + 1 - offset
        words += [left[keep], right[keep]]
        contexts += [right[keep], left[keep]]
        weights.append(np.full(2 * int(keep.sum()), weight, dtype=np.float64))
    if not words:
        return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0)
    return np.concatenate(words), np.concatenate(contexts), np.concatenate(weights)


def count_matrix(words, contexts, weights, shape):
    """Sparse word x context matrix summing the weights of repeated pairs."""
    return sp.csr_matrix((weights, (words, contexts)), shape=shape)


def ppmi(counts, *, smoothing, shift):
    """Positive (shifted) PMI of a sparse word x context count matrix.

    ``PMI(w, c) = log(#(w, c) / #(w)) - log(P_a(c)) - log(shift)`` where ``#(w)`` is the
    row sum and ``P_a(c) = #(c)**a / sum(#(c')**a)`` is the smoothed context
    distribution. Negative values are dropped.
    """
    counts = sp.csr_matrix(counts, dtype=np.float64)
    counts.sum_duplicates()
    if counts.nnz == 0:
        return counts
    row_totals = np.asarray(counts.sum(axis=1)).ravel()
    smoothed = np.asarray(counts.sum(axis=0)).ravel() ** smoothing
    context_prob = smoothed / smoothed.sum()
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    with np.errstate(divide="ignore"):
        values = (
            np.log(counts.data)
            - np.log(row_totals[rows])
            - np.log(context_prob[counts.indices])
            - np.log(shift)
        )
    matrix = sp.csr_matrix(
        (np.maximum(values, 0.0), counts.indices, counts.indptr), shape=counts.shape
    )
    matrix.eliminate_zeros()
    return matrix


def svd_vectors(matrix, dim, *, eigenvalue_weight, normalize, random_state):
    """Rows of ``U * S**eigenvalue_weight`` from a rank-``dim`` truncated SVD.

    Exact (LAPACK) for small matrices, randomized (Halko et al.) for large ones.

    When the matrix has rank below ``dim`` (tiny vocabularies), the missing dimensions
    are zero. Rows with no counts stay zero, also after normalisation.
    """
    n_rows, n_cols = matrix.shape
    rank = min(dim, n_rows, n_cols)
    vectors = np.zeros((n_rows, dim))
    if rank > 0 and matrix.nnz:
        if min(n_rows, n_cols) > _DENSE_SVD_LIMIT:
            # Sparse products dominate the fit: float32 halves their memory traffic, and
            # three power iterations are ample for PPMI's fast-decaying spectrum.
            u, s, _ = randomized_svd(
                matrix.astype(np.float32), rank, n_iter=3, random_state=random_state
            )
            u, s = u.astype(np.float64), s.astype(np.float64)
        else:
            u, s, _ = np.linalg.svd(matrix.toarray(), full_matrices=False)
            u, s = u[:, :rank], s[:rank]
        # Fix each component's sign (largest loading positive) so refits agree.
        signs = np.sign(u[np.abs(u).argmax(axis=0), np.arange(u.shape[1])])
        vectors[:, :rank] = u * signs * s**eigenvalue_weight
    if normalize:
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors
