"""Verification from monitoring, hand-worked, with readings that went through the HJ 212 codec.

The readings are hourly uploads (HJ 212-2017 Table C.17, CN=2061: ``w00000-Cou`` the hour's
volume in m³, ``w01018-Avg`` the COD mean in mg/L, ``-Flag`` from Table 8) built by
``ecer.protocol.hj212.builder`` and decoded back by ``ecer.protocol.hj212.codec``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ecer.domain.errors import EcerError
from ecer.domain.pollutants.verification import (
    Reading,
    ValidDataRules,
    annualised_volume_m3,
    summarise_period,
    unit_factor_t,
    verify_reduction,
)
from ecer.protocol.hj212 import builder, codec
from ecer.protocol.hj212.cp import CST

MN = "010000A8900016F000169DC0"
BEFORE = (dt.datetime(2024, 1, 1, 0, tzinfo=CST), dt.datetime(2024, 1, 1, 6, tzinfo=CST))
AFTER = (dt.datetime(2024, 6, 1, 0, tzinfo=CST), dt.datetime(2024, 6, 1, 4, tzinfo=CST))


def hour_packet(start: dt.datetime, volume: float | None, cod: float | None, flag: str) -> bytes:
    values: dict[str, dict[str, object]] = {"w00000": {"Flag": flag}, "w01018": {"Flag": flag}}
    if volume is not None:
        values["w00000"]["Cou"] = volume
    if cod is not None:
        values["w01018"]["Avg"] = cod
    return builder.build(st="32", cn="2061", pw="123456", mn=MN, qn=builder.make_qn(start), flag=5,
                         data_time=start, values=values)


def reading(packet: bytes) -> Reading:
    """A decoded hourly packet as the verification's reading (COD, w01018)."""
    p = codec.decode(packet)
    assert p.errors == [] and p.crc_ok
    flow, cod = p.values["w00000"], p.values["w01018"]
    return Reading(
        start=p.data_time,
        volume_m3=None if "Cou" not in flow else Decimal(repr(flow["Cou"])),
        concentration=None if "Avg" not in cod else Decimal(repr(cod["Avg"])),
        flag=str(cod["Flag"]),
    )


def readings(start: dt.datetime, rows: list[tuple[float | None, float | None, str] | None]) -> list[Reading]:
    out = []
    for hour, row in enumerate(rows):
        if row is not None:  # None: the hour never arrived
            out.append(reading(hour_packet(start + dt.timedelta(hours=hour), *row)))
    return out


# Before: h0 N 1000 m³ × 100 mg/L; h1 N 3000 × 200; h2 M (检修); h3 missing; h4 F (停产); h5 D (fault)
BEFORE_ROWS = [(1000.0, 100.0, "N"), (3000.0, 200.0, "N"), (2000.0, 500.0, "M"), None, (0.0, None, "F"),
               (1000.0, 150.0, "D")]
# After: four valid hours, 8000 m³, Σ C·V = 340 000
AFTER_ROWS = [(2000.0, 40.0, "N"), (2000.0, 60.0, "N"), (1000.0, 50.0, "N"), (3000.0, 30.0, "N")]


@pytest.fixture
def before():
    return summarise_period(readings(BEFORE[0], BEFORE_ROWS), *BEFORE)


@pytest.fixture
def after():
    return summarise_period(readings(AFTER[0], AFTER_ROWS), *AFTER)


def test_unit_factors():
    """mg/L × m³ = g = 10⁻⁶ t; mg/m³ × m³ = mg = 10⁻⁹ t."""
    assert unit_factor_t("mg/L") == Decimal("1E-6")
    assert unit_factor_t("mg/m**3") == Decimal("1E-9")


def test_only_valid_hours_are_averaged(before):
    """C̄ = (1000·100 + 3000·200) / (1000 + 3000) = 700 000 / 4 000 = 175 mg/L."""
    assert before.valid == 2
    assert before.volume_m3 == Decimal(4000)
    assert before.mean_concentration == Decimal(175)


def test_mass_of_the_valid_hours(before):
    """Σ C·V = 700 000 mg/L·m³ = 0.7 t."""
    assert before.mass_t == Decimal("0.7")


def test_marks_and_gaps_are_counted(before):
    assert (before.expected, before.maintenance, before.missing, before.shutdown, before.invalid) == (6, 1, 1, 1, 1)


def test_missing_share_leaves_out_shutdown(before):
    """Running hours 6 − 1 (停产) = 5, of which 2 valid: (5 − 2)/5 = 0.6."""
    assert before.missing_share == Decimal("0.6")


