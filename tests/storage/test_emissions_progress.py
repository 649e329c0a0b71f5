"""``ecer emissions progress --json``: the issue 5 §4 contract, the city reconciled with the regions, demo levels."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecer.domain.warning.levels import level_ndrc_2021q1
from tests.conftest import run_cli
from tests.storage.test_emission_projects_storage import GOOD, write

KEYS = ["region", "region_code", "pollutant", "year", "cumulative_reduction_t", "target_t", "required_progress",
        "completion", "level", "basis"]


@pytest.fixture
def progress_2024(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    assert run_cli("import", "emission-projects", str(write(tmp_path / "p.csv", GOOD)), env=env).exit_code == 0
    result = run_cli("emissions", "progress", "--year", "2024", "--json", env=env)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.json()


def row(rows, region, pollutant):
    return next(r for r in rows if r["region"] == region and r["pollutant"] == pollutant)


def test_exact_keys_and_one_row_per_annex2_region_and_pollutant(progress_2024):
    assert all(list(r) == KEYS for r in progress_2024)
    assert len(progress_2024) == 15 * 4  # 吉林市, 市本级 and 13 regions × COD, NH3N, NOx, VOCs
    assert [r["pollutant"] for r in progress_2024[:4]] == ["COD", "NH3N", "NOx", "VOCs"]
    assert progress_2024[0]["region"] == "吉林市" and progress_2024[4]["region"] == "市本级"
    assert all(isinstance(r["target_t"], int | float) and r["year"] == 2024 for r in progress_2024)


def test_region_row_hand_worked(progress_2024):
    """永吉县 COD: 401.5 t/a from 2022 (see the storage test); target 400 t; 2024 requires 4/5."""
    r = row(progress_2024, "永吉县", "COD")
    assert r["cumulative_reduction_t"] == 401.5
    assert r["target_t"] == 400
    assert r["required_progress"] == 0.8
    assert r["completion"] == pytest.approx(401.5 / 400)
    assert r["level"] == "green" and r["basis"] == "claimed" and r["region_code"] == "220221"


def test_offset_is_deducted_in_its_year(progress_2024):
    """市本级 NOx: 352.5 t/a from 2023 − 50 t offset used in 2024 = 302.5 t; 302.5/4314 is far below 0.8 → red."""
    r = row(progress_2024, "市本级", "NOx")
    assert r["cumulative_reduction_t"] == 302.5
    assert r["level"] == "red" and r["region_code"] is None


def test_zero_target_gives_nulls(progress_2024):
    r = row(progress_2024, "永吉县", "VOCs")
    assert r["target_t"] == 0
    assert (r["required_progress"], r["completion"], r["level"]) == (None, None, None)


def test_no_counted_project_has_no_basis(progress_2024):
    r = row(progress_2024, "舒兰市", "COD")
    assert r["cumulative_reduction_t"] == 0 and r["basis"] is None and r["level"] == "red"


def test_city_row_is_the_sum_of_the_regions(progress_2024):
    for pol in ("COD", "NH3N", "NOx", "VOCs"):
        regions = [r for r in progress_2024 if r["pollutant"] == pol and r["region"] != "吉林市"]
        city = row(progress_2024, "吉林市", pol)
        assert city["cumulative_reduction_t"] == pytest.approx(sum(r["cumulative_reduction_t"] for r in regions))
        assert city["target_t"] == sum(r["target_t"] for r in regions)
    assert row(progress_2024, "吉林市", "COD")["cumulative_reduction_t"] == 401.5


def test_project_not_counted_before_its_commissioning_year(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    run_cli("import", "emission-projects", str(write(tmp_path / "p.csv", GOOD)), env=env)
    rows = run_cli("emissions", "progress", "--year", "2022", "--json", env=env).json()
    assert row(rows, "市本级", "NOx")["cumulative_reduction_t"] == 0  # commissioned 2023-10
    assert row(rows, "永吉县", "COD")["cumulative_reduction_t"] == 401.5


def test_human_table_prints(db):
    result = run_cli("emissions", "progress", "--year", "2023", env={"ECER_DATABASE_URL": db})
    assert result.exit_code == 0 and "市本级" in result.stdout and "无目标" in result.stdout


def test_demo_gives_every_level_in_every_year(db, tmp_path):
    from ecer.demo.emission_projects import import_demo

    summary = import_demo(db, tmp_path)
    assert summary[0]["rows_added"] == summary[0]["rows_read"] > 60
    env = {"ECER_DATABASE_URL": db}
    for year in (2021, 2022, 2023, 2024):
        rows = run_cli("emissions", "progress", "--year", str(year), "--json", env=env).json()
        assert {r["level"] for r in rows} == {"red", "yellow", "green", None}
        for r in rows:  # the level is the ndrc-2021q1 rule applied to the printed figures
            if r["target_t"]:
                assert r["level"] == level_ndrc_2021q1(Decimal(str(r["completion"])), Decimal(str(r["required_progress"])))
    again = import_demo(db, tmp_path)
    assert again[0]["rows_added"] == 0  # deterministic: an identical re-import adds nothing


def test_every_region_with_a_target_has_projects(db, tmp_path):
    from ecer.demo.emission_projects import import_demo

    import_demo(db, tmp_path)
    listed = run_cli("emissions", "projects", "list", "--json", env={"ECER_DATABASE_URL": db}).json()
    regions = {r["region"] for r in listed}
    assert regions == {"市本级", "永吉县", "舒兰市", "磐石市", "蛟河市", "桦甸市", "船营区", "昌邑区", "龙潭区", "丰满区",
                       "高新区", "经开区", "中新食品区", "冰雪试验区"}
    types = {r["project_type"] for r in listed}
    assert {"wastewater_new_capacity", "effluent_standard_upgrade", "reclaimed_water_reuse",
            "livestock_manure_utilisation", "rural_domestic_sewage", "flue_gas_retrofit",
            "vocs_source_substitution", "vocs_capture_treatment"} <= types
