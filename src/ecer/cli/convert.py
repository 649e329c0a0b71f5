"""``ecer convert QUANTITY UNIT CARRIER``: one physical quantity to standard coal (GB/T 2589-2020)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any

import typer

from ecer.cli.output import console, print_json, print_table
from ecer.domain.energy.conversion import coefficient, physical_amount, to_standard_coal
from ecer.domain.errors import EcerError
from ecer.domain.units import quantity as make_quantity


class Basis(StrEnum):
    calorific = "calorific"
    primary = "primary"


BASIS_ZH = {"calorific": "当量值", "primary": "等价值", "both": "当量值=等价值"}


def _decimal(text: str, field: str) -> Decimal:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise EcerError("INPUT_INVALID", f"不是有效的数字：{text!r}", field=field, value=text) from None
    if not number.is_finite():
        raise EcerError("INPUT_INVALID", f"不是有限的数字：{text!r}", field=field, value=text)
    return number


def _plain(value: Decimal) -> str:
    """Decimal without exponent or trailing zeros, for people."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def conversion_row(
    amount: str,
    unit: str,
    carrier: str,
    basis: str = "calorific",
    year: int | None = None,
    coal_rate: str | None = None,
    measured: str | None = None,
) -> dict[str, Any]:
    """The one result object ``ecer convert --json`` prints (snake_case keys, Decimal numbers)."""
    q = make_quantity(_decimal(amount, "quantity"), unit)
    rates = {year: _decimal(coal_rate, "coal_rate")} if coal_rate is not None and year is not None else None
    if coal_rate is not None and year is None:
        raise EcerError("INPUT_MISSING", "--coal-rate 需要同时给出 --year", field="year")
    value = _decimal(measured, "coefficient") if measured is not None else None
    k = coefficient(carrier, basis, year, value=value, generation_coal_rates=rates)
    kgce = to_standard_coal(q, carrier, basis, year, value=value, generation_coal_rates=rates)
    return {
        "carrier": k.carrier,
        "carrier_name": k.name_zh,
        "quantity": q.magnitude,
        "unit": unit,
        "physical_quantity": physical_amount(q, k),
        "physical_unit": k.unit,
        "basis": basis,
        "coefficient_basis": k.basis,
        "year": year,
        "coefficient": k.value,
        "coefficient_unit": k.value_unit,
        "coefficient_low": k.low,
        "coefficient_high": k.high,
        "coefficient_source": k.source,
        "needs_check": k.needs_check,
        "standard_coal_kgce": kgce.to("kgce").magnitude,
        "standard_coal_tce": kgce.to("tce").magnitude,
        "standard_coal_10k_tce": kgce.to("wan_tce").magnitude,
    }


def _print_human(row: dict[str, Any]) -> None:
    coefficient_text = f"{_plain(row['coefficient'])} {row['coefficient_unit']}"
    if row["coefficient_low"] is not None:
        coefficient_text += f"（标准范围 {row['coefficient_low']}–{row['coefficient_high']}）"
    print_table(
        "折标准煤（GB/T 2589-2020）",
        ["项目", "值"],
        [
            ("能源品种", f"{row['carrier_name']}（{row['carrier']}）"),
            ("实物量", f"{_plain(row['quantity'])} {row['unit']} = {_plain(row['physical_quantity'])} "
                       f"{row['physical_unit']}"),
            ("折算口径", f"{BASIS_ZH[row['basis']]}；系数口径 {BASIS_ZH[row['coefficient_basis']]}"),
            ("折标系数", coefficient_text),
            ("系数来源", row["coefficient_source"]),
            ("千克标准煤 kgce", _plain(row["standard_coal_kgce"])),
            ("吨标准煤 tce", _plain(row["standard_coal_tce"])),
            ("万吨标准煤 万tce", _plain(row["standard_coal_10k_tce"])),
        ],
    )
    if row["needs_check"]:
        console().print("注意：该系数尚未与标准印刷文本逐项核对（needs_check）。", highlight=False)


def convert(
    amount: Annotated[str, typer.Argument(help="实物量，如 1200")],
    unit: Annotated[str, typer.Argument(help="计量单位，如 吨、万立方米、亿千瓦时、吉焦")],
    carrier: Annotated[str, typer.Argument(help="能源品种，如 原煤、天然气、电力")],
    basis: Annotated[Basis, typer.Option(help="calorific 当量值 | primary 等价值")] = Basis.calorific,
    year: Annotated[int | None, typer.Option(help="年份（电力按等价值折算时必填）")] = None,
    coal_rate: Annotated[
        str | None, typer.Option("--coal-rate", help="该年火电发电标准煤耗 gce/kWh，替代内置表")
    ] = None,
    measured: Annotated[
        str | None, typer.Option("--coefficient", help="实测折标系数 kgce/单位，替代表中数值或默认值")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 数组")] = False,
) -> None:
    """把实物量折算为标准煤（GB/T 2589-2020 附录 A）。"""
    row = conversion_row(amount, unit, carrier, basis.value, year, coal_rate, measured)
    if as_json:
        print_json([row])
    else:
        _print_human(row)


def register(app: typer.Typer) -> None:
    """Attach ``ecer convert`` to ``app``."""
    app.command("convert")(convert)
