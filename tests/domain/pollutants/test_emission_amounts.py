"""Emission amounts against HJ 212-2017 Appendix D, worked by hand from Appendix C's example hour (C.17)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.domain.pollutants import emission_amounts as ea

CST = dt.timezone(dt.timedelta(hours=8))
HOUR = dt.datetime(2016, 8, 1, 8, tzinfo=CST)


def test_eq1_volume_of_a_time_slice():
    """Eq. (1): 17.5 L/s for 3600 s is 63 000 L = 63.0 m³ (C.17's w00000-Cou=63.0 with Avg 17.5)."""
    assert ea.wastewater_volume_m3(17.5, 3600) == pytest.approx(63.0)


def test_eq5_mean_flow_needs_the_factor_the_print_omits():
    """Eqs. (5)–(7) as printed give m³/s (63/3600 = 0.0175); in L/s it is 17.5."""
    assert ea.mean_flow_l_s(63.0, 3600) == pytest.approx(17.5)


def test_eq8_mass_of_cod_in_the_c17_hour():
    """Eq. (8): 63.0 m³ × 40.1 mg/L × 10⁻³ = 2.5263 kg."""
    assert ea.water_pollutant_mass_kg(63.0, 40.1) == pytest.approx(2.5263)


def test_eq33_flue_gas_hourly_mass():
    """Eq. (33): 50 mg/m³ × 200 000 m³/h × 10⁻⁶ = 10 kg/h."""
    assert ea.flue_gas_mass_kg(50.0, 200_000.0) == pytest.approx(10.0)


def test_hour_uses_cou_when_sent():
    hour = ea.HourData(HOUR, "w01018", avg=40.1, cou=63.0, flag="N", flow_cou_m3=63.0)
    amount = ea.hourly_amount(hour, "wastewater")
    assert (amount.method, amount.mass_kg, amount.valid) == ("cou", 63.0, True)


def test_hour_without_cou_is_concentration_times_volume():
    hour = ea.HourData(HOUR, "w01018", avg=40.1, flag="N", flow_cou_m3=63.0)
    amount = ea.hourly_amount(hour, "wastewater")
    assert amount.method == "concentration_x_flow"
    assert amount.mass_kg == pytest.approx(2.5263)


def test_flue_gas_hour_from_mean_flow_in_m3_per_s():
    """a00000-Avg is m³/s (Appendix B.2): 55.5 m³/s × 3600 s = 199 800 m³; × 50 mg/m³ × 10⁻⁶ = 9.99 kg."""
    hour = ea.HourData(HOUR, "a21002", avg=50.0, flag="N", flow_avg=55.5)
    assert ea.hourly_amount(hour, "flue_gas").mass_kg == pytest.approx(9.99)


@pytest.mark.parametrize(("minutes", "valid"), [(44, False), (45, True), (None, True)])
def test_flue_gas_hour_needs_45_valid_minutes(minutes, valid):
    """HJ 75-2017 / eq. (24): 45 ≤ k; without minute data the hour's own flag decides."""
    hour = ea.HourData(HOUR, "a21002", avg=50.0, flag="N", flow_avg=55.5, valid_minutes=minutes)
    assert ea.hour_is_valid(hour, ea.FLUE_GAS_RULE) is valid


@pytest.mark.parametrize("flag", ["F", "M", "D", "C", "T", "B", None])
def test_only_n_flagged_hours_are_valid(flag):
    assert not ea.hour_is_valid(ea.HourData(HOUR, "a21002", avg=1.0, flag=flag), ea.FLUE_GAS_RULE)


def test_marked_hour_is_not_valid():
    assert not ea.hour_is_valid(ea.HourData(HOUR, "a21002", avg=1.0, flag="N", excluded=True), ea.FLUE_GAS_RULE)


def test_day_needs_20_valid_hours():
    """Eq. (25): 20 ≤ m; 19 valid hours make an invalid day, 20 a valid one."""
    def day(n):
        return [ea.HourAmount(dt.datetime(2016, 8, 1, h, tzinfo=CST), "a21002", 1.5, "cou", True) for h in range(n)]

    (short,) = ea.daily_amounts(day(19), ea.FLUE_GAS_RULE, CST)
    assert (short.valid_hours, short.valid) == (19, False)
    (full,) = ea.daily_amounts(day(20), ea.FLUE_GAS_RULE, CST)
    assert (full.valid_hours, full.valid, full.mass_kg) == (20, True, pytest.approx(30.0))


def test_day_is_the_local_beijing_day():
    """00:00 Beijing time is 16:00 UTC the day before: it counts to the Beijing day."""
    midnight = dt.datetime(2016, 7, 31, 16, tzinfo=dt.UTC)
    (d,) = ea.daily_amounts([ea.HourAmount(midnight, "w01018", 1.0, "cou", True)], ea.WASTEWATER_RULE, CST)
    assert d.day == dt.date(2016, 8, 1)


def test_totals_by_region_in_tonnes_with_permit_share():
    amounts = [("永吉县", "w01018", 600.0), ("永吉县", "w01018", 400.0), ("舒兰市", "a21002", 2500.0),
               ("舒兰市", "w01001", 9.0)]  # pH is no Annex 2 pollutant
    permits = {("永吉县", "w01018"): 4.0, ("舒兰市", "w21003"): 1.0}
    totals = {(t.region, t.pollutant): t for t in ea.totals_by_region(amounts, permits)}
    assert set(totals) == {("永吉县", "COD"), ("舒兰市", "NOx"), ("舒兰市", "NH3-N")}
    assert totals[("永吉县", "COD")].amount_t == pytest.approx(1.0)
    assert totals[("永吉县", "COD")].share_of_permit == pytest.approx(0.25)
    assert totals[("舒兰市", "NH3-N")].amount_t == 0.0
    assert totals[("舒兰市", "NOx")].permit_t is None


def test_voc_proxy_is_configurable():
    codes = {**ea.ANNEX2_CODES, "VOCs": "a25002"}
    (total,) = ea.totals_by_region([("永吉县", "a25002", 1000.0)], {}, codes)
    assert (total.pollutant, total.amount_t) == ("VOCs", 1.0)


@given(st.floats(0, 1e4), st.floats(0, 1e4), st.floats(0, 1e4))
def test_mass_is_additive_in_volume(c, v1, v2):
    """Eq. (8) is linear: splitting the volume splits the mass."""
    whole = ea.water_pollutant_mass_kg(v1 + v2, c)
    assert whole == pytest.approx(ea.water_pollutant_mass_kg(v1, c) + ea.water_pollutant_mass_kg(v2, c))
