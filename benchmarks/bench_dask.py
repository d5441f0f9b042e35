"""Out-of-core fit and transform with DaskEmbedder, against the same estimator in pandas.

Writes a synthetic event log of 20 million rows to parquet (``make_event_log`` in
blocks of 20,000 sessions, one file per block) and embeds it with
``make_sequence_embedder`` (target value embedding of ``item``, sinusoidal positions
within sessions, hour and weekday plus recency within sessions) wrapped in
``DaskEmbedder``, on a ``LocalCluster`` of 2 single-threaded worker processes with a
per-worker memory limit. Measured in the same run:

- ``dask``: ``fit(X, y)``, then ``transform(X).sum().compute()`` (every output value is
  computed; only column sums reach the client): seconds and rows/s of each phase; each
  worker's peak RSS (polled every 0.5 s, and the kernel's high-water mark on Linux) and
  peak bytes of task results dask holds; the warnings dask logs (pauses, restarts);
  whether a worker died or restarted;
- ``pandas``: the same estimator, unwrapped, on the first files read into one frame
  (1.6 million rows): rows/s and the process's peak RSS above what it held before;
- ``dask, same rows``: DaskEmbedder on those files, its output checked equal to pandas'.

Run: ``python benchmarks/bench_dask.py`` (several minutes; ``--quick`` for 2.4 million
rows; ``--keep --data-dir DIR`` keeps the parquet files).
"""

import argparse
import logging
import math
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import psutil
from dask.distributed import Client, LocalCluster
from dask.utils import format_bytes, parse_bytes
from sklearn.base import clone

import sk_seqembed
from sk_seqembed import (
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)
from sk_seqembed.dask import DaskEmbedder
from sk_seqembed.datasets import make_event_log

MEAN_LENGTH = 40  # make_event_log's default mean_length: rows per session
DAYS_PER_BLOCK = 56  # make_event_log's default n_days: blocks follow each other in time
START = pd.Timestamp("2024-01-01")
FEATURES = ["sequence_id", "item", "timestamp"]
TARGET = "y"
SCRATCH = "dask-scratch"


def make_estimator():
    # The temporal step also receives sequence_id, its group column, as in _demo.py.
    return make_sequence_embedder(
        value="item",
        position="sequence_id",
        temporal=["timestamp", "sequence_id"],
        value_embedder=ValueEmbedder(8, method="target"),
        position_embedder=PositionEmbedder(8),
        temporal_embedder=TemporalEmbedder(
            features=["hour", "weekday"], group_columns=["sequence_id"]
        ),
    )


# --- data ---------------------------------------------------------------------------


def write_event_log(directory, n_blocks, n_sequences):
    """One parquet file per block of sessions; returns the paths, rows and pandas bytes.

    Each block is its own ``make_event_log`` (seed ``b``, 56 days after the previous
    block, session ids offset), so every session lies inside one file, that is one dask
    partition, as co-occurrence embeddings require. Blocks are written one at a time:
    the whole table is never in memory, only its size is added up.
    """
    paths, n_rows, n_bytes = [], 0, 0
    for b in range(n_blocks):
        X, y, _ = make_event_log(
            n_sequences=n_sequences,
            start=START + pd.Timedelta(days=DAYS_PER_BLOCK * b),
            random_state=b,
        )
        X = X.assign(sequence_id=X["sequence_id"] + b * n_sequences)
        X[TARGET] = y.to_numpy()
        paths.append(os.path.join(directory, f"events-{b:04d}.parquet"))
        X.to_parquet(paths[-1], index=False)
        n_rows += len(X)
        n_bytes += int(X.memory_usage(deep=True).sum())
    return paths, n_rows, n_bytes


def read_partitioned(paths):
    """A dask frame of the files, one partition per file (sessions never split)."""
    ddf = dd.read_parquet(paths, split_row_groups=False, aggregate_files=False)
    if ddf.npartitions != len(paths):
        raise RuntimeError(f"{len(paths)} files read as {ddf.npartitions} partitions.")
    return ddf


