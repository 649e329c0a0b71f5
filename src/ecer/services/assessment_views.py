"""The yearly assessment as the web shows it and acts on it, scoped to who is asking.

Reads: city, read-only and admin users every assessed region; a district user its own region only;
enterprise users none (ACCESS_DENIED). Actions follow the roles of the workflow
(``ecer.services.assessment_workflow``), which itself checks the states:

- the district user of the region: self-assess, submit the self-assessment, appeal the reviewed result;
- reviewers (city, admin): review items, finish the review, decide appeals, publish.

Everything else is ACCESS_DENIED before the workflow is touched, so a refused action leaves no trace.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.assessment.rubric import load_rubric
from ecer.domain.errors import EcerError
from ecer.services import assessment_workflow as flow
from ecer.services.assessment import assessed_region, evaluate, ranking
from ecer.services.dashboard import current_plan, latest_year
from ecer.storage import assessment as store
from ecer.web.access import Principal

STATE_ZH = {"self": "待自评", "submitted": "待审核", "reviewed": "已审核待公布", "appealed": "申诉处理中",
            "published": "已公布"}
STATUS_ZH = {"draft": "草稿", "reviewed": "已审核", "published": "已公布"}
RATING_CHIP = {"超额完成": "green", "完成": "green", "基本完成": "yellow", "未完成": "red"}
DECISION_ZH = {"upheld": "成立", "rejected": "驳回", None: "待处理"}
SOURCE_ZH = {"auto": "自动计分", "override": "审核调整", "review": "审核评分", "self": "自评（待审核）",
             "none": "未评分"}
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024


def default_year(session: Session, year: int | None) -> int:
    """The requested year, else the latest with approved full-year statistics (as the reports)."""
    return year if year is not None else latest_year(session, current_plan(session))


def _require_reader(principal: Principal) -> None:
    if not (principal.reads_all_regions or principal.role == "district"):
        raise EcerError("ACCESS_DENIED", "考核结果仅供市级、区县、只读用户和系统管理员查看")


def readable_region(session: Session, principal: Principal, region: str) -> str:
    """The assessed region's plan name, if this principal may read it; ACCESS_DENIED otherwise."""
    _require_reader(principal)
    plan = current_plan(session)
    name = plan.region(region).name
    if not principal.can_read_region(name, plan.city.name) or (principal.role == "district"
                                                               and name != principal.region):
        raise EcerError("ACCESS_DENIED", f"{principal.username} 不能查看 {name} 的考核结果", field="region", value=name)
    return assessed_region(plan, name).name


def _state(status: str, self_submitted: bool, pending: int) -> str:
    if status == "published":
        return "published"
    if status == "reviewed":
        return "appealed" if pending else "reviewed"
    return "submitted" if self_submitted else "self"


def results(session: Session, principal: Principal, year: int, *, scope: str = "year",
            rubric_id: str = "energy-2021") -> list[dict[str, Any]]:
    """The ranking (city-wide ranks) with the workflow state, only the rows this principal may read."""
    _require_reader(principal)
    evaluated = evaluate(session, year, scope=scope, rubric_id=rubric_id)
    records = store.for_year(session, rubric_id=load_rubric(rubric_id).id, year=year, scope=scope)
    submitted = {r["region"]: r.get("self_submitted", False) for r in evaluated}
    rows = []
    for row in ranking(evaluated):
        if principal.role == "district" and row["region"] != principal.region:
            continue
        record = records.get(row["region"])
        pending = len(store.pending_appeals(session, record.id)) if record else 0
        self_submitted = bool(submitted[row["region"]] or (record and record.self_submitted_at))
        state = _state(row["status"], self_submitted, pending)
        rows.append({**row, "status_zh": STATUS_ZH.get(row["status"], row["status"]), "state": state,
                     "state_zh": STATE_ZH[state], "self_submitted": self_submitted, "pending_appeals": pending,
                     "rating_chip": RATING_CHIP.get(row["rating"], "none"), "scope": scope, "rubric_id": rubric_id})
    return rows


def _evidence_row(e: store.AssessmentEvidence) -> dict[str, Any]:
    return {"id": e.id, "item_code": e.item_code, "file_name": e.file_name, "sha256": e.sha256,
            "size_bytes": e.size_bytes, "uploaded_by": e.uploaded_by, "uploaded_at": e.uploaded_at}


