"""Edits with bad numbers and a film swapped for another (THREAT_MODEL.md T7, T8): every
command checks everything before it changes anything, and a same-size impostor is caught by
its content. Each failed on the code before the fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from vigstudio.app import CaseSession, RecordingStatus
from vigstudio.app.reel_export import export_reel_stills
from vigstudio.cli import main as cli
from vigstudio.errors import MediaMissingError
from vigstudio.testing import synth


@pytest.fixture
def case(tmp_path: Path) -> Path:
    video = synth.make_barcode_video(tmp_path / "film.mp4", width=160, height=96, frames=12,
                                     audio=False)
    project = tmp_path / "family.vigproj"
    for argv in (["new", str(project), "--case", "Family R"],
                 ["import", str(project), str(video)],
                 ["add-clip", str(project), "--recording", "1", "--in", "0", "--out", "6"],
                 ["add-still", str(project), "--recording", "1", "--frame", "3"],
                 ["new-reel", str(project), "--name", "Visit"]):
        assert cli(argv) == 0
    return project


def _reel_items(project: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert cli(["info", str(project), "--json"]) == 0
    reels = json.loads(capsys.readouterr().out)["reels"]
    return list(reels[0]["items"])


@pytest.mark.parametrize("argv", [
    ["--still", "1", "--hold", "0"],
    ["--title", "Hello", "--hold", "-1"],
    ["--clip", "1", "--speed", "9"],
    ["--clip", "1", "--speed", "0"],
    ["--clip", "1", "--freeze", "-2"],
    ["--still", "1", "--hold", "1000000000"],
    ["--clip", "1", "--freeze", "100000"],
    ["--title", "Hello", "--hold", "1e400"],
    ["--still", "1", "--hold", "nan"],
    ["--clip", "1", "--at", "5"],
])
def test_reel_add_with_a_bad_value_changes_nothing(case: Path, argv: list[str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = case.read_bytes()
    assert _exit_code(["reel-add", str(case), "--reel", "Visit", *argv]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()
    assert case.read_bytes() == before  # not even a change counter moved
    assert _reel_items(case, capsys) == []


def _exit_code(argv: list[str]) -> int:
    """The exit status, whether the error was found by argparse or by the command."""
    try:
        return cli(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def test_reel_set_with_a_bad_position_changes_nothing(case: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["reel-add", str(case), "--reel", "Visit", "--clip", "1"]) == 0
    before = _reel_items(case, capsys)
    assert cli(["reel-set", str(case), "--reel", "Visit", "--item", "1", "--caption", "new",
                "--move-to", "7"]) == 2
    assert "outside the reel" in capsys.readouterr().err
    assert _reel_items(case, capsys) == before


def test_a_same_size_impostor_is_not_taken_for_the_film(case: Path, tmp_path: Path) -> None:
    """Another valid film of exactly the same size put at the recording's path: before, it
    showed as online and its pictures were exported as this family's."""
    film = tmp_path / "film.mp4"
    other = synth.make_barcode_video(tmp_path / "other.mp4", width=160, height=96, frames=12,
                                     audio=False, gop=3)
    data = bytearray(other.read_bytes())
    size = film.stat().st_size
    data = data[:size] if len(data) >= size else data + bytes(size - len(data))
    with CaseSession.open(case) as session:
        assert session.recording_status(1) is RecordingStatus.ONLINE
        shutil.copyfile(film, tmp_path / "original.mp4")
        film.write_bytes(bytes(data))  # the impostor, same byte size
        assert film.stat().st_size == size
        assert session.recording_status(1) is RecordingStatus.CHANGED
        session.add_still_to_reel(session.reels()[0].id or 0, 1)
        with pytest.raises(MediaMissingError, match="differs"):
            export_reel_stills(session, session.reels()[0], tmp_path / "stills")
        assert not (tmp_path / "stills").exists()
    with CaseSession.open(case) as fresh:  # a new session checks the content again
        assert fresh.recording_status(1) is RecordingStatus.CHANGED
        shutil.copyfile(tmp_path / "original.mp4", film)
        assert fresh.recording_status(1) is RecordingStatus.ONLINE


def test_odd_names_and_special_files_get_a_sentence(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A name too long for the file system, a name that is not valid text, a pipe named like
    a project: a readable line and exit 2, never a traceback or a hang."""
    import os

    long_name = str(tmp_path / ("a" * 300 + ".vigproj"))
    odd = os.fsdecode(bytes(tmp_path) + b"/\xff\xfe.vigproj")
    fifo = tmp_path / "pipe.vigproj"
    os.mkfifo(fifo)
    for argv in (["new", long_name, "--case", "X"], ["info", long_name],
                 ["probe", str(tmp_path / ("b" * 300 + ".mp4"))],
                 ["info", odd], ["info", str(fifo)], ["new", str(fifo), "--case", "X"]):
        assert _exit_code(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("vigstudio: ") and "Traceback" not in err, err
