"""How PositionEmbedder encodes positions: its ``method`` parameter, as strategies.

A method says how wide its output block is, what it draws at fit (``random``: a
table), how it fills a block from ``(position, length)`` arrays, and how its features
are named. The numeric kernels live in ``_position_encodings``.

Adding a method is one class here plus one entry in :data:`METHODS`.
"""

import numpy as np
from sklearn.utils import check_random_state

from . import _blocks, _position_encodings

SCALAR_FEATURES = ("position", "reverse_position", "group_length", "fraction")


class _Method:
    """One encoding of positions; built on demand from a PositionEmbedder."""

    def __init__(self, estimator):
        self.estimator = estimator

    def width(self):
        """Output features per position source."""
        return self.estimator.embedding_dim

    def needs_length(self):
        """Whether :meth:`encode` needs each row's sequence length."""
        return self.estimator.reverse

    def draw_table(self, largest_position):
        """The fitted table (``table_``), or None for methods without one."""
        return None

    def suffixes(self):
        """Output name suffixes of one position source."""
        return [f"pos{j}" for j in range(self.estimator.embedding_dim)]

    def encode(self, position, length, out, source, *, from_zero):
        """Write the features of int64 ``position`` (in sequences of ``length``) into
        ``out``; ``from_zero``: the positions are 0, 1, ..., in order."""
        raise NotImplementedError

    def _oriented(self, position, length):
        """Positions counted from the end of their sequence when ``reverse``."""
        return length - 1 - position if self.estimator.reverse else position

    def _gather(self, table, rows, out):
        """``out[i] = table[rows[i]]`` in row blocks on the estimator's threads."""

        def gather(start, stop):
            np.take(table, rows[start:stop], axis=0, out=out[start:stop], mode="clip")

        if out.flags.c_contiguous:
            _blocks.run_in_blocks(rows.size, gather, self.estimator.n_threads)
        else:
            # A column block of a wider output: np.take needs a contiguous target.
            out[:] = np.take(table, rows, axis=0, mode="clip")


class _Kernel(_Method):
    """A method defined at every position by a kernel: rows for consecutive positions
    (``_rows``) and for any positions (``_at``)."""

    def encode(self, position, length, out, source, *, from_zero):
        if from_zero:
            self._rows_from_zero(position.size, out)
            return
        position = self._oriented(position, length)
        last = int(position.max(initial=0))
        if last + 1 > min(
            position.size, max(4 * _position_encodings.BLOCK, position.size // 4)
        ):
            # A table of every position would outgrow the output (or the rows, for a
            # few served ones): compute row by row.
            target = out if out.flags.c_contiguous else np.empty(out.shape, out.dtype)
            self._rows_at(position, target)
            if target is not out:
                out[:] = target
            return
        table = self._rows(0, last + 1).astype(self.estimator.dtype)
        self._gather(table, position, out)

    def _rows_from_zero(self, n_samples, out):
        """Rows 0..n-1 (or n-1..0) computed in place, block by block, no table."""
        # Reversed positions are ascending rows written into a reversed view.
        target = out[::-1] if self.estimator.reverse else out

        def fill(start, stop):
            self._rows(start, stop - start, out=target[start:stop])

        # Blocks aligned on the kernel's steps: the same rounding on any thread count.
        _blocks.run_in_blocks(
            n_samples, fill, self.estimator.n_threads, align=_position_encodings.BLOCK
        )

    def _rows_at(self, position, out):
        def fill(start, stop):
            self._at(position[start:stop], out[start:stop])

        _blocks.run_in_blocks(position.size, fill, self.estimator.n_threads)

    def _rows(self, start, count, out=None):
        raise NotImplementedError

    def _at(self, position, out):
        raise NotImplementedError


class _Sinusoidal(_Kernel):
    def _rows(self, start, count, out=None):
        dim, base = self.estimator.embedding_dim, self.estimator.base
        return _position_encodings.sinusoidal_rows(start, count, dim, base, out=out)

    def _at(self, position, out):
        dim, base = self.estimator.embedding_dim, self.estimator.base
        return _position_encodings.sinusoidal_at(position, dim, base, out)


class _Decay(_Kernel):
    def _rows(self, start, count, out=None):
        dim, max_scale = self.estimator.embedding_dim, self.estimator.max_scale
        return _position_encodings.decay_rows(start, count, dim, max_scale, out=out)

    def _at(self, position, out):
        dim, max_scale = self.estimator.embedding_dim, self.estimator.max_scale
        return _position_encodings.decay_at(position, dim, max_scale, out)


class _Random(_Method):
    """A seeded Gaussian table, one row per position up to ``max_position``."""

    def draw_table(self, largest_position):
        est = self.estimator
        last = est.max_position if est.max_position is not None else largest_position
        n_bytes = (last + 2) * est.embedding_dim * 8
        if est.max_table_bytes is not None and n_bytes > est.max_table_bytes:
            source = "max_position" if est.max_position is not None else "largest position"
            raise MemoryError(
                f"PositionEmbedder(method='random') would build a table of {last + 2:,} "
                f"rows x {est.embedding_dim} dimensions = {n_bytes / 2**30:.2f} GiB "
                f"({source} {last:,}), above max_table_bytes={est.max_table_bytes:,}. "
                "Set max_position (larger positions follow beyond_max), use "
                "method='sinusoidal' (no table), or raise max_table_bytes."
            )
        rng = check_random_state(est.random_state)
        table = rng.standard_normal((last + 2, est.embedding_dim))
        table /= np.sqrt(est.embedding_dim)
        table[-1] = 0.0  # the row for positions beyond_max="zeros" sends away
        return table.astype(est.dtype)

    def encode(self, position, length, out, source, *, from_zero):
        position = self._oriented(position, length)
        table = self.estimator.table_
        self._gather(table, self._table_rows(position, table.shape[0], source), out)

    def _table_rows(self, position, n_table_rows, source):
        last = n_table_rows - 2
        beyond = position > last
        if not beyond.any():
            return position
        beyond_max = self.estimator.beyond_max
        if beyond_max == "error":
            raise ValueError(
                f"Positions from {source!r}: {int(beyond.sum())} row(s) lie above "
                f"max_position={last} (up to {int(position.max())}); use "
                "beyond_max='clip' or 'zeros', or a larger max_position."
            )
        return np.where(beyond, last if beyond_max == "clip" else last + 1, position)


class _Scalar(_Method):
    """Position, for tree models; with ``look_ahead``, also reverse position, length
    and fraction."""

    def _features(self):
        return SCALAR_FEATURES if self.estimator.look_ahead else SCALAR_FEATURES[:1]

    def width(self):
        return len(self._features())

    def needs_length(self):
        return self.estimator.look_ahead

    def suffixes(self):
        return list(self._features())

    def encode(self, position, length, out, source, *, from_zero):
        out[:, 0] = position
        if not self.estimator.look_ahead:
            return
        out[:, 1] = length - 1 - position
        out[:, 2] = length
        np.divide(position, length - 1, out=out[:, 3], where=length > 1)
        out[length <= 1, 3] = 0.0


METHODS = {"sinusoidal": _Sinusoidal, "random": _Random, "scalar": _Scalar, "decay": _Decay}
