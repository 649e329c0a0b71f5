"""``ecer air aqi`` and ``ecer water classify`` end to end, against figures worked from the tables."""

from __future__ import annotations

from pathlib import Path

AIR_HEADER = "station,date,SO2,NO2,PM10,CO,O3_1h,O3_8h,PM2_5\n"
WATER_HEADER = "section,date,kind,pH,DO,CODMn,COD,BOD5,NH3N,TP,TN,coliform\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_air_aqi_json(tmp_path: Path, cli) -> None:
    """HJ 633-2012 表1: PM2.5 80 → 107, CO 2.2 → 55 (exactly), NO2 30 → 38, O3 1h 120 → 38, O3 8h 90 → 45,
    PM10 60 → 55, SO2 10 → 10; AQI 107 (轻度污染, level 3), primary PM2_5. Second row: all ≤ 50 → no primary."""
    path = _write(tmp_path, "air.csv", AIR_HEADER
                  + "江北,2025-01-01,10,30,60,2.2,120,90,80\n"
                  + "江南,2025-01-02,5,,20,,,,10\n")
    r = cli("air", "aqi", path, "--json")
    assert r.exit_code == 0, r.stderr
    first, second = r.json()
    assert first == {
        "station": "江北", "date": "2025-01-01", "aqi": 107, "category": "轻度污染", "level": 3,
        "primary_pollutants": ["PM2_5"],
        "iaqi": {"SO2": 10, "NO2": 38, "PM10": 55, "CO": 55, "O3_1h": 38, "O3_8h": 45, "PM2_5": 107},
    }
    assert second["iaqi"] == {"SO2": 5, "PM10": 20, "PM2_5": 15}  # blank = not measured, no key
    assert (second["aqi"], second["category"], second["level"], second["primary_pollutants"]) == (20, "优", 1, [])
    assert isinstance(first["aqi"], int)


def test_air_aqi_breakpoint_row_and_tie(tmp_path: Path, cli) -> None:
    """PM10 150 and PM2.5 75 are both exactly IAQI 100: AQI 100 (良), both primary, in column order."""
    path = _write(tmp_path, "air.csv", AIR_HEADER + "A,2025-02-01,,,150,,,,75\n")
    row = cli("air", "aqi", path, "--json").json()[0]
    assert row["aqi"] == 100
    assert row["category"] == "良"
    assert row["primary_pollutants"] == ["PM10", "PM2_5"]


def test_air_aqi_o3_8h_beyond_table(tmp_path: Path, cli) -> None:
    """表1 注(3): O3 8h 820 is not computed; O3 1h 900 → 350 is used (严重污染, level 6)."""
    path = _write(tmp_path, "air.csv", AIR_HEADER + "A,2025-07-01,,,,,900,820,\n")
    row = cli("air", "aqi", path, "--json").json()[0]
    assert row["iaqi"] == {"O3_1h": 350, "O3_8h": 350}
    assert (row["aqi"], row["level"], row["category"]) == (350, 6, "严重污染")


def test_air_aqi_columns_may_be_a_subset(tmp_path: Path, cli) -> None:
    path = _write(tmp_path, "air.csv", "station,date,PM2_5\nA,2025-01-01,35\n")
    assert cli("air", "aqi", path, "--json").json()[0]["aqi"] == 50


def test_air_aqi_unknown_header(tmp_path: Path, cli) -> None:
    path = _write(tmp_path, "air.csv", "station,date,PM25\nA,2025-01-01,35\n")
    r = cli("air", "aqi", path, "--json")
    assert r.exit_code == 1
    problem = r.json()[0]
    assert (problem["code"], problem["row"], problem["column"]) == ("IMPORT_UNKNOWN_COLUMN", 1, "PM25")


def test_air_aqi_bad_cells_all_reported(tmp_path: Path, cli) -> None:
    """A non-number and a negative value: both reported with row and column, exit 1, nothing else printed."""
    path = _write(tmp_path, "air.csv", AIR_HEADER + "A,2025-01-01,abc,,,,,,\nB,2025-01-02,,,-3,,,,\n")
    r = cli("air", "aqi", path, "--json")
    assert r.exit_code == 1
    problems = [(p["code"], p["row"], p["column"], p["value"]) for p in r.json()]
    assert problems == [("IMPORT_NOT_A_NUMBER", 2, "SO2", "abc"), ("IMPORT_NEGATIVE_VALUE", 3, "PM10", "-3")]


