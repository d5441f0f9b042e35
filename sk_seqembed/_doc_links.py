"""Links from an estimator's HTML repr (its "?" icon) to its page of the docs site."""

DOCS_URL = "https://sk-seqembed.readthedocs.io/en/latest/"


class DocLinkMixin:
    """Point scikit-learn's HTML repr at the estimator's API page on our site.

    scikit-learn builds the link from ``_doc_link_template``, with the class's public
    module (up to its first private part, e.g. ``sk_seqembed`` for
    ``sk_seqembed._value``) and name. Put the mixin before ``BaseEstimator``.
    """

    _doc_link_module = "sk_seqembed"
    _doc_link_template = DOCS_URL + "api/generated/{estimator_module}.{estimator_name}.html"
