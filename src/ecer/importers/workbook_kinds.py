"""Templates of the key-unit workbooks: columns, instructions and one example row each."""

from __future__ import annotations

from pathlib import Path

from ecer.domain.energy.key_units import credit_code_check_character
from ecer.importers import budgets, key_units, two_high
from ecer.importers.templates import write_template

_EXAMPLE_CODE = "91220200MA17XK0C3"
EXAMPLE_CODE = _EXAMPLE_CODE + credit_code_check_character(_EXAMPLE_CODE)
COMMON = ["任何一处错误都会使整个文件不被导入，并列出全部错误（文件、工作表、行、列）。",
          "亦可使用 CSV（UTF-8 或 GB18030 编码），列名相同；列名可用中文或方括号中的英文别名。"]

KINDS = {
    "units": ("重点用能单位登记表", "重点用能单位", key_units.UNIT_COLUMNS, [
        "每行一个单位的一条产品线；同一单位有多个产品时重复单位信息（须一致），产品信息逐行填写。",
        "统一社会信用代码按 GB 32100-2015 校验第18位；地区须为附件1中的考核地区。",
        "产品代码取能效水平表（ecer units benchmarks 使用的 energy_efficiency_levels.csv）的 product 列。",
    ], [[EXAMPLE_CODE, "示例水泥有限公司", "C3011", "水泥制造", "磐石市", "张三", "0432-0000000", 180000,
         "cement_clinker", "4500 t/d 熟料生产线", 1400000, "吨/年", "否"]]),
    "energy-reports": ("重点用能单位能源月报", "能源月报", key_units.REPORT_COLUMNS, [
        "每行一个单位、年、月的一个项目。消费为燃料动力用能，原料为原料用能（发改环资〔2022〕803号），外供为输出到核算边界外的能源；"
        "综合能耗 = 消费 + 原料 − 外供（GB/T 2589-2020）。",
        "能源品种用 GB/T 2589-2020 附录A 的名称（原煤、电力、天然气、蒸汽…），数量为实物量，单位与品种匹配。",
        "产品产量的“品种或产品”填产品代码；工业总产值、工业增加值以万元计；数据中心填 IT设备用电。",
        "同一单位、年、月再次导入且内容不同时新增一条修订；内容相同不重复记录。命令行导入记为已审核。",
    ], [[EXAMPLE_CODE, 2024, 1, "消费", "原煤", None, 15000, "吨"],
        [EXAMPLE_CODE, 2024, 1, "消费", "电力", None, 950, "万千瓦时"],
        [EXAMPLE_CODE, 2024, 1, "产品产量", "cement_clinker", None, 110000, "吨"],
        [EXAMPLE_CODE, 2024, 1, "工业增加值", None, None, 4200, "万元"]]),
    "two-high": ("“两高”项目清单", "两高项目", two_high.COLUMNS, [
        "每行一个项目；再次导入同名项目即更新。状态为 存量、在建、拟建。",
        "≥1万吨标准煤（规划加强工作指导）与 ≥5万吨标准煤的标记按等价值自动给出；分类处置按能效对标给出。",
        "新上耗煤项目须填写煤炭替代方式（减量替代、等量替代）与替代来源。",
    ], [["示例熟料生产线技改项目", EXAMPLE_CODE, "C3011", "水泥制造", "磐石市", "在建", "cement_clinker",
         1400000, "吨/年", 98, 137200, 141500, 150000, "等量替代", "关停2台燃煤锅炉", "吉市发改审〔2023〕1号",
         "2023-05-10", None]]),
    "budgets": ("用能预算", "用能预算", budgets.COLUMNS, [
        "每行一个年度预算：地区预算、单位预算（填统一社会信用代码）或新上项目预算（从地区剩余空间中安排）。",
        "预算为等价值，吨标准煤；再次导入同一预算即替换。",
    ], [[2024, "地区", "磐石市", None, None, 1450000, None],
        [2024, "单位", "磐石市", EXAMPLE_CODE, None, 190000, None]]),
}


def write_kind_template(kind: str, out: Path) -> None:
    title, sheet, columns, notes, examples = KINDS[kind]
    write_template(out, f"{title}导入模板", sheet, columns, [*notes, *COMMON], examples=examples)
