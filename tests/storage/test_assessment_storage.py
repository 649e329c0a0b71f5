"""Assessment on SQLite and PostgreSQL: the JSON contract, the workflow, frozen published results, ranking."""

import pytest

from tests.conftest import run_cli
from tests.storage.conftest import write_csv

ANNEX1_DISTRICTS = ["永吉县", "舒兰市", "磐石市", "蛟河市", "桦甸市", "船营区", "昌邑区", "龙潭区", "丰满区", "高新区",
                    "经开区", "中新食品区", "冰雪试验区"]


@pytest.fixture
def demo_db(db, tmp_path):
    """An initialised database with the synthetic statistics (2020–2024)."""
    from ecer.demo.statistics import import_demo

    import_demo(db, tmp_path / "wb")
    return db


def ecer(url, *args):
    return run_cli(*args, env={"ECER_DATABASE_URL": url, "ECER_USER": "tester"})


def test_assess_json_contract(demo_db):
    result = ecer(demo_db, "assess", "--year", "2024", "--json")
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    assert [r["region"] for r in rows] == ANNEX1_DISTRICTS
    for row in rows:
        assert set(row) == {"region", "region_code", "year", "score", "rating", "vetoed", "items", "status"}
        assert row["rating"] in ("超额完成", "完成", "基本完成", "未完成")
        assert isinstance(row["vetoed"], bool) and row["status"] == "draft" and row["year"] == 2024
        assert all(set(i) == {"name", "points", "max_points", "basis"} for i in row["items"])
        assert row["score"] == pytest.approx(sum(i["points"] for i in row["items"]))
    by_name = {r["region"]: r for r in rows}
    assert by_name["永吉县"]["region_code"] == "220221"
    assert by_name["冰雪试验区"]["region_code"] is None
    assert by_name["磐石市"]["vetoed"] is True  # the demo's intensity rose 1.8 % in 2024
    assert "上升 1.80%" in by_name["磐石市"]["items"][0]["basis"]


def test_year_is_required(demo_db):
    result = ecer(demo_db, "assess")
    assert result.exit_code == 1
    assert "INPUT_MISSING" in result.stderr


def test_workflow_appeal_publish_and_freeze(demo_db, tmp_path):
    evidence = tmp_path / "领导小组文件.pdf"
    evidence.write_bytes(b"%PDF-1.4 synthetic")
    r = ecer(demo_db, "assess", "review", "--region", "永吉县", "--year", "2024", "--item", "organisation",
             "--points", "5")
    assert r.exit_code == 2 and "ASSESS_SELF_FIRST" in r.stderr
    r = ecer(demo_db, "assess", "self", "--region", "永吉县", "--year", "2024", "--item", "organisation",
             "--points", "6", "--comment", "成立节能工作领导小组", "--evidence", str(evidence))
    assert r.exit_code == 0, r.stderr
    r = ecer(demo_db, "assess", "self", "--region", "永吉县", "--year", "2024", "--item", "organisation",
             "--points", "7")
    assert r.exit_code == 1 and "ASSESS_POINTS_OUT_OF_RANGE" in r.stderr
    r = ecer(demo_db, "assess", "self", "--region", "永吉县", "--year", "2024", "--item", "intensity_target",
             "--points", "40")
    assert r.exit_code == 1 and "ASSESS_TARGET_NOT_SCORABLE" in r.stderr
    assert ecer(demo_db, "assess", "self", "--region", "永吉县", "--year", "2024", "--submit").exit_code == 0
    before = ecer(demo_db, "assess", "--year", "2024", "--json").json()[0]
    org = next(i for i in before["items"] if i["name"] == "组织领导")
    assert org["points"] == 6 and "自评" in org["basis"]

    assert ecer(demo_db, "assess", "review", "--region", "永吉县", "--year", "2024", "--item", "organisation",
                "--points", "5", "--comment", "会议记录不全").exit_code == 0
    assert ecer(demo_db, "assess", "review", "--region", "220221", "--year", "2024", "--finish").exit_code == 0
    r = ecer(demo_db, "assess", "appeal", "--region", "永吉县", "--year", "2024", "--item", "organisation",
             "--reason", "", "--json")
    assert r.exit_code == 1
    r = ecer(demo_db, "assess", "appeal", "--region", "永吉县", "--year", "2024", "--item", "organisation",
             "--reason", "会议记录已补充", "--json")
    assert r.exit_code == 0, r.stderr
    appeal_id = r.json()[0]["appeal_id"]
    r = ecer(demo_db, "assess", "publish", "--region", "永吉县", "--year", "2024")
    assert r.exit_code == 2 and "ASSESS_APPEAL_PENDING" in r.stderr
    assert ecer(demo_db, "assess", "decide", str(appeal_id), "upheld", "--reason", "补充材料属实",
                "--points", "6").exit_code == 0
    r = ecer(demo_db, "assess", "publish", "--region", "永吉县", "--year", "2024", "--json")
    assert r.exit_code == 0, r.stderr
    published = r.json()[0]
    assert published["status"] == "published"
    assert next(i for i in published["items"] if i["name"] == "组织领导")["points"] == 6

    # later data changes: 永吉县 and 舒兰市 2024 revised (intensity now rises); 永吉县 stays as published
    csv = write_csv(tmp_path / "rev.csv", ["永吉县,2024,全年,300,105,200", "舒兰市,2024,全年,300,105,200"])
    assert ecer(demo_db, "import", "statistics", str(csv)).exit_code == 0
    after = {r["region"]: r for r in ecer(demo_db, "assess", "--year", "2024", "--json").json()}
    assert after["永吉县"] == published
    assert after["舒兰市"]["items"][0]["basis"] != before["items"][0]["basis"]
    r = ecer(demo_db, "assess", "review", "--region", "永吉县", "--year", "2024", "--item", "technology",
             "--points", "1")
    assert r.exit_code == 2 and "ASSESS_PUBLISHED" in r.stderr


def test_ranking_puts_vetoed_last(demo_db):
    rows = ecer(demo_db, "assess", "ranking", "--year", "2024", "--json").json()
    assert len(rows) == 13
    assert rows[0]["rank"] == 1
    vetoed = [r["vetoed"] for r in rows]
    assert vetoed == sorted(vetoed)
    scores = [r["score"] for r in rows if not r["vetoed"]]
    assert scores == sorted(scores, reverse=True)


def test_whole_period(demo_db):
    rows = ecer(demo_db, "assess", "--whole-period", "--year", "2024", "--json").json()
    assert len(rows) == 13
    assert all("比2020年累计下降" in r["items"][0]["basis"] or "数据不全" in r["items"][0]["basis"] for r in rows)
    same = ecer(demo_db, "assess", "--period-end", "2024", "--json").json()
    assert same == rows


def test_unknown_region_is_refused(demo_db):
    r = ecer(demo_db, "assess", "self", "--region", "吉林市", "--year", "2024", "--submit")
    assert r.exit_code == 1 and "ASSESS_UNKNOWN_REGION" in r.stderr
