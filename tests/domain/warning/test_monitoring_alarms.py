"""Alarm rules on hand-made hourly series."""

from __future__ import annotations

import datetime as dt

from ecer.domain.warning import monitoring as rules

T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def hourly(values, zs=None, flags=None, flows=None):
    return [rules.Sample(T0 + dt.timedelta(hours=i), v, None if zs is None else zs[i],
                         "N" if flags is None else flags[i], None if flows is None else flows[i])
            for i, v in enumerate(values)]


def test_over_limit_episode_with_peak_and_end():
    samples = hourly([80, 120, 160, 90, 95])
    (alarm,) = rules.over_limit(samples, "w01018", 100, use_zs=False)
    assert (alarm.start, alarm.end, alarm.value, alarm.level) == (T0 + dt.timedelta(hours=1),
                                                                   T0 + dt.timedelta(hours=3), 160, "red")


def test_over_limit_under_150_percent_is_yellow():
    (alarm,) = rules.over_limit(hourly([80, 140]), "w01018", 100, use_zs=False)
    assert alarm.level == "yellow" and alarm.end is None  # still going


def test_flue_gas_is_judged_on_the_o2_converted_value():
    """Measured 90 mg/m³ is within 100; converted to the reference O2 it is 130 (D.2.3): over."""
    samples = hourly([90, 90], zs=[130, 95])
    assert rules.over_limit(samples, "a21002", 100, use_zs=False) == []
    (alarm,) = rules.over_limit(samples, "a21002", 100, use_zs=True)
    assert alarm.value == 130


def test_missing_data_beyond_the_multiple_of_the_interval():
    times = [T0, T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=6)]
    (gap,) = rules.missing_data(times, dt.timedelta(hours=1), T0 + dt.timedelta(hours=7), multiple=3)
    assert gap.start == T0 + dt.timedelta(hours=2) and gap.end == T0 + dt.timedelta(hours=6)


def test_missing_data_up_to_now():
    (gap,) = rules.missing_data([T0], dt.timedelta(hours=1), T0 + dt.timedelta(hours=4), multiple=3)
    assert gap.end is None


def test_missing_data_inside_a_mark_is_not_an_alarm():
    times = [T0, T0 + dt.timedelta(hours=6)]
    mark = [(T0, T0 + dt.timedelta(hours=6))]
    assert rules.missing_data(times, dt.timedelta(hours=1), T0 + dt.timedelta(hours=6), marks=mark) == []


def test_marked_samples_are_left_out():
    samples = hourly([80, 500, 80])
    kept = rules.excluding_marks(samples, [(T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=2))])
    assert [s.value for s in kept] == [80, 80]


def test_same_value_for_four_hours_is_suspicious():
    (alarm,) = rules.suspicious_constant(hourly([5, 7, 7, 7, 7, 7, 8]), "w01018", hours=4)
    assert alarm.start == T0 + dt.timedelta(hours=1) and alarm.end == T0 + dt.timedelta(hours=6)
    assert rules.suspicious_constant(hourly([7, 7, 7, 7]), "w01018", hours=4) == []  # 3 h only


def test_never_varying_beyond_the_resolution():
    values = [7.0, 7.1, 7.0, 7.05, 7.1, 7.0]
    assert rules.suspicious_constant(hourly(values), "w01018", hours=4) == []
    (alarm,) = rules.suspicious_flat(hourly(values), "w01018", 0.1, hours=4)
    assert alarm.kind == "suspicious_flat"


def test_t_flag_and_zero_flow():
    samples = hourly([5, 9999, 5], flags=["N", "T", "N"], flows=[1.0, 1.0, 0.0])
    (flag_t,) = rules.suspicious_flag_t(samples, "w01018")
    (zero,) = rules.suspicious_zero_flow(samples, "w01018")
    assert flag_t.start == T0 + dt.timedelta(hours=1) and zero.start == T0 + dt.timedelta(hours=2)


def test_permit_approaching_at_80_percent_and_red_when_used_up():
    assert rules.permit_approaching("w01018", 7.9, 10, T0) == []
    assert rules.permit_approaching("w01018", 8.0, 10, T0)[0].level == "yellow"
    assert rules.permit_approaching("w01018", 10.0, 10, T0)[0].level == "red"
