"""Synthetic event log with planted, documented structure."""

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval

from .._params import validate_params

if TYPE_CHECKING:
    from .._typing import RandomStateLike

# Relative activity by hour of day (local time): quiet nights, a lunch and an evening peak.
_HOURLY_ACTIVITY = np.array(
    [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 9, 10, 9, 8, 8, 8, 9, 11, 12, 12, 10, 6, 3], float
)
# Saturday and Sunday see more sessions than weekdays.
_WEEKDAY_ACTIVITY = np.array([1.0, 1.0, 1.0, 1.0, 1.1, 1.5, 1.5])
_POSITION_AMPLITUDE = 1.5
_POSITION_SCALE = 8.0
_TIME_OF_DAY_SIN, _TIME_OF_DAY_COS = 1.0, 0.5
_WEEKEND_EFFECT = 0.8


@validate_params(
    {
        "n_sequences": [Interval(Integral, 1, None, closed="left")],
        "mean_length": [Interval(Real, 1, None, closed="left")],
        "n_tokens": [Interval(Integral, 1, None, closed="left")],
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "stickiness": [Interval(Real, 0, 1, closed="both")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "start": [str, pd.Timestamp],
        "n_days": [Interval(Integral, 1, None, closed="left")],
        "tz": [str, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_event_log(
    n_sequences: int = 300,
    *,
    mean_length: float = 40,
    n_tokens: int = 500,
    n_clusters: int = 10,
    stickiness: float = 0.85,
    noise: float = 0.5,
    start: str | pd.Timestamp = "2024-01-01",
    n_days: int = 56,
    tz: str | None = None,
    taste: float = 0.0,
    random_state: RandomStateLike = None,
) -> tuple[pd.DataFrame, pd.Series, Bunch]:
    """Generate an event table whose tokens, positions and times carry planted signal.

    Each sequence (a session) emits events one after another. Every event belongs to a
    latent cluster: the first is drawn uniformly, and each next event keeps its
    predecessor's cluster with probability ``stickiness``, else draws a new one
    uniformly. The event's ``item`` is drawn from its cluster's tokens with a skewed
    (Zipf-like) popularity, so tokens of one cluster co-occur in nearby rows and
    co-occurrence methods can recover the clusters.

    Sessions start on a day drawn with weekends 1.5x as likely as weekdays and at an
    hour drawn from a daily activity profile (lunch and evening peaks); events follow
    each other with exponential gaps of mean 3 minutes (at least 1 second). Rows are
    sorted by timestamp, so sequences interleave and are not contiguous.

    The target is the sum of:

    - ``cluster``: a per-cluster effect, a permutation of ``linspace(-2, 2, n_clusters)``;
    - ``position``: ``1.5 * (1 - exp(-p / 8))`` for the event's position ``p`` (0-based)
      in its sequence;
    - ``time_of_day``: ``sin(2 pi t / 24) + 0.5 cos(2 pi t / 24)`` for the local time of
      day ``t`` in hours (continuous: 23:59 is next to 00:00);
    - ``weekend``: ``0.8`` on Saturdays and Sundays, local time;
    - ``noise``: Gaussian with standard deviation ``noise``;
    - ``taste``: a per-sequence effect, Gaussian with standard deviation ``taste``,
      shared by every event of the sequence (0 by default): what a sequence's earlier
      targets reveal about its next ones.

    Parameters
    ----------
    n_sequences : int, default=300
        Number of sequences (sessions).
    mean_length : float, default=40
        Mean sequence length; lengths are ``1 + Poisson(mean_length - 1)``.
    n_tokens : int, default=500
        Number of distinct items, split into clusters of equal size (+-1).
    n_clusters : int, default=10
        Number of latent clusters.
    stickiness : float, default=0.85
        Probability that an event keeps the previous event's cluster.
    noise : float, default=0.5
        Standard deviation of the Gaussian noise in the target.
    start : str or Timestamp, default="2024-01-01"
        First day of the log (local date).
    n_days : int, default=56
        Sessions start on one of the ``n_days`` days from ``start``.
    tz : str, default=None
        If given, timestamps are tz-aware in this zone; the planted hour and weekend
        effects then follow local time. Wall-clock times that do not exist (spring DST
        gap) are shifted forward; ambiguous ones (autumn fold) are read as standard time.
    taste : float, default=0.0
        Standard deviation of the per-sequence ``taste`` effect. It is drawn after
        everything else, so every other output is the same for any ``taste``.
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible output.

    Returns
    -------
    X : DataFrame of shape (n_events, 3)
        Columns ``sequence_id`` (int64), ``item`` (int64 ids: random 10-digit numbers,
        so a table indexed by raw id would be huge) and ``timestamp``
        (``datetime64[s]``, aware if ``tz``).
    y : Series of shape (n_events,)
        The target, named ``"target"``.
    truth : Bunch
        ``token_cluster`` (Series: item id -> cluster), ``cluster_effect`` (ndarray of
        shape (n_clusters,)), ``cluster`` and ``position`` (ndarray per row), and
        ``components`` (DataFrame per row with the six parts of the target above, which
        add up to ``y``).

    See Also
    --------
    load_flights : Load every flight that left New York City in 2013, a real event
        table.

    Examples
    --------
    >>> from sk_seqembed.datasets import make_event_log
    >>> X, y, truth = make_event_log(n_sequences=20, random_state=0)
    >>> list(X.columns)
    ['sequence_id', 'item', 'timestamp']
    >>> truth.token_cluster.nunique()
    10
    """
    rng = check_random_state(random_state)
    n_clusters = min(n_clusters, n_tokens)

    # Tokens: random distinct 10-digit ids, balanced clusters, popularity ranks.
    item_ids = _distinct_ids(rng, n_tokens)
    token_cluster = rng.permutation(n_tokens) % n_clusters
    by_cluster = np.argsort(token_cluster, kind="stable")
    cluster_sizes = np.bincount(token_cluster, minlength=n_clusters)
    cluster_offsets = np.concatenate([[0], np.cumsum(cluster_sizes)[:-1]])

    lengths = 1 + rng.poisson(mean_length - 1, size=n_sequences)
    n_events = int(lengths.sum())
    sequence = np.repeat(np.arange(n_sequences), lengths)
    sequence_starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    position = np.arange(n_events) - np.repeat(sequence_starts, lengths)

    # Sticky cluster chain: a cluster is redrawn at sequence starts and at random switches,
    # then carried forward to the next redraw.
    redraw = rng.random_sample(n_events) >= stickiness
    redraw[sequence_starts] = True
    last_redraw = np.maximum.accumulate(np.where(redraw, np.arange(n_events), 0))
    cluster = rng.randint(n_clusters, size=n_events)[last_redraw]

    # u**1.5 skews ranks towards each cluster's first (most popular) tokens.
    rank = np.floor(cluster_sizes[cluster] * rng.random_sample(n_events) ** 1.5).astype(int)
    token = by_cluster[cluster_offsets[cluster] + rank]

    day = rng.choice(n_days, size=n_sequences, p=_day_weights(start, n_days))
    hour = rng.choice(24, size=n_sequences, p=_HOURLY_ACTIVITY / _HOURLY_ACTIVITY.sum())
    session_start = day * 86400 + hour * 3600 + rng.randint(3600, size=n_sequences)
    gaps = 1 + np.floor(rng.exponential(180.0, size=n_events)).astype(np.int64)
    gaps[sequence_starts] = 0
    elapsed = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[sequence_starts], lengths)
    seconds = np.repeat(session_start, lengths) + elapsed
    wall_time = pd.Timestamp(start).as_unit("s") + pd.to_timedelta(seconds, unit="s")
    timestamp = pd.Series(wall_time.as_unit("s"))
    if tz is not None:
        timestamp = timestamp.dt.tz_localize(
            tz, nonexistent="shift_forward", ambiguous=np.zeros(n_events, bool)
        )

    local = timestamp.dt
    hours = (local.hour + local.minute / 60 + local.second / 3600).to_numpy()
    angle = 2 * np.pi * hours / 24
    cluster_effect = rng.permutation(np.linspace(-2, 2, n_clusters))
    components = pd.DataFrame(
        {
            "cluster": cluster_effect[cluster],
            "position": _POSITION_AMPLITUDE * (1 - np.exp(-position / _POSITION_SCALE)),
            "time_of_day": _TIME_OF_DAY_SIN * np.sin(angle) + _TIME_OF_DAY_COS * np.cos(angle),
            "weekend": _WEEKEND_EFFECT * (local.day_of_week >= 5).to_numpy(),
            "noise": noise * rng.standard_normal(n_events),
        }
    )
    components["taste"] = (
        np.repeat(taste * rng.standard_normal(n_sequences), lengths) if taste else 0.0
    )

    # Rows in time order; ties keep sequence and position order.
    instants = timestamp.dt.tz_convert(None) if tz is not None else timestamp
    order = np.lexsort((position, sequence, instants.to_numpy()))
    X = pd.DataFrame(
        {
            "sequence_id": sequence[order].astype(np.int64),
            "item": item_ids[token[order]],
            "timestamp": timestamp.iloc[order].reset_index(drop=True),
        }
    )
    components = components.iloc[order].reset_index(drop=True)
    y = components.sum(axis=1).rename("target")
    truth = Bunch(
        token_cluster=pd.Series(token_cluster, index=pd.Index(item_ids, name="item")),
        cluster_effect=cluster_effect,
        cluster=cluster[order],
        position=position[order],
        components=components,
    )
    return X, y, truth


def _day_weights(start, n_days):
    weekday = pd.date_range(start, periods=n_days, freq="D").day_of_week
    weights = _WEEKDAY_ACTIVITY[weekday]
    return weights / weights.sum()


def _distinct_ids(rng, n_ids):
    """Draw ``n_ids`` distinct random 10-digit integers, in draw order."""
    ids = np.empty(0, dtype=np.int64)
    while ids.size < n_ids:
        candidates = np.concatenate(
            [ids, rng.randint(10**9, 10**10, size=n_ids, dtype=np.int64)]
        )
        _, first = np.unique(candidates, return_index=True)
        ids = candidates[np.sort(first)]
    return ids[:n_ids]
