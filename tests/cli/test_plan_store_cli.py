"""Another city loads its own plan and runs its barometer; the loaded plan is never overwritten by init."""

from decimal import Decimal

from tests.conftest import run_cli
from tests.domain.plan.test_plan_loader import ANOTHER_CITY


def test_another_city_end_to_end(database_url, tmp_path):
    env = {"ECER_DATABASE_URL": database_url}
    assert run_cli("init", env=env).exit_code == 0
    plan_file = tmp_path / "example.yaml"
    plan_file.write_text(ANOTHER_CITY, encoding="utf-8")
    loaded = run_cli("plan", "load", str(plan_file), "--json", env=env)
    assert loaded.exit_code == 0, loaded.stdout + loaded.stderr
    again = run_cli("plan", "load", str(plan_file), "--json", env=env)
    assert again.exit_code == 2 and again.json()[0]["code"] == "PLAN_ALREADY_LOADED"
    [shown] = run_cli("plan", "show", "--json", env=env).json()
    assert shown["id"] == loaded.json()[0]["plan_id"] and shown["metadata"]["base_year"] == 2025
    assert run_cli("init", "--json", env=env).json()[0]["plan_id"] == shown["id"]  # init never overwrites

    stats = tmp_path / "s.csv"
    stats.write_text('地区,年份,期间,"地区生产总值(现价,亿元)",地区生产总值指数(上年同期=100),能源消费总量(万吨标准煤),'
                     "非化石能源消费量(万吨标准煤)\n东区,2025,全年,100,105,50,10\n东区,2026,全年,106,104,50.5,10.5\n",
                     encoding="utf-8")
    assert run_cli("import", "statistics", str(stats), env=env).exit_code == 0
    rows = {r["region"]: r for r in run_cli("progress", "--year", "2026", "--json", env=env).json()}
    east = rows["东区"]
    change = Decimal(40) / Decimal(40) / Decimal("1.04") - 1  # rule set 2024: E − F − S − NF both years
    assert abs(Decimal(str(east["intensity_change"])) - change) < Decimal("1e-12")
    assert east["required_progress"] == 0.025  # the plan's annual target for 2026 chains the path
    assert east["level"] == "green"  # fell 3.85 % ≥ the year's 2.5 %
    assert rows[next(iter(rows))]["missing"]  # the city itself reported nothing
