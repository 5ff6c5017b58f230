"""Figure functions: each takes data (and an optional ``ax``), returns the Figure, saves nothing.

Labels come from a :class:`~gba_utils.research.labels.Labeller`, so every figure renders in each language; colours
from :mod:`gba_utils.research.theme`. Figures are drawn to be read as vector graphics (SVG) on any screen: labels are
wrapped rather than cut, counts have whole-number scales with zero shown apart from one, and text on a coloured fill
takes the ink (dark or white) with the higher contrast.

Each figure also carries what a reader who cannot see it needs: ``fig.gba_alt`` says what it shows and its main
numbers, and ``fig.gba_tips`` maps artists (by their SVG id) to the exact value shown on hover or focus.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.transforms as transforms
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..languages import Language
from . import numbers, theme
from .labels import Labeller

INK = "#1f2328"
EMPTY = "gba-empty"


def _axes(ax, figsize) -> tuple[Figure, plt.Axes]:
    theme.use()
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _wrap(text: str, language: Language, purpose: str = "default") -> str:
    """Break ``text`` into lines no longer than the language's width for ``purpose`` (characters or words)."""
    width = language.wrap[purpose]
    if language.wrap_style == "chars":
        return "\n".join(text[i : i + width] for i in range(0, len(text), width))
    return textwrap.fill(text, width, break_on_hyphens=False)


def _title(ax, title: str | None, language: Language) -> None:
    """A title over the left edge of the axes, broken at the language's width and, where a line would still run past
    the figure's right edge (long row labels push the axes right), again to the room it has. Call it after the y tick
    labels are set: their width is measured."""
    if title:
        text = _wrap(title, language, "title") if len(title) > language.wrap["title"] else title
        renderer = RendererAgg(1, 1, ax.figure.dpi)
        prop = ax.title.get_fontproperties()

        def width(line: str) -> float:
            return renderer.get_text_width_height_descent(line, prop, ismath=False)[0]

        ax.set_title(_fit(title, text, language, _title_room(ax, renderer), width), loc="left")


def _title_room(ax, renderer) -> float:
    """How wide (in pixels) a title may be: the figure less what lies left of the axes (the widest y tick label, its
    pad and tick, the y label) and constrained layout's padding on both sides."""
    fig = ax.figure
    px = fig.dpi / 72
    left = max((t.get_window_extent(renderer).width for t in ax.get_yticklabels() if t.get_text()), default=0.0)
    if left:
        left += (mpl.rcParams["ytick.major.pad"] + mpl.rcParams["ytick.major.size"]) * px
    if ax.get_ylabel():
        left += ax.yaxis.label.get_window_extent(renderer).width + mpl.rcParams["axes.labelpad"] * px
    return fig.bbox.width - left - 4 * mpl.rcParams["figure.constrained_layout.w_pad"] * fig.dpi


def _fit(title: str, wrapped: str, language: Language, room: float, width) -> str:
    """``wrapped`` (``title`` broken at the language's width) if every line of it is within ``room`` (as ``width``
    measures it); otherwise ``title`` filled afresh to ``room``: at spaces in a language of words, between any two
    characters in one written in characters."""
    if all(width(line) <= room for line in wrapped.split("\n")):
        return wrapped
    sep = "" if language.wrap_style == "chars" else " "
    out, current = [], ""
    for unit in title.split(sep) if sep else list(title):
        trial = f"{current}{sep}{unit}" if current else unit
        if current and width(trial) > room:
            out.append(current)
            current = unit
        else:
            current = trial
    return "\n".join([*out, current])


