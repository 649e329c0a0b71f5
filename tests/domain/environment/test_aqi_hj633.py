"""IAQI and AQI against HJ 633-2012 表1 and 表2, worked by hand from the printed tables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecer.domain.environment.aqi import aqi_from_iaqi, category, daily_aqi, hourly_aqi, iaqi
from ecer.domain.errors import EcerError

D = Decimal

# HJ 633-2012 表1, typed here a second time on purpose: a transcription slip in the data file
# then fails these tests. IAQI 0, 50, 100, 150, 200, 300, 400, 500; None = not computed.
TABLE_1: dict[str, list[str | None]] = {
    "SO2_24h": ["0", "50", "150", "475", "800", "1600", "2100", "2620"],
    "SO2_1h": ["0", "150", "500", "650", "800", None, None, None],
    "NO2_24h": ["0", "40", "80", "180", "280", "565", "750", "940"],
    "NO2_1h": ["0", "100", "200", "700", "1200", "2340", "3090", "3840"],
    "PM10_24h": ["0", "50", "150", "250", "350", "420", "500", "600"],
    "CO_24h": ["0", "2", "4", "14", "24", "36", "48", "60"],
    "CO_1h": ["0", "5", "10", "35", "60", "90", "120", "150"],
    "O3_1h": ["0", "160", "200", "300", "400", "800", "1000", "1200"],
    "O3_8h": ["0", "100", "160", "215", "265", "800", None, None],
    "PM2_5_24h": ["0", "35", "75", "115", "150", "250", "350", "500"],
}
LEVELS = [0, 50, 100, 150, 200, 300, 400, 500]
BOUNDARIES = [
    (code, D(bp), level, position == len([b for b in row if b is not None]) - 1)
    for code, row in TABLE_1.items()
    for position, (bp, level) in enumerate(zip(row, LEVELS, strict=True))
    if bp is not None
]
EPSILON = D("0.01")  # small enough that every segment's slope × ε stays below 1


@pytest.mark.parametrize(("code", "bp", "level", "last"), BOUNDARIES)
def test_value_at_a_breakpoint_takes_its_index(code: str, bp: Decimal, level: int, last: bool) -> None:
    """表1: a concentration equal to a limit BP has exactly that limit's IAQI."""
    assert iaqi(code, bp) == level


@pytest.mark.parametrize(("code", "bp", "level", "last"), BOUNDARIES)
def test_value_just_above_a_breakpoint_is_in_the_next_segment(
    code: str, bp: Decimal, level: int, last: bool
) -> None:
    """Just above a limit the next segment applies: the index exceeds the limit's and rounds up to +1.

    Above the last limit: SO2 1h and O3 8h are not computed (表1 注2, 注3); the others stay at 500.
    """
    above = iaqi(code, bp + EPSILON)
    if not last:
        assert above == level + 1
    elif code in ("SO2_1h", "O3_8h"):
        assert above is None
    else:
        assert above == 500


def test_co_2_2_is_exactly_55() -> None:
    """CO 24h 2.2 mg/m³: (100−50)/(4−2)×(2.2−2)+50 = 55 exactly; binary floats give 55.000…01 → 56."""
    assert (100 - 50) / (4 - 2) * (2.2 - 2) + 50 > 55  # the float trap this guards against
    assert iaqi("CO_24h", D("2.2")) == 55


def test_pm25_80_rounds_up() -> None:
    """PM2.5 24h 80 μg/m³: (150−100)/(115−75)×(80−75)+100 = 106.25 → 107 (rounded up)."""
    assert iaqi("PM2_5_24h", D("80")) == 107


def test_no2_30_rounds_up() -> None:
    """NO2 24h 30 μg/m³: 50/40×30 = 37.5 → 38."""
    assert iaqi("NO2_24h", D("30")) == 38


def test_pm10_beyond_600_is_capped_at_500() -> None:
    """PM10 above the IAQI 500 limit (600 μg/m³): the table defines nothing higher; 500 is reported."""
    assert iaqi("PM10_24h", D("750")) == 500


def test_unknown_table_and_negative_concentration_refused() -> None:
    with pytest.raises(EcerError) as bad:
        iaqi("PM1_24h", D("10"))
    assert bad.value.code == "AQI_UNKNOWN_POLLUTANT"
    with pytest.raises(EcerError) as negative:
        iaqi("PM10_24h", D("-1"))
    assert negative.value.code == "IMPORT_NEGATIVE_VALUE"


