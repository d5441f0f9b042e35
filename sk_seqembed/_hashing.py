"""Stable token hashing: the same token and seed give the same vector on every machine.

Strings are hashed with pandas' SipHash-2-4 (``pd.util.hash_array``, a fixed key, UTF-8
bytes), integers and booleans by their 64-bit pattern; each kind has its own salt so
``True``, ``1`` and ``"1"`` never share a vector. Python's salted ``hash`` is never used.
A key is spread over ``d`` dimensions with the SplitMix64 mixer and turned into Gaussian
values with the Box-Muller transform.
"""

import numpy as np
import pandas as pd
import pyarrow as pa

from . import _columns

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_KIND_SALT = {
    _columns.INTEGER: np.uint64(0x243F6A8885A308D3),
    _columns.BOOLEAN: np.uint64(0x13198A2E03707344),
    _columns.STRING: np.uint64(0xA4093822299F31D0),
}
# The missing vector spreads its key with another lane stride: a token key equal to it
# still differs in every lane but the first, so no token can share its vector.
MISSING_KEY = np.uint64(0x082EFA98EC4E6C89)
MISSING_STRIDE = np.uint64(0xD1B54A32D192ED03)
_SIPHASH_KEY = "sk_seqembed_v001"  # 16 characters, as SipHash needs


def splitmix64(x):
    """SplitMix64 finaliser on a uint64 array (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def token_keys(tokens):
    """One uint64 key per distinct present token, and each row's index into them.

    Returns
    -------
    keys : ndarray of uint64, shape (n_distinct,)
    inverse : ndarray of intp, shape (n_rows,)
        Index of each row's token in ``keys``; ``-1`` for missing rows.
    """
    if tokens.kind == _columns.STRING:
        encoded = tokens.values.dictionary_encode()
        uniques = encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)
        inverse = pa.compute.fill_null(encoded.indices, -1).to_numpy().astype(np.intp)
        raw = pd.util.hash_array(uniques, hash_key=_SIPHASH_KEY, categorize=False)
    else:
        inverse, uniques = pd.factorize(tokens.values)
        inverse = np.asarray(inverse, dtype=np.intp)
        inverse[tokens.missing] = -1
        raw = np.asarray(uniques, dtype=np.int64).view(np.uint64)
    return splitmix64(raw ^ _KIND_SALT[tokens.kind]), inverse


def hashed_vectors(keys, seed, dim, dtype, stride=_GOLDEN):
    """Gaussian vectors of shape (len(keys), dim), scaled by 1/sqrt(dim).

    Row ``i`` depends only on ``keys[i]``, ``seed``, ``dim`` and the lane ``stride``.
    """
    keys = splitmix64(np.asarray(keys, dtype=np.uint64) ^ np.uint64(seed))
    n_pairs = (dim + 1) // 2
    lanes = np.arange(2 * n_pairs, dtype=np.uint64) * stride
    with np.errstate(over="ignore"):
        bits = splitmix64(keys[:, None] + lanes[None, :])
    # Top 53 bits give uniforms in (0, 1]; Box-Muller turns pairs into two normals.
    uniform = ((bits >> np.uint64(11)).astype(np.float64) + 1.0) * 2.0**-53
    radius = np.sqrt(-2.0 * np.log(uniform[:, 0::2]))
    angle = 2.0 * np.pi * uniform[:, 1::2]
    normals = np.empty((keys.size, 2 * n_pairs))
    normals[:, 0::2] = radius * np.cos(angle)
    normals[:, 1::2] = radius * np.sin(angle)
    return (normals[:, :dim] / np.sqrt(dim)).astype(dtype, copy=False)