def _luminance(rgb) -> float:
    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in to_rgb(rgb))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """WCAG contrast ratio of two colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink(fill) -> str:
    """The text colour (dark ink or white) with the higher contrast on ``fill``."""
    return INK if contrast(INK, fill) >= contrast("white", fill) else "white"


def _tip(fig, artist, text: str) -> None:
    """Give ``artist`` an SVG id and the exact value a reader sees on hover or focus (a <title> in the SVG)."""
    tips = fig.__dict__.setdefault("gba_tips", {})
    gid = f"gba-tip-{len(tips) + 1}"
    artist.set_gid(gid)
    tips[gid] = text


def _alt(fig, labels: Labeller, key: str, **values) -> None:
    fig.gba_alt = labels.say(key, **values)


def _items(labels: Labeller, pairs, limit: int = 8) -> str:
    shown = [labels.say("alt_item", label=str(a), value=b) for a, b in pairs[:limit]]
    return labels.language.list_sep.join(shown) + (labels.say("alt_more", n=len(pairs) - limit) if len(pairs) > limit else "")


def _empty(ax, labels: Labeller):
    """Mark a figure as having nothing to show (the notebook facade replaces it by a sentence)."""
    ax.figure.set_label(EMPTY)
    ax.text(0.5, 0.5, labels.ui("no_rows"), ha="center", va="center", transform=ax.transAxes, color=theme.PALETTE["neutral"])
    ax.set_xticks([])
    ax.set_yticks([])


def domain_colours(labels: Labeller) -> dict[str, str]:
    """Theme colour of each domain, keyed by its label (for figures whose columns are labelled domains)."""
    return {labels("domain", d): theme.PALETTE[d] for d in labels.order("domain")}


VERDICT_COLOURS = {
    "inconsistent": "#D55E00",
    "rounded_generously": "#E69F00",
    "explained": "#CC79A7",
    "cannot_check": "#999999",
    "consistent": "#0072B2",
}


def verdict_colours(labels: Labeller) -> dict[str, str]:
    """Audit verdict colours keyed by label: inconsistent stands out, consistent recedes."""
    return {labels("verdict", v): c for v, c in VERDICT_COLOURS.items()}


# ------------------------------------------------------------------ chapter 1

JURISDICTION_ORDER = ("global", "cn", "guangdong", "hong_kong", "macao")


def policy_timeline(policies: pd.DataFrame, labels: Labeller, *, ax=None, title: str | None = None) -> Figure:
    """Dated policies in date order, one row each (its name wrapped beside it), coloured by jurisdiction."""
    dated = policies[policies["date"].notna()].copy()
    lang = labels.language
    names = [_wrap(n, lang, "tick") for n in dated[labels.col("name")]]
    lines = sum(n.count("\n") + 1 for n in names)
    fig, ax = _axes(ax, (7.5, max(2.4, 0.2 * lines + 0.3 * len(dated) + 1.6)))
    if dated.empty:
        _empty(ax, labels)
        return fig
    parts = dated["date"].str.split("-")
    dated["t"] = parts.map(lambda p: int(p[0]) + ((int(p[1]) - 0.5) / 12 if len(p) > 1 else 0.5))
    dated["lane"] = dated["jurisdiction"].where(dated["jurisdiction"].isin(JURISDICTION_ORDER), "city")
    dated["label"] = names
    dated = dated.sort_values(["t", "policy_id"]).reset_index(drop=True)
    heights = (dated["label"].str.count("\n") + 1).to_numpy()
    y = -np.concatenate([[0], np.cumsum(heights[:-1] * 0.5 + heights[1:] * 0.5 + 0.35)])
    lo, hi = math.floor(dated["t"].min()), math.ceil(dated["t"].max())
    for lane in JURISDICTION_ORDER + ("city",):
        sel = (dated["lane"] == lane).to_numpy()
        if sel.any():
            ax.scatter(
                dated.loc[sel, "t"],
                y[sel],
                s=46,
                color=theme.PALETTE[lane],
                zorder=3,
                edgecolor="white",
                label=labels("scope", lane) if lane != "city" else labels.ui("city"),
            )
    for yi, (_, row) in zip(y, dated.iterrows()):
        ax.hlines(yi, lo - 0.2, row["t"], color="#d0d7de", lw=0.8, zorder=1)
        when = numbers.date_text(row["date"], lang)
        dot = ax.scatter([row["t"]], [yi], s=120, alpha=0.0, zorder=4)
        _tip(fig, dot, labels.say("alt_item", label=row[labels.col("name")], value=when))
        ax.annotate(when, (row["t"], yi), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8, color=INK)
    ax.set_yticks(y, dated["label"])
    ax.tick_params(axis="y", length=0, labelsize=8.5)
    ax.set_xlim(lo - 0.2, hi + 1.2)
    ax.set_ylim(y.min() - 0.9, 0.9)
    ax.set_xticks(range(lo, hi + 1))
    ax.set_xlabel(labels.ui("year"))
    ax.grid(axis="y", visible=False)
    # in rows of three: a single row of six is wider than the axes in Chinese, and constrained layout, which lays out a
    # legend centred on the axes by shrinking them, then does not settle in one pass (the SVG cut the last entry off)
    _legend_below(ax, 0.55, ncol=3, title=labels.column("jurisdiction"))
    _title(ax, title, lang)
    first, last = dated.iloc[0], dated.iloc[-1]
    _alt(
        fig,
        labels,
        "alt_timeline",
        title=title or "",
        n=len(dated),
        first=numbers.date_text(first["date"], lang),
        last=numbers.date_text(last["date"], lang),
    )
    return fig


def _magnitude_axis(ax, labels: Labeller, unit: str) -> None:
    """Tick labels of a log axis in the reader's words (100 billion, 1000亿), not as powers of ten."""

    def fmt(x, _pos):
        if x <= 0:
            return ""
        if unit == "CNY":
            return labels.language.numbers["currency"].format(amount=numbers.magnitude(x, labels.language))
        return numbers.magnitude(x, labels.language)

    ax.xaxis.set_major_formatter(FuncFormatter(fmt))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda x, p: ""))


