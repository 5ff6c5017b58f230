"""Figure functions: take data and an optional ax, return a Figure, save nothing, warn about nothing."""

import logging

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from gba_utils import analysis as A
from gba_utils import figures as F
from gba_utils import languages, theme
from gba_utils.research.images import png_bytes, svg_and_png, svg_bytes
from gba_utils.research.labels import Labeller


@pytest.fixture(scope="module", params=["zh", "en"])
def labels(request, ds):
    return Labeller.of(ds, request.param)


@pytest.fixture(autouse=True)
def no_font_warnings(caplog):
    """matplotlib reports a missing glyph or font through logging and warnings: both must stay silent."""
    with caplog.at_level(logging.WARNING, logger="matplotlib"):
        yield
    assert not [r for r in caplog.records if r.name.startswith("matplotlib")], caplog.text


def all_figures(ds, labels, title=None):
    import json

    rec = A.recount(ds.cases, ds.claims, ds.case_aggregates)
    geo = json.loads((ds.directory / "geo" / "gba_cities.geojson").read_text(encoding="utf-8"))
    return {
        "timeline": lambda ax=None: F.policy_timeline(ds.policies, labels, ax=ax, title=title or "t"),
        "indicators": lambda ax=None: F.indicator_chart(
            A.select_claims(ds.claims, ("1",), units=("CNY",)), labels, ax=ax, title=title
        ),
        "comparison": lambda ax=None: F.count_comparison(A.place_counts(rec, labels), labels, ax=ax, title=title),
        "heatmap": lambda ax=None: F.crosstab_heatmap(
            A.crosstab(ds.cases, "domain", "tier", labels, "domain", "tier"), labels, ax=ax, title=title
        ),
        "map": lambda ax=None: F.city_map(
            geo, ds.cities, ds.cases["city_code"].value_counts(), labels, ax=ax, highlight="shenzhen", title=title
        ),
        "matrix": lambda ax=None: F.link_matrix(
            A.link_matrix(ds.problem_recommendation, ds.problems, ds.recommendations, labels), labels, ax=ax, title=title
        ),
        "stacked": lambda ax=None: F.stacked_bars(
            A.practice_by_rec(ds.case_links, ds.cases, ds.measures, ds.recommendations, labels), labels, ax=ax, title=title
        ),
    }


def test_each_figure_returns_a_figure_and_accepts_an_ax(ds, labels):
    for name, make in all_figures(ds, labels).items():
        fig = make()
        assert isinstance(fig, Figure), name
        host = Figure()
        ax = host.add_subplot()
        assert make(ax=ax) is host, name
        png_bytes(fig)


def test_png_is_byte_stable(ds, labels):
    figs = all_figures(ds, labels)
    for name in ("timeline", "map"):
        assert png_bytes(figs[name]()) == png_bytes(figs[name]()), name


def test_svg_and_png_share_one_layout_and_leave_the_figure_as_given(ds, labels):
    """The PNG is drawn with the SVG's layout: the axes do not move between the two images, the figure keeps its
    layout engine, and the pair is byte-stable. The timeline is the figure a second layout would move (its layout is
    not a fixed point), the map one it would not."""
    figs = all_figures(ds, labels)
    for name in ("timeline", "map", "heatmap"):
        alone = figs[name]()
        svg_bytes(alone)
        laid_out = [ax.get_position().bounds for ax in alone.axes]
        fig = figs[name]()
        engine = type(fig.get_layout_engine())
        pair = svg_and_png(fig)
        assert [ax.get_position().bounds for ax in fig.axes] == laid_out, name
        assert type(fig.get_layout_engine()) is engine, name
        assert pair == svg_and_png(figs[name]()), name
        assert pair[0] == svg_bytes(figs[name]()), name  # the SVG is what svg_bytes alone makes


