"""The HTML repr of every public estimator links to its API page on the docs site
(the page the Sphinx build writes: docs/api.rst, api/generated/<public name>.html)."""

import importlib

import pytest
from sklearn.utils import estimator_html_repr

from sk_seqembed import (
    EmbeddingSum,
    HistoryEmbedder,
    PositionEmbedder,
    TemporalEmbedder,
    ValueEmbedder,
    make_sequence_embedder,
)
from sk_seqembed._doc_links import DOCS_URL
from sk_seqembed.dask import DaskEmbedder

ESTIMATORS = {
    "sk_seqembed.ValueEmbedder": ValueEmbedder(),
    "sk_seqembed.PositionEmbedder": PositionEmbedder(),
    "sk_seqembed.TemporalEmbedder": TemporalEmbedder(),
    "sk_seqembed.HistoryEmbedder": HistoryEmbedder(),
    "sk_seqembed.EmbeddingSum": EmbeddingSum([("v", ValueEmbedder(), ["a"])]),
    "sk_seqembed.dask.DaskEmbedder": DaskEmbedder(ValueEmbedder()),
}


@pytest.mark.parametrize("public_name", list(ESTIMATORS))
def test_the_html_repr_links_to_the_estimators_api_page(public_name):
    estimator = ESTIMATORS[public_name]
    module, name = public_name.rsplit(".", 1)
    # The page is named by where users import the class from.
    assert getattr(importlib.import_module(module), name) is type(estimator)
    link = f"{DOCS_URL}api/generated/{public_name}.html"
    assert estimator._get_doc_link() == link
    assert f'href="{link}"' in estimator_html_repr(estimator)


def test_the_recipes_column_transformer_links_to_scikit_learns_page():
    # make_sequence_embedder returns a ColumnTransformer subclass, sklearn's class to users.
    recipe = make_sequence_embedder(value="item")
    link = recipe._get_doc_link()
    assert link.endswith("/modules/generated/sklearn.compose.ColumnTransformer.html")
    assert f'href="{link}"' in estimator_html_repr(recipe)
