"""Figure functions: each takes data (and an optional ``ax``), returns the Figure, saves nothing.

Labels come from a :class:`~gba_utils.labels.Labeller`, so every figure renders in
Chinese or English. Colours come from :mod:`gba_utils.theme`.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from .. import languages
from ..languages import Language
from . import theme
from .labels import Labeller


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
    return textwrap.fill(text, width)


def _title(ax, title: str | None, language: Language) -> None:
    if title:
        ax.set_title(_wrap(title, language, "title") if len(title) > language.wrap["title"] else title)


def format_value(value: float, unit: str, printed: str, lang: str) -> str:
    """The printed form where the language shows numbers as printed; else a normalised form (CNY 1.8 tn, 45 %, 2,500 EB)."""
    if languages.get(lang).number_style == "printed":
        return printed
    if unit == "CNY":
        for size, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
            if abs(value) >= size:
                return f"CNY {value / size:,.3g} {word}"
        return f"CNY {value:,.0f}"
    if unit == "percent":
        return f"{value:g} %"
    return f"{value:,.6g} {unit}" if unit not in ("count",) else f"{value:,.6g}"


EMPTY = "gba-empty"


def _empty(ax, labels: Labeller):
    """Mark a figure as having nothing to show (the report layer replaces it by a sentence)."""
    ax.figure.set_label(EMPTY)
    ax.text(0.5, 0.5, labels.ui("no_rows"), ha="center", va="center", transform=ax.transAxes, color=theme.PALETTE["neutral"])
    ax.set_xticks([])
    ax.set_yticks([])


def domain_colours(labels: Labeller) -> dict[str, str]:
    """Theme colour of each domain, keyed by its label (for figures whose columns are labelled domains)."""
    return {labels("domain", d): theme.PALETTE[d] for d in labels.order("domain")}


VERDICT_COLOURS = {"inconsistent": "#D55E00", "rounded_generously": "#E69F00", "cannot_check": "#999999", "consistent": "#0072B2"}


def verdict_colours(labels: Labeller) -> dict[str, str]:
    """Audit verdict colours keyed by label: inconsistent stands out, consistent recedes."""
    return {labels("verdict", v): c for v, c in VERDICT_COLOURS.items()}


# ------------------------------------------------------------------ chapter 1

JURISDICTION_ORDER = ("cn", "guangdong", "hong_kong", "macao")


def policy_timeline(policies: pd.DataFrame, labels: Labeller, *, ax=None, title: str | None = None) -> Figure:
    """Dated policies in date order, one row each, coloured by jurisdiction (cities share one colour)."""
    dated = policies[policies["date"].notna()].copy()
    fig, ax = _axes(ax, (9, max(2.4, 0.3 * len(dated) + 1.2)))
    if dated.empty:
        _empty(ax, labels)
        return fig
    parts = dated["date"].str.split("-")
    dated["t"] = parts.map(lambda p: int(p[0]) + ((int(p[1]) - 0.5) / 12 if len(p) > 1 else 0.5))
    dated["lane"] = dated["jurisdiction"].where(dated["jurisdiction"].isin(JURISDICTION_ORDER), "city")
    dated = dated.sort_values(["t", "policy_id"]).reset_index(drop=True)
    name = labels.col("name")
    longest = labels.language.wrap["timeline_label"]
    y = np.arange(len(dated))[::-1]
    lo, hi = math.floor(dated["t"].min()), math.ceil(dated["t"].max())
    for lane in JURISDICTION_ORDER + ("city",):
        sel = (dated["lane"] == lane).to_numpy()
        if sel.any():
            ax.scatter(
                dated.loc[sel, "t"],
                y[sel],
                s=40,
                color=theme.PALETTE[lane],
                zorder=3,
                edgecolor="white",
                label=labels("scope", lane) if lane != "city" else labels.ui("city"),
            )
    for yi, (_, row) in zip(y, dated.iterrows()):
        ax.hlines(yi, lo - 0.2, row["t"], color="#e3e6ea", lw=0.8, zorder=1)
        text = row[name] if len(row[name]) <= longest else row[name][: longest - 1] + "…"
        ax.annotate(f"{text} ({row['date']})", (row["t"], yi), xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks([])
    ax.set_xlim(lo - 0.2, hi + labels.language.figure["timeline_pad"])
    ax.set_ylim(-0.8, len(dated) - 0.2)
    ax.set_xticks(range(lo, hi + 1))
    ax.set_xlabel(labels.ui("year"))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper right", title=labels.column("jurisdiction"))
    _title(ax, title, labels.language)
    return fig


def indicator_chart(claims: pd.DataFrame, labels: Labeller, *, log: bool = True, ax=None, title: str | None = None) -> Figure:
    """Claims of one unit as a dot chart: one row per claim, marker and colour by kind, printed value as text."""
    fig, ax = _axes(ax, (9, max(2.2, 0.36 * len(claims) + 1.0)))
    if claims.empty:
        _empty(ax, labels)
        return fig
    subject = labels.col("subject")
    data = claims.reset_index(drop=True)
    y = np.arange(len(data))[::-1]
    markers = {"actual": "o", "target": "D", "forecast": "s"}
    for kind in labels.order("kind"):
        sel = data["kind"] == kind
        if sel.any():
            ax.scatter(
                data.loc[sel, "value"],
                y[sel.to_numpy()],
                marker=markers[kind],
                s=42,
                color=theme.PALETTE[kind],
                label=labels("kind", kind),
                zorder=3,
            )
    for yi, (_, row) in zip(y, data.iterrows()):
        year = f" ({int(row['ref_year'])})" if pd.notna(row["ref_year"]) else ""
        shown = format_value(
            row["value"],
            row["unit"],
            (row["qualifier_printed"] if isinstance(row["qualifier_printed"], str) else "") + row["value_printed"],
            labels.lang,
        )
        ax.annotate(f"{shown}{year}", (row["value"], yi), xytext=(7, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(y, [_wrap(s, labels.language, "tick") for s in data[subject]])
    if log:
        ax.set_xscale("log")
        lo, hi = data["value"].min(), data["value"].max()
        ax.set_xlim(lo / 3, hi * 30)
    else:
        ax.set_xlim(0, data["value"].max() * 1.35)
    ax.set_xlabel(labels("unit", data["unit"].iloc[0]) if data["unit"].nunique() == 1 else labels.ui("value"))
    ax.legend(loc="lower right", frameon=True)
    _title(ax, title, labels.language)
    return fig


# ------------------------------------------------------------------ chapter 2


def count_comparison(table: pd.DataFrame, labels: Labeller, *, ax=None, title: str | None = None) -> Figure:
    """Bars of counts recounted from the cases, with the report's printed figure as a marker beside each.

    ``table`` has columns ``label``, ``recounted``, ``printed`` (NaN where the report prints none).
    """
    fig, ax = _axes(ax, (7, max(2.0, 0.34 * len(table) + 1.0)))
    if table.empty:
        _empty(ax, labels)
        return fig
    data = table.reset_index(drop=True)
    y = np.arange(len(data))[::-1]
    ax.barh(y, data["recounted"], color=theme.PALETTE["coded"], label=labels.ui("coded"), height=0.6)
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
    for yi, v in zip(y, data["recounted"]):
        ax.annotate(f"{int(v)}", (v, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(y, data["label"])
    ax.set_xlim(0, max(data["recounted"].max(), data["printed"].max(skipna=True) if printed.any() else 0) * 1.18 + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(labels.ui("count"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    _title(ax, title, labels.language)
    return fig


def crosstab_heatmap(
    table: pd.DataFrame, labels: Labeller, *, ax=None, title: str | None = None, cmap: str = theme.SEQUENTIAL
) -> Figure:
    """A labelled count matrix (rows × columns) as an annotated heatmap; zeros shown light."""
    fig, ax = _axes(ax, (max(4.5, 1.1 * table.shape[1] + 3), max(2.2, 0.26 * table.shape[0] + 1.2)))
    if table.empty or table.to_numpy().sum() == 0:
        _empty(ax, labels)
        return fig
    sns.heatmap(
        table, annot=True, fmt="d", cmap=cmap, cbar=False, linewidths=0.5, linecolor="white", ax=ax, annot_kws={"fontsize": 8}
    )
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=0)
    ax.tick_params(axis="y", rotation=0)
    _title(ax, title, labels.language)
    return fig


def city_map(
    geo: dict,
    cities: pd.DataFrame,
    counts: pd.Series,
    labels: Labeller,
    *,
    ax=None,
    title: str | None = None,
    highlight: str | None = None,
) -> Figure:
    """The 9+2 cities shaded by case count, each labelled with its name and count.

    ``geo`` is the bundled GeoJSON; ``counts`` is indexed by city code (missing means 0).
    ``highlight`` outlines one city (for city profiles).
    """
    fig, ax = _axes(ax, (7.5, 5.6))
    counts = counts.reindex(cities["city_code"]).fillna(0).astype(int)
    vmax = max(int(counts.max()), 1)
    cmap = plt.get_cmap(theme.SEQUENTIAL)
    patches, colours = [], []
    for feat in sorted(geo["features"], key=lambda f: f["properties"]["city_code"]):
        code = feat["properties"]["city_code"]
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            patches.append(Polygon(np.asarray(poly[0]), closed=True))
            colours.append(cmap(0.12 + 0.78 * counts.get(code, 0) / vmax))
    ax.add_collection(PatchCollection(patches, facecolor=colours, edgecolor="white", linewidth=0.8))
    if highlight:
        for feat in geo["features"]:
            if feat["properties"]["city_code"] == highlight:
                geom = feat["geometry"]
                polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
                for poly in polys:
                    ax.add_patch(
                        Polygon(np.asarray(poly[0]), closed=True, fill=False, edgecolor=theme.PALETTE["printed"], linewidth=2)
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
            fontsize=8,
            arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.6} if (dx or dy) else None,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )
    xs = [pt[0] for p in patches for pt in p.get_xy()]
    ys = [pt[1] for p in patches for pt in p.get_xy()]
    ax.set_xlim(min(xs) - 0.1, max(xs) + 0.1)
    ax.set_ylim(min(ys) - 0.1, max(ys) + 0.1)
    ax.set_aspect(1 / math.cos(math.radians(23)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, vmax))
    cb = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.01)
    cb.set_label(labels.ui("count"))
    _title(ax, title, labels.language)
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
                plt.Rectangle((cols.index(c), rows.index(r)), 1, 1, fill=False, edgecolor=theme.PALETTE["printed"], lw=2)
            )
    return fig


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
    fig, ax = _axes(ax, (7.5, max(2.2, 0.4 * len(table) + 1.2)))
    if table.empty or table.to_numpy().sum() == 0:
        _empty(ax, labels)
        return fig
    y = np.arange(len(table))[::-1]
    left = np.zeros(len(table))
    for col in table.columns:
        colour = (colours or {}).get(col)
        ax.barh(y, table[col].to_numpy(), left=left, label=col, color=colour, height=0.62)
        left += table[col].to_numpy()
    ax.set_yticks(y, [_wrap(str(i), labels.language, "bar") for i in table.index])
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, left.max() * 1.1 + 0.5)
    ax.legend(loc="lower right")
    if xlabel:
        ax.set_xlabel(xlabel)
    _title(ax, title, labels.language)
    return fig


def count_panels(panels: list[tuple[str, pd.DataFrame]], labels: Labeller, *, title: str | None = None) -> Figure:
    """Several :func:`count_comparison` charts side by side (one per (title, table) pair)."""
    theme.use()
    heights = [max(1.6, 0.34 * len(t) + 0.9) for _, t in panels]
    fig = Figure(figsize=(9, sum(heights) + 0.6), layout="constrained")
    axes = fig.subplots(len(panels), 1, gridspec_kw={"height_ratios": heights})
    for i, (ax, (sub, table)) in enumerate(zip(np.atleast_1d(axes), panels)):
        count_comparison(table, labels, ax=ax, title=sub)
        if i and ax.get_legend():
            ax.get_legend().remove()
    if title:
        fig.suptitle(_wrap(title, labels.language, "title") if len(title) > 70 else title)
    return fig
