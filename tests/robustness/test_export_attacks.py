"""Exports aimed at what the case owns, and exports that fail half-way (THREAT_MODEL.md T1,
T3): through the command line, as a tired user or an attacker would type them. Each of these
wrote over the case, a film or a good older export before the fix."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vigstudio.app import CaseSession
from vigstudio.app.export_target import check_copy_target, check_export_target
from vigstudio.cli import main as cli
from vigstudio.errors import UnsafeTargetError
from vigstudio.testing import synth


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case with a copied recording, a clip, a still and a reel of both (with a caption)."""
    folder = tmp_path_factory.mktemp("case")
    video = synth.make_barcode_video(folder.parent / f"{folder.name}-film.mp4", width=160,
                                     height=96, frames=12, audio=False)
    project = folder / "family.vigproj"
    assert cli(["new", str(project), "--case", "Family R"]) == 0
    assert cli(["import", str(project), str(video), "--copy"]) == 0
    assert cli(["add-clip", str(project), "--recording", "1", "--in", "0", "--out", "6"]) == 0
    assert cli(["add-still", str(project), "--recording", "1", "--frame", "3"]) == 0
    assert cli(["new-reel", str(project), "--name", "Visit"]) == 0
    assert cli(["reel-add", str(project), "--reel", "Visit", "--clip", "1",
                "--caption", "Look at you two"]) == 0
    assert cli(["reel-add", str(project), "--reel", "Visit", "--still", "1"]) == 0
    # the family consented (these tests attack the targets, not the consent check)
    assert cli(["add-participant", str(project), "--name", "Sam", "--role", "person"]) == 0
    assert cli(["consent", str(project), "--participant", "Sam", "--use", "feedback",
                "--given", "2026-01-05"]) == 0
    assert cli(["set-clip", str(project), "--clip", "1", "--appears", "Sam"]) == 0
    assert cli(["set-still", str(project), "--still", "1", "--appears", "Sam"]) == 0
    return project


def _owned(case: Path) -> dict[str, Path]:
    film = next((case.parent / "media").iterdir())
    return {"project": case, "journal name": Path(f"{case}-journal"),
            "lock": Path(f"{case}.lock"), "film": film}


def _unchanged(case: Path) -> dict[Path, str]:
    return {p: _digest(p) for p in [case, *(case.parent / "media").iterdir()]}


