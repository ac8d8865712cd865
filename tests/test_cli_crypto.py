"""The command line on encrypted cases: new --encrypt, every command opening one, the
recovery key, passphrase, encrypt, delete-case (in-process, and one real subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vigstudio.cli import main

PASS = "correct horse battery"
SQLITE = b"SQLite format 3\x00"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*")
            if p.is_file()}


def test_an_encrypted_case_from_the_command_line(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "case.vigproj"
    p = str(project)
    monkeypatch.setenv("VIGSTUDIO_PASSPHRASE", PASS)
    code, out, _ = run(["new", p, "--case", "Family Brook", "--encrypt"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == p and lines[1].startswith("recovery key: ") and "safe" in lines[2]
    recovery = lines[1].removeprefix("recovery key: ")
    assert not project.read_bytes().startswith(SQLITE)
    # commands from cli.py, cli_privacy.py and cli_interchange.py all open it
    assert run(["add-participant", p, "--name", "Zebedee", "--role", "person"], capsys)[0] == 0
    code, out, err = run(["info", p], capsys)
    assert code == 0 and "Family Brook" in out, err
    counts = tmp_path / "exports" / "counts.csv"
    counts.parent.mkdir()
    assert run(["export-counts", p, "-o", str(counts)], capsys)[0] == 0
    assert counts.is_file()  # a chosen export: the one plaintext the app writes
    before = _state(tmp_path)
    monkeypatch.setenv("VIGSTUDIO_PASSPHRASE", "not the passphrase")
    code, out, err = run(["info", p], capsys)
    assert code == 2 and "does not open this case" in err and out == ""
    assert _state(tmp_path) == before
    # the recovery key instead (a forgotten passphrase)
    monkeypatch.delenv("VIGSTUDIO_PASSPHRASE")
    monkeypatch.setenv("VIGSTUDIO_RECOVERY_KEY", recovery)
    code, out, _ = run(["--recovery-key", "info", p], capsys)
    assert code == 0 and "Family Brook" in out
    monkeypatch.setenv("VIGSTUDIO_NEW_PASSPHRASE", "a brand new passphrase")
    code, out, _ = run(["passphrase", p, "--recovery-key"], capsys)
    assert code == 0 and "changed" in out
    monkeypatch.delenv("VIGSTUDIO_RECOVERY_KEY")
    monkeypatch.setenv("VIGSTUDIO_PASSPHRASE", PASS)
    assert run(["info", p], capsys)[0] == 2
    monkeypatch.setenv("VIGSTUDIO_PASSPHRASE", "a brand new passphrase")
    assert run(["info", p], capsys)[0] == 0
    # delete: asks unless --yes (here there is no terminal to ask on)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115 - closed by pytest
    code, _, err = run(["delete-case", p], capsys)
    assert code == 2 and "--yes" in err and project.exists()
    code, out, _ = run(["delete-case", p, "--yes"], capsys)
    assert code == 0
    assert out.splitlines()[0] == f"removed {project}.key"
    assert not project.exists() and not Path(p + ".key").exists()


def test_encrypting_a_plain_case_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "case.vigproj"
    assert run(["new", str(project), "--case", "Family Plain"], capsys)[0] == 0
    assert project.read_bytes().startswith(SQLITE)  # plain stays the default
    monkeypatch.setenv("VIGSTUDIO_PASSPHRASE", PASS)
    safe = tmp_path / "recovery.txt"
    code, out, _ = run(["encrypt", str(project), "--recovery-key-file", str(safe)], capsys)
    assert code == 0 and "now encrypted" in out and str(safe) in out
    assert "VIG Studio recovery key" in safe.read_text(encoding="utf-8")
    assert not project.read_bytes().startswith(SQLITE)
    code, out, _ = run(["info", str(project)], capsys)
    assert code == 0 and "Family Plain" in out


def test_without_a_passphrase_and_a_terminal_the_command_says_how(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"),
           "VIGSTUDIO_PASSPHRASE": PASS}
    made = subprocess.run([sys.executable, "-m", "vigstudio", "new", str(project), "--case",
                           "Family Brook", "--encrypt"], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    del env["VIGSTUDIO_PASSPHRASE"]
    proc = subprocess.run([sys.executable, "-m", "vigstudio", "info", str(project)], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 2
    assert "VIGSTUDIO_PASSPHRASE" in proc.stderr and "Traceback" not in proc.stderr


def test_importing_into_an_encrypted_case_copies_in_and_says_the_original_is_not_protected(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from vigstudio.testing.synth import make_barcode_video

    film = make_barcode_video(tmp_path / "visit.mp4", width=96, height=64, frames=10,
                              audio=False)
    project = tmp_path / "case" / "case.vigproj"
    project.parent.mkdir()
    monkeypatch.setenv("VIGSTUDIO_PASSPHRASE", PASS)
    assert run(["new", str(project), "--case", "Family Brook", "--encrypt"], capsys)[0] == 0
    code, out, err = run(["import", str(project), str(film)], capsys)
    assert code == 0 and out.strip() == "1"
    assert "copied into the case and encrypted" in err and "NOT protected" in err
    [copy] = (project.parent / "case.vigproj.media").iterdir()
    assert copy.read_bytes()[4:8] != b"ftyp" and film.is_file()
