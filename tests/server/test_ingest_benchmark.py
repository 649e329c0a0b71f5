"""The end-to-end ingest benchmark's smoke mode runs and finds sent = acknowledged = stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "hj212_ingest" / "ingest.py"


def test_ingest_benchmark_quick_mode_on_sqlite():
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--db", "sqlite"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sent_acknowledged_stored_equal=True" in result.stdout
    assert "wrong_acks=0" in result.stdout
