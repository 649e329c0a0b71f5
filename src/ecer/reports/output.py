"""Save a built document as .docx, or as .pdf through LibreOffice."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ecer.domain.errors import EcerError
from ecer.reports.govdoc import GovDocument


def save_document(doc: GovDocument, out: Path) -> Path:
    suffix = out.suffix.lower()
    if suffix == ".docx":
        return doc.save(out)
    if suffix == ".pdf":
        from ecer.reports.pdf import docx_to_pdf, libreoffice

        if libreoffice() is None:
            raise EcerError("REPORT_PDF_UNAVAILABLE", "apt-get install libreoffice-writer fonts-noto-cjk")
        with tempfile.TemporaryDirectory(prefix="ecer-report-") as work:
            docx = doc.save(Path(work) / (out.stem + ".docx"))
            return docx_to_pdf(docx, out)
    raise EcerError("REPORT_FORMAT_UNSUPPORTED", suffix or "(无扩展名)", field="-o", value=str(out))
