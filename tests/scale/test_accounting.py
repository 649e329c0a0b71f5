"""The accounting formula against hand-worked figures (HJ 212-2017 Appendix C.17 and D)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ecer.domain.pollutants import emission_amounts as ea
from ecer.scale.engines.accounting import accounting_sql, reference

T0 = dt.datetime(2016, 8, 1, 0, tzinfo=dt.UTC)


def row(code: str, seq: int = 1, mn: str = "M1", when: dt.datetime = T0, **values: object) -> dict[str, object]:
    base: dict[str, object] = {"seq": seq, "mn": mn, "region": "昌邑区", "month": "2016-08", "cn": "2061",
                               "data_time": when, "code": code, "avg": None, "cou": None, "flag": "N",
                               "flow_avg": None, "flow_cou": None}
    base.update(values)
    return base


def test_c17_cod_from_concentration_and_volume() -> None:
    """C.17: 63.0 m³ of wastewater at 40.1 mg/L COD; eq. (8): 63.0 × 40.1 × 10⁻³ = 2.5263 kg."""
    (total,) = reference([row("w01018", avg=40.1, flow_cou=63.0)], 2016)
    assert total.mass_kg == Decimal("2.5263")


def test_same_as_single_node_function() -> None:
    """The single-node path's ``water_pollutant_mass_kg`` gives the same figure (as a float)."""
    assert round(ea.water_pollutant_mass_kg(63.0, 40.1), 10) == 2.5263


def test_flue_gas_eq33() -> None:
    """Eq. (33): 50 mg/m³ × 200 000 m³ × 10⁻⁶ = 10 kg."""
    (total,) = reference([row("a21002", avg=50.0, flow_cou=200000.0)], 2016)
    assert total.mass_kg == Decimal("10")


def test_volume_from_mean_flow_when_no_cou() -> None:
    """17.5 L/s over 3600 s is 63 m³; × 40.1 mg/L × 10⁻³ = 2.5263 kg."""
    (total,) = reference([row("w01018", avg=40.1, flow_avg=17.5)], 2016)
    assert total.mass_kg == Decimal("2.5263")


def test_logger_cou_wins() -> None:
    (total,) = reference([row("w01018", avg=40.1, cou=3.0, flow_cou=63.0)], 2016)
    assert total.mass_kg == Decimal("3")


def test_flow_code_gives_meter_total() -> None:
    (total,) = reference([row("w00000", avg=17.5, cou=63.0)], 2016)
    assert (total.mass_kg, total.volume_m3) == (None, Decimal("63"))


def test_only_flag_n_counts() -> None:
    totals = reference([row("w01018", avg=40.1, flow_cou=63.0, flag="D"),
                        row("w01018", seq=2, avg=40.1, flow_cou=63.0, when=T0 + dt.timedelta(hours=1))], 2016)
    assert (totals[0].mass_kg, totals[0].readings) == (Decimal("2.5263"), 1)


def test_upload_logged_twice_counts_once_first_wins() -> None:
    totals = reference([row("w01018", seq=5, avg=40.1, flow_cou=63.0),
                        row("w01018", seq=9, avg=99.0, flow_cou=63.0)], 2016)
    assert (totals[0].mass_kg, totals[0].readings) == (Decimal("2.5263"), 1)


def test_other_years_and_cns_left_out() -> None:
    assert reference([row("w01018", avg=40.1, flow_cou=63.0, cn="2051"),
                      row("w01018", seq=2, avg=40.1, flow_cou=63.0, month="2017-01")], 2016) == []


def test_sql_refuses_odd_codes() -> None:
    try:
        accounting_sql(2024, ["w01018'; drop"])
    except ValueError:
        return
    raise AssertionError("accepted a code that is not alphanumeric")


def _duckdb(rows: list[dict[str, object]], year: int = 2016, plan: str = "integer") -> list[object]:
    """The query on DuckDB over ``rows`` (the golden test checks both engines on ordinary data)."""
    duckdb = pytest.importorskip("duckdb")
    pa = pytest.importorskip("pyarrow")
    from ecer.scale.engines.accounting import combine

    readings = pa.Table.from_pylist(rows)  # noqa: F841 (DuckDB reads the local by name)
    con = duckdb.connect()
    try:
        return combine(con.execute(accounting_sql(year, relation="readings", plan=plan)).fetchall())
    finally:
        con.close()


@pytest.mark.parametrize("plan", ["integer", "decimal"])
def test_large_values_stay_exact(plan: str) -> None:
    """Near the integer plan's bounds both plans still give the oracle's exact figures."""
    rows = [row("w01018", avg=9_876_543_210.1234, flow_cou=987_654_321.12345),
            row("w01018", seq=2, avg=0.0001, flow_cou=0.00001, when=T0 + dt.timedelta(hours=1)),
            row("a21002", seq=3, avg=-12.5, flow_avg=27_777.7777, when=T0),
            row("w00000", seq=4, cou=987_654_321.12345), row("a00000", seq=5, avg=99_999.9999)]
    assert _duckdb(rows, plan=plan) == reference(rows, 2016)


def test_value_beyond_the_bound_fails_loudly() -> None:
    """The integer plan refuses a value it could not sum exactly (an error, not a wrong total)."""
    with pytest.raises(Exception, match="beyond the exact bound"):
        _duckdb([row("w01018", avg=2e10, flow_cou=63.0)])


def test_pollutant_cou_is_held_to_its_own_bound() -> None:
    """A pollutant's -Cou [kg] may exceed the volume bound; it is not scaled as a volume."""
    rows = [row("w01018", cou=5_000_000_000.25)]
    assert _duckdb(rows) == reference(rows, 2016)
