"""Hooks of the example gallery (``sphinx_gallery_conf`` in ``conf.py`` names them).

Every example script writes its one figure to ``--output DIR`` as ``<script>.png``;
the scraper shows that file under the example's page. ``SK_SEQEMBED_DOCS_QUICK=1`` runs
the scripts in their ``--quick`` mode.
"""

import os
import shutil
import tempfile
from pathlib import Path

FIGURES = Path(tempfile.mkdtemp(prefix="sk_seqembed_gallery_"))


def example_arguments(gallery_conf, script_vars):
    """Command-line arguments of each example script."""
    quick = os.environ.get("SK_SEQEMBED_DOCS_QUICK") == "1"
    return (["--quick"] if quick else []) + ["--output", str(FIGURES)]


def written_figure(block, block_vars, gallery_conf):
    """Show the figure the example wrote, once it exists."""
    from sphinx_gallery.scrapers import figure_rst

    figure = FIGURES / f"{Path(block_vars['src_file']).stem}.png"
    if not figure.exists():
        return ""
    target = next(block_vars["image_path_iterator"])
    shutil.move(figure, target)
    return figure_rst([target], gallery_conf["src_dir"])
