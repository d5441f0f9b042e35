"""Position encodings as functions of integer positions: the kernels of PositionEmbedder.

Sinusoidal (Vaswani et al., 2017), with the Transformer's pairing of dimensions:
``PE[p, 2i] = sin(p / base**(2i/d))`` and ``PE[p, 2i+1] = cos(p / base**(2i/d))``; an odd
last dimension is a sine. (The seed note's ``base**(i/d)`` gives every dimension its own
frequency, so sine and cosine no longer pair up and relative offsets are no longer
rotations.) Decay: ``exp(-p / s_k)`` for scales ``s_k = max_scale**((k+1)/d)``, the
ALiBi slopes (Press et al., 2022) turned into features.

Rows for consecutive positions are built by blocks: each block is the first block
rotated (sinusoid) or scaled (decay) by its start, which needs a few multiply-adds per
entry instead of a transcendental function. Descending positions are ascending rows
written into a reversed view.
"""

from functools import lru_cache

import numpy as np

# Positions per block of the rotation; also the largest table computed directly.
BLOCK = 1024


def sinusoid_rates(dim, base):
    """Angular rate of each output column: ``base**(-2*(j//2)/dim)``."""
    return base ** (-2.0 * (np.arange(dim) // 2) / dim)


def _shifted_sin_cos(angles, dim):
    """sin and cos of ``angles + phase_j``, where the phase is pi/2 on odd columns (so
    they hold cosines), without adding pi/2 to the angles: a large angle would round it
    away, and cos(10**14) would come out as sin(10**14 + 1.5625)."""
    sin, cos = np.sin(angles), np.cos(angles)
    odd = np.arange(dim) % 2 == 1
    return np.where(odd, cos, sin), np.where(odd, -sin, cos)


def sinusoidal_rows(start, count, dim, base, *, out=None):
    """Sinusoidal rows for positions ``start, start + 1, ...`` (``count`` of them).

    Column ``j`` holds ``sin(p * rate_j)`` for even ``j`` and ``cos(p * rate_j)`` for odd
    ``j``. Written into ``out`` (shape ``(count, dim)``, any float dtype) if given.
    """
    rates = sinusoid_rates(dim, base)
    out = np.empty((count, dim)) if out is None else out
    if count <= BLOCK:
        positions = start + np.arange(count, dtype=np.float64)
        out[:] = _shifted_sin_cos(positions[:, None] * rates, dim)[0]
        return out
    offsets = np.arange(BLOCK, dtype=np.float64)[:, None] * rates
    cos_offsets, sin_offsets = np.cos(offsets), np.sin(offsets)
    scratch = _scratch(out)
    for first in range(0, count, BLOCK):
        # sin(a + b) = sin(a) cos(b) + cos(a) sin(b), with a the block's first angle
        # (plus the column's phase).
        sin_start, cos_start = _shifted_sin_cos((start + first) * rates, dim)
        rows = min(BLOCK, count - first)
        block = out[first : first + rows] if scratch is None else scratch[:rows]
        np.multiply(cos_offsets[:rows], sin_start, out=block)
        block += sin_offsets[:rows] * cos_start
        if scratch is not None:
            out[first : first + rows] = block
    return out


def _scratch(out):
    """A float64 block to compute in when ``out`` is narrower: every row is then rounded
    once, from the same float64 value, whichever kernel (table or any-positions) and
    block boundaries computed it."""
    if out.dtype == np.float64:
        return None
    return np.empty((BLOCK, out.shape[1]))


def decay_scales(dim, max_scale):
    """Geometrically spaced scales ``max_scale**((k+1)/dim)``, from near 1 to max_scale."""
    return max_scale ** (np.arange(1, dim + 1) / dim)


def decay_rows(start, count, dim, max_scale, *, out=None):
    """``exp(-p / s_k)`` rows for positions ``start, start + 1, ...``."""
    rates = 1.0 / decay_scales(dim, max_scale)
    out = np.empty((count, dim)) if out is None else out
    if count <= BLOCK:
        positions = start + np.arange(count, dtype=np.float64)
        out[:] = np.exp(-positions[:, None] * rates)
        return out
    offsets = np.exp(-np.arange(BLOCK, dtype=np.float64)[:, None] * rates)
    for first in range(0, count, BLOCK):
        rows = min(BLOCK, count - first)
        np.multiply(
            offsets[:rows],
            np.exp(-(start + first) * rates),
            out=out[first : first + rows],
        )
    return out


def _split(positions):
    """``p = q * BLOCK + r``, with ``q`` renumbered densely when it is sparse."""
    q, r = np.divmod(positions, BLOCK)
    if q.size and q.max() > 4 * q.size:
        # Huge, scattered positions: only the distinct block starts get table rows.
        starts, q = np.unique(q, return_inverse=True)
    else:
        starts = np.arange(q.max(initial=0) + 1)
    return starts * BLOCK, q, r


def sinusoidal_at(positions, dim, base, out):
    """Sinusoidal rows for arbitrary non-negative positions, into ``out``.

    Memory stays near the output whatever the positions: a row is the angle-sum of a
    block-start row and an offset row, from two small tables.
    """
    rates = sinusoid_rates(dim, base)
    starts, q, r = _split(positions)
    sin_start, cos_start = _shifted_sin_cos(starts[:, None] * rates, dim)
    cos_offset, sin_offset = _sinusoid_offsets(dim, base)
    scratch = _scratch(out)
    for first in range(0, positions.size, BLOCK):
        rows = slice(first, first + BLOCK)
        n_rows = min(BLOCK, positions.size - first)
        block = out[rows] if scratch is None else scratch[:n_rows]
        np.multiply(sin_start[q[rows]], cos_offset[r[rows]], out=block)
        block += cos_start[q[rows]] * sin_offset[r[rows]]
        if scratch is not None:
            out[rows] = block
    return out


def decay_at(positions, dim, max_scale, out):
    """Decay rows for arbitrary non-negative positions, into ``out`` (see above)."""
    rates = 1.0 / decay_scales(dim, max_scale)
    starts, q, r = _split(positions)
    start_decay = np.exp(-starts[:, None] * rates)
    offset_decay = _decay_offsets(dim, max_scale)
    for first in range(0, positions.size, BLOCK):
        rows = slice(first, first + BLOCK)
        np.multiply(start_decay[q[rows]], offset_decay[r[rows]], out=out[rows])
    return out


# The offset rows of a block depend on the parameters only: kept, so serving one row
# computes two rows' worth of trigonometry, not a block's.


@lru_cache(maxsize=16)
def _sinusoid_offsets(dim, base):
    offsets = np.arange(BLOCK)[:, None] * sinusoid_rates(dim, base)
    return _read_only(np.cos(offsets)), _read_only(np.sin(offsets))


@lru_cache(maxsize=16)
def _decay_offsets(dim, max_scale):
    return _read_only(np.exp(-np.arange(BLOCK)[:, None] * (1.0 / decay_scales(dim, max_scale))))


def _read_only(array):
    array.flags.writeable = False
    return array