def fused_partitions(ddf):
    """How many partitions dask's optimizer makes of X and of y when it may fuse files.

    It fuses parquet partitions when a projection reads a fraction of the columns, by
    fraction: y (1 of 4 columns) gets fewer partitions than X, so DaskEmbedder's
    ``to_delayed`` parts of X and y stop matching (its fit fails with "zip() argument
    2 is shorter than argument 1"); where X reads only some of the files' columns, its
    transform pairs fused partitions with other partitions' contexts (an IndexError).
    ``main`` turns that tuning off.
    """
    with dask.config.set({"optimization.tune.active": True}):
        return len(ddf[FEATURES].to_delayed()), len(ddf[TARGET].to_delayed())


# --- memory and logs ----------------------------------------------------------------


def _memory(dask_worker=None):
    """(RSS, bytes of task results dask holds) of this process."""
    held = dask_worker.state.nbytes if dask_worker is not None else 0
    return psutil.Process().memory_info().rss, held


def _reset_high_water_mark():
    """Reset this process's peak RSS (Linux ``clear_refs``); False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
    except OSError:
        return False
    return True


def _high_water_mark():
    """(peak RSS since the last reset, 0): Linux ``VmHWM``, else 0."""
    try:
        with open("/proc/self/status") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024, 0
    except OSError:
        pass
    return 0, 0


def _in_this_process(function):
    return {"this process": function()}


class PeakMemory:
    """Largest RSS and held bytes per process while the ``with`` block runs.

    A background thread calls ``run(_memory)`` (which returns {process: value}) every
    ``interval`` seconds; on exit the kernel's high-water mark, reset on entry, catches
    peaks shorter than the interval. ``failures`` counts polls that raised, as when a
    worker dies mid-call. After ``timeout`` seconds ``on_timeout`` is called once.
    """

    def __init__(self, run, interval=0.5, timeout=None, on_timeout=None):
        self.run = run
        self.interval = interval
        self.timeout = timeout
        self.on_timeout = on_timeout
        self.rss, self.held = Counter(), Counter()
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self):
        self.run(_reset_high_water_mark)
        self._sample(_memory)
        self._start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        self._sample(_memory)
        self._sample(_high_water_mark)

    def _poll(self):
        while not self._stop.wait(self.interval):
            self._sample(_memory)
            if self.timeout and time.perf_counter() - self._start > self.timeout:
                self.timeout = None
                self.on_timeout()

    def _sample(self, function):
        try:
            values = self.run(function)
        except Exception:
            self.failures += 1
            return
        for process, (rss, held) in values.items():
            self.rss[process] = max(self.rss[process], rss)
            self.held[process] = max(self.held[process], held)


class DaskWarnings(logging.Handler):
    """Warnings dask logged since the last ``new()``: here (scheduler, nannies) and on the
    live workers (a restarted worker's own log is lost, but its nanny's remains)."""

    def __init__(self, client):
        super().__init__(logging.WARNING)
        self.client = client
        self.here = []
        self.seen = set()
        logging.getLogger("distributed").addHandler(self)

    def emit(self, record):
        self.here.append(record.getMessage())

    def new(self):
        messages, self.here = self.here, []
        try:
            logs = self.client.get_worker_logs(n=10_000)
        except Exception:
            logs = {}
        for log in logs.values():
            for level, message in log:
                if level in ("WARNING", "ERROR", "CRITICAL") and message not in self.seen:
                    self.seen.add(message)
                    messages.append(message.split(" - ", 3)[-1])
        # Kinds of message, counted: numbers and addresses vary from one to the next.
        return Counter(
            re.sub(r"tcp://[\w.:]+|'[\w-]+'|\d+(\.\d+)?", "#", message.split("\n")[0])[:110]
            for message in messages
        )


# --- the two paths ------------------------------------------------------------------


def worker_processes(client):
    """{address: pid} of the live workers: a restarted worker has a new address."""
    return client.run(os.getpid)


def give_up(client, phase, timeout, problems):
    """Called by the memory poller when a phase overruns: say why, restart the workers
    so the phase raises instead of hanging (paused workers can wait forever)."""
    workers = client.scheduler_info()["workers"].values()
    statuses = ", ".join(f"{w['status']} at {format_bytes(w['memory'])}" for w in workers)
    problems.append(f"{phase} still running after {timeout:.0f} s; workers: {statuses}")
    print(f"!!! {problems[-1]}; restarting them !!!", flush=True)
    client.restart(wait_for_workers=False)


def dask_phase(client, log, name, function, problems, args):
    """Run ``function`` while watching the workers: its result, seconds, peak memory
    (a PeakMemory) and the warnings dask logged meanwhile."""
    log.new()
    before = worker_processes(client)
    memory = PeakMemory(
        client.run,
        timeout=args.timeout,
        on_timeout=lambda: give_up(client, name, args.timeout, problems),
    )
    with memory:
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
    after = worker_processes(client)
    if after != before:
        problems.append(
            f"WORKERS CHANGED DURING {name.upper()}: {before} became {after} (a worker "
            "died, or its nanny restarted it at the memory limit)"
        )
        print(f"!!! {problems[-1]} !!!")
    if memory.failures:
        problems.append(f"{memory.failures} worker memory poll(s) failed during {name}")
    return {"result": result, "seconds": seconds, "memory": memory, "warnings": log.new()}


def run_dask(client, log, ddf, estimator, problems, args):
    """Fit, then transform with the output summed on the cluster: the two phases."""
    X, y = ddf[FEATURES], ddf[TARGET]
    fit = dask_phase(
        client, log, "fit", lambda: DaskEmbedder(estimator).fit(X, y), problems, args
    )
    embedder = fit["result"]
    # The sum touches every output value without bringing the output to the client.
    transform = dask_phase(
        client, log, "transform", lambda: embedder.transform(X).sum().compute(), problems, args
    )
    return fit, transform


def peak_rss(*phases):
    return max(peak for phase in phases for peak in phase["memory"].rss.values())


def run_pandas(paths, estimator):
    """Read the files into one frame, then fit and transform with the sklearn API."""
    X = pd.concat([pd.read_parquet(path) for path in paths], ignore_index=True)
    y = X.pop(TARGET)
    baseline = _memory()[0]
    estimator = clone(estimator)
    with PeakMemory(_in_this_process) as memory:
        start = time.perf_counter()
        estimator.fit(X[FEATURES], y)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        Z = estimator.transform(X[FEATURES])
        transform_seconds = time.perf_counter() - start
    return {
        "rows": len(X),
        "fit": fit_seconds,
        "transform": transform_seconds,
        "peak": memory.rss["this process"] - baseline,
        "baseline": baseline,
        "result": Z,
    }


def dask_output(embedder, ddf):
    """The transform's partitions gathered one at a time: ``compute()`` would first
    concatenate them on one worker, and computing them all at once would hold every
    output partition on the workers, which their memory limit may not allow."""
    parts = embedder.transform(ddf[FEATURES]).to_delayed()
    return np.vstack([part.compute().to_numpy() for part in parts])


def check_same_output(dask_out, pandas_out, problems):
    try:
        np.testing.assert_array_equal(dask_out, pandas_out)
    except AssertionError as error:
        problems.append("dask output differs from pandas output")
        return f"NO !!!\n{error}"
    return "yes"


# --- report -------------------------------------------------------------------------


def print_machine():
    memory = psutil.virtual_memory().total
    print(f"machine: {os.cpu_count()} cores, {format_bytes(memory)} RAM, {sys.platform}")
    versions = {
        "dask": dask.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "sk_seqembed": sk_seqembed.__version__,
    }
    print("versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()))


def print_phase(name, rows, phase, limit, table_bytes):
    rss = ", ".join(format_bytes(peak) for peak in phase["memory"].rss.values())
    held = ", ".join(format_bytes(peak) for peak in phase["memory"].held.values())
    peak = peak_rss(phase)
    print(
        f"  {name}: {phase['seconds']:.1f} s, {rows / phase['seconds']:,.0f} rows/s\n"
        f"    peak RSS per worker {rss} (largest {peak / limit:.0%} of the limit, "
        f"{peak / table_bytes:.2f}x the table); task results held by dask at most {held}"
    )
    print_warnings(phase["warnings"])


def print_warnings(warnings):
    total = sum(warnings.values())
    print(f"    dask logged {total} warning(s) or error(s)" + (":" if total else ""))
    for message, count in warnings.most_common(10):
        print(f"      {count}x {message}")


def peer_fit(X, y):
    """The peer's fit: each item's mean target, with dask's own groupby."""
    return y.groupby(X["item"]).mean().compute()


