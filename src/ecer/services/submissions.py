"""Web submissions: check an uploaded workbook (nothing stored but the file), then submit it.

The check runs the same importer as ``ecer import statistics`` and also refuses rows for regions
the uploader may not submit for. Submitting adds revisions with status ``submitted`` (a reviewer
approves or returns them); an identical re-submission adds nothing, as on the command line.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError, Location, Problem
from ecer.importers.statistics import StatisticsRow, read_statistics
from ecer.services.dashboard import current_plan
from ecer.storage import audit, statistics
from ecer.storage.models import ImportBatch
from ecer.storage.uploads import Upload
from ecer.web.access import Principal

MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".xlsx", ".xlsm", ".csv")


def _read(upload: Upload, plan: Any) -> list[StatisticsRow]:
    suffix = Path(upload.filename).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(upload.content)
        try:
            return read_statistics(path, plan)
        except EcerError as exc:  # name the user's file, not the temporary copy
            for p in exc.problems:
                if p.location.file:
                    p.location.file = upload.filename
            raise


def _scope_problems(rows: list[StatisticsRow], principal: Principal, filename: str) -> list[Problem]:
    return [Problem("ACCESS_DENIED", f"{principal.username} 不能报送 {r.statistics.region} 的数据",
                    Location(filename, None, r.source_row, "地区", "region", r.statistics.region))
            for r in rows if not principal.can_submit_for(r.statistics.region)]


def check_upload(session: Session, principal: Principal, filename: str, content: bytes) -> dict[str, Any]:
    """Store the file, check every row; the answer lists every problem (row, column, value, reason)."""
    if not principal.can_submit:
        raise EcerError("ACCESS_DENIED", "该角色不能报送数据")
    if len(content) > MAX_BYTES:
        raise EcerError("UPLOAD_TOO_LARGE", f"{len(content)} 字节，上限 {MAX_BYTES}", file=filename)
    name = Path(filename or "upload").name
    if Path(name).suffix.lower() not in SUFFIXES:
        raise EcerError("IMPORT_UNSUPPORTED_FORMAT", Path(name).suffix or "(无扩展名)", file=name)
    upload = Upload(kind="statistics", filename=name, sha256=hashlib.sha256(content).hexdigest(), content=content,
                    user_id=principal.user_id, status="checked", problems=0)
    session.add(upload)
    session.flush()
    plan = current_plan(session)
    problems: list[Problem] = []
    rows: list[StatisticsRow] = []
    try:
        rows = _read(upload, plan)
    except EcerError as exc:
        problems = exc.problems
    problems += _scope_problems(rows, principal, name)
    upload.problems = len(problems)
    upload.status = "rejected" if problems else "checked"
    audit.record(session, principal.username, "upload.check", name,
                 detail={"upload_id": upload.id, "rows": len(rows), "problems": len(problems)})
    return {"upload_id": upload.id, "filename": name, "ok": not problems, "rows": len(rows),
            "problems": [p.as_dict() for p in problems],
            "preview": [{"row": r.source_row, "region": r.statistics.region, "year": r.statistics.year,
                         "period": r.statistics.period.value, "energy_10k_tce": r.statistics.energy_10k_tce,
                         "gdp_100m_yuan": r.statistics.gdp_100m_yuan, "gdp_index": r.statistics.gdp_index}
                        for r in rows]}


def submit_upload(session: Session, principal: Principal, upload_id: int) -> dict[str, Any]:
    """Add the checked upload's rows as submitted revisions, in this one transaction."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.user_id != principal.user_id:
        raise EcerError("NOT_FOUND", f"上传 {upload_id}")
    if upload.status != "checked":
        raise EcerError("UPLOAD_NOT_SUBMITTABLE", f"{upload.filename}：{upload.status}")
    plan = current_plan(session)
    rows = _read(upload, plan)
    scope = _scope_problems(rows, principal, upload.filename)
    if scope:
        raise EcerError(scope)
    batch = ImportBatch(kind="statistics", source_file=upload.filename, sha256=upload.sha256,
                        imported_by=principal.username, channel="web", rows_read=len(rows), rows_added=0)
    session.add(batch)
    session.flush()
    batch.rows_added = statistics.add_revisions(session, rows, batch=batch, status="submitted",
                                                actor=principal.username)
    upload.status, upload.batch_id = "submitted", batch.id
    audit.record(session, principal.username, "import.statistics", upload.filename,
                 detail={"batch_id": batch.id, "rows_read": len(rows), "rows_added": batch.rows_added,
                         "status": "submitted", "channel": "web"})
    return {"upload_id": upload.id, "batch_id": batch.id, "rows_read": len(rows), "rows_added": batch.rows_added,
            "status": "submitted"}


def review(session: Session, principal: Principal, revision_id: int, action: str, reason: str | None) -> Any:
    """Approve or return (reviewers), or re-submit (the region's own submitters); audited with before/after."""
    from ecer.storage.models import StatisticsRevision

    revision = session.get(StatisticsRevision, revision_id)
    if revision is None:
        raise EcerError("NOT_FOUND", f"统计数据修订 {revision_id}")
    plan = current_plan(session)
    if not principal.can_read_region(revision.region, plan.city.name):
        raise EcerError("NOT_FOUND", f"统计数据修订 {revision_id}")
    if action in ("approve", "return") and not principal.can_review:
        raise EcerError("ACCESS_DENIED", "仅市级用户或系统管理员可审核")
    if action == "submit" and not principal.can_submit_for(revision.region):
        raise EcerError("ACCESS_DENIED", f"不能报送 {revision.region} 的数据")
    before = {"status": revision.status, "return_reason": revision.return_reason}
    statistics.review(session, revision_id, action, principal.username, reason)
    audit.record(session, principal.username, f"statistics.{action}", revision_id, before=before,
                 after={"status": revision.status, "return_reason": revision.return_reason},
                 detail={"region": revision.region, "year": revision.year, "period": revision.period})
    return revision
