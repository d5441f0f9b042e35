"""How ValueEmbedder makes token vectors: its ``method`` parameter, as strategies.

A method says, through the hooks of ``_value_tables._Method``, whether fit counts
tokens into a vocabulary, which fit steps build its tables (a generator of
``_partitioned`` steps), how ``transform`` finds each row's vector, and whether
``fit_transform`` cross-fits. ``ValueEmbedder`` builds one on demand
(``METHODS[self.method](self)``) and keeps every fitted attribute itself, so pickling
and cloning see a plain estimator. The numeric kernels live in ``_cooccurrence``,
``_target_encoding`` and ``_hashing``; the user's vectors in ``_value_pretrained``.

Adding a method is one class plus one entry in :data:`METHODS`.
"""

from functools import partial
from numbers import Integral, Number

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, check_cv
from sklearn.utils.validation import check_consistent_length, column_or_1d

from . import _cooccurrence, _groups, _hashing, _partitioned, _target_encoding
from ._value_pretrained import _Pretrained
from ._value_tables import N_SPECIAL, UNKNOWN, ZEROS, _LearnedVocabulary, _Method


class _Random(_LearnedVocabulary):
    """``"random"``: a seeded Gaussian table, entries of variance ``1/d``; unknown
    tokens get a random row of their own."""

    def learn_tables(self, summaries, random_state):
        yield from ()  # no pass over the rows
        dim = self.estimator.embedding_dim
        tables = [
            random_state.standard_normal((n + N_SPECIAL, dim)) / np.sqrt(dim)
            for n in self.estimator.n_token_rows_
        ]
        for table, n in zip(tables, self.estimator.n_token_rows_, strict=True):
            table[n + ZEROS] = 0.0
        return tables


class _Hashing(_Method):
    """``"hashing"``: no vocabulary and no table; each batch's distinct tokens get
    their vectors from a stable hash of the token and ``hash_seed_``."""

    counts_tokens = False
    has_vocabulary = False
    deterministic_without_seed = True

    def fit_tables(self, summaries, random_state):
        yield from ()  # no pass over the rows
        estimator = self.estimator
        estimator.vocabularies_ = estimator.infrequent_tokens_ = None
        estimator.embeddings_ = None

    def table_and_rows(self, token_columns, columns=None):
        """A small table of the distinct tokens in this batch, and each row's index."""
        estimator = self.estimator
        columns = range(len(token_columns)) if columns is None else columns
        parts, rows, offset = [], [], 0
        dim, dtype = estimator.embedding_dim, estimator._dtype()
        for c, tokens in zip(columns, token_columns, strict=True):
            seed = estimator.hash_seed_ + (0 if estimator.shared_vocabulary else 7919 * c)
            keys, inverse = _hashing.token_keys(tokens)
            missing = _hashing.hashed_vectors(
                [_hashing.MISSING_KEY], seed, dim, dtype, stride=_hashing.MISSING_STRIDE
            )
            if estimator.handle_missing == "zeros":
                missing[:] = 0.0
            vectors = np.vstack([_hashing.hashed_vectors(keys, seed, dim, dtype), missing])
            parts.append(vectors)
            rows.append(np.where(inverse < 0, keys.size, inverse) + offset)
            offset += vectors.shape[0]
        table = np.vstack(parts) if parts else np.empty((0, dim), dtype)
        return table, np.column_stack(rows)


