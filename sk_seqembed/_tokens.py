"""Token columns: reading them as tokens, counting them, and mapping them to row codes.

Shared by every estimator that treats column values as discrete tokens (value embeddings,
group keys). Three token kinds exist: ``integer`` (int64, including integral floats),
``boolean`` and ``string``. Kinds never mix, so ``True`` is never the token ``1`` and the
string ``"1"`` is never the integer ``1``.
"""

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _columns

TOKEN_KINDS = (_columns.INTEGER, _columns.BOOLEAN, _columns.STRING)


@dataclass(frozen=True)
class TokenColumn:
    """A column read as tokens.

    ``values`` is an int64 ndarray for integer and boolean tokens (booleans as 0/1, kept
    apart by ``kind``) and a pyarrow ``large_string`` array for string tokens. Entries
    where ``missing`` is True carry no token.
    """

    name: str
    kind: str
    values: object
    missing: np.ndarray

    def __len__(self):
        return self.missing.size

    def slice(self, start, stop):
        """Rows ``start:stop``, without copying."""
        if isinstance(self.values, np.ndarray):
            values = self.values[start:stop]
        else:
            values = self.values.slice(start, stop - start)
        return TokenColumn(self.name, self.kind, values, self.missing[start:stop])


def read_tokens(X, j, *, allow_missing=True):
    """Read column ``j`` of a validated container as a :class:`TokenColumn`.

    Floats are accepted when every present value is an exact integer (``1.0`` is the
    token ``1``); other floats, infinities, datetimes and unsupported dtypes raise an
    error naming the column. An all-missing column is read as integer tokens. With
    ``allow_missing=False``, any missing token raises sklearn's NaN error.
    """
    column = _columns.read_column(X, j, arrow_strings=True)
    if not allow_missing and column.missing.any():
        raise ValueError(
            f"Input X contains NaN (missing tokens) in column {column.name!r}: "
            f"{int(column.missing.sum())} row(s), and handle_missing='error'. Use "
            "handle_missing='vector' or 'zeros' to embed them."
        )
    if column.kind == _columns.FLOAT:
        return _integral_floats(column)
    if column.kind == _columns.NULL:
        return all_missing(column.name, _columns.INTEGER, column.missing.size)
    _columns.check_kind(
        column, TOKEN_KINDS + (_columns.FLOAT,), what="token columns (token IDs)"
    )
    values = column.values
    if column.kind == _columns.BOOLEAN:
        values = values.astype(np.int64)
    return TokenColumn(column.name, column.kind, values, column.missing)


def all_missing(name, kind, n_rows):
    """A column of ``n_rows`` missing tokens of the given kind."""
    if kind == _columns.STRING:
        values = pa.nulls(n_rows, type=pa.large_string())
    else:
        values = np.zeros(n_rows, dtype=np.int64)
    return TokenColumn(name, kind, values, np.ones(n_rows, dtype=bool))


def _integral_floats(column):
    present = column.values[~column.missing]
    if np.isinf(present).any():
        raise ValueError(
            f"Input X contains infinity in column {column.name!r}: token IDs must be finite."
        )
    values, bad = _columns.whole_numbers(column)
    if bad.size:
        bits, float_name = _columns.exact_integer_bits(column)
        raise ValueError(
            f"Column {column.name!r} holds floats that are not integer token IDs, e.g. "
            f"{_preview(bad)}. Cast token IDs to int or str; floats are only "
            f"accepted when every value is a whole number below 2**{bits}, the "
            f"integers {float_name} holds exactly."
        )
    return TokenColumn(column.name, _columns.INTEGER, values, column.missing)


def count_tokens(tokens):
    """Distinct present tokens in sorted order and how often each occurs.

    Returns
    -------
    vocabulary : ndarray
        int64 for integer and boolean tokens, object (``str``) for string tokens.
    counts : ndarray of int64
    """
    if tokens.kind == _columns.STRING:
        counted = pc.value_counts(pc.drop_null(tokens.values))
        vocabulary = counted.field("values").to_numpy(zero_copy_only=False).astype(object)
        counts = counted.field("counts").to_numpy().astype(np.int64)
    else:
        codes, vocabulary = pd.factorize(tokens.values[~tokens.missing])
        counts = np.bincount(codes, minlength=vocabulary.size).astype(np.int64)
        vocabulary = np.asarray(vocabulary, dtype=np.int64)
    order = np.argsort(vocabulary, kind="stable")
    return vocabulary[order], counts[order]


def merge_counts(counted):
    """Merge ``(vocabulary, counts)`` pairs of one kind into one sorted pair."""
    vocabularies = [vocabulary for vocabulary, _ in counted]
    codes, merged = pd.factorize(np.concatenate(vocabularies))
    counts = np.bincount(codes, weights=np.concatenate([c for _, c in counted]))
    merged = np.asarray(merged, dtype=vocabularies[0].dtype)
    order = np.argsort(merged, kind="stable")
    return merged[order], counts[order].astype(np.int64)


