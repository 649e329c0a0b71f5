"""The ambient-station ingest benchmark runs and finds sent = acknowledged = hourly rows stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "hj212_ingest" / "ambient.py"


def test_ambient_benchmark_small_run_on_sqlite():
    result = subprocess.run([sys.executable, str(SCRIPT), "--stations", "3", "--hours", "4", "--db", "sqlite"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sent=12 acknowledged=12 air_readings=12" in result.stdout