class _Cooccurrence(_LearnedVocabulary):
    """``"cooccurrence"``: truncated SVD of the positive PMI of tokens within
    ``window`` rows of each other in a sequence; unknown tokens get the centroid."""

    reads_sequences = True

    def learn_tables(self, summaries, random_state):
        counts = yield _partitioned.Reduction(self._count_chunk, _partitioned.add)
        estimator = self.estimator
        tables = []
        for table, n in enumerate(estimator.n_token_rows_):
            matrix = _cooccurrence.ppmi(
                counts[table], smoothing=estimator.context_smoothing, shift=estimator.shift
            )
            vectors = _cooccurrence.svd_vectors(
                matrix,
                estimator.embedding_dim,
                eigenvalue_weight=estimator.eigenvalue_weight,
                normalize=estimator.normalize,
                random_state=random_state,
            )
            vectors[n + UNKNOWN] = vectors[:n].mean(axis=0) if n else 0.0
            vectors[n + ZEROS] = 0.0
            tables.append(vectors)
        return tables

    def _count_chunk(self, X, y):
        """Co-occurrence counts of one chunk: a sparse token x context matrix per table.

        Weights are integers (``window + 1 - offset`` for neighbours, ``window`` for the
        same row): word2vec's expected weights times ``window``, a scale PMI ignores. Sums
        of integers are exact in any order, so chunks add up to the whole table's counts.
        """
        estimator = self.estimator
        window, column_tables = estimator.window, estimator.column_tables_
        codes = self._token_codes(estimator._read_token_columns(X))
        sizes = [n + N_SPECIAL for n in estimator.n_token_rows_]
        context_offsets = np.cumsum([0] + sizes)[:-1]
        n_contexts = int(sum(sizes))
        order, same_sequence = self._sequence_order(X)
        triples = {t: [] for t in range(len(sizes))}
        for c, rows in enumerate(codes):
            table = column_tables[c]
            words, contexts, weights = _cooccurrence.window_pairs(
                rows, order, same_sequence, window
            )
            triples[table].append((words, contexts + context_offsets[table], weights))
            if not estimator.same_row:
                continue
            for other, other_rows in enumerate(codes):
                if other == c:
                    continue
                both = (rows >= 0) & (other_rows >= 0)
                offset = context_offsets[column_tables[other]]
                triples[table].append(
                    (rows[both], other_rows[both] + offset, np.full(int(both.sum()), window))
                )
        counts = []
        for table, size in enumerate(sizes):
            words, contexts, weights = (
                np.concatenate(part) for part in zip(*triples[table], strict=True)
            )
            matrix = _cooccurrence.count_matrix(words, contexts, weights, (size, n_contexts))
            counts.append(matrix)
        return counts

    def _sequence_order(self, X):
        """Rows grouped by sequence (stable), and a same-sequence test per offset."""
        n_samples, group_columns = X.shape[0], self.estimator.group_columns_
        if group_columns.size == 0:
            return np.arange(n_samples), lambda offset: np.ones(n_samples - offset, bool)
        group = _groups.group_codes(X, group_columns)
        order = np.argsort(group, kind="stable")
        ordered = group[order]
        return order, lambda offset: ordered[:-offset] == ordered[offset:]


