"""Issue 5 §3 end to end: the HJ 212 simulator uploads hourly data over TCP, the server stores and acknowledges
it, and a 提标改造 project's reduction is verified from the stored hours (SQLite and PostgreSQL).

The simulated plant: flow 220–243 L/s (mean ≈ 231.5 L/s = 2 万m³/d), COD 150–200 mg/L for a week before the
retrofit (2022-01-01..07) and 30–60 mg/L for a week after it (2023-01-01..07), one hour per packet, 168 packets
per week. The project (YJ-9) claims Q × (C_out,before − C_out,after) × 10⁻⁶ with Q = 2 万m³/d × 365 d =
7 300 000 m³/a, C_out,before = 175 mg/L and C_out,after = 45 mg/L: 7.3 × 130 = 949 t/a.

Band of the achieved reduction, by hand. Every hour's mean lies in its range (Avg is rounded to 0.1 mg/L, the
bounds are representable), and a flow-weighted mean of values in a range lies in that range, so
C̄_before ∈ [150, 200] and C̄_after ∈ [30, 60] mg/L, ΔC ∈ [90, 170] mg/L and, with the plant's Q,
R = ΔC × 7 300 000 × 10⁻⁶ ∈ [657, 1241] t/a (the hard band). The expected ΔC is 175 − 45 = 130 mg/L; an hour's
value has a standard deviation of 50/√12 = 14.4 (before) and 30/√12 = 8.7 mg/L (after), so over 168 hours
σ(ΔC) ≈ √(14.4² + 8.7²)/√168 = 1.3 mg/L, and ±6σ gives ΔC ∈ [122, 138] mg/L: R ∈ [890.6, 1007.4] t/a (the
statistical band, with a fixed seed). An over-claim of C_out,after = 20 mg/L (7.3 × 155 = 1131.5 t/a) then falls
short by 1 − R/1131.5 ∈ [11 %, 21 %], beyond the default 10 % limit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from ecer.domain.pollutants.verification import ValidDataRules
from ecer.protocol.hj212.cp import CST
from ecer.server.hj212 import ServerConfig
from ecer.server.simulator import PW, SimulatorConfig, logger_mn, simulate
from ecer.services.emission_verification import verify_from_monitoring
from ecer.storage import monitoring
from ecer.storage.db import session_scope
from ecer.storage.sources import PollutantSpec, SourceSpec, add_source
from tests.conftest import run_cli
from tests.server.conftest import RunningServer
from tests.storage.test_emission_projects_storage import write

MN = logger_mn(SimulatorConfig(), 0)
HOURS = 7 * 24
BEFORE, AFTER = dt.datetime(2022, 1, 1, tzinfo=CST), dt.datetime(2023, 1, 1, tzinfo=CST)
FLOW = (220.0, 243.0)  # L/s: 2 万m³/d = 231.5 L/s in the middle
COD_BEFORE, COD_AFTER = (150.0, 200.0), (30.0, 60.0)
PROJECT = ('YJ-9,永吉县污水处理厂提标改造,永吉县,某排水公司,effluent_standard_upgrade,'
           '"Q=2 万m³/d; C_out_before[COD]=175 mg/L; C_out_after[COD]={after} mg/L",已投运,2022-06-30,,')
HARD_BAND, LIKELY_BAND = (657, 1241), (890.6, 1007.4)


@pytest.fixture
def plant(database_url, tmp_path):
    """Initialised database, the plant's outlet registered under the simulator's first MN, the project imported."""
    env = {"ECER_DATABASE_URL": database_url}
    assert run_cli("init", "--json", env=env).exit_code == 0
    with session_scope(database_url) as session:
        add_source(session, SourceSpec(mn=MN, pw=PW, enterprise="永吉县污水处理厂（合成演示数据）", outlet="废水总排口",
                                       kind="wastewater", region="永吉县", st="32",
                                       pollutants=(PollutantSpec("w01018"), PollutantSpec("w21003"))), "test")
    imported = run_cli("import", "emission-projects", str(write(tmp_path / "projects.csv", [PROJECT.format(after=45)])),
                       "--json", env=env)
    assert imported.exit_code == 0, imported.stdout + imported.stderr
    running = RunningServer(database_url, ServerConfig(host="127.0.0.1", port=0, idle_timeout=30, reload_seconds=60))
    yield database_url, running
    running.stop()


def upload(server: RunningServer, start: dt.datetime, cod: tuple[float, float], seed: int,
           **extra: object) -> tuple[dict[str, object], set[str]]:
    """One week of hourly records from one simulated logger; returns the report and the acknowledged QNs."""
    config = SimulatorConfig(sources=1, rate=400, port=server.port, duration=30, drain=15, malformed=0,
                             disconnects=0, seed=seed, kinds=("2061",), packets=HOURS, start=start,
                             ranges={"w00000": FLOW, "w01018": cod}, **extra)  # type: ignore[arg-type]
    acked: dict[str, set[str]] = {}
    report = asyncio.run(simulate(config, acked))
    return report, acked[MN]


def stored(url: str) -> dict[dt.datetime, str]:
    """DataTime (UTC) → QN of each stored COD hour of the plant."""
    with session_scope(url) as s:
        rows = s.execute(select(monitoring.Reading.data_time, monitoring.Reading.qn).where(
            monitoring.Reading.mn == MN, monitoring.Reading.cn == "2061", monitoring.Reading.code == "w01018"))
        return {(t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)): qn for t, qn in rows}


def reasons(url: str, **rules: Decimal) -> tuple[str, ...]:
    """Review reasons of YJ-9 over the two weeks with the plant's Q and the given limits (through the service)."""
    with session_scope(url) as s:
        return verify_from_monitoring(
            s, project_code="YJ-9", pollutant="COD", mn=MN, actor="test", before=(BEFORE, BEFORE + dt.timedelta(7)),
            after=(AFTER, AFTER + dt.timedelta(7)), annual_volume_m3=Decimal(7_300_000),
            rules=ValidDataRules(**rules))[1].reasons


