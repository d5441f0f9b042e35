"""
Token embeddings learned from co-occurrence find the item clusters planted in the data
======================================================================================

In ``make_event_log`` every item belongs to one of 10 latent clusters, and a session
tends to stay within a cluster for a while, so items of one cluster occur near each
other. ``ValueEmbedder(method="cooccurrence", group_columns="sequence_id")`` sees only
the items in session order (never the clusters, never the target): it counts which
items occur within a few events of each other in the same session, and factorises the
positive PMI of those counts (truncated SVD) into one vector per item.

What to look for in the figure: in the two scatter plots each point is an item, placed
by the first two principal components of its vector and coloured by its planted cluster
(point size: how often the item occurs). With ``method="random"`` (left) the colours are
mixed; with ``"cooccurrence"`` (middle) items of one cluster gather together. Two
components cannot show all 16 dimensions, so some clusters overlap there; the right
panel shows them all: the cosine similarity between the co-occurrence vectors of every
two items, sorted by planted cluster, is high within the diagonal blocks (one per
cluster) and low outside. The printed nearest-neighbour purity (the fraction of items
whose most similar item, by cosine similarity, is in the same cluster) measures the
separation; chance is about 1 in 10.

Run: ``python examples/token_clusters.py`` (needs matplotlib: ``pip install
"sk_seqembed[examples]"``). ``--quick`` runs a smaller version; ``--output DIR`` sets
where ``token_clusters.png`` is written.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only, no window
import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA

from sk_seqembed import ValueEmbedder
from sk_seqembed.datasets import make_event_log


def cosine_similarity(table):
    """Cosine similarity between every two rows of ``table``."""
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)
    return unit @ unit.T


def nearest_neighbour_purity(table, clusters):
    """Fraction of rows whose most cosine-similar other row has the same cluster."""
    similarity = cosine_similarity(table)
    np.fill_diagonal(similarity, -np.inf)
    return float(np.mean(clusters[similarity.argmax(axis=1)] == clusters))


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller data, for CI")
    parser.add_argument("--output", type=Path, default=Path("."), help="folder for the PNG")
    args = parser.parse_args(argv)

    n_sequences, n_tokens = (80, 150) if args.quick else (300, 500)
    X, _, truth = make_event_log(n_sequences=n_sequences, n_tokens=n_tokens, random_state=0)
    n_clusters = truth.token_cluster.nunique()
    counts = X["item"].value_counts()

    fig, axes = plt.subplots(
        1, 3, figsize=(16, 5.2), layout="constrained", gridspec_kw={"width_ratios": [1, 1, 1.1]}
    )
    purities = {}
    for ax, method in zip(axes[:2], ["random", "cooccurrence"], strict=True):
        embedder = ValueEmbedder(16, method=method, group_columns="sequence_id", random_state=0)
        embedder.fit(X[["sequence_id", "item"]])
        # One row per item seen in fit, indexed by item id.
        table = embedder.embedding_table()
        vectors = table.to_numpy()
        clusters = truth.token_cluster.loc[table.index].to_numpy()
        frequency = counts.loc[table.index].to_numpy()
        purities[method] = nearest_neighbour_purity(vectors, clusters)

        projected = PCA(n_components=2).fit_transform(vectors)
        ax.scatter(
            projected[:, 0],
            projected[:, 1],
            c=clusters,
            cmap="tab10",
            vmin=-0.5,
            vmax=n_clusters - 0.5,
            s=4 + 40 * np.sqrt(frequency / frequency.max()),
            alpha=0.8,
            edgecolor="none",
        )
        ax.set(
            xticks=[],
            yticks=[],
            xlabel="principal component 1",
            ylabel="principal component 2",
            title=f'method="{method}": nearest-neighbour purity {purities[method]:.2f}',
        )

    # All 16 dimensions at once: cosine similarity of the co-occurrence vectors (the last
    # ones fitted above), items sorted by planted cluster, then by frequency.
    order = np.lexsort((-frequency, clusters))
    image = axes[2].imshow(
        cosine_similarity(vectors)[np.ix_(order, order)],
        cmap="RdBu_r",
        vmin=-1,
        vmax=1,
    )
    edges = np.flatnonzero(np.diff(clusters[order])) + 0.5
    axes[2].set(
        xticks=edges,
        yticks=edges,
        xticklabels=[],
        yticklabels=[],
        xlabel="items, by planted cluster",
        title='"cooccurrence": cosine similarity of the item vectors',
    )
    axes[2].grid(True, color="black", lw=0.3)
    fig.colorbar(image, ax=axes[2], shrink=0.8)
    fig.suptitle(
        f"{len(table)} items of make_event_log, embedded in 16 dimensions, "
        "coloured by planted cluster"
    )

    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / "token_clusters.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)

    print(f"{len(X):,} events, {len(table)} items in {n_clusters} planted clusters")
    for method, purity in purities.items():
        print(f"{method:>12}: nearest-neighbour cluster purity {purity:.3f}")
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