class _Target(_LearnedVocabulary):
    """``"target"``: each token's shrunk mean of ``y``, then its shrunk CDF of ``y``
    (``_target_encoding``); unknown tokens get the prior. ``fit_transform`` cross-fits
    over ``cv``."""

    needs_target = True
    cross_fits = True

    def check_target(self, X, y):
        """``y`` as float64 (a numeric target), or as an array of class labels
        (strings, or other non-numeric values)."""
        if y is None:
            raise ValueError(
                "ValueEmbedder with method='target' requires y to be passed, but the "
                "target y is None."
            )
        y = column_or_1d(y, warn=True)
        check_consistent_length(np.empty(X.shape[0]), y)
        if y.dtype.kind in "iufb" or (y.dtype.kind == "O" and _all_numbers(y)):
            y = y.astype(np.float64)
            if not np.isfinite(y).all():
                raise ValueError(
                    "Input y contains NaN or infinity; method='target' needs finite y."
                )
            return y
        if y.dtype.kind not in "OUS":
            raise ValueError(
                f"Unknown label type: method='target' needs a numeric target or class "
                f"labels; got y of dtype {y.dtype}."
            )
        if pd.isna(y).any():
            raise ValueError(
                "Input y contains missing class labels (None or NaN); method='target' "
                "needs a label on every row."
            )
        return y

    def learn_tables(self, summaries, random_state):
        kind, classes = yield _partitioned.Reduction(self._target_kind, _merge_target_kinds)
        estimator = self.estimator
        estimator.classes_ = classes
        n_samples = summaries[0].n_rows
        if kind == "classes":
            if classes.size < 2:
                raise ValueError(
                    f"y holds one class ('{classes[0]}'): method='target' needs two or more."
                )
            chunk = partial(self._class_counts_chunk, classes)
            overall, counts = yield _partitioned.Reduction(chunk, _partitioned.add)
            # Columns: the rates of every class but the rarest (which they imply), most
            # frequent first.
            order = np.argsort(-np.asarray(overall), kind="stable")[: classes.size - 1]
            estimator.target_classes_ = classes[order]
            estimator.target_thresholds_ = estimator.target_levels_ = np.empty(0)
            estimator.target_range_ = None
            prior = {"rates": np.asarray(overall) / n_samples, "order": order}
        else:
            estimator.target_classes_ = None
            prior, counts = yield from self._numeric_counts(n_samples)
        estimator.target_prior_ = self._prior_vector(prior)
        return self._vectors(prior, counts, estimator.n_token_rows_)

    def _numeric_counts(self, n_samples):
        """Fit steps of a numeric target: its thresholds, then the counts below them;
        returns the prior and the per-table counts."""
        levels = _target_encoding.threshold_levels(self.estimator.embedding_dim)
        level_ranks = _target_encoding.threshold_ranks(n_samples, levels)
        ranks = np.union1d([0, n_samples - 1], level_ranks)
        ranked = yield _partitioned.OrderStatistics(ranks)
        low, high = ranked[0] + 0.0, ranked[-1] + 0.0
        at_levels = ranked[np.searchsorted(ranks, level_ranks)] + 0.0
        candidates = np.unique(at_levels[at_levels < high])
        chunk = partial(self._counts_chunk, candidates, low, high)
        sum_z, n_between, overall_below, counts = yield _partitioned.Reduction(
            chunk, _partitioned.add
        )
        keep = _target_encoding.kept_levels(at_levels, high, two_valued=n_between == 0)
        thresholds = at_levels[keep]
        # The counts' columns of the kept thresholds, among the candidates.
        columns = np.searchsorted(candidates, thresholds)
        prior = {
            "mean": sum_z / n_samples,
            "fractions": np.asarray(overall_below)[columns] / n_samples,
            "low": low,
            "high": high,
        }
        counts = [
            (totals, sums, below[:, columns], squares)
            for totals, sums, below, squares in counts
        ]
        self.estimator.target_thresholds_ = thresholds
        self.estimator.target_levels_ = levels[keep]
        self.estimator.target_range_ = np.array([low, high])
        return prior, counts

    def _target_kind(self, X, y):
        """A chunk's target: ``("numeric", None)``, ``("classes", its labels)`` or
        ``("empty", None)``."""
        y = self.check_target(X, y)
        if not y.size:
            return "empty", None
        if y.dtype == np.float64:
            return "numeric", None
        try:
            return "classes", np.unique(y)
        except TypeError:
            raise ValueError(
                "Unknown label type: y mixes class labels of different types (e.g. "
                f"{y[0]!r} and others that do not compare with it); pass labels of one "
                "type, such as strings."
            ) from None

    def _counts_chunk(self, candidates, low, high, X, y):
        """One chunk's sum of the standardized ``y``, rows strictly between its
        range's ends, rows at or below each candidate threshold, and per table the
        token counts."""
        y = self.check_target(X, y)
        token_columns = self.estimator._read_token_columns(X)
        between = int(((y > low) & (y < high)).sum())
        below = (y[:, None] <= candidates[None, :]).sum(axis=0)
        codes = self._token_codes(token_columns)
        standardize = _target_encoding.standardizer(low, high)
        counts = self._token_counts(codes, y, candidates, np.arange(y.size), standardize)
        return float(_target_encoding.to_standard(y, standardize).sum()), between, below, counts

    def _class_counts_chunk(self, classes, X, y):
        """One chunk's rows per class, and per table the token counts per class."""
        labels = np.searchsorted(classes, self.check_target(X, y))
        token_columns = self.estimator._read_token_columns(X)
        codes = self._token_codes(token_columns)
        counts = self._token_counts(codes, labels, classes, np.arange(labels.size))
        return np.bincount(labels, minlength=classes.size), counts

    def _token_counts(self, codes, y, thresholds_or_classes, rows, standardize=(0.0, 1.0)):
        """Per table, the token counts of ``rows``: below each threshold of a numeric
        ``y`` (``_target_encoding.token_counts``), or per class of class codes ``y``
        (``_target_encoding.class_counts``); ``codes``: ``_token_codes``'s."""
        counts = []
        for table, n in enumerate(self.estimator.n_token_rows_):
            columns = self._table_columns(table)
            table_codes = np.concatenate([codes[c][rows] for c in columns])
            table_y = np.tile(y[rows], columns.size)
            if y.dtype.kind == "f":
                counts.append(
                    _target_encoding.token_counts(
                        table_codes, table_y, thresholds_or_classes, n + N_SPECIAL, standardize
                    )
                )
            else:
                counts.append(
                    _target_encoding.class_counts(
                        table_codes, table_y, thresholds_or_classes.size, n + N_SPECIAL
                    )
                )
        return counts

    def _prior_vector(self, prior):
        """The vector of a token without rows: the prior's."""
        if "rates" in prior:
            empty = np.zeros(1), np.zeros((1, prior["rates"].size))
        else:
            empty = np.zeros(1), np.zeros(1), np.zeros((1, prior["fractions"].size)), 0.0
        return self._table(prior, empty)[0]

    def _vectors(self, prior, counts, n_token_rows):
        """Target tables from per-table counts and the prior; ``ZEROS`` rows zeroed."""
        tables = []
        for table_counts, n in zip(counts, n_token_rows, strict=True):
            vectors = self._table(prior, table_counts)
            vectors[n + ZEROS] = 0.0
            tables.append(vectors)
        return tables

    def _table(self, prior, counts):
        """The vectors of one table's counts (``_target_encoding``)."""
        dim, smooth = self.estimator.embedding_dim, self.estimator.smooth
        if "rates" in prior:
            return _target_encoding.class_vectors(
                counts, prior["rates"], prior["order"], dim, smooth
            )
        return _target_encoding.target_vectors(counts, prior, dim, smooth)

    def _fold_tables(self, codes, y, rows):
        """Target tables from the target of ``rows`` only (one cross-fitting fold):
        thresholds (at the levels fit kept), prior and counts alike; for classes, the
        columns' classes stay fit's."""
        estimator = self.estimator
        fold_y = y[rows]
        if estimator.target_classes_ is not None:
            labels = np.searchsorted(estimator.classes_, y)
            rates = np.bincount(labels[rows], minlength=estimator.classes_.size) / rows.size
            order = np.searchsorted(estimator.classes_, estimator.target_classes_)
            prior = {"rates": rates, "order": order}
            counts = self._token_counts(codes, labels, estimator.classes_, rows)
            return self._vectors(prior, counts, estimator.n_token_rows_)
        ranks = _target_encoding.threshold_ranks(fold_y.size, estimator.target_levels_)
        thresholds = _target_encoding.order_statistics(fold_y, ranks)
        # The fit's range standardizes every fold alike: the log-odds column keeps one
        # meaning across folds (two numbers, no token's target).
        low, high = estimator.target_range_
        standardize = _target_encoding.standardizer(low, high)
        prior = {
            "mean": _target_encoding.to_standard(fold_y, standardize).mean(),
            "fractions": (fold_y[:, None] <= thresholds[None, :]).mean(axis=0),
            "low": low,
            "high": high,
        }
        counts = self._token_counts(codes, y, thresholds, rows, standardize)
        return self._vectors(prior, counts, estimator.n_token_rows_)

    def cross_fitted(self, X, y, split_params):
        """Each validation fold embedded with tables fitted on its training rows only
        (``split_params``, such as ``groups``: handed to ``cv.split``)."""
        estimator = self.estimator
        token_columns = estimator._read_token_columns(X)
        splits = self._checked_splits(y, split_params)
        _, rows = self.table_and_rows(token_columns)
        # The folds' token codes, from the rows already looked up (one lookup per
        # column): the same rows, less each table's offset; -1 where missing is no token.
        codes = []
        for c, tokens in enumerate(token_columns):
            code = rows[:, c] - estimator.table_offsets_[estimator.column_tables_[c]]
            if estimator.handle_missing != "vector":
                code[tokens.missing] = -1
            codes.append(code)
        out = estimator._gather(estimator.embeddings_, rows)
        out3 = out.reshape(y.size, len(token_columns), -1)
        # Rows no validation fold covers (the first rows under TimeSeriesSplit) get the
        # prior vector of the whole fit: one number per column from all rows' targets,
        # no token's own mean (or zeros, by policy).
        zero_rows = np.isin(
            rows, estimator.table_offsets_ + np.array(estimator.n_token_rows_) + ZEROS
        )
        prior = estimator.target_prior_.astype(out.dtype)
        out3[:] = np.where(zero_rows[:, :, None], 0.0, prior)
        for train, validation in splits:
            tables = self._fold_tables(codes, y, rows=train)
            fold = np.vstack(tables).astype(out.dtype)
            out3[validation] = fold[rows[validation]]
        return out

    def _checked_splits(self, y, split_params):
        """The cv splits, refused unless validation folds are disjoint and apart from train."""
        cv = self.estimator.cv
        if isinstance(cv, Integral):
            cv = KFold(cv, shuffle=True, random_state=self.estimator.hash_seed_)
        cv = check_cv(cv, y, classifier=False)
        n_samples = y.size
        split_params = dict(split_params)
        if split_params.get("groups") is not None:
            groups = np.asarray(split_params["groups"])
            if groups.shape != (n_samples,):
                raise ValueError(
                    f"groups has shape {groups.shape}; it must hold one group per row of X "
                    f"({n_samples},)."
                )
            split_params["groups"] = groups
        rows = np.empty((n_samples, 1))
        splits = [(np.asarray(a), np.asarray(b)) for a, b in cv.split(rows, y, **split_params)]
        validated = np.zeros(n_samples, dtype=int)
        for train, validation in splits:
            for indices in (train, validation):
                if indices.size and (indices.min() < 0 or indices.max() >= n_samples):
                    raise ValueError(
                        f"cv yields indices outside [0, {n_samples}): each split must index "
                        "the rows of X."
                    )
            # Linear in rows: mark the training rows, look the validation rows up.
            in_train = np.zeros(n_samples, dtype=bool)
            in_train[train] = True
            if in_train[validation].any():
                raise ValueError(
                    "cv yields a split whose training and validation rows overlap: rows "
                    "would see their own target. Use disjoint splits (KFold, "
                    "TimeSeriesSplit, ...)."
                )
            np.add.at(validated, validation, 1)
        if (validated > 1).any():
            raise ValueError(
                "cv yields validation folds that overlap (e.g. RepeatedKFold): each row "
                "must be validated at most once for cross-fitting."
            )
        return splits


def _all_numbers(values):
    """Whether an object array holds numbers only (bools and numpy numbers too)."""
    return all(isinstance(value, (Number, np.bool_)) for value in values)


def _merge_target_kinds(kinds):
    """One target kind from the chunks' (``_Target._target_kind``): empty chunks say
    nothing; numbers in one chunk and labels in another are refused."""
    seen = [(kind, classes) for kind, classes in kinds if kind != "empty"]
    if not seen:
        return "numeric", None
    if len({kind for kind, _ in seen}) > 1:
        raise ValueError(
            "Unknown label type: y holds numbers in one part of the data and class labels "
            "in another; pass one kind of target."
        )
    if seen[0][0] == "numeric":
        return "numeric", None
    try:
        return "classes", np.unique(np.concatenate([classes for _, classes in seen]))
    except TypeError:
        raise ValueError(
            "Unknown label type: y mixes class labels of different types across the "
            "data; pass labels of one type, such as strings."
        ) from None


# The one place a method's name is read: ValueEmbedder(method=...) -> its strategy.
METHODS = {
    "random": _Random,
    "hashing": _Hashing,
    "cooccurrence": _Cooccurrence,
    "target": _Target,
    "pretrained": _Pretrained,
}
