"""The situation report's sections fed by the landed modules (issues 3, 4, 5, 8) and the automatic
assessment items, on the full synthetic demo (``ecer demo-data``)."""

import pytest

from tests.conftest import run_cli


@pytest.fixture(scope="module")
def full_demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("full-demo")
    url = f"sqlite:///{folder / 'ecer.sqlite3'}"
    env = {"ECER_DATABASE_URL": url}
    assert run_cli("init", env=env).exit_code == 0
    r = run_cli("demo-data", "--out", str(folder / "wb"), env=env)
    assert r.exit_code == 0, r.stderr
    out = folder / "situation.docx"
    r = run_cli("report", "situation", "--year", "2024", "-o", str(out), env=env)
    assert r.exit_code == 0, r.stderr
    return url, out


@pytest.fixture(scope="module")
def report(full_demo):
    from docx import Document

    doc = Document(str(full_demo[1]))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = {t.rows[0].cells[0].text + "|" + t.rows[0].cells[1].text: [[c.text for c in row.cells] for row in t.rows]
              for t in doc.tables}
    return doc, paragraphs, tables


def test_section_numbering(report):
    _, paragraphs, _ = report
    headings = [p for p in paragraphs if p[:2] in {"一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"}]
    assert headings == ["一、总体情况", "二、能耗双控晴雨表", "三、能耗强度与能源消费", "四、主要污染物重点工程减排进度",
                        "五、环境质量", "六、重点用能单位与监测预警", "七、需要关注的地区", "八、下一步工作建议"]


def test_pollutant_progress_against_annex2(report):
    """The demo's city COD: 8,320.1969 t of the Annex 2 10,308 t; 2024 progress 4/5 = 80 %."""
    _, _, tables = report
    rows = tables["污染物|累计减排量（吨）"]
    assert rows[1][:5] == ["化学需氧量", "8320.2", "10308", "80.7%", "80.0%"]


def test_environment_quality_of_the_year(report):
    _, paragraphs, tables = report
    assert any(p.startswith("2024年全市环境空气质量优良天数 349 天，优良天数比例 95.4%") for p in paragraphs)
    ranking = tables["排名|地区"]
    assert [r[:3] for r in ranking[1:]] == [["1", "丰满区", "3.98"], ["2", "昌邑区", "4.21"], ["3", "船营区", "4.48"],
                                            ["4", "龙潭区", "4.68"]]
    sections = {r[0]: r for r in tables["断面|地区"][1:]}
    assert sections["牤牛河口"][3:] == ["V", "IV", "未达标"]
    assert any("达到水质目标 5 个（83.3%）" in p for p in paragraphs)


def test_units_over_budget(report):
    """演示水泥: forecast 119,292.66 tce against a 111,850 tce budget → 7,443 over."""
    _, paragraphs, tables = report
    rows = tables["地区|单位"]
    assert rows[1] == ["磐石市", "演示水泥有限公司", "111,850", "119,293", "7,443"]
    assert any("设定用能预算的重点用能单位 6 家" in p and "超出预算的 2 家" in p for p in paragraphs)


def test_alarm_summary_by_kind_and_region(report):
    _, _, tables = report
    rows = tables["地区|预警类型"]
    assert rows[0] == ["地区", "预警类型", "次数", "未处置", "已确认", "已关闭"]
    assert rows[1:] == [["市本级", "超标排放", "1", "1", "0", "0"], ["蛟河市", "数据缺失", "1", "1", "0", "0"]]


def test_attention_reasons_from_every_module(report):
    _, paragraphs, _ = report
    def reasons(region):
        return paragraphs[paragraphs.index(region) + 1]
    assert "重点用能单位演示水泥有限公司预计全年用能 119,293 吨标准煤" in reasons("（三）磐石市")
    assert "在线监测预警 1 次尚未处置" in reasons("（四）蛟河市")
    longtan = reasons("（八）龙潭区")
    assert "牤牛河口断面水质 V 类，未达到 IV 类目标" in longtan
    assert "环境空气质量综合指数 4.68，在 4 个地区中排名末位" in longtan
    assert "氮氧化物重点工程减排完成 75.9%，低于进度要求 80.0%" in longtan


def test_charts(report):
    doc, _, _ = report
    assert len(doc.inline_shapes) == 5  # intensity, energy, pollutant progress, good-day share, unit budgets


def test_assessment_items_from_landed_data(full_demo):
    url, _ = full_demo
    r = run_cli("assess", "--year", "2024", "--json", env={"ECER_DATABASE_URL": url})
    assert r.exit_code == 0, r.stderr
    items = {row["region"]: {i["name"]: i for i in row["items"]} for row in r.json()}
    # 经开区: 2 units, both reports filed at import time (late for 2024), 1 of 2 within budget:
    # 8 × (0.5 × 0/2 + 0.5 × 1/2) = 2
    assert items["经开区"]["重点用能单位节能管理"]["points"] == 2
    assert items["永吉县"]["重点用能单位节能管理"]["points"] == 8  # no key unit registered
    # 蛟河市: one alarm in 2024, not handled: 6 × 0/1 = 0
    assert items["蛟河市"]["监测预警处置"]["points"] == 0
    assert items["蛟河市"]["监测预警处置"]["basis"] == "全年监测预警 1 次，按时处置 0 次"
