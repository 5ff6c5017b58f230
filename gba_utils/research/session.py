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
import re

import pandas as pd

from ..contents import PROFILE, page_name
from ..data import Dataset, load
from . import analysis, numbers, theme
from .figures import EMPTY
from .images import close, svg_and_png
from .labels import Labeller
from .outputs import BY_KEY
from .params import check
from .tables import PAGE_ROWS, html_table
from .text import mixed

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
        """Where in the report an output comes from, for readers."""
        item = BY_KEY[key]
        secs = self.labels.language.item_sep.join(self.labels.section(s) for s in item.sections) or self.labels.ui(
            "outside_sources"
        )
        ui = self.labels.ui
        return self.labels.say("source_line", source=ui("source"), report=ui("report"), sections=secs)

    def _credit_html(self, key: str) -> str:
        """The credit an output must carry (the map's boundary licence), names kept in their language and marked."""
        credit = BY_KEY[key].credit
        if not credit:
            return ""
        return f'<p class="gba-credit">{mixed(self.labels.ui("credit_" + credit), self.labels.lang).html()}</p>'

    def made_html(self, key: str, tables: tuple[str, ...] = ()) -> str:
        """How an output was made (functions, data, view), collapsed under the source line: details for researchers."""
        item = BY_KEY[key]
        ui, lang = self.labels.ui, self.labels.language
        functions = " + ".join(f"<code>gba_utils.{html.escape(f.strip())}</code>" for f in item.function.split("+"))
        parts = [f"{html.escape(ui('processing'))}{lang.label_sep}{functions}"]
        if tables:
            parts.append(
                f"{html.escape(ui('data_files'))}{lang.label_sep}"
                + lang.list_sep.join(f"<code>{html.escape(t)}</code>" for t in tables)
            )
        view = [f"<code>{k}={html.escape(str(v))}</code>" for k, v in self.params.items() if k not in ("data_dir",)]
        parts.append(f"{html.escape(ui('parameters'))}{lang.label_sep}" + " ".join(view))
        parts.append(f"{html.escape(ui('data_version'))}{lang.label_sep}<code>{self.ds.version}</code>")
        body = "".join(f"<li>{p}</li>" for p in parts)
        return f'<details class="gba-made"><summary>{html.escape(ui("made"))}</summary><ul>{body}</ul></details>'

    def anchor(self, kind: str, n: int) -> str:
        """A short, readable permalink: ``fig-2-3`` (chapter 2, figure 3), ``tab-10-1`` (a city profile's first table)."""
        m = re.match(r"\d+", self.notebook)
        chapter = str(int(m.group())) if m else self.notebook
        return f"{ {'figure': 'fig', 'table': 'tab'}[kind] }-{chapter}-{n}"

    def _head_html(self, head: str, title: str, anchor: str) -> str:
        sep = self.labels.language.caption_sep
        link = self.labels.say("permalink", what=head)
        return (
            f'<span class="gba-number">{html.escape(head)}</span>{html.escape(sep)}{html.escape(title)} '
            f'<a class="permalink" href="#{anchor}" aria-label="{html.escape(link)}">#</a>'
        )

    def banner(self) -> None:
        """Show which decisions are switched and what that changes, and which filter is active (nothing when the page
        shows the data as coded, unfiltered)."""
        if self.ds.switched:
            from .audit import own_words
            from .sensitivity import note  # it builds on this module

            label, sep = self.labels.ui("switched_view"), self.labels.language.label_sep
            text = note(self.ds, self.labels)
            marked = own_words(text, self.labels)
            body = marked.html() if hasattr(marked, "html") else html.escape(str(marked))
            _publish(
                {
                    "text/html": f'<p class="gba-switched" role="note"><strong>{html.escape(label)}</strong>{sep}{body}</p>',
                    "text/plain": f"{label}{sep}{text}",
                }
            )
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

    def fact(self, name: str, value, whole: bool = False) -> None:
        """A value the narrative states, computed here: markdown writes ``[text](#fact:name)`` and the page shows this
        value (``gba-report refresh`` writes it into the committed notebook too, so it never goes stale).

        ``whole=True`` marks a statement about the whole report: under a city or domain filter it is said so.
        """
        text = numbers.plain(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
        if whole and self.filter_text:
            text += self.labels.ui("whole_report_mark")
        _publish({"text/plain": f"{name} = {text}"}, {"gba": {"kind": "fact", "name": name, "value": text}})

    def map_counts(self) -> pd.Series:
        """Cases per city for the map: every city, the domain filter applied, the city filter shown by highlighting."""
        return analysis.filter_cases(self.ds.cases, domain=self.domain)["city_code"].value_counts()

    def profile_links(self) -> dict[str, str]:
        """Each city's profile page, relative to this page (the site keeps a link only when it has the page)."""
        return {code: f"{page_name(PROFILE, [('city', code)])}.html" for code in self.ds.cities["city_code"]}

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

    def figure(self, key: str, fig, data: pd.DataFrame | None = None, alt: str | None = None, filtered: bool = True) -> None:
        """Display a figure: SVG (and a PNG for viewers without SVG and for reuse), its data as CSV when given, alt text
        saying what it shows, then its numbered caption, source line and how it was made.

        ``text/plain`` carries a hash of the SVG, so nbval (which compares text) fails when a chart changes.
        """
        assert BY_KEY[key].kind == "figure", key
        if fig.get_label() == EMPTY:
            close(fig)
            self.say(self.labels.say("figure_empty", title=self.title(key)))
            return
        n, head, title = self._caption("figure", key, filtered)
        anchor = self.anchor("figure", n)
        svg_raw, png = svg_and_png(fig, prefix=anchor)
        svg = svg_raw.decode("utf-8")
        alt_text = alt or getattr(fig, "gba_alt", None) or title
        close(fig)
        digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:16]
        bundle = {
            "image/svg+xml": svg,
            "image/png": base64.b64encode(png).decode("ascii"),
            "text/plain": f"[{head}] {title} · svg sha256 {digest}",
        }
        if data is not None:
            shown = data.rename(columns={c: self.labels.column(c) for c in data.columns})
            bundle["text/csv"] = shown.map(str).to_csv(lineterminator="\n") if len(shown) else shown.to_csv(lineterminator="\n")
        meta = {"kind": "figure", "key": key, "number": n, "anchor": anchor, "alt": alt_text, "head": head, "title": title}
        _publish(bundle, {"image/png": {"alt": alt_text}, "gba": meta})
        _publish(
            {
                "text/html": (
                    f'<p class="gba-caption">{self._head_html(head, title, anchor)}</p>'
                    f'<p class="gba-source">{html.escape(self.source_line(key))}</p>{self._credit_html(key)}'
                    f"{self.made_html(key)}"
                ),
                "text/plain": f"{head}{self.labels.language.caption_sep}{title}\n{self.source_line(key)}"
                + (f"\n{self.labels.ui('credit_' + BY_KEY[key].credit)}" if BY_KEY[key].credit else ""),
            },
            {"gba": {"kind": "caption", "key": key, "anchor": anchor}},
        )

    def table(self, key: str, frame: pd.DataFrame, columns: dict[str, str] | None = None, filtered: bool = True) -> None:
        """Display a table: numbered caption, escaped HTML (scrollable and labelled for keyboards and screen readers),
        plain-text twin, source line, how it was made."""
        assert BY_KEY[key].kind == "table", key
        n, head, title = self._caption("table", key, filtered)
        anchor = self.anchor("table", n)
        shown = frame.rename(columns={c: self.labels.column(c) for c in frame.columns} | (columns or {}))
        caption = self._head_html(head, title, anchor)
        if shown.empty:
            body = f'<p class="gba-caption" id="{anchor}-cap">{caption}</p><p class="gba-note">{html.escape(self.labels.ui("no_rows"))}</p>'
            plain = self.labels.ui("no_rows")
        else:
            total, shown = len(shown), shown.head(PAGE_ROWS)
            more = self.labels.ui("rows_shown").format(shown=f"{len(shown):,}", total=f"{total:,}") if total > len(shown) else ""
            body = (
                f'<div class="gba-scroll" role="region" tabindex="0" aria-labelledby="{anchor}-cap">'
                f"{html_table(shown, caption=caption, caption_id=f'{anchor}-cap')}</div>"
                + (f'<p class="gba-note">{html.escape(more)}</p>' if more else "")
            )
            plain = shown.to_string(index=False) + (f"\n{more}" if more else "")
        _publish(
            {
                "text/html": (
                    f'<div class="gba-table-wrap" id="{anchor}">{body}<p class="gba-source">{html.escape(self.source_line(key))}</p>'
                    f"{self.made_html(key)}</div>"
                ),
                "text/plain": f"{head}{self.labels.language.caption_sep}{title}\n{plain}\n{self.source_line(key)}",
            },
            {"gba": {"kind": "table", "key": key, "number": n, "anchor": anchor, "head": head}},
        )

    # -------------------------------------------------------------- data helpers
    def geo(self) -> dict:
        return json.loads((self.ds.directory / "geo" / GEOJSON).read_text(encoding="utf-8"))


def setup(notebook: str, **params) -> Session:
    """Check parameters, load and validate the data, apply the theme; return the notebook's Session."""
    checked = check(params, notebook=notebook)
    ds = load(checked["edition"], checked["data_dir"], checked.get("decisions", ""))
    theme.use()
    session = Session(notebook, checked, ds)
    session.banner()
    return session
