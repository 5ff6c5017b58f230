"""The committed notebooks: thin, parameterised, bilingual, and free of run-dependent noise."""

import re

import nbformat
import pytest

from gba_utils import paths
from gba_utils.contents import ALL_NOTEBOOKS as NOTEBOOK_ORDER
from gba_utils.contents import FRONT
from gba_utils.pipeline.plan import declared_parameters
from gba_utils.research.outputs import ITEMS
from gba_utils.research.params import PARAMETERS

NOTEBOOKS = {name: nbformat.read(paths.NOTEBOOKS / f"{name}.ipynb", as_version=4) for name in NOTEBOOK_ORDER}


@pytest.mark.parametrize("name", NOTEBOOK_ORDER)
def test_one_parameters_cell_with_the_defaults(name):
    nb = NOTEBOOKS[name]
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    declared = declared_parameters(paths.NOTEBOOKS / f"{name}.ipynb")
    # the front page speaks for the whole site, so it takes no view of it (no city, no domain, the data as coded)
    names = [p for p in PARAMETERS if name != FRONT or p not in ("city", "domain", "decisions")]
    assert declared == {p: PARAMETERS[p].default for p in names}


@pytest.mark.parametrize("name", NOTEBOOK_ORDER)
def test_narrative_in_both_languages(name):
    nb = NOTEBOOKS[name]
    zh = [c for c in nb.cells if "lang-zh" in c.metadata.get("tags", [])]
    en = [c for c in nb.cells if "lang-en" in c.metadata.get("tags", [])]
    assert len(zh) == len(en) > 0
    assert zh[0].source.startswith("# ") and en[0].source.startswith("# ")
    untagged = [c for c in nb.cells if c.cell_type == "markdown" and not {"lang-zh", "lang-en"} & set(c.metadata.get("tags", []))]
    assert not untagged


@pytest.mark.parametrize("name", NOTEBOOK_ORDER)
def test_thin_code_prose_outnumbers_code(name):
    nb = NOTEBOOKS[name]
    code = [c for c in nb.cells if c.cell_type == "code"]
    prose = [c for c in nb.cells if c.cell_type == "markdown" and "lang-en" in c.metadata.get("tags", [])]
    assert all(len(c.source.splitlines()) <= 8 for c in code)
    assert sum(len(c.source) for c in prose) > sum(len(c.source) for c in code if "parameters" not in c.metadata.get("tags", []))
    assert not any(re.search(r"\b(def|class|for|while)\b", c.source) for c in code), "logic belongs in gba_utils"


@pytest.mark.parametrize("name", NOTEBOOK_ORDER)
def test_committed_outputs_are_clean(name):
    text = (paths.NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8")
    assert not re.search(r'0x[0-9a-f]{8,}|"execution": \{|"iopub\.|"start_time"|"end_time"|"papermill"', text)
    assert str(paths.ROOT) not in text
    nb = NOTEBOOKS[name]
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error"
            assert not (out.output_type == "stream" and out.name == "stderr"), out.text
    assert any(cell.get("outputs") for cell in nb.cells), "notebooks are committed with their outputs"


def test_catalogue_items_each_appear_once_in_their_notebook():
    for item in ITEMS:
        src = "\n".join(c.source for c in NOTEBOOKS[item.notebook].cells if c.cell_type == "code")
        assert len(re.findall(rf'R\.{item.kind}\("{re.escape(item.key)}"', src)) == 1, item.key
        made = [
            out.metadata["gba"]
            for c in NOTEBOOKS[item.notebook].cells
            for out in c.get("outputs", [])
            if out.get("metadata", {}).get("gba", {}).get("key") == item.key
        ]
        assert [m["kind"] for m in made if m["kind"] != "caption"] == [item.kind], item.key


def test_every_figure_output_carries_its_image_hash():
    for name, nb in NOTEBOOKS.items():
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if "image/png" in out.get("data", {}):
                    assert "image/svg+xml" in out.data, name  # sharp at any zoom; the PNG is for other viewers
                    assert re.search(r"svg sha256 [0-9a-f]{16}$", out.data["text/plain"]), name
                    assert out.metadata["image/png"]["alt"]


@pytest.mark.parametrize("name", NOTEBOOK_ORDER)
def test_in_jupyterlab_the_other_language_is_collapsed(name):
    """The committed language's narrative shows; the other's is collapsed (one click opens it), set by refresh."""
    from gba_utils import languages

    default = declared_parameters(paths.NOTEBOOKS / f"{name}.ipynb")["lang"]
    for cell in NOTEBOOKS[name].cells:
        if cell.cell_type == "markdown":
            hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
            assert hidden == (languages.get(default).tag not in cell.metadata["tags"]), cell.source[:40]


#: A count of things the data holds, written by hand: a number (or number word) next to a noun the data counts.
HAND_COUNT_EN = re.compile(
    r"(?<![+\d])\b(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:[\w-]+\s+)?"
    r"(cases?|problem areas?|areas|sub-problems?|recommendations?|measures?|cities|policies|checks?|claims?|verdicts?)\b",
    re.I,
)
# ("one"/"一" alone is an article as often as a count: "a city", 一个城市; it is left out)
HAND_COUNT_ZH = re.compile(
    r"([0-9]+|[一二三四五六七八九十两]{2,}|[二三四五六七八九十两])(个|类|项|件|座|条|种)(问题|领域|建议|措施|案例|城市|政策|检验|结论|短板)"
)
HAND_NUMBER = re.compile(r"(Figure|Table|Fig\.)\s*\d+|[图表]\s*\d+")
REFERENCE = re.compile(r"\[[^\]]*\]\(#(?:fig|tab|fact):[^)]+\)")


@pytest.mark.parametrize("name", NOTEBOOK_ORDER)
def test_no_hand_written_numbers_of_outputs_or_counts_in_the_narrative(name):
    """Figure and table numbers come from the catalogue, counts from the data: written as references
    ([Figure 3](#fig:key), [4 problem areas](#fact:n_areas)), which `gba-report refresh` fills in."""
    for cell in NOTEBOOKS[name].cells:
        if cell.cell_type != "markdown":
            continue
        prose = REFERENCE.sub("", cell.source)
        assert not HAND_NUMBER.search(prose), (name, HAND_NUMBER.search(prose).group())
        for pattern in (HAND_COUNT_EN, HAND_COUNT_ZH):
            assert not pattern.search(prose), (name, pattern.search(prose).group())


def test_the_hand_count_check_catches_what_it_should():
    assert HAND_COUNT_EN.search("the four problem areas") and HAND_COUNT_EN.search("all 34 cases")
    assert HAND_COUNT_ZH.search("归为四个领域") and HAND_COUNT_ZH.search("34个案例")
    assert HAND_NUMBER.search("see Table 3") and HAND_NUMBER.search("如图6所示")
    assert not HAND_COUNT_EN.search("in [4 problem areas](#fact:n_areas)".replace("[4 problem areas](#fact:n_areas)", ""))
