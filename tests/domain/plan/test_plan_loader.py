"""Loading plans: every problem reported with its file, YAML line, field and stable code.

The bad plans are copies of the built-in Jilin plan with one defect each, so the line each error
must point at is found in the copy's own text.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecer.domain.errors import EcerError
from ecer.domain.plan.loader import builtin_plan, load_plan_file, load_plan_text
from ecer.domain.plan.model import percent_or_number

JILIN = resources.files("ecer.data").joinpath("plans", "jilin-2021-2025.yaml").read_text(encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing ``fragment``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def altered(old: str, new: str) -> str:
    assert JILIN.count(old) == 1, old
    return JILIN.replace(old, new)


def problems(text: str) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(EcerError) as info:
        load_plan_text(text, "bad.yaml")
    assert all(p.location.file == "bad.yaml" for p in info.value.problems)
    return [(p.code, p.location.row, p.location.field) for p in info.value.problems]


def test_wrong_region_name() -> None:
    text = altered("{region: 船营区, cod_t: 166", "{region: 船营县, cod_t: 166")
    assert problems(text) == [("PLAN_UNKNOWN_REGION", line_of(text, "船营县"), "pollutant_targets[7].region")]


def test_wrong_region_in_annex1_and_parent() -> None:
    text = altered("{region: 龙潭区, basic: 15.5%", "{region: 龙潭, basic: 15.5%")
    text = text.replace("{name: 市本级, code: null, kind: city_level, parent: 吉林市}",
                        "{name: 市本级, code: null, kind: city_level, parent: 吉林}")  # fmt: skip
    assert problems(text) == [
        ("PLAN_UNKNOWN_REGION", line_of(text, "name: 市本级"), "regions[14].parent"),
        ("PLAN_UNKNOWN_REGION", line_of(text, "{region: 龙潭, basic"), "intensity_targets[8].region"),
    ]


def test_sum_mismatch() -> None:
    """龙潭区 COD 109 → 110: the districts add to 10309 t, not the city's 10308 t."""
    text = altered("{region: 龙潭区, cod_t: 109", "{region: 龙潭区, cod_t: 110")
    found = problems(text)
    assert found == [
        ("PLAN_SUM_MISMATCH", line_of(text, "{region: 吉林市, cod_t:"), "pollutant_targets[0].cod_t")
    ]


def test_sum_mismatch_detail_names_both_totals() -> None:
    text = altered("{region: 龙潭区, cod_t: 109", "{region: 龙潭区, cod_t: 110")
    with pytest.raises(EcerError) as info:
        load_plan_text(text, "bad.yaml")
    assert "10309" in info.value.problems[0].detail
    assert "10308" in info.value.problems[0].detail


def test_city_row_must_repeat_the_indicator_target() -> None:
    """Section 二 says 15 %; an Annex 1 city row of 14 % contradicts it."""
    text = altered("{region: 吉林市, basic: 15%", "{region: 吉林市, basic: 14%")
    assert problems(text) == [
        ("PLAN_SUM_MISMATCH", line_of(text, "{region: 吉林市, basic"), "intensity_targets[0].basic")
    ]


def test_missing_field_points_at_the_enclosing_key() -> None:
    text = altered("  issuer: 吉林市人民政府\n", "")
    assert problems(text) == [("PLAN_INVALID", line_of(text, "metadata:"), "metadata.issuer")]


def test_wrong_type() -> None:
    text = altered("  base_year: 2020", "  base_year: 二〇二〇")
    assert problems(text) == [("PLAN_INVALID", line_of(text, "base_year:"), "metadata.base_year")]


def test_wrong_literal() -> None:
    text = altered("  progress_path: geometric", "  progress_path: exponential")
    assert problems(text) == [("PLAN_INVALID", line_of(text, "progress_path:"), "metadata.progress_path")]


def test_percent_without_sign_is_refused() -> None:
    """``basic: 15`` would be 1500 %: rates must be written 15% or 0.15."""
    text = altered("{region: 永吉县, basic: 15%", "{region: 永吉县, basic: 15")
    assert problems(text) == [
        ("PLAN_INVALID", line_of(text, "{region: 永吉县, basic"), "intensity_targets[1].basic")
    ]


