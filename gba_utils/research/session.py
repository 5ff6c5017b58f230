"""What a notebook talks to: checked parameters, the filtered data, numbered figures and tables.

``R = gba_utils.setup("02_cases", lang=lang, city=city, ...)`` checks the parameters,
loads and validates the data, applies the theme, and returns a :class:`Session`.
``R.figure(key, fig)`` and ``R.table(key, frame)`` display numbered, captioned,
sourced outputs whose bytes are the same on every run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

import matplotlib.pyplot as plt
import pandas as pd

from ..data import Dataset, load
from . import analysis, theme
from .figures import EMPTY
from .images import png_bytes
from .labels import Labeller
from .outputs import BY_KEY
from .params import check
from .tables import html_table

GEOJSON = "gba_cities.geojson"


def _publish(data: dict, metadata: dict | None = None) -> None:
    from IPython.display import display

    display(data, raw=True, metadata=metadata or {})


class Session:
    """One run of one notebook: its parameters, the data it shows (filtered), and the numbering of its outputs."""

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
        text = BY_KEY[key].title(self.lang)
        if not self.filter_text:
            return text
        note = self.filter_text if filtered else self.labels.ui("whole_report")
        return self.labels.say("title_with_note", title=text, note=note)

    def source_line(self, key: str) -> str:
        item = BY_KEY[key]
        secs = "; ".join(self.labels.section(s) for s in item.sections) or self.labels.ui("outside_sources")
        ui = self.labels.ui
        return self.labels.say(
            "source_line",
            source=ui("source"),
            report=ui("report"),
            sections=secs,
            processing=ui("processing"),
            function=item.function,
        )

    def banner(self) -> None:
        """Show which filter is active (nothing when none is)."""
        if self.filter_text:
            label, sep = self.labels.ui("filtered_view"), self.labels.language.label_sep
            _publish(
                {
                    "text/html": f'<p class="gba-filter"><strong>{html.escape(label)}</strong>{sep}{html.escape(self.filter_text)}</p>',
                    "text/plain": f"{label}{sep}{self.filter_text}",
                }
            )

    def say(self, text: str) -> None:
        """Show a short generated sentence (already in the page's language), escaped."""
        _publish({"text/html": f'<p class="gba-note">{html.escape(text)}</p>', "text/plain": text})

    def map_counts(self) -> pd.Series:
        """Cases per city for the map: every city, the domain filter applied, the city filter shown by highlighting."""
        return analysis.filter_cases(self.ds.cases, domain=self.domain)["city_code"].value_counts()

    @property
    def highlight(self) -> str | None:
        return None if self.city == analysis.ALL else self.city

    def case_summary(self) -> None:
        """Say how many cases the selection holds; honest when there are none."""
        self.say(analysis.case_sentence(self.cases, self.city, self.domain, self.labels, len(self.ds.cases)))

    # -------------------------------------------------------------- outputs
    def _caption(self, kind: str, key: str, filtered: bool) -> tuple[int, str, str]:
        self._numbers[kind] += 1
        n = self._numbers[kind]
        head = self.labels.language.caption_number.format(word=self.labels.ui(kind), n=n)
        return n, head, self.title(key, filtered)

    def figure(self, key: str, fig, alt: str | None = None, filtered: bool = True) -> None:
        """Display a figure with number, caption, source line and alt text; a hash of its PNG goes to text/plain."""
        assert BY_KEY[key].kind == "figure", key
        if fig.get_label() == EMPTY:
            plt.close(fig)
            self.say(self.labels.say("figure_empty", title=self.title(key)))
            return
        png = png_bytes(fig)
        n, head, title = self._caption("figure", key, filtered)
        digest = hashlib.sha256(png).hexdigest()[:16]
        alt_text = alt or title
        _publish(
            {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": f"[{head}] {title} · png sha256 {digest}"},
            {"image/png": {"alt": alt_text}, "gba": {"kind": "figure", "key": key, "number": n}},
        )
        sep = self.labels.language.caption_sep
        _publish(
            {
                "text/html": (
                    f'<p class="gba-caption" id="fig-{key}"><strong>{html.escape(head)}{sep}</strong>{html.escape(title)}<br>'
                    f'<span class="gba-source">{html.escape(self.source_line(key))}</span></p>'
                ),
                "text/plain": f"{head}{sep} {title}\n{self.source_line(key)}",
            }
        )

    def table(self, key: str, frame: pd.DataFrame, columns: dict[str, str] | None = None, filtered: bool = True) -> None:
        """Display a table: numbered caption above, escaped HTML, plain-text twin, source line below."""
        assert BY_KEY[key].kind == "table", key
        n, head, title = self._caption("table", key, filtered)
        sep = self.labels.language.caption_sep
        shown = frame.rename(columns={c: self.labels.column(c) for c in frame.columns} | (columns or {}))
        if shown.empty:
            body = f'<p class="gba-note">{html.escape(self.labels.ui("no_rows"))}</p>'
            plain = self.labels.ui("no_rows")
        else:
            body = html_table(shown)
            plain = shown.to_string(index=False)
        _publish(
            {
                "text/html": (
                    f'<div class="gba-table-wrap" id="tab-{key}"><p class="gba-caption"><strong>{html.escape(head)}{sep}</strong>{html.escape(title)}</p>'
                    f'{body}<p class="gba-source">{html.escape(self.source_line(key))}</p></div>'
                ),
                "text/plain": f"{head}{sep} {title}\n{plain}\n{self.source_line(key)}",
            },
            {"gba": {"kind": "table", "key": key, "number": n}},
        )

    # -------------------------------------------------------------- data helpers
    def geo(self) -> dict:
        return json.loads((self.ds.directory / "geo" / GEOJSON).read_text(encoding="utf-8"))


def setup(notebook: str, **params) -> Session:
    """Check parameters, load and validate the data, apply the theme; return the notebook's Session."""
    checked = check(params, notebook=notebook)
    ds = load(checked["edition"], checked["data_dir"])
    theme.use()
    session = Session(notebook, checked, ds)
    session.banner()
    return session