def _appeal_row(a: store.AssessmentAppeal, names: dict[str, str]) -> dict[str, Any]:
    return {"id": a.id, "item_code": a.item_code, "item_name": names.get(a.item_code or "", "整体结果"),
            "reason": a.reason, "filed_by": a.filed_by, "filed_at": a.filed_at, "decision": a.decision,
            "decision_zh": DECISION_ZH.get(a.decision, a.decision), "decision_reason": a.decision_reason,
            "new_points": a.new_points, "decided_by": a.decided_by, "decided_at": a.decided_at}


def _auto_points(session: Session, rubric: Any, region: str, year: int) -> dict[str, Decimal | None]:
    """Points the data gives each automatically scored item (shown beside the human points)."""
    from ecer.services.assessment import auto_scores

    return {code: s.points for code, s in auto_scores(session, rubric, region, year).items()}


def region_detail(session: Session, principal: Principal, region: str, year: int, *, scope: str = "year",
                  rubric_id: str = "energy-2021") -> dict[str, Any]:
    """One region's result item by item: final, automatic, self and reviewed points, evidence, appeals."""
    name = readable_region(session, principal, region)
    rubric = load_rubric(rubric_id)
    result = evaluate(session, year, scope=scope, rubric_id=rubric.id, region=name)[0]
    record = store.find(session, rubric_id=rubric.id, region=name, year=year, scope=scope)
    human = store.scores(session, record.id) if record else {}
    evidence = [_evidence_row(e) for e in store.evidence(session, record.id)] if record else []
    names = {i.code: i.name for i in (*rubric.targets, *rubric.measures)}
    appeals = [_appeal_row(a, names) for a in store.appeals(session, record.id)] if record else []
    published = result["status"] == "published"
    auto = {} if published else _auto_points(session, rubric, name, year)
    methods = {m.code: m.method for m in rubric.measures}
    items = []
    for i in result["items"]:
        h = human.get(i["code"])
        method = methods.get(i["code"])
        auto_points = auto.get(i["code"]) if not published else (i["points"] if i["source"] == "auto" else None)
        if method is None:  # target items (and their bonus) are scored from the data only
            auto_points = i["points"]
        items.append({
            **i, "kind": "measure" if method else "target", "method": method, "scorable": method is not None,
            "source_zh": SOURCE_ZH.get(i.get("source") or "none", i.get("source")),
            "auto_points": auto_points,
            "self_points": h.self_points if h else None, "self_comment": h.self_comment if h else None,
            "self_by": h.self_by if h else None,
            "review_points": h.review_points if h else None, "review_comment": h.review_comment if h else None,
            "review_by": h.review_by if h else None,
            "evidence": [e for e in evidence if e["item_code"] == i["code"]]})
    pending = sum(a["decision"] is None for a in appeals)
    self_submitted = bool(record and record.self_submitted_at)
    state = _state(result["status"], self_submitted, pending)
    return {
        "region": name, "region_code": result["region_code"], "year": year, "scope": scope, "rubric_id": rubric.id,
        "score": result["score"], "rating": result["rating"], "vetoed": result["vetoed"],
        "rating_chip": RATING_CHIP.get(result["rating"], "none"), "status": result["status"],
        "status_zh": STATUS_ZH.get(result["status"], result["status"]), "state": state, "state_zh": STATE_ZH[state],
        "self_submitted": self_submitted, "self_submitted_by": record.self_submitted_by if record else None,
        "reviewed_by": record.reviewed_by if record else None,
        "published_by": record.published_by if record else None,
        "items": items, "appeals": appeals, "pending_appeals": pending,
        "actions": allowed_actions(principal, name, state),
    }


def allowed_actions(principal: Principal, region: str, state: str) -> list[str]:
    """The actions this principal may take now (the page shows only these forms)."""
    own = principal.role == "district" and principal.can_submit_for(region)  # not a read-only region token
    found = []
    if own and state == "self":
        found += ["self", "submit"]
    if own and state in ("reviewed", "appealed"):
        found.append("appeal")
    if principal.can_review and state == "submitted":
        found += ["review", "finish"]
    if principal.can_review and state == "appealed":
        found.append("decide")
    if principal.can_review and state == "reviewed":
        found.append("publish")
    return found


# --- actions --------------------------------------------------------------------------------------

def _own_district(session: Session, principal: Principal, region: str, what: str) -> str:
    plan = current_plan(session)
    name = plan.region(region).name
    if principal.role != "district" or not principal.can_submit_for(name):
        raise EcerError("ACCESS_DENIED", f"仅{name}的区县用户可{what}", field="region", value=name)
    return assessed_region(plan, name).name


