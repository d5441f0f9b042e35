"""scikit-learn transformers that turn event and time tables into embeddings.

Token-ID columns become value embeddings, row order becomes positional features and
datetime columns become temporal embeddings, each as an ordinary ``fit``/``transform``
estimator that composes in a ``ColumnTransformer``.
"""

from ._position import PositionEmbedder
from ._temporal import TemporalEmbedder
from ._value import ValueEmbedder

__version__ = "0.1.0.dev0"

__all__ = ["PositionEmbedder", "TemporalEmbedder", "ValueEmbedder", "__version__"]
