"""Exact order statistics of values spread over chunks, by radix selection.

Floats map to unsigned 64-bit keys in the same order; a rank's value is then found
16 bits at a time: each pass counts, per chunk, the next digit of the keys that share
the rank's known prefix, and the counts added over chunks say which digit holds the
rank. Four passes pin every rank to its exact value without sorting or gathering the
values in one place (``sk_seqembed.dask`` drives the passes).
"""

import numpy as np

DIGIT_BITS = 16


def sortable(values):
    """uint64 keys ordered as the float64 values are (-0.0 taken as 0.0)."""
    bits = (np.asarray(values, dtype=np.float64) + 0.0).view(np.uint64)
    negative = (bits >> np.uint64(63)).astype(bool)
    return np.where(negative, ~bits, bits | np.uint64(1 << 63))


def from_sortable(keys):
    """The float64 values of :func:`sortable` keys."""
    positive = (keys >> np.uint64(63)).astype(bool)
    return np.where(positive, keys & ~np.uint64(1 << 63), ~keys).view(np.float64)


def digit_counts(y, requests):
    """Per (prefix, known bits): the distinct next digits among matching keys, counted."""
    keys = sortable(np.asarray(y, dtype=np.float64))
    out = []
    for prefix, bits in requests:
        matching = keys if bits == 0 else keys[keys >> np.uint64(64 - bits) == prefix]
        digits = (matching >> np.uint64(64 - bits - DIGIT_BITS)) & np.uint64(0xFFFF)
        out.append(np.unique(digits, return_counts=True))
    return out


def add_histograms(chunks):
    """Add the :func:`digit_counts` of several chunks, request by request."""
    merged = []
    for histograms in zip(*chunks, strict=True):
        digits = np.concatenate([d for d, _ in histograms])
        counts = np.concatenate([c for _, c in histograms])
        distinct, inverse = np.unique(digits, return_inverse=True)
        merged.append((distinct, np.bincount(inverse, weights=counts).astype(np.int64)))
    return merged