# String lookups of at most max(vocabulary size, _BISECT_MIN) / _BISECT_RATIO tokens
# bisect: about 1 us per token against about 30 ns per vocabulary entry to hash.
_BISECT_RATIO = 32
_BISECT_MIN = 1024


class TokenLookup:
    """Map tokens of one kind to their row in a sorted vocabulary, ``-1`` if absent.

    Integers use a dense table when the vocabulary spans a small range and pandas' hash
    index otherwise; strings use pyarrow's ``index_in`` on the arrow buffers, without
    materialising Python strings.
    """

    def __init__(self, vocabulary, kind):
        self.kind = kind
        self.vocabulary = vocabulary
        self._composed = {}
        if kind == _columns.STRING:
            self._value_set = pa.array(vocabulary, type=pa.large_string())
            # Few tokens are found by bisection (Python's string order, the one fit
            # sorted by): index_in would hash the whole vocabulary on every call.
            self._search_order = None
            if vocabulary.size > 1 and not (vocabulary[:-1] < vocabulary[1:]).all():
                self._search_order = np.argsort(vocabulary, kind="stable")
            return
        self._dense = None
        span = int(vocabulary[-1]) - int(vocabulary[0]) if vocabulary.size else None
        if span is not None and span < 4 * vocabulary.size + 1024:
            self._low = int(vocabulary[0])
            dense = np.full(int(vocabulary[-1]) - self._low + 2, -1, dtype=np.intp)
            dense[vocabulary - self._low] = np.arange(vocabulary.size)
            self._dense = dense
        else:
            self._index = pd.Index(vocabulary)

    def codes(self, tokens):
        """Row of each token in the vocabulary, ``-1`` for absent tokens.

        Codes at missing rows are meaningless: callers mask them.
        """
        if self.vocabulary.size == 0:
            return np.full(len(tokens), -1, dtype=np.intp)
        if tokens.kind != self.kind:
            raise TypeError(
                f"Column {tokens.name!r} holds {tokens.kind} tokens, but {self.kind} "
                "tokens were seen during fit."
            )
        if self.kind == _columns.STRING:
            if len(tokens) * _BISECT_RATIO <= max(self.vocabulary.size, _BISECT_MIN):
                return self._bisect(tokens.values)
            found = pc.fill_null(pc.index_in(tokens.values, value_set=self._value_set), -1)
            return np.asarray(found.to_numpy(), dtype=np.intp)
        if self._dense is None:
            codes = self._index.get_indexer(tokens.values)
        else:
            # Out-of-range ids land on the dense table's final -1 sentinel; subtracting
            # only in range avoids int64 wrap-around for ids far from the vocabulary.
            values = tokens.values
            in_range = (values >= self._low) & (values < self._low + self._dense.size - 1)
            shifted = np.full(values.size, self._dense.size - 1, dtype=np.int64)
            np.subtract(values, self._low, out=shifted, where=in_range)
            codes = self._dense.take(shifted)
        return codes

    def mapped(self, tokens, mapping, absent):
        """``mapping[code]`` of each token, ``absent`` for tokens not in the vocabulary.

        ``mapping`` (int, one entry per vocabulary entry) is composed with the lookup
        once and kept, so a transform pays one gather per row, not a gather and the
        fix-ups of absent tokens.
        """
        key = (id(mapping), absent)
        composed = self._composed.get(key)
        if composed is None or composed[0] is not mapping:
            extended = np.append(mapping, absent).astype(np.intp)
            dense = None
            if self.kind != _columns.STRING and self._dense is not None:
                # The dense table with a sentinel on each side: ids clipped into
                # [low - 1, high] land on them when outside the vocabulary's range.
                dense = extended.take(np.concatenate([[-1], self._dense]))
            composed = (mapping, extended, dense)
            self._composed[key] = composed
        _, extended, dense = composed
        base = None if dense is None else self._low - 1
        limits = np.iinfo(np.int64)
        if base is None or base < limits.min or base + dense.size - 1 > limits.max:
            return extended.take(self.codes(tokens))
        if self.vocabulary.size and tokens.kind != self.kind:
            self.codes(tokens)  # raises the kind error
        positions = np.clip(tokens.values, base, base + dense.size - 1)
        positions -= base
        return dense.take(positions)

    def _bisect(self, values):
        """Codes of a few arrow strings by binary search in the sorted vocabulary."""
        vocabulary = self.vocabulary
        if self._search_order is not None:
            vocabulary = vocabulary[self._search_order]
        # Missing tokens search for "" (their codes are masked by the caller).
        queries = np.array([value or "" for value in values.to_pylist()], dtype=object)
        if queries.size == 0:
            return np.empty(0, dtype=np.intp)
        positions = np.searchsorted(vocabulary, queries)
        clipped = np.minimum(positions, vocabulary.size - 1)
        found = np.where(vocabulary[clipped] == queries, clipped, -1)
        if self._search_order is not None:
            found = np.where(found < 0, -1, self._search_order.take(clipped))
        return found.astype(np.intp, copy=False)

    def __getstate__(self):
        # Rebuilt on unpickling: the pyarrow and pandas lookup structures are caches.
        return {"vocabulary": self.vocabulary, "kind": self.kind}

    def __setstate__(self, state):
        self.__init__(state["vocabulary"], state["kind"])


