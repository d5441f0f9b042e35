"""Our encoders at their defaults against their peers on real tables, forward-chained.

Every table is sorted by time and cut by ``TimeSeriesSplit(n_splits=5)``: each fold trains
on all rows before a cut and scores R² on the next sixth of the rows (so the first fold
trains on one sixth of the table). Each (encoder, model) pipeline is fitted on every
fold; the tables print the mean R² over the five folds and its standard deviation, the
progress lines the five fold scores.

Tables (no network access: each ships inside an installed package):

- ``flights``: the bundled NYC flights 2013 table (``sk_seqembed.datasets.load_flights``,
  CC0 1.0), 60,000 flights drawn at random (seed 0) from the 327,346 with an arrival
  delay, in scheduled-departure order. Target: arrival delay in
  minutes. Token ids: carrier, origin, dest, tailnum (3,717 aircraft in the sample),
  flight (number); numeric: distance. Datetime: scheduled departure (minutes, one year).
- ``seattle weather``: daily weather at Seattle, 2012 to 2015 (1,461 days), from
  ``vega_datasets`` (``local_data.seattle_weather()``; NOAA data, public domain; the
  package is MIT). Target: the day's maximum temperature (°C). Token: the day's weather
  label (sun, fog, rain, drizzle, snow); numeric: precipitation and wind. The day's
  minimum temperature is left out: it would predict the maximum on its own.
- ``hourly temperatures``: hourly temperatures of 2010 at Seattle and San Francisco
  (17,518 rows), from ``vega_datasets`` (``seattle_temps()`` and ``sf_temps()``; NOAA,
  public domain). Target: temperature (°F); token: the city.
- ``co2``: weekly CO2 at Mauna Loa, 1958 to 2001 (2,225 weeks with a reading), from
  ``statsmodels.datasets.co2`` (public domain). The date is the only feature: a
  multi-decade trend plus a yearly cycle.

Encoders. Calendar fields for the peers: those of hour, weekday and month that vary in
the table, as integers (month 1 to 12). Numeric columns are standardized and passed
through to every encoder alike. Raw numbers (calendar ints, ``TargetEncoder`` outputs,
skrub's year, month, day, hour and total seconds, feature-engine's kept ints) are
standardized too; encodings on a unit scale (0/1, splines, sines, ours) are not, as in
the sklearn gallery (a spline that is nearly zero over a training fold would otherwise
be divided by its tiny deviation and explode on the next fold).

- ours, at their defaults: ``TemporalEmbedder()`` on the datetime column and
  ``ValueEmbedder(method="target", random_state=0)`` on the token ids;
- one-hot: ``OneHotEncoder(handle_unknown="ignore")`` on the calendar ints and the ids;
- TargetEncoder: sklearn's ``TargetEncoder`` on the calendar ints (as categories) and
  the ids;
- calendar ints as numbers + ``TargetEncoder`` ids;
- sklearn periodic splines, the gallery recipe ("Time-related feature engineering"):
  ``SplineTransformer(degree=3, extrapolation="periodic")`` with knots spanning the
  period, 12 splines for the hour, 3 for the weekday, 6 for the month; ids by
  ``TargetEncoder``;
- skrub ``DatetimeEncoder()`` (defaults: year, month, day, hour, total seconds) and
  ``DatetimeEncoder(periodic_encoding="spline")``; ids by ``TargetEncoder``;
- feature-engine ``CyclicalFeatures`` on the calendar ints with the true periods
  (``max_values``: 24 hours, 7 weekdays, 12 months; its default takes the largest value
  seen, which puts Sunday on Monday) and its default ``drop_original=False``; ids by
  ``TargetEncoder``.

Diagnostic rows, counted by no target, trace a gap to its cause: our
``TemporalEmbedder()`` with ``TargetEncoder`` ids (the token encoding), and ours with
``TemporalEmbedder(trend=False)`` and with the fields ``features="auto"`` picks less
``dayofyear``, ``trend=False`` (the default trend and yearly cycle; not on co2, whose
only automatic field is ``dayofyear``).

Models (three families): ``Ridge(alpha=1.0)``; ``Nystroem(kernel="poly", degree=2,
n_components=300, random_state=0)`` then ``Ridge(alpha=1.0)`` (the gallery's kernel
approximation); ``HistGradientBoostingRegressor(random_state=0)``. A fixed ``alpha``, not
the gallery's ``RidgeCV``: its leave-one-out choice, made within the training rows,
picks small penalties that extrapolate worse to the next fold (and it is too slow on
the sparse one-hot of thousands of aircraft). HistGB takes no sparse input, so the
one-hot row skips it where the one-hot is wider than 300 columns (flights). Every
random draw is seeded; the target encoders cross-fit with ``KFold(5, shuffle=True,
random_state=0)`` inside each training fold. BLAS and OpenMP run on one thread.

Target (issue 16, item 4): with defaults, ours at least matches the best peer for each
model family on each table. The summary prints, per (table, model), ours against the
best of the peers (a maximum over seven noisy means, which favours the peers), the
difference, in how many folds ours is ahead, and ``[met]`` or ``[NOT met]``.

Run: ``python benchmarks/bench_encoders.py`` (about five minutes on two cores;
``--quick`` for a smoke run: 5,000 flights, every 4th hourly temperature, HistGB
stopped at 30 iterations; ``--markdown PATH`` also writes the
tables as markdown, ``-`` for standard output; ``--figure PATH`` saves a bar chart).
Needs ``pip install "sk_seqembed[bench]"`` (skrub, feature-engine, vega_datasets,
statsmodels); a table or a peer whose package is missing is skipped, with a note.
"""

