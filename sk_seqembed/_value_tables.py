"""ValueEmbedder's lookup tables: their rows, and the hooks every method implements.

A method (``_value_methods``) makes the tables; this module holds what they share: the
special rows every table ends with, the lookup of tokens to rows at ``transform``, and
the vocabulary learned from the tokens of ``fit`` (counts, ``min_frequency``,
``max_tokens``, the memory budget).

Tables are float64 while they are built: one per vocabulary, a row per kept token, then
the special rows below. ``UNKNOWN`` holds the method's out-of-vocabulary vector; with a
learned vocabulary it is the infrequent tokens' vector when there are some.
"""

from numbers import Integral, Real

import numpy as np

from . import _columns, _tokens

# Each table ends with these special rows, after one row per vocabulary token.
INFREQUENT, MISSING, UNKNOWN, ZEROS = range(4)
N_SPECIAL = 4


class _Method:
    """One way of making token vectors; built on demand from a ValueEmbedder.

    The class attributes say what the method does differently, the methods do it.
    Fitted state goes on the estimator (``attr_``); a strategy lives for one call (what
    :meth:`start` reads lasts one fit).
    """

    # Fit counts each token, learning a vocabulary (min_frequency and max_tokens apply).
    counts_tokens = True
    # Tokens map to rows of a fitted table; tokens outside it are unknown.
    has_vocabulary = True
    # Every token column uses one table, whatever shared_vocabulary says.
    one_table = False
    # Fit needs y (target_tags.required).
    needs_target = False
    # fit_transform is not fit().transform(): see cross_fitted.
    cross_fits = False
    # Fit reads each group of group_columns (no groups: the whole table) as a sequence.
    reads_sequences = False
    # The kind of token the table is keyed by, known before any row is read.
    key_kind = None
    # Without random_state the vectors are still the same in every process (a fixed
    # seed, as sklearn's hashers are deterministic); a given seed varies them.
    deterministic_without_seed = False

    def __init__(self, estimator):
        self.estimator = estimator

    # --- fit --------------------------------------------------------------------------

    def check_parameters(self):
        """Refuse parameters the method does not use, before reading anything."""
        estimator = self.estimator
        if estimator.vectors is not None:
            raise ValueError(
                "vectors is only used with method='pretrained', not "
                f"method={estimator.method!r}."
            )
        self._check_vocabulary_parameters()

    def _check_vocabulary_parameters(self):
        estimator = self.estimator
        if not self.counts_tokens and (
            estimator.min_frequency is not None or estimator.max_tokens is not None
        ):
            raise ValueError(
                f"min_frequency and max_tokens need a vocabulary learned from the data; "
                f"method={estimator.method!r} has none. Leave them as None."
            )

    def start(self):
        """Read what the fit needs besides the rows, before the first step."""

    def check_target(self, X, y):
        """``y`` as the fit steps receive it (None: the method ignores it)."""
        return None

    def fit_tables(self, summaries, random_state):
        """The fit steps that build the tables, a generator of ``_partitioned`` steps.

        Runs once the token columns' ``summaries`` are merged, the tables assigned
        (``column_tables_``) and the kinds settled; sets ``vocabularies_``,
        ``infrequent_tokens_`` and ``embeddings_`` (with the lookup attributes).
        """
        raise NotImplementedError

    def _store_tables(self, tables):
        estimator = self.estimator
        estimator.table_offsets_ = np.cumsum([0] + [table.shape[0] for table in tables])[:-1]
        estimator.embeddings_ = np.vstack(tables).astype(estimator._dtype())

    # --- transform ----------------------------------------------------------------

    def table_and_rows(self, token_columns, columns=None):
        """The table to gather from and each row's index into it, per token column.

        ``columns``: which token columns ``token_columns`` are (by default all, in
        order).
        """
        estimator = self.estimator
        columns = range(len(token_columns)) if columns is None else columns
        rows = np.empty((len(token_columns[0]), len(token_columns)), dtype=np.intp)
        for j, (c, tokens) in enumerate(zip(columns, token_columns, strict=True)):
            offset = estimator.table_offsets_[estimator.column_tables_[c]]
            rows[:, j] = self.rows(tokens, c, offset=offset)
        return estimator.embeddings_, rows

    def rows(self, tokens, column, *, check_unknown=True, offset=0):
        """Row of every token of one column in its table, plus ``offset``.

        Unknown and missing tokens get the special rows their policies name.
        """
        estimator = self.estimator
        table = estimator.column_tables_[column]
        n = estimator.n_token_rows_[table]
        # Absent tokens take the unknown policy's row.
        unknown_row = n + (UNKNOWN if estimator.handle_unknown == "vector" else ZEROS)
        lookup = estimator.lookups_[table]
        rows = lookup.mapped(tokens, estimator.token_rows_[table], unknown_row)
        if check_unknown and estimator.handle_unknown == "error":
            # No token of the vocabulary has that row (theirs are below n or INFREQUENT).
            unknown = (rows == unknown_row) & ~tokens.missing
            if unknown.any():
                raise ValueError(
                    f"Column {tokens.name!r} has {int(unknown.sum())} row(s) with tokens "
                    f"unseen during fit: {_tokens.preview_tokens(tokens, unknown)}. Use "
                    "handle_unknown='vector' or 'zeros' to embed them."
                    + _tokens.lookalike_hint(tokens, unknown, lookup)
                )
        if offset:
            rows += offset
        if tokens.missing.any():
            special = MISSING if estimator.handle_missing == "vector" else ZEROS
            rows[tokens.missing] = offset + n + special
        return rows

    def cross_fitted(self, X, y):
        """``fit_transform``'s output, for a method that ``cross_fits``."""
        raise NotImplementedError

    def _table_columns(self, table):
        return np.flatnonzero(self.estimator.column_tables_ == table)


