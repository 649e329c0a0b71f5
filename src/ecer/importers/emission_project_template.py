"""The key emission-reduction project template: instructions with one parameter line per project type."""

from __future__ import annotations

from pathlib import Path

from ecer.domain.pollutants.formulas import load_formulas
from ecer.importers.emission_projects import COLUMNS, SHEET
from ecer.importers.templates import write_template

# One filled-in parameter line per project type: the clerk copies the line and changes the numbers.
# Figures are illustrative only (tests check that each computes).
EXAMPLES: dict[str, str] = {
    "wastewater_new_capacity": "Q=2 万m³/d; C_in[COD]=250 mg/L; C_out[COD]=30 mg/L; C_in[NH3N]=30 mg/L; C_out[NH3N]=1.5 mg/L",
    "effluent_standard_upgrade": "Q=5 万m³/d; C_out_before[COD]=60 mg/L; C_out_after[COD]=30 mg/L; "
                                 "C_out_before[NH3N]=8 mg/L; C_out_after[NH3N]=1.5 mg/L",
    "reclaimed_water_reuse": "Q_reuse=1 万m³/d; C_out[COD]=30 mg/L; C_out[NH3N]=1.5 mg/L",
    "livestock_manure_utilisation": "N=20000; L[COD]=300 g/d; L[NH3N]=7 g/d; D=365 d; rate_before=60 %; rate_after=90 %",
    "rural_domestic_sewage": "P=15000; L[COD]=40 g/d; L[NH3N]=4 g/d; D=365 d; rate_before[COD]=0; rate_after[COD]=70 %; "
                             "rate_before[NH3N]=0; rate_after[NH3N]=60 %",
    "flue_gas_retrofit": "C_before[NOx]=280 mg/m**3; C_after[NOx]=45 mg/m**3; V=300000 Nm3/h; H=5000 h",
    "capacity_phase_out": "E_prev[COD]=12 t; E_prev[NOx]=85 t",
    "vocs_source_substitution": "usage[1]=300 t/a; content_before[1]=550 g/L; density_before[1]=1.1 kg/L; "
                                "content_after[1]=80 g/L; density_after[1]=1.2 kg/L; eta_capture=0; eta_treat=0",
    "vocs_source_substitution_mass": "usage[1]=200 t/a; w_before[1]=60 %; w_after[1]=5 %",
    "vocs_capture_treatment": "G=400 t/a; eta_c_before=30 %; eta_t_before=50 %; eta_c_after=90 %; eta_t_after=90 %",
}


def instructions() -> list[str]:
    formulas = load_formulas()
    lines = [
        "每行一个项目；同一项目编号再次导入即新增一条修订（旧修订保留），内容相同的不重复记录。",
        "必填：项目编号、项目名称、所属地区、责任单位、工程类型、核算参数、项目状态；已投运项目还须填写投运日期。",
        "所属地区填附件2的县区或“市本级”；全市合计由各地区汇总，不能直接填“吉林市”。",
        "核算参数写在一个单元格里：名称[污染物或序号]=数值 单位，以分号分隔。按污染物给出的参数写 C_in[COD]，"
        "VOCs 原辅材料逐项写 usage[1]、usage[2]……；比例可写 85 % 或 0.85。申报减排量由参数按公式计算，不必填写。",
        "减排量为年减排能力（t/a），项目自投运年度起计入累计减排量一次；替代使用量在替代使用年份从所属地区累计减排量中扣除。",
        "任何一处错误都会使整个文件不被导入，并列出全部错误（文件、工作表、行、列、字段）。亦可使用 CSV（UTF-8 或 GB18030）。",
        f"公式文件版本 {formulas.version}（{formulas.date}）；公式见 docs/emission-reductions.md。",
        "",
        "工程类型与核算参数（复制示例行后修改数值）：",
    ]
    for spec in formulas.types.values():
        names = "，".join(f"{p.name} {p.name_zh}（{p.unit}）" for p in spec.parameters)
        lines.append(f"{spec.code}  {spec.name_zh}：{names}")
        lines.append(f"    示例：{EXAMPLES.get(spec.code, '')}")
    return lines


def write_projects_template(path: Path) -> None:
    write_template(
        path, "主要污染物重点工程减排项目导入模板", SHEET, COLUMNS, instructions(),
        examples=[["YJ-2022-001", "永吉县污水处理厂二期扩建", "永吉县", "永吉县住房和城乡建设局",
                   "wastewater_new_capacity", EXAMPLES["wastewater_new_capacity"], "COD、NH3N", "2021-04-01",
                   "2022-06-30", "已投运", "竣工环保验收意见；排污许可证", None, None, None, None]],
    )