def test_layout_settles_in_one_pass_and_no_legend_or_text_is_cut_off(ds, labels):
    """Constrained layout runs on every draw: a figure whose first layout is not where a second one would leave it
    (the timeline's one-row legend was) is drawn one way in the SVG and another way in any later draw, and a legend
    wider than the room it was given runs off the figure."""
    longest = max(languages.get(labels.lang).titles.values(), key=len)  # the real titles' longest, as pages draw it
    for name, make in all_figures(ds, labels, title=longest).items():
        fig = make()
        svg_bytes(fig)
        first = [v for ax in fig.axes for v in ax.get_position().bounds]
        svg_bytes(fig)
        again = [v for ax in fig.axes for v in ax.get_position().bounds]
        assert again == pytest.approx(first, abs=0.005), name
        renderer = FigureCanvasAgg(fig).get_renderer()
        legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
        ticks = {  # tick labels are judged with their axes, whose box holds only the ticks drawn (in view)
            label
            for ax in fig.axes
            for axis in (ax.xaxis, ax.yaxis)
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]
            for label in (tick.label1, tick.label2)
        }
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and t not in ticks]
        for artist in [*fig.axes, *legends, *texts]:
            box = artist.get_tightbbox(renderer) if artist in fig.axes else artist.get_window_extent(renderer)
            inside = box.x0 >= -3 and box.y0 >= -3 and box.x1 <= fig.bbox.x1 + 3 and box.y1 <= fig.bbox.y1 + 3  # 3 px: a descent
            assert inside, (name, getattr(artist, "get_text", str)(), box)


def test_the_png_keeps_the_margins_the_svg_was_laid_out_with(ds, labels):
    """The PNG is drawn with the SVG's layout; its text must take the room the layout measured, so no label comes
    closer to the edge than the layout's padding allows (hinted text at twice the density drew one of chapter 2's
    labels 4 px wider, to 1 px from the edge)."""
    import io

    import numpy as np
    from PIL import Image

    from gba_utils.research.images import svg_and_png

    cases = A.recount(ds.cases, ds.claims, ds.case_aggregates)
    figs = all_figures(ds, labels, title=max(languages.get(labels.lang).titles.values(), key=len))
    figs["comparison"] = lambda: F.count_comparison(A.place_counts(cases, labels), labels, title=labels.lang)
    for name, make in figs.items():
        fig = make()
        grey = np.asarray(Image.open(io.BytesIO(svg_and_png(fig)[1])).convert("L"))
        inked = np.where(grey.min(axis=0) < 200)[0]
        margins = (inked[0], grey.shape[1] - 1 - inked[-1])
        assert min(margins) >= 6, (name, margins)  # 3 px of the page's figure at twice its density


def test_png_is_a_palette_image_laid_on_white():
    import io

    from PIL import Image

    fig = Figure(figsize=(2, 1))
    fig.patch.set_alpha(0.0)  # a transparent background must not turn black in the palette
    fig.add_subplot().bar([0, 1], [1, 2], color="#0072B2")
    with Image.open(io.BytesIO(png_bytes(fig))) as im:
        assert im.mode == "P"
        rgb = im.convert("RGB")
        assert rgb.getpixel((0, 0)) == (255, 255, 255)
        assert (0x00, 0x72, 0xB2) in {c for _, c in rgb.getcolors(256)}  # flat colours survive exactly


def test_palette_keeps_an_image_of_few_colours_exactly_and_the_most_frequent_of_many():
    import numpy as np
    from PIL import Image

    from gba_utils.research.images import palette_image

    few = Image.new("RGB", (30, 20), (255, 255, 255))
    few.paste((0, 114, 178), (0, 0, 10, 10))
    few.paste((213, 94, 0), (10, 10, 20, 20))
    assert np.array_equal(np.asarray(palette_image(few).convert("RGB")), np.asarray(few))

    # 300 colours: a large flat field, 255 mid-sized blocks and 44 single "edge" pixels, each one step from a block
    many = np.full((40, 400, 3), 250, dtype=np.uint8)
    for k in range(255):
        many[0:4, k, :] = (k, 0, 200)
    for k in range(44):
        many[10, k, :] = (k, 1, 200)  # nearest kept colour: (k, 0, 200)
    rgb = Image.fromarray(many, "RGB")
    out = palette_image(rgb)
    assert out.mode == "P" and len(rgb.getcolors(1000)) == 300
    back = np.asarray(out.convert("RGB"))
    assert np.array_equal(back[0:4], many[0:4]) and np.array_equal(back[20:], many[20:])  # frequent colours exact
    assert [tuple(back[10, k]) for k in range(44)] == [(k, 0, 200) for k in range(44)]  # rare ones: the nearest kept
    assert palette_image(rgb).tobytes() == out.tobytes()


