"""The built application, started as a practitioner would: outside the venv, clean environment.

The bundle is built by ``python3 run.py package`` (CI runs it as its own step before the
tests, see .ci/run). When ``dist/vigstudio`` is missing or was built from other sources (its
BUILD-STAMP differs from the hash of the current inputs), the fixture builds it once for the
session (a few minutes), so these tests never run against a stale bundle and are never
skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import av
import pytest

from vigstudio.app.reel_export import plan_for_reel
from vigstudio.app.session import CaseSession
from vigstudio.media.export_plan import layout_reel

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 1800


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vigstudio_packaging_build",
                                                  ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build_module()


def _archive() -> Path | None:
    found = sorted(build.DIST.glob(f"VIG_Studio-{build.version()}-*.run"))
    return found[-1] if found else None


def _fresh() -> bool:
    stamp = build.BUNDLE / build.STAMP
    archive = _archive()
    return (build.executable().exists() and stamp.exists()
            and stamp.read_text().strip() == build.source_hash()
            and archive is not None and archive.stat().st_mtime >= stamp.stat().st_mtime)


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The bundle's executable, built from the current sources."""
    if not _fresh():
        # The tests below run the same checks as the build check, so it is skipped here.
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--no-check"],
                       cwd=ROOT, check=True, timeout=BUILD_TIMEOUT)
        assert _fresh(), "the build finished but the bundle does not match the sources"
    return build.executable()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def _run(command: list[str], home: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = build.clean_env(home)
    env.pop("DISPLAY", None)  # as on a machine without a screen: Qt's check goes offscreen
    assert not any(k in env for k in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME",
                                      "LD_LIBRARY_PATH", "VLC_PLUGIN_PATH"))
    result = subprocess.run(command, env=env, cwd=home, capture_output=True, text=True,
                            timeout=timeout, check=False)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


@pytest.mark.timeout(BUILD_TIMEOUT + 300)
def test_bundle_passes_its_self_check_in_a_clean_environment(bundle: Path, home: Path) -> None:
    assert ".venv" not in bundle.parts
    report = _run([str(bundle), "--self-check"], home).stdout
    assert report.splitlines()[-1] == "All checks passed.", report
    assert f"— {bundle}" in report.splitlines()[0]  # the frozen app, not a Python
    libvlc = next(line for line in report.splitlines() if "libVLC plays video" in line)
    assert str(bundle.parent / "_internal" / "libvlc.so.5") in libvlc
    assert "loaded came from the application" in libvlc
    assert "Qt shows a window" in report and "'offscreen'" in report


@pytest.mark.timeout(BUILD_TIMEOUT + 300)
def test_bundle_writes_the_demo_case_and_exports_its_reel(bundle: Path, home: Path) -> None:
    project = Path(_run([str(bundle), "demo", str(home / "demo")], home).stdout.strip())
    assert project.is_file() and project.parent == home / "demo"
    case = json.loads(_run([str(bundle), "info", str(project), "--json"], home).stdout)
    reel = case["reels"][0]["name"]
    out = home / "exports" / "reel.mp4"
    out.parent.mkdir()
    _run([str(bundle), "export-reel", str(project), "--reel", reel, "-o", str(out)], home)
    with CaseSession.open(project, read_only=True) as session:  # what the reel should be
        layout = layout_reel(plan_for_reel(session, session.reels()[0]))
    with av.open(str(out)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert (video.width, video.height) == (layout.width, layout.height)
        assert container.streams.audio[0].codec_context.name == "aac"
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == layout.frame_count > 100
    stills = home / "exports" / "stills"
    _run([str(bundle), "export-stills", str(project), "--reel", reel, "-o", str(stills)],
         home)
    assert sorted(p.suffix for p in stills.iterdir()) and all(
        p.suffix == ".png" for p in stills.iterdir())


@pytest.mark.timeout(BUILD_TIMEOUT + 300)
def test_single_file_archive_unpacks_once_and_runs(bundle: Path, home: Path,
                                                   request: pytest.FixtureRequest) -> None:
    archive = _archive()
    assert archive is not None and os.access(archive, os.X_OK)
    first = _run([str(archive), "--version"], home)
    assert first.stdout.strip().startswith("vigstudio ")
    assert "unpacking" in first.stderr
    unpacked = list((home / ".cache" / "vigstudio").iterdir())
    request.addfinalizer(lambda: shutil.rmtree(home / ".cache", ignore_errors=True))  # ~600 MB
    assert len(unpacked) == 1 and (unpacked[0] / "AppRun").exists()
    second = _run([str(archive), "--version"], home)
    assert second.stdout == first.stdout and "unpacking" not in second.stderr
    installed = _run([str(archive), "--install-desktop"], home)
    assert "application menu" in installed.stdout
    entry = (home / ".local" / "share" / "applications" / "vigstudio.desktop").read_text()
    assert f'Exec="{archive}" %f' in entry and "Icon=vigstudio" in entry
    assert (home / ".local/share/icons/hicolor/256x256/apps/vigstudio.png").exists()