def verify_cli(url: str, code: str = "YJ-9") -> dict:
    result = run_cli("emissions", "projects", "verify", code, "--pollutant", "COD", "--mn", MN,
                     "--before", "2022-01-01..2022-01-08", "--after", "2023-01-01..2023-01-08",
                     "--annual-volume", "2 万m³/d", "--json", env={"ECER_DATABASE_URL": url})
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.json()[0]


def test_a_simulated_week_before_and_after_verifies_within_the_band(plant):
    url, server = plant
    before, acked_before = upload(server, BEFORE, COD_BEFORE, seed=5)
    after, acked_after = upload(server, AFTER, COD_AFTER, seed=6)
    for report in (before, after):
        assert (report["sent"], report["acknowledged"], report["unacknowledged"]) == (HOURS, HOURS, 0)
        assert (report["wrong_acks"], report["dropped"]) == (0, 0)
    hours = stored(url)
    expected = {(start + dt.timedelta(hours=h)).astimezone(dt.UTC) for start in (BEFORE, AFTER) for h in range(HOURS)}
    assert set(hours) == expected  # one record per simulated hour, DataTime advancing 1 h per packet
    assert set(hours.values()) == acked_before | acked_after  # every stored hour was acknowledged, and only those

    check = verify_cli(url)
    periods = check["detail"]["periods"]
    assert [(periods[p]["expected"], periods[p]["valid"], periods[p]["missing"]) for p in ("before", "after")] == [
        (HOURS, HOURS, 0), (HOURS, HOURS, 0)]
    assert COD_BEFORE[0] <= float(periods["before"]["mean_concentration"]) <= COD_BEFORE[1]
    assert COD_AFTER[0] <= float(periods["after"]["mean_concentration"]) <= COD_AFTER[1]
    assert HARD_BAND[0] <= check["verified_t"] <= HARD_BAND[1]
    assert LIKELY_BAND[0] <= check["verified_t"] <= LIKELY_BAND[1]
    assert Decimal(check["detail"]["claimed_t"]) == 949
    assert check["detail"]["needs_review"] is False and check["status"] == "submitted"


def test_gaps_from_drops_and_an_outage_are_reported_and_the_review_flags_hold_at_their_thresholds(plant, tmp_path):
    url, server = plant
    # before: the logger goes offline for ticks 50–55, i.e. hours 49–54 (2022-01-03 01:00–07:00 CST) are lost
    before, _ = upload(server, BEFORE, COD_BEFORE, seed=5, outages=((50, 6),))
    # after: 15 % of the records are lost before they are sent
    after, _ = upload(server, AFTER, COD_AFTER, seed=6, drop=0.15)
    assert (before["dropped"], before["reconnects"], before["unacknowledged"]) == (6, 1, 0)
    assert after["dropped"] > 0 and after["sent"] == HOURS - after["dropped"] and after["unacknowledged"] == 0
    assert before["requests_from_platform"] >= 1  # the server asked for a 2061 back-fill of the gap
    assert len(stored(url)) == 2 * HOURS - 6 - after["dropped"]

    check = verify_cli(url)
    periods = check["detail"]["periods"]
    assert (periods["before"]["valid"], periods["before"]["missing"]) == (HOURS - 6, 6)
    gap_start = (BEFORE + dt.timedelta(hours=49)).astimezone(dt.UTC).isoformat()
    gap_end = (BEFORE + dt.timedelta(hours=55)).astimezone(dt.UTC).isoformat()
    assert periods["before"]["spans"] == [["缺失", gap_start, gap_end]]
    assert (periods["after"]["valid"], periods["after"]["missing"]) == (HOURS - after["dropped"], after["dropped"])
    assert HARD_BAND[0] <= check["verified_t"] <= HARD_BAND[1]  # the valid hours still lie in their ranges

    # the missing-data flag: a share equal to the limit passes, one just above it is flagged
    after_share = Decimal(after["dropped"]) / HOURS  # before: 6/168 = 3.6 %, under the default 10 %
    assert reasons(url, max_missing_share=after_share) == ()
    assert reasons(url, max_missing_share=after_share - Decimal("1e-9")) == ("missing_data_after",)
    assert reasons(url, max_missing_share=Decimal(6) / HOURS - Decimal("1e-9")) == (
        "missing_data_before", "missing_data_after")

    # the owner raises the claim to C_out,after = 20 mg/L: 1131.5 t/a, short by more than the default 10 %
    env = {"ECER_DATABASE_URL": url}
    raised = run_cli("import", "emission-projects", str(write(tmp_path / "raised.csv", [PROJECT.format(after=20)])),
                     "--json", env=env)
    assert raised.exit_code == 0, raised.stdout + raised.stderr
    over = verify_cli(url)
    assert Decimal(over["detail"]["claimed_t"]) == Decimal("1131.5")
    shortfall = Decimal(over["detail"]["shortfall_share"])
    assert Decimal("0.11") <= shortfall <= Decimal("0.22") and "shortfall" in over["detail"]["reasons"]
    # the gap-vs-claim flag: a shortfall equal to the limit passes, one just above it is flagged
    assert reasons(url, max_missing_share=Decimal(1), max_shortfall_share=shortfall) == ()
    assert reasons(url, max_missing_share=Decimal(1), max_shortfall_share=shortfall - Decimal("1e-9")) == (
        "shortfall",)
