"""scikit-learn transformers that turn event and time tables into embeddings.

Token-ID columns become value embeddings, row order becomes positional features and
datetime columns become temporal embeddings, each as an ordinary ``fit``/``transform``
estimator that composes in a ``ColumnTransformer`` (``make_sequence_embedder``) or
adds up with the others (``EmbeddingSum``).
"""

from ._compose import make_sequence_embedder
from ._embedding_sum import EmbeddingSum
from ._history import HistoryEmbedder
from ._observe import observe
from ._position import PositionEmbedder
from ._temporal import TemporalEmbedder
from ._value import ValueEmbedder

__version__ = "0.1.0.dev0"

__all__ = [
    "EmbeddingSum",
    "HistoryEmbedder",
    "PositionEmbedder",
    "TemporalEmbedder",
    "ValueEmbedder",
    "__version__",
    "make_sequence_embedder",
    "observe",
]
