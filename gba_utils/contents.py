"""The site's table of contents: which notebooks make pages, in which order.

Everything that lists notebooks (the build plan, page navigation, the index, the figure map, the tests) reads them from
here. Languages come from :mod:`gba_utils.languages`; editions and city codes from the data (:mod:`gba_utils.data.codes`).
"""

from __future__ import annotations

#: The front page of each language's edition (``zh/index.html``): part of every site.
FRONT = "index"
#: The chapter notebooks in reading order; each links to the previous and next one.
CHAPTERS: tuple[str, ...] = ("00_overview", "01_background", "02_cases", "03_problems", "04_recommendations", "05_audit")
#: The notebook built once per city (``--city-profiles``); its pages link city to city.
PROFILE = "10_city_profile"
#: Every committed notebook: the front page, the chapters, then the city profile.
ALL_NOTEBOOKS: tuple[str, ...] = (FRONT,) + CHAPTERS + (PROFILE,)


def page_name(notebook: str, named: list[tuple[str, object]] | tuple = ()) -> str:
    """A page's file name without ``.html``: the notebook, then each parameter that differs from its default
    (``02_cases__city-shenzhen``). The one place page names are made (:attr:`gba_utils.pipeline.plan.Job.slug`)."""
    return "__".join([notebook] + [f"{k}-{v}" for k, v in named])


#: The report reproduced: its title as printed on the cover, and the publisher's site as printed on its last page
#: (www.pwccn.com; the report's own download page is reached from there).
REPORT_TITLE_ZH = "粤港澳大湾区数字治理研究报告2022"
REPORT_URL = "https://www.pwccn.com/"

#: The pages of a language that its PDF edition holds, in order: the front page and every chapter (the city profiles
#: are views of the same data by city and stay on the site).
EDITION_PAGES: tuple[str, ...] = (FRONT,) + CHAPTERS


def pdf_edition(lang: str) -> str:
    """The PDF edition of one language, by its path in the site (``pdf/gba-digital-governance-zh.pdf``)."""
    return f"pdf/gba-digital-governance-{lang}.pdf"