def indicator_chart(claims: pd.DataFrame, labels: Labeller, *, log: bool = True, ax=None, title: str | None = None) -> Figure:
    """Claims of one unit as a dot chart: one row per claim, marker and colour by kind, its value written beside it."""
    subject = labels.col("subject")
    data = claims.reset_index(drop=True)
    ticks = [_wrap(s, labels.language, "tick") for s in data[subject]] if not data.empty else []
    lines = sum(t.count("\n") + 1 for t in ticks)
    fig, ax = _axes(ax, (7.5, max(2.2, 0.22 * lines + 0.25 * len(data) + 1.4)))
    if data.empty:
        _empty(ax, labels)
        return fig
    heights = np.array([t.count("\n") + 1 for t in ticks])
    y = -np.concatenate([[0], np.cumsum(heights[:-1] * 0.5 + heights[1:] * 0.5 + 0.3)])
    markers = {"actual": "o", "target": "D", "forecast": "s"}
    for kind in labels.order("kind"):
        sel = (data["kind"] == kind).to_numpy()
        if sel.any():
            ax.scatter(
                data.loc[sel, "value"],
                y[sel],
                marker=markers[kind],
                s=46,
                color=theme.PALETTE[kind],
                label=labels("kind", kind),
                zorder=3,
            )
    items = []
    for yi, (_, row) in zip(y, data.iterrows()):
        year = f" ({int(row['ref_year'])})" if pd.notna(row["ref_year"]) else ""
        shown = numbers.shown(row, labels.lang)
        items.append((row[subject], f"{shown}{year}"))
        text = ax.annotate(
            f"{shown}{year}", (row["value"], yi), xytext=(7, 0), textcoords="offset points", va="center", fontsize=8, color=INK
        )
        _tip(fig, text, labels.say("alt_item", label=row[subject], value=f"{shown}{year}"))
    ax.set_yticks(y, ticks)
    ax.tick_params(axis="y", labelsize=8.5)
    unit = data["unit"].iloc[0] if data["unit"].nunique() == 1 else ""
    if log:
        ax.set_xscale("log")
        lo, hi = data["value"].min(), data["value"].max()
        ax.set_xlim(lo / 3, hi * 40)
        _magnitude_axis(ax, labels, unit)
    else:
        ax.set_xlim(0, data["value"].max() * 1.45)
        if unit == "percent":
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, p: numbers.percent(x, 0)))
    ax.set_ylim(y.min() - 0.8, 0.8)
    ax.set_xlabel(labels("unit", unit) if unit else labels.ui("value"))
    _legend_below(ax, 0.55, ncol=3)  # not over the plot: there it covered the value written beside the lowest dot
    _title(ax, title, labels.language)
    _alt(fig, labels, "alt_values", title=title or "", items=_items(labels, items))
    return fig


# ------------------------------------------------------------------ chapter 2


