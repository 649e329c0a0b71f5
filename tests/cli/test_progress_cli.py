"""`ecer progress --json`: the contract other tools rely on, on the demo dataset."""

import pytest

from tests.conftest import run_cli

KEYS = ["region", "region_code", "year", "period", "intensity_change", "cumulative_reduction", "required_progress",
        "gap", "level", "basic_target", "incentive_target", "basic_met", "incentive_met",
        "required_annual_rate_remaining", "missing"]
ANNEX1 = ["吉林市", "永吉县", "舒兰市", "磐石市", "蛟河市", "桦甸市", "船营区", "昌邑区", "龙潭区", "丰满区",
          "高新区", "经开区", "中新食品区", "冰雪试验区"]


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    env = {"ECER_DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}"}
    assert run_cli("init", env=env).exit_code == 0
    result = run_cli("demo-data", "--out", str(folder / "wb"), "--json", env=env)
    assert result.exit_code == 0, result.stderr
    assert result.json()[0]["rows_added"] == 14 * 5 * 4
    return env


def test_progress_json_contract(demo_env):
    rows = run_cli("progress", "--year", "2024", "--json", env=demo_env).json()
    assert [r["region"] for r in rows] == ANNEX1
    assert all(list(r) == KEYS for r in rows)
    city = rows[0]
    assert city["region_code"] == "2202" and rows[-1]["region_code"] is None
    assert city["basic_target"] == 0.15 and city["incentive_target"] == 0.16
    for r in rows:
        assert r["year"] == 2024 and r["period"] == "全年" and r["missing"] == []
        for key in ("intensity_change", "cumulative_reduction", "required_progress", "gap",
                    "required_annual_rate_remaining"):
            assert isinstance(r[key], (int, float)) and not isinstance(r[key], bool), key
        assert abs(r["gap"] - (r["cumulative_reduction"] - r["required_progress"])) < 1e-12


def test_demo_data_shows_every_level(demo_env):
    rows = run_cli("progress", "--year", "2024", "--json", env=demo_env).json()
    assert {r["level"] for r in rows} == {"red", "yellow", "green"}
    for r in rows:  # ndrc-2021h1: red exactly when intensity rose
        assert (r["level"] == "red") == (r["intensity_change"] > 0)


def test_year_to_date_period_aliases(demo_env):
    h1 = run_cli("progress", "--year", "2023", "--period", "H1", "--json", env=demo_env).json()
    assert {r["period"] for r in h1} == {"上半年"}
    assert all(r["required_annual_rate_remaining"] is None for r in h1)
    bad = run_cli("progress", "--year", "2023", "--period", "Q2", "--json", env=demo_env)
    assert bad.exit_code == 1 and bad.json()[0]["code"] == "IMPORT_BAD_PERIOD"


def test_missing_inputs_are_listed(demo_env):
    rows = run_cli("progress", "--year", "2026", "--json", env=demo_env).json()
    assert rows[0]["level"] is None and "2026 全年 energy_10k_tce" in rows[0]["missing"]


def test_human_table_marks_synthetic_data(demo_env):
    out = run_cli("progress", "--year", "2024", env=demo_env).stdout
    assert "能耗双控晴雨表" in out and "合成演示数据" in out and "冰雪试验区" in out
