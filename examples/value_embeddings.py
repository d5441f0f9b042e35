"""Token embeddings learned from sequence context recover hidden item clusters.

``make_event_log`` emits sessions of items drawn from latent clusters. A
``ValueEmbedder(method="cooccurrence")`` never sees the clusters, only which items occur
near each other within a session, yet the items closest to any item in its embedding
space belong to that item's cluster. The same embedder then feeds a regressor.

Run: ``python examples/value_embeddings.py``.
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from sk_seqembed import ValueEmbedder
from sk_seqembed.datasets import make_event_log

X, y, truth = make_event_log(n_sequences=300, random_state=0)
n_items, n_clusters = X["item"].nunique(), truth.token_cluster.nunique()
print(f"{len(X):,} events, {n_items} items in {n_clusters} clusters")

embedder = ValueEmbedder(16, method="cooccurrence", group_columns="sequence_id", random_state=0)
embedder.fit(X[["sequence_id", "item"]])

item = int(X["item"].iloc[0])
neighbours = embedder.most_similar(item, n=5)
print(f"\nitems most similar to {item} (cluster {truth.token_cluster[item]}):")
print(neighbours.to_frame().assign(cluster=truth.token_cluster.loc[neighbours.index]))

table = embedder.embedding_table()
unit = table.to_numpy() / np.linalg.norm(table.to_numpy(), axis=1, keepdims=True)
similarity = unit @ unit.T
np.fill_diagonal(similarity, -np.inf)
labels = truth.token_cluster.loc[table.index].to_numpy()
purity = (labels[similarity.argmax(axis=1)] == labels).mean()
print(f"\nnearest-neighbour cluster purity over all items: {purity:.3f}")

for method in ("random", "cooccurrence", "target"):
    model = make_pipeline(
        ColumnTransformer(
            [("value", ValueEmbedder(16, method=method, random_state=0), ["item"])]
        ),
        RidgeCV(),
    )
    scores = cross_val_score(model, X, y, cv=5, scoring="r2")
    print(f"Ridge on {method:>12} item embeddings: R2 = {scores.mean():.3f}")
