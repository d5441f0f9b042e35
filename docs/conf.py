"""Sphinx configuration of the sk_seqembed documentation.

Build: ``pip install -e ".[docs]"`` then ``sphinx-build -W -b html docs docs/_build/html``.
The gallery runs every script of ``examples/`` and shows the figure it writes;
``SK_SEQEMBED_DOCS_QUICK=1`` runs them in their ``--quick`` mode (what CI builds).
"""

import sys
from pathlib import Path

import sk_seqembed

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS))  # _gallery, the gallery's hooks

project = "sk_seqembed"
author = "sk_seqembed developers"
copyright = "2026, sk_seqembed developers"
release = version = sk_seqembed.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "**/*.zip"]
# The README-facing markdown pages link to each other by path; the site keeps them.
myst_heading_anchors = 3

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = f"sk_seqembed {version}"
html_static_path = []
html_theme_options = {
    "navigation_depth": 2,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}

# --- gallery ------------------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example, not only plot_*.py
    # Named, not passed, so that Sphinx can cache the configuration (docs/_gallery.py).
    "reset_argv": "_gallery.example_arguments",
    "image_scrapers": ("_gallery.written_figure",),
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
    # Each API page lists the examples that use it.
    "doc_module": ("sk_seqembed",),
    "backreferences_dir": "api/generated/backreferences",
}


# --- the README's sections, included in the user guide -------------------------------

# The README links to its own sections and to BENCHMARKS.md; on the site those are pages.
README_LINKS = {
    "](BENCHMARKS.md)": "](../benchmarks.md)",
    "](#serving-latency)": "](serving.md)",
    "](#the-as-of-rule-fit-on-the-past-serve-the-next-events)": "](as_of.md)",
}


def site_links(app, relative_path, parent_docname, content):
    if Path(relative_path).name == "README.md":
        for readme, site in README_LINKS.items():
            content[0] = content[0].replace(readme, site)


def setup(app):
    app.connect("include-read", site_links)