@pytest.mark.parametrize("command", ["export-reel", "export-sheet", "export-stills"])
@pytest.mark.parametrize("what", ["project", "journal name", "lock", "film"])
def test_an_export_never_writes_over_what_the_case_owns(
        case: Path, command: str, what: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = _unchanged(case)
    out = _owned(case)[what]
    code = cli([command, str(case), "--reel", "Visit", "-o", str(out), "--overwrite",
                *(["--quiet"] if command == "export-reel" else [])])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "never" in err or "media folder" in err or "not a folder" in err
    assert _unchanged(case) == before
    with CaseSession.open(case) as session:
        assert session.case().name == "Family R"


def test_stills_never_go_into_the_films_folder(case: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = _unchanged(case)
    assert cli(["export-stills", str(case), "--reel", "Visit", "-o",
                str(case.parent / "media"), "--overwrite"]) == 2
    assert "media folder" in capsys.readouterr().err
    assert _unchanged(case) == before


def test_other_names_for_the_same_file_are_seen_through(tmp_path: Path, case: Path) -> None:
    film = _owned(case)["film"]
    (tmp_path / "link.mp4").symlink_to(case)
    os.link(film, tmp_path / "hardlink.mp4")
    (tmp_path / "sub").mkdir()
    with CaseSession.open(case, read_only=True) as session:
        for target in (tmp_path / "link.mp4", tmp_path / "hardlink.mp4",
                       case.parent / "exports" / ".." / case.name,
                       Path(os.path.relpath(case)), tmp_path / "sub" / ".." / "hardlink.mp4"):
            with pytest.raises(UnsafeTargetError):
                check_export_target(session, target)


def test_captions_never_replace_the_reel_or_a_film(tmp_path: Path, case: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The reel's captions go beside it as NAME.srt: ``-o x.srt`` would have replaced the
    video with its own subtitles, and ``-o FILM.mp4``'s captions could replace a film."""
    assert cli(["export-reel", str(case), "--reel", "Visit", "-o", str(tmp_path / "x.srt"),
                "--quiet"]) == 2
    assert "captions" in capsys.readouterr().err
    assert not (tmp_path / "x.srt").exists()


def test_another_familys_case_is_never_overwritten(tmp_path: Path, case: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.vigproj"
    assert cli(["new", str(other), "--case", "Family K"]) == 0
    before = _digest(other)
    for command in ("export-sheet", "export-reel"):
        assert cli([command, str(case), "--reel", "Visit", "-o", str(other), "--overwrite",
                    "--quiet"][: 8 if command == "export-reel" else 7]) == 2
    assert cli(["save-copy", str(case), str(other), "--overwrite"]) == 2
    assert "another case project" in capsys.readouterr().err
    assert _digest(other) == before
    # a copy may replace an older copy of this same case
    older = tmp_path / "usb copy.vigproj"
    assert cli(["save-copy", str(case), str(older)]) == 0
    assert cli(["save-copy", str(case), str(older), "--overwrite"]) == 0
    with CaseSession.open(case, read_only=True) as session:
        check_copy_target(session, older)
        for own in (case, _owned(case)["film"]):
            with pytest.raises(UnsafeTargetError):
                check_copy_target(session, own)


def _in_mount_namespace(scenario: str, tmp_path: Path) -> dict[str, Any]:
    script = Path(__file__).with_name("mount_scenarios.py")
    proc = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                           str(script), scenario, str(tmp_path)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_exports_over_good_files_on_a_full_disk_keep_the_good_files(tmp_path: Path) -> None:
    """A sheet, a reel and stills replaced (--overwrite) on a disk that fills up: exit 2 with
    a plain message, the older good files byte for byte, nothing half-written left."""
    result = _in_mount_namespace("replace_on_full_disk", tmp_path)
    for command in ("export-sheet", "export-reel", "export-stills", "save-copy"):
        outcome = result[command]
        assert outcome["exit"] == 2, outcome
        assert "full" in outcome["message"], outcome
        assert outcome["kept"], outcome
    assert result["left_behind"] == ["copy.vigproj", "filler.bin", "reel.mp4", "sheet.pdf",
                                     "stills"], result
    assert result["stills"] == ["01-frame-3.png"], result


def test_an_export_while_a_window_edits_is_refused_plainly_and_blocks_nothing(
        tmp_path: Path, case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A window has the case open for editing. Every export is written in the case's export
    log (docs/CONSENT.md), which needs the writer: an export from the command line meanwhile
    is refused with a plain message, writes nothing, and the window goes on editing."""
    with CaseSession.open(case) as window:
        capsys.readouterr()
        assert cli(["export-sheet", str(case), "--reel", "Visit", "-o",
                    str(tmp_path / "sheet.pdf")]) == 2
        err = capsys.readouterr().err
        assert err.startswith("vigstudio: ") and "Traceback" not in err
        from vigstudio.domain.project import Role

        window.add_participant("Robin", Role.PARTNER)
        assert not (tmp_path / "sheet.pdf").exists()


def test_a_reexport_without_captions_leaves_no_stale_captions(
        tmp_path: Path, case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reel.mp4"
    assert cli(["export-reel", str(case), "--reel", "Visit", "-o", str(out), "--quiet"]) == 0
    assert out.with_suffix(".srt").exists()  # the caption of the first item
    assert cli(["reel-set", str(case), "--reel", "Visit", "--item", "1",
                "--burn-caption"]) == 0
    assert cli(["export-reel", str(case), "--reel", "Visit", "-o", str(out), "--overwrite",
                "--quiet"]) == 0
    assert not out.with_suffix(".srt").exists()  # would have shown old captions on it
    assert cli(["reel-set", str(case), "--reel", "Visit", "--item", "1",
                "--no-burn-caption"]) == 0
    capsys.readouterr()


def test_a_codebook_export_never_writes_over_the_case(case: Path) -> None:
    """File ▸ Export the codebook wrote its JSON straight over whatever was chosen."""
    before = _unchanged(case)
    with CaseSession.open(case) as session:
        for target in _owned(case).values():
            with pytest.raises(UnsafeTargetError):
                session.export_codebook(target)
    assert _unchanged(case) == before