def test_misspelt_key_is_refused() -> None:
    text = altered("  barometer_rule: ndrc-2021h1", "  barometer: ndrc-2021h1")
    assert problems(text) == [("PLAN_INVALID", line_of(text, "barometer:"), "metadata.barometer")]


def test_unknown_indicator_in_annex_link() -> None:
    text = altered("  nox_t: nox_key_project_reduction", "  nox_t: nox_reduction")
    assert problems(text) == [
        ("PLAN_UNKNOWN_INDICATOR", line_of(text, "nox_t: nox_reduction"), "pollutant_indicators.nox_t")
    ]


def test_every_problem_is_listed() -> None:
    text = altered("{region: 船营区, cod_t: 166", "{region: 船营县, cod_t: 166")
    text = text.replace("{region: 龙潭区, cod_t: 109", "{region: 龙潭区, cod_t: 110")
    text = text.replace("intensity_indicator: energy_intensity_reduction", "intensity_indicator: intensity")
    assert sorted(code for code, _, _ in problems(text)) == [
        "PLAN_SUM_MISMATCH", "PLAN_UNKNOWN_INDICATOR", "PLAN_UNKNOWN_REGION",
    ]  # fmt: skip


def test_duplicate_key() -> None:
    text = altered(
        "  barometer_rule: ndrc-2021h1\n", "  barometer_rule: ndrc-2021h1\n  barometer_rule: ndrc-2021q1\n"
    )
    assert problems(text) == [
        ("PLAN_INVALID", line_of(text, "barometer_rule: ndrc-2021q1"), "barometer_rule")
    ]


def test_yaml_syntax_error_has_a_line() -> None:
    text = altered(
        "  - {region: 吉林市, basic: 15%, incentive: 16%}", "  - {region: 吉林市, basic: 15%, incentive: 16%"
    )
    [(code, line, _)] = problems(text)
    assert code == "PLAN_INVALID"
    assert line is not None and line >= line_of(text, "{region: 吉林市, basic")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EcerError) as info:
        load_plan_file(tmp_path / "none.yaml")
    assert info.value.code == "PLAN_NOT_FOUND"


def test_unknown_builtin() -> None:
    with pytest.raises(EcerError) as info:
        builtin_plan("nowhere-2021-2025")
    assert info.value.code == "PLAN_NOT_FOUND"
    assert "jilin-2021-2025" in info.value.problems[0].detail


ANOTHER_CITY = """\
# A made-up city for the 15th Five-Year period: base and target years come from the file.
id: example-2026-2030
metadata:
  title: 示例市“十五五”节能减排实施方案
  issuer: 示例市人民政府
  status: 正式印发
  source: test fixture
  base_year: 2025
  target_year: 2030
  policy_rule_set: "2024"
  progress_path: linear
  barometer_rule: cumulative-path
regions:
  - {name: 示例市, code: "990100", kind: city}
  - {name: 东区, code: "990102", kind: district, parent: 示例市}
  - {name: 西县, kind: county, parent: 示例市}
indicators:
  - {id: intensity, name_zh: 单位GDP能耗降低率, unit: "%", kind: reduction_vs_base,
     target_value: 12%, target_year: 2030, baseline_year: 2025, section: 二}
  - {id: cod, name_zh: 化学需氧量减排量, unit: t, kind: cumulative_amount, target_value: 120.5,
     target_year: 2030, section: 二}
intensity_indicator: intensity
pollutant_indicators: {cod_t: cod}
intensity_targets:
  - {region: 示例市, basic: 0.12, incentive: 0.13}
  - {region: 东区, basic: 11.5%, incentive: 12.5%}
  - {region: 西县, basic: 12.5%, incentive: 13.5%}
annual_intensity_targets:
  - {region: 东区, year: 2026, rate: 2.5%}
pollutant_targets:
  - {region: 示例市, cod_t: 120.5, nh3n_t: 10, nox_t: 0, vocs_t: 0}
  - {region: 东区, cod_t: 100.25, nh3n_t: 4, nox_t: 0, vocs_t: 0}
  - {region: 西县, cod_t: 20.25, nh3n_t: 6, nox_t: 0, vocs_t: 0}
"""


