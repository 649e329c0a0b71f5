"""A synthetic key emission-reduction project list for every Annex 2 region with a target.

Each region gets four commissioned projects per pollutant group (one a year, 2021–2024) and one
under construction, of the kinds the plan names: wastewater plants, 提标改造, reclaimed water,
livestock manure, rural sewage, boiler denitrification / ultra-low-emission retrofits, VOCs
substitution and treatment. Parameters are sized so that by 2024 a region reaches a chosen share
of its Annex 2 target — 102 % (green), 76 % (yellow) or 55 % (red) against the linear 80 % — and
the three levels rotate over regions and pollutants, so every level appears in every year.
Every figure is invented; the workbook and the import batch (channel ``demo``) say so.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ecer.importers.emission_projects import COLUMNS, SHEET
from ecer.importers.templates import write_template

LAST_YEAR = 2024
YEARS = (2021, 2022, 2023, 2024)
SCENARIOS = (Decimal("1.02"), Decimal("0.76"), Decimal("0.55"))  # share of the target reached by 2024
WATER_TYPES = ("wastewater_new_capacity", "livestock_manure_utilisation", "effluent_standard_upgrade",
               "rural_domestic_sewage")
VOCS_TYPES = ("vocs_capture_treatment", "vocs_source_substitution", "vocs_capture_treatment",
              "vocs_source_substitution_mass")
WATER_NAMES = {
    "wastewater_new_capacity": ("{r}第{n}污水处理厂扩建工程", "{r}住房和城乡建设局"),
    "livestock_manure_utilisation": ("{r}规模化养殖场粪污资源化利用工程（第{n}批）", "{r}农业农村局"),
    "effluent_standard_upgrade": ("{r}污水处理厂提标改造工程（第{n}期）", "{r}排水有限公司"),
    "rural_domestic_sewage": ("{r}农村生活污水治理工程（第{n}批）", "{r}生态环境分局"),
}


def _round(value: Decimal, step: str) -> Decimal:
    unit = Decimal(step)
    return max((value / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit, unit)


def _water(kind: str, cod_t: Decimal, ratio: Decimal) -> str:
    """Parameters giving about ``cod_t`` t/a of COD and ``cod_t × ratio`` of NH3-N."""
    if kind == "wastewater_new_capacity":
        q = _round(cod_t / (Decimal(220) * Decimal("365e-6")), "10")
        dn = _round(Decimal(220) * ratio, "0.1")
        return f"Q={q} m³/d; C_in[COD]=250 mg/L; C_out[COD]=30 mg/L; C_in[NH3N]={dn + Decimal('1.5')} mg/L; C_out[NH3N]=1.5 mg/L"
    if kind == "effluent_standard_upgrade":
        q = _round(cod_t / (Decimal(30) * Decimal("365e-6")), "10")
        dn = _round(Decimal(30) * ratio, "0.1")
        return (f"Q={q} m³/d; C_out_before[COD]=60 mg/L; C_out_after[COD]=30 mg/L; "
                f"C_out_before[NH3N]={dn + Decimal('1.5')} mg/L; C_out_after[NH3N]=1.5 mg/L")
    if kind == "livestock_manure_utilisation":
        n = _round(cod_t / (Decimal(300) * 365 * Decimal("0.3e-6")), "10")
        return f"N={n}; L[COD]=300 g/d; L[NH3N]={_round(300 * ratio, '0.1')} g/d; D=365 d; rate_before=60 %; rate_after=90 %"
    p = _round(cod_t / (Decimal(40) * 365 * Decimal("0.7e-6")), "10")
    return (f"P={p}; L[COD]=40 g/d; L[NH3N]={_round(40 * ratio, '0.01')} g/d; D=365 d; rate_before[COD]=0; "
            f"rate_after[COD]=70 %; rate_before[NH3N]=0; rate_after[NH3N]=70 %")


def _nox(nox_t: Decimal) -> str:
    v = _round(nox_t / (Decimal(230) * 5000 * Decimal("1e-9")), "100")
    return f"C_before[NOx]=280 mg/m3; C_after[NOx]=50 mg/m3; V={v} Nm3/h; H=5000 h"


def _vocs(kind: str, vocs_t: Decimal) -> str:
    if kind == "vocs_capture_treatment":
        g = _round(vocs_t / Decimal("0.66"), "1")
        return f"G={g} t/a; eta_c_before=30 %; eta_t_before=50 %; eta_c_after=90 %; eta_t_after=90 %"
    if kind == "vocs_source_substitution":
        usage = _round(vocs_t / (Decimal(500) - Decimal(80) / Decimal("1.2")) * 1000, "1")
        return (f"usage[1]={usage} t/a; content_before[1]=550 g/L; density_before[1]=1.1 kg/L; "
                "content_after[1]=80 g/L; density_after[1]=1.2 kg/L")
    return f"usage[1]={_round(vocs_t / Decimal('0.55'), '1')} t/a; w_before[1]=60 %; w_after[1]=5 %"


def demo_rows(plan: Any) -> list[list[Any]]:
    """Rows in the project workbook's column order (``ecer.importers.emission_projects.COLUMNS``)."""
    rows: list[list[Any]] = []
    keys = [c.key for c in COLUMNS]
    regions = [r for r in plan.annex2_regions() if r != plan.city]
    for i, region in enumerate(regions):
        target = plan.pollutant_target(region.name)
        share = {pol: SCENARIOS[(i + j) % 3] for j, pol in enumerate(("COD", "NH3N", "NOx", "VOCs"))}
        prefix = region.code or f"X{i:02d}"

        def add(n: int, name: str, owner: str, kind: str, params: str, year: int | None, status: str,
                offsets: str | None = None, offset_year: int | None = None, offset_for: str | None = None,
                prefix: str = prefix, region: Any = region) -> None:
            values = {"code": f"{prefix}-{n:02d}", "name": name + "（合成）", "region": region.name,
                      "owner": owner, "project_type": kind, "parameters": params,
                      "start_date": None if year is None else f"{year - 1}-09-01",
                      "commissioning_date": None if year is None else f"{year}-0{3 + n % 6}-30",
                      "status": status, "evidence": "竣工环保验收意见；排污许可证（合成演示）" if year else None,
                      "offsets": offsets, "offset_year": offset_year, "offset_for": offset_for,
                      "note": "合成演示数据 SYNTHETIC"}
            rows.append([values.get(k) for k in keys])

        cod, nh3n = Decimal(target.cod_t), Decimal(target.nh3n_t)
        ratio = (nh3n * share["NH3N"]) / (cod * share["COD"]) if cod and nh3n else Decimal(0)
        n = 0
        if cod > 0:
            for year, kind in zip(YEARS, WATER_TYPES, strict=True):
                n += 1
                name, owner = WATER_NAMES[kind]
                add(n, name.format(r=region.name, n=n), owner.format(r=region.name), kind,
                    _water(kind, cod * share["COD"] / 4, ratio), year, "已投运")
            n += 1
            add(n, f"{region.name}再生水利用工程", f"{region.name}水务集团", "reclaimed_water_reuse",
                f"Q_reuse={_round(cod / 20 / (Decimal(30) * Decimal('365e-6')), '10')} m³/d; "
                "C_out[COD]=30 mg/L; C_out[NH3N]=1.5 mg/L", None, "在建")
        if target.nox_t > 0:
            for year in YEARS:
                n += 1
                offsets = offset_year = offset_for = None
                if region.kind == "city_level" and year == 2022:
                    offsets, offset_year, offset_for = f"NOx={_round(Decimal(target.nox_t) / 100, '1')} t", 2024, "某新建热电联产项目"
                add(n, f"{region.name}燃煤锅炉脱硝及超低排放改造（{n}号炉）", f"{region.name}热力有限公司",
                    "flue_gas_retrofit", _nox(Decimal(target.nox_t) * share["NOx"] / 4), year, "已投运",
                    offsets, offset_year, offset_for)
        if target.vocs_t > 0:
            for year, kind in zip(YEARS, VOCS_TYPES, strict=True):
                n += 1
                add(n, f"{region.name}化工企业 VOCs 治理工程（第{n}项）", f"{region.name}某化工有限公司",
                    kind, _vocs(kind, Decimal(target.vocs_t) * share["VOCs"] / 4), year, "已投运")
    return rows


def import_demo(url: str, out: Path) -> list[dict[str, Any]]:
    """Write the demo project workbook into ``out`` and import it through the normal importer."""
    from ecer.services.emission_projects import import_projects
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    with session_scope(url) as session:
        plan = active_plan(session)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "合成演示_重点减排工程.xlsx"
    write_template(path, "合成演示数据（SYNTHETIC DEMO DATA）— 主要污染物重点减排工程", SHEET, COLUMNS,
                   ["本工作簿由 ecer demo-data 确定性生成，全部项目与数字均为合成数据，仅供演示与测试。"],
                   examples=demo_rows(plan))
    return [import_projects(url, path, actor="demo-data", channel="demo")]
