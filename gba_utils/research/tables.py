"""Tables as escaped HTML for pages and notebooks: numbers align right, short labels stay on one line.

Written here rather than with ``DataFrame.to_html`` (or pandas' Styler, whose ids are random) so that the bytes are
the same on every run and narrow columns never break a Chinese label one character per line. The few rules that
matter travel with the output as inline styles too, so a table looks right in JupyterLab, which does not load the
site's stylesheet.

A cell may hold :class:`Span` (text in another language, or a code) or :class:`Rich` (a run of text and spans): the
HTML marks them with their ``lang`` attribute (or as ``<code>``), so screen readers and fonts switch, and the plain
text shows their characters.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from .text import Rich, Span, missing

#: A cell that reads as a number (with an optional sign, hedge or percent sign), or two ("4 / 12"): aligned right.
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
NUMBER = re.compile(rf"^[<>≈≤≥±+−-]?\s?{_NUM}\s?%?(?:\s?/\s?{_NUM})?$")
#: Columns whose header and cells are all at most this long are kept on one line.
SHORT = 8
#: The most rows a page shows of one table; a longer table (only synthetic data come near it: the report's longest has
#: a few hundred rows) shows its first rows and says where the rest is, so a page stays readable and its size bounded.
PAGE_ROWS = 1000
#: What a class means, for outputs shown outside the site (JupyterLab loads no stylesheet of ours).
INLINE = {"num": "text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums", "short": "white-space:nowrap"}


def text(value) -> str:
    """A cell as text: empty for a missing value."""
    return "" if missing(value) else str(value)


def _html(value) -> str:
    if isinstance(value, (Span, Rich)):
        return value.html()
    return html.escape(text(value))


def column_class(values: pd.Series, header: str) -> str:
    """``num`` for numbers (right-aligned), ``short`` for short labels (no wrapping), else nothing."""
    cells = [t for t in map(text, values) if t]
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if cells and (numeric or all(NUMBER.match(t) for t in cells)):
        return "num"
    if max(map(len, cells + [str(header)])) <= SHORT:
        return "short"
    return ""


def html_table(frame: pd.DataFrame, caption: str = "", caption_id: str = "") -> str:
    """Escaped HTML of a table, one class per column (see :func:`column_class`), no index.

    ``caption`` (HTML) becomes the table's ``<caption>``, so screen readers announce it with the table.
    """
    classes = [column_class(frame.iloc[:, i], h) for i, h in enumerate(frame.columns)]

    def cell(tag: str, cls: str, content: str, scope: str = "") -> str:
        attrs = (f' scope="{scope}"' if scope else "") + (f' class="{cls}" style="{INLINE[cls]}"' if cls else "")
        return f"<{tag}{attrs}>{content}</{tag}>"

    head = "".join(cell("th", c, html.escape(str(h)), "col") for c, h in zip(classes, frame.columns))
    rows = [
        "<tr>" + "".join(cell("td", c, _html(v)) for c, v in zip(classes, row)) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    ]
    cap = f'<caption class="gba-caption" id="{caption_id}">{caption}</caption>\n' if caption else ""
    return (
        f'<table class="gba-table">\n{cap}<thead>\n<tr>'
        + head
        + "</tr>\n</thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )
