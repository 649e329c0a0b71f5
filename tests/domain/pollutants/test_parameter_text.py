"""Parameters written in one cell (``name[key]=value unit; …``), parsed and computed.

Hand-worked figures follow the formulas of ``data/reduction_formulas.yaml`` (issue 5 §2).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecer.domain.errors import EcerError
from ecer.domain.pollutants.formulas import load_formulas
from ecer.domain.pollutants.parameter_text import format_parameters, parse_parameters, parse_quantity
from ecer.domain.pollutants.reductions import claimed_reduction
from ecer.importers.emission_project_template import EXAMPLES


def claim(code: str, text: str) -> dict[str, Decimal]:
    return claimed_reduction(code, parse_parameters(text, load_formulas().get(code)))


def test_wastewater_line():
    """2 万m³/d = 7 300 000 m³/a; COD (250 − 30) × 7.3·10⁶ × 10⁻⁶ = 1606 t/a; NH3-N 28.5 × 7.3 = 208.05."""
    result = claim("wastewater_new_capacity", EXAMPLES["wastewater_new_capacity"])
    assert result == {"COD": Decimal("1606"), "NH3N": Decimal("208.05")}


def test_full_width_separators_and_brackets():
    """A line typed with Chinese punctuation reads the same."""
    text = "Q＝2 万m³/d；C_in（COD）=250 mg/L；C_out【COD】=30 mg/L"
    assert claim("wastewater_new_capacity", text) == {"COD": Decimal("1606")}


def test_m3_written_without_power():
    """mg/m3 and Nm3/h: (280 − 45) × 300 000 × 5000 × 10⁻⁹ = 352.5 t/a."""
    text = "C_before[NOx]=280 mg/m3; C_after[NOx]=45 mg/m3; V=300000 Nm3/h; H=5000 h"
    assert claim("flue_gas_retrofit", text) == {"NOx": Decimal("352.5")}


def test_percent_rates_and_group_items():
    """One material: 200 t/a × (60 % − 5 %) = 110 t/a; a second, 50 × (0.4 − 0.1) = 15, adds up to 125."""
    assert claim("vocs_source_substitution_mass", EXAMPLES["vocs_source_substitution_mass"]) == {"VOCs": Decimal(110)}
    two = "usage[1]=200 t/a; w_before[1]=60 %; w_after[1]=5 %; usage[2]=50 t/a; w_before[2]=0.4; w_after[2]=0.1"
    assert claim("vocs_source_substitution_mass", two) == {"VOCs": Decimal(125)}  # 110 + 15


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_every_template_example_computes(code):
    result = claim(code, EXAMPLES[code])
    assert result and all(v > 0 for v in result.values())


def test_every_type_has_an_example():
    assert set(EXAMPLES) == set(load_formulas().types)


def test_bad_items_are_all_listed_with_their_field():
    text = "Q=2 万m³/d; C_in=250 mg/L; C_out[COD]=abc; Q=3 万m³/d; nonsense"
    with pytest.raises(EcerError) as info:
        parse_parameters(text, load_formulas().get("wastewater_new_capacity"))
    found = [(p.code, p.location.field) for p in info.value.problems]
    assert found == [
        ("REDUCTION_PARAMETER_SYNTAX", "C_in"),
        ("REDUCTION_UNIT_MISMATCH", "C_out[COD]"),
        ("REDUCTION_PARAMETER_SYNTAX", "Q"),
        ("REDUCTION_PARAMETER_SYNTAX", "nonsense"),
    ]


def test_unknown_unit_names_the_item():
    with pytest.raises(EcerError) as info:
        parse_quantity("2 立方尺/d", "Q")
    assert info.value.code == "UNIT_UNKNOWN" and info.value.problems[0].location.field == "Q"


def test_wrong_dimension_refused_by_the_formula():
    with pytest.raises(EcerError) as info:
        claim("wastewater_new_capacity", "Q=2 t; C_in[COD]=250 mg/L; C_out[COD]=30 mg/L")
    assert info.value.code == "REDUCTION_UNIT_MISMATCH"


def test_after_worse_than_before_refused():
    with pytest.raises(EcerError) as info:
        claim("effluent_standard_upgrade", "Q=1 万m³/d; C_out_before[COD]=30 mg/L; C_out_after[COD]=50 mg/L")
    assert info.value.code == "REDUCTION_AFTER_WORSE"


def test_negative_flow_refused():
    with pytest.raises(EcerError) as info:
        claim("reclaimed_water_reuse", "Q_reuse=-1 万m³/d; C_out[COD]=30 mg/L")
    assert info.value.code == "REDUCTION_NEGATIVE"


def test_format_round_trips():
    spec = load_formulas().get("flue_gas_retrofit")
    first = parse_parameters("C_before[NOx]=280 mg/m3; C_after[NOx]=45 mg/m3; V=300000 Nm3/h; H=5000 h", spec)
    again = parse_parameters(format_parameters(first), spec)
    assert claimed_reduction("flue_gas_retrofit", again) == claimed_reduction("flue_gas_retrofit", first)
