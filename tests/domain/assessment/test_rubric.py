"""The rubric files: totals, steps, bands (the default government table, issue 7 §1)."""

import hashlib
from decimal import Decimal as D

import pytest

from ecer.domain.assessment.rubric import available_rubrics, load_rubric, read_rubric
from ecer.domain.errors import EcerError

PINNED = {
    "energy-2021": "05423f1f82649830c9f7d0d2878a1cd5d3e1c611ad295159f1f0c2328cd750fb",
    "pollutant-2021": "6e0cf3c38535cb40d7260e7b5bbe2cd7a44210960bdad19d6c3d4968f24ffd2a",
}


def test_both_rubrics_ship():
    assert set(available_rubrics()) >= {"energy-2021", "pollutant-2021"}


@pytest.mark.parametrize("rubric_id", ["energy-2021", "pollutant-2021"])
def test_targets_40_measures_60(rubric_id):
    rubric = load_rubric(rubric_id)
    assert sum(t.max_points for t in rubric.targets) == 40
    assert sum(m.max_points for m in rubric.measures) == 60
    assert rubric.max_points == 100
    codes = [i.code for i in (*rubric.targets, *rubric.measures)]
    assert len(codes) == len(set(codes))


def test_energy_rubric_rows():
    rubric = load_rubric("energy-2021")
    target = rubric.targets[0]
    assert [(s.at, s.points) for s in target.steps] == [
        (D("1.0"), 40), (D("0.9"), 36), (D("0.8"), 32), (D("0.7"), 28), (D("0.6"), 24), (D("0.5"), 20), (D(0), 0)]
    assert target.veto is True
    assert (target.bonus.per, target.bonus.points, target.bonus.max) == (D("0.10"), 3, 9)
    assert [(b.name, b.min) for b in rubric.ratings] == [("超额完成", 95), ("完成", 80), ("基本完成", 60), ("未完成", 0)]
    assert rubric.timeliness.deadlines["全年"] == "+1-02-28"


def test_pollutant_rubric_has_four_veto_targets():
    rubric = load_rubric("pollutant-2021")
    assert [t.code for t in rubric.targets] == ["cod_t", "nh3n_t", "nox_t", "vocs_t"]
    assert all(t.veto and t.max_points == 10 for t in rubric.targets)


@pytest.mark.parametrize("rubric_id", ["energy-2021", "pollutant-2021"])
def test_file_is_pinned(rubric_id):
    """Any change to a rubric file shows in review: update the hash with the change."""
    digest = hashlib.sha256(available_rubrics()[rubric_id].read_bytes()).hexdigest()
    assert digest == PINNED[rubric_id]


def test_unknown_rubric_lists_valid_ids():
    with pytest.raises(EcerError) as info:
        load_rubric("nope")
    assert info.value.code == "ASSESS_RUBRIC_UNKNOWN"
    assert "energy-2021" in str(info.value)


def test_steps_must_descend(tmp_path):
    bad = tmp_path / "r.yaml"
    text = available_rubrics()["energy-2021"].read_text(encoding="utf-8")
    bad.write_text(text.replace("{at: 1.0, points: 40}", "{at: 0.9, points: 40}").replace("{at: 0.9, points: 36}", "{at: 0.95, points: 36}"),
                   encoding="utf-8")
    with pytest.raises(EcerError) as info:
        read_rubric(bad)
    assert info.value.code == "ASSESS_RUBRIC_INVALID"
