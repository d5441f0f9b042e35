"""make_sequence_embedder and EmbeddingSum: the embedders composed, checked against
the parts fitted on their own and the positional formula written out."""

import copy
import pickle

import numpy as np
import pandas as pd
import polars as pl
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from pandas.testing import assert_frame_equal
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_seqembed import (
    EmbeddingSum,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)
from sk_seqembed.datasets import make_event_log
from tests.conftest import _state, embedding_sum, frame, session_items


@pytest.fixture(scope="module")
def event_log():
    X, y, _ = make_event_log(n_sequences=40, random_state=0)
    return X, y


def sinusoid(positions, dim):
    """PE[p, 2i] = sin(p / 10000**(2i/d)), PE[p, 2i+1] = cos(...), written out."""
    pairs = 2 * (np.arange(dim) // 2) / dim
    angles = np.asarray(positions, dtype=float)[:, None] / 10_000.0**pairs
    return np.where(np.arange(dim) % 2 == 0, np.sin(angles), np.cos(angles))


# --- make_sequence_embedder ---------------------------------------------------------


def test_steps_are_named_and_equal_the_embedders_side_by_side(event_log):
    X, _ = event_log
    embedder = make_sequence_embedder(
        value="item",
        position=["sequence_id"],
        temporal="timestamp",
        value_embedder=ValueEmbedder(3, random_state=0),
        temporal_embedder=TemporalEmbedder(2, features=["hour"]),
    )
    assert isinstance(embedder, ColumnTransformer)
    assert [(name, columns) for name, _, columns in embedder.transformers] == [
        ("value", ["item"]),
        ("position", ["sequence_id"]),
        ("temporal", ["timestamp"]),
    ]
    out = embedder.fit_transform(X)
    expected = np.hstack(
        [
            ValueEmbedder(3, random_state=0).fit_transform(X[["item"]]),
            sinusoid(X.groupby("sequence_id").cumcount(), 16),
            TemporalEmbedder(2, features=["hour"]).fit_transform(X[["timestamp"]]),
        ]
    )
    assert_allclose(out, expected, atol=1e-12)
    assert embedder.get_feature_names_out()[:2].tolist() == [
        "value__item_emb0",
        "value__item_emb1",
    ]


def test_grid_search_reaches_each_embedding_dim_by_step_name(event_log):
    X, y = event_log
    pipeline = make_pipeline(
        make_sequence_embedder(value="item", position="sequence_id", temporal="timestamp"),
        Ridge(),
    )
    grid = {
        "columntransformer__value__embedding_dim": [2, 5],
        "columntransformer__temporal__embedding_dim": [2, 4],
    }
    search = GridSearchCV(pipeline, grid, cv=TimeSeriesSplit(3)).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_params_
    width = search.best_estimator_[0].transform(X).shape[1]
    temporal_widths = dict(search.best_estimator_[0].named_transformers_["temporal"].fields_[0])
    # The main cycles get the searched width; the trend adds one column.
    assert temporal_widths["hour"] == best["columntransformer__temporal__embedding_dim"]
    expected_width = (
        best["columntransformer__value__embedding_dim"]
        + PositionEmbedder().embedding_dim
        + sum(temporal_widths.values())
        + 1
    )
    assert width == expected_width


def test_column_selectors_and_polars_output(event_log):
    X, _ = event_log
    embedder = make_sequence_embedder(
        temporal=make_column_selector(dtype_include="datetime"),
        temporal_embedder=TemporalEmbedder(2, features=["weekday"]),
        position="sequence_id",
        position_embedder=PositionEmbedder(2),
    ).set_output(transform="polars")
    out = embedder.fit_transform(X)
    assert isinstance(out, pl.DataFrame)
    assert out.columns == [
        "position__sequence_id_pos0",
        "position__sequence_id_pos1",
        "temporal__timestamp_weekday_sin1",
        "temporal__timestamp_weekday_cos1",
    ]
    weekday = X["timestamp"].dt.day_of_week.to_numpy()
    assert_allclose(out["temporal__timestamp_weekday_sin1"], np.sin(2 * np.pi * weekday / 7))


def test_remainder_passthrough_keeps_the_other_columns(event_log):
    X, _ = event_log
    X = X.assign(amount=np.arange(len(X), dtype=float))
    out = make_sequence_embedder(position="sequence_id", remainder="passthrough")
    out = out.set_output(transform="pandas").fit_transform(X)
    assert_allclose(out["remainder__amount"], X["amount"])


def test_make_sequence_embedder_errors():
    with pytest.raises(ValueError, match="at least one step: value=, position= or"):
        make_sequence_embedder()
    with pytest.raises(ValueError, match="temporal_embedder is given but temporal=None"):
        make_sequence_embedder(value="item", temporal_embedder=TemporalEmbedder())


# --- EmbeddingSum -------------------------------------------------------------------


def sum_parts(**value_params):
    return [
        ("value", ValueEmbedder(4, random_state=0, **value_params), ["item"]),
        ("position", PositionEmbedder(4), ["sequence_id"]),
    ]


def test_sum_is_the_weighted_sum_of_the_parts(event_log):
    X, _ = event_log
    before = copy.deepcopy(X)
    model = EmbeddingSum(sum_parts(), weights={"value": 2.0})
    out = model.fit_transform(X)
    value = ValueEmbedder(4, random_state=0).fit_transform(X[["item"]])
    expected = 2.0 * value + sinusoid(X.groupby("sequence_id").cumcount(), 4)
    assert_allclose(out, expected, atol=1e-12)
    assert_allclose(model.transform(X), expected, atol=1e-12)
    assert model.embedding_dim_ == 4
    assert model.get_feature_names_out().tolist() == ["sum0", "sum1", "sum2", "sum3"]
    assert_frame_equal(X, before)


def test_embedding_dim_sets_every_part_on_clones(event_log):
    X, _ = event_log
    parts = sum_parts()
    model = EmbeddingSum(parts, embedding_dim=6).fit(X)
    assert model.transform(X).shape == (len(X), 6)
    assert parts[0][1].embedding_dim == 4  # the caller's part is unchanged
    fitted = model.column_transformer_.named_transformers_
    assert fitted["value"].embedding_dim == fitted["position"].embedding_dim == 6


def test_parts_of_different_widths_are_refused_by_name(event_log):
    X, _ = event_log
    parts = sum_parts() + [("time", TemporalEmbedder(2, features=["hour"]), ["timestamp"])]
    with pytest.raises(ValueError, match="'value': 4, 'position': 4, 'time': 2 columns"):
        EmbeddingSum(parts).fit(X)
    # With embedding_dim set, the message says why a part did not follow it.
    parts[2] = ("time", TemporalEmbedder(2, features=["hour", "weekday"]), ["timestamp"])
    with pytest.raises(ValueError, match="'time': 12 columns. embedding_dim=6 was set"):
        EmbeddingSum(parts, embedding_dim=6).fit(X)


@pytest.mark.parametrize(
    "weights, error, match",
    [
        ({"valeu": 1.0}, ValueError, r"weights names parts \['valeu'\] that are not"),
        ({"value": "2"}, TypeError, "The weight of part 'value' must be a number"),
    ],
)
def test_bad_weights_are_named(event_log, weights, error, match):
    X, _ = event_log
    with pytest.raises(error, match=match):
        EmbeddingSum(sum_parts(), weights=weights).fit(X)


def test_nested_parameters_in_a_grid_search(event_log):
    X, y = event_log
    pipeline = make_pipeline(EmbeddingSum(sum_parts()), Ridge())
    grid = {
        "embeddingsum__embedding_dim": [2, 4],
        "embeddingsum__value__method": ["random", "hashing"],
    }
    search = GridSearchCV(pipeline, grid, cv=TimeSeriesSplit(3)).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert (
        search.best_estimator_[0].embedding_dim_
        == search.best_params_["embeddingsum__embedding_dim"]
    )
    position = PositionEmbedder(4, reverse=True, look_ahead=True)
    model = EmbeddingSum(sum_parts()).set_params(position=position)
    assert model.transformers[1][1].reverse
    assert model.transformers[1][2] == ["sequence_id"]


def test_fit_transform_cross_fits_a_target_part(event_log):
    X, y = event_log
    part = ValueEmbedder(4, method="target", cv=3, random_state=0)
    model = EmbeddingSum([("value", part, ["item"])])
    out = model.fit_transform(X, y)
    assert_allclose(out, clone(part).fit_transform(X[["item"]], y))
    assert not np.allclose(out, model.transform(X))


def test_pandas_output_and_pickling(event_log):
    X, _ = event_log
    X = X.set_index(np.arange(len(X)) * 3)
    model = EmbeddingSum(sum_parts()).set_output(transform="pandas").fit(X)
    out = model.transform(X)
    assert out.columns.tolist() == ["sum0", "sum1", "sum2", "sum3"]
    assert out.index.equals(X.index)
    restored = pickle.loads(pickle.dumps(model))
    assert_frame_equal(restored.transform(X), out)
    assert isinstance(restored.transform(X), pd.DataFrame)


def test_embedding_dim_reaches_parts_inside_pipelines(event_log):
    X, _ = event_log
    parts = [
        ("value", make_pipeline(ValueEmbedder(4, random_state=0)), ["item"]),
        ("position", make_pipeline(PositionEmbedder(4), StandardScaler()), "sequence_id"),
    ]
    model = EmbeddingSum(parts, embedding_dim=8).fit(X)
    assert model.embedding_dim_ == 8
    assert model.transform(X).shape == (len(X), 8)
    assert parts[0][1][0].embedding_dim == 4


@pytest.mark.parametrize(
    "parts, match",
    [
        ([], "at least one part that outputs columns"),
        ([("a", "drop", ["item"])], "at least one part that outputs columns"),
        (
            [("pre", "passthrough", ["item"]), ("p", PositionEmbedder(1), ["sequence_id"])],
            "Part 'pre' is 'passthrough': EmbeddingSum adds embeddings",
        ),
        (
            [("none", None, ["item"]), ("p", PositionEmbedder(1), ["sequence_id"])],
            "Part 'none' is None",
        ),
    ],
)
def test_parts_that_cannot_be_added_are_refused(event_log, parts, match):
    X, _ = event_log
    with pytest.raises(ValueError, match=match):
        EmbeddingSum(parts).fit(X)


@pytest.mark.parametrize("weight", [np.nan, np.inf])
def test_weights_must_be_finite_and_are_fixed_at_fit(event_log, weight):
    X, _ = event_log
    with pytest.raises(ValueError, match="The weight of part 'value' must be finite"):
        EmbeddingSum(sum_parts(), weights={"value": weight}).fit(X)
    weights = {"value": 2.0}
    model = EmbeddingSum(sum_parts(), weights=weights).fit(X)
    before = model.transform(X)
    weights["value"] = 5.0  # the caller's dict changes after fit: the model does not
    assert_allclose(model.transform(X), before)
    parts = [*sum_parts(), ("gone", "drop", ["item"])]
    with pytest.raises(ValueError, match=r"weights are given for parts \['gone'\]"):
        EmbeddingSum(parts, weights={"gone": 1.0}).fit(X)


def test_numpy_string_column_names_are_read_as_names(event_log):
    X, _ = event_log
    out = make_sequence_embedder(position=np.str_("sequence_id")).fit_transform(X)
    assert out.shape == (len(X), 16)


def test_embedding_sum_with_named_columns_refuses_an_array():
    """EmbeddingSum's parts select columns by name: an array is refused (sklearn's
    ColumnTransformer message)."""
    fitted = embedding_sum().fit(session_items())
    with (
        pytest.warns(UserWarning, match="X does not have valid feature names"),
        pytest.raises(ValueError, match="columns using strings is only supported for data"),
    ):
        fitted.transform(session_items().to_numpy())


def test_embedding_sum_names_the_column_of_a_bad_token():
    """Token errors raised inside EmbeddingSum's parts still name the column."""
    with pytest.raises(ValueError, match=r"Column 'item' holds floats that are not integer"):
        embedding_sum().fit(frame(session=[1, 1], item=[1.5, 2.0]))
    parts = [("value", ValueEmbedder(handle_unknown="error"), ["item"])]
    fitted = EmbeddingSum(parts).fit(frame(item=["a", "b"]))
    with pytest.raises(ValueError, match=r"Column 'item' has 1 row\(s\) with tokens unseen"):
        fitted.transform(frame(item=["c", "b"]))


def test_embedding_sum_refits_identically_with_a_random_state_instance_part():
    """EmbeddingSum fits clones of its parts, and a clone copies the RandomState: the
    caller's generator is never drawn from and every refit gives the same output (as
    sklearn's ColumnTransformer does)."""
    generator = np.random.RandomState(0)
    model = EmbeddingSum([("value", ValueEmbedder(2, random_state=generator), ["item"])])
    X = session_items()
    state = _state(generator)
    first = model.fit_transform(X)
    assert_array_equal(model.fit_transform(X), first)
    assert _state(generator) == state
    assert_array_equal(first, ValueEmbedder(2, random_state=0).fit_transform(X[["item"]]))
