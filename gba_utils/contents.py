"""The site's table of contents: which notebooks make pages, in which order.

Everything that lists notebooks (the build plan, page navigation, the index, the figure map, the tests) reads them from
here. Languages come from :mod:`gba_utils.languages`; editions and city codes from the data (:mod:`gba_utils.data.codes`).
"""

from __future__ import annotations

#: The chapter notebooks in reading order; each links to the previous and next one.
CHAPTERS: tuple[str, ...] = ("00_overview", "01_background", "02_cases", "03_problems", "04_recommendations", "05_audit")
#: The notebook built once per city (``--city-profiles``); its pages link city to city.
PROFILE = "10_city_profile"
#: Every committed notebook: the chapters, then the city profile.
ALL_NOTEBOOKS: tuple[str, ...] = CHAPTERS + (PROFILE,)
