"""Killing the app during an export or a copying import (THREAT_MODEL.md T5): no helper goes
on writing, nothing unfinished under a final name, the next start removes the hidden partial
files. A sample here; ``bench/bench_kills.py`` runs 100 kills per operation."""

from __future__ import annotations

from pathlib import Path

import pytest
from kill_exports import OPERATIONS, kill_runs


@pytest.mark.parametrize("operation", OPERATIONS)
def test_kills_leave_nothing_unfinished(tmp_path: Path, operation: str) -> None:
    report = kill_runs(tmp_path, operation, kills=3, seed=3, max_delay=4.0)
    assert report.kills == 3
    assert report.children_survived == 0, report
    assert report.unfinished_final == [], report
    assert report.leftovers_after_start == [], report
