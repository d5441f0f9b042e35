"""Group keys: the columns that say which sequence a row belongs to.

Any column kind can be a key (tokens, floats, datetimes); several key columns combine
into one group per distinct combination. A missing key value is a key value of its own,
so rows with a missing key form one group.
"""

import numpy as np
import pandas as pd

from . import _columns

_KEY_KINDS = (
    _columns.INTEGER,
    _columns.STRING,
    _columns.BOOLEAN,
    _columns.FLOAT,
    _columns.DATETIME,
    _columns.NULL,
)


def group_codes(X, columns):
    """One non-negative int64 group code per row for the key ``columns`` of ``X``.

    Codes number the groups in order of first appearance of each column's values; equal
    key combinations get equal codes.
    """
    codes = None
    for j in columns:
        column_codes = _key_codes(_columns.read_column(X, j, arrow_strings=True))
        if codes is None:
            codes = column_codes
        else:
            # Mixed radix, then renumbered, so the product never outgrows int64.
            combined = codes * (int(column_codes.max(initial=0)) + 1) + column_codes
            codes = pd.factorize(combined)[0].astype(np.int64)
    return codes


def _key_codes(column):
    _columns.check_kind(column, _KEY_KINDS, what="group columns")
    if column.kind == _columns.NULL:
        return np.zeros(column.missing.size, dtype=np.int64)
    if column.kind == _columns.STRING:
        encoded = column.values.dictionary_encode()
        codes = encoded.indices.fill_null(-1).to_numpy().astype(np.int64)
    else:
        values = column.values
        if column.kind == _columns.DATETIME:
            values = values.view(np.int64)
        codes = pd.factorize(values)[0].astype(np.int64)
    codes[column.missing] = -1
    # Missing keys become code 0: one group of their own.
    return codes + 1
