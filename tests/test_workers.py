"""Every child process goes through one worker entry (``vigstudio --worker NAME``)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from vigstudio import workers
from vigstudio.workers import WORKERS, run_worker, worker_command

SRC = Path(__file__).resolve().parents[1] / "src" / "vigstudio"


def test_from_source_a_worker_is_python_dash_m_vigstudio() -> None:
    assert worker_command("probe", "film.mp4") == [
        sys.executable, "-m", "vigstudio", "--worker", "probe", "film.mp4"]


def test_frozen_a_worker_is_the_bundle_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/vigstudio/vigstudio")
    assert workers.is_frozen()
    assert worker_command("export") == ["/opt/vigstudio/vigstudio", "--worker", "export"]


def test_unknown_worker_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown worker 'nonsense'"):
        worker_command("nonsense")
    assert run_worker(["nonsense"]) == 2
    assert run_worker([]) == 2


def test_every_worker_runs_from_the_command_line() -> None:
    """Each name dispatches (a usage error from the worker itself proves it was reached)."""
    for name, args, expected in (("probe", [], "usage"), ("self-check", ["x"], "usage"),
                                 ("export", ["x"], "standard")):
        result = subprocess.run(worker_command(name, *args), capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 2, (name, result.stderr)
        assert expected in result.stderr, (name, result.stderr)
    assert set(WORKERS) == {"probe", "export", "self-check"}


def test_probe_worker_reads_a_real_file(tmp_path: Path) -> None:
    from vigstudio.testing.synth import make_barcode_video

    clip = make_barcode_video(tmp_path / "c.mp4", frames=10, audio=False)
    result = subprocess.run(worker_command("probe", str(clip)), capture_output=True,
                            text=True, timeout=60, check=True)
    assert '"frame_count": 10' in result.stdout


def _python_m_calls(path: Path) -> list[int]:
    """Lines where a list literal holds ``sys.executable`` followed by ``"-m"``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.List) and len(node.elts) >= 2:
            first, second = node.elts[0], node.elts[1]
            if (isinstance(first, ast.Attribute) and first.attr == "executable"
                    and isinstance(second, ast.Constant) and second.value == "-m"):
                lines.append(node.lineno)
    return lines


def test_no_child_is_started_with_python_dash_m_outside_workers() -> None:
    """A frozen app has no ``python -m``: only children.worker_command may build one (test
    machinery in ``vigstudio.testing`` is not part of the app and may)."""
    offenders = {str(p.relative_to(SRC)): lines for p in SRC.rglob("*.py")
                 if p.name not in ("workers.py", "children.py")
                 and "testing" not in p.relative_to(SRC).parts
                 and (lines := _python_m_calls(p))}
    assert offenders == {}
