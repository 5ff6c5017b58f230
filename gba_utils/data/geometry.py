"""The boundaries the maps draw (``data/geo/gba_cities.geojson``), validated with the tables.

The file must parse as GeoJSON, hold one polygon (or multipolygon) feature for every city of ``cities.csv`` and no
other, and keep every coordinate inside a plausible box around the Greater Bay Area. A problem names the file, the
line (for JSON that does not parse), the feature's ``city_code`` and what was expected.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import Problem
from ..paths import shown
from .schema import GBA_LAT, GBA_LON, GEOMETRY


def _points(coordinates):
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield coordinates
        return
    for part in coordinates or ():
        yield from _points(part)


def check_geometry(directory: Path, cities=None) -> list[Problem]:
    """Problems of the geometry file; ``cities`` (the typed cities table, if it loaded) says which features must exist."""
    path = Path(directory) / GEOMETRY
    name = shown(directory, GEOMETRY)
    if not path.exists():
        return [Problem(name, None, None, None, "the boundaries of the 9+2 cities to exist (the maps draw them)", "file")]
    try:
        geo = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        return [Problem(name, None, None, None, f"UTF-8 text ({exc.reason})", "encoding")]
    except json.JSONDecodeError as exc:
        return [Problem(name, exc.lineno, None, None, f"valid JSON ({exc.msg}, column {exc.colno})", "geometry")]
    if not isinstance(geo, dict) or geo.get("type") != "FeatureCollection" or not isinstance(geo.get("features"), list):
        return [Problem(name, None, None, None, "a GeoJSON FeatureCollection with a list of features", "geometry")]
    problems, seen = [], []
    expected = set() if cities is None else set(cities["city_code"].dropna())
    for i, feature in enumerate(geo["features"]):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        code = props.get("city_code")
        where = f"feature {i}" + (f" ({code})" if code else "")
        if expected and code not in expected:
            problems.append(Problem(name, None, "city_code", code, f"a city of cities.csv ({where})", "geometry"))
        seen.append(code)
        geom = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(name, None, "geometry", None, f"a Polygon or MultiPolygon ({where})", "geometry"))
            continue
        for point in _points(geom.get("coordinates")):
            if (
                len(point) < 2
                or not all(isinstance(x, (int, float)) for x in point[:2])
                or not (GBA_LON[0] <= point[0] <= GBA_LON[1] and GBA_LAT[0] <= point[1] <= GBA_LAT[1])
            ):
                problems.append(
                    Problem(
                        name,
                        None,
                        "coordinates",
                        list(point[:2]),
                        f"longitude {GBA_LON[0]}-{GBA_LON[1]} and latitude {GBA_LAT[0]}-{GBA_LAT[1]} "
                        f"(the Greater Bay Area; {where})",
                        "geometry",
                    )
                )
                break
    for code in sorted(expected - set(seen)):
        problems.append(Problem(name, None, "city_code", code, "a feature for every city of cities.csv", "geometry"))
    for code in sorted({c for c in seen if c and seen.count(c) > 1}):
        problems.append(Problem(name, None, "city_code", code, "one feature per city", "geometry"))
    return problems
