"""Tables as escaped HTML for pages and notebooks: numbers align right, short labels stay on one line.

Written here rather than with ``DataFrame.to_html`` (or pandas' Styler, whose ids are random) so that the bytes are
the same on every run and narrow columns never break a Chinese label one character per line.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from .labels import missing

#: A cell that reads as a number (with an optional sign, hedge or percent sign), or two ("4 / 12"): aligned right.
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
NUMBER = re.compile(rf"^[<>≈≤≥±+−-]?\s?{_NUM}\s?%?(?:\s?/\s?{_NUM})?$")
#: Columns whose header and cells are all at most this long are kept on one line.
SHORT = 8


def text(value) -> str:
    """A cell as text: empty for a missing value."""
    return "" if missing(value) else str(value)


def column_class(values: pd.Series, header: str) -> str:
    """``num`` for numbers (right-aligned), ``short`` for short labels (no wrapping), else nothing."""
    cells = [t for t in map(text, values) if t]
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if cells and (numeric or all(NUMBER.match(t) for t in cells)):
        return "num"
    if max(map(len, cells + [str(header)])) <= SHORT:
        return "short"
    return ""


def html_table(frame: pd.DataFrame) -> str:
    """Escaped HTML of a table, one class per column (see :func:`column_class`), no index, no inline style."""
    classes = [column_class(frame.iloc[:, i], h) for i, h in enumerate(frame.columns)]

    def cell(tag: str, cls: str, content: str) -> str:
        return f'<{tag} class="{cls}">{html.escape(content)}</{tag}>' if cls else f"<{tag}>{html.escape(content)}</{tag}>"

    head = "".join(cell("th", c, str(h)) for c, h in zip(classes, frame.columns))
    rows = [
        "<tr>" + "".join(cell("td", c, text(v)) for c, v in zip(classes, row)) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    ]
    return (
        '<table class="gba-table">\n<thead>\n<tr>'
        + head
        + "</tr>\n</thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )
