"""Claimed reductions: hand-worked figures for every formula of data/reduction_formulas.yaml.

Formulas as specified in ECER issue 5 §2 after 《“十四五”主要污染物总量减排核算技术指南》 (clauses to be
checked). Each docstring writes the arithmetic out; a year is the 365-day accounting year.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecer.domain.errors import EcerError
from ecer.domain.pollutants.formulas import load_formulas
from ecer.domain.pollutants.reductions import claimed_reduction, parameter_value
from ecer.domain.units import quantity

D = Decimal


def codes(err: pytest.ExceptionInfo[EcerError]) -> list[str]:
    return [p.code for p in err.value.problems]


# --- unit conversions -------------------------------------------------------------------------


def _q_spec():
    return load_formulas().get("wastewater_new_capacity").parameter("Q")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (10000, "m³/d", D(3650000)),  # 10 000 m³/d × 365 d = 3 650 000 m³/a (not 365.25)
        (10000, "m**3/day", D(3650000)),
        (3650000, "m³/a", D(3650000)),  # a per-year value keeps its magnitude
        (500, "万m³/a", D(5000000)),  # 500 × 10⁴ m³/a
        (500, "万立方米/年", D(5000000)),
        (1, "万m³/d", D(3650000)),  # 10⁴ m³/d × 365
        (1000, "立方米/日", D(365000)),
    ],
)
def test_flow_conversions(value: int, unit: str, expected: Decimal) -> None:
    assert parameter_value(_q_spec(), (value, unit), "Q") == expected


def test_flow_as_pint_quantity() -> None:
    """A pint quantity is accepted as is: 2 000 m³/d → 730 000 m³/a."""
    assert parameter_value(_q_spec(), quantity(2000, "m³/d"), "Q") == D(730000)


def test_concentration_and_ratio_conversions() -> None:
    """0.25 g/L = 250 mg/L; 85 % = 0.85; 3 000 kg/a = 3 t/a."""
    spec = load_formulas().get("wastewater_new_capacity").parameter("C_in")
    assert parameter_value(spec, (D("0.25"), "g/L"), "C_in") == D(250)
    rate = load_formulas().get("livestock_manure_utilisation").parameter("rate_after")
    assert parameter_value(rate, (85, "%"), "rate_after") == D("0.85")
    assert parameter_value(rate, D("0.85"), "rate_after") == D("0.85")
    e_prev = load_formulas().get("capacity_phase_out").parameter("E_prev")
    assert parameter_value(e_prev, (3000, "kg/a"), "E_prev") == D(3)


# --- one hand-worked figure per formula -------------------------------------------------------


def test_wastewater_new_capacity() -> None:
    """Q = 10 000 m³/d = 3 650 000 m³/a.
    COD: 3 650 000 × (250 − 50) × 10⁻⁶ = 730 t/a; NH3-N: 3 650 000 × (25 − 5) × 10⁻⁶ = 73 t/a."""
    result = claimed_reduction(
        "wastewater_new_capacity",
        {
            "Q": (10000, "m³/d"),
            "C_in": {"COD": (250, "mg/L"), "NH3N": (25, "mg/L")},
            "C_out": {"COD": (50, "mg/L"), "NH3N": (5, "mg/L")},
        },
    )
    assert result == {"COD": D(730), "NH3N": D(73)}


def test_wastewater_one_pollutant_only() -> None:
    """Only COD given: 5 000 000 m³/a (500 万m³/a) × (300 − 40) × 10⁻⁶ = 1 300 t/a; no NH3N row."""
    result = claimed_reduction(
        "wastewater_new_capacity",
        {"Q": (500, "万m³/a"), "C_in": {"COD": (300, "mg/L")}, "C_out": {"COD": (40, "mg/L")}},
    )
    assert result == {"COD": D(1300)}


def test_effluent_standard_upgrade() -> None:
    """Q = 500 万m³/a = 5 000 000 m³/a. COD: 5 000 000 × (50 − 30) × 10⁻⁶ = 100 t/a;
    NH3-N: 5 000 000 × (8 − 1.5) × 10⁻⁶ = 32.5 t/a."""
    result = claimed_reduction(
        "effluent_standard_upgrade",
        {
            "Q": (500, "万m³/a"),
            "C_out_before": {"COD": (50, "mg/L"), "NH3N": (8, "mg/L")},
            "C_out_after": {"COD": (30, "mg/L"), "NH3N": (D("1.5"), "mg/L")},
        },
    )
    assert result == {"COD": D(100), "NH3N": D("32.5")}


def test_reclaimed_water_reuse() -> None:
    """Q_reuse = 2 000 m³/d = 730 000 m³/a. COD: 730 000 × 30 × 10⁻⁶ = 21.9 t/a;
    NH3-N: 730 000 × 1.5 × 10⁻⁶ = 1.095 t/a."""
    result = claimed_reduction(
        "reclaimed_water_reuse",
        {"Q_reuse": (2000, "m³/d"), "C_out": {"COD": (30, "mg/L"), "NH3N": (D("1.5"), "mg/L")}},
    )
    assert result == {"COD": D("21.9"), "NH3N": D("1.095")}


def test_livestock_manure_utilisation() -> None:
    """10 000 head, 365 d/a, utilisation 60 % → 85 % (Δ = 0.25).
    COD: 10 000 × 200 g/d × 365 × 0.25 × 10⁻⁶ = 182.5 t/a; NH3-N: 10 000 × 20 × 365 × 0.25 × 10⁻⁶ = 18.25."""
    result = claimed_reduction(
        "livestock_manure_utilisation",
        {
            "N": 10000,
            "L": {"COD": (200, "g/d"), "NH3N": (20, "g/d")},
            "D": (365, "d/a"),
            "rate_before": (60, "%"),
            "rate_after": (85, "%"),
        },
    )
    assert result == {"COD": D("182.5"), "NH3N": D("18.25")}


def test_rural_domestic_sewage() -> None:
    """20 000 people, 365 d/a. COD: 40 g/d, removal 10 % → 60 %: 20 000 × 40 × 365 × 0.5 × 10⁻⁶ = 146 t/a.
    NH3-N: 4 g/d, 5 % → 45 %: 20 000 × 4 × 365 × 0.4 × 10⁻⁶ = 11.68 t/a."""
    result = claimed_reduction(
        "rural_domestic_sewage",
        {
            "P": 20000,
            "L": {"COD": (40, "g/d"), "NH3N": (4, "g/d")},
            "D": (365, "d/a"),
            "rate_before": {"COD": D("0.10"), "NH3N": D("0.05")},
            "rate_after": {"COD": D("0.60"), "NH3N": D("0.45")},
        },
    )
    assert result == {"COD": D(146), "NH3N": D("11.68")}


def test_flue_gas_retrofit() -> None:
    """Measured (not O2-converted) NOx 300 → 50 mg/m³, 200 000 Nm³/h dry standard flue gas, 5 000 h/a:
    (300 − 50) × 200 000 × 5 000 × 10⁻⁹ = 250 t/a."""
    result = claimed_reduction(
        "flue_gas_retrofit",
        {
            "C_before": {"NOx": (300, "mg/m**3")},
            "C_after": {"NOx": (50, "mg/m**3")},
            "V": (200000, "Nm3/h"),
            "H": (5000, "h/a"),
        },
    )
    assert result == {"NOx": D(250)}


def test_flue_gas_in_other_units() -> None:
    """0.3 g/m³ = 300 mg/m³ and 20 万Nm³/h → the same 250 t/a."""
    result = claimed_reduction(
        "flue_gas_retrofit",
        {
            "C_before": {"NOx": (D("0.3"), "g/m**3")},
            "C_after": {"NOx": (50, "mg/m**3")},
            "V": (20, "wan_Nm3/h"),
            "H": (5000, "h/a"),
        },
    )
    assert result == {"NOx": D(250)}


def test_yearly_totals_without_time_unit() -> None:
    """Operating hours as 5 000 h and 365 d read as per year: the flue-gas case gives the same 250 t/a;
    previous-year emissions 120.5 t → 120.5 t/a. A bare time where none fits is still refused."""
    result = claimed_reduction(
        "flue_gas_retrofit",
        {
            "C_before": {"NOx": (300, "mg/m**3")},
            "C_after": {"NOx": (50, "mg/m**3")},
            "V": (200000, "Nm3/h"),
            "H": (5000, "h"),
        },
    )
    assert result == {"NOx": D(250)}
    e_prev = load_formulas().get("capacity_phase_out").parameter("E_prev")
    assert parameter_value(e_prev, (D("120.5"), "t"), "E_prev") == D("120.5")
    with pytest.raises(EcerError) as err:
        parameter_value(e_prev, (1, "t*h"), "E_prev")
    assert codes(err) == ["REDUCTION_UNIT_MISMATCH"]


def test_capacity_phase_out() -> None:
    """Reduction = the closed unit's previous-year emissions: NOx 120.5 t/a; COD 3 000 kg/a = 3 t/a."""
    result = claimed_reduction(
        "capacity_phase_out", {"E_prev": {"NOx": (D("120.5"), "t/a"), "COD": (3000, "kg/a")}}
    )
    assert result == {"COD": D(3), "NOx": D("120.5")}


_SUBSTITUTION_ITEMS = [
    {
        "usage": (100, "t/a"),
        "content_before": (600, "g/L"),
        "density_before": (D("1.2"), "kg/L"),
        "content_after": (60, "g/L"),
        "density_after": (D("1.2"), "kg/L"),
    },
    {
        "usage": (50, "t/a"),
        "content_before": (420, "g/L"),
        "density_before": (D("1.05"), "kg/L"),
        "content_after": (100, "g/L"),
        "density_after": (D("1.25"), "kg/L"),
    },
]


def test_vocs_source_substitution_untreated() -> None:
    """Item 1: 100 t × (600/1.2 − 60/1.2) g/kg × 10⁻³ = 100 × (500 − 50) × 10⁻³ = 45 t/a.
    Item 2: 50 t × (420/1.05 − 100/1.25) × 10⁻³ = 50 × (400 − 80) × 10⁻³ = 16 t/a. Σ = 61 t/a;
    no capture before (η defaults 0): × (1 − 0) = 61 t/a."""
    assert claimed_reduction("vocs_source_substitution", {"items": _SUBSTITUTION_ITEMS}) == {"VOCs": D(61)}


def test_vocs_source_substitution_already_treated() -> None:
    """Same items, already captured 50 % and treated 80 %: 61 × (1 − 0.5 × 0.8) = 61 × 0.6 = 36.6 t/a."""
    result = claimed_reduction(
        "vocs_source_substitution",
        {"items": _SUBSTITUTION_ITEMS, "eta_capture": (50, "%"), "eta_treat": D("0.8")},
    )
    assert result == {"VOCs": D("36.6")}


def test_vocs_source_substitution_mass_fraction() -> None:
    """200 t/a, VOCs content 70 % → 10 % by mass: 200 × (0.7 − 0.1) = 120 t/a (untreated)."""
    result = claimed_reduction(
        "vocs_source_substitution_mass",
        {"items": [{"usage": (200, "t/a"), "w_before": (70, "%"), "w_after": (10, "%")}]},
    )
    assert result == {"VOCs": D(120)}


def test_vocs_capture_treatment() -> None:
    """G = 500 t/a; before 0.3 × 0.6 = 0.18, after 0.9 × 0.9 = 0.81: 500 × (0.81 − 0.18) = 315 t/a."""
    result = claimed_reduction(
        "vocs_capture_treatment",
        {
            "G": (500, "t/a"),
            "eta_c_before": D("0.3"),
            "eta_t_before": D("0.6"),
            "eta_c_after": (90, "%"),
            "eta_t_after": (90, "%"),
        },
    )
    assert result == {"VOCs": D(315)}


# --- refusals ---------------------------------------------------------------------------------


def _wastewater(**changes: object) -> dict[str, object]:
    params: dict[str, object] = {
        "Q": (10000, "m³/d"),
        "C_in": {"COD": (250, "mg/L")},
        "C_out": {"COD": (50, "mg/L")},
    }
    params.update(changes)
    return params


def test_unknown_type_lists_valid_codes() -> None:
    with pytest.raises(EcerError) as err:
        claimed_reduction("teleportation", {})
    assert codes(err) == ["REDUCTION_TYPE_UNKNOWN"]
    assert "wastewater_new_capacity" in str(err.value)


def test_missing_parameter() -> None:
    params = _wastewater()
    del params["Q"]
    with pytest.raises(EcerError) as err:
        claimed_reduction("wastewater_new_capacity", params)
    assert codes(err) == ["REDUCTION_PARAMETER_MISSING"]
    assert err.value.problems[0].location.field == "Q"


def test_missing_pollutant_in_one_parameter() -> None:
    """C_in gives NH3N but C_out does not."""
    params = _wastewater(C_in={"COD": (250, "mg/L"), "NH3N": (25, "mg/L")})
    with pytest.raises(EcerError) as err:
        claimed_reduction("wastewater_new_capacity", params)
    assert codes(err) == ["REDUCTION_PARAMETER_MISSING"]
    assert err.value.problems[0].location.field == "C_out[NH3N]"


def test_unknown_parameter_and_pollutant() -> None:
    """A parameter the formula lacks, and NOx for a wastewater project."""
    params = _wastewater(O2=(6, "%"), C_in={"COD": (250, "mg/L"), "NOx": (1, "mg/L")})
    with pytest.raises(EcerError) as err:
        claimed_reduction("wastewater_new_capacity", params)
    assert codes(err).count("REDUCTION_PARAMETER_UNKNOWN") == 2


def test_wrong_unit() -> None:
    """A flow given as a concentration, and a concentration given without a unit."""
    with pytest.raises(EcerError) as err:
        claimed_reduction("wastewater_new_capacity", _wastewater(Q=(10, "mg/L"), C_out={"COD": 50}))
    assert codes(err) == ["REDUCTION_UNIT_MISMATCH", "REDUCTION_UNIT_MISMATCH"]
    assert {p.location.field for p in err.value.problems} == {"Q", "C_out[COD]"}


def test_unknown_unit() -> None:
    with pytest.raises(EcerError) as err:
        claimed_reduction("wastewater_new_capacity", _wastewater(Q=(10, "桶/日")))
    assert codes(err) == ["UNIT_UNKNOWN"]


def test_negative_flow() -> None:
    with pytest.raises(EcerError) as err:
        claimed_reduction("wastewater_new_capacity", _wastewater(Q=(-10000, "m³/d")))
    assert codes(err) == ["REDUCTION_NEGATIVE"]


@pytest.mark.parametrize("rate", [(120, "%"), D("1.2"), D("-0.1")])
def test_rate_outside_zero_one(rate: object) -> None:
    params = {
        "N": 10,
        "L": {"COD": (200, "g/d")},
        "D": (365, "d/a"),
        "rate_before": D("0.5"),
        "rate_after": rate,
    }
    with pytest.raises(EcerError) as err:
        claimed_reduction("livestock_manure_utilisation", params)
    assert codes(err) == ["REDUCTION_RATIO_RANGE"]


def test_density_must_be_positive() -> None:
    items = [dict(_SUBSTITUTION_ITEMS[0], density_after=(0, "kg/L"))]
    with pytest.raises(EcerError) as err:
        claimed_reduction("vocs_source_substitution", {"items": items})
    assert codes(err) == ["REDUCTION_NOT_POSITIVE"]