def test_air_aqi_human_output(tmp_path: Path, cli) -> None:
    path = _write(tmp_path, "air.csv", AIR_HEADER + "江北,2025-01-01,10,30,60,2.2,120,90,80\n")
    r = cli("air", "aqi", path)
    assert r.exit_code == 0
    assert "轻度污染" in r.stdout


def test_water_classify_json(tmp_path: Path, cli) -> None:
    """GB 3838-2002 表1. River: pH 7.2 → I, DO 6.5 → II, CODMn 5 → III, COD 15 → I (shared limit),
    BOD5 3 → I, NH3N 1.2 → IV, TP 0.1 → II, coliform 30000 → V (reference item, not counted): class IV by NH3N.
    Lake: TP 0.05 → III (lake limit), TN 1.2 → IV (reference item for lakes), DO 7.5 → I: class III by TP."""
    path = _write(tmp_path, "water.csv", WATER_HEADER
                  + "松花江大桥,2025-05,river,7.2,6.5,5,15,3,1.2,0.1,,30000\n"
                  + "松花湖,2025-05,lake,,7.5,,,,,0.05,1.2,\n")
    r = cli("water", "classify", path, "--json")
    assert r.exit_code == 0, r.stderr
    river, lake = r.json()
    assert river == {
        "section": "松花江大桥", "date": "2025-05", "water_class": "IV", "limiting_parameters": ["NH3N"],
        "classes": {"pH": "I", "DO": "II", "CODMn": "III", "COD": "I", "BOD5": "I", "NH3N": "IV",
                    "TP": "II", "coliform": "V"},
    }
    assert lake == {
        "section": "松花湖", "date": "2025-05", "water_class": "III", "limiting_parameters": ["TP"],
        "classes": {"DO": "I", "TP": "III", "TN": "IV"},
    }


def test_water_classify_worse_than_v(tmp_path: Path, cli) -> None:
    """pH 9.5 outside 6–9 and COD 41 above 40: both 劣V, both limiting."""
    path = _write(tmp_path, "water.csv", "section,date,kind,pH,COD\nS,2025-06,river,9.5,41\n")
    row = cli("water", "classify", path, "--json").json()[0]
    assert (row["water_class"], row["limiting_parameters"]) == ("劣V", ["pH", "COD"])


def test_water_classify_bad_input(tmp_path: Path, cli) -> None:
    path = _write(tmp_path, "water.csv", "section,date,kind,COD\nS,2025-06,sea,10\nT,2025-06,river,x\n")
    r = cli("water", "classify", path, "--json")
    assert r.exit_code == 1
    problems = [(p["code"], p["row"], p["column"]) for p in r.json()]
    assert problems == [("WATER_BAD_KIND", 2, "kind"), ("IMPORT_NOT_A_NUMBER", 3, "COD")]


def test_water_classify_unknown_and_missing_columns(tmp_path: Path, cli) -> None:
    path = _write(tmp_path, "water.csv", "section,date,CODcr\nS,2025-06,10\n")
    r = cli("water", "classify", path, "--json")
    assert r.exit_code == 1
    codes = {(p["code"], p["column"]) for p in r.json()}
    assert codes == {("IMPORT_UNKNOWN_COLUMN", "CODcr"), ("IMPORT_MISSING_COLUMN", "kind")}


def test_water_classify_human_output(tmp_path: Path, cli) -> None:
    path = _write(tmp_path, "water.csv", "section,date,kind,COD\nS,2025-06,river,25\n")
    r = cli("water", "classify", path)
    assert r.exit_code == 0
    assert "IV" in r.stdout


def test_cells_beyond_the_header_are_refused(tmp_path: Path, cli) -> None:
    path = _write(tmp_path, "air.csv", "station,date,PM2_5\nA,2025-01-01,35,99\n")
    r = cli("air", "aqi", path, "--json")
    assert r.exit_code == 1
    assert (r.json()[0]["code"], r.json()[0]["row"]) == ("IMPORT_UNKNOWN_COLUMN", 2)