def count_comparison(table: pd.DataFrame, labels: Labeller, *, ax=None, title: str | None = None) -> Figure:
    """Bars of counts recounted from the cases, with the report's printed figure as a marker beside each.

    ``table`` has columns ``label``, ``recounted``, ``printed`` (NaN where the report prints none).
    """
    fig, ax = _axes(ax, (7, max(2.0, 0.36 * len(table) + 1.0)))
    if table.empty:
        _empty(ax, labels)
        return fig
    data = table.reset_index(drop=True)
    y = np.arange(len(data))[::-1]
    bars = ax.barh(y, data["recounted"], color=theme.PALETTE["coded"], label=labels.ui("coded"), height=0.6)
    printed = data["printed"].notna()
    ax.scatter(
        data.loc[printed, "printed"],
        y[printed.to_numpy()],
        marker="D",
        s=40,
        color=theme.PALETTE["printed"],
        label=labels.ui("printed"),
        zorder=3,
    )
    for yi, v, bar, (_, row) in zip(y, data["recounted"], bars, data.iterrows()):
        ax.annotate(f"{int(v)}", (v, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8, color=INK)
        said = labels.say(
            "tip_recount", recounted=int(v), printed=numbers.plain(row["printed"]) if pd.notna(row["printed"]) else "—"
        )
        _tip(fig, bar, labels.say("alt_item", label=row["label"], value=said))
    ax.set_yticks(y, [_wrap(str(s), labels.language, "bar") for s in data["label"]])
    ax.set_xlim(0, max(data["recounted"].max(), data["printed"].max(skipna=True) if printed.any() else 0) * 1.18 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(labels.ui("count"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    _title(ax, title, labels.language)
    _alt(
        fig,
        labels,
        "alt_values",
        title=title or "",
        items=_items(labels, list(zip(data["label"], data["recounted"].astype(int)))),
    )
    return fig


def _sequential(cmap: str, x: float):
    """A colour of a sequential map, from light (0) to dark (1), never white."""
    return plt.get_cmap(cmap)(0.1 + 0.8 * x)


def crosstab_heatmap(
    table: pd.DataFrame, labels: Labeller, *, ax=None, title: str | None = None, cmap: str = theme.SEQUENTIAL
) -> Figure:
    """A labelled count matrix (rows × columns) as an annotated heatmap: zero cells pale grey, text at full contrast."""
    rows = [_wrap(str(r), labels.language, "bar") for r in table.index]
    fig, ax = _axes(
        ax,
        (max(4.5, 1.15 * table.shape[1] + 3.2), max(2.2, 0.3 * table.shape[0] + 0.12 * sum(r.count("\n") for r in rows) + 1.3)),
    )
    if table.empty or table.to_numpy().sum() == 0:
        _empty(ax, labels)
        return fig
    values = table.to_numpy()
    top = max(int(values.max()), 1)
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            fill = "#f2f4f6" if v == 0 else _sequential(cmap, v / top)
            cell = Rectangle((j, i), 1, 1, facecolor=fill, edgecolor="white", linewidth=1.2)
            ax.add_patch(cell)
            _tip(fig, cell, labels.say("tip_cell", row=table.index[i], column=table.columns[j], n=int(v)))
            ax.text(j + 0.5, i + 0.5, f"{int(v)}", ha="center", va="center", fontsize=9, color=ink(fill))
    ax.set_xlim(0, values.shape[1])
    ax.set_ylim(values.shape[0], 0)
    ax.set_xticks(np.arange(values.shape[1]) + 0.5, [_wrap(str(c), labels.language, "column") for c in table.columns])
    ax.set_yticks(np.arange(values.shape[0]) + 0.5, rows)
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    _title(ax, title, labels.language)
    flat = sorted(
        ((int(values[i, j]), table.index[i], table.columns[j]) for i in range(values.shape[0]) for j in range(values.shape[1])),
        key=lambda t: -t[0],
    )
    cells = [(labels.say("cell_name", row=r, column=c), n) for n, r, c in flat if n > 0]
    _alt(fig, labels, "alt_cells", title=title or "", items=_items(labels, cells, 6), n=len(cells))
    return fig


#: Classes of the map's case counts: zero apart from one, then widening bins.
MAP_BINS = ((0, 0), (1, 1), (2, 3), (4, 7), (8, 15), (16, 31), (32, 10**9))


def map_classes(counts: pd.Series) -> list[tuple[int, int]]:
    """The bins of :data:`MAP_BINS` up to the largest count (at least zero and one)."""
    top = int(counts.max()) if len(counts) else 0
    return [b for b in MAP_BINS if b[0] <= max(top, 1)]


def city_map(
    geo: dict,
    cities: pd.DataFrame,
    counts: pd.Series,
    labels: Labeller,
    *,
    ax=None,
    title: str | None = None,
    highlight: str | None = None,
    links: dict[str, str] | None = None,
) -> Figure:
    """The 9+2 cities shaded by case count (classes, zero in grey), each labelled with its name and count.

    ``geo`` is the bundled GeoJSON; ``counts`` is indexed by city code (missing means 0); ``highlight`` outlines one
    city (for city profiles); ``links`` maps city codes to the pages a click on the city opens.
    """
    fig, ax = _axes(ax, (7, 5.6))
    counts = counts.reindex(cities["city_code"]).fillna(0).astype(int)
    classes = map_classes(counts)
    shades = ["#eceef1"] + [
        _sequential(theme.SEQUENTIAL, 0.25 + 0.75 * i / max(len(classes) - 2, 1)) for i in range(len(classes) - 1)
    ]

    def shade(n: int):
        return next(shades[i] for i, (lo, hi) in enumerate(classes) if lo <= n <= hi or (i == len(classes) - 1 and n >= lo))

    xs, ys = [], []
    for feat in sorted(geo["features"], key=lambda f: f["properties"]["city_code"]):
        code = feat["properties"]["city_code"]
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        n = int(counts.get(code, 0))
        rings = [np.asarray(poly[0]) for poly in polys]
        for ring in rings:
            xs += list(ring[:, 0])
            ys += list(ring[:, 1])
        # one shape per city, however many islands it has: one link, one stop for the keyboard, one name
        shape = Path.make_compound_path(*(Polygon(ring, closed=True).get_path() for ring in rings))
        patch = PathPatch(shape, facecolor=shade(n), edgecolor="white", linewidth=0.8)
        if links and code in links:
            patch.set_url(links[code])
        ax.add_patch(patch)
        _tip(fig, patch, labels.say("tip_city_one" if n == 1 else "tip_city", city=labels("city", code), n=n))
    if highlight:
        for feat in geo["features"]:
            if feat["properties"]["city_code"] == highlight:
                geom = feat["geometry"]
                polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
                for poly in polys:
                    ax.add_patch(
                        Polygon(np.asarray(poly[0]), closed=True, fill=False, edgecolor=theme.PALETTE["printed"], linewidth=2.2)
                    )
    offsets = {"hong_kong": (0.12, -0.12), "macao": (-0.02, -0.2), "shenzhen": (0.0, 0.02), "zhuhai": (-0.1, -0.05)}
    for _, row in cities.iterrows():
        dx, dy = offsets.get(row["city_code"], (0, 0))
        n = int(counts.get(row["city_code"], 0))
        ax.annotate(
            f"{labels('city', row['city_code'])}\n{n}",
            (row["lon"], row["lat"]),
            xytext=(row["lon"] + dx, row["lat"] + dy),
            ha="center",
            va="center",
            fontsize=8.5,
            color=INK,
            arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.6} if (dx or dy) else None,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    ax.set_xlim(min(xs) - 0.1, max(xs) + 0.1)
    ax.set_ylim(min(ys) - 0.1, max(ys) + 0.1)
    ax.set_aspect(1 / math.cos(math.radians(23)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    names = [f"{lo}" if lo == hi else (f"{lo}+" if hi >= 10**9 else f"{lo}–{hi}") for lo, hi in classes]
    ax.legend(
        handles=[Patch(facecolor=c, edgecolor="#999999", label=n) for c, n in zip(shades, names)],
        title=labels.ui("count"),
        loc="lower right",
        frameon=False,
        fontsize=8,
    )
    _title(ax, title, labels.language)
    ordered = sorted(((labels("city", c), int(counts.get(c, 0))) for c in cities["city_code"]), key=lambda t: -t[1])
    none = labels.language.list_sep.join(name for name, n in ordered if n == 0)
    some = [(name, n) for name, n in ordered if n > 0]
    _alt(fig, labels, "alt_map" if none else "alt_values", title=title or "", items=_items(labels, some, 11), none=none)
    return fig


# ------------------------------------------------------------------ chapters 3 and 4


def link_matrix(table: pd.DataFrame, labels: Labeller, *, ax=None, title: str | None = None) -> Figure:
    """Problem × recommendation matrix: the number of links, stated links marked with a bold outline.

    ``table``: rows = problems, columns = recommendations, values = link counts;
    ``table.attrs['stated']``: set of (row, column) pairs stated by the report.
    """
    fig = crosstab_heatmap(table, labels, ax=ax, title=title, cmap="Greens")
    ax = fig.axes[0] if ax is None else ax
    stated = table.attrs.get("stated", set())
    rows, cols = list(table.index), list(table.columns)
    for r, c in sorted(stated):
        if r in rows and c in cols:
            ax.add_patch(
                plt.Rectangle((cols.index(c), rows.index(r)), 1, 1, fill=False, edgecolor=theme.PALETTE["printed"], lw=2.2)
            )
    return fig


def _legend_below(ax, inches: float, **kwargs) -> None:
    """A frameless legend centred under ``ax``, ``inches`` below its bottom edge (room for the tick labels, and the axis
    label if any). A fixed distance, not a fraction of the axes' height: a fraction leaves a tall chart's legend far
    below its axis."""
    below = transforms.offset_copy(ax.transAxes, fig=ax.figure, y=-inches, units="inches")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, frameon=False, **kwargs)


#: How wide (in ems of the legend's text) a row of a legend under the axes may be: about the narrowest axes of our
#: figures (long category names beside the bars take the rest). A wider row is cut off at the figure's edge, and
#: constrained layout, shrinking the axes for a legend centred on them, does not settle in one pass.
LEGEND_ROW_EMS = 26


def _legend_columns(names: list[str], language: Language, most: int) -> int:
    """The most columns (up to ``most``) whose row of entries fits :data:`LEGEND_ROW_EMS`: a character is an em in a
    language written in characters, about half of one in a language of words; each entry adds its swatch and gaps."""
    per_char = 1.0 if language.wrap_style == "chars" else 0.5
    entry = max((len(n) for n in names), default=0) * per_char + 2.5
    return max(1, min(most, len(names), int(LEGEND_ROW_EMS // entry)))


def stacked_bars(
    table: pd.DataFrame,
    labels: Labeller,
    *,
    colours: dict[str, str] | None = None,
    ax=None,
    title: str | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Horizontal stacked bars: rows are categories, columns the stacked parts (already labelled)."""
    rows = [_wrap(str(i), labels.language, "bar") for i in table.index]
    lines = sum(r.count("\n") + 1 for r in rows)
    fig, ax = _axes(ax, (7, max(2.2, 0.3 * lines + 0.2 * len(table) + 1.3)))
    if table.empty or table.to_numpy().sum() == 0:
        _empty(ax, labels)
        return fig
    y = np.arange(len(table))[::-1]
    left = np.zeros(len(table))
    for col in table.columns:
        colour = (colours or {}).get(col)
        bars = ax.barh(y, table[col].to_numpy(), left=left, label=col, color=colour, height=0.62)
        for bar, (name, v) in zip(bars, table[col].items()):
            if v:
                _tip(fig, bar, labels.say("tip_cell", row=name, column=col, n=int(v)))
        left += table[col].to_numpy()
    for yi, total in zip(y, left):
        ax.annotate(f"{int(total)}", (total, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8, color=INK)
    ax.set_yticks(y, rows)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, left.max() * 1.12 + 0.5)
    ncol = _legend_columns([str(c) for c in table.columns], labels.language, most=4)
    _legend_below(ax, 0.55 if xlabel else 0.3, ncol=ncol)
    if xlabel:
        ax.set_xlabel(xlabel)
    _title(ax, title, labels.language)
    _alt(fig, labels, "alt_values", title=title or "", items=_items(labels, list(zip(table.index, left.astype(int)))))
    return fig


def count_panels(panels: list[tuple[str, pd.DataFrame]], labels: Labeller, *, title: str | None = None) -> Figure:
    """Several :func:`count_comparison` charts, one below the other (one per (title, table) pair)."""
    theme.use()
    heights = [max(1.6, 0.36 * len(t) + 0.9) for _, t in panels]
    fig = Figure(figsize=(7.5, sum(heights) + 0.6), layout="constrained")
    axes = fig.subplots(len(panels), 1, gridspec_kw={"height_ratios": heights})
    items = []
    for i, (ax, (sub, table)) in enumerate(zip(np.atleast_1d(axes), panels)):
        count_comparison(table, labels, ax=ax, title=sub)
        items += [(f"{sub}{labels.language.label_sep}{lab}", int(n)) for lab, n in zip(table["label"], table["recounted"])]
        if i and ax.get_legend():
            ax.get_legend().remove()
    if title:
        fig.suptitle(
            _wrap(title, labels.language, "title") if len(title) > labels.language.wrap["title"] else title, x=0.02, ha="left"
        )
    _alt(fig, labels, "alt_values", title=title or "", items=_items(labels, items, 12))
    return fig