def peer_features(part, position, means):
    """What a user writes with dask alone: Transformer sinusoids of the cumcount
    position, the item's mean target, and hour and weekday as sine-cosine pairs."""
    rates = 10_000.0 ** (-2 * (np.arange(8) // 2) / 8)
    angles = position.to_numpy(np.float64)[:, None] * rates
    sinusoids = np.where(np.arange(8) % 2 == 0, np.sin(angles), np.cos(angles))
    columns = {f"pos{j}": sinusoids[:, j] for j in range(8)}
    columns["item_mean"] = part["item"].map(means).to_numpy(np.float64)
    for field, period in (("hour", 24), ("day_of_week", 7)):
        angle = 2 * np.pi * getattr(part["timestamp"].dt, field).to_numpy() / period
        columns[f"{field}_sin"], columns[f"{field}_cos"] = np.sin(angle), np.cos(angle)
    return pd.DataFrame(columns, index=part.index)


def run_peer(client, log, ddf, problems, args):
    """The hand-written dask pipeline: fit (means), then transform summed on the cluster."""
    X, y = ddf[FEATURES], ddf[TARGET]
    fit = dask_phase(client, log, "peer fit", lambda: peer_fit(X, y), problems, args)
    means = fit["result"]
    meta = peer_features(X._meta_nonempty, pd.Series([0] * 2), means).iloc[:0]

    def transform():
        # dask's own group operation counts positions across partitions.
        position = X.groupby("sequence_id").cumcount()
        features = X.map_partitions(peer_features, position, means, meta=meta)
        return features.sum().compute()

    transform = dask_phase(client, log, "peer transform", transform, problems, args)
    return fit, transform


def bare_write_rows_per_second(n_columns, n_rows=1_000_000, repeat=5):
    """Rows per second numpy writes into a preallocated float64 array of the output's
    width, in one process: the floor for any transform producing those bytes."""
    out = np.empty((n_rows, n_columns))
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        out[...] = 0.5
        best = min(best, time.perf_counter() - start)
    return n_rows / best


def table_row(path, rows, fit, transform, peak, limit):
    return {
        "path": path,
        "rows": f"{rows:,}",
        "fit s": f"{fit:.1f}",
        "transform s": f"{transform:.1f}",
        "rows/s (fit+transform)": f"{rows / (fit + transform):,.0f}",
        "peak memory": peak,
        "memory limit": limit,
    }


def failed(what, log, problems):
    """Record and print the exception being handled, and the warnings dask logged."""
    problems.append(f"{what} failed:\n" + traceback.format_exc())
    print(problems[-1])
    print_warnings(log.new())


def report_dask(client, log, ddf, estimator, n_rows, table_bytes, args, problems):
    print(f"\ndask: DaskEmbedder on {n_rows:,} rows ({ddf.npartitions} partitions)")
    try:
        fit, transform = run_dask(client, log, ddf, estimator, problems, args)
    except Exception:
        return failed("dask run on the whole log", log, problems)
    limit = parse_bytes(args.memory_limit)
    print_phase("fit", n_rows, fit, limit, table_bytes)
    print_phase("transform", n_rows, transform, limit, table_bytes)
    seconds = fit["seconds"] + transform["seconds"]
    n_out = len(fit["result"].get_feature_names_out())
    finite = np.isfinite(transform["result"]).all()
    print(
        f"  fit + transform: {n_rows / seconds:,.0f} rows/s; output {n_out} float64 "
        f"columns, {format_bytes(n_rows * n_out * 8)} in all, never held whole; its "
        f"column sums are finite: {finite}"
    )
    peak = peak_rss(fit, transform)
    if peak > limit:
        problems.append(f"a worker peaked at {format_bytes(peak)}, above its limit")
    ours = n_rows / seconds
    try:
        peer_fit_phase, peer_transform = run_peer(client, log, ddf, problems, args)
        peer = n_rows / (peer_fit_phase["seconds"] + peer_transform["seconds"])
        print(
            f"  peer, dask alone (groupby mean of y per item, groupby cumcount sinusoids, "
            f"hour/weekday sin-cos; 13 columns): fit {peer_fit_phase['seconds']:.1f} s, "
            f"transform {peer_transform['seconds']:.1f} s, {peer:,.0f} rows/s; peak RSS "
            f"per worker {format_bytes(peak_rss(peer_fit_phase, peer_transform))}"
        )
        print(f"  ours / peer throughput: {ours / peer:.2f}x")
    except Exception:
        problems.append("the dask peer failed:\n" + traceback.format_exc())
        print(problems[-1])
    write = bare_write_rows_per_second(n_out)
    print(
        f"  bare numpy write of {n_out} float64 columns in one process: {write:,.0f} rows/s; "
        f"ours (2 workers, fit + transform) is {write / ours:.1f}x slower"
    )
    return table_row(
        f"dask, {ddf.npartitions} partitions",
        n_rows,
        fit["seconds"],
        transform["seconds"],
        f"{format_bytes(peak)} per worker",
        f"{format_bytes(limit)} per worker",
    )


def report_pandas(memory, n_files):
    print(f"\npandas: the same estimator, unwrapped, on the first {n_files} file(s)")
    speed = memory["rows"] / (memory["fit"] + memory["transform"])
    print(
        f"  {memory['rows']:,} rows: fit {memory['fit']:.1f} s, transform "
        f"{memory['transform']:.1f} s, {speed:,.0f} rows/s; peak RSS "
        f"{format_bytes(memory['peak'])} above the {format_bytes(memory['baseline'])} held "
        "before"
    )
    # ColumnTransformer.fit is its fit_transform: the target embedding is cross-fitted.
    print(
        "  (ColumnTransformer.fit runs each part's fit_transform, so this fit includes "
        "ValueEmbedder's cross-fitted target embedding, which DaskEmbedder.fit skips)"
    )
    return table_row(
        "pandas, in memory",
        memory["rows"],
        memory["fit"],
        memory["transform"],
        f"{format_bytes(memory['peak'])} process",
        "none",
    )


def report_same_rows(client, log, paths, estimator, memory, table_bytes, args, problems):
    small = read_partitioned(paths)
    print(f"\ndask: DaskEmbedder on the same {memory['rows']:,} rows")
    try:
        fit, transform = run_dask(client, log, small, estimator, problems, args)
        gather = dask_phase(
            client, log, "gather", lambda: dask_output(fit["result"], small), problems, args
        )
    except Exception:
        return failed("dask run on the pandas rows", log, problems)
    limit = parse_bytes(args.memory_limit)
    print_phase("fit", memory["rows"], fit, limit, table_bytes)
    print_phase("transform", memory["rows"], transform, limit, table_bytes)
    print_phase(
        "gather (transform again, to this process)", memory["rows"], gather, limit, table_bytes
    )
    verdict = check_same_output(gather["result"], memory["result"], problems)
    print(f"dask output == pandas output on {memory['rows']:,} rows: {verdict}")
    return table_row(
        f"dask, same rows ({small.npartitions} partitions)",
        memory["rows"],
        fit["seconds"],
        transform["seconds"],
        f"{format_bytes(peak_rss(fit, transform))} per worker",
        f"{format_bytes(limit)} per worker",
    )


def report(args, directory, ddf, memory_paths, n_rows, n_bytes, problems):
    limit = parse_bytes(args.memory_limit)
    fractions = {
        name: dask.config.get(f"distributed.worker.memory.{name}")
        for name in ("spill", "pause", "terminate")
    }
    print(
        f"LocalCluster: 2 worker processes x 1 thread, memory limit {format_bytes(limit)} "
        f"each, {limit / n_bytes:.2f}x the table in pandas ({2 * limit / n_bytes:.2f}x for "
        f"both); dask spills, pauses and restarts a worker at {fractions['spill']:.0%}, "
        f"{fractions['pause']:.0%} and {fractions['terminate']:.0%} of it"
    )
    if limit >= n_bytes:
        print("  note: each worker's limit is above the whole table's size in pandas")
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit=limit,
        dashboard_address=None,
        local_directory=os.path.join(directory, SCRATCH),  # where workers spill
    )
    client = Client(cluster)
    log = DaskWarnings(client)
    idle = client.run(_memory)
    print("idle worker RSS: " + ", ".join(format_bytes(rss) for rss, _ in idle.values()))
    estimator = make_estimator()
    try:
        rows = [report_dask(client, log, ddf, estimator, n_rows, n_bytes, args, problems)]
        memory = run_pandas(memory_paths, estimator)
        rows.append(report_pandas(memory, len(memory_paths)))
        rows.append(
            report_same_rows(
                client, log, memory_paths, estimator, memory, n_bytes, args, problems
            )
        )
    finally:
        logging.getLogger("distributed").removeHandler(log)
        client.close()
        cluster.close()
    print("\n" + pd.DataFrame([row for row in rows if row]).to_string(index=False))


# --- main ---------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000, help="rows of the log")
    parser.add_argument("--quick", action="store_true", help="2.4 million rows")
    parser.add_argument("--memory-rows", type=int, default=1_600_000, help="pandas path")
    # Above the 610 MiB table, for now: on 20M rows a worker peaks near 0.95 GiB in the
    # transform (two 134 MiB output partitions, input partitions read ahead, and every
    # partition's context), and dask pauses a worker at 80% of its limit, restarts it at 95%.
    # Verified at 20M rows; at 600MB over 100 files the run stalled (see the issue note).
    parser.add_argument("--memory-limit", default="1.5GB", help="per dask worker")
    parser.add_argument(
        "--sequences-per-file", type=int, default=20_000, help="sessions per partition"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per phase")
    parser.add_argument("--data-dir", help="where to write the parquet files")
    parser.add_argument("--keep", action="store_true", help="keep the parquet files")
    return parser.parse_args()


def main():
    args = parse_args()
    rows = 2_000_000 if args.quick else args.rows
    rows_per_file = args.sequences_per_file * MEAN_LENGTH
    n_blocks = max(1, math.ceil(rows / rows_per_file))
    n_memory = min(n_blocks, max(1, round(args.memory_rows / rows_per_file)))
    directory = args.data_dir or tempfile.mkdtemp(prefix="bench_dask_")
    os.makedirs(directory, exist_ok=True)
    if any(name.endswith(".parquet") for name in os.listdir(directory)):
        raise SystemExit(f"{directory} already holds parquet files: give an empty one.")
    print_machine()
    problems = []
    try:
        start = time.perf_counter()
        paths, n_rows, n_bytes = write_event_log(directory, n_blocks, args.sequences_per_file)
        on_disk = sum(os.path.getsize(path) for path in paths)
        print(
            f"event log: {n_rows:,} rows in {n_blocks} parquet files of "
            f"{args.sequences_per_file:,} sessions ({time.perf_counter() - start:.0f} s to "
            f"write); {format_bytes(on_disk)} on disk, {format_bytes(n_bytes)} in pandas"
        )
        ddf = read_partitioned(paths)
        n_x, n_y = fused_partitions(ddf)
        print(
            f"dask reads {ddf.npartitions} partitions; its optimizer would merge X into "
            f"{n_x} and y into {n_y} (DaskEmbedder keeps the files' partitions)"
        )
        report(args, directory, ddf, paths[:n_memory], n_rows, n_bytes, problems)
    finally:
        if not args.keep:
            for name in os.listdir(directory):
                if name.startswith("events-"):
                    os.remove(os.path.join(directory, name))
            shutil.rmtree(os.path.join(directory, SCRATCH), ignore_errors=True)
            if not args.data_dir:
                shutil.rmtree(directory, ignore_errors=True)
    if problems:
        print("\n!!! PROBLEMS:\n  " + "\n  ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