def _reviewer(session: Session, principal: Principal, region: str, what: str) -> str:
    _require_reviewer(principal, what)
    return assessed_region(current_plan(session), region).name


def _require_reviewer(principal: Principal, what: str) -> None:
    if not principal.can_review:
        raise EcerError("ACCESS_DENIED", f"仅市级用户或系统管理员可{what}")


def self_assess(session: Session, principal: Principal, region: str, *, year: int, item: str, points: Decimal,
                comment: str | None = None, evidence: list[Path] | None = None, scope: str = "year",
                rubric_id: str = "energy-2021") -> None:
    name = _own_district(session, principal, region, "自评")
    flow.self_assess(session, year=year, region=name, item_code=item, points=points, actor=principal.username,
                     comment=comment or None, evidence=evidence, scope=scope, rubric_id=rubric_id)


def submit_self(session: Session, principal: Principal, region: str, *, year: int, scope: str = "year",
                rubric_id: str = "energy-2021") -> None:
    name = _own_district(session, principal, region, "提交自评")
    flow.submit_self(session, year=year, region=name, actor=principal.username, scope=scope, rubric_id=rubric_id)


def appeal(session: Session, principal: Principal, region: str, *, year: int, reason: str, item: str | None = None,
           scope: str = "year", rubric_id: str = "energy-2021") -> int:
    name = _own_district(session, principal, region, "申诉")
    return flow.appeal(session, year=year, region=name, reason=reason, actor=principal.username,
                       item_code=item or None, scope=scope, rubric_id=rubric_id).id


def review_item(session: Session, principal: Principal, region: str, *, year: int, item: str, points: Decimal,
                comment: str | None = None, evidence: list[Path] | None = None, scope: str = "year",
                rubric_id: str = "energy-2021") -> None:
    name = _reviewer(session, principal, region, "审核评分")
    flow.review_item(session, year=year, region=name, item_code=item, points=points,
                     actor=principal.username, comment=comment or None, evidence=evidence, scope=scope,
                     rubric_id=rubric_id)


def finish_review(session: Session, principal: Principal, region: str, *, year: int, scope: str = "year",
                  rubric_id: str = "energy-2021") -> None:
    name = _reviewer(session, principal, region, "完成审核")
    flow.finish_review(session, year=year, region=name, actor=principal.username, scope=scope,
                       rubric_id=rubric_id)


def decide(session: Session, principal: Principal, appeal_id: int, *, decision: str, reason: str,
           points: Decimal | None = None) -> str:
    """Decide an appeal; returns the region it belongs to (the page goes back there)."""
    _require_reviewer(principal, "处理申诉")
    flow.decide(session, appeal_id=appeal_id, decision=decision, reason=reason, actor=principal.username,
                points=points)
    row = session.get(store.AssessmentAppeal, appeal_id)
    record = session.get(store.Assessment, row.assessment_id) if row else None
    return record.region if record else ""


def publish(session: Session, principal: Principal, region: str, *, year: int, scope: str = "year",
            rubric_id: str = "energy-2021") -> dict[str, Any]:
    name = _reviewer(session, principal, region, "公布考核结果")
    return flow.publish(session, year=year, region=name, actor=principal.username, scope=scope,
                        rubric_id=rubric_id)


def evidence_file(session: Session, principal: Principal, evidence_id: int) -> tuple[str, bytes]:
    """(file name, content) of an evidence file in a readable region; NOT_FOUND otherwise (ids do not leak)."""
    row = session.get(store.AssessmentEvidence, evidence_id)
    record = session.get(store.Assessment, row.assessment_id) if row else None
    try:
        if record is None:
            raise EcerError("NOT_FOUND")
        readable_region(session, principal, record.region)
    except EcerError as exc:
        raise EcerError("NOT_FOUND", f"佐证材料 {evidence_id}") from exc
    assert row is not None
    return row.file_name, row.content


@contextmanager
def uploaded_files(files: list[tuple[str, bytes]]) -> Iterator[list[Path]]:
    """Uploaded evidence as files the workflow reads (it keeps name, hash and content); removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="ecer-evidence-") as folder:
        paths = []
        for index, (name, content) in enumerate(files):
            if len(content) > MAX_EVIDENCE_BYTES:
                raise EcerError("UPLOAD_TOO_LARGE", f"{len(content)} 字节，上限 {MAX_EVIDENCE_BYTES}", file=name)
            safe = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", Path(name).name)[:200] or f"evidence-{index}"
            sub = Path(folder) / str(index)
            sub.mkdir()
            (sub / safe).write_bytes(content)
            paths.append(sub / safe)
        yield paths

