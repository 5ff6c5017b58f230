"""What a notebook talks to: checked parameters, the filtered data, numbered figures and tables.

``R = gba_utils.setup("02_cases", lang=lang, city=city, ...)`` checks the parameters,
loads and validates the data, applies the theme, and returns a :class:`Report`.
``R.figure(key, fig)`` and ``R.table(key, frame)`` display numbered, captioned,
sourced outputs whose bytes are the same on every run.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re

import matplotlib.pyplot as plt
import pandas as pd

from . import analysis, theme
from .catalog import BY_KEY
from .data import Dataset, load
from .figures import EMPTY
from .labels import Labeller
from .params import check

GEOJSON = "gba_cities.geojson"


def _publish(data: dict, metadata: dict | None = None) -> None:
    from IPython.display import display

    display(data, raw=True, metadata=metadata or {})


#: A cell that reads as a number (with an optional sign, hedge or percent sign), or two ("4 / 12"): aligned right.
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
NUMBER = re.compile(rf"^[<>≈≤≥±+−-]?\s?{_NUM}\s?%?(?:\s?/\s?{_NUM})?$")
#: Columns whose header and cells are all at most this long are kept on one line.
SHORT = 8


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return str(value)


def column_class(values: pd.Series, header: str) -> str:
    """``num`` for numbers (right-aligned), ``short`` for short labels (no wrapping), else nothing."""
    cells = [t for t in map(_text, values) if t]
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if cells and (numeric or all(NUMBER.match(t) for t in cells)):
        return "num"
    if max(map(len, cells + [str(header)])) <= SHORT:
        return "short"
    return ""


def html_table(frame: pd.DataFrame) -> str:
    """Escaped HTML of a table, one class per column (see :func:`column_class`), no index, no inline style.

    Written here rather than with ``DataFrame.to_html`` so that numbers align right and short codes and labels do not
    break one Chinese character per line in narrow columns.
    """
    classes = [column_class(frame.iloc[:, i], h) for i, h in enumerate(frame.columns)]

    def cell(tag: str, cls: str, text: str) -> str:
        return f'<{tag} class="{cls}">{html.escape(text)}</{tag}>' if cls else f"<{tag}>{html.escape(text)}</{tag}>"

    head = "".join(cell("th", c, str(h)) for c, h in zip(classes, frame.columns))
    rows = ["<tr>" + "".join(cell("td", c, _text(v)) for c, v in zip(classes, row)) + "</tr>"
            for row in frame.itertuples(index=False, name=None)]
    return '<table class="gba-table">\n<thead>\n<tr>' + head + "</tr>\n</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def png_bytes(fig) -> bytes:
    """PNG of a figure, byte-stable and small: fixed dpi, no metadata, a 256-colour palette.

    Charts are a few flat colours plus anti-aliased edges, so a palette looks the same and makes the PNG well under half
    of matplotlib's full-colour file; pages, and the committed notebooks that carry the figures, shrink accordingly.
    Median cut without dithering is exact for figures of at most 256 colours (most of ours) and keeps the large flat
    colours exact otherwise (Pillow's faster octree shifts even the white background). Transparency is laid on white.
    """
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=theme.DPI, metadata={"Software": None})
    plt.close(fig)
    with Image.open(buf) as im:
        rgba = im.convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    out = io.BytesIO()
    flat.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, format="PNG")
    return out.getvalue()


class Report:
    def __init__(self, notebook: str, params: dict, ds: Dataset):
        self.notebook = notebook
        self.params = params
        self.lang: str = params["lang"]
        self.city: str = params["city"]
        self.domain: str = params["domain"]
        self.ds = ds
        self.labels = Labeller.of(ds, self.lang)
        self._numbers = {"figure": 0, "table": 0}
        self.cases = analysis.filter_cases(ds.cases, self.city, self.domain)
        self.claims = analysis.filter_claims(ds.claims, ds.cases, self.city, self.domain)
        self.policies = analysis.filter_policies(ds.policies, ds.cities, self.city)
        self.technologies = ds.case_technologies[ds.case_technologies["case_id"].isin(set(self.cases["case_id"]))]
        self.case_links = ds.case_links[ds.case_links["case_id"].isin(set(self.cases["case_id"]))]

    # -------------------------------------------------------------- text
    @property
    def filter_text(self) -> str:
        return analysis.describe_filter(self.labels, self.city, self.domain)

    def title(self, key: str, filtered: bool = True) -> str:
        """Title of a catalogued figure or table, with the active filter appended (or 'whole report' when it ignores it)."""
        item = BY_KEY[key]
        text = item.zh if self.lang == "zh" else item.en
        if not self.filter_text:
            return text
        note = self.filter_text if filtered else ("全书，不受筛选影响" if self.lang == "zh" else "whole report, not filtered")
        return f"{text}（{note}）" if self.lang == "zh" else f"{text} ({note})"

    def source_line(self, key: str) -> str:
        item = BY_KEY[key]
        secs = "; ".join(self.labels.section(s) for s in item.sections) or ("报告以外的公开来源" if self.lang == "zh" else "public sources outside the report")
        return (f"{self.labels.ui('source')}：{self.labels.ui('report')} {secs}；{self.labels.ui('processing')}：gba_utils.{item.function}"
                if self.lang == "zh" else
                f"{self.labels.ui('source')}: {self.labels.ui('report')}, {secs}. {self.labels.ui('processing')}: gba_utils.{item.function}")

    def banner(self) -> None:
        """Show which filter is active (nothing when none is)."""
        if self.filter_text:
            label = "当前筛选" if self.lang == "zh" else "Filtered view"
            _publish({"text/html": f'<p class="gba-filter"><strong>{html.escape(label)}</strong>: {html.escape(self.filter_text)}</p>',
                      "text/plain": f"{label}: {self.filter_text}"})

    def say(self, zh: str, en: str) -> None:
        """Show a short generated sentence in the report's language (escaped)."""
        text = zh if self.lang == "zh" else en
        _publish({"text/html": f'<p class="gba-note">{html.escape(text)}</p>', "text/plain": text})

    def map_counts(self) -> pd.Series:
        """Cases per city for the map: every city, the domain filter applied, the city filter shown by highlighting."""
        return analysis.filter_cases(self.ds.cases, domain=self.domain)["city_code"].value_counts()

    @property
    def highlight(self) -> str | None:
        return None if self.city == analysis.ALL else self.city

    def case_summary(self) -> None:
        """Say how many cases the selection holds; honest when there are none."""
        zh, en = analysis.case_sentence(self.cases, self.city, self.domain, self.labels, len(self.ds.cases))
        self.say(zh, en)

    # -------------------------------------------------------------- outputs
    def _caption(self, kind: str, key: str, filtered: bool) -> tuple[int, str, str]:
        self._numbers[kind] += 1
        n = self._numbers[kind]
        word = self.labels.ui(kind)
        head = f"{word} {n}" if self.lang == "en" else f"{word}{n}"
        return n, head, self.title(key, filtered)

    def figure(self, key: str, fig, alt: str | None = None, filtered: bool = True) -> None:
        """Display a figure with number, caption, source line and alt text; a hash of its PNG goes to text/plain."""
        assert BY_KEY[key].kind == "figure", key
        if fig.get_label() == EMPTY:
            plt.close(fig)
            title = self.title(key)
            self.say(f"{title}：所选范围内没有可绘制的数据，此图从略。", f"{title}: nothing to draw in the selected scope, so the figure is left out.")
            return
        png = png_bytes(fig)
        n, head, title = self._caption("figure", key, filtered)
        digest = hashlib.sha256(png).hexdigest()[:16]
        alt_text = alt or title
        _publish(
            {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": f"[{head}] {title} · png sha256 {digest}"},
            {"image/png": {"alt": alt_text}, "gba": {"kind": "figure", "key": key, "number": n}},
        )
        sep = ". " if self.lang == "en" else "　"
        _publish({
            "text/html": (f'<p class="gba-caption" id="fig-{key}"><strong>{html.escape(head)}{sep}</strong>{html.escape(title)}<br>'
                          f'<span class="gba-source">{html.escape(self.source_line(key))}</span></p>'),
            "text/plain": f"{head}{sep} {title}\n{self.source_line(key)}",
        })

    def table(self, key: str, frame: pd.DataFrame, columns: dict[str, str] | None = None, filtered: bool = True) -> None:
        """Display a table: numbered caption above, escaped HTML, plain-text twin, source line below."""
        assert BY_KEY[key].kind == "table", key
        n, head, title = self._caption("table", key, filtered)
        sep = ". " if self.lang == "en" else "　"
        shown = frame.rename(columns={c: self.labels.column(c) for c in frame.columns} | (columns or {}))
        if shown.empty:
            body = f'<p class="gba-note">{html.escape(self.labels.ui("no_rows"))}</p>'
            plain = self.labels.ui("no_rows")
        else:
            body = html_table(shown)
            plain = shown.to_string(index=False)
        _publish({
            "text/html": (f'<div class="gba-table-wrap" id="tab-{key}"><p class="gba-caption"><strong>{html.escape(head)}{sep}</strong>{html.escape(title)}</p>'
                          f'{body}<p class="gba-source">{html.escape(self.source_line(key))}</p></div>'),
            "text/plain": f"{head}{sep} {title}\n{plain}\n{self.source_line(key)}",
        }, {"gba": {"kind": "table", "key": key, "number": n}})

    # -------------------------------------------------------------- data helpers
    def geo(self) -> dict:
        return json.loads((self.ds.directory / "geo" / GEOJSON).read_text(encoding="utf-8"))


def setup(notebook: str, **params) -> Report:
    """Check parameters, load and validate the data, apply the theme; return the notebook's Report."""
    checked = check(params, notebook=notebook)
    ds = load(checked["edition"], checked["data_dir"])
    theme.use()
    report = Report(notebook, checked, ds)
    report.banner()
    return report