import argparse
import sys
import time
import warnings
from dataclasses import dataclass, field, replace

import _markdown
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.kernel_approximation import Nystroem
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    SplineTransformer,
    StandardScaler,
    TargetEncoder,
)
from threadpoolctl import threadpool_limits

from sk_seqembed import TemporalEmbedder, ValueEmbedder
from sk_seqembed.datasets import load_flights

SKLEARN_VERSION = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
N_SPLITS = 5
FLIGHTS_ROWS = {False: 60_000, True: 5_000}  # full run, --quick
TEMPERATURES_STEP = {False: 1, True: 4}  # every hour, or every 4th
# --quick is a smoke run, not a result: HistGB stops after 30 iterations (100 otherwise).
HIST_MAX_ITER = {False: 100, True: 30}
# Periodic splines of the sklearn gallery: (period, number of splines) per field.
GALLERY_SPLINES = {"hour": (24, 12), "weekday": (7, 3), "month": (12, 6)}
PERIODS = {"hour": 24, "weekday": 7, "month": 12}
CALENDAR_FIELDS = ["hour", "weekday", "month"]
MAX_DENSE_ONE_HOT = 300
MODELS = ["Ridge", "Nystroem+Ridge", "HistGB"]


@dataclass
class Table:
    name: str
    X: pd.DataFrame
    y: pd.Series
    when: str  # the datetime column
    tokens: list = field(default_factory=list)  # token-id columns
    numeric: list = field(default_factory=list)  # passed through to every encoder
    notes: list = field(default_factory=list)
    fields: list = field(default_factory=list)  # calendar ints for the peers, set below
    one_hot_width: int = 0  # columns of the one-hot encoding, set below

    def __post_init__(self):
        order = np.argsort(self.X[self.when].to_numpy(), kind="stable")
        self.X = self.X.iloc[order].reset_index(drop=True)
        self.y = self.y.iloc[order].reset_index(drop=True).astype("float64")
        ints = calendar_ints(self.X[[self.when]], CALENDAR_FIELDS)
        self.fields = [name for name in CALENDAR_FIELDS if ints[name].nunique() > 1]
        columns = [ints[name] for name in self.fields] + [self.X[t] for t in self.tokens]
        self.one_hot_width = sum(column.nunique(dropna=False) for column in columns)


# --- tables ---------------------------------------------------------------------------


def load_flights_table(quick):
    X, y = load_flights(return_X_y=True)
    n_rows = FLIGHTS_ROWS[quick]
    keep = np.sort(np.random.default_rng(0).choice(len(X), size=n_rows, replace=False))
    X, y = X.iloc[keep], y.iloc[keep]
    return Table(
        name="flights",
        X=X,
        y=y,
        when="sched_dep",
        tokens=["carrier", "origin", "dest", "tailnum", "flight"],
        numeric=["distance"],
        notes=[
            f"sk_seqembed.datasets.load_flights (CC0 1.0): {n_rows:,} of 327,346 flights "
            "drawn at random (seed 0), in scheduled-departure order; target: arrival "
            f"delay (min); {X['tailnum'].nunique():,} aircraft, "
            f"{X['flight'].nunique():,} flight numbers in the sample"
        ],
    )


def load_seattle_weather_table(quick):
    from vega_datasets import local_data

    frame = local_data.seattle_weather()
    return Table(
        name="seattle weather",
        X=frame[["date", "weather", "precipitation", "wind"]],
        y=frame["temp_max"],
        when="date",
        tokens=["weather"],
        numeric=["precipitation", "wind"],
        notes=[
            f"vega_datasets seattle-weather (NOAA, public domain): {len(frame):,} days, "
            f"{frame['date'].min():%Y-%m-%d} to {frame['date'].max():%Y-%m-%d}; "
            "target: daily maximum temperature (°C)"
        ],
    )


def load_temperatures_table(quick):
    from vega_datasets import local_data

    step = TEMPERATURES_STEP[quick]
    frame = pd.concat(
        [
            local_data.seattle_temps().assign(city="Seattle").iloc[::step],
            local_data.sf_temps().assign(city="San Francisco").iloc[::step],
        ],
        ignore_index=True,
    )
    return Table(
        name="hourly temperatures",
        X=frame[["date", "city"]],
        y=frame["temp"],
        when="date",
        tokens=["city"],
        notes=[
            f"vega_datasets seattle-temps and sf-temps (NOAA, public domain): "
            f"{len(frame):,} readings of 2010 in two cities "
            f"({'every hour' if step == 1 else f'every {step}th hour'}); target: temperature "
            "(°F); token: the city"
        ],
    )


def load_co2_table(quick):
    from statsmodels.datasets import co2

    frame = co2.load_pandas().data.dropna().rename_axis("week").reset_index()
    return Table(
        name="co2",
        X=frame[["week"]],
        y=frame["co2"],
        when="week",
        notes=[
            f"statsmodels.datasets.co2 (Mauna Loa, Keeling and Whorf; public domain): "
            f"{len(frame):,} weekly means, {frame['week'].min():%Y-%m-%d} to "
            f"{frame['week'].max():%Y-%m-%d} (weeks without a reading dropped); "
            "target: CO2 (ppm); the date is the only feature"
        ],
    )


LOADERS = [
    (load_flights_table, None),
    (load_seattle_weather_table, "vega_datasets"),
    (load_temperatures_table, "vega_datasets"),
    (load_co2_table, "statsmodels"),
]


# --- calendar helpers for the peers -------------------------------------------------


def calendar_ints(X, fields):
    """The listed fields of the (only) datetime column as integers (month 1 to 12)."""
    when = X.iloc[:, 0].dt
    values = {"hour": when.hour, "weekday": when.day_of_week, "month": when.month}
    return pd.DataFrame({name: values[name] for name in fields}, index=X.index)


def calendar_ints_transformer(fields):
    return FunctionTransformer(
        calendar_ints,
        kw_args={"fields": fields},
        feature_names_out=lambda *_: np.array(fields, dtype=object),
    )


def gallery_splines(fields):
    """The sklearn gallery's periodic splines, one block per calendar field."""
    parts = []
    for name in fields:
        period, n_splines = GALLERY_SPLINES[name]
        knots = np.linspace(0, period, n_splines + 1).reshape(-1, 1)
        spline = SplineTransformer(degree=3, knots=knots, extrapolation="periodic")
        parts.append((name, spline, [name]))
    return make_pipeline(calendar_ints_transformer(fields), ColumnTransformer(parts))


def cyclical_features(fields):
    from feature_engine.creation import CyclicalFeatures

    # Its default drop_original=False keeps the ints: scaled, the sines and cosines not.
    cyclical = CyclicalFeatures(max_values={name: PERIODS[name] for name in fields})
    return make_pipeline(
        calendar_ints_transformer(fields), scaled(cyclical, keep="_(?:sin|cos)$")
    )


def target_encoder():
    # target_type: integer targets (minutes, mg/dL) would otherwise be read as classes.
    if SKLEARN_VERSION >= (1, 9):
        return TargetEncoder(
            target_type="continuous", cv=KFold(5, shuffle=True, random_state=0)
        )
    return TargetEncoder(target_type="continuous", shuffle=True, random_state=0)


# --- encoders -----------------------------------------------------------------------


@dataclass
class Encoder:
    name: str
    kind: str  # "ours", "peer" or "diagnostic"
    when: object  # callable: table -> (transformer, columns) for the datetime
    ids: object = None  # callable: table -> transformer for the token ids
    needs: str = None  # the package it needs
    base: str = None  # the name before ``label`` fits it to a table


def with_list(make):
    """A datetime transformer given the datetime column as a one-column frame."""
    return lambda table: (make(table), [table.when])


def with_series(make):
    """A datetime transformer given the datetime column as a Series (skrub)."""
    return lambda table: (make(table), table.when)


def scaled(transformer, keep=None):
    """``transformer`` then a ``StandardScaler`` on its raw numbers.

    Encodings already on a unit scale (0/1, splines, sines) are left alone, as in the
    sklearn gallery: a spline that is nearly zero over a training fold would otherwise
    be divided by its tiny deviation and explode on the next fold. ``keep`` is a regex
    of such output columns of a DataFrame-returning transformer.
    """
    if keep is None:
        return make_pipeline(transformer, StandardScaler())
    split = ColumnTransformer(
        [("periodic", "passthrough", make_column_selector(pattern=keep))],
        remainder=StandardScaler(),
        verbose_feature_names_out=False,
    )
    return make_pipeline(transformer, split)


def skrub_encoder(**params):
    def make(table):
        from skrub import DatetimeEncoder

        # year, month, day, hour and total seconds as numbers; splines kept as they are
        return scaled(DatetimeEncoder(**params), keep="_spline_")

    return make


def one_hot_encoder(table):
    sparse = table.one_hot_width > MAX_DENSE_ONE_HOT
    return OneHotEncoder(handle_unknown="ignore", sparse_output=sparse)


def value_embedder(table):
    return ValueEmbedder(method="target", random_state=0)


def target_encoded_ids(table):
    return scaled(target_encoder())


def encoders():
    return [
        Encoder(
            "ours: TemporalEmbedder() + ValueEmbedder(method='target')",
            "ours",
            with_list(lambda table: TemporalEmbedder()),
            value_embedder,
        ),
        Encoder(
            "one-hot: OneHotEncoder calendar ints + ids",
            "peer",
            with_list(
                lambda table: make_pipeline(
                    calendar_ints_transformer(table.fields), one_hot_encoder(table)
                )
            ),
            one_hot_encoder,
        ),
        Encoder(
            "TargetEncoder: calendar ints (as categories) + ids",
            "peer",
            with_list(
                lambda table: make_pipeline(
                    calendar_ints_transformer(table.fields), scaled(target_encoder())
                )
            ),
            target_encoded_ids,
        ),
        Encoder(
            "calendar ints + TargetEncoder ids",
            "peer",
            with_list(lambda table: scaled(calendar_ints_transformer(table.fields))),
            target_encoded_ids,
        ),
        Encoder(
            "sklearn periodic splines (gallery) + TargetEncoder ids",
            "peer",
            with_list(lambda table: gallery_splines(table.fields)),
            target_encoded_ids,
        ),
        Encoder(
            "skrub DatetimeEncoder() + TargetEncoder ids",
            "peer",
            with_series(skrub_encoder()),
            target_encoded_ids,
            needs="skrub",
        ),
        Encoder(
            "skrub DatetimeEncoder(periodic_encoding='spline') + TargetEncoder ids",
            "peer",
            with_series(skrub_encoder(periodic_encoding="spline")),
            target_encoded_ids,
            needs="skrub",
        ),
        Encoder(
            "feature-engine CyclicalFeatures + TargetEncoder ids",
            "peer",
            with_list(lambda table: cyclical_features(table.fields)),
            target_encoded_ids,
            needs="feature_engine",
        ),
        Encoder(
            "diagnostic: TemporalEmbedder() + TargetEncoder ids",
            "diagnostic",
            with_list(lambda table: TemporalEmbedder()),
            target_encoded_ids,
        ),
        Encoder(
            "diagnostic: TemporalEmbedder(trend=False) + ValueEmbedder(method='target')",
            "diagnostic",
            with_list(lambda table: TemporalEmbedder(trend=False)),
            value_embedder,
        ),
        Encoder(
            "diagnostic: TemporalEmbedder(features=AUTO_WITHOUT_DAYOFYEAR, trend=False) + "
            "ValueEmbedder(method='target')",
            "diagnostic",
            with_list(
                lambda table: TemporalEmbedder(
                    features=auto_without_dayofyear(table), trend=False
                )
            ),
            value_embedder,
        ),
    ]


