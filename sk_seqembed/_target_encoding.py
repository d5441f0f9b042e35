"""Supervised token vectors: a token's shrunk target mean, then its shrunk target CDF.

A token's vector of width ``d`` holds:

1. the token's mean of ``y`` shrunk toward the mean over all rows, as scikit-learn's
   ``TargetEncoder`` gives it, so a linear model gets what one-hot gives it;
2. for up to ``d - 1`` thresholds ``t_j`` (the target's order statistics at levels
   ``j / d``, distinct and below its maximum), the fraction of the token's rows with
   ``y <= t_j``, shrunk toward the same fraction over all rows: the shape of the
   token's target distribution, beyond its mean;
3. when the target has fewer distinct values than that (a 0/1 target has no threshold
   that the mean does not already give), the log-odds of the shrunk mean scaled to
   [0, 1], then the mean shrunk more and more strongly (prior strengths 4, 16, ...
   times the fitted one): informative columns, never a constant or a copy.

Shrinkage is empirical Bayes: the prior strength ``m`` (in rows) is fitted by the method
of moments across tokens (the within-token variance over the between-token variance of
the mean; a Beta prior per fraction), so rare tokens lean on the prior and frequent ones
on their own rows. A number for ``smooth`` fixes ``m``.
"""

import numpy as np

# A strength this large (in rows) means "the prior only": no between-token signal.
PRIOR_ONLY = 1e12
# The log-odds column clips the scaled mean to [EPSILON, 1 - EPSILON].
EPSILON = 1e-4


def threshold_levels(dim):
    """The levels ``1/d, ..., (d-1)/d`` the thresholds are taken at."""
    return np.arange(1, dim) / dim


def threshold_ranks(n_samples, levels):
    """Sorted-order ranks of ``levels``: the lower order statistic, so a threshold is
    always a value of ``y`` and two thresholds with the same value count the same rows."""
    return np.floor(levels * (n_samples - 1)).astype(np.intp)


def kept_levels(values, y_max, two_valued):
    """Which levels give a threshold: the first level of each distinct value below the
    maximum (``y <= max`` holds for every row); none for a two-valued target, whose
    one threshold is one minus the scaled mean."""
    keep = np.zeros(values.size, dtype=bool)
    if two_valued:
        return keep
    _, first = np.unique(values, return_index=True)
    keep[first] = True
    return keep & (values < y_max)


def order_statistics(y, ranks):
    """The values of ``y`` at sorted ``ranks``, without sorting ``y``."""
    if not ranks.size:
        return np.empty(0)
    unique = np.unique(ranks)
    values = np.partition(y, unique)[unique]
    return values[np.searchsorted(unique, ranks)] + 0.0  # +0.0: one sign of zero


def standardizer(low, high):
    """``(center, scale)`` that map ``[low, high]`` onto ``[0, 2]``: sums of the
    standardized target neither overflow nor lose the token means to cancellation (a
    target of epoch seconds, or scaled by 1e160). Halves first: ``high - low`` itself
    may overflow."""
    scale = high / 2 - low / 2
    return low, (scale if scale > 0 else 1.0)


# Half the largest float: a scale below it means the target's range is itself a float.
_HALF_MAX = np.finfo(np.float64).max / 2


def to_standard(y, standardize):
    """``(y - center) / scale`` for ``standardize = (center, scale)``."""
    center, scale = standardize
    if scale <= _HALF_MAX:
        return (y - center) / scale
    # A range wider than the largest float (targets near +-1.8e308): in quarters,
    # where no difference overflows.
    return (y / 4 - center / 4) / (scale / 4)


def from_standard(z, standardize):
    """``center + scale * z``, the inverse of :func:`to_standard`, for ``z`` in [0, 2]."""
    center, scale = standardize
    if scale <= _HALF_MAX:
        return center + scale * z
    # In halves: the result lies in the target's range, each term within it too.
    return 2 * (center / 2 + (scale / 2) * z)


def token_counts(codes, y, thresholds, n_rows, standardize=(0.0, 1.0)):
    """Per token row: its number of rows, sum of the standardized ``y`` (``(y -
    center) / scale``), and how many rows have ``y <= t_j`` for each threshold; and
    the sum of the standardized ``y**2`` over all kept rows.

    Rows whose code is ``-1`` are left out.
    """
    keep = codes >= 0
    codes, y = codes[keep], y[keep]
    totals = np.bincount(codes, minlength=n_rows)
    z = to_standard(y, standardize)
    sums = np.bincount(codes, weights=z, minlength=n_rows)
    n_bins = thresholds.size + 1
    # y <= t_j exactly when y's bin (first threshold it does not exceed) is <= j.
    bins = np.searchsorted(thresholds, y, side="left")
    histogram = np.bincount(codes * n_bins + bins, minlength=n_rows * n_bins)
    below = np.cumsum(histogram.reshape(n_rows, n_bins), axis=1)[:, :-1]
    # Summed by numpy, not BLAS's dot, whose order follows the BLAS build and threads.
    return totals, sums, below, float(np.square(z).sum())


def class_counts(codes, labels, n_classes, n_rows):
    """Per token row: its number of rows and its rows of each class (``labels``: class
    codes ``0 .. n_classes - 1``). Rows whose code is ``-1`` are left out."""
    keep = codes >= 0
    per_class = np.bincount(
        codes[keep] * n_classes + labels[keep], minlength=n_rows * n_classes
    ).reshape(n_rows, n_classes)
    return per_class.sum(axis=1), per_class


