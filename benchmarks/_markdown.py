"""Markdown output shared by the benchmark scripts (tables for BENCHMARKS.md)."""


def markdown_table(frame, right_aligned):
    """``frame`` as a markdown table; the columns named in ``right_aligned`` (numbers)
    are aligned right, the others left."""
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    align = "|" + "|".join("---:" if c in right_aligned else "---" for c in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.to_numpy()]
    return "\n".join([header, align, *body])


def write(text, path):
    """``text`` to the file ``path``, or printed when ``path`` is ``"-"``."""
    if path == "-":
        print("\n" + text)
    else:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
