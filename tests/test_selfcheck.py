"""``vigstudio --self-check``: a plain report, exit status 0 only when everything works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _self_check(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(SRC), **env_extra)
    return subprocess.run([sys.executable, "-m", "vigstudio", "--self-check"], env=env,
                          capture_output=True, text=True, timeout=240, check=False)


def test_self_check_passes_here() -> None:
    result = _self_check({})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("VIG Studio ") and "self-check" in lines[0]
    assert [line.split(":")[0].split(None, 1)[1] for line in lines[1:5]] == [
        "libVLC plays video", "PyAV encodes and decodes H.264/AAC",
        "project file written and read back", "Qt shows a window"]
    assert all(line.lstrip().startswith("ok") for line in lines[1:5])
    assert "played a generated clip (frame" in result.stdout
    assert "50 H.264 frames" in result.stdout
    assert lines[-1] == "All checks passed."


def test_a_missing_libvlc_fails_the_check(tmp_path: Path) -> None:
    """python-vlc told to load a library that is not there: libVLC fails, the rest pass."""
    result = _self_check({"PYTHON_VLC_LIB_PATH": str(tmp_path / "libvlc.so.5")})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[1].lstrip().startswith("FAIL  libVLC plays video")
    assert all(line.lstrip().startswith("ok") for line in lines[2:5])
    assert lines[-1] == "1 of 4 checks failed."