def tokens_as_python(vocabulary, kind):
    """Vocabulary entries as the Python objects a user would type (for messages, index)."""
    if kind == _columns.BOOLEAN:
        return vocabulary.astype(bool)
    return vocabulary


def _preview(values, limit=5):
    values = values.tolist() if isinstance(values, np.ndarray) else list(values)
    shown = ", ".join(repr(value) for value in values[:limit])
    more = f", ... ({len(values)} in all)" if len(values) > limit else ""
    return f"[{shown}{more}]"


def preview_tokens(tokens, rows, limit=5):
    """A short list of the distinct tokens at ``rows``, for error messages."""
    return _preview(_distinct_at(tokens, rows), limit)


def _distinct_at(tokens, rows):
    """The distinct tokens among the first 1,000 ``rows``, sorted, as Python objects."""
    if tokens.kind == _columns.STRING:
        picked = pc.take(tokens.values, pa.array(np.flatnonzero(rows)[:1000]))
        return sorted(set(picked.to_pylist()))
    distinct = np.unique(tokens.values[rows][:1000]).tolist()
    if tokens.kind == _columns.BOOLEAN:
        distinct = [bool(value) for value in distinct]
    return distinct


def lookalike_hint(tokens, rows, lookup, limit=5):
    """A sentence for an unseen-token error when an unseen string differs from a fitted
    one only in Unicode normalisation ("café" composed or decomposed), else "".

    Tokens are compared as written, never normalised: two spellings stay two tokens.
    """
    if tokens.kind != _columns.STRING:
        return ""
    for token in _distinct_at(tokens, rows)[:limit]:
        for form in ("NFC", "NFD", "NFKC", "NFKD"):
            spelled = unicodedata.normalize(form, token)
            if spelled == token:
                continue
            found = lookup.codes(
                TokenColumn("", _columns.STRING, pa.array([spelled]), np.zeros(1, bool))
            )
            if found[0] >= 0:
                return (
                    f" {token!r} differs from the fitted token {spelled!r} only in Unicode "
                    f"normalisation (the fitted one is its {form} form); tokens are compared "
                    "as written, so normalise the column in fit and transform alike, e.g. "
                    f"X[{tokens.name!r}].str.normalize({form!r})."
                )
    return ""


@dataclass(frozen=True)
class TokenSummary:
    """What fitting a vocabulary needs of one token column: kind, size, token counts.

    ``kind`` is None when the column holds no token (every row missing); ``vocabulary``
    and ``counts`` are None when tokens were not counted.
    """

    name: str
    kind: object
    n_rows: int
    vocabulary: object = None
    counts: object = None


def summarize_tokens(tokens, *, count):
    """The :class:`TokenSummary` of a token column (counting its tokens if ``count``)."""
    vocabulary, counts = count_tokens(tokens) if count else (None, None)
    kind = None if tokens.missing.all() else tokens.kind
    return TokenSummary(tokens.name, kind, len(tokens), vocabulary, counts)


def merge_summaries(chunks):
    """Combine the summaries of the same columns over chunks of rows (dask partitions).

    A column holding tokens of one kind in a chunk and another kind in a second chunk
    raises a ``TypeError`` naming it; chunks without any token take the others' kind.
    """
    merged = []
    for column in zip(*chunks, strict=True):
        name = column[0].name
        kinds = sorted({summary.kind for summary in column if summary.kind is not None})
        if len(kinds) > 1:
            raise TypeError(
                f"Column {name!r} holds {' tokens in some partitions and '.join(kinds)} "
                "tokens in others; a token column must hold one kind of token. Cast it "
                "to one dtype (e.g. .astype(str)) before fitting."
            )
        vocabulary = counts = None
        if column[0].vocabulary is not None:
            counted = [(s.vocabulary, s.counts) for s in column if s.kind is not None]
            if counted:
                vocabulary, counts = merge_counts(counted)
            else:
                vocabulary, counts = column[0].vocabulary, column[0].counts
        n_rows = sum(summary.n_rows for summary in column)
        merged.append(
            TokenSummary(name, kinds[0] if kinds else None, n_rows, vocabulary, counts)
        )
    return merged
