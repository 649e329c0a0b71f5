"""Indicator values: import (percent entered as percent), progress by kind, errors located."""

import pytest

from tests.conftest import run_cli

HEADER = "指标,地区,年份,数值,来源"


@pytest.fixture
def env(database_url):
    env = {"ECER_DATABASE_URL": database_url}
    assert run_cli("init", env=env).exit_code == 0
    return env


def test_import_and_progress(env, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\n城区清洁取暖比例,,2024,76%,住建局\nnew_large_data_centre_pue,吉林市,2024,1.35,\n",
                    encoding="utf-8")
    result = run_cli("import", "indicators", str(path), "--json", env=env)
    assert result.exit_code == 0, result.stdout
    assert result.json()[0]["rows_added"] == 2
    assert run_cli("import", "indicators", str(path), "--json", env=env).json()[0]["rows_added"] == 0
    rows = {r["indicator_id"]: r for r in run_cli("indicators", "--json", env=env).json()}
    heating = rows["urban_clean_heating_share"]
    assert heating["value"] == 0.76 and heating["year"] == 2024
    assert heating["progress"] == pytest.approx(0.76 / 0.80) and heating["met"] is False
    pue = rows["new_large_data_centre_pue"]  # a ceiling of 1.3: 1.35 is over it
    assert pue["met"] is False
    assert rows["straw_utilisation_rate"]["value"] is None and rows["straw_utilisation_rate"]["status"] == "未报送"


def test_errors_are_located_and_nothing_written(env, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n不存在的指标,,2024,1,\n城区清洁取暖比例,松原市,2024,abc,\n"
                    "城区清洁取暖比例,,2024,70,\n城区清洁取暖比例,,2024,71,\n", encoding="utf-8")
    result = run_cli("import", "indicators", str(path), "--json", env=env)
    assert result.exit_code == 1
    assert [(p["row"], p["code"]) for p in result.json()] == [
        (2, "IMPORT_UNKNOWN_INDICATOR"), (3, "IMPORT_UNKNOWN_REGION"), (3, "IMPORT_NOT_A_NUMBER"),
        (5, "IMPORT_DUPLICATE_ROW")]
    rows = run_cli("indicators", "--json", env=env).json()
    assert all(r["value"] is None for r in rows if r["indicator_id"] != "energy_intensity_reduction")