def test_empty_data_draws_a_note_not_an_error(ds, labels):
    empty = ds.claims.iloc[0:0]
    fig = F.indicator_chart(empty, labels)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert labels.ui("no_rows") in texts


def test_chinese_is_drawn_with_the_bundled_font(labels):
    from matplotlib import font_manager

    theme.use()
    found = font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.sans-serif"]))
    assert found == str(theme.font_path())
    fig = Figure()
    fig.add_subplot().set_title("广州深圳港澳 數字")
    png_bytes(fig)  # a missing glyph would log a warning (checked by the fixture)


def test_english_values_are_normalised():
    from gba_utils.research.numbers import rendered

    assert rendered(1.8e12, "CNY", "exact", "en") == "CNY 1.8 trillion"
    assert rendered(5e10, "CNY", "over", "en") == "over CNY 50 billion"


def test_the_map_links_each_city_once_and_the_link_names_it(ds, labels):
    """One link per city (a city of many islands is one shape), its <title> inside the link: the name a screen reader
    reads and the tooltip on hover or focus, in the figure's language; links open in the same window."""
    import json
    import re
    from html import unescape

    from gba_utils.research.images import svg_bytes

    geo = json.loads((ds.directory / "geo" / "gba_cities.geojson").read_text(encoding="utf-8"))
    counts = ds.cases["city_code"].value_counts()
    links = {c: f"10_city_profile__city-{c}.html" for c in ds.cities["city_code"]}
    svg = svg_bytes(F.city_map(geo, ds.cities, counts, labels, links=links)).decode("utf-8")
    found = dict(re.findall(r'<a xlink:href="10_city_profile__city-(\w+)\.html">\s*<title>([^<]*)</title>', svg))
    assert len(re.findall(r"<a ", svg)) == len(found) == len(ds.cities)
    for code, title in found.items():
        n = int(counts.get(code, 0))
        key = "tip_city_one" if n == 1 else "tip_city"
        assert unescape(title) == labels.say(key, city=labels("city", code), n=n)
    assert "target=" not in svg


def test_every_cell_and_bar_tells_its_exact_value(ds, labels):
    import re
    from html import unescape

    from gba_utils.research.images import svg_bytes

    table = A.crosstab(ds.cases, "domain", "tier", labels, "domain", "tier")
    titles = [unescape(t) for t in re.findall(r"<title>([^<]*)</title>", svg_bytes(F.crosstab_heatmap(table, labels)).decode())]
    expected = [labels.say("tip_cell", row=r, column=c, n=int(table.loc[r, c])) for r in table.index for c in table.columns]
    assert titles == expected
    stacked = A.practice_by_rec(ds.case_links, ds.cases, ds.measures, ds.recommendations, labels)
    titles = [unescape(t) for t in re.findall(r"<title>([^<]*)</title>", svg_bytes(F.stacked_bars(stacked, labels)).decode())]
    expected = [
        labels.say("tip_cell", row=r, column=c, n=int(stacked.loc[r, c]))
        for c in stacked.columns
        for r in stacked.index
        if stacked.loc[r, c]
    ]
    assert titles == expected


def test_the_table_behind_a_chart_marks_only_words_in_the_other_language():
    """The keyboard's and screen reader's route to a chart's values: numbers are read in the page's language; a name
    kept in Chinese on an English page is marked as Chinese."""
    from gba_utils import languages
    from gba_utils.pipeline import exhibits

    table = exhibits._data_table(",Cases\nDigital government,12\n粤省心,3\n", languages.get("en"))
    assert "<td>12</td>" in table and "<td>3</td>" in table
    assert '<td><span lang="zh-Hans">粤省心</span></td>' in table


def test_a_title_too_wide_for_its_room_is_filled_afresh_to_the_room():
    from gba_utils.languages import get
    from gba_utils.research.figures import _fit

    en, zh = get("en"), get("zh")
    assert _fit("aa bb cc", "aa bb cc", en, room=8, width=len) == "aa bb cc"  # fits: as wrapped
    assert _fit("aa bb cc dd", "aa bb cc\ndd", en, room=5, width=len) == "aa bb\ncc dd"  # not line by line
    assert _fit("甲乙丙丁戊", "甲乙丙丁戊", zh, room=2, width=len) == "甲乙\n丙丁\n戊"
