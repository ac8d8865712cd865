"""The command line, in-process (main(argv)) and a few runs as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from vigstudio import __version__
from vigstudio.cli import main
from vigstudio.testing.synth import make_barcode_video


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    return make_barcode_video(folder / "family.mp4", frames=50, width=160, height=96)


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "case.vigproj"
    code, out, _ = run(["new", str(path), "--case", "Family Brook"], capsys)
    assert code == 0 and Path(out.strip()) == path
    return path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"vigstudio {__version__}"


def test_edit_commands_print_ids(project: Path, video: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    p = str(project)
    code, out, _ = run(["import", p, str(video)], capsys)
    assert (code, out) == (0, "1\n")
    assert run(["add-moment", p, "--recording", "1", "--frame", "7", "--code", "receiving",
                "--note", "smile"], capsys)[:2] == (0, "1\n")
    assert run(["add-clip", p, "--recording", "1", "--in", "10", "--out", "50",
                "--title", "Turns"], capsys)[:2] == (0, "1\n")
    assert run(["add-still", p, "--recording", "1", "--frame", "49"], capsys)[:2] == (0, "1\n")
    assert run(["new-reel", p, "--name", "Cycle 1"], capsys)[:2] == (0, "1\n")
    assert run(["reel-add", p, "--reel", "Cycle 1", "--clip", "1"], capsys)[:2] == (0, "1\n")
    assert run(["reel-add", p, "--reel", "Cycle 1", "--still", "1"], capsys)[:2] == (0, "2\n")
    code, out, _ = run(["info", p, "--json"], capsys)
    data = json.loads(out)
    assert data["case"]["name"] == "Family Brook"
    assert data["recordings"][0]["path"] == str(video)  # outside the folder: absolute
    assert data["recordings"][0]["info"]["frame_count"] == 50
    assert data["moments"][0]["frame"] == 7 and data["moments"][0]["note"] == "smile"
    assert data["clips"][0]["range"] == {"start": 10, "end": 50}
    assert [i["kind"] for i in data["reels"][0]["items"]] == ["clip", "still"]
    code, out, _ = run(["info", p], capsys)
    assert code == 0 and "Family Brook" in out and "moments: 1" in out


def test_import_copy_keeps_relative_path(project: Path, video: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(["import", str(project), str(video), "--copy"], capsys)
    assert code == 0
    data = json.loads(run(["info", str(project), "--json"], capsys)[1])
    assert data["recordings"][0]["path"] == "media/family.mp4"
    assert (project.parent / "media" / "family.mp4").read_bytes() == video.read_bytes()


def test_participant_by_name(project: Path, video: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from vigstudio.app import CaseSession
    from vigstudio.domain.project import Role

    run(["import", str(project), str(video)], capsys)
    with CaseSession.open(project) as s:
        s.add_participant("Alex", Role.PARTNER)
    code, _, _ = run(["add-moment", str(project), "--recording", "1", "--frame", "3",
                      "--code", "attentive", "--participant", "alex"], capsys)
    assert code == 0
    code, _, err = run(["add-moment", str(project), "--recording", "1", "--frame", "3",
                        "--code", "attentive", "--participant", "Nobody"], capsys)
    assert code == 2 and "no participant called 'Nobody'" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["add-moment", "--recording", "1", "--frame", "50", "--code", "attentive"],
     "frame 50 is outside"),
    (["add-moment", "--recording", "1", "--frame", "-1", "--code", "attentive"],
     "frame -1 is outside"),
    (["add-moment", "--recording", "1", "--frame", "3", "--code", "hugging"],
     "unknown code 'hugging'"),
    (["add-clip", "--recording", "1", "--in", "40", "--out", "51"], "past the end"),
    (["add-clip", "--recording", "1", "--in", "40", "--out", "40"], "must come after"),
    (["add-still", "--recording", "9", "--frame", "1"], "no recording with id 9"),
    (["reel-add", "--reel", "Nope", "--clip", "1"], "no reel called 'Nope'"),
])
def test_edit_errors_exit_2_with_message(project: Path, video: Path, argv: list[str],
                                         message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    run(["import", str(project), str(video)], capsys)
    code, out, err = run([argv[0], str(project), *argv[1:]], capsys)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_file_errors(tmp_path: Path, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.vigproj"
    text.write_text("hello")
    code, _, err = run(["info", str(text)], capsys)
    assert code == 2 and "not a VIG Studio project" in err
    code, _, err = run(["new", str(project), "--case", "X"], capsys)
    assert code == 2 and "already exists" in err
    code, _, err = run(["probe", str(text), "--json"], capsys)
    assert code == 2 and err.startswith("vigstudio: ")
    code, _, err = run(["import", str(project), str(tmp_path / "missing.mp4")], capsys)
    assert code == 2 and "missing.mp4" in err


def test_usage_errors_are_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["new", "x.vigproj"])
    assert exc.value.code == 2 and "--case" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["reel-add", "p", "--reel", "R", "--clip", "1", "--still", "2"])


def test_probe_json(video: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["probe", str(video), "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["frame_count"] == 50 and data["frame_rate"] == "25/1"
    code, out, _ = run(["probe", str(video)], capsys)
    assert "50 frames" in out


def test_no_command_and_open_start_the_gui(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    calls: list[Path | None] = []
    fake = types.ModuleType("vigstudio.gui.app")
    fake.run = lambda project: calls.append(project) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vigstudio.gui.app", fake)
    assert main([]) == 0
    assert main(["open", str(tmp_path / "a.vigproj")]) == 0
    assert calls == [None, tmp_path / "a.vigproj"]


def test_subprocess_entry_points(tmp_path: Path, video: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "vigstudio", "--version"], check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == f"vigstudio {__version__}"
    project = tmp_path / "p.vigproj"
    subprocess.run([sys.executable, "-m", "vigstudio", "new", str(project), "--case", "F"],
                   check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-m", "vigstudio", "add-moment", str(project),
                             "--recording", "1", "--frame", "1", "--code", "attentive"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "no recording with id 1" in result.stderr
    assert result.stdout == ""
