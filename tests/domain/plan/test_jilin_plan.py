"""The built-in plan ``jilin-2021-2025`` against the plan text.

Source of every figure: 吉林市“十四五”节能减排综合实施方案（征求意见稿）,
shared/reference/jilin-14th-fyp-plan.zh.txt — section 二, section 三, 附件1, 附件2.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from importlib import resources

import pytest

from ecer.domain.errors import EcerError
from ecer.domain.plan.loader import builtin_plan, builtin_plan_ids, plan_json_schema_text
from ecer.domain.plan.model import Plan

PLAN_ID = "jilin-2021-2025"
PLAN_FILE = resources.files("ecer.data").joinpath("plans", f"{PLAN_ID}.yaml")
SCHEMA_FILE = resources.files("ecer.data").joinpath("plans", "plan.schema.json")
PLAN_SHA256 = "e18a2df7d3de4d7e89de82b4efeaeeed409e51bcca839a4849c1781244a1ad64"

D = Decimal


@pytest.fixture(scope="module")
def plan() -> Plan:
    return builtin_plan(PLAN_ID)


def test_plan_file_is_pinned() -> None:
    """Any change to the transcription shows up in review as a changed hash."""
    assert hashlib.sha256(PLAN_FILE.read_bytes()).hexdigest() == PLAN_SHA256


def test_committed_schema_is_the_generated_one() -> None:
    """plan.schema.json is regenerated with `ecer plan schema` whenever the model changes."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == plan_json_schema_text()


def test_builtin_ids() -> None:
    assert PLAN_ID in builtin_plan_ids()


def test_metadata(plan: Plan) -> None:
    """Title and status from the heading; base and target years from section 二."""
    meta = plan.metadata
    assert plan.id == PLAN_ID
    assert meta.title == "吉林市“十四五”节能减排综合实施方案"
    assert meta.status == "征求意见稿"
    assert meta.issuer == "吉林市人民政府"
    assert (meta.base_year, meta.target_year) == (2020, 2025)
    assert meta.policy_rule_set == "2022"
    assert meta.renewables_in_intensity is False
    assert meta.progress_path == "geometric"
    assert meta.barometer_rule == "ndrc-2021h1"


REGION_CODES = {
    "吉林市": "2202",
    "昌邑区": "220202",
    "龙潭区": "220203",
    "船营区": "220204",
    "丰满区": "220211",
    "永吉县": "220221",
    "经开区": "220271",
    "高新区": "220272",
    "中新食品区": "220273",
    "蛟河市": "220281",
    "桦甸市": "220282",
    "舒兰市": "220283",
    "磐石市": "220284",
    "冰雪试验区": None,
    "市本级": None,
}


def test_regions_and_codes(plan: Plan) -> None:
    """The city, the 13 counties, districts and zones of Annex 1, and 市本级 (Annex 2)."""
    assert {r.name: r.code for r in plan.regions} == REGION_CODES
    assert plan.city.name == "吉林市"
    assert plan.city.kind == "city"
    assert all(r.parent == "吉林市" for r in plan.regions if r.name != "吉林市")
    assert plan.region("市本级").kind == "city_level"
    assert plan.region("冰雪试验区").kind == "zone"
    assert plan.region("永吉县").kind == "county"
    assert plan.region("磐石市").kind == "county_city"
    assert plan.region("丰满区").kind == "district"


def test_region_lookup_by_code_and_alias(plan: Plan) -> None:
    assert plan.region("220284").name == "磐石市"
    assert plan.region(" 2202 ").name == "吉林市"
    assert plan.region("吉林高新技术产业开发区").name == "高新区"


def test_unknown_region_is_an_error(plan: Plan) -> None:
    with pytest.raises(EcerError) as info:
        plan.region("长春市")
    assert info.value.code == "PLAN_UNKNOWN_REGION"
    assert info.value.exit_code == 1


# 附件1, row by row, in the Annex's order: (地区, 基本目标 %, 激励目标 %).
ANNEX_1 = [
    ("吉林市", "15", "16"),
    ("永吉县", "15", "16"),
    ("舒兰市", "15", "16"),
    ("磐石市", "15.5", "16.5"),
    ("蛟河市", "15", "16"),
    ("桦甸市", "15", "16"),
    ("船营区", "14.5", "15.5"),
    ("昌邑区", "14.5", "15.5"),
    ("龙潭区", "15.5", "16.5"),
    ("丰满区", "14.5", "15.5"),
    ("高新区", "15.5", "16.5"),
    ("经开区", "15.5", "16.5"),
    ("中新食品区", "14.5", "15.5"),
    ("冰雪试验区", "14.5", "15.5"),
]


