"""Supervised token vectors: each token's shrunk empirical CDF of the target.

A token's vector holds, for ``d`` fixed thresholds ``t_j`` (the target's quantiles at
levels ``j / (d + 1)``), the fraction of the token's rows with ``y <= t_j``, shrunk toward
the same fraction over all rows. Shrinkage is empirical Bayes: each fraction gets a Beta
prior centred on the global fraction whose strength ``m_j`` is fitted by the method of
moments across tokens, so rare tokens lean on the prior and frequent ones on their own
rows.
"""

import numpy as np


def target_thresholds(y, dim):
    """Quantiles of ``y`` at levels ``1/(d+1), ..., d/(d+1)`` (numpy's "linear")."""
    low, high, fraction = threshold_ranks(y.size, dim)
    ranks = np.union1d(low, high)
    return interpolate_ranks(ranks, np.partition(y, ranks)[ranks], low, high, fraction)


def threshold_ranks(n_samples, dim):
    """The two sorted-order ranks each threshold lies between, and how far between.

    Written out rather than left to ``np.quantile`` so that a fit over chunks, which
    finds the values at these ranks without sorting ``y`` in one place, computes
    exactly the same thresholds.
    """
    levels = np.arange(1, dim + 1) / (dim + 1)
    virtual = levels * (n_samples - 1)
    low = np.floor(virtual).astype(np.intp)
    return low, np.minimum(low + 1, n_samples - 1), virtual - low


def interpolate_ranks(ranks, values, low, high, fraction):
    """Thresholds from the ``values`` of ``y`` at sorted ``ranks``.

    Linear interpolation computed from the nearer end, as numpy does, so a fraction of
    1 gives the upper value exactly.
    """
    # +0.0: -0.0 and 0.0 compare equal, so either may come first; take one sign.
    values = values + 0.0
    below = values[np.searchsorted(ranks, low)]
    above = values[np.searchsorted(ranks, high)]
    step = above - below
    return np.where(fraction >= 0.5, above - step * (1 - fraction), below + step * fraction)


def cdf_counts(codes, y, thresholds, n_rows):
    """Per token row: its number of rows and how many have ``y <= t_j`` for each j.

    Rows whose code is ``-1`` are left out.
    """
    keep = codes >= 0
    codes, y = codes[keep], y[keep]
    n_bins = thresholds.size + 1
    # y <= t_j exactly when y's bin (first threshold it does not exceed) is <= j.
    bins = np.searchsorted(thresholds, y, side="left")
    histogram = np.bincount(codes * n_bins + bins, minlength=n_rows * n_bins)
    histogram = histogram.reshape(n_rows, n_bins)
    return histogram.sum(axis=1), np.cumsum(histogram, axis=1)[:, :-1]


def shrunk_cdf(totals, below, prior, smooth):
    """Shrink each token's fractions toward ``prior`` (see the module docstring).

    ``smooth="auto"`` fits the prior strength per threshold; a number fixes it.
    Tokens without rows get the prior itself.
    """
    totals = totals.astype(np.float64)[:, None]
    if smooth == "auto":
        strength = _prior_strength(totals, below, prior)
    else:
        strength = np.full(prior.shape, float(smooth))
    denominator = totals + strength
    with np.errstate(invalid="ignore", divide="ignore"):
        shrunk = (below + strength * prior) / denominator
    return np.where(denominator > 0, shrunk, prior)


def _prior_strength(totals, below, prior):
    """Method-of-moments strength ``m`` of a Beta(m p, m (1 - p)) prior per threshold.

    Between-token variance of the true fractions is the observed variance of the raw
    fractions minus their average binomial sampling variance; ``m = p(1-p)/var - 1``.
    With no between-token signal the prior dominates (``m`` very large).
    """
    seen = totals[:, 0] > 0
    n = totals[seen]
    fractions = below[seen] / n
    weights = n / n.sum()
    observed = (weights * (fractions - prior) ** 2).sum(axis=0)
    sampling = (weights * prior * (1 - prior) / n).sum(axis=0)
    between = observed - sampling
    bernoulli = prior * (1 - prior)
    with np.errstate(divide="ignore", invalid="ignore"):
        strength = np.where(between > 0, bernoulli / between - 1, np.inf)
    # An infinite strength would give NaN in the shrinkage; 1e12 rows is "prior only".
    return np.clip(strength, 0.0, 1e12)
