"""The code of the docs site's own pages runs as written (the README's sections, which
the user guide includes, are the README's; these are the pages written for the site)."""

import pathlib
import re
import textwrap

import pytest

DOCS = pathlib.Path(__file__).parents[1] / "docs"
PAGES = sorted(DOCS.glob("*.md")) + sorted(DOCS.glob("user_guide/*.md"))
SNIPPETS = [
    pytest.param(code, id=f"{page.relative_to(DOCS)}:{k}")
    for page in PAGES
    for k, code in enumerate(
        re.findall(r"```python\n(.*?)^\s*```", page.read_text(), re.S | re.M)
    )
]


def test_the_site_has_pages_with_code():
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("code", SNIPPETS)
def test_snippet_runs(code):
    exec(compile(textwrap.dedent(code), "<docs snippet>", "exec"), {})