def test_annex1_order(plan: Plan) -> None:
    assert [r.name for r in plan.annex1_regions()] == [row[0] for row in ANNEX_1]
    assert [t.region for t in plan.intensity_targets] == [row[0] for row in ANNEX_1]


@pytest.mark.parametrize(("region", "basic_pct", "incentive_pct"), ANNEX_1)
def test_annex1_figures_as_fractions(plan: Plan, region: str, basic_pct: str, incentive_pct: str) -> None:
    """附件1: the model exposes fractions (15 % → 0.15)."""
    target = plan.intensity_target(region)
    assert target.basic == D(basic_pct) / 100
    assert target.incentive == D(incentive_pct) / 100


def test_intensity_target_by_code(plan: Plan) -> None:
    assert plan.intensity_target("220284").basic == D("0.155")


def test_shi_ben_ji_has_no_intensity_target(plan: Plan) -> None:
    """市本级 appears in Annex 2 only."""
    with pytest.raises(EcerError) as info:
        plan.intensity_target("市本级")
    assert info.value.code == "PLAN_NO_TARGET"


def test_no_annual_targets(plan: Plan) -> None:
    """四(一): annual targets are set "按照省要求" — the plan itself gives none."""
    assert plan.annual_intensity_targets == []
    assert plan.annual_target("吉林市", 2023) is None


# 附件2, row by row: (地区, 化学需氧量, 氨氮, 氮氧化物, 挥发性有机物) in t.
ANNEX_2 = [
    ("吉林市", 10308, 451, 8400, 5500),
    ("市本级", 2700, 90, 4314, 5470),
    ("永吉县", 400, 30, 260, 0),
    ("舒兰市", 3150, 130, 20, 0),
    ("磐石市", 2143, 80, 3300, 0),
    ("蛟河市", 700, 40, 8, 0),
    ("桦甸市", 300, 21, 0, 0),
    ("船营区", 166, 13, 8, 0),
    ("昌邑区", 129, 20, 0, 0),
    ("龙潭区", 109, 11, 20, 0),
    ("丰满区", 36, 3, 150, 0),
    ("高新区", 36, 1, 0, 30),
    ("经开区", 400, 10, 320, 0),
    ("中新食品区", 20, 1, 0, 0),
    ("冰雪试验区", 19, 1, 0, 0),
]


def test_annex2_order(plan: Plan) -> None:
    assert [r.name for r in plan.annex2_regions()] == [row[0] for row in ANNEX_2]


@pytest.mark.parametrize(("region", "cod", "nh3n", "nox", "vocs"), ANNEX_2)
def test_annex2_figures(plan: Plan, region: str, cod: int, nh3n: int, nox: int, vocs: int) -> None:
    target = plan.pollutant_target(region)
    assert (target.cod_t, target.nh3n_t, target.nox_t, target.vocs_t) == (cod, nh3n, nox, vocs)


def test_annex2_districts_add_up_to_the_city_total(plan: Plan) -> None:
    """附件2: 市本级 plus the 13 counties, districts and zones give 10308 / 451 / 8400 / 5500 t."""
    parts = [t for t in plan.pollutant_targets if t.region != "吉林市"]
    assert len(parts) == 14
    assert sum(t.cod_t for t in parts) == 10308
    assert sum(t.nh3n_t for t in parts) == 451
    assert sum(t.nox_t for t in parts) == 8400
    assert sum(t.vocs_t for t in parts) == 5500


def test_vocs_typo_is_recorded(plan: Plan) -> None:
    """附件2 prints 按发性有机物; the plan file says it is VOCs (挥发性有机物)."""
    assert any("按发性有机物" in note and "VOCs" in note for note in plan.metadata.notes)


