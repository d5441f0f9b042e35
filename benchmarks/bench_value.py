"""Throughput of ValueEmbedder against its peers and a bare numpy memory write.

Transform: 1,000,000 rows of Zipf-distributed tokens from a 50,000-token vocabulary
(random 63-bit integer ids, or strings), d in {16, 64}, float32 and float64. Every row of
the table is timed in the same run against:

- ``bare write``: ``np.copyto`` of the output's bytes into a preallocated array, the
  floor any embedding lookup must pay; ``fresh write`` also allocates the array, as
  every ``transform`` returning a new array must;
- ``seed loop``: the seed note's ``[table[idx] for idx in sequence]`` (on 20,000 rows,
  extrapolated);
- ``get_indexer+take``: pandas ``Index.get_indexer`` then ``np.take``;
- ``onehot@table``: ``OneHotEncoder(sparse_output=True)`` times the table.

Fit: ``method="cooccurrence"`` on a 1,000,000-event ``make_event_log`` with 50,000 tokens,
against gensim ``Word2Vec`` (skip-gram, same window and dimension, 2 workers) when gensim
is installed (``pip install "sk_seqembed[bench]"``); both are scored by nearest-neighbour
cluster purity on the same tokens.

Run: ``python benchmarks/bench_value.py`` (``--quick`` for a smaller run).
"""

import argparse
import time

import numpy as np
import pandas as pd
from _timing import against_floor_columns, against_write_floors, best_time, peak_memory
from sklearn.preprocessing import OneHotEncoder

from sk_seqembed import ValueEmbedder
from sk_seqembed.datasets import make_event_log


def zipf_tokens(n_rows, n_vocab, kind, rng):
    ranks = np.minimum(rng.zipf(1.1, size=n_rows), n_vocab) - 1
    ids = rng.choice(2**62, size=n_vocab, replace=False).astype(np.int64)
    if kind == "int":
        return pd.DataFrame({"item": ids[ranks]})
    names = np.array([f"item-{i:x}" for i in ids], dtype=object)
    return pd.DataFrame({"item": pd.Series(names[ranks], dtype="str")})


def measure(X, dim, dtype):
    """One row of the transform table: ours, the floors and the peers, same run."""
    n_rows = len(X)
    embedder = ValueEmbedder(dim, dtype=dtype, random_state=0).fit(X)
    ours, bare, fresh, out = against_write_floors(lambda: embedder.transform(X))
    peak = peak_memory(lambda: embedder.transform(X))
    table = np.asarray(embedder.embeddings_)
    index = pd.Index(embedder.vocabularies_[0])
    values = X["item"].to_numpy()
    peer, _ = best_time(lambda: np.take(table, index.get_indexer(values), axis=0))
    encoder = OneHotEncoder(sparse_output=True, handle_unknown="ignore").fit(X)
    onehot_table = table[: len(encoder.categories_[0])]
    onehot, _ = best_time(lambda: encoder.transform(X) @ onehot_table, repeat=1)
    subset = values[:20_000]
    lookup = dict(zip(index, range(len(index)), strict=True))
    seed, _ = best_time(lambda: [table[lookup[t]] for t in subset], repeat=1)
    seed *= n_rows / subset.size
    return {
        "d": dim,
        "dtype": dtype,
        **against_floor_columns(ours, bare, fresh, n_rows),
        "get_indexer+take ns/row": 1e9 * peer / n_rows,
        "onehot@table ns/row": 1e9 * onehot / n_rows,
        "seed loop ns/row": 1e9 * seed / n_rows,
        "x best peer": ours / min(peer, onehot),
        "peak mem / output": peak / out.nbytes,
    }


def transform_rows(n_rows, n_vocab, rng):
    rows = []
    for kind in ("int", "str"):
        X = zipf_tokens(n_rows, n_vocab, kind, rng)
        for dim in (16, 64):
            for dtype in ("float32", "float64"):
                rows.append({"tokens": kind, **measure(X, dim, dtype)})
                print(f"  {kind} d={dim} {dtype}: {rows[-1]['x bare write']:.2f}x bare write")
    return pd.DataFrame(rows)


def purity(vectors, labels):
    """Share of tokens whose cosine nearest neighbour has the same planted cluster."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    nearest = np.empty(len(unit), dtype=int)
    for start in range(0, len(unit), 2048):  # blocks keep the similarity matrix small
        block = unit[start : start + 2048] @ unit.T
        block[np.arange(block.shape[0]), np.arange(start, start + block.shape[0])] = -np.inf
        nearest[start : start + 2048] = block.argmax(axis=1)
    return float((labels[nearest] == labels).mean())


def cooccurrence_rows(n_sequences, n_tokens, dim):
    X, _, truth = make_event_log(
        n_sequences=n_sequences, n_tokens=n_tokens, n_clusters=50, random_state=0
    )
    print(f"\nco-occurrence corpus: {len(X):,} events, {X['item'].nunique():,} distinct tokens")
    counts = X["item"].value_counts()
    scored = counts.index[counts >= 5]  # word2vec's default min_count
    embedder = ValueEmbedder(
        dim, method="cooccurrence", group_columns="sequence_id", random_state=0
    )
    fit_seconds, _ = best_time(lambda: embedder.fit(X[["sequence_id", "item"]]), repeat=1)
    table = embedder.embedding_table().loc[scored]
    labels = truth.token_cluster.loc[scored].to_numpy()
    rows = [
        {
            "method": "ValueEmbedder(cooccurrence)",
            "fit s": fit_seconds,
            "purity (count>=5)": purity(table.to_numpy(), labels),
            "tokens scored": len(scored),
        }
    ]
    try:
        from gensim.models import Word2Vec
    except ImportError:
        print("gensim not installed: pip install 'sk_seqembed[bench]' for the Word2Vec row")
        return pd.DataFrame(rows)
    sentences = X.groupby("sequence_id", sort=False)["item"].agg(list).tolist()
    start = time.perf_counter()
    model = Word2Vec(
        [[str(t) for t in s] for s in sentences],
        vector_size=dim,
        window=5,
        min_count=5,
        sg=1,
        workers=2,
        seed=0,
    )
    w2v_seconds = time.perf_counter() - start
    vectors = np.vstack([model.wv[str(t)] for t in scored])
    rows.append(
        {
            "method": "gensim Word2Vec (skip-gram, 5 epochs)",
            "fit s": w2v_seconds,
            "purity (count>=5)": purity(vectors, labels),
            "tokens scored": len(scored),
        }
    )
    return pd.DataFrame(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows, smaller corpus")
    args = parser.parse_args()
    n_rows = 100_000 if args.quick else 1_000_000
    rng = np.random.default_rng(0)
    print(f"transform: {n_rows:,} rows, 50,000-token Zipf vocabulary\n")
    table = transform_rows(n_rows, 50_000, rng)
    print("\n" + table.round(2).to_string(index=False))
    n_sequences = 2_500 if args.quick else 25_000
    fit_table = cooccurrence_rows(n_sequences, 50_000, dim=64)
    print(fit_table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
