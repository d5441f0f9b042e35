"""Calendar features that wrap: 23:59 sits next to 00:00, 31 January next to 1 February.

``make_event_log`` plants a time-of-day effect ``sin(2 pi t/24) + 0.5 cos(2 pi t/24)`` in
local time. GluonTS-style scaling (``method="timefeature"``) puts 23:00 and 00:00 at
opposite ends, so a linear model cannot fit a cycle; one sin/cos pair per field fits it
exactly.

Run: ``python examples/temporal_features.py``.
"""

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from sk_seqembed import TemporalEmbedder
from sk_seqembed.datasets import make_event_log

X, y, truth = make_event_log(n_sequences=300, tz="Europe/Paris", random_state=0)
time_of_day = truth.components["time_of_day"]

pair = pd.DataFrame({"when": pd.to_datetime(["2024-03-04 23:59", "2024-03-05 00:00"])})
for method in ("cyclical", "timefeature"):
    features = TemporalEmbedder(method=method, features=["hour"]).fit_transform(pair)
    gap = np.linalg.norm(features[0] - features[1])
    print(f"{method:>11}: distance between 23:59 and 00:00 = {gap:.4f}")

for method, dim in [("cyclical", 2), ("spline", 6), ("onehot", 24), ("timefeature", 1)]:
    model = make_pipeline(
        ColumnTransformer(
            [
                (
                    "temporal",
                    TemporalEmbedder(dim, method=method, features=["hour"]),
                    ["timestamp"],
                )
            ]
        ),
        RidgeCV(),
    )
    score = cross_val_score(model, X, time_of_day, cv=5, scoring="r2").mean()
    print(f"Ridge on {method:>11} hour features (d={dim:>2}): R2 = {score:.3f}")
