"""The statistics workbook: one small file per failure mode; every error at once; nothing written."""

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from ecer.storage.db import session_scope
from ecer.storage.models import ImportBatch, StatisticsRevision
from tests.conftest import run_cli
from tests.storage.conftest import write_csv


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'i.sqlite3'}"
    assert run_cli("init", env={"ECER_DATABASE_URL": url}).exit_code == 0
    return url


def rows_in(url):
    with session_scope(url) as s:
        return (s.scalar(select(func.count()).select_from(StatisticsRevision)),
                s.scalar(select(func.count()).select_from(ImportBatch)))


def errors(url, path):
    result = run_cli("import", "statistics", str(path), "--json", env={"ECER_DATABASE_URL": url})
    assert result.exit_code == 1, result.stdout
    assert rows_in(url) == (0, 0)  # all or nothing
    return result.json()


@pytest.mark.parametrize(("line", "code", "column"), [
    ("松原市,2021,全年,1,100,1", "IMPORT_UNKNOWN_REGION", "A 地区"),
    ("市本级,2021,全年,1,100,1", "IMPORT_REGION_NOT_ALLOWED", "A 地区"),
    ("永吉县,2021,第二季度,1,100,1", "IMPORT_BAD_PERIOD", "C 期间"),
    ("永吉县,20x1,全年,1,100,1", "IMPORT_BAD_YEAR", "B 年份"),
    ("永吉县,2021,全年,abc,100,1", "IMPORT_NOT_A_NUMBER", "D 地区生产总值(现价,亿元)"),
    ("永吉县,2021,全年,1,100,-3", "IMPORT_NEGATIVE_VALUE", "F 能源消费总量(万吨标准煤)"),
    ("永吉县,2021,全年,1,,1", "IMPORT_REQUIRED_VALUE", "E 地区生产总值指数(上年同期=100)"),
])
def test_each_bad_cell_is_located(db, tmp_path, line, code, column):
    [problem] = errors(db, write_csv(tmp_path / "bad.csv", [line]))
    assert problem["code"] == code
    assert problem["row"] == 2 and problem["column"] == column
    assert problem["file"].endswith("bad.csv") and problem["message"].startswith("文件 ")


def test_every_error_reported_at_once(db, tmp_path):
    path = write_csv(tmp_path / "bad.csv", ["永吉县,2021,全年,1,100,1", "松原市,2021,全年,1,100,1",
                                            "永吉县,2021,year,1,100,1", "舒兰市,2021,全年,x,100,-1"])
    problems = errors(db, path)
    assert [(p["row"], p["code"]) for p in problems] == [
        (3, "IMPORT_UNKNOWN_REGION"), (4, "IMPORT_DUPLICATE_ROW"), (5, "IMPORT_NOT_A_NUMBER"),
        (5, "IMPORT_NEGATIVE_VALUE")]
    assert "与第 2 行重复" in problems[1]["message"]


def test_missing_and_unknown_columns(db, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("地区,年份,期间,能源消费总量(万吨标准煤),风速\n永吉县,2021,全年,1,3\n", encoding="utf-8")
    problems = errors(db, path)
    codes = sorted(p["code"] for p in problems)
    assert codes == ["IMPORT_MISSING_COLUMN", "IMPORT_MISSING_COLUMN", "IMPORT_UNKNOWN_COLUMN"]


def test_english_aliases_codes_gb18030_and_bom(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    aliases = tmp_path / "a.csv"
    aliases.write_text("region,year,period,gdp_100m_yuan,gdp_index,energy_10k_tce,coal_10k_tce\n"
                       "220221,2021,Q1,20,104,15,\n", encoding="utf-8-sig")
    assert run_cli("import", "statistics", str(aliases), env=env).exit_code == 0
    gbk = write_csv(tmp_path / "g.csv", ["舒兰市,2021,上半年,40,104,30"], encoding="gb18030")
    assert run_cli("import", "statistics", str(gbk), env=env).exit_code == 0
    assert rows_in(db) == (2, 2)


def test_xlsx_with_instructions_sheet_and_template(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    template = tmp_path / "t.xlsx"
    assert run_cli("template", "statistics", str(template), env=env).exit_code == 0
    from openpyxl import load_workbook

    wb = load_workbook(template)
    assert wb.sheetnames == ["说明", "统计数据"]
    headers = [c.value for c in wb["统计数据"][1]]
    assert headers[0] == "地区 [region]" and "能源消费总量(万吨标准煤) [energy_10k_tce]" in headers
    book = Workbook()
    sheet = book.active
    sheet.title = "统计数据"
    sheet.append(headers)
    sheet.append(["蛟河市", 2022, "前三季度", 60.5, 104.2, 48.1])
    sheet.append(["蛟河市", 2022, "前三季度", 60.5, 104.2, 48.1])
    bad = tmp_path / "dup.xlsx"
    book.save(bad)
    [problem] = errors(db, bad)
    assert problem["code"] == "IMPORT_DUPLICATE_ROW" and problem["sheet"] == "统计数据" and problem["row"] == 3
    sheet.delete_rows(3)
    book.save(bad)
    assert run_cli("import", "statistics", str(bad), env=env).exit_code == 0


def test_unsupported_and_missing_files(db, tmp_path):
    doc = tmp_path / "x.docx"
    doc.write_text("x")
    assert errors(db, doc)[0]["code"] == "IMPORT_UNSUPPORTED_FORMAT"
    assert errors(db, tmp_path / "none.csv")[0]["code"] == "IMPORT_FILE_UNREADABLE"