def features(encoder, table):
    """The encoder's ``ColumnTransformer`` for one table."""
    when, columns = encoder.when(table)
    parts = [("when", when, columns)]
    if table.tokens:
        parts.append(("ids", encoder.ids(table), table.tokens))
    if table.numeric:
        parts.append(("numeric", StandardScaler(), table.numeric))
    return ColumnTransformer(parts)


def auto_without_dayofyear(table):
    """The fields and widths ``features="auto"`` picks on the table, less dayofyear."""
    embedder = TemporalEmbedder().fit(table.X[[table.when]])
    return {name: width for name, width in embedder.fields_[0] if name != "dayofyear"}


def applies(encoder, table):
    """Whether the encoder makes a row of its own on this table."""
    if encoder.name.startswith("diagnostic: TemporalEmbedder() + TargetEncoder"):
        return bool(table.tokens)  # without ids it repeats ours
    if "AUTO_WITHOUT_DAYOFYEAR" in encoder.name:
        return bool(auto_without_dayofyear(table))  # co2: dayofyear alone
    return True


def label(encoder, table):
    """The encoder's name, without its token part on a table without token ids."""
    name = encoder.name
    if "AUTO_WITHOUT_DAYOFYEAR" in name:
        name = name.replace("AUTO_WITHOUT_DAYOFYEAR", repr(auto_without_dayofyear(table)))
    if table.tokens:
        return name
    for suffix in (" + TargetEncoder ids", " + ValueEmbedder(method='target')", " + ids"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def pipelines(encoder, table, quick=False):
    """(model, pipeline) pairs; None where the model does not apply."""
    kernel = Nystroem(kernel="poly", degree=2, n_components=300, random_state=0)
    hist = None
    # HistGB takes dense input only: no one-hot of thousands of aircraft.
    if not encoder.name.startswith("one-hot") or table.one_hot_width <= MAX_DENSE_ONE_HOT:
        hist = make_pipeline(
            features(encoder, table),
            HistGradientBoostingRegressor(max_iter=HIST_MAX_ITER[quick], random_state=0),
        )
    return {
        "Ridge": make_pipeline(features(encoder, table), Ridge(alpha=1.0)),
        "Nystroem+Ridge": make_pipeline(features(encoder, table), kernel, Ridge(alpha=1.0)),
        "HistGB": hist,
    }


# --- scoring --------------------------------------------------------------------------


def fold_scores(model, table, splits):
    scores = []
    for train, test in splits:
        with warnings.catch_warnings():
            # Nystroem warns when a small fold has fewer rows than components.
            warnings.simplefilter("ignore")
            model.fit(table.X.iloc[train], table.y.iloc[train])
            predicted = model.predict(table.X.iloc[test])
        scores.append(r2_score(table.y.iloc[test], predicted))
    return np.array(scores)


def available(package):
    if package is None:
        return True
    try:
        __import__(package)
    except ImportError:
        return False
    return True


def evaluate(table, quick=False, log=print):
    """Fold R² per (encoder, model), as a dict, and the row order."""
    splits = list(TimeSeriesSplit(n_splits=N_SPLITS).split(table.X))
    scores, rows = {}, []
    for encoder in encoders():
        if not available(encoder.needs):
            log(f"  {encoder.needs} not installed: skipping {encoder.name}")
            continue
        if not applies(encoder, table):
            continue
        encoder = replace(encoder, name=label(encoder, table), base=encoder.name)
        rows.append(encoder)
        for model_name, model in pipelines(encoder, table, quick).items():
            if model is None:
                continue
            start = time.perf_counter()
            scores[encoder.name, model_name] = fold_scores(model, table, splits)
            seconds = time.perf_counter() - start
            folds = " ".join(f"{r2:.3f}" for r2 in scores[encoder.name, model_name])
            log(
                f"  {table.name}: {model_name:14s} {encoder.name}: R2 "
                f"{scores[encoder.name, model_name].mean():.4f} (folds: {folds}; "
                f"{seconds:.1f} s)"
            )
    return scores, rows, splits


def results_table(scores, rows):
    out = []
    for encoder in rows:
        row = {"encoder": encoder.name, "kind": encoder.kind}
        for model in MODELS:
            fold = scores.get((encoder.name, model))
            row[model] = "-" if fold is None else f"{fold.mean():.4f} ± {fold.std():.4f}"
        out.append(row)
    return pd.DataFrame(out)


def summary(table, scores, rows):
    """Per model family: ours against the best peer, as (met, line) pairs."""
    lines = []
    for model in MODELS:
        ours = [(e.name, scores[e.name, model]) for e in rows if e.kind == "ours"]
        peers = [
            (e.name, scores[e.name, model])
            for e in rows
            if e.kind == "peer" and (e.name, model) in scores
        ]
        if not ours or not peers:
            continue
        _, ours_fold = max(ours, key=lambda pair: pair[1].mean())
        peer_name, peer_fold = max(peers, key=lambda pair: pair[1].mean())
        difference = ours_fold.mean() - peer_fold.mean()
        ahead = int((ours_fold > peer_fold).sum())
        met = difference >= 0
        lines.append(
            (
                met,
                f"{verdict(met)} {table.name} / {model}: ours R² {ours_fold.mean():.4f} vs "
                f"best peer {peer_fold.mean():.4f} ({short(peer_name)}): difference "
                f"{difference:+.4f}, ours ahead in {ahead}/{len(ours_fold)} folds",
            )
        )
    return lines


def short(name):
    return name.split(" + TargetEncoder ids")[0]


def verdict(met):
    return "[met]    " if met else "[NOT met]"


# --- output -----------------------------------------------------------------------------


def markdown_table(frame):
    return _markdown.markdown_table(frame, MODELS)


def write_markdown(path, sections, quick, total):
    lines = [
        f"Run: `python benchmarks/bench_encoders.py{' --quick' if quick else ''}` "
        f"({total:.0f} s). Mean R² ± standard deviation over the {N_SPLITS} folds of "
        "`TimeSeriesSplit`."
    ]
    all_lines = []
    for table, shown, lines_of_table in sections:
        lines += ["", f"### {table.name}", ""]
        lines += [f"- {note}" for note in table.notes]
        lines += ["", markdown_table(shown)]
        all_lines += lines_of_table
    lines += ["", "Targets (ours at least the best peer, per table and model):", ""]
    lines += [f"- {line.strip()}" for _, line in all_lines]
    text = "\n".join(lines) + "\n"
    _markdown.write(text, path)


def legend_label(name):
    if name.startswith("diagnostic: TemporalEmbedder() +"):
        return name
    for part in (" + TargetEncoder ids", " + ValueEmbedder(method='target')", " + ids"):
        name = name.replace(part, "")
    return name.replace("AUTO_WITHOUT_DAYOFYEAR", "auto less dayofyear")


def draw(path, sections, all_scores):
    """Mean R² per model, one panel per table, one colour per encoder in every panel."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bases = [encoder.name for encoder in encoders()]
    colours = plt.get_cmap("tab10").colors
    fig, axes = plt.subplots(
        1, len(sections), figsize=(max(4.5 * len(sections), 10), 4.5), squeeze=False
    )
    handles = {}
    for ax, (table, _, _), (scores, rows) in zip(axes[0], sections, all_scores, strict=True):
        width = 0.8 / len(rows)
        top = 0.0
        for k, encoder in enumerate(rows):
            means = np.array(
                [
                    scores[encoder.name, m].mean() if (encoder.name, m) in scores else np.nan
                    for m in MODELS
                ]
            )
            top = max(top, np.nanmax(means))
            index = bases.index(encoder.base)
            bars = ax.bar(
                np.arange(len(MODELS)) + k * width,
                means,
                width,
                color="black" if encoder.kind == "ours" else colours[(index - 1) % 10],
                hatch="//" if encoder.kind == "diagnostic" else None,
                edgecolor="white",
            )
            handles.setdefault(encoder.base, bars)
        ax.set_xticks(np.arange(len(MODELS)) + 0.4 - width / 2, MODELS)
        ax.axhline(0, color="grey", linewidth=0.5)
        ax.set_ylim(-0.5, top + 0.05)
        ax.set_title(f"{table.name} (bars below -0.5 are cut)", fontsize=9)
        ax.set_ylabel(f"mean R² over {N_SPLITS} forward folds")
    order = [base for base in bases if base in handles]
    fig.legend(
        [handles[base] for base in order],
        [legend_label(base) for base in order],
        loc="lower center",
        ncol=2,
        fontsize=7,
    )
    fig.tight_layout(rect=(0, 0.22, 1, 1))
    fig.savefig(path, dpi=120)
    print(f"figure written to {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: flights {FLIGHTS_ROWS[True]:,} rows, hourly temperatures every "
        f"{TEMPERATURES_STEP[True]}th hour, HistGB {HIST_MAX_ITER[True]} iterations",
    )
    parser.add_argument(
        "--markdown", metavar="PATH", help="also write the tables as markdown ('-': stdout)"
    )
    parser.add_argument("--figure", metavar="PATH", help="save a bar chart of the R² here")
    args = parser.parse_args()
    started = time.perf_counter()
    sections, all_scores, all_lines = [], [], []
    # One thread for BLAS and OpenMP (HistGB): results do not depend on it, and timings
    # stay sane on a shared two-core machine.
    limits = threadpool_limits(limits=1)
    for load, package in LOADERS:
        if not available(package):
            print(f"\n{package} not installed: skipping its table (pip install {package})")
            continue
        table = load(args.quick)
        splits = TimeSeriesSplit(n_splits=N_SPLITS).split(table.X)
        train_sizes = [len(train) for train, _ in splits]
        table.notes.append(
            f"TimeSeriesSplit({N_SPLITS}): training folds of {train_sizes[0]:,} to "
            f"{train_sizes[-1]:,} rows, each tested on the next "
            f"{len(table.X) // (N_SPLITS + 1):,}; calendar ints for the peers: "
            f"{', '.join(table.fields)}"
        )
        print(f"\n## {table.name}\n")
        for note in table.notes:
            print(f"- {note}")
        print()
        scores, rows, _ = evaluate(table, args.quick)
        shown = results_table(scores, rows)
        print("\n" + shown.to_string(index=False))
        lines = summary(table, scores, rows)
        sections.append((table, shown, lines))
        all_scores.append((scores, rows))
        all_lines += lines
    limits.restore_original_limits()
    total = time.perf_counter() - started
    print("\nsummary (ours at defaults vs the best peer, per table and model family):")
    for _, line in all_lines:
        print(f"  {line}")
    n_met = sum(met for met, _ in all_lines)
    print(f"\n{n_met} of {len(all_lines)} targets met; total time: {total:.0f} s")
    if args.markdown:
        write_markdown(args.markdown, sections, args.quick, total)
    if args.figure:
        draw(args.figure, sections, all_scores)
    return 0 if all_lines else 1


if __name__ == "__main__":
    sys.exit(main())