def test_effluent_worse_after() -> None:
    """C_out 50 mg/L above C_in 40 mg/L: the plant would add COD."""
    with pytest.raises(EcerError) as err:
        claimed_reduction("wastewater_new_capacity", _wastewater(C_in={"COD": (40, "mg/L")}))
    assert codes(err) == ["REDUCTION_AFTER_WORSE"]
    assert err.value.problems[0].location.field == "COD"


def test_upgrade_worse_after() -> None:
    params = {
        "Q": (1, "万m³/a"),
        "C_out_before": {"NH3N": (5, "mg/L")},
        "C_out_after": {"NH3N": (8, "mg/L")},
    }
    with pytest.raises(EcerError) as err:
        claimed_reduction("effluent_standard_upgrade", params)
    assert codes(err) == ["REDUCTION_AFTER_WORSE"]


def test_flue_gas_worse_after() -> None:
    params = {
        "C_before": {"NOx": (50, "mg/m**3")},
        "C_after": {"NOx": (80, "mg/m**3")},
        "V": (1000, "Nm3/h"),
        "H": (100, "h/a"),
    }
    with pytest.raises(EcerError) as err:
        claimed_reduction("flue_gas_retrofit", params)
    assert codes(err) == ["REDUCTION_AFTER_WORSE"]


def test_utilisation_rate_fell_reported_once() -> None:
    """A shared-rate constraint is one problem, not one per pollutant."""
    params = {
        "N": 10,
        "L": {"COD": (200, "g/d"), "NH3N": (20, "g/d")},
        "D": (365, "d/a"),
        "rate_before": D("0.9"),
        "rate_after": D("0.5"),
    }
    with pytest.raises(EcerError) as err:
        claimed_reduction("livestock_manure_utilisation", params)
    assert codes(err) == ["REDUCTION_AFTER_WORSE"]


def test_substitution_item_worse_after() -> None:
    """Item 2 (second, index 1): 400/1.0 = 400 g/kg after vs 420/1.2 = 350 g/kg before."""
    worse = dict(_SUBSTITUTION_ITEMS[1], content_after=(400, "g/L"), density_after=(1, "kg/L"),
                 density_before=(D("1.2"), "kg/L"))
    with pytest.raises(EcerError) as err:
        claimed_reduction("vocs_source_substitution", {"items": [_SUBSTITUTION_ITEMS[0], worse]})
    assert codes(err) == ["REDUCTION_AFTER_WORSE"]
    assert err.value.problems[0].location.field == "items[1]"


def test_capture_efficiency_worse_after() -> None:
    params = {
        "G": (500, "t/a"),
        "eta_c_before": D("0.9"),
        "eta_t_before": D("0.9"),
        "eta_c_after": D("0.8"),
        "eta_t_after": D("0.9"),
    }
    with pytest.raises(EcerError) as err:
        claimed_reduction("vocs_capture_treatment", params)
    assert codes(err) == ["REDUCTION_AFTER_WORSE"]


def test_empty_items() -> None:
    with pytest.raises(EcerError) as err:
        claimed_reduction("vocs_source_substitution", {"items": []})
    assert codes(err) == ["REDUCTION_PARAMETER_MISSING"]


def test_no_pollutant_given() -> None:
    with pytest.raises(EcerError) as err:
        claimed_reduction("capacity_phase_out", {"E_prev": {}})
    assert "REDUCTION_PARAMETER_MISSING" in codes(err)


def test_all_problems_in_one_error() -> None:
    """Negative flow and a rate-free unit error together; input errors exit 1."""
    with pytest.raises(EcerError) as err:
        claimed_reduction("wastewater_new_capacity", _wastewater(Q=(-1, "m³/d"), C_in={"COD": (1, "kg")}))
    assert sorted(codes(err)) == ["REDUCTION_NEGATIVE", "REDUCTION_UNIT_MISMATCH"]
    assert err.value.exit_code == 1