def test_another_citys_plan_loads() -> None:
    plan = load_plan_text(ANOTHER_CITY, "example.yaml")
    assert (plan.metadata.base_year, plan.metadata.target_year) == (2025, 2030)
    assert plan.metadata.policy_rule_set == "2024"
    assert plan.city.name == "示例市"
    assert plan.region("西县").code is None
    assert plan.intensity_target("东区").basic == Decimal("0.115")
    assert plan.annual_target("东区", 2026) == Decimal("0.025")
    assert plan.annual_target("东区", 2027) is None
    assert plan.pollutant_target("东区").cod_t == Decimal("100.25")


def test_defaults_when_choices_are_omitted() -> None:
    """policy 2022, geometric path, ndrc-2021h1, renewables out of intensity by default."""
    text = "\n".join(
        line for line in ANOTHER_CITY.splitlines()
        if not line.lstrip().startswith(("policy_rule_set", "progress_path", "barometer_rule"))
    )  # fmt: skip
    meta = load_plan_text(text, "example.yaml").metadata
    assert (meta.policy_rule_set, meta.progress_path, meta.barometer_rule) == (
        "2022",
        "geometric",
        "ndrc-2021h1",
    )
    assert meta.renewables_in_intensity is False


def test_annual_target_outside_the_period() -> None:
    text = ANOTHER_CITY.replace("year: 2026, rate", "year: 2025, rate")
    with pytest.raises(EcerError) as info:
        load_plan_text(text, "example.yaml")
    [p] = info.value.problems
    assert (p.code, p.location.row, p.location.field) == (
        "PLAN_INVALID", line_of(text, "year: 2025, rate"), "annual_intensity_targets[0].year",
    )  # fmt: skip


def test_decimals_keep_their_written_digits() -> None:
    """YAML floats become Decimals from their text: 100.25 is exactly 100.25, not a binary float."""
    plan = load_plan_text(ANOTHER_CITY, "example.yaml")
    assert str(plan.pollutant_target("东区").cod_t) == "100.25"


@given(st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False))
@example(Decimal("14.5"))
def test_percent_text_is_a_hundredth(number: Decimal) -> None:
    assert percent_or_number(f"{number}%") == number / 100


def test_bare_numbers_pass_through() -> None:
    assert percent_or_number(Decimal("0.145")) == Decimal("0.145")
    with pytest.raises(ValueError):
        percent_or_number("abc%")


def test_unquoted_rule_set_and_code_are_read_as_text() -> None:
    text = ANOTHER_CITY.replace('policy_rule_set: "2024"', "policy_rule_set: 2024").replace(
        'code: "990102"', "code: 990102"
    )
    plan = load_plan_text(text, "example.yaml")
    assert plan.metadata.policy_rule_set == "2024"
    assert plan.region("990102").name == "东区"


def test_minimal_plan_in_the_docs_loads() -> None:
    """docs/plan-format.md shows a minimal plan; it must stay valid."""
    docs = Path(__file__).resolve().parents[3] / "docs" / "plan-format.md"
    blocks = docs.read_text(encoding="utf-8").split("```yaml\n")[1:]
    [example_text] = [b.split("```")[0] for b in blocks if b.startswith("id:")]
    plan = load_plan_text(example_text, "docs/plan-format.md")
    assert plan.intensity_target("西县").basic == Decimal("0.125")


def test_two_top_level_regions_are_refused() -> None:
    text = ANOTHER_CITY.replace("{name: 西县, kind: county, parent: 示例市}", "{name: 西县, kind: county}")
    with pytest.raises(EcerError) as info:
        load_plan_text(text, "example.yaml")
    assert [(p.code, p.location.row) for p in info.value.problems] == [
        ("PLAN_INVALID", line_of(text, "name: 西县"))
    ]


def test_incentive_below_basic_is_refused() -> None:
    text = ANOTHER_CITY.replace(
        "{region: 西县, basic: 12.5%, incentive: 13.5%}", "{region: 西县, basic: 12.5%, incentive: 12%}"
    )
    with pytest.raises(EcerError) as info:
        load_plan_text(text, "example.yaml")
    [p] = info.value.problems
    assert (p.code, p.location.field) == ("PLAN_INVALID", "intensity_targets[2].incentive")
