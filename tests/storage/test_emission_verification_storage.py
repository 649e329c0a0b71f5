"""Verification from stored HJ 212 hourly readings (``ecer.storage.monitoring``) on SQLite and PostgreSQL.

Same hand-worked figures as ``tests/domain/pollutants/test_verification.py``: before C̄ = 175 mg/L (two valid
hours), after C̄ = 42.5 mg/L; (175 − 42.5) × 7 300 000 m³/a × 10⁻⁶ = 967.25 t/a.
"""

from __future__ import annotations

import datetime as dt

from ecer.protocol.hj212.cp import CST
from ecer.storage import monitoring
from ecer.storage.db import session_scope
from tests.conftest import run_cli
from tests.storage.test_emission_projects_storage import write

MN = "010000A8900016F000169DC0"
ROW = ('YJ-9,永吉县污水处理厂提标改造,永吉县,某排水公司,effluent_standard_upgrade,'
       '"Q=2 万m³/d; C_out_before[COD]=175 mg/L; C_out_after[COD]=40 mg/L",已投运,2022-06-30,,')
# hour → (volume m³, COD mg/L, flag); hour 3 never arrived; hour 4 is covered by an operator's 停产 mark
BEFORE = {0: (1000, 100, "N"), 1: (3000, 200, "N"), 2: (2000, 500, "M"), 4: (500, 80, "N"), 5: (1000, 150, "D")}
AFTER = {0: (2000, 40, "N"), 1: (2000, 60, "N"), 2: (1000, 50, "N"), 3: (3000, 30, "N")}


def store_hours(session, day: dt.datetime, hours: dict[int, tuple[int, int, str]]) -> None:
    for hour, (volume, cod, flag) in hours.items():
        at = (day + dt.timedelta(hours=hour)).astimezone(dt.UTC)  # stored in UTC, as the ingest does
        session.add(monitoring.Reading(mn=MN, cn="2061", data_time=at, code="w00000", cou=float(volume), flag=flag,
                                       received_at=at))
        session.add(monitoring.Reading(mn=MN, cn="2061", data_time=at, code="w01018", avg=float(cod), flag=flag,
                                       received_at=at))


def test_verify_from_stored_readings_and_approve(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    assert run_cli("import", "emission-projects", str(write(tmp_path / "p.csv", [ROW])), env=env).exit_code == 0
    before_day, after_day = dt.datetime(2022, 1, 1, tzinfo=CST), dt.datetime(2023, 1, 1, tzinfo=CST)
    with session_scope(db) as s:
        source = monitoring.MonitoredSource(mn=MN, pw="123456", enterprise="某排水公司", outlet="总排口",
                                            kind="wastewater", region="永吉县", created_by="test")
        s.add(source)
        s.flush()
        s.add(monitoring.OperatorMark(source_id=source.id, kind="停产", start=(before_day + dt.timedelta(hours=4)).astimezone(dt.UTC),
                                      end=(before_day + dt.timedelta(hours=5)).astimezone(dt.UTC), created_by="test"))
        store_hours(s, before_day, BEFORE)
        store_hours(s, after_day, AFTER)
    result = run_cli("emissions", "projects", "verify", "YJ-9", "--pollutant", "COD", "--mn", MN,
                     "--before", "2022-01-01..2022-01-01", "--after", "2023-01-01..2023-01-01", "--json", env=env)
    assert result.exit_code == 1 and result.json()[0]["code"] == "PROJECT_VERIFICATION_INVALID"  # empty period
    # the CLI takes whole days; the six and four hours the readings cover go through the service
    from ecer.services.emission_verification import verify_from_monitoring

    with session_scope(db) as s:
        row, check = verify_from_monitoring(
            s, project_code="YJ-9", pollutant="COD", mn=MN, actor="test",
            before=(before_day, before_day + dt.timedelta(hours=6)), after=(after_day, after_day + dt.timedelta(hours=4)))
        vid = row.id
    assert check.before.mean_concentration == 175  # the 停产 mark removed hour 4, D removed hour 5
    assert (check.before.shutdown, check.before.maintenance, check.before.missing, check.before.invalid) == (1, 1, 1, 1)
    assert check.after.mean_concentration == 42.5
    # claim (175 − 40) × 7.3 = 985.5 t/a; achieved with the annualised after flow (2000 m³/h × 8760):
    # 132.5 × 17 520 000 × 10⁻⁶ = 2321.4 t/a
    assert str(check.achieved_t.normalize()) == "2321.4"
    assert check.reasons == ("missing_data_before",)
    approved = run_cli("emissions", "projects", "review-verification", str(vid), "approve", "--json", env=env)
    assert approved.exit_code == 0, approved.stdout + approved.stderr
    rows = run_cli("emissions", "progress", "--year", "2023", "--json", env=env).json()
    yongji = next(r for r in rows if r["region"] == "永吉县" and r["pollutant"] == "COD")
    assert yongji["basis"] == "verified" and yongji["cumulative_reduction_t"] == 2321.4
    again = run_cli("emissions", "projects", "verify", "YJ-9", "--pollutant", "COD", "--mn", MN,
                    "--before", "2022-01-01..2022-01-02", "--after", "2023-01-01..2023-01-02",
                    "--annual-volume", "2 万m³/d", "--json", env=env)
    assert again.exit_code == 0, again.stdout + again.stderr
    # with the plant's 7 300 000 m³/a: 132.5 × 7.3 = 967.25 t/a; a whole day leaves 19 of 23 running hours empty
    assert again.json()[0]["verified_t"] == 967.25 and again.json()[0]["status"] == "submitted"
    assert again.json()[0]["detail"]["periods"]["before"]["missing"] == 19
    rows = run_cli("emissions", "progress", "--year", "2023", "--json", env=env).json()
    yongji = next(r for r in rows if r["region"] == "永吉县" and r["pollutant"] == "COD")
    assert yongji["cumulative_reduction_t"] == 2321.4  # the new figure counts only once approved
