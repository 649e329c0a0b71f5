"""PDF through LibreOffice headless (Debian ``libreoffice-writer``), with the customary fonts mapped.

The document names 方正小标宋简体, 仿宋_GB2312, 黑体 and 楷体_GB2312; where they are not installed,
``fonts.conf`` beside this file tells fontconfig to use their usual substitutes and then the
Noto CJK fonts (``fonts-noto-cjk``), so the PDF has no missing glyphs. Each conversion uses its
own LibreOffice profile, so concurrent conversions do not collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ecer.domain.errors import EcerError

FONTS_CONF = Path(__file__).resolve().parent / "fonts.conf"


def libreoffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, pdf: Path, timeout_s: int = 180) -> Path:
    """Convert ``docx`` to ``pdf``; REPORT_PDF_UNAVAILABLE without LibreOffice."""
    program = libreoffice()
    if program is None:
        raise EcerError("REPORT_PDF_UNAVAILABLE", "apt-get install libreoffice-writer fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="ecer-lo-") as work:
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": work}
        command = [program, f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", work, str(docx)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout_s, check=False)
        produced = Path(work) / (docx.stem + ".pdf")
        if done.returncode != 0 or not produced.exists():
            raise EcerError("REPORT_PDF_FAILED", (done.stderr or done.stdout).strip()[:300])
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), pdf)
    return pdf
