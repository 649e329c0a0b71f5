"""``ecer monitor …`` and the sources workbook, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from ecer.protocol.hj212.builder import frame
from ecer.protocol.hj212.cp import CST
from ecer.storage.ingest import BatchWriter
from tests.conftest import run_cli
from tests.server.conftest import MN, read_packets
from tests.server.test_hj212_server import C17

FLUE = "010000A8900016F000169DD1"
SOURCES_HEADER = "设备唯一标识MN,访问密码PW,企业名称,排放口或点位,类型,所属地区,监测因子"


def env(url):
    return {"ECER_DATABASE_URL": url}


def test_sources_add_and_list(monitor_db):
    added = run_cli("monitor", "sources", "add", "--mn", FLUE, "--pw", "654321", "--enterprise", "热电厂",
                    "--outlet", "1号烟囱", "--kind", "flue_gas", "--region", "舒兰市",
                    "--pollutant", "a21002:100:mg/m3:350", "--allow", "HJ212_CRC_MODBUS", "--json", env=env(monitor_db))
    assert added.exit_code == 0, added.stdout + added.stderr
    row = added.json()[0]
    assert row["pollutants"] == [{"code": "a21002", "limit_value": 100, "limit_unit": "mg/m3", "annual_permit_t": 350,
                                  "resolution": None}]
    assert row["accepted_deviations"] == ["HJ212_CRC_MODBUS"]
    again = run_cli("monitor", "sources", "add", "--mn", FLUE, "--pw", "1", "--enterprise", "x", "--outlet", "y",
                    "--kind", "flue_gas", "--region", "舒兰市", "--json", env=env(monitor_db))
    assert again.exit_code == 2 and again.json()[0]["code"] == "MONITOR_SOURCE_EXISTS"
    listed = run_cli("monitor", "sources", "list", "--json", env=env(monitor_db)).json()
    assert sorted(r["mn"] for r in listed) == sorted([MN, FLUE])


def test_bad_kind_and_unknown_deviation_are_refused(monitor_db):
    bad = run_cli("monitor", "sources", "add", "--mn", FLUE, "--pw", "1", "--enterprise", "x", "--outlet", "y",
                  "--kind", "smoke", "--region", "舒兰市", "--json", env=env(monitor_db))
    assert bad.exit_code == 1 and bad.json()[0]["code"] == "MONITOR_SOURCE_KIND"


def test_import_sources_all_or_nothing_and_idempotent(monitor_db, tmp_path):
    template = tmp_path / "sources.xlsx"
    assert run_cli("template", "sources", str(template), env=env(monitor_db)).exit_code == 0
    good = tmp_path / "good.csv"
    good.write_text("\n".join([SOURCES_HEADER, f"{FLUE},654321,热电厂,1号烟囱,废气,舒兰市,a21002:100:mg/m3:350",
                               "010000A8900016F000169DD2,111111,污水厂,总排口,废水,永吉县,w01018:50:mg/L:20;w21003:5:mg/L:2"]),
                    encoding="utf-8")
    first = run_cli("import", "sources", str(good), "--json", env=env(monitor_db))
    assert first.exit_code == 0, first.stdout + first.stderr
    assert first.json()[0]["rows_added"] == 2
    assert run_cli("import", "sources", str(good), "--json", env=env(monitor_db)).json()[0]["rows_added"] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([SOURCES_HEADER, "010000A8900016F000169DD3,1,a,b,废水,永吉县,",
                              "010000A8900016F000169DD4,1,a,b,烟雾,火星,w01018:x"]), encoding="utf-8")
    refused = run_cli("import", "sources", str(bad), "--json", env=env(monitor_db))
    assert refused.exit_code == 1
    assert {p["code"] for p in refused.json()} == {"MONITOR_SOURCE_KIND", "IMPORT_UNKNOWN_REGION",
                                                   "MONITOR_POLLUTANT_INVALID"}
    assert all(p["row"] == 3 for p in refused.json())
    mns = [r["mn"] for r in run_cli("monitor", "sources", "list", "--json", env=env(monitor_db)).json()]
    assert "010000A8900016F000169DD3" not in mns  # nothing written


def test_readings_after_ingest(server):
    with server.connect() as sock:
        sock.sendall(frame(C17))
        read_packets(sock, 1)
    result = run_cli("monitor", "readings", "--mn", MN, "--cn", "2061", "--from", "2016-08-01",
                     "--to", "2016-08-02", "--json", env=env(server.server.url))
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    assert [r["code"] for r in rows] == ["w00000", "w01001", "w01018"]
    assert rows[2]["data_time"] == "2016-08-01T08:00:00+08:00"
    assert rows[2]["avg"] == 40.1 and rows[2]["cou"] == 63 and rows[2]["flag"] == "N"
    empty = run_cli("monitor", "readings", "--mn", MN, "--from", "2016-08-02", "--json", env=env(server.server.url))
    assert empty.json() == []
    bad = run_cli("monitor", "readings", "--mn", MN, "--from", "yesterday", "--json", env=env(server.server.url))
    assert bad.exit_code == 1 and bad.json()[0]["code"] == "MONITOR_TIME_INVALID"


def hour_rows(mn, start, cods, flow_m3=63.0, flag="N"):
    rows = []
    for i, cod in enumerate(cods):
        when = start + dt.timedelta(hours=i)
        rows.append((mn, "2061", when, "w01018", None, None, cod, cod, None, None, None, flag, None, "q", when))
        rows.append((mn, "2061", when, "w00000", None, None, 17.5, 17.5, flow_m3, None, None, flag, None, "q", when))
    return rows


def test_alarms_evaluate_acknowledge_close(monitor_db):
    run_cli("monitor", "sources", "add", "--mn", FLUE, "--pw", "1", "--enterprise", "污水厂", "--outlet", "总排口",
            "--kind", "wastewater", "--region", "永吉县", "--pollutant", "w01018:50:mg/L:0.001", env=env(monitor_db))
    now = dt.datetime.now(CST).replace(minute=0, second=0, microsecond=0)
    BatchWriter(monitor_db).write(hour_rows(FLUE, now - dt.timedelta(hours=3), [40.0, 90.0, 45.0]))
    listed = run_cli("monitor", "alarms", "--evaluate", "--json", env=env(monitor_db))
    assert listed.exit_code == 0, listed.stdout + listed.stderr
    kinds = {(a["kind"], a["code"]): a for a in listed.json()}
    over = kinds[("over_limit", "w01018")]
    assert (over["level"], over["value"], over["threshold"], over["status"]) == ("red", 90, 50, "open")
    assert ("permit_approaching", "w01018") in kinds  # 0.001 t permitted, about 0.011 t emitted
    again = run_cli("monitor", "alarms", "--evaluate", "--json", env=env(monitor_db)).json()
    assert len(again) == len(listed.json())  # evaluating again adds nothing
    no_reason = run_cli("monitor", "alarms", "acknowledge", str(over["id"]), "--json", env=env(monitor_db))
    assert no_reason.exit_code == 1 and no_reason.json()[0]["code"] == "MONITOR_REASON_REQUIRED"
    ack = run_cli("monitor", "alarms", "acknowledge", str(over["id"]), "--reason", "已通知企业", "--json",
                  env=env(monitor_db))
    assert ack.json()[0]["status"] == "acknowledged"
    closed = run_cli("monitor", "alarms", "close", str(over["id"]), "--reason", "设备校准后恢复", "--json",
                     env=env(monitor_db))
    assert closed.json()[0]["status"] == "closed"
    twice = run_cli("monitor", "alarms", "close", str(over["id"]), "--reason", "x", "--json", env=env(monitor_db))
    assert twice.exit_code == 2 and twice.json()[0]["code"] == "MONITOR_ALARM_TRANSITION"


def test_marks_exclude_hours_from_alarms_and_amounts(monitor_db):
    start = dt.datetime(2026, 3, 1, 8, tzinfo=CST)
    BatchWriter(monitor_db).write(hour_rows(MN, start, [40.0, 40.0, 40.0]))
    totals = run_cli("monitor", "emissions", "--year", "2026", "--json", env=env(monitor_db)).json()
    cod = next(t for t in totals if t["pollutant"] == "COD")
    assert cod["region"] == "永吉县"
    assert abs(cod["amount_t"] - 3 * 63.0 * 40.0 * 1e-3 / 1000) < 1e-12  # eq. (8), three hours
    mark = run_cli("monitor", "marks", "add", "--mn", MN, "--kind", "检修", "--from", "2026-03-01 09:00",
                   "--to", "2026-03-01 10:00", "--reason", "更换探头", "--json", env=env(monitor_db))
    assert mark.exit_code == 0, mark.stdout + mark.stderr
    daily = run_cli("monitor", "emissions", "--year", "2026", "--mn", MN, "--json", env=env(monitor_db)).json()
    assert daily == [{"mn": MN, "day": "2026-03-01", "code": "w01018", "mass_kg": 2 * 2.52, "valid_hours": 2,
                      "valid_day": True}]
    assert run_cli("monitor", "marks", "list", "--json", env=env(monitor_db)).json()[0]["kind"] == "检修"


def test_simulator_against_the_server(server):
    result = run_cli("monitor", "simulate", "--sources", "3", "--rate", "200", "--duration", "1", "--port",
                     str(server.port), "--register", "--malformed", "0.05", "--json", env=env(server.server.url))
    assert result.exit_code == 0, result.stdout + result.stderr
    report = result.json()[0]
    assert report["sent"] == report["acknowledged"] + report["malformed"]
    assert report["wrong_acks"] == 0 and report["unacknowledged"] == 0


def test_demo_step_registers_ingests_and_raises_the_two_planted_alarms(monitor_db, tmp_path):
    from ecer.demo.monitoring import import_demo

    sources, packets = import_demo(monitor_db, tmp_path)
    assert (sources["rows_added"], packets["frames"], packets["quarantined"]) == (6, 1002, 0)
    alarms = run_cli("monitor", "alarms", "--json", env=env(monitor_db)).json()
    assert sorted((a["kind"], a["code"]) for a in alarms) == [("missing_data", None), ("over_limit", "w01018")]
    again = run_cli("monitor", "ingest", str(tmp_path / "合成演示_HJ212小时数据.txt"), "--json", env=env(monitor_db))
    assert again.exit_code == 0, again.stdout + again.stderr
    assert again.json()[0]["frames"] == 1002  # stored once: the readings count does not change
    rows = run_cli("monitor", "readings", "--mn", "DE0000A8900016F000000000", "--json", env=env(monitor_db)).json()
    assert len(rows) == 7 * 24 * 3


def test_retention_deletes_only_older_readings_of_its_cn(monitor_db):
    now = dt.datetime.now(CST).replace(microsecond=0)
    old, recent = now - dt.timedelta(days=40), now - dt.timedelta(days=2)
    rows = [(MN, cn, when, "w01018", 1.0, None, None, None, None, None, None, "N", None, "q", when)
            for cn in ("2011", "2061") for when in (old, recent)]
    BatchWriter(monitor_db).write(rows)
    assert run_cli("monitor", "retention", "set", "--cn", "2011", "--days", "30", env=env(monitor_db)).exit_code == 0
    applied = run_cli("monitor", "retention", "apply", "--json", env=env(monitor_db)).json()
    assert [(r["cn"], r["deleted"]) for r in applied] == [("2011", 1)]
    left = run_cli("monitor", "readings", "--mn", MN, "--json", env=env(monitor_db)).json()
    assert sorted(r["cn"] for r in left) == ["2011", "2061", "2061"]