# Every quantitative target of sections 二 and 三: id → (target value, unit, kind, section, year).
INDICATORS = {
    "energy_intensity_reduction": ("0.15", "%", "reduction_vs_base", "二", 2025),
    "cod_key_project_reduction": ("10308", "t", "cumulative_amount", "二", 2025),
    "nh3n_key_project_reduction": ("451", "t", "cumulative_amount", "二", 2025),
    "nox_key_project_reduction": ("8400", "t", "cumulative_amount", "二", 2025),
    "vocs_key_project_reduction": ("5500", "t", "cumulative_amount", "二", 2025),
    "industrial_value_added_energy_intensity_reduction": ("0.135", "%", "reduction_vs_base", "三(一)", 2025),
    "industrial_water_intensity_reduction": ("0.13", "%", "reduction_vs_base", "三(一)", 2025),
    "benchmark_efficiency_capacity_share": ("0.30", "%", "level_to_reach", "三(一)", 2025),
    "new_large_data_centre_pue": ("1.3", "1", "ceiling", "三(一)", 2025),
    "urban_clean_heating_share": ("0.80", "%", "level_to_reach", "三(三)", 2025),
    "new_public_service_vehicle_new_energy_share": ("0.40", "%", "level_to_reach", "三(四)", 2025),
    "rail_freight_share_increase": ("0.005", "%", "reduction_vs_base", "三(四)", 2025),
    "rural_domestic_sewage_treatment_rate": ("0.25", "%", "level_to_reach", "三(五)", 2025),
    "straw_utilisation_rate": ("0.86", "%", "level_to_reach", "三(五)", 2025),
    "livestock_manure_utilisation_rate": ("0.85", "%", "level_to_reach", "三(五)", 2025),
    "grain_crop_unified_pest_control_coverage": ("0.45", "%", "level_to_reach", "三(五)", 2025),
    "fertiliser_pesticide_utilisation_rate": ("0.43", "%", "level_to_reach", "三(五)", 2025),
    "public_institution_new_vehicle_new_energy_share": ("0.30", "%", "level_to_reach", "三(六)", 2025),
    "conservation_oriented_agency_share": ("0.70", "%", "level_to_reach", "三(六)", 2022),
    "public_institution_energy_per_floor_area_reduction": ("0.05", "%", "reduction_vs_base", "三(六)", 2025),
    "public_institution_energy_per_capita_reduction": ("0.06", "%", "reduction_vs_base", "三(六)", 2025),
    "thermal_power_supply_coal_rate": ("300", "gce/kWh", "ceiling", "三(七)", 2025),
    "non_fossil_energy_share": ("0.17", "%", "level_to_reach", "三(七)", 2025),
    "new_sewage_treatment_capacity": ("150000", "m³/d", "cumulative_amount", "三(九)", 2025),
    "urban_reclaimed_water_utilisation_rate": ("0.344", "%", "level_to_reach", "三(九)", 2025),
    "urban_sludge_safe_disposal_rate": ("1", "%", "level_to_reach", "三(九)", 2025),
    "urban_waste_incineration_rate": ("1", "%", "level_to_reach", "三(九)", 2025),
}


def test_indicator_ids(plan: Plan) -> None:
    assert [i.id for i in plan.indicators] == list(INDICATORS)


@pytest.mark.parametrize(("indicator_id", "expected"), INDICATORS.items())
def test_indicator(plan: Plan, indicator_id: str, expected: tuple[str, str, str, str, int]) -> None:
    value, unit, kind, section, year = expected
    ind = plan.indicator(indicator_id)
    assert (ind.target_value, ind.unit, ind.kind, ind.section, ind.target_year) == (
        D(value),
        unit,
        kind,
        section,
        year,
    )


def test_comparisons_as_written(plan: Plan) -> None:
    """超过30% is strict; 不高于1.3 and 降低到300 are ceilings; 不低于40% is >=."""
    assert plan.indicator("benchmark_efficiency_capacity_share").effective_comparison == ">"
    assert plan.indicator("new_large_data_centre_pue").effective_comparison == "<="
    assert plan.indicator("thermal_power_supply_coal_rate").effective_comparison == "<="
    assert plan.indicator("new_public_service_vehicle_new_energy_share").effective_comparison == ">="


def test_rail_freight_is_a_rise_in_points(plan: Plan) -> None:
    ind = plan.indicator("rail_freight_share_increase")
    assert (ind.direction, ind.change_basis, ind.baseline_year) == ("up", "points", 2020)


def test_lead_departments_as_written(plan: Plan) -> None:
    """三(一) lists 市工信局、市发改委、市生态环境局、市政数局、市通信办; 三(六) only 市管局."""
    assert plan.indicator("new_large_data_centre_pue").lead_departments == [
        "市工信局", "市发改委", "市生态环境局", "市政数局", "市通信办",
    ]  # fmt: skip
    assert plan.indicator("conservation_oriented_agency_share").lead_departments == ["市管局"]
    assert plan.indicator("new_sewage_treatment_capacity").lead_departments == [
        "市住建局", "市执法局", "市生态环境局", "市发改委",
    ]  # fmt: skip


def test_annex_links(plan: Plan) -> None:
    assert plan.intensity_indicator == "energy_intensity_reduction"
    assert plan.pollutant_indicators["vocs_t"] == "vocs_key_project_reduction"


def test_unknown_indicator_is_an_error(plan: Plan) -> None:
    with pytest.raises(EcerError) as info:
        plan.indicator("gdp_growth")
    assert info.value.code == "PLAN_UNKNOWN_INDICATOR"