class _LearnedVocabulary(_Method):
    """A method whose vocabulary is the tokens seen in fit, a table per vocabulary."""

    def fit_tables(self, summaries, random_state):
        estimator = self.estimator
        self._fit_vocabularies(summaries)
        self._check_table_budget(summaries)
        tables = yield from self.learn_tables(summaries, random_state)
        for t, (table, n) in enumerate(zip(tables, estimator.n_token_rows_, strict=True)):
            if estimator.infrequent_tokens_[t].size:
                table[n + UNKNOWN] = table[n + INFREQUENT]
        self._store_tables(tables)

    def learn_tables(self, summaries, random_state):
        """Fit steps that return the tables of the fitted vocabularies (``UNKNOWN``
        rows: the method's out-of-vocabulary vector; ``ZEROS`` rows: zeros)."""
        raise NotImplementedError

    def _fit_vocabularies(self, summaries):
        """Vocabulary, infrequent split and token -> row map of every table."""
        estimator = self.estimator
        estimator.vocabularies_, estimator.infrequent_tokens_, estimator.token_rows_ = (
            [],
            [],
            [],
        )
        estimator.n_token_rows_, estimator.lookups_ = [], []
        for table in range(estimator.column_tables_.max() + 1):
            columns = self._table_columns(table)
            kinds = [
                estimator.token_kinds_[c]
                for c in columns
                if estimator.token_kinds_[c] != _columns.NULL
            ]
            kind = kinds[0] if kinds else _columns.INTEGER
            counted = [
                (summaries[c].vocabulary, summaries[c].counts)
                for c in columns
                if summaries[c].kind is not None
            ]
            if counted:
                vocabulary, counts = _tokens.merge_counts(counted)
            else:
                vocabulary = np.empty(0, object if kind == _columns.STRING else np.int64)
                counts = np.empty(0, np.int64)
            n_rows = sum(summaries[c].n_rows for c in columns)
            frequent = self._frequent(counts, n_rows=n_rows)
            n_frequent = int(frequent.sum())
            rows = np.full(vocabulary.size, n_frequent + INFREQUENT, dtype=np.intp)
            rows[frequent] = np.arange(n_frequent)
            estimator.lookups_.append(_tokens.TokenLookup(vocabulary, kind))
            # Public attributes show tokens as the user wrote them (booleans as bool).
            vocabulary = _tokens.tokens_as_python(vocabulary, kind)
            estimator.vocabularies_.append(vocabulary)
            estimator.n_token_rows_.append(n_frequent)
            estimator.infrequent_tokens_.append(vocabulary[~frequent])
            estimator.token_rows_.append(rows)

    def _frequent(self, counts, n_rows):
        min_frequency, max_tokens = self.estimator.min_frequency, self.estimator.max_tokens
        frequent = np.ones(counts.size, dtype=bool)
        if min_frequency is not None:
            threshold = min_frequency
            if isinstance(threshold, Real) and not isinstance(threshold, Integral):
                threshold = np.ceil(threshold * n_rows)
            frequent &= counts >= threshold
        if max_tokens is not None and frequent.sum() > max_tokens:
            # Most frequent first; a stable sort keeps vocabulary order among ties.
            ranked = np.argsort(-np.where(frequent, counts, -1), kind="stable")
            frequent[:] = False
            frequent[ranked[:max_tokens]] = True
        return frequent

    def _check_table_budget(self, summaries):
        """Refuse, before allocating, tables larger than ``max_table_bytes``."""
        estimator = self.estimator
        budget, dim = estimator.max_table_bytes, estimator.embedding_dim
        if budget is None:
            return
        # Tables are built in float64, whatever the output dtype.
        n_rows = sum(n + N_SPECIAL for n in estimator.n_token_rows_)
        n_bytes = n_rows * dim * 8
        if n_bytes <= budget:
            return
        largest = int(np.argmax(estimator.n_token_rows_))
        names = [summaries[c].name for c in self._table_columns(largest)]
        raise MemoryError(
            f"ValueEmbedder would build tables of {n_rows:,} rows x {dim} "
            f"dimensions = {n_bytes / 2**30:.2f} GiB, above max_table_bytes="
            f"{budget:,} ({budget / 2**30:.2f} GiB); column(s) "
            f"{names} alone hold {estimator.n_token_rows_[largest]:,} tokens. Keep fewer "
            "tokens (max_tokens=... or min_frequency=...), use method='hashing' (no "
            "table), lower embedding_dim, or raise max_table_bytes."
        )

    def _token_codes(self, token_columns):
        """Rows per token column for fitting tables; -1 where missing is not a token."""
        codes = []
        for c, tokens in enumerate(token_columns):
            rows = self.rows(tokens, c, check_unknown=False)
            if self.estimator.handle_missing != "vector":
                rows[tokens.missing] = -1
            codes.append(rows)
        return codes