@pytest.mark.parametrize(
    ("aqi", "level", "name", "colour"),
    [
        (0, 1, "优", "绿色"), (50, 1, "优", "绿色"), (51, 2, "良", "黄色"), (100, 2, "良", "黄色"),
        (101, 3, "轻度污染", "橙色"), (150, 3, "轻度污染", "橙色"), (151, 4, "中度污染", "红色"),
        (200, 4, "中度污染", "红色"), (201, 5, "重度污染", "紫色"), (300, 5, "重度污染", "紫色"),
        (301, 6, "严重污染", "褐红色"), (500, 6, "严重污染", "褐红色"),
    ],
)
def test_category_boundaries(aqi: int, level: int, name: str, colour: str) -> None:
    """HJ 633-2012 表2: 0–50 优, 51–100 良, 101–150 轻度, 151–200 中度, 201–300 重度, >300 严重."""
    cat = category(aqi)
    assert (cat.level, cat.name_zh, cat.colour_zh) == (level, name, colour)


def test_primary_pollutant_only_above_50() -> None:
    """HJ 633-2012: a primary pollutant is named only when AQI > 50."""
    assert aqi_from_iaqi({"PM10": 50, "NO2": 20}).primary_pollutants == []
    assert aqi_from_iaqi({"PM10": 51, "NO2": 20}).primary_pollutants == ["PM10"]


def test_tied_primary_pollutants_are_all_named_in_input_order() -> None:
    result = aqi_from_iaqi({"PM2_5": 120, "PM10": 120, "NO2": 60})
    assert result.aqi == 120
    assert result.primary_pollutants == ["PM2_5", "PM10"]


def test_over_standard_means_index_above_100() -> None:
    """HJ 633-2012: a pollutant exceeds the standard when its IAQI > 100 (100 itself does not)."""
    assert aqi_from_iaqi({"PM10": 100, "NO2": 101}).over_standard == ["NO2"]


def test_daily_aqi_worked_example() -> None:
    """A day: PM2.5 80 → 107, CO 2.2 → 55, PM10 60 → 55, O3 8h 90 → 45; AQI 107, 轻度污染, PM2_5."""
    result = daily_aqi({"PM2_5": D("80"), "CO": D("2.2"), "PM10": D("60"), "O3_8h": D("90"), "SO2": None})
    assert result.iaqi == {"PM10": 55, "CO": 55, "O3_8h": 45, "PM2_5": 107}
    assert result.aqi == 107
    assert result.category.level == 3
    assert result.primary_pollutants == ["PM2_5"]


def test_daily_o3_8h_above_800_uses_the_1h_index() -> None:
    """表1 注(3): O3 8h 820 μg/m³ is not computed; O3 1h 900 → 300+(400−300)/(1000−800)×100 = 350."""
    result = daily_aqi({"O3_1h": D("900"), "O3_8h": D("820")})
    assert result.iaqi == {"O3_1h": 350, "O3_8h": 350}
    assert result.aqi == 350


def test_daily_o3_8h_above_800_without_1h_is_refused() -> None:
    with pytest.raises(EcerError) as refused:
        daily_aqi({"O3_8h": D("820"), "PM10": D("100")})
    assert refused.value.code == "AQI_O3_8H_NEEDS_1H"


def test_hourly_so2_above_800_uses_the_24h_index() -> None:
    """表1 注(2): SO2 1h 900 not computed; SO2 24h 475 → 150 is reported instead."""
    result = hourly_aqi({"SO2": D("900"), "NO2": D("100")}, so2_24h=D("475"))
    assert result.iaqi == {"SO2": 150, "NO2": 50}
    with pytest.raises(EcerError) as refused:
        hourly_aqi({"SO2": D("900")})
    assert refused.value.code == "AQI_SO2_1H_NEEDS_24H"


def test_hourly_uses_1h_rows() -> None:
    """实时报: CO 1h 10 mg/m³ → 100 (CO_1h row), where the 24h row would give 200+."""
    assert hourly_aqi({"CO": D("10")}).aqi == 100


def test_nothing_measured_is_refused() -> None:
    with pytest.raises(EcerError) as refused:
        daily_aqi({"SO2": None})
    assert refused.value.code == "AQI_NO_POLLUTANT"


concentration = st.decimals(min_value=0, max_value=3000, places=2, allow_nan=False, allow_infinity=False)


@given(code=st.sampled_from([c for c in TABLE_1 if c not in ("SO2_1h", "O3_8h")]), a=concentration, b=concentration)
@example(code="CO_24h", a=D("2.2"), b=D("2.21"))
def test_iaqi_is_monotonic_in_concentration(code: str, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert iaqi(code, low) <= iaqi(code, high)  # type: ignore[operator]


pollutant_values = st.fixed_dictionaries(
    {},
    optional={k: st.decimals(min_value=0, max_value=700, places=1) for k in ("SO2", "NO2", "PM10", "O3_1h", "PM2_5")}
    | {"CO": st.decimals(min_value=0, max_value=60, places=1), "O3_8h": st.decimals(min_value=0, max_value=800, places=1)},
).filter(bool)


@given(values=pollutant_values)
def test_aqi_is_at_least_every_index_and_equals_one(values: dict[str, Decimal]) -> None:
    result = daily_aqi(values)
    assert set(result.iaqi) == set(values)
    assert all(result.aqi >= v for v in result.iaqi.values())
    assert result.aqi in result.iaqi.values()
