"""Key emission-reduction projects on SQLite and PostgreSQL: import, re-import, review, verification, failures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ecer.storage import emission_projects as store
from ecer.storage.db import session_scope
from ecer.storage.models import AuditEntry, ImportBatch
from tests.conftest import run_cli

HEADER = "项目编号,项目名称,所属地区,责任单位,工程类型,核算参数,项目状态,投运日期,替代使用量,替代使用年份"
GOOD = [
    'YJ-1,永吉县污水处理厂扩建,永吉县,永吉县住建局,wastewater_new_capacity,'
    '"Q=0.5 万m³/d; C_in[COD]=250 mg/L; C_out[COD]=30 mg/L",已投运,2022-06-30,,',
    'SB-1,市本级热电厂脱硝改造,市本级,某热电公司,锅炉或窑炉超低排放、脱硝改造,'
    '"C_before[NOx]=280 mg/m3; C_after[NOx]=45 mg/m3; V=300000 Nm3/h; H=5000 h",已投运,2023-10,NOx=50 t,2024',
]


def write(path, lines):
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def count(url, model=store.EmissionProjectRevision):
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_import_computes_claims_and_reimport_adds_nothing(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    path = write(tmp_path / "p.csv", GOOD)
    first = run_cli("import", "emission-projects", str(path), "--json", env=env)
    assert first.exit_code == 0, first.stdout + first.stderr
    assert first.json()[0]["rows_added"] == 2
    again = run_cli("import", "emission-projects", str(path), "--json", env=env)
    assert again.json()[0]["rows_added"] == 0
    with session_scope(db) as s:
        latest = {r.code: r for r in store.latest_approved_projects(s)}
        # 5000 m³/d × 365 × 220 mg/L × 10⁻⁶ = 401.5 t/a; (280 − 45) × 3·10⁵ × 5000 × 10⁻⁹ = 352.5 t/a
        assert latest["YJ-1"].claimed() == {"COD": Decimal("401.5")}
        assert latest["SB-1"].claimed() == {"NOx": Decimal("352.5")}
        assert latest["SB-1"].offsets() == {"NOx": Decimal(50)} and latest["SB-1"].offset_year == 2024
        assert latest["SB-1"].project_type == "flue_gas_retrofit"  # the Chinese type name was accepted
        assert [b.kind for b in s.scalars(select(ImportBatch))] == ["emission-projects"] * 2
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "import.emission-projects")) == 2


def test_changed_row_adds_a_revision_and_keeps_the_old(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    run_cli("import", "emission-projects", str(write(tmp_path / "p.csv", GOOD)), env=env)
    changed = [GOOD[0].replace("0.5 万m³/d", "1 万m³/d"), GOOD[1]]
    result = run_cli("import", "emission-projects", str(write(tmp_path / "p.csv", changed)), "--json", env=env)
    assert result.json()[0]["rows_added"] == 1
    with session_scope(db) as s:
        assert len(store.project_revisions(s, code="YJ-1")) == 2
        latest = {r.code: r for r in store.latest_approved_projects(s)}
        assert latest["YJ-1"].claimed() == {"COD": Decimal(803)}


def test_every_problem_located_and_nothing_written(db, tmp_path):
    bad = [
        GOOD[0],
        'X-1,重复,永吉县,某单位,wastewater_new_capacity,"Q=1 万m³/d; C_in[COD]=20 mg/L; C_out[COD]=30 mg/L",已投运,2022,,',
        'X-2,全市,吉林市,某单位,capacity_phase_out,"E_prev[COD]=3 t",已投运,2022,,',
        'X-3,无日期,舒兰市,某单位,capacity_phase_out,"E_prev[COD]=3 t",已投运,,COD=5 t,',
        'X-4,未知类型,舒兰市,某单位,magic,"E_prev[COD]=3 t",建成,2022-13-01,,',
        'YJ-1,编号重复,永吉县,某单位,capacity_phase_out,"E_prev[COD]=3 t",已投运,2022,,',
    ]
    result = run_cli("import", "emission-projects", str(write(tmp_path / "bad.csv", bad)), "--json",
                     env={"ECER_DATABASE_URL": db})
    assert result.exit_code == 1
    found = [(p["code"], p["row"], p["column"], p["field"]) for p in result.json()]
    assert ("REDUCTION_AFTER_WORSE", 3, "F 核算参数", "parameters.COD") in found
    assert ("IMPORT_REGION_NOT_ALLOWED", 4, "C 所属地区", "region") in found
    assert ("PROJECT_COMMISSIONING_REQUIRED", 5, "H 投运日期", "commissioning_date") in found
    assert ("PROJECT_OFFSET_INVALID", 5, "I 替代使用量", "offsets") in found  # 5 t > the 3 t/a reduction
    assert ("REDUCTION_TYPE_UNKNOWN", 6, "E 工程类型", "project_type.project_type") in found
    assert ("PROJECT_STATUS_INVALID", 6, "G 项目状态", "status") in found
    assert ("PROJECT_DATE_INVALID", 6, "H 投运日期", "commissioning_date") in found
    assert ("PROJECT_DUPLICATE_CODE", 7, "A 项目编号", "code") in found
    assert all(p["file"].endswith("bad.csv") for p in result.json())
    assert count(db) == 0  # all or nothing


def test_review_flow_and_verification_replaces_claim_once_approved(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    run_cli("import", "emission-projects", str(write(tmp_path / "p.csv", GOOD)), env=env)
    verify = run_cli("emissions", "projects", "verify", "SB-1", "--pollutant", "NOx", "--reduction", "300 t/a",
                     "--method", "monitoring", "--json", env=env)
    assert verify.exit_code == 0, verify.stdout + verify.stderr
    vid = verify.json()[0]["id"]
    listed = run_cli("emissions", "projects", "list", "--json", env=env).json()
    assert {r["code"]: r["basis"] for r in listed} == {"SB-1": "claimed", "YJ-1": "claimed"}  # not yet approved
    approved = run_cli("emissions", "projects", "review-verification", str(vid), "approve", "--json", env=env)
    assert approved.json()[0]["status"] == "approved"
    listed = {r["code"]: r for r in run_cli("emissions", "projects", "list", "--json", env=env).json()}
    assert listed["SB-1"]["basis"] == "verified" and listed["SB-1"]["reduction_t"] == {"NOx": 300}
    assert listed["SB-1"]["claimed_t"] == {"NOx": 352.5}


def test_project_revision_review_needs_a_reason_to_return(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    added = run_cli("emissions", "projects", "add", "--code", "GX-1", "--name", "高新区涂装线源头替代",
                    "--region", "高新区", "--owner", "某汽车零部件公司", "--type", "vocs_source_substitution_mass",
                    "--param", "usage[1]=200 t/a", "--param", "w_before[1]=60 %", "--param", "w_after[1]=5 %",
                    "--status", "已投运", "--commissioning", "2023-05-01", "--json", env=env)
    assert added.exit_code == 0, added.stdout + added.stderr
    assert added.json()[0]["claimed_t"] == {"VOCs": 110}
    with session_scope(db) as s:
        rid = store.project_revisions(s, code="GX-1")[0].id
        with pytest.raises(Exception) as info:
            store.review_project(s, rid, "return", "tester", None)
        assert getattr(info.value, "code", None) == "REVIEW_BAD_TRANSITION"  # approved cannot be returned
    shown = run_cli("emissions", "projects", "show", "GX-1", "--json", env=env).json()[0]
    assert shown["revisions"][0]["parameters"] == "usage[1]=200 t/a; w_before[1]=60 %; w_after[1]=5 %"


def test_draft_revision_is_not_counted_until_approved(db, tmp_path):
    from ecer.importers.emission_projects import read_projects
    from ecer.services.emission_projects import progress
    from ecer.storage.plans import active_plan

    with session_scope(db) as s:
        records = read_projects(write(tmp_path / "p.csv", GOOD[:1]), active_plan(s))
        store.add_project_revisions(s, records, batch=None, source_file="p.csv", status="draft", actor="clerk")
    with session_scope(db) as s:
        row = next(r for r in progress(s, 2023).rows if r.region == "永吉县" and r.pollutant == "COD")
        assert row.cumulative_reduction_t == 0
        rid = store.project_revisions(s, code="YJ-1")[0].id
        store.review_project(s, rid, "submit", "clerk")
        store.review_project(s, rid, "approve", "chief")
    with session_scope(db) as s:
        row = next(r for r in progress(s, 2023).rows if r.region == "永吉县" and r.pollutant == "COD")
        assert row.cumulative_reduction_t == Decimal("401.5")