def test_spans_report_each_mark_and_gap(before):
    assert [(s.kind, s.start.hour, s.intervals) for s in before.spans] == [
        ("maintenance", 2, 1), ("gap", 3, 1), ("shutdown", 4, 1), ("invalid", 5, 1)]
    assert [s.kind_zh for s in before.spans] == ["维护（检修）", "缺失", "停运（停产）", "无效标记"]


def test_after_period_flow_weighted(after):
    """(2000·40 + 2000·60 + 1000·50 + 3000·30) / 8000 = 340 000 / 8 000 = 42.5 mg/L."""
    assert after.mean_concentration == Decimal("42.5")
    assert after.missing_share == 0


def test_annualised_volume(after):
    """8000 m³ / 4 valid hours × 8760 h (365-day year), no stoppage = 17 520 000 m³/a."""
    assert annualised_volume_m3(after) == Decimal(17_520_000)


def test_achieved_reduction_with_the_plants_yearly_volume():
    """(175 − 42.5) mg/L × 7 300 000 m³/a (2 万m³/d) × 10⁻⁶ = 967.25 t/a; claim 1000 → 3.275 % short."""
    result = verify_reduction("COD", readings(BEFORE[0], BEFORE_ROWS), readings(AFTER[0], AFTER_ROWS),
                              before_period=BEFORE, after_period=AFTER, claimed_t=Decimal(1000),
                              annual_volume_m3=Decimal(7_300_000))
    assert result.achieved_t == Decimal("967.25")
    assert result.shortfall_share == Decimal("0.03275")


def test_review_flags_missing_data_but_not_a_small_shortfall():
    result = verify_reduction("COD", readings(BEFORE[0], BEFORE_ROWS), readings(AFTER[0], AFTER_ROWS),
                              before_period=BEFORE, after_period=AFTER, claimed_t=Decimal(1000),
                              annual_volume_m3=Decimal(7_300_000))
    assert result.needs_review and result.reasons == ("missing_data_before",)


def test_thresholds_are_configurable():
    """With 60 % missing allowed and 3 % shortfall allowed, the 3.275 % shortfall is what is flagged."""
    rules = ValidDataRules(max_missing_share=Decimal("0.6"), max_shortfall_share=Decimal("0.03"))
    result = verify_reduction("COD", readings(BEFORE[0], BEFORE_ROWS), readings(AFTER[0], AFTER_ROWS),
                              before_period=BEFORE, after_period=AFTER, claimed_t=Decimal(1000),
                              annual_volume_m3=Decimal(7_300_000), rules=rules)
    assert result.reasons == ("shortfall",)


def test_treating_a_flag_as_valid_changes_the_average():
    """Counting D as valid adds 1000 m³ × 150: (700 000 + 150 000) / 5000 = 170 mg/L."""
    treatment = {**ValidDataRules().flag_treatment, "D": "valid"}
    summary = summarise_period(readings(BEFORE[0], BEFORE_ROWS), *BEFORE,
                               rules=ValidDataRules(flag_treatment=treatment))
    assert summary.mean_concentration == Decimal(170)


def test_flue_gas_retrofit_matches_its_claim():
    """NOx 280 → 45 mg/m³ at 300 000 m³/h × 5000 h: 235 × 1.5·10⁹ × 10⁻⁹ = 352.5 t/a, the formula's claim."""
    start_b, start_a = dt.datetime(2021, 3, 1, tzinfo=CST), dt.datetime(2022, 3, 1, tzinfo=CST)
    before = [Reading(start_b + dt.timedelta(hours=h), Decimal(300000), Decimal(280)) for h in range(24)]
    after = [Reading(start_a + dt.timedelta(hours=h), Decimal(300000), Decimal(45)) for h in range(24)]
    result = verify_reduction("NOx", before, after, before_period=(start_b, start_b + dt.timedelta(days=1)),
                              after_period=(start_a, start_a + dt.timedelta(days=1)), claimed_t=Decimal("352.5"),
                              annual_volume_m3=Decimal(300000 * 5000), concentration_unit="mg/m**3")
    assert result.achieved_t == Decimal("352.5")
    assert result.shortfall_share == 0 and not result.needs_review


def test_no_valid_data_is_refused():
    start = AFTER[0]
    after = [Reading(start, Decimal(100), Decimal(10), "F")]
    with pytest.raises(EcerError) as info:
        verify_reduction("COD", readings(BEFORE[0], BEFORE_ROWS), after, before_period=BEFORE, after_period=AFTER)
    assert info.value.code == "VERIFICATION_NO_VALID_DATA"


def test_a_second_reading_of_an_hour_is_ignored():
    start = AFTER[0]
    twice = [Reading(start, Decimal(100), Decimal(10)), Reading(start, Decimal(100), Decimal(90))]
    summary = summarise_period(twice, start, start + dt.timedelta(hours=1))
    assert summary.mean_concentration == Decimal(10)
