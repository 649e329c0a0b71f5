"""The formula file itself (data/reduction_formulas.yaml) and the loader's refusals."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from ecer.domain.errors import EcerError
from ecer.domain.pollutants.formulas import (
    POLLUTANTS,
    data_path,
    declared_unit,
    load_formulas,
    parse_formulas,
)

# Pinned so any change to the formulas shows up in review; update together with the hand-worked tests.
SHA256 = "3d3202f1faef74826cf399382751afa0c5fd6bba8884ef918b728e0cd9eb8f0d"

EXPECTED_TYPES = {
    "wastewater_new_capacity",
    "effluent_standard_upgrade",
    "reclaimed_water_reuse",
    "livestock_manure_utilisation",
    "rural_domestic_sewage",
    "flue_gas_retrofit",
    "capacity_phase_out",
    "vocs_source_substitution",
    "vocs_source_substitution_mass",
    "vocs_capture_treatment",
}


def test_pinned_sha256() -> None:
    assert hashlib.sha256(data_path().read_bytes()).hexdigest() == SHA256


def test_entries() -> None:
    fs = load_formulas()
    assert set(fs.types) == EXPECTED_TYPES
    assert len(fs.types) == 10
    assert fs.version == "2026.1"
    assert fs.date == "2026-11-25"


def test_provenance_header_names_the_guideline() -> None:
    fs = load_formulas()
    assert fs.source_lines, "the file must start with # source: lines"
    assert "总量减排核算技术指南" in fs.source_lines[0]
    assert fs.guideline["needs_check"] is True
    assert all(t.needs_check and t.guideline_clause for t in fs.types.values())


def test_every_parameter_has_a_known_unit_and_a_constraint() -> None:
    for spec in load_formulas().types.values():
        assert set(spec.pollutants) <= set(POLLUTANTS)
        for p in spec.parameters:
            declared_unit(p.unit)  # raises on an unknown unit
            assert p.constraint in ("nonnegative", "positive", "ratio"), (spec.code, p.name)
            if p.constraint == "ratio":
                assert declared_unit(p.unit).dimensionless


@pytest.mark.parametrize(
    ("code", "expression", "scale"),
    [
        ("wastewater_new_capacity", "Q * (C_in - C_out)", Decimal("1e-6")),
        ("effluent_standard_upgrade", "Q * (C_out_before - C_out_after)", Decimal("1e-6")),
        ("reclaimed_water_reuse", "Q_reuse * C_out", Decimal("1e-6")),
        ("livestock_manure_utilisation", "N * L * D * (rate_after - rate_before)", Decimal("1e-6")),
        ("flue_gas_retrofit", "(C_before - C_after) * V * H", Decimal("1e-9")),
        ("capacity_phase_out", "E_prev", Decimal(1)),
    ],
)
def test_rows_as_the_issue_states_them(code: str, expression: str, scale: Decimal) -> None:
    spec = load_formulas().get(code)
    assert spec.expression_text == expression
    assert spec.scale == scale
    assert spec.result_unit == "t/a"


def test_flue_gas_uses_measured_dry_flow() -> None:
    spec = load_formulas().get("flue_gas_retrofit")
    assert spec.parameter("V").unit == "Nm3/h"
    assert "不用折算" in spec.note_zh


_MINIMAL = """
schema: 1
version: t
date: t
types:
  - code: x
    name_zh: x
    pollutants: [COD]
    parameters:
      - {name: Q, name_zh: q, unit: "m**3/a", constraint: nonnegative}
      - {name: C, name_zh: c, unit: "mg/L", constraint: nonnegative, per_pollutant: true}
    constraints: []
    expression: EXPR
    scale: "SCALE"
    result_unit: "t/a"
"""


def test_minimal_file_loads() -> None:
    fs = parse_formulas(_MINIMAL.replace("EXPR", "Q * C").replace("SCALE", "1e-6"))
    assert fs.get("x").scale == Decimal("1e-6")


@pytest.mark.parametrize(
    ("expr", "scale"),
    [
        ("Q * C", "1e-3"),  # wrong scale: the units imply 10⁻⁶
        ("Q * C * Z", "1e-6"),  # undeclared name
        ("Q + C", "1e-6"),  # adds a flow and a concentration
        ("Q * C)", "1e-6"),  # syntax
        ("__import__('os')", "1"),  # not the grammar
        ("Q", "1e-6"),  # m³/a is not t/a
    ],
)
def test_loader_refuses_bad_formulas(expr: str, scale: str) -> None:
    with pytest.raises(EcerError) as err:
        parse_formulas(_MINIMAL.replace("EXPR", expr).replace("SCALE", scale))
    assert err.value.code == "REDUCTION_FORMULAS_INVALID"


def test_loader_refuses_unknown_pollutant_and_schema() -> None:
    with pytest.raises(EcerError):
        parse_formulas(_MINIMAL.replace("[COD]", "[SO2]").replace("EXPR", "Q * C").replace("SCALE", "1e-6"))
    with pytest.raises(EcerError):
        parse_formulas("schema: 2\n")
