"""Import templates as bytes for download: the same workbook ``ecer template KIND`` writes."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path


def statistics_template() -> bytes:
    from ecer.cli.statistics import template_statistics

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statistics-template.xlsx"
        with contextlib.redirect_stdout(io.StringIO()):
            template_statistics(path)
        return path.read_bytes()
