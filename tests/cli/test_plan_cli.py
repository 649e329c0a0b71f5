"""``ecer plan validate`` and ``ecer plan schema`` (issue 2 §2, CLI conventions §1)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from ecer.domain.plan.loader import plan_json_schema

PLAN_FILE = resources.files("ecer.data").joinpath("plans", "jilin-2021-2025.yaml")
JILIN = PLAN_FILE.read_text(encoding="utf-8")


def write_bad_plan(tmp_path: Path) -> tuple[Path, int, int]:
    """A copy with a misspelt region and a COD figure that breaks the Annex 2 sum."""
    text = JILIN.replace("{region: 船营区, cod_t: 166", "{region: 船营县, cod_t: 166")
    text = text.replace("{region: 龙潭区, cod_t: 109", "{region: 龙潭区, cod_t: 110")
    lines = text.splitlines()
    region_line = next(n for n, line in enumerate(lines, 1) if "船营县" in line)
    city_line = next(n for n, line in enumerate(lines, 1) if "{region: 吉林市, cod_t:" in line)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path, region_line, city_line


def test_validate_builtin_file_json(cli) -> None:
    r = cli("plan", "validate", str(PLAN_FILE), "--json")
    assert r.exit_code == 0, r.stderr
    [summary] = r.json()
    assert summary["plan_id"] == "jilin-2021-2025"
    assert summary["status"] == "征求意见稿"
    assert summary["base_year"] == 2020
    assert summary["target_year"] == 2025
    assert summary["regions"] == 15
    assert summary["indicators"] == 27
    assert summary["intensity_targets"] == 14
    assert summary["pollutant_targets"] == 15


def test_validate_human_output(cli) -> None:
    r = cli("plan", "validate", str(PLAN_FILE))
    assert r.exit_code == 0
    assert "规划文件有效" in r.stdout
    assert "吉林市“十四五”节能减排综合实施方案" in r.stdout


def test_validate_by_builtin_id(cli) -> None:
    r = cli("plan", "validate", "jilin-2021-2025", "--json")
    assert r.exit_code == 0
    assert r.json()[0]["plan_id"] == "jilin-2021-2025"


def test_validate_bad_plan_json(cli, tmp_path: Path) -> None:
    path, region_line, city_line = write_bad_plan(tmp_path)
    r = cli("plan", "validate", str(path), "--json")
    assert r.exit_code == 1
    found = [(p["code"], p["file"], p["line"], p["field"]) for p in r.json()]
    assert found == [
        ("PLAN_UNKNOWN_REGION", str(path), region_line, "pollutant_targets[7].region"),
        ("PLAN_SUM_MISMATCH", str(path), city_line, "pollutant_targets[0].cod_t"),
    ]
    assert all(p["row"] == p["line"] for p in r.json())


def test_validate_bad_plan_human(cli, tmp_path: Path) -> None:
    path, region_line, _ = write_bad_plan(tmp_path)
    r = cli("plan", "validate", str(path))
    assert r.exit_code == 1
    assert "PLAN_UNKNOWN_REGION" in r.stderr
    assert f"第 {region_line} 行" in r.stderr
    assert "共 2 处错误" in r.stderr


def test_validate_missing_file(cli, tmp_path: Path) -> None:
    r = cli("plan", "validate", str(tmp_path / "none.yaml"), "--json")
    assert r.exit_code == 1
    assert r.json()[0]["code"] == "PLAN_NOT_FOUND"


def test_schema_prints_the_json_schema(cli) -> None:
    r = cli("plan", "schema")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == plan_json_schema()
    assert r.stdout == resources.files("ecer.data").joinpath("plans", "plan.schema.json").read_text(encoding="utf-8")
