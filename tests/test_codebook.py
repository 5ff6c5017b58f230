"""datapackage.json and the codebook are generated from the schema and stay in step with it."""

import json

from helpers import read_rows

from gba_utils import paths
from gba_utils.data import codebook
from gba_utils.data.schema import TABLES
from gba_utils.pipeline import figure_map


def test_datapackage_is_up_to_date():
    on_disk = json.loads((paths.DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert on_disk == codebook.datapackage(), "run `make datapackage`"


def test_codebook_in_data_readme_is_up_to_date():
    text = (paths.DATA / "README.md").read_text(encoding="utf-8")
    inside = text.split(codebook.BEGIN, 1)[1].split(codebook.END, 1)[0]
    assert inside.strip() == codebook.codebook_markdown().strip(), "run `make datapackage`"


def test_every_column_is_documented_in_both_languages():
    for table in TABLES:
        assert table.description_en and table.description_zh
        for f in table.fields:
            assert f.en and f.zh, (table.name, f.name)


def test_resources_match_the_files():
    pkg = codebook.datapackage()
    for res in pkg["resources"]:
        header = read_rows(paths.DATA / res["path"])[0]
        assert header == [f["name"] for f in res["schema"]["fields"]], res["path"]


def test_frictionless_reads_and_validates_the_package():
    from frictionless import validate

    report = validate(str(paths.DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]


def test_readme_figure_map_is_up_to_date():
    text = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    inside = text.split(figure_map.BEGIN, 1)[1].split(figure_map.END, 1)[0]
    assert inside.strip() == figure_map.figure_map_markdown().strip(), "run `make datapackage`"


def test_figure_map_points_at_pages_the_build_makes_and_notebooks_that_make_them():
    """Every row of the README's map: its page is one `make reports` writes, its notebook shows that output."""
    import re

    from gba_utils.data.codes import city_codes
    from gba_utils.pipeline.plan import plan
    from gba_utils.research.outputs import ITEMS

    built = {f"reports/{j.page}" for j in plan(city_profiles=True)}
    rows = [line.split(" | ") for line in figure_map.figure_map_markdown().splitlines()[2:]]
    assert len(rows) == len(ITEMS)
    for item, row in zip(ITEMS, rows):
        page = row[-1].strip(" |`")
        expanded = {page.replace("{zh,en}", lang).replace("<code>", c) for lang in ("zh", "en") for c in city_codes()}
        assert expanded <= built, (item.key, sorted(expanded - built)[:3])
        source = (paths.NOTEBOOKS / f"{item.notebook}.ipynb").read_text(encoding="utf-8")
        assert re.search(rf'R\.{item.kind}\(\\"{re.escape(item.key)}\\"', source), (item.key, item.notebook)