def class_vectors(counts, rates, order, dim, smooth):
    """The ``(n_rows, dim)`` vectors of a class target: the shrunk rates of the classes
    ``order`` lists (all but the rarest, most frequent first; ``rates``: over all rows),
    up to ``dim``; then the log-odds of the first rates and the first rate shrunk 4,
    16, ... times more strongly, as for a numeric target."""
    totals, per_class = counts
    totals = totals.astype(np.float64)
    shown = order[:dim]
    prior = rates[shown]
    if smooth == "auto":
        strength = _fraction_strength(totals, per_class[:, shown], prior)
    else:
        strength = np.full(shown.size, float(smooth))
    shrunk = _shrink(per_class[:, shown], totals[:, None], prior, strength)
    n_fill = dim - shown.size
    if n_fill <= 0:
        return shrunk
    clipped = np.clip(shrunk[:, :n_fill], EPSILON, 1 - EPSILON)
    fill = [np.log(clipped / (1 - clipped))]
    first, base = per_class[:, shown[0]], max(float(strength[0]), 1.0)
    fill += [
        _shrink(first, totals, prior[0], min(base * 4.0**k, PRIOR_ONLY))[:, None]
        for k in range(1, n_fill - clipped.shape[1] + 1)
    ]
    return np.hstack([shrunk] + fill)


def target_vectors(counts, prior, dim, smooth):
    """The ``(n_rows, dim)`` vectors (see the module docstring) from ``counts``, a
    :func:`token_counts` result, and ``prior``: a dict of the overall ``mean`` of the
    standardized target, the overall ``fractions`` below each threshold, and ``low``
    and ``high``, the range of ``y`` the standardization maps onto [0, 2]. Tokens
    without rows get the prior vector."""
    totals, sums, below, sum_squares = counts
    totals = totals.astype(np.float64)
    standardize = standardizer(prior["low"], prior["high"])
    if smooth == "auto":
        strength = _mean_strength(totals, sums, sum_squares, prior["mean"])
    else:
        strength = float(smooth)
    means = _shrink(sums, totals, prior["mean"], strength)
    columns = [from_standard(means, standardize)[:, None]]
    if below.shape[1]:
        fraction_strength = (
            _fraction_strength(totals, below, prior["fractions"])
            if smooth == "auto"
            else np.full(below.shape[1], float(smooth))
        )
        columns.append(_shrink(below, totals[:, None], prior["fractions"], fraction_strength))
    n_fill = dim - 1 - below.shape[1]
    if n_fill > 0:
        # The standardized mean lies in [0, 2]: halved, the share of the range.
        scaled = np.clip(means / 2, EPSILON, 1 - EPSILON)
        fill = [np.log(scaled / (1 - scaled))]
        base = max(strength, 1.0)
        fill += [
            from_standard(
                _shrink(sums, totals, prior["mean"], min(base * 4.0**k, PRIOR_ONLY)),
                standardize,
            )
            for k in range(1, n_fill)
        ]
        columns.append(np.column_stack(fill))
    return np.hstack(columns)


def _shrink(amounts, totals, prior, strength):
    """``(amount + strength * prior) / (total + strength)``; the prior where both are 0."""
    denominator = totals + strength
    with np.errstate(invalid="ignore", divide="ignore"):
        shrunk = (amounts + strength * prior) / denominator
    return np.where(denominator > 0, shrunk, prior)


def _mean_strength(totals, sums, sum_squares, prior_mean):
    """Method-of-moments prior strength of the token means: the pooled within-token
    variance over the between-token variance of the true means (observed variance of
    the raw means minus their sampling variance)."""
    seen = totals > 0
    n, s = totals[seen], sums[seen]
    n_rows, n_tokens = n.sum(), n.size
    if n_tokens == 0:
        return PRIOR_ONLY
    within = max(sum_squares - (s**2 / n).sum(), 0.0) / max(n_rows - n_tokens, 1.0)
    weights = n / n_rows
    observed = (weights * (s / n - prior_mean) ** 2).sum()
    between = observed - within * n_tokens / n_rows
    if between <= 0:
        return PRIOR_ONLY
    return float(np.clip(within / between, 0.0, PRIOR_ONLY))


def _fraction_strength(totals, below, prior):
    """Method-of-moments strength ``m`` of a Beta(m p, m (1 - p)) prior per threshold.

    Between-token variance of the true fractions is the observed variance of the raw
    fractions minus their average binomial sampling variance; ``m = p(1-p)/var - 1``.
    With no between-token signal the prior dominates (``m`` very large).
    """
    seen = totals > 0
    n = totals[seen][:, None]
    fractions = below[seen] / n
    weights = n / n.sum()
    observed = (weights * (fractions - prior) ** 2).sum(axis=0)
    sampling = (weights * prior * (1 - prior) / n).sum(axis=0)
    between = observed - sampling
    bernoulli = prior * (1 - prior)
    with np.errstate(divide="ignore", invalid="ignore"):
        strength = np.where(between > 0, bernoulli / between - 1, np.inf)
    return np.clip(strength, 0.0, PRIOR_ONLY)
