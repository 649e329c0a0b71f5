"""Synthetic reported values for some of the plan's indicators (合成演示数据)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecer.importers.indicators import COLUMNS
from ecer.importers.templates import write_template

SOURCE = "合成演示数据 SYNTHETIC"
# indicator id → {year: value as entered in the workbook (percent indicators in percent)}
VALUES: dict[str, dict[int, str]] = {
    "urban_clean_heating_share": {2022: "71.5", 2023: "74.8", 2024: "77.2"},
    "new_public_service_vehicle_new_energy_share": {2023: "36", 2024: "43.5"},
    "rural_domestic_sewage_treatment_rate": {2023: "21.4", 2024: "23.9"},
    "straw_utilisation_rate": {2023: "84.2", 2024: "86.6"},
    "livestock_manure_utilisation_rate": {2023: "82.1", 2024: "84.0"},
    "thermal_power_supply_coal_rate": {2023: "306.5", 2024: "303.2"},
    "non_fossil_energy_share": {2023: "14.6", 2024: "15.9"},
    "new_sewage_treatment_capacity": {2023: "90000", 2024: "120000"},
    "urban_reclaimed_water_utilisation_rate": {2023: "28.3", 2024: "31.0"},
    "urban_sludge_safe_disposal_rate": {2023: "98.5", 2024: "100"},
    "urban_waste_incineration_rate": {2023: "100", 2024: "100"},
    "new_large_data_centre_pue": {2024: "1.28"},
}


def import_demo(url: str, out: Path) -> list[dict[str, Any]]:
    from ecer.services.indicators import import_indicator_values

    rows = [[indicator, None, year, value, SOURCE]
            for indicator, series in VALUES.items() for year, value in series.items()]
    path = out / "合成演示_规划指标数值.xlsx"
    write_template(path, "合成演示数据（SYNTHETIC DEMO DATA）— 规划指标数值", "指标数值", COLUMNS,
                   ["本工作簿由 ecer demo-data 生成，全部数字均为合成数据，仅供演示。"], examples=rows)
    return [import_indicator_values(url, path, actor="demo-data", channel="demo")]
